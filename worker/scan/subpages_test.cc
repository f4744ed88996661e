#include "worker/scan/subpages.h"

#include <catch2/catch.hpp>

namespace worker {
namespace {

using Urls = std::vector<std::string>;

TEST_CASE("SelectSubpages keeps same-site pages in document order", "[subpages]") {
  Urls links = {"https://www.clinic.test/#main",            // the page itself
                "https://www.clinic.test/oncology/",        // kept
                "mailto:info@clinic.test",                  // not http(s)
                "https://www.clinic.test/brochure.PDF",     // a file
                "https://partner.test/",                    // another site
                "https://portal.clinic.test/login#top",     // kept: same site, fragment dropped
                "https://www.clinic.test/oncology/#team",   // a duplicate once the fragment is gone
                "javascript:void(0)",
                "not a url",
                "http://www.clinic.test/contact",           // kept (3rd)
                "https://www.clinic.test/careers"};          // over n
  CHECK(SelectSubpages(links, "https://www.clinic.test/", "clinic.test", 3) ==
        Urls{"https://www.clinic.test/oncology/", "https://portal.clinic.test/login", "http://www.clinic.test/contact"});
  CHECK(SelectSubpages(links, "https://www.clinic.test/", "clinic.test", 0).empty());
  CHECK(SelectSubpages({}, "https://www.clinic.test/", "clinic.test", 5).empty());
}

TEST_CASE("SelectSubpages compares sites by registrable domain", "[subpages]") {
  Urls links = {"https://nhs.uk/", "https://www.example.nhs.uk/a", "https://other.nhs.uk/b"};
  CHECK(SelectSubpages(links, "https://www.example.nhs.uk/", "example.nhs.uk", 5) ==
        Urls{"https://www.example.nhs.uk/a"});
}

}  // namespace
}  // namespace worker
