#include "worker/egress/egress_guard.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <uv.h>

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include "common/log.h"
#include "common/strings.h"

namespace worker::egress {

using common::Result;
using common::Status;

namespace {

constexpr size_t kReadBuffer = 64 * 1024;
// A side's write queue over this stops reading the other side until it drains:
// a fast server cannot fill the guard's memory while Chromium reads slowly.
constexpr size_t kHighWater = 1024 * 1024;
constexpr size_t kMaxHandshake = 1024;   // a SOCKS5 greeting and request fit in ~300 bytes
constexpr size_t kMaxRefusals = 4096;    // remembered destinations

std::string Key(const std::string& host, int port) {
  return common::AsciiLower(host) + ":" + std::to_string(port);
}

std::string NetErrorOf(int uv_error) {
  switch (uv_error) {
    case UV_ECONNREFUSED: return "net::ERR_CONNECTION_REFUSED";
    case UV_ETIMEDOUT: return "net::ERR_CONNECTION_TIMED_OUT";
    case UV_ENETUNREACH:
    case UV_EHOSTUNREACH: return "net::ERR_ADDRESS_UNREACHABLE";
    case UV_ECONNRESET: return "net::ERR_CONNECTION_RESET";
    default: return "net::ERR_CONNECTION_FAILED";
  }
}

// SOCKS5 reply codes (RFC 1928 section 6).
constexpr uint8_t kSucceeded = 0x00, kNotAllowed = 0x02, kHostUnreachable = 0x04, kRefused = 0x05,
                  kCommandNotSupported = 0x07, kAddressTypeNotSupported = 0x08;

}  // namespace

struct EgressGuard::Impl {
  EgressGuard* owner = nullptr;
  GuardOptions options;
  uv_loop_t loop{};
  uv_tcp_t listener{};
  uv_async_t stop{};
  std::set<struct Tunnel*> tunnels;
  bool stopping = false;
};

// One client connection from Chromium and, once allowed, its upstream
// connection. Freed when its last handle is closed and its last request
// (lookup, connect, write, shutdown) has called back.
struct Tunnel {
  enum class State { kGreeting, kRequest, kResolving, kConnecting, kRelaying };

  EgressGuard::Impl* impl;
  uv_tcp_t client{}, upstream{};
  bool upstream_inited = false, closing = false;
  bool client_eof = false, upstream_eof = false;
  bool client_paused = false, upstream_paused = false;
  int refs = 0;  // open handles + requests in flight
  State state = State::kGreeting;
  std::string handshake, early_data;
  std::string host;  // as Chromium sent it
  int port = 0;
  std::vector<sockaddr_storage> candidates;  // allowed addresses, in order
  size_t next_candidate = 0;
  int last_connect_error = 0;

  explicit Tunnel(EgressGuard::Impl* i) : impl(i) {}

  static Tunnel* Of(uv_handle_t* h) { return static_cast<Tunnel*>(h->data); }
  uv_stream_t* client_stream() { return reinterpret_cast<uv_stream_t*>(&client); }
  uv_stream_t* upstream_stream() { return reinterpret_cast<uv_stream_t*>(&upstream); }

  void Release() {
    if (--refs == 0 && closing) {
      impl->tunnels.erase(this);
      delete this;
    }
  }

  void Close() {
    if (closing) return;
    closing = true;
    auto on_closed = [](uv_handle_t* h) { Of(h)->Release(); };
    uv_close(reinterpret_cast<uv_handle_t*>(&client), on_closed);
    if (upstream_inited) uv_close(reinterpret_cast<uv_handle_t*>(&upstream), on_closed);
  }

  // Writes `bytes` to `stream`; the buffer is freed when written.
  void Write(uv_stream_t* stream, const char* bytes, size_t size) {
    auto copy = std::make_unique<char[]>(size);
    std::memcpy(copy.get(), bytes, size);
    WriteOwned(stream, std::move(copy), size);
  }

