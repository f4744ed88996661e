// Filter-list matcher throughput: filter_bench LIST.txt... [--urls N]
// Loads the lists (e.g. EasyList and EasyPrivacy from scripts/tracker_lists.sh),
// prints load time, filter counts and RSS, then matches a synthetic URL mix
// (see MakeUrls: mostly third-party trackers with long query strings, CDNs,
// first-party assets) on one core and prints matches/s and the fraction
// blocked. --write-verdicts saves every URL's verdict; --check-verdicts
// compares with a saved file (exit 1 on any difference), so a faster matcher
// can be shown to decide exactly as the old one did.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "worker/analysis/classify/filter_list.h"

namespace {

using worker::classify::FilterContext;
using worker::classify::FilterSet;
using worker::classify::ResourceType;

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Req {
  std::string url, page;
  ResourceType type;
  bool third_party;
};

struct Res {
  const char* path;
  ResourceType type;
};

// A query string like the ones trackers send: page URL, referrer, screen,
// ids and timestamps, ~250-400 characters, percent-encoded.
std::string TrackerQuery(std::mt19937& rng, const std::string& site) {
  const std::string n1 = std::to_string(rng() % 1000000000), n2 = std::to_string(rng() % 100000);
  return "&dl=https%3A%2F%2F" + site + "%2F2026%2F11%2F29%2Fworld%2Farticle-" + n2 +
         ".html%3Futm_source%3Dnewsletter%26utm_medium%3Demail&dr=https%3A%2F%2Fwww.google.com%2F&dt=Breaking%20news"
         "%20about%20the%20story%20" + n2 + "&sr=1920x1080&vp=1280x720&ul=en-us&sd=24-bit&cid=" + n1 + "." + n2 +
         "&_s=3&_p=" + n1 + "&uaa=x86&uab=64&uafvl=Chromium%3B156.0.0.0%7CNot_A%2520Brand%3B24.0.0.0&ts=17327" + n1;
}

// The mix, per 100 requests: 55 third-party tracker/ad requests with long
// query strings (16 endpoints), 25 CDN assets (fonts, libraries, images,
// some with long query strings) and 20 first-party assets of 12 sites.
std::vector<Req> MakeUrls(size_t n) {
  const char* sites[] = {"www.nytimes.com", "www.bbc.co.uk",   "www.lemonde.fr",    "github.com",
                         "www.spiegel.de",  "www.example.com", "news.ycombinator.com", "www.wikipedia.org",
                         "shop.example.org", "www.reddit.com", "www.theguardian.com", "www.amazon.de"};
  const char* cdns[] = {"cdnjs.cloudflare.com", "fonts.googleapis.com", "fonts.gstatic.com", "ajax.googleapis.com",
                        "cdn.jsdelivr.net",     "unpkg.com",            "images.ctfassets.net", "upload.wikimedia.org"};
  const Res own[] = {{"/assets/app.min.js?v=", ResourceType::kScript},
                     {"/static/css/main.css?h=", ResourceType::kStylesheet},
                     {"/img/logo-header.png?w=", ResourceType::kImage},
                     {"/api/v2/articles?page=", ResourceType::kXmlHttpRequest},
                     {"/fonts/roboto-regular.woff2?", ResourceType::kFont},
                     {"/2026/11/29/world/europe/story-", ResourceType::kDocument},
                     {"/images/2026/photo_", ResourceType::kImage},
                     {"/graphql?operationName=Feed&id=", ResourceType::kXmlHttpRequest},
                     {"/video/stream/segment-", ResourceType::kMedia},
                     {"/_next/static/chunks/pages/index-", ResourceType::kScript}};
  const Res cdn[] = {{"/ajax/libs/jquery/3.7.1/jquery.min.js?", ResourceType::kScript},
                     {"/css2?family=Roboto:wght@400;700&display=swap&", ResourceType::kStylesheet},
                     {"/s/roboto/v30/KFOmCnqEu92Fr1Mu4mxK.woff2?", ResourceType::kFont},
                     {"/npm/bootstrap@5.3.0/dist/js/bootstrap.bundle.min.js?", ResourceType::kScript},
                     {"/space/abc123/image/hero.jpg?fm=webp&q=80&w=1200&h=630&fit=fill&f=faces&", ResourceType::kImage}};
  const Res trackers[] = {
      {"https://www.google-analytics.com/g/collect?v=2&tid=G-XYZ1234&gtm=45je4bk0&en=page_view&cid=", ResourceType::kPing},
      {"https://www.googletagmanager.com/gtm.js?id=GTM-ABC12&l=dataLayer&", ResourceType::kScript},
      {"https://connect.facebook.net/en_US/fbevents.js?v=next&", ResourceType::kScript},
      {"https://www.facebook.com/tr/?id=1234567890&ev=PageView&rqm=GET&", ResourceType::kImage},
      {"https://securepubads.g.doubleclick.net/gampad/ads?pvsid=3&correlator=", ResourceType::kXmlHttpRequest},
      {"https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-123&", ResourceType::kScript},
      {"https://sb.scorecardresearch.com/b?c1=2&c2=6035748&cs_ucfr=1&", ResourceType::kImage},
      {"https://bat.bing.com/action/0?ti=5&tm=gtm002&Ver=2&evt=pageLoad&rn=", ResourceType::kImage},
      {"https://static.hotjar.com/c/hotjar-1.js?sv=6&", ResourceType::kScript},
      {"https://api.segment.io/v1/p?writeKey=abc&anonymousId=", ResourceType::kXmlHttpRequest},
      {"https://bam.nr-data.net/events/1/NRJS-abc?a=123&sa=1&v=1.2&t=Unnamed&rst=", ResourceType::kXmlHttpRequest},
      {"https://pixel.quantserve.com/pixel/p-abc.gif?labels=_fp.event.Default&r=", ResourceType::kImage},
      {"https://ib.adnxs.com/ut/v3/prebid?hb_source=1&", ResourceType::kXmlHttpRequest},
      {"https://analytics.tiktok.com/api/v2/pixel?sdkid=C4AB&event=Pageview&", ResourceType::kXmlHttpRequest},
      {"https://px.ads.linkedin.com/collect/?pid=123&fmt=gif&time=", ResourceType::kImage},
      {"https://cdn.tracking-vendor.io/collect/pixel.gif?uid=", ResourceType::kImage}};
  std::mt19937 rng(42);
  std::vector<Req> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string site = sites[rng() % std::size(sites)];
    std::string num = std::to_string(rng() % 1000000);
    const unsigned roll = rng() % 100;
    if (roll < 55) {
      const Res& r = trackers[rng() % std::size(trackers)];
      out.push_back({std::string(r.path) + num + TrackerQuery(rng, site), site, r.type, true});
    } else if (roll < 80) {
      const Res& r = cdn[rng() % std::size(cdn)];
      std::string url = "https://" + std::string(cdns[rng() % std::size(cdns)]) + r.path + num;
      if (rng() % 4 == 0) url += "&ref=" + site + "&session=" + std::to_string(rng()) + std::to_string(rng());
      out.push_back({url, site, r.type, true});
    } else {
      const Res& r = own[rng() % std::size(own)];
      out.push_back({"https://" + site + r.path + num, site, r.type, false});
    }
  }
  return out;
}

