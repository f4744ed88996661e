// Personal-data leak search throughput: pii_bench [--repeat N]
// Builds a synthetic visit (tracker GETs with long queries, JSON and form
// POST bodies up to 1 MB, Cookie / Referer / User-Agent headers, WebSocket
// frames, jar cookies; a few real leaks among them), runs FindPiiLeaks on it
// N times on one core and prints MB/s of haystack searched (every byte of
// every URL, body, header, frame and cookie value, once per run). Also the
// worst case for the short-value rule: a 1 MB body of "Jane Doe" text.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "worker/analysis/pii/needles.h"
#include "worker/analysis/pii/pii_leak.h"

namespace {

using worker::RequestRecord;
using worker::VisitResult;

std::string RandomText(std::mt19937& rng, size_t n, const char* alphabet) {
  size_t k = std::strlen(alphabet);
  std::string out(n, ' ');
  for (char& c : out) c = alphabet[rng() % k];
  return out;
}

double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

size_t HaystackBytes(const VisitResult& v) {
  size_t n = 0;
  for (const auto& r : v.requests) {
    n += r.url.size() + (r.post_data ? r.post_data->size() : 0);
    for (const auto& [name, value] : r.request_headers) n += value.size();
  }
  for (const auto& ws : v.websockets) n += ws.payload ? ws.payload->size() : 0;
  for (const auto& c : v.cookies) n += c.value.size();
  return n;
}

VisitResult SyntheticVisit() {
  std::mt19937 rng(7);
  const char* query_chars = "abcdefghijklmnopqrstuvwxyz0123456789%&=._-";
  const char* json_chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \":,{}[]";
  VisitResult v;
  v.visit.visit_id = "bench";
  std::string email_hash = worker::pii::Hex(worker::pii::Digest("sha256", "jane.doe.trackscan@example.com"), false);
  for (int i = 0; i < 300; ++i) {
    RequestRecord r;
    r.request_id = std::to_string(i);
    r.url = "https://t" + std::to_string(i % 17) + ".tracker.test/collect?v=2&" + RandomText(rng, 1500, query_chars);
    if (i % 50 == 0) r.url += "&udff[em]=" + email_hash;
    r.third_party = true;
    r.wall_time = 100 + i;
    r.request_headers = {{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0"},
                         {"Referer", "https://www.clinic.test/services/flu-shots"},
                         {"Cookie", RandomText(rng, 600, query_chars)}};
    if (i % 10 == 0) r.post_data = "{" + RandomText(rng, 100000, json_chars) + "}";
    if (i % 100 == 0) r.post_data = "{" + RandomText(rng, 1 << 20, json_chars) + "}";
    v.requests.push_back(std::move(r));
  }
  for (int i = 0; i < 100; ++i) {
    worker::WebSocketRecord ws;
    ws.request_id = "ws";
    ws.url = "wss://live.chat.test/";
    ws.direction = "sent";
    ws.payload = RandomText(rng, 2000, json_chars);
    v.websockets.push_back(std::move(ws));
  }
  for (int i = 0; i < 50; ++i) {
    worker::CookieRecord c;
    c.name = "c" + std::to_string(i);
    c.value = RandomText(rng, 200, query_chars);
    c.domain = ".tracker.test";
    c.third_party = true;
    v.cookies.push_back(std::move(c));
  }
  return v;
}

void Run(const char* label, const VisitResult& v, const worker::PiiOptions& o, int repeat) {
  size_t bytes = HaystackBytes(v), leaks = 0;
  // CPU time of this process: the machine is shared, wall time would count the neighbours.
  double start = CpuSeconds();
  for (int i = 0; i < repeat; ++i) leaks = worker::FindPiiLeaks(v, o).size();
  double s = CpuSeconds() - start;
  std::printf("%-28s %8.2f MB haystack  %4zu leaks  %8.1f ms CPU/run  %8.1f MB/s\n", label, bytes / 1e6, leaks,
              1e3 * s / repeat, bytes * repeat / s / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = argc > 2 && std::strcmp(argv[1], "--repeat") == 0 ? std::atoi(argv[2]) : 5;
  worker::PiiOptions o;
  o.site = "clinic.test";
  o.page_url = "https://www.clinic.test/services/breast-cancer-screening";
  o.page_title = "Breast Cancer Screening";
  o.first_submit_wall_time = 250;
  std::printf("%zu canary needles\n", worker::pii::CanaryNeedles(o.canary).size());
  Run("synthetic visit", SyntheticVisit(), o, repeat);
  VisitResult names;
  RequestRecord r;
  r.request_id = "names";
  r.url = "https://collect.tracker.test/batch";
  r.third_party = true;
  std::string body = "{\"text\":\"";
  while (body.size() < (1 << 20)) body += "Jane Doe wrote to Jane Doe; ";
  r.post_data = body + "\"}";
  names.requests.push_back(r);
  Run("1 MB of \"Jane Doe\" text", names, o, repeat);
  return 0;
}