  void WriteOwned(uv_stream_t* stream, std::unique_ptr<char[]> bytes, size_t size) {
    struct Req { uv_write_t req; std::unique_ptr<char[]> data; };
    auto* r = new Req{{}, std::move(bytes)};
    r->req.data = this;
    uv_buf_t buf = uv_buf_init(r->data.get(), static_cast<unsigned>(size));
    ++refs;
    int rc = uv_write(&r->req, stream, &buf, 1, [](uv_write_t* req, int status) {
      auto* t = static_cast<Tunnel*>(req->data);
      delete reinterpret_cast<Req*>(req);
      if (status < 0) t->Close();
      else t->OnDrained();
      t->Release();
    });
    if (rc < 0) {
      delete r;
      --refs;
      Close();
    }
  }

  void Reply(uint8_t code) {
    const char reply[10] = {5, static_cast<char>(code), 0, 1, 0, 0, 0, 0, 0, 0};
    Write(client_stream(), reply, sizeof reply);
  }

  void Refuse(uint8_t code, std::optional<Refusal> refusal) {
    if (refusal) impl->owner->NoteOutcome(host, port, refusal);
    Reply(code);
    // Closed once the reply is out: the write callback sees `closing`.
    closing_after_write = true;
  }
  bool closing_after_write = false;

  void OnDrained() {
    if (closing_after_write) return Close();
    if (closing) return;
    // Resume a side that was paused because the other's queue was full.
    if (client_paused && upstream.write_queue_size < kHighWater / 2) {
      client_paused = false;
      StartReading(client_stream());
    }
    if (upstream_paused && client.write_queue_size < kHighWater / 2) {
      upstream_paused = false;
      StartReading(upstream_stream());
    }
  }

  void StartReading(uv_stream_t* stream) {
    uv_read_start(
        stream,
        [](uv_handle_t*, size_t, uv_buf_t* buf) {
          buf->base = new char[kReadBuffer];
          buf->len = kReadBuffer;
        },
        [](uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
          std::unique_ptr<char[]> owned(buf->base);
          Tunnel* t = Of(reinterpret_cast<uv_handle_t*>(s));
          if (t->closing) return;
          if (s == t->client_stream()) t->OnClientRead(n, std::move(owned));
          else t->OnUpstreamRead(n, std::move(owned));
        });
  }

  void OnClientRead(ssize_t n, std::unique_ptr<char[]> buffer) {
    const char* data = buffer.get();
    if (n == 0 || closing_after_write) return;
    if (n < 0) {
      if (n != UV_EOF || state != State::kRelaying) return Close();
      client_eof = true;
      return HalfClose(upstream_stream());
    }
    if (state == State::kRelaying) {
      return Relay(std::move(buffer), static_cast<size_t>(n), upstream_stream(), client_stream(), &client_paused);
    }
    if (state == State::kResolving || state == State::kConnecting) {
      // Chromium waits for the reply before it sends; keep a little, refuse a flood.
      if (early_data.size() + n > kMaxHandshake) return Close();
      early_data.append(data, n);
      return;
    }
    if (handshake.size() + n > kMaxHandshake) return Close();
    handshake.append(data, n);
    Negotiate();
  }

  void OnUpstreamRead(ssize_t n, std::unique_ptr<char[]> buffer) {
    if (n == 0) return;
    if (n < 0) {
      if (n != UV_EOF) return Close();
      upstream_eof = true;
      return HalfClose(client_stream());
    }
    Relay(std::move(buffer), static_cast<size_t>(n), client_stream(), upstream_stream(), &upstream_paused);
  }

  // The read buffer itself is written on: no copy.
  void Relay(std::unique_ptr<char[]> data, size_t n, uv_stream_t* to, uv_stream_t* from, bool* from_paused) {
    impl->owner->bytes_relayed_ += n;
    WriteOwned(to, std::move(data), n);
    if (to->write_queue_size > kHighWater && !*from_paused) {
      *from_paused = true;
      uv_read_stop(from);
    }
  }