// One line per request: B (blocked), E (excepted), - (no match), the
// blocking filter and the exception, tab-separated.
std::string VerdictLines(const FilterSet& set, const std::vector<Req>& reqs) {
  std::string out;
  for (const Req& r : reqs) {
    worker::classify::FilterVerdict v = set.Evaluate({r.url, r.page, r.type, r.third_party});
    out += v.blocked ? 'B' : v.block ? 'E' : '-';
    out += '\t' + (v.block ? v.block->list + ':' + v.block->filter : std::string()) + '\t' +
           (v.exception ? v.exception->list + ':' + v.exception->filter : std::string()) + '\n';
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 200000;
  std::vector<std::string> lists;
  std::string write_verdicts, check_verdicts;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--urls" && i + 1 < argc) {
      n = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--write-verdicts" && i + 1 < argc) {
      write_verdicts = argv[++i];
    } else if (a == "--check-verdicts" && i + 1 < argc) {
      check_verdicts = argv[++i];
    } else {
      lists.push_back(a);
    }
  }
  if (lists.empty()) {
    std::fprintf(stderr, "usage: filter_bench LIST.txt... [--urls N] [--write-verdicts F] [--check-verdicts F]\n");
    return 2;
  }
  std::vector<std::pair<std::string, std::string>> texts;
  for (const std::string& path : lists) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 1;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    texts.emplace_back(path, ss.str());
  }
  const long rss0 = RssKb();
  auto t0 = std::chrono::steady_clock::now();
  FilterSet set;
  for (const auto& [path, text] : texts) {
    auto s = set.Add(path.substr(path.find_last_of('/') + 1), text);
    std::printf("%s: %zu filters (%zu exceptions), %zu cosmetic, %zu comments, %zu unsupported, %zu invalid\n",
                path.c_str(), s.filters, s.exceptions, s.cosmetic, s.comments, s.unsupported, s.invalid);
  }
  auto t1 = std::chrono::steady_clock::now();
  const long rss1 = RssKb();
  std::printf("load: %.3f s, %zu filters, RSS %ld -> %ld kB (+%.1f MB)\n", Seconds(t0, t1), set.size(), rss0, rss1,
              (rss1 - rss0) / 1024.0);

  std::vector<Req> reqs = MakeUrls(n);
  if (!write_verdicts.empty() || !check_verdicts.empty()) {
    const std::string lines = VerdictLines(set, reqs);
    if (!write_verdicts.empty()) std::ofstream(write_verdicts, std::ios::binary) << lines;
    if (!check_verdicts.empty()) {
      std::ifstream in(check_verdicts, std::ios::binary);
      std::stringstream want;
      want << in.rdbuf();
      std::istringstream a(want.str()), b(lines);
      std::string la, lb;
      size_t line = 0, diffs = 0;
      while (static_cast<bool>(std::getline(a, la)) | static_cast<bool>(std::getline(b, lb))) {
        ++line;
        if (la != lb && ++diffs <= 10) {
          std::printf("verdict differs, line %zu (%s):\n  was: %s\n  now: %s\n", line, reqs[line - 1].url.c_str(),
                      la.c_str(), lb.c_str());
        }
        la.clear(), lb.clear();
      }
      std::printf("verdicts: %zu lines, %zu differ from %s\n", line, diffs, check_verdicts.c_str());
      if (diffs != 0) return 1;
    }
  }
  size_t blocked = 0;
  for (const Req& r : reqs) blocked += set.Match({r.url, r.page, r.type, r.third_party}).has_value();
  const int rounds = 5;
  auto t2 = std::chrono::steady_clock::now();
  timespec c0{}, c1{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
  size_t check = 0;
  for (int k = 0; k < rounds; ++k) {
    for (const Req& r : reqs) check += set.Match({r.url, r.page, r.type, r.third_party}).has_value();
  }
  auto t3 = std::chrono::steady_clock::now();
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
  const double secs = Seconds(t2, t3);
  const double cpu = static_cast<double>(c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9;
  const double total = static_cast<double>(reqs.size()) * rounds;
  std::printf("match: %zu URLs x %d rounds: wall %.3f s = %.0f URLs/s, thread CPU %.3f s = %.0f URLs/s per core;"
              " %.1f%% blocked (%zu)\n",
              reqs.size(), rounds, secs, total / secs, cpu, total / cpu, 100.0 * blocked / reqs.size(), check / rounds);
  std::printf("RSS after matching: %ld kB\n", RssKb());
  return 0;
}
