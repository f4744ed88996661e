// redis_ingest: records/s into Redis through ONE connection (bench/fleet_bench.py).
// Starts its own redis-server on a unix socket (tests/support/redis_server.h,
// AOF off) and measures:
//   (a) fleet::ResultSink::Commit of synthetic visits (--requests request
//       records + --cookies cookie records + the visit record each, field
//       sizes like a real page's, random ids), one Commit (one EVALSHA of
//       one zstd frame) per visit; then the bytes Redis holds per record;
//   (b) plain RPUSH of one record per round trip (not pipelined);
//   (c) RPUSH pipelined with RedisClient::Pipeline, --chunk commands per round trip.
// The records of (b) and (c) are the same JSON lines as (a)'s. Prints one
// line per mode: "<mode> records=N seconds=S records_per_s=R".
//
// usage: redis_ingest [--visits 2000] [--requests 60] [--cookies 10] [--chunk 500]
//                     [--redis URL (use a running Redis instead of starting one)]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <string>
#include <vector>

#include "fleet/redis_client.h"
#include "tests/support/redis_server.h"
#include "fleet/store/result_sink.h"
#include "worker/record/record_json.h"
#include "worker/scan/visit_commit.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// `n` random characters of `alphabet`: the identifiers trackers send (client
// ids, cookie values) are random and do not compress, unlike the rest of a record.
std::string Random(std::mt19937_64& rng, size_t n, std::string_view alphabet = "0123456789abcdef") {
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
  return s;
}

constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// A visit of www.site<i>.example with `requests` requests (two thirds to
// third parties, with realistic headers, random client ids and some POST
// bodies) and `cookies` jar cookies with random values.
worker::VisitResult MakeVisit(int64_t index, int requests, int cookies) {
  std::mt19937_64 rng(static_cast<uint64_t>(index));
  std::string client_id = Random(rng, 10, "0123456789") + "." + Random(rng, 10, "0123456789");
  worker::VisitResult r;
  std::string site = "site" + std::to_string(index) + ".example";
  std::string id = "bench-" + std::to_string(index) + "-a1";
  r.visit.visit_id = id;
  r.visit.input_url = "https://www." + site + "/";
  r.visit.final_url = r.visit.input_url;
  r.visit.site = site;
  r.visit.started_at = "2026-11-29T05:00:00.000Z";
  r.visit.ended_at = "2026-11-29T05:00:04.512Z";
  r.visit.outcome = "ok";
  r.visit.status = 200;
  r.visit.browser_version = "Chrome/120.0.6099.224";
  r.visit.load_event_fired = true;
  r.visit.request_count = requests;
  r.visit.cookie_count = cookies;
  for (int q = 0; q < requests; ++q) {
    worker::RequestRecord req;
    req.visit_id = id;
    req.request_id = std::to_string(1000 + q) + ".12";
    bool third = q % 3 != 0;
    std::string host = third ? "px.tracker" + std::to_string(q % 7) + ".com" : "www." + site;
    req.url = "https://" + host + "/collect?v=1&tid=UA-12345678-1&cid=" + client_id + "&t=pageview&dl=" +
              "https%3A%2F%2Fwww." + site + "%2Farticle%2F" + std::to_string(q) + "&ul=en-us&sr=1920x1080&z=" +
              Random(rng, 12, "0123456789");
    req.method = q % 10 == 5 ? "POST" : "GET";
    req.resource_type = q % 4 == 0 ? "Script" : (q % 4 == 1 ? "Image" : (q % 4 == 2 ? "XHR" : "Ping"));
    req.frame_id = "4F1C2A9B8E7D6C5B4A3928171615ABCD";
    req.frame_url = r.visit.input_url;
    req.target_type = "page";
    req.target_url = r.visit.input_url;
    req.initiator_type = "script";
    req.initiator_url = "https://www." + site + "/static/js/main.8f3a2c1d.js";
    req.initiator_stack_urls = {*req.initiator_url, "https://cdn.tracker1.com/sdk/v3/loader.min.js"};
    req.status = 200;
    req.mime_type = "image/gif";
    req.remote_ip = "203.0.113." + std::to_string(q % 250);
    req.request_headers = {{"Accept", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"},
                           {"Accept-Encoding", "gzip, deflate, br"},
                           {"Accept-Language", "en-US,en;q=0.9"},
                           {"Referer", r.visit.input_url},
                           {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                                          "Chrome/120.0.0.0 Safari/537.36"},
                           {"Cookie", "_ga=GA1.2." + client_id + "; _gid=GA1.2." + Random(rng, 9, "0123456789") +
                                          ".1700000000"}};
    req.response_headers = {{"content-type", "image/gif"},
                            {"content-length", "43"},
                            {"cache-control", "no-cache, no-store, must-revalidate"},
                            {"date", "Sun, 29 Nov 2026 05:00:01 GMT"},
                            {"server", "Golfe2"},
                            {"set-cookie", "IDE=" + Random(rng, 40, kBase64) + "; Max-Age=34190000; Path=/; "
                                           "SameSite=None; Secure; HttpOnly"}};
    if (req.method == "POST") {
      req.post_data = R"({"events":[{"name":"page_view","params":{"page_location":"https://www.)" + site +
                      R"(/","engagement_time_msec":1200,"session_id":"1700000000"}}]})";
      req.post_data_size = static_cast<int64_t>(req.post_data->size());
    }
    req.encoded_data_length = 420;
    req.wall_time = 1796360401.123 + q * 0.01;
    req.duration_ms = 35.5;
    req.finished = true;
    r.requests.push_back(std::move(req));
  }
  for (int c = 0; c < cookies; ++c) {
    worker::CookieRecord ck;
    ck.visit_id = id;
    bool third = c % 2 == 1;
    ck.name = "_ck" + std::to_string(c);
    ck.value = Random(rng, 32, kBase64);
    ck.domain = third ? ".tracker" + std::to_string(c % 7) + ".com" : ".www." + site;
    ck.path = "/";
    ck.expires = 1830000000.5;
    ck.secure = true;
    ck.same_site = third ? "None" : "Lax";
    ck.set_by = c % 3 == 0 ? "js" : "http";
    ck.setter_url = "https://px.tracker" + std::to_string(c % 7) + ".com/collect?v=1";
    ck.third_party = third;
    r.cookies.push_back(std::move(ck));
  }
  return r;
}