  // One side ended: pass the end on once what is queued has gone out; both
  // ended: the tunnel is done.
  void HalfClose(uv_stream_t* other) {
    if (client_eof && upstream_eof) return Close();
    auto* req = new uv_shutdown_t;
    req->data = this;
    ++refs;
    if (uv_shutdown(req, other, [](uv_shutdown_t* r, int) {
          auto* t = static_cast<Tunnel*>(r->data);
          delete r;
          t->Release();
        }) < 0) {
      delete req;
      --refs;
      Close();
    }
  }

  void Negotiate() {
    auto* b = reinterpret_cast<const uint8_t*>(handshake.data());
    if (state == State::kGreeting) {
      if (handshake.size() < 2) return;
      if (b[0] != 5) return Close();
      size_t need = 2 + b[1];
      if (handshake.size() < need) return;
      bool no_auth = std::memchr(b + 2, 0, b[1]) != nullptr;
      const char answer[2] = {5, static_cast<char>(no_auth ? 0x00 : 0xff)};
      Write(client_stream(), answer, 2);
      if (!no_auth) {
        closing_after_write = true;
        return;
      }
      handshake.erase(0, need);
      state = State::kRequest;
      b = reinterpret_cast<const uint8_t*>(handshake.data());
    }
    if (handshake.size() < 5) return;
    if (b[0] != 5) return Close();
    size_t need = 0;
    switch (b[3]) {
      case 1: need = 4 + 4 + 2; break;
      case 3: need = 4 + 1 + b[4] + 2; break;
      case 4: need = 4 + 16 + 2; break;
      default: return Refuse(kAddressTypeNotSupported, std::nullopt);
    }
    if (handshake.size() < need) return;
    if (b[1] != 1) return Refuse(kCommandNotSupported, std::nullopt);  // CONNECT only
    char text[INET6_ADDRSTRLEN] = "";
    if (b[3] == 1) inet_ntop(AF_INET, b + 4, text, sizeof text), host = text;
    else if (b[3] == 4) inet_ntop(AF_INET6, b + 4, text, sizeof text), host = text;
    else host.assign(handshake, 5, b[4]);
    if (host.empty() || host.find('\0') != std::string::npos) return Refuse(kHostUnreachable, std::nullopt);
    port = b[need - 2] << 8 | b[need - 1];
    early_data = handshake.substr(need);
    handshake.clear();
    state = State::kResolving;
    Resolve();
  }

  void Resolve() {
    auto mapped = impl->options.rules.Map({host, port});
    if (!mapped) return Refuse(kHostUnreachable, Refusal{false, "net::ERR_NAME_NOT_RESOLVED", "mapped to ~NOTFOUND"});
    std::string name = mapped->host;
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
    int target_port = mapped->port;
    auto* req = new uv_getaddrinfo_t;
    req->data = this;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    ++refs;
    resolve_port = target_port;
    int rc = uv_getaddrinfo(&impl->loop, req, [](uv_getaddrinfo_t* r, int status, addrinfo* list) {
      auto* t = static_cast<Tunnel*>(r->data);
      delete r;
      if (!t->closing) t->OnResolved(status, list);
      if (list) uv_freeaddrinfo(list);
      t->Release();
    }, name.c_str(), nullptr, &hints);
    if (rc < 0) {
      delete req;
      --refs;
      Refuse(kHostUnreachable, Refusal{false, "net::ERR_NAME_NOT_RESOLVED", uv_strerror(rc)});
    }
  }
  int resolve_port = 0;

