// Filter-list matcher throughput: filter_bench LIST.txt... [--urls N]
// Loads the lists (e.g. EasyList and EasyPrivacy from scripts/tracker_lists.sh),
// prints load time, filter counts and RSS, then matches a synthetic URL mix
// (first-party pages' own resources, CDNs, and ~15% tracker/ad requests) on one
// core and prints matches/s and the fraction blocked.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "worker/classify/filter_list.h"

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
                     {"/space/abc123/image/hero.jpg?fm=webp&q=", ResourceType::kImage}};
  const Res trackers[] = {
      {"https://www.google-analytics.com/g/collect?v=2&tid=G-XYZ&cid=", ResourceType::kPing},
      {"https://www.googletagmanager.com/gtm.js?id=GTM-ABC", ResourceType::kScript},
      {"https://connect.facebook.net/en_US/fbevents.js?", ResourceType::kScript},
      {"https://www.facebook.com/tr/?id=123&ev=PageView&dl=", ResourceType::kImage},
      {"https://securepubads.g.doubleclick.net/tag/js/gpt.js?", ResourceType::kScript},
      {"https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=", ResourceType::kScript},
      {"https://sb.scorecardresearch.com/b?c1=2&c2=", ResourceType::kImage},
      {"https://bat.bing.com/action/0?ti=5&evt=pageLoad&rn=", ResourceType::kImage},
      {"https://static.hotjar.com/c/hotjar-1.js?sv=", ResourceType::kScript},
      {"https://cdn.segment.com/analytics.js/v1/key/analytics.min.js?", ResourceType::kScript},
      {"https://js-agent.newrelic.com/nr-spa-1.2.js?", ResourceType::kScript},
      {"https://pixel.quantserve.com/pixel/p-abc.gif?r=", ResourceType::kImage},
      {"https://ib.adnxs.com/ut/v3/prebid?", ResourceType::kXmlHttpRequest},
      {"https://c.amazon-adsystem.com/aax2/apstag.js?", ResourceType::kScript},
      {"https://www.example.com/wp-content/plugins/ads/banner-ad.js?", ResourceType::kScript},
      {"https://cdn.tracking-vendor.io/collect/pixel.gif?uid=", ResourceType::kImage}};
  std::mt19937 rng(42);
  std::vector<Req> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string site = sites[rng() % std::size(sites)];
    std::string num = std::to_string(rng() % 1000000);
    const unsigned roll = rng() % 100;
    if (roll < 15) {
      const Res& r = trackers[rng() % std::size(trackers)];
      out.push_back({std::string(r.path) + num, site, r.type, true});
    } else if (roll < 40) {
      const Res& r = cdn[rng() % std::size(cdn)];
      out.push_back({"https://" + std::string(cdns[rng() % std::size(cdns)]) + r.path + num, site, r.type, true});
    } else {
      const Res& r = own[rng() % std::size(own)];
      out.push_back({"https://" + site + r.path + num, site, r.type, false});
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 200000;
  std::vector<std::string> lists;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--urls" && i + 1 < argc) {
      n = std::strtoul(argv[++i], nullptr, 10);
    } else {
      lists.push_back(a);
    }
  }
  if (lists.empty()) {
    std::fprintf(stderr, "usage: filter_bench LIST.txt... [--urls N]\n");
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
