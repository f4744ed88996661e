#include "cdp/connection.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <utility>
#include <vector>

#include "cdp/protocol/decode.h"
#include "cdp/protocol/internal/json_reader.h"

namespace cdp {

namespace json = protocol::internal;
using common::Status;

// One parser and one padded input buffer, reused for every message so their
// memory is allocated once per connection, not once per message.
struct Connection::Parser : json::Parser {};

// Views into Parser: valid until the next message is parsed.
struct Connection::Envelope {
  bool has_id = false;
  int64_t id = 0;
  std::string_view method, session_id;
  std::string_view params, result;  // raw JSON text
  bool has_error = false;
  int64_t error_code = 0;
  std::string_view error_message;
};

namespace {

json::error_code ReadError(json::od::value v, int64_t& code, std::string_view& message) {
  return json::ForEachField(v, [&](std::string_view key, json::od::value field) {
    if (key == "code") return field.get_int64().get(code);
    if (key == "message") return field.get_string().get(message);
    return json::SUCCESS;
  });
}

// Reads one envelope field; the keys may come in any order.
json::error_code ReadEnvelopeField(std::string_view key, json::od::value v, auto& env) {
  if (key == "id") {
    env.has_id = true;
    return v.get_int64().get(env.id);
  }
  if (key == "method") return v.get_string().get(env.method);
  if (key == "sessionId") return v.get_string().get(env.session_id);
  if (key == "params") return json::RawJson(v, env.params);
  if (key == "result") return json::RawJson(v, env.result);
  if (key == "error") {
    env.has_error = true;
    return ReadError(v, env.error_code, env.error_message);
  }
  return json::SUCCESS;
}

// One pass over the message's top-level fields.
json::error_code ParseEnvelope(json::Parser& parser, std::string_view message, auto& env) {
  json::od::document doc;
  json::od::value root;
  if (auto err = json::Iterate(parser, message, doc)) return err;
  if (auto err = doc.get_value().get(root)) return err;
  json::od::json_type type;
  if (auto err = root.type().get(type)) return err;
  if (type != json::od::json_type::object) return simdjson::INCORRECT_TYPE;
  return json::ForEachField(root, [&](std::string_view key, json::od::value v) {
    return ReadEnvelopeField(key, v, env);
  });
}

// The text after `{"key":` at the start of `head` (whitespace allowed), or
// nullopt when the message does not start with that key.
std::optional<std::string_view> AfterLeadingKey(std::string_view head, std::string_view key) {
  auto skip_space = [&] {
    while (!head.empty() && (head[0] == ' ' || head[0] == '\n' || head[0] == '\r' || head[0] == '\t')) {
      head.remove_prefix(1);
    }
  };
  auto take = [&](std::string_view token) {
    skip_space();
    if (head.substr(0, token.size()) != token) return false;
    head.remove_prefix(token.size());
    return true;
  };
  if (!take("{") || !take("\"") || !take(key) || head.empty() || head[0] != '"') return std::nullopt;
  head.remove_prefix(1);
  if (!take(":")) return std::nullopt;
  skip_space();
  return head;
}

std::optional<int64_t> LeadingId(std::string_view head) {
  auto rest = AfterLeadingKey(head, "id");
  if (!rest || rest->empty() || !std::isdigit(static_cast<unsigned char>((*rest)[0]))) return std::nullopt;
  int64_t id = 0;
  for (size_t i = 0; i < rest->size() && i < 18 && std::isdigit(static_cast<unsigned char>((*rest)[i])); ++i) {
    id = id * 10 + ((*rest)[i] - '0');
  }
  return id;
}

// A plain string value (CDP method names and session ids have no escapes).
std::optional<std::string> QuotedPrefix(std::string_view text) {
  if (text.empty() || text[0] != '"') return std::nullopt;
  const size_t end = text.find('"', 1);
  if (end == std::string_view::npos || text.substr(1, end - 1).find('\\') != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(text.substr(1, end - 1));
}

std::optional<std::string> LeadingString(std::string_view head, std::string_view key) {
  auto rest = AfterLeadingKey(head, key);
  return rest ? QuotedPrefix(*rest) : std::nullopt;
}

// The "sessionId" Chromium appends as the last key of a flat session's message.
std::optional<std::string> TrailingSessionId(std::string_view tail) {
  constexpr std::string_view kKey = "\"sessionId\":";
  const size_t at = tail.rfind(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = tail.substr(at + kKey.size());
  auto value = QuotedPrefix(rest);
  if (!value || rest.substr(value->size() + 2).find_first_not_of(" \n\r\t}") != std::string_view::npos) {
    return std::nullopt;
  }
  return value;
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string BuildCommand(int64_t id, std::string_view session_id, std::string_view method,
                         std::string_view params_json) {
  std::string out;
  out.reserve(params_json.size() + method.size() + session_id.size() + 64);
  out += "{\"id\":";
  out += std::to_string(id);
  out += ",\"method\":";
  AppendJsonString(out, method);
  if (!session_id.empty()) {
    out += ",\"sessionId\":";
    AppendJsonString(out, session_id);
  }
  out += ",\"params\":";
  out += params_json.empty() ? std::string_view("{}") : params_json;
  out += '}';
  return out;
}

}  // namespace

Connection::Connection(Transport& transport, common::Loop& loop, common::Duration default_timeout,
                       size_t max_message_bytes)
    : transport_(transport),
      loop_(loop),
      default_timeout_(default_timeout),
      max_message_bytes_(max_message_bytes),
      parser_(std::make_unique<Parser>()) {
  transport_.on_message = [this](std::string_view message) { OnMessage(message); };
  transport_.on_oversized = [this](const OversizedMessage& message) { OnOversized(message); };
  transport_.on_close = [this](const CloseInfo& info) { OnClose(info); };
}

Connection::~Connection() {
  transport_.on_message = nullptr;
  transport_.on_oversized = nullptr;
  transport_.on_close = nullptr;
  *alive_ = false;
  if (!closed_) {
    closed_ = true;
    close_reason_ = "connection destroyed";
    FailAll(Status::ConnectionClosed(close_reason_));
  }
  if (timer_) loop_.CancelTimer(*timer_);
}

void Connection::Send(std::string_view method, std::string params_json, ResultCallback done,
                      std::optional<common::Duration> timeout) {
  SendInternal({}, method, std::move(params_json), std::move(done), timeout);
}

void Connection::SendInternal(std::string_view session_id, std::string_view method,
                              std::string params_json, ResultCallback done,
                              std::optional<common::Duration> timeout) {
  if (closed_) {
    FailLater(std::move(done), Status::ConnectionClosed(std::string(method) + ": " + close_reason_));
    return;
  }
  if (!session_id.empty() && sessions_.count(std::string(session_id)) == 0) {
    FailLater(std::move(done), Status::TargetClosed(std::string(method) + ": session " +
                                                    std::string(session_id) + " is gone"));
    return;
  }
  const int64_t id = next_id_++;
  const common::Duration limit = timeout.value_or(default_timeout_);
  const common::TimePoint deadline = loop_.Now() + limit;
  pending_.emplace(id, Pending{std::string(method), std::string(session_id), deadline, limit, std::move(done)});
  deadlines_.emplace(deadline, id);
  transport_.Send(BuildCommand(id, session_id, method, params_json));
  ArmTimer();
}

// Never calls `done` from inside Send: the caller may hold locks or be
// iterating; the failure arrives on the loop's next turn.
void Connection::FailLater(ResultCallback done, Status why) {
  loop_.Post([done = std::move(done), why = std::move(why)]() mutable {
    if (done) done(std::move(why));
  });
}

Session& Connection::CreateSession(const std::string& session_id) {
  auto& slot = sessions_[session_id];
  if (!slot) slot = std::make_unique<Session>(*this, session_id);
  return *slot;
}

void Connection::DestroySession(const std::string& session_id) {
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return;
  if (graveyard_.empty()) {
    std::weak_ptr<bool> alive = alive_;
    loop_.Post([this, alive] {
      if (alive.lock()) graveyard_.clear();
    });
  }
  it->second->MarkDestroyed();
  graveyard_.push_back(std::move(it->second));
  sessions_.erase(it);

  std::vector<Pending> failed;
  for (auto p = pending_.begin(); p != pending_.end();) {
    if (p->second.session_id != session_id) {
      ++p;
      continue;
    }
    failed.push_back(TakePending(p++));
  }
  ArmTimer();
  for (Pending& p : failed) {
    p.done(Status::TargetClosed(p.method + ": session " + session_id + " destroyed"));
  }
}

Session* Connection::FindSession(std::string_view session_id) {
  auto it = sessions_.find(std::string(session_id));
  return it == sessions_.end() ? nullptr : it->second.get();
}

// The single router: `id` -> pending command, else an event for the session
// named by `sessionId`, or for the browser when there is none.
void Connection::OnMessage(std::string_view message) {
  // TRACKSCAN_CDP_TRACE=FILE records every incoming message, one a line:
  // how the transcripts under tests/fixtures/cdp/ are captured.
  static std::FILE* trace = [] {
    const char* path = std::getenv("TRACKSCAN_CDP_TRACE");
    return path ? std::fopen(path, "w") : nullptr;
  }();
  if (trace) {
    std::fwrite(message.data(), 1, message.size(), trace);
    std::fputc('\n', trace);
    std::fflush(trace);
  }
  if (message.size() > max_message_bytes_) {
    const size_t peek = std::min(message.size(), kOversizedPeekBytes);
    return OnOversized(OversizedMessage{message.size(), std::string(message.substr(0, peek)),
                                        std::string(message.substr(message.size() - peek))});
  }
  std::weak_ptr<bool> alive = alive_;
  Envelope env;
  if (auto err = ParseEnvelope(*parser_, message, env)) {
    CountDropped(env.method, Status::Decode(simdjson::error_message(err)));
  } else if (env.has_id) {
    CompleteCommand(env);
  } else if (env.method.empty()) {
    CountDropped("", Status::Decode("neither id nor method"));
  } else {
    DispatchEvent(env);
  }
  if (!alive.lock()) return;  // a callback or handler destroyed this Connection
  json::ReleaseIfLarge(*parser_);
}

void Connection::CompleteCommand(const Envelope& env) {
  auto it = pending_.find(env.id);
  if (it == pending_.end()) return;  // late reply to a command that timed out
  Pending p = TakePending(it);
  ArmTimer();
  if (env.has_error) {
    p.done(Status::Protocol(std::to_string(env.error_code) + ": " + std::string(env.error_message)));
  } else {
    p.done(std::string(env.result.empty() ? std::string_view("{}") : env.result));
  }
}

void Connection::DispatchEvent(const Envelope& env) {
  if (!protocol::IsKnownEvent(env.method)) return;
  Session* session = nullptr;
  if (!env.session_id.empty()) {
    session = FindSession(env.session_id);
    if (session == nullptr) return;  // detached already; its events no longer matter
  }
  auto event = protocol::DecodeEvent(env.method, env.params.empty() ? "{}" : env.params);
  if (!event.ok()) {
    CountDropped(env.method, event.status());
    return DispatchFailure(env.method, env.session_id, event.status());
  }
  // A handler may DestroySession(session): the graveyard keeps it alive.
  if (session != nullptr) return session->Dispatch(env.method, *event);
  if (on_event) on_event(*event);
}

void Connection::CountDropped(std::string_view method, const Status& why) {
  ++dropped_;
  if (dropped_ <= 10 || dropped_ % 1000 == 0) {
    std::fprintf(stderr, "cdp: dropped message #%llu (%.*s): %s\n",
                 static_cast<unsigned long long>(dropped_), static_cast<int>(method.size()),
                 method.data(), why.ToString().c_str());
  }
}

void Connection::DispatchFailure(std::string_view method, std::string_view session_id, const Status& why) {
  const protocol::Event failed = protocol::DecodeFailed{std::string(method), why.ToString()};
  if (session_id.empty()) {
    if (on_event) on_event(failed);
    return;
  }
  if (Session* session = FindSession(session_id)) session->Dispatch(method, failed);
}

// Chromium writes a reply as {"id":N,"result":...} and an event as
// {"method":"...","params":...,"sessionId":"..."}: the ends say which it was.
void Connection::OnOversized(const OversizedMessage& message) {
  ++oversized_;
  const std::string why = "a message of " + std::to_string(message.size) + " bytes is over the CDP message cap of " +
                          std::to_string(max_message_bytes_) + " bytes (--cdp-message-cap)";
  if (std::optional<int64_t> id = LeadingId(message.head)) {
    auto it = pending_.find(*id);
    if (it == pending_.end()) return CountDropped("", Status::Decode("reply to a finished command: " + why));
    Pending p = TakePending(it);
    ArmTimer();
    CountDropped(p.method, Status::Decode("its reply: " + why));
    return p.done(Status::Decode(p.method + ": its reply was dropped: " + why));
  }
  const std::string method = LeadingString(message.head, "method").value_or("");
  const std::string session_id = TrailingSessionId(message.tail).value_or("");
  CountDropped(method, Status::Decode(why));
  if (protocol::IsKnownEvent(method)) DispatchFailure(method, session_id, Status::Decode(method + ": " + why));
}

void Connection::OnClose(const CloseInfo& info) {
  if (closed_) return;
  closed_ = true;
  close_reason_ = "connection closed (code " + std::to_string(info.code) + ": " + info.reason + ")";
  FailAll(Status::ConnectionClosed(close_reason_));
  if (on_close) on_close(info);  // may destroy this: touch nothing after
}

void Connection::FailAll(const Status& why) {
  if (timer_) loop_.CancelTimer(*timer_);
  timer_.reset();
  std::map<int64_t, Pending> failed = std::exchange(pending_, {});
  deadlines_.clear();
  for (auto& [id, p] : failed) {
    p.done(Status::ConnectionClosed(p.method + ": " + why.message()));
  }
}

Connection::Pending Connection::TakePending(std::map<int64_t, Pending>::iterator it) {
  deadlines_.erase({it->second.deadline, it->first});
  Pending p = std::move(it->second);
  pending_.erase(it);
  return p;
}

// Takes the overdue commands from the front of the deadline index.
void Connection::ExpireOverdue() {
  const common::TimePoint now = loop_.Now();
  std::vector<Pending> overdue;
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    overdue.push_back(TakePending(pending_.find(deadlines_.begin()->second)));
  }
  ArmTimer();
  for (Pending& p : overdue) {
    p.done(Status::Timeout(p.method + " after " + std::to_string(p.timeout.count()) + " ms"));
  }
}

// Keeps one loop timer armed for the earliest deadline.
void Connection::ArmTimer() {
  if (deadlines_.empty() || closed_) {
    if (timer_) loop_.CancelTimer(*timer_);
    timer_.reset();
    return;
  }
  const common::TimePoint earliest = deadlines_.begin()->first;
  if (timer_ && timer_due_ <= earliest) return;  // it fires first and re-arms
  if (timer_) loop_.CancelTimer(*timer_);
  const auto delay = std::chrono::ceil<common::Duration>(earliest - loop_.Now());
  timer_due_ = earliest;
  std::weak_ptr<bool> alive = alive_;
  timer_ = loop_.AddTimer(std::max(delay, common::Duration(0)), [this, alive] {
    if (!alive.lock()) return;
    timer_.reset();
    ExpireOverdue();
  });
}

}  // namespace cdp