  void OnResolved(int status, const addrinfo* list) {
    if (status < 0) {
      ++impl->owner->failed_;
      return Refuse(kHostUnreachable, Refusal{false, "net::ERR_NAME_NOT_RESOLVED", uv_strerror(status)});
    }
    std::string first_refusal;
    for (const addrinfo* a = list; a != nullptr; a = a->ai_next) {
      if (a->ai_family != AF_INET && a->ai_family != AF_INET6) continue;
      std::string why = impl->options.policy.Refusal(a->ai_addr);
      if (!why.empty()) {
        if (first_refusal.empty()) first_refusal = why;
        continue;
      }
      sockaddr_storage s{};
      std::memcpy(&s, a->ai_addr, a->ai_addrlen);
      if (a->ai_family == AF_INET) reinterpret_cast<sockaddr_in*>(&s)->sin_port = htons(resolve_port);
      else reinterpret_cast<sockaddr_in6*>(&s)->sin6_port = htons(resolve_port);
      candidates.push_back(s);
    }
    if (candidates.empty()) {
      ++impl->owner->blocked_;
      if (first_refusal.empty()) first_refusal = "no address";
      return Refuse(kNotAllowed, Refusal{true, "blocked by trackscan's private-network guard", first_refusal});
    }
    state = State::kConnecting;
    ConnectNext();
  }

  void ConnectNext() {
    if (next_candidate >= candidates.size()) {
      ++impl->owner->failed_;
      return Refuse(last_connect_error == UV_ECONNREFUSED ? kRefused : kHostUnreachable,
                    Refusal{false, NetErrorOf(last_connect_error), uv_strerror(last_connect_error)});
    }
    const sockaddr* address = reinterpret_cast<const sockaddr*>(&candidates[next_candidate++]);
    if (upstream_inited) {
      // A failed attempt's handle is closed; a fresh one tries the next address.
      upstream_inited = false;
      uv_close(reinterpret_cast<uv_handle_t*>(&upstream), [](uv_handle_t* h) {
        Tunnel* t = Of(h);
        if (!t->closing) t->ConnectTo(t->pending_address);
        t->Release();
      });
      pending_address = address;
      return;
    }
    ConnectTo(address);
  }
  const sockaddr* pending_address = nullptr;

  void ConnectTo(const sockaddr* address) {
    uv_tcp_init(&impl->loop, &upstream);
    upstream.data = this;
    upstream_inited = true;
    ++refs;  // the handle
    auto* req = new uv_connect_t;
    req->data = this;
    ++refs;
    int rc = uv_tcp_connect(req, &upstream, address, [](uv_connect_t* r, int status) {
      auto* t = static_cast<Tunnel*>(r->data);
      delete r;
      if (!t->closing) t->OnConnected(status);
      t->Release();
    });
    if (rc < 0) {
      delete req;
      --refs;
      last_connect_error = rc;
      ConnectNext();
    }
  }

