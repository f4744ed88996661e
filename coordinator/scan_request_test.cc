#include "coordinator/scan_request.h"

#include <catch2/catch.hpp>

namespace coordinator {
namespace {

TEST_CASE("ParseScanRequest: the schema's example becomes run ondemand-<request_id>", "[scan_request]") {
  ScanRequest r = ParseScanRequest({{"request_id", "ticket-8812.recheck"},
                                    {"urls", "https://www.example.com/\nhttps://news.example.org/\n3,example.net"},
                                    {"reply_stream", "audit:replies"},
                                    {"timeout_s", "45"},
                                    {"min_dwell_s", "2.5"},
                                    {"quiet_period_s", "1"},
                                    {"ttl_s", "604800"},
                                    {"surprise", "ignored"}},
                                   /*allow_private_targets=*/false);
  CHECK(r.error.empty());
  CHECK(r.run.name == "ondemand-ticket-8812.recheck");
  CHECK(r.run.request_id == "ticket-8812.recheck");
  CHECK(r.run.reply_stream == "audit:replies");
  CHECK(r.run.priority == 1);
  CHECK(r.run.settings.timeout_s == 45);
  CHECK(r.run.settings.min_dwell_s == 2.5);
  CHECK(r.run.settings.quiet_period_s == 1);
  CHECK(r.run.ttl_s == 604800);
  CHECK_FALSE(r.run.settings.allow_private_targets);
  CHECK(r.lines == std::vector<std::string>{"https://www.example.com/", "https://news.example.org/", "3,example.net"});
}

TEST_CASE("ParseScanRequest: a bad request_id or too many lines is rejected, with the reply stream kept",
          "[scan_request]") {
  ScanRequest bad_id = ParseScanRequest({{"request_id", "a b"}, {"urls", "https://a.example/"},
                                         {"reply_stream", "replies"}}, false);
  CHECK_FALSE(bad_id.error.empty());
  CHECK(bad_id.reply_stream == "replies");
  CHECK(bad_id.run.name.empty());
  CHECK_FALSE(ParseScanRequest({{"urls", "https://a.example/"}}, false).error.empty());
  CHECK_FALSE(ParseScanRequest({{"request_id", std::string(129, 'a')}}, false).error.empty());
  std::string many;
  for (int i = 0; i < 10001; ++i) many += "https://a.example/\n";
  CHECK(ParseScanRequest({{"request_id", "r"}, {"urls", many}}, false).error.find("10000") != std::string::npos);
}

// Found by tests/fuzz/scan_request_fuzz.cc (corpus/scan_request/regress-settings-default):
// an unusable value read as 0, which for min_dwell_s and quiet_period_s is a
// setting (no dwell), not the default the schema promises.
TEST_CASE("ParseScanRequest: a setting it cannot use (or 0) is the worker's default", "[scan_request]") {
  for (const char* value : {"0", "inf", "nan", "-5", "3600", "1e9", "", "2s", "-0"}) {
    INFO(value);
    ScanRequest r = ParseScanRequest({{"request_id", "r"}, {"urls", "https://a.example/"}, {"timeout_s", value},
                                      {"min_dwell_s", value}, {"quiet_period_s", value}}, false);
    CHECK(r.run.settings.timeout_s == -1);
    CHECK(r.run.settings.min_dwell_s == -1);
    CHECK(r.run.settings.quiet_period_s == -1);
  }
  ScanRequest absent = ParseScanRequest({{"request_id", "r"}}, false);
  CHECK(absent.run.settings.min_dwell_s == -1);
  CHECK(absent.run.settings.quiet_period_s == -1);
}

TEST_CASE("ParseScanRequest: allow_private_targets is the coordinator's", "[scan_request]") {
  CHECK(ParseScanRequest({{"request_id", "r"}, {"allow_private_targets", "false"}}, true)
            .run.settings.allow_private_targets);
}

}  // namespace
}  // namespace coordinator