std::vector<std::string> Lines(const worker::VisitResult& r) {
  std::vector<std::string> lines{worker::ToJson(r.visit)};
  for (const auto& q : r.requests) lines.push_back(worker::ToJson(q));
  for (const auto& c : r.cookies) lines.push_back(worker::ToJson(c));
  return lines;
}

void Report(const char* mode, uint64_t records, double seconds, uint64_t bytes) {
  std::printf("%s records=%llu seconds=%.3f records_per_s=%.0f mb_per_s=%.1f\n", mode,
              static_cast<unsigned long long>(records), seconds, records / seconds, bytes / seconds / 1e6);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int visits = 2000, requests = 60, cookies = 10, chunk = 500;
  std::string redis_url;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "usage: redis_ingest [--visits N] [--requests N] [--cookies N] [--chunk N] [--redis URL]\n");
      return 2;
    }
    std::string v = argv[++i];
    if (arg == "--visits") visits = std::atoi(v.c_str());
    else if (arg == "--requests") requests = std::atoi(v.c_str());
    else if (arg == "--cookies") cookies = std::atoi(v.c_str());
    else if (arg == "--chunk") chunk = std::atoi(v.c_str());
    else if (arg == "--redis") redis_url = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", arg.c_str());
      return 2;
    }
  }
  if (visits <= 0 || requests < 0 || cookies < 0 || chunk <= 0) return 2;

  std::unique_ptr<testing_support::RedisServer> server;
  fleet::RedisAddress address;
  if (redis_url.empty()) {
    server = std::make_unique<testing_support::RedisServer>(false);
    if (!server->running()) {
      std::fprintf(stderr, "redis_ingest: cannot start redis-server\n");
      return 1;
    }
    address = server->address();
  } else {
    auto parsed = fleet::ParseRedisUrl(redis_url);
    if (!parsed.ok()) {
      std::fprintf(stderr, "redis_ingest: %s\n", parsed.status().message().c_str());
      return 2;
    }
    address = parsed.value();
  }
  auto connected = fleet::RedisClient::Connect(address);
  if (!connected.ok()) {
    std::fprintf(stderr, "redis_ingest: %s\n", connected.status().ToString().c_str());
    return 1;
  }
  fleet::RedisClient& redis = *connected.value();

  // Build every visit first: only Redis traffic is timed.
  std::vector<worker::VisitResult> results;
  results.reserve(visits);
  for (int i = 0; i < visits; ++i) results.push_back(MakeVisit(i, requests, cookies));
  std::vector<std::string> lines;
  uint64_t bytes = 0;
  for (const auto& r : results) {
    for (auto& l : Lines(r)) {
      bytes += l.size();
      lines.push_back(std::move(l));
    }
  }
  uint64_t records = lines.size();
  std::printf("visits=%d records_per_visit=%d mean_record_bytes=%.0f\n", visits, 1 + requests + cookies,
              static_cast<double>(bytes) / records);

  // (a) ResultSink::Commit: one Lua script per visit, final result and
  // aggregates included, the records as one zstd frame.
  {
    if (auto made = redis.Command({"HSET", "bench:run:ingest", "state", "queued"}); !made.ok()) {
      std::fprintf(stderr, "redis_ingest: %s\n", made.status().ToString().c_str());
      return 1;
    }
    fleet::ResultSink sink(redis, "bench:");
    auto start = Clock::now();
    for (int i = 0; i < visits; ++i) {
      auto committed = sink.Commit(worker::ToVisitCommit("ingest", i, results[i], true));
      if (!committed.ok()) {
        std::fprintf(stderr, "redis_ingest: commit: %s\n", committed.status().ToString().c_str());
        return 1;
      }
    }
    Report("commit", records, Seconds(start), bytes);
    std::vector<std::vector<std::string>> sizes;
    for (const auto& r : results) sizes.push_back({"STRLEN", "bench:run:ingest:visit:" + r.visit.visit_id});
    auto stored = redis.Pipeline(sizes);
    uint64_t frames = 0;
    if (stored.ok()) {
      for (const auto& n : stored.value()) frames += n.ok() ? static_cast<uint64_t>(n->integer) : 0;
    }
    std::printf("commit_stored_bytes_per_record=%.0f compression_ratio=%.2f\n",
                static_cast<double>(frames) / records, frames ? static_cast<double>(bytes) / frames : 0.0);
  }
  // (b) RPUSH, one record per round trip.
  {
    auto start = Clock::now();
    for (uint64_t i = 0; i < records; ++i) {
      auto reply = redis.Command({"RPUSH", "bench:plain:" + std::to_string(i / 1000), lines[i]});
      if (!reply.ok()) {
        std::fprintf(stderr, "redis_ingest: rpush: %s\n", reply.status().ToString().c_str());
        return 1;
      }
    }
    Report("rpush", records, Seconds(start), bytes);
  }
  // (c) RPUSH pipelined, `chunk` commands per round trip.
  {
    auto start = Clock::now();
    std::vector<std::vector<std::string>> commands;
    commands.reserve(chunk);
    for (uint64_t i = 0; i < records; ++i) {
      commands.push_back({"RPUSH", "bench:piped:" + std::to_string(i / 1000), lines[i]});
      if (commands.size() == static_cast<size_t>(chunk) || i + 1 == records) {
        auto replies = redis.Pipeline(commands);
        if (!replies.ok()) {
          std::fprintf(stderr, "redis_ingest: pipeline: %s\n", replies.status().ToString().c_str());
          return 1;
        }
        for (const auto& r : replies.value()) {
          if (!r.ok()) {
            std::fprintf(stderr, "redis_ingest: pipelined rpush: %s\n", r.status().ToString().c_str());
            return 1;
          }
        }
        commands.clear();
      }
    }
    char mode[64];
    std::snprintf(mode, sizeof mode, "rpush_pipelined_%d", chunk);
    Report(mode, records, Seconds(start), bytes);
  }
  return 0;
}