  void OnConnected(int status) {
    if (status < 0) {
      last_connect_error = status;
      return ConnectNext();
    }
    impl->owner->NoteOutcome(host, port, std::nullopt);
    uv_tcp_nodelay(&upstream, 1);
    Reply(kSucceeded);
    state = State::kRelaying;
    if (!early_data.empty()) Write(upstream_stream(), early_data.data(), early_data.size());
    early_data.clear();
    StartReading(upstream_stream());
  }
};

Result<std::unique_ptr<EgressGuard>> EgressGuard::Start(GuardOptions options) {
  std::unique_ptr<EgressGuard> guard(new EgressGuard());
  auto impl = std::make_unique<Impl>();
  impl->owner = guard.get();
  impl->options = std::move(options);
  if (int rc = uv_loop_init(&impl->loop); rc < 0) return Status::Internal(std::string("uv_loop_init: ") + uv_strerror(rc));
  impl->loop.data = impl.get();
  uv_tcp_init(&impl->loop, &impl->listener);
  impl->listener.data = impl.get();
  sockaddr_in any{};
  uv_ip4_addr("127.0.0.1", 0, &any);
  int rc = uv_tcp_bind(&impl->listener, reinterpret_cast<const sockaddr*>(&any), 0);
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&impl->listener), 511, [](uv_stream_t* server, int status) {
      auto* impl = static_cast<Impl*>(server->data);
      if (status < 0 || impl->stopping) return;
      auto* t = new Tunnel(impl);
      uv_tcp_init(&impl->loop, &t->client);
      t->client.data = t;
      t->refs = 1;
      impl->tunnels.insert(t);
      if (uv_accept(server, t->client_stream()) < 0 || impl->tunnels.size() > impl->options.max_tunnels) {
        return t->Close();
      }
      ++impl->owner->tunnels_;
      uv_tcp_nodelay(&t->client, 1);
      t->StartReading(t->client_stream());
    });
  }
  sockaddr_storage bound{};
  int len = sizeof bound;
  if (rc == 0) rc = uv_tcp_getsockname(&impl->listener, reinterpret_cast<sockaddr*>(&bound), &len);
  if (rc < 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&impl->listener), nullptr);
    uv_run(&impl->loop, UV_RUN_DEFAULT);
    uv_loop_close(&impl->loop);
    return Status::Internal(std::string("egress guard: cannot listen on 127.0.0.1: ") + uv_strerror(rc));
  }
  guard->port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  uv_async_init(&impl->loop, &impl->stop, [](uv_async_t* a) {
    auto* impl = static_cast<Impl*>(a->loop->data);
    impl->stopping = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&impl->listener), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&impl->stop), nullptr);
    for (Tunnel* t : std::set<Tunnel*>(impl->tunnels)) t->Close();
  });
  guard->impl_ = std::move(impl);
  Impl* raw = guard->impl_.get();
  EgressGuard* self = guard.get();
  guard->thread_ = std::thread([raw, self] {
    uv_run(&raw->loop, UV_RUN_DEFAULT);
    uv_loop_close(&raw->loop);
    timespec cpu{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
    self->thread_cpu_s_ = static_cast<double>(cpu.tv_sec) + static_cast<double>(cpu.tv_nsec) / 1e9;
  });
  return guard;
}

EgressGuard::~EgressGuard() {
  if (!impl_) return;
  uv_async_send(&impl_->stop);
  thread_.join();
  if (std::getenv("TRACKSCAN_RUSAGE") != nullptr) {
    std::fprintf(stderr, "rusage egress_guard guard_cpu_s=%.3f guard_tunnels=%llu guard_blocked=%llu\n",
                 thread_cpu_s_.load(), static_cast<unsigned long long>(tunnels_.load()),
                 static_cast<unsigned long long>(blocked_.load()));
  }
}

std::vector<std::string> EgressGuard::ChromeFlags() const {
  return {"--proxy-server=socks5://127.0.0.1:" + std::to_string(port_),
          // Chromium sends loopback destinations direct unless told otherwise.
          "--proxy-bypass-list=<-loopback>",
          // WebRTC's UDP cannot go through a SOCKS proxy: none is sent.
          "--force-webrtc-ip-handling-policy=disable_non_proxied_udp"};
}

std::optional<Refusal> EgressGuard::RefusalOf(const std::string& host, int port) const {
  std::lock_guard lock(mutex_);
  auto it = refusals_.find(Key(host, port));
  if (it == refusals_.end()) return std::nullopt;
  return it->second;
}

GuardStats EgressGuard::stats() const { return {tunnels_, blocked_, failed_, bytes_relayed_}; }

void EgressGuard::NoteOutcome(const std::string& host, int port, std::optional<Refusal> refusal) {
  std::lock_guard lock(mutex_);
  std::string key = Key(host, port);
  if (!refusal) {
    refusals_.erase(key);
    return;
  }
  if (refusals_.size() >= kMaxRefusals && !refusals_.count(key)) refusals_.erase(refusals_.begin());
  refusals_[key] = std::move(*refusal);
}

}  // namespace worker::egress
