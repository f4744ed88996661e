// JsonObject: the params text of CDP commands.
#include "cdp/json_object.h"

#include <catch2/catch.hpp>

#include <limits>

namespace cdp {
namespace {

TEST_CASE("JsonObject builds an empty object", "[cdp]") { CHECK(JsonObject().Build() == "{}"); }

TEST_CASE("JsonObject writes each value type", "[cdp]") {
  const std::string json = JsonObject()
                               .Set("url", "http://a.test/")
                               .Set("flatten", true)
                               .Set("depth", 3)
                               .Set("big", int64_t{1} << 40)
                               .Set("ratio", 0.5)
                               .SetRaw("list", R"([1,"two"])")
                               .Build();
  CHECK(json ==
        R"({"url":"http://a.test/","flatten":true,"depth":3,"big":1099511627776,"ratio":0.5,"list":[1,"two"]})");
}

TEST_CASE("JsonObject escapes keys and strings", "[cdp]") {
  const std::string value = std::string("quote\" slash\\ newline\n tab\t nul") + '\0' + "end";
  CHECK(JsonObject().Set("k\"ey", value).Build() ==
        R"({"k\"ey":"quote\" slash\\ newline\n tab\t nul\u0000end"})");
  CHECK(JsonObject().Set("utf8", "h\xC3\xA9llo").Build() == "{\"utf8\":\"h\xC3\xA9llo\"}");
}

TEST_CASE("JsonObject writes null for non-finite doubles", "[cdp]") {
  CHECK(JsonObject().Set("x", std::numeric_limits<double>::quiet_NaN()).Build() == R"({"x":null})");
}

TEST_CASE("JsonObject Build twice returns the same text", "[cdp]") {
  JsonObject object;
  object.Set("a", 1);
  const std::string first = object.Build();
  CHECK(object.Build() == first);
  JsonObject moved(std::move(object));
  CHECK(moved.Build() == first);
}

}  // namespace
}  // namespace cdp
