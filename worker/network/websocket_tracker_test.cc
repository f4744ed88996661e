// WebSocketTracker: Network.webSocket* events in, websocket records out.
#include "worker/network/websocket_tracker.h"

#include <catch2/catch.hpp>

namespace worker {
namespace {

namespace p = cdp::protocol;

const std::string kPage = "S-PAGE", kWorker = "S-WORKER";
const std::string kPageType = "page", kWorkerType = "worker";

p::WebSocketFrame Frame(const std::string& request_id, std::string payload, bool sent, double timestamp) {
  p::WebSocketFrame f;
  f.request_id = request_id;
  f.payload = std::move(payload);
  f.sent = sent;
  f.opcode = 1;
  f.timestamp = timestamp;
  return f;
}

TEST_CASE("a socket's open, frames and close become records in event order", "[websocket_tracker]") {
  WebSocketTracker tracker("V1", "clinic.test", 1024);
  tracker.OnCreated({kPage, kPageType}, p::WebSocketCreated{"7.1", "wss://chat.tracker.test/live", {}});
  tracker.OnFrame({kPage, kPageType}, Frame("7.1", "hello", true, 10.5));
  tracker.OnFrame({kPage, kPageType}, Frame("7.1", "welcome", false, 11));
  tracker.OnClosed({kPage, kPageType}, p::WebSocketClosed{"7.1", 12});
  auto records = tracker.Take();
  REQUIRE(records.size() == 4);
  CHECK(records[0].direction == "open");
  CHECK(records[0].opcode == std::nullopt);
  CHECK(records[0].payload == std::nullopt);
  CHECK(records[1].direction == "sent");
  CHECK(records[1].payload == std::optional<std::string>("hello"));
  CHECK(records[1].opcode == std::optional<int>(1));
  CHECK(records[1].timestamp == 10.5);
  CHECK(records[2].direction == "received");
  CHECK(records[3].direction == "close");
  CHECK(records[3].timestamp == 12);
  for (const auto& r : records) {
    CHECK(r.visit_id == "V1");
    CHECK(r.request_id == "7.1");
    CHECK(r.url == "wss://chat.tracker.test/live");
    CHECK(r.target_type == "page");
    CHECK(r.third_party);
    CHECK_FALSE(r.payload_truncated);
  }
  CHECK(tracker.Take().empty());
}

TEST_CASE("a payload longer than the cap is cut and marked", "[websocket_tracker]") {
  WebSocketTracker tracker("V1", "clinic.test", 4);
  tracker.OnCreated({kPage, kPageType}, p::WebSocketCreated{"7.1", "wss://www.clinic.test/ws", {}});
  tracker.OnFrame({kPage, kPageType}, Frame("7.1", "abcd", true, 1));
  tracker.OnFrame({kPage, kPageType}, Frame("7.1", "abcde", true, 2));
  auto records = tracker.Take();
  REQUIRE(records.size() == 3);
  CHECK_FALSE(records[0].third_party);
  CHECK(records[1].payload == std::optional<std::string>("abcd"));
  CHECK_FALSE(records[1].payload_truncated);
  CHECK(records[2].payload == std::optional<std::string>("abcd"));
  CHECK(records[2].payload_truncated);
}

TEST_CASE("request ids are per target; an unseen socket has no URL", "[websocket_tracker]") {
  WebSocketTracker tracker("V1", "clinic.test", 1024);
  tracker.OnCreated({kPage, kPageType}, p::WebSocketCreated{"1", "wss://a.tracker.test/", {}});
  tracker.OnFrame({kWorker, kWorkerType}, Frame("1", "x", false, 1));
  tracker.OnFrame({kPage, kPageType}, Frame("1", "y", false, 2));
  auto records = tracker.Take();
  REQUIRE(records.size() == 3);
  CHECK(records[1].url == "");
  CHECK(records[1].target_type == "worker");
  CHECK_FALSE(records[1].third_party);
  CHECK(records[2].url == "wss://a.tracker.test/");
}

}  // namespace
}  // namespace worker
