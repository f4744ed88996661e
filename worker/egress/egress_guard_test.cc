// The guard against real sockets: a SOCKS5 client as Chromium speaks it, and
// loopback listeners that count what reached them.
#include "worker/egress/egress_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>

namespace worker::egress {
namespace {

using common::IpNetwork;

// A listener on `address`:0 that echoes what it receives.
struct EchoServer {
  int fd = -1, port = 0, accepted = 0;
  std::thread thread;
  explicit EchoServer(const char* address) {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    inet_pton(AF_INET, address, &a.sin_addr);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(fd, 16) == 0);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread = std::thread([this] {
      while (true) {
        int c = accept(fd, nullptr, nullptr);
        if (c < 0) return;
        ++accepted;
        char buf[65536];
        for (ssize_t n; (n = read(c, buf, sizeof buf)) > 0;) {
          for (ssize_t off = 0; off < n;) off += write(c, buf + off, n - off);
        }
        close(c);
      }
    });
  }
  ~EchoServer() {
    shutdown(fd, SHUT_RDWR);
    close(fd);
    thread.join();
  }
};

bool ReadFully(int fd, char* out, size_t n) {
  for (size_t got = 0; got < n;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 10000) != 1) return false;
    ssize_t r = read(fd, out + got, n - got);
    if (r <= 0) return false;
    got += r;
  }
  return true;
}

// Connects through the guard to host:port; returns the SOCKS reply code
// (and the open socket in *fd on success).
int SocksConnect(int guard_port, const std::string& host, int port, int* fd_out) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(guard_port);
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  const char greeting[] = {5, 1, 0};
  REQUIRE(write(fd, greeting, 3) == 3);
  char answer[2];
  REQUIRE(ReadFully(fd, answer, 2));
  REQUIRE(answer[1] == 0);
  std::string request = {5, 1, 0, 3, static_cast<char>(host.size())};
  request += host;
  request += static_cast<char>(port >> 8);
  request += static_cast<char>(port & 0xff);
  REQUIRE(write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  char reply[10];
  REQUIRE(ReadFully(fd, reply, 10));
  if (reply[1] == 0 && fd_out) *fd_out = fd;
  else close(fd);
  return reply[1];
}

std::unique_ptr<EgressGuard> StartGuard(std::vector<std::string> allowed, const std::string& rules = "") {
  GuardOptions options;
  for (const auto& cidr : allowed) options.policy.allowed.push_back(IpNetwork::Parse(cidr).value());
  options.rules = HostRules::Parse(rules).value();
  auto guard = EgressGuard::Start(std::move(options));
  REQUIRE(guard.ok());
  return std::move(guard.value());
}

TEST_CASE("EgressGuard refuses private destinations before any connection", "[egress]") {
  EchoServer server("127.0.0.1");
  auto guard = StartGuard({});
  for (std::string host : {"127.0.0.1", "localhost", "::1", "::ffff:127.0.0.1", "0x7f000001"}) {
    INFO(host);
    CHECK(SocksConnect(guard->port(), host, server.port, nullptr) != 0);
  }
  CHECK(server.accepted == 0);
  auto refusal = guard->RefusalOf("127.0.0.1", server.port);
  REQUIRE(refusal);
  CHECK(refusal->blocked);
  CHECK(refusal->reason == "127.0.0.1 (loopback 127.0.0.0/8)");
  CHECK(guard->stats().blocked >= 4);
}

TEST_CASE("EgressGuard checks the address a mapped name resolves to", "[egress]") {
  EchoServer server("127.0.0.2");
  auto guard = StartGuard({"127.0.0.1/32"}, "MAP public.example 127.0.0.2:" + std::to_string(server.port));
  CHECK(SocksConnect(guard->port(), "public.example", 80, nullptr) == 2);
  CHECK(server.accepted == 0);
  auto refusal = guard->RefusalOf("PUBLIC.example", 80);
  REQUIRE(refusal);
  CHECK(refusal->reason == "127.0.0.2 (loopback 127.0.0.0/8)");
}

TEST_CASE("EgressGuard relays an allowed network both ways, flow-controlled", "[egress]") {
  EchoServer server("127.0.0.1");
  auto guard = StartGuard({"127.0.0.1/32"}, "MAP *.test 127.0.0.1:" + std::to_string(server.port));
  int fd = -1;
  REQUIRE(SocksConnect(guard->port(), "site.test", 443, &fd) == 0);
  // 8 MiB written before any is read back: the guard must hold back, not buffer it all.
  std::string payload(8 << 20, '\0');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 31);
  std::thread writer([&] {
    for (size_t off = 0; off < payload.size();) off += write(fd, payload.data() + off, payload.size() - off);
    shutdown(fd, SHUT_WR);
  });
  std::string echoed(payload.size(), '\0');
  bool read_all = ReadFully(fd, echoed.data(), echoed.size());
  writer.join();
  CHECK(read_all);
  CHECK(echoed == payload);
  char extra;
  CHECK(read(fd, &extra, 1) == 0);  // the end was passed on
  close(fd);
  CHECK(server.accepted == 1);
  CHECK(!guard->RefusalOf("site.test", 443));
  CHECK(guard->stats().bytes_relayed >= 2 * payload.size());
}

TEST_CASE("EgressGuard reports a name that does not resolve as the browser would", "[egress]") {
  auto guard = StartGuard({}, "MAP gone.test ~NOTFOUND");
  CHECK(SocksConnect(guard->port(), "no-such-host.invalid", 80, nullptr) == 4);
  CHECK(SocksConnect(guard->port(), "gone.test", 80, nullptr) == 4);
  auto refusal = guard->RefusalOf("no-such-host.invalid", 80);
  REQUIRE(refusal);
  CHECK(!refusal->blocked);
  CHECK(refusal->net_error == "net::ERR_NAME_NOT_RESOLVED");
}

TEST_CASE("EgressGuard reports a refused connection", "[egress]") {
  int port;
  {
    EchoServer closed_soon("127.0.0.1");
    port = closed_soon.port;
  }
  auto guard = StartGuard({"127.0.0.0/8"});
  CHECK(SocksConnect(guard->port(), "127.0.0.1", port, nullptr) == 5);
  auto refusal = guard->RefusalOf("127.0.0.1", port);
  REQUIRE(refusal);
  CHECK(refusal->net_error == "net::ERR_CONNECTION_REFUSED");
}

}  // namespace
}  // namespace worker::egress
