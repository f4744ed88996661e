// CookieLedger attribution: cookie_ledger_bench [--cookies N] [--writes M] [--old-writes K]
// Builds a jar of N cookies (half set by Set-Cookie lines, half by script
// writes, each written M / (N / 2) times on average, as a page that rewrites
// its cookies in a loop does), then times CookieLedger (script writes fed
// one by one, then Finish with the jar), on one core. The old attribution
// (before issue 11: every jar cookie against every Set-Cookie and every
// script write, parsing each pair) is timed beside it on K writes (it is
// quadratic, so the full size would take minutes); both per-pair costs and
// the ratio at the same size are printed. The set_by tags of both must agree.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/url.h"
#include "worker/network/cookie_ledger.h"
#include "worker/normalize/set_cookie.h"

namespace {

namespace p = cdp::protocol;
using worker::CookieWriteRecord;

double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct Input {
  std::vector<p::Cookie> jar;
  std::vector<p::ResponseReceivedExtraInfo> responses;
  std::vector<CookieWriteRecord> writes;
};

Input Make(int cookies, int writes) {
  Input in;
  for (int i = 0; i < cookies; ++i) {
    p::Cookie c;
    c.name = "c" + std::to_string(i);
    c.domain = i % 3 == 0 ? ".flood.test" : "www.flood.test";
    c.value = "v";
    c.path = "/";
    c.session = true;
    in.jar.push_back(c);
    if (i % 2 == 0) {
      p::ResponseReceivedExtraInfo e;
      e.request_id = std::to_string(i);
      e.status_code = 200;
      std::string domain = i % 3 == 0 ? "; Domain=flood.test" : "";
      e.headers = {{"Set-Cookie", c.name + "=1; Path=/" + domain}};
      in.responses.push_back(std::move(e));
    }
  }
  for (int k = 0; k < writes; ++k) {
    int i = (k * 2 + 1) % cookies;  // the odd cookies, round and round
    CookieWriteRecord w;
    w.api = "document.cookie";
    w.cookie = "c" + std::to_string(i) + "=" + std::to_string(k) + "; path=/" +
               (i % 3 == 0 ? "; domain=.flood.test" : "");
    w.frame_url = "https://www.flood.test/";
    w.script_url = "https://cdn.flood.test/app.js";
    in.writes.push_back(std::move(w));
  }
  return in;
}

// The attribution as it was: jar x (Set-Cookie lines + writes), a parse per pair.
std::vector<std::string> OldSetBy(const Input& in) {
  struct HttpSet { std::string name, domain; };
  auto strip = [](std::string_view d) { return !d.empty() && d.front() == '.' ? d.substr(1) : d; };
  auto domain_of = [](const worker::normalize::SetCookie& c, std::string_view url) {
    return c.domain.empty() ? common::HostOf(url) : c.domain;
  };
  std::vector<HttpSet> sets;
  for (const auto& e : in.responses) {
    for (const auto& [name, value] : e.headers) {
      auto parsed = worker::normalize::ParseSetCookie(value);
      if (parsed) sets.push_back({parsed->name, domain_of(*parsed, "https://www.flood.test/")});
    }
  }
  std::vector<std::string> out;
  for (const p::Cookie& c : in.jar) {
    bool http = false, js = false;
    for (const HttpSet& s : sets) http = http || (c.name == s.name && strip(c.domain) == s.domain);
    for (const CookieWriteRecord& w : in.writes) {
      auto parsed = worker::normalize::ParseSetCookie(w.cookie);
      if (parsed && c.name == parsed->name && strip(c.domain) == domain_of(*parsed, w.frame_url)) js = true;
    }
    out.push_back(http && js ? "both" : http ? "http" : js ? "js" : "unknown");
  }
  return out;
}

std::vector<std::string> NewSetBy(const Input& in) {
  worker::CookieLedger ledger("v", "flood.test");
  for (const auto& e : in.responses) ledger.OnResponseExtraInfo("https://www.flood.test/", e);
  for (const auto& w : in.writes) ledger.OnScriptWrite(w);
  std::vector<std::string> out;
  for (const auto& r : ledger.Finish(in.jar)) out.push_back(r.set_by);
  return out;
}

int Arg(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  int cookies = Arg(argc, argv, "--cookies", 3000);
  int writes = Arg(argc, argv, "--writes", 100000);
  int old_writes = Arg(argc, argv, "--old-writes", 2000);

  Input full = Make(cookies, writes);
  double t0 = CpuSeconds();
  auto tags = NewSetBy(full);
  double new_full = CpuSeconds() - t0;
  std::printf("new: %d cookies x %d writes: %.3f s\n", cookies, writes, new_full);

  Input small = Make(cookies, old_writes);
  t0 = CpuSeconds();
  auto old_tags = OldSetBy(small);
  double old_small = CpuSeconds() - t0;
  t0 = CpuSeconds();
  auto new_tags = NewSetBy(small);
  double new_small = CpuSeconds() - t0;
  if (old_tags != new_tags) {
    std::fprintf(stderr, "set_by differs between the old and the new attribution\n");
    return 1;
  }
  double pairs = static_cast<double>(cookies) * (old_writes + cookies / 2.0);
  std::printf("old: %d cookies x %d writes: %.3f s (%.0f ns a pair); new: %.4f s; ratio %.0fx\n", cookies,
              old_writes, old_small, old_small / pairs * 1e9, new_small, old_small / new_small);
  std::printf("old at %d x %d, extrapolated (linear in writes): %.0f s; ratio %.0fx\n", cookies, writes,
              old_small * (writes + cookies / 2.0) / (old_writes + cookies / 2.0),
              old_small * (writes + cookies / 2.0) / (old_writes + cookies / 2.0) / new_full);
  return tags.size() == full.jar.size() ? 0 : 1;
}
