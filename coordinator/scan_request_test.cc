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

TEST_CASE("ParseScanRequest: allow_private_targets is the coordinator's", "[scan_request]") {
  CHECK(ParseScanRequest({{"request_id", "r"}, {"allow_private_targets", "false"}}, true)
            .run.settings.allow_private_targets);
}

}  // namespace
}  // namespace coordinator
