// LwsLoop + LwsTransport + Connection against a real headless Chromium
// ("[chromium]"), plus transport failures that need no browser.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cdp/chrome_process.h"
#include "cdp/connection.h"
#include "cdp/json_object.h"
#include "cdp/lws_loop.h"
#include "cdp/lws_transport.h"
#include "cdp/protocol/decode.h"

namespace cdp {
namespace {

using common::Code;
using common::Duration;

// A headless Chromium as trackscan starts it, with a throwaway profile;
// destroying it kills the whole process group and removes the profile.
std::unique_ptr<ChromeProcess> LaunchChromium() {
  auto chrome = ChromeProcess::Launch(LaunchOptions{});
  INFO(chrome.status().ToString());
  REQUIRE(chrome.ok());
  return std::move(chrome).value();
}

// Runs the loop until done() or `limit` passes; returns done().
bool RunFor(LwsLoop& loop, Duration limit, const std::function<bool()>& done) {
  bool expired = false;
  const common::TimerId timer = loop.AddTimer(limit, [&] { expired = true; });
  loop.RunUntil([&] { return done() || expired; });
  loop.CancelTimer(timer);
  return done();
}

// Calls a command and runs the loop until it completes (or 60 s pass).
template <typename Target>
common::Result<std::string> Call(LwsLoop& loop, Target& target, std::string_view method,
                                 std::string params) {
  std::optional<common::Result<std::string>> result;
  target.Send(method, std::move(params), [&](common::Result<std::string> r) { result = std::move(r); });
  if (!RunFor(loop, Duration(60000), [&] { return result.has_value(); })) {
    return common::Status::Timeout(std::string(method) + " (test)");
  }
  return std::move(*result);
}

struct Client {
  std::unique_ptr<LwsLoop> loop;
  std::unique_ptr<LwsTransport> transport;
  std::unique_ptr<Connection> connection;
  bool opened = false;
  std::vector<CloseInfo> closes;
};

// Connects to `ws_url` and waits for the handshake.
void ConnectClient(Client& c, const std::string& ws_url, size_t max_message_bytes = kDefaultMaxMessageBytes) {
  auto loop = LwsLoop::Create();
  REQUIRE(loop.ok());
  c.loop = std::move(loop).value();
  auto transport = LwsTransport::Connect(*c.loop, ws_url, [&c] { c.opened = true; }, max_message_bytes);
  REQUIRE(transport.ok());
  c.transport = std::move(transport).value();
  c.connection = std::make_unique<Connection>(*c.transport, *c.loop, Duration(60000), max_message_bytes);
  c.connection->on_close = [&c](const CloseInfo& info) { c.closes.push_back(info); };
  REQUIRE(RunFor(*c.loop, Duration(10000), [&c] { return c.opened || !c.closes.empty(); }));
  REQUIRE(c.opened);
}

// Creates a page and attaches to it in flat mode; returns its session.
Session& AttachPage(Client& c) {
  auto target = Call(*c.loop, *c.connection, "Target.createTarget",
                     JsonObject().Set("url", "about:blank").Build());
  REQUIRE(target.ok());
  auto target_id = protocol::DecodeCreateTarget(*target);
  REQUIRE(target_id.ok());
  auto attached = Call(*c.loop, *c.connection, "Target.attachToTarget",
                       JsonObject().Set("targetId", *target_id).Set("flatten", true).Build());
  REQUIRE(attached.ok());
  const std::string marker = "\"sessionId\":\"";
  const size_t at = attached->find(marker);
  REQUIRE(at != std::string::npos);
  const size_t start = at + marker.size();
  return c.connection->CreateSession(attached->substr(start, attached->find('"', start) - start));
}

bool HaveChromium() { return access(LaunchOptions{}.chrome_path.c_str(), X_OK) == 0; }

TEST_CASE("Chromium: commands, 30 MB replies, 20 MB commands, and a crash", "[cdp][chromium]") {
  if (!HaveChromium()) return;  // no browser here: nothing to check
  auto chromium = LaunchChromium();
  Client c;
  ConnectClient(c, chromium->websocket_url());

  auto version = Call(*c.loop, *c.connection, "Browser.getVersion", "{}");
  REQUIRE(version.ok());
  auto decoded = protocol::DecodeBrowserGetVersion(*version);
  REQUIRE(decoded.ok());
  CHECK(decoded->product.rfind("Chrome/", 0) == 0);

  Session& page = AttachPage(c);
  auto big = Call(*c.loop, page, "Runtime.evaluate",
                  JsonObject().Set("expression", "'x'.repeat(30e6)").Set("returnByValue", true).Build());
  REQUIRE(big.ok());
  auto big_value = protocol::DecodeEvaluate(*big);
  REQUIRE(big_value.ok());
  REQUIRE(big_value->value_json.size() == 30000002);  // with its quotes
  CHECK(big_value->value_json.find_first_not_of('x', 1) == 30000001);

  const std::string literal = "'" + std::string(20000000, 'y') + "'.length";
  auto length = Call(*c.loop, page, "Runtime.evaluate",
                     JsonObject().Set("expression", literal).Set("returnByValue", true).Build());
  REQUIRE(length.ok());
  auto length_value = protocol::DecodeEvaluate(*length);
  REQUIRE(length_value.ok());
  CHECK(length_value->value_json == "20000000");

  // Commands that never finish, then the browser dies under them.
  std::vector<std::vector<common::Result<std::string>>> outcomes(4);
  const std::string forever =
      JsonObject().Set("expression", "new Promise(() => {})").Set("awaitPromise", true).Build();
  for (int i = 0; i < 3; ++i) {
    page.Send("Runtime.evaluate", forever, [&, i](auto r) { outcomes[i].push_back(std::move(r)); });
  }
  RunFor(*c.loop, Duration(300), [] { return false; });
  c.connection->Send("Browser.getVersion", "{}", [&](auto r) { outcomes[3].push_back(std::move(r)); });
  killpg(chromium->pid(), SIGKILL);  // a crash: no graceful shutdown, no goodbye on the socket
  REQUIRE(RunFor(*c.loop, Duration(10000), [&] { return c.connection->closed(); }));
  RunFor(*c.loop, Duration(100), [] { return false; });
  for (const auto& outcome : outcomes) {
    REQUIRE(outcome.size() == 1);
    CHECK(outcome[0].status().code() == Code::kConnectionClosed);
  }
  CHECK(c.closes.size() == 1);
  CHECK(c.connection->pending_count() == 0);
}

// The cap holds in the transport, as the message arrives: a reply over it
// fails its command at once, and the connection goes on.
TEST_CASE("Chromium: a reply over the message cap fails its command, the next one works", "[cdp][chromium]") {
  if (!HaveChromium()) return;
  auto chromium = LaunchChromium();
  Client c;
  ConnectClient(c, chromium->websocket_url(), 1 << 20);
  size_t largest = 0;  // of the messages the transport delivered whole
  auto deliver = c.transport->on_message;
  c.transport->on_message = [&](std::string_view message) {
    largest = std::max(largest, message.size());
    deliver(message);
  };
  Session& page = AttachPage(c);
  auto big = Call(*c.loop, page, "Runtime.evaluate",
                  JsonObject().Set("expression", "'x'.repeat(3e6)").Set("returnByValue", true).Build());
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().code() == Code::kDecode);
  CHECK_THAT(big.status().message(), Catch::Contains("Runtime.evaluate") && Catch::Contains("--cdp-message-cap"));
  CHECK(c.connection->oversized_messages() == 1);
  CHECK(largest <= size_t{1} << 20);  // the transport dropped it, not the Connection
  auto after = Call(*c.loop, page, "Runtime.evaluate",
                    JsonObject().Set("expression", "'y'.repeat(500e3)").Set("returnByValue", true).Build());
  REQUIRE(after.ok());
  auto value = protocol::DecodeEvaluate(*after);
  REQUIRE(value.ok());
  CHECK(value->value_json.size() == 500002);
  CHECK(c.closes.empty());
}

TEST_CASE("Chromium: Close() and destroying a live transport", "[cdp][chromium]") {
  if (!HaveChromium()) return;
  auto chromium = LaunchChromium();
  Client c;
  ConnectClient(c, chromium->websocket_url());
  c.transport->Close();
  REQUIRE(RunFor(*c.loop, Duration(5000), [&] { return !c.closes.empty(); }));
  RunFor(*c.loop, Duration(100), [] { return false; });
  REQUIRE(c.closes.size() == 1);
  CHECK(c.closes[0].code == 1000);

  Client d;
  ConnectClient(d, chromium->websocket_url());
  auto version = Call(*d.loop, *d.connection, "Browser.getVersion", "{}");
  CHECK(version.ok());
  d.connection.reset();
  d.transport.reset();  // closes without on_close; the loop must stay sound
  RunFor(*d.loop, Duration(200), [] { return false; });
  CHECK(d.closes.empty());
}

TEST_CASE("LwsTransport reports a refused connection through on_close", "[cdp]") {
  auto loop = LwsLoop::Create();
  REQUIRE(loop.ok());
  bool opened = false;
  auto transport = LwsTransport::Connect(**loop, "ws://127.0.0.1:1/devtools/browser/x",
                                         [&] { opened = true; });
  REQUIRE(transport.ok());
  std::vector<CloseInfo> closes;
  (*transport)->on_close = [&](const CloseInfo& info) { closes.push_back(info); };
  REQUIRE(RunFor(**loop, Duration(5000), [&] { return !closes.empty(); }));
  RunFor(**loop, Duration(100), [] { return false; });
  CHECK_FALSE(opened);
  REQUIRE(closes.size() == 1);
  CHECK(closes[0].code == 0);
  CHECK_FALSE(closes[0].reason.empty());
}

TEST_CASE("LwsTransport rejects URLs that are not ws://", "[cdp]") {
  auto loop = LwsLoop::Create();
  REQUIRE(loop.ok());
  auto transport = LwsTransport::Connect(**loop, "http://127.0.0.1:9222/", nullptr);
  REQUIRE_FALSE(transport.ok());
  CHECK(transport.status().code() == Code::kInvalidArgument);
}

TEST_CASE("LwsLoop timers fire in order, may cancel and add timers", "[cdp]") {
  auto created = LwsLoop::Create();
  REQUIRE(created.ok());
  LwsLoop& loop = **created;
  std::vector<int> fired;
  common::TimerId doomed = 0;
  const auto start = loop.Now();  // before the timers are added: none may fire early
  loop.AddTimer(Duration(20), [&] { fired.push_back(2); });
  loop.AddTimer(Duration(1), [&] {
    fired.push_back(1);
    loop.CancelTimer(doomed);
    loop.Post([&] { fired.push_back(10); });
  });
  doomed = loop.AddTimer(Duration(10), [&] { fired.push_back(99); });
  REQUIRE(RunFor(loop, Duration(2000), [&] { return fired.size() == 3; }));
  CHECK(fired == std::vector<int>{1, 10, 2});
  CHECK(loop.Now() - start >= Duration(20));
  loop.CancelTimer(doomed);  // already cancelled: a no-op
}

TEST_CASE("LwsLoop RequestStop from another thread ends RunUntil", "[cdp]") {
  auto created = LwsLoop::Create();
  REQUIRE(created.ok());
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (*created)->RequestStop();
  });
  (*created)->RunUntil([] { return false; });
  stopper.join();
  CHECK((*created)->stop_requested());
}

}  // namespace
}  // namespace cdp
