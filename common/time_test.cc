#include "common/time.h"

#include <catch2/catch.hpp>

namespace common {
namespace {

TEST_CASE("RFC 3339 timestamps are UTC with three fraction digits", "[time]") {
  CHECK(EpochMsToRfc3339(0) == "1970-01-01T00:00:00.000Z");
  CHECK(EpochMsToRfc3339(1767323045678) == "2026-01-02T03:04:05.678Z");
  CHECK(EpochMsToRfc3339(1767323045007) == "2026-01-02T03:04:05.007Z");
  CHECK(EpochToRfc3339(1767323045.5) == "2026-01-02T03:04:05.500Z");
  CHECK(EpochToRfc3339(1767323045.0) == "2026-01-02T03:04:05.000Z");
  CHECK(NowRfc3339().size() == 24);
}

}  // namespace
}  // namespace common
