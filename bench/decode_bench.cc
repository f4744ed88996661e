// Tracker decoder throughput: decode_bench [--rounds N]
// Decodes a mix of realistic tracker requests (Meta GET and POST, GA4 batch,
// UA, Google Ads, TikTok JSON, LinkedIn, X, Snap, Pinterest, UET, Reddit) and,
// separately, ordinary page resources that no decoder takes, on one core, and
// prints requests/s and events/s for each.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "worker/analysis/decode/tracker_event.h"

namespace {

struct Sample {
  std::string url, method;
  std::optional<std::string> body, content_type;
};

const std::string kSha = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";

std::vector<Sample> Trackers() {
  const std::string form = "application/x-www-form-urlencoded";
  return {
      {"https://www.facebook.com/tr/?id=1234567890&ev=PageView&dl=https%3A%2F%2Fshop.example.com%2Fcart&rl=https%3A"
       "%2F%2Fwww.google.com%2F&if=false&ts=1764412800123&sw=1920&sh=1080&v=2.9.178&r=stable&ec=0&o=4126"
       "&fbp=fb.1.1764412800000.123456789&it=1764412799000&coo=false&rqm=GET", "GET", {}, {}},
      {"https://www.facebook.com/tr/", "POST",
       "id=1234567890&ev=SubscribedButtonClick&dl=https%3A%2F%2Fshop.example.com%2F&rl=&if=false&ts=1764412805000"
       "&cd[buttonFeatures]=%7B%22classList%22%3A%22btn%20btn-primary%22%2C%22innerText%22%3A%22Join%20now%22%2C"
       "%22tag%22%3A%22button%22%7D&cd[buttonText]=Sign%20up&cd[formFeatures]=%5B%5D&cd[pageFeatures]=%7B%22title"
       "%22%3A%22Shop%22%7D&udff[em]=" + kSha + "&v=2.9.178&r=stable&ec=1&o=4126&it=1&coo=false&rqm=FGET", form},
      {"https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ&gtm=45je5bi0&_p=1764412800&cid=123456789."
       "1764412800&ul=en-us&sr=1920x1080&sid=1764412800&sct=1&seg=1&dl=https%3A%2F%2Fshop.example.com%2F&dt=Shop&_s=3",
       "POST", "en=scroll&_et=10&epn.percent_scrolled=90\nen=view_item&ep.item_id=SKU-1&epn.value=29.99\n"
       "en=user_engagement&_et=5230", "text/plain;charset=UTF-8"},
      {"https://www.google-analytics.com/collect?v=1&_v=j101&a=123&t=event&_s=2&dl=https%3A%2F%2Fshop.example.com%2F"
       "&dt=Video&cid=555.666&tid=UA-12345-1&ec=Video&ea=play&el=intro&ev=3&cd1=member&z=99", "GET", {}, {}},
      {"https://googleads.g.doubleclick.net/pagead/viewthroughconversion/987654321/?random=1764&cv=11&fst=1764&num=1"
       "&label=AbC-dEf_123&value=49.5&currency_code=EUR&guid=ON&url=https%3A%2F%2Fshop.example.com%2Fthanks"
       "&tiba=Thank%20you&data=event%3Dpurchase&em=tv.1~em." + kSha, "GET", {}, {}},
      {"https://analytics.tiktok.com/api/v2/pixel", "POST",
       R"({"event":"CompletePayment","message_id":"m-1","event_id":"ord-77","timestamp":"2026-11-29T10:00:00.000Z",)"
       R"("context":{"ad":{"callback":"E.C.P"},"user":{"anonymous_id":"ttp-1","email":")" + kSha +
       R"("},"pixel":{"code":"CABCDEF1234567890"},"page":{"url":"https://shop.example.com/thanks",)"
       R"("referrer":"https://shop.example.com/pay"},"library":{"name":"pixel.js","version":"2.2.1"}},)"
       R"("properties":{"value":49.5,"currency":"EUR","contents":[{"content_id":"SKU-1"}]}})", "application/json"},
      {"https://px.ads.linkedin.com/collect/?pid=7007252&fmt=js&time=1764&url=https%3A%2F%2Fshop.example.com%2F", "GET", {}, {}},
      {"https://analytics.twitter.com/i/adsct?bci=4&eci=3&event_id=ev-1&events=%5B%5B%22pageview%22%2C%7B%7D%5D%5D"
       "&integration=advertiser&p_id=Twitter&tw_document_href=https%3A%2F%2Fshop.example.com%2F&txn_id=o1abc", "GET", {}, {}},
      {"https://tr.snapchat.com/p", "POST", "pid=abcd-1234&ev=PAGE_VIEW&pl=https%3A%2F%2Fshop.example.com%2F"
       "&ts=1764412800000&v=1.0&u_hem=" + kSha, form},
      {"https://ct.pinterest.com/v3/?event=pagevisit&ed=%7B%7D&tid=2612345678901&ad=%7B%22loc%22%3A%22https%3A%2F%2F"
       "shop.example.com%2F%22%7D&cb=1764", "GET", {}, {}},
      {"https://bat.bing.com/action/0?ti=12345678&tm=gtm002&Ver=2&mid=m-1&sid=s1&vid=v-1&vids=1&msclkid=N&lg=en-US"
       "&tl=Shop&p=https%3A%2F%2Fshop.example.com%2F&r=&lt=1200&evt=pageLoad&sv=1&rn=1", "GET", {}, {}},
      {"https://alb.reddit.com/rp.gif?ts=1764412800000&id=t2_abc123&event=PageVisit&uuid=1764.abc", "GET", {}, {}},
  };
}

std::vector<Sample> Ordinary() {
  return {
      {"https://shop.example.com/assets/app.min.js?v=20261129", "GET", {}, {}},
      {"https://fonts.gstatic.com/s/roboto/v30/KFOmCnqEu92Fr1Mu4mxK.woff2", "GET", {}, {}},
      {"https://shop.example.com/api/v2/cart", "POST", R"({"sku":"SKU-1","qty":1})", "application/json"},
      {"https://cdn.jsdelivr.net/npm/swiper@11/swiper-bundle.min.css", "GET", {}, {}},
      {"https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ&l=dataLayer&cx=c", "GET", {}, {}},
      {"https://connect.facebook.net/en_US/fbevents.js", "GET", {}, {}},
  };
}

void Run(const char* label, const std::vector<Sample>& samples, long rounds) {
  size_t events = 0;
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < rounds; ++i) {
    for (const Sample& s : samples) {
      worker::OutgoingRequest r;
      r.request_id = "1";
      r.url = s.url;
      r.method = s.method;
      if (s.body) r.post_data = *s.body;
      if (s.content_type) r.content_type = *s.content_type;
      events += worker::DecodeTrackerEvents(r).size();
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double requests = static_cast<double>(rounds) * static_cast<double>(samples.size());
  std::printf("%-10s %9.0f requests/s  %9.0f events/s  (%.0f requests, %zu events, %.2f s)\n", label,
              requests / seconds, static_cast<double>(events) / seconds, requests, events, seconds);
}

}  // namespace

int main(int argc, char** argv) {
  long rounds = 20000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::strtol(argv[i + 1], nullptr, 10);
  }
  Run("trackers", Trackers(), rounds);
  Run("ordinary", Ordinary(), rounds);
  return 0;
}
