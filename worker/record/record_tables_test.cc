// The field tables (record_tables.h) against schemas/<type>.schema.json: the
// serializer and the schemas cannot drift apart, because a field renamed,
// added or dropped on one side only fails here.
#include "worker/record/record_tables.h"

#include <simdjson.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "worker/record/record_json.h"
#include "worker/record/visit_result.h"

namespace worker {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

const std::string kSchemaDir = std::string(TRACKSCAN_SOURCE_DIR) + "/schemas";

std::vector<std::string> Keys(object o) {
  std::vector<std::string> keys;
  for (auto field : o) keys.emplace_back(field.key);
  return keys;
}

// The keys every line has before the table's fields.
std::vector<std::string> LineKeys() { return {"type", "schema_version"}; }

// The object schema a property holds: itself, its "items" (a list of
// objects) or the "$defs" entry its "$ref" names.
object ObjectSchema(element root, object property) {
  std::string_view ref;
  if (property["$ref"].get(ref) == simdjson::SUCCESS) {
    object target;
    REQUIRE(root.at_pointer(ref.substr(1)).get(target) == simdjson::SUCCESS);
    return ObjectSchema(root, target);
  }
  object items;
  if (property["items"].get(items) == simdjson::SUCCESS) return ObjectSchema(root, items);
  return property;
}

// The struct a member holds through its own table: U, optional<U> or vector<U>.
template <typename M>
struct NestedTable { using type = void; };
template <HasFieldTable U>
struct NestedTable<U> { using type = U; };
template <typename U>
struct NestedTable<std::optional<U>> : NestedTable<U> {};
template <typename U>
struct NestedTable<std::vector<U>> : NestedTable<U> {};

// T's table must list exactly `schema`'s properties (after `leading`), in
// order, cover its "required" list, and so on down every nested table.
template <HasFieldTable T>
void CheckTable(element root, object schema, std::vector<std::string> expected,
                const std::string& where) {
  INFO(where);
  for (std::string_view name : FieldNames<T>()) expected.emplace_back(name);
  object properties;
  REQUIRE(schema["properties"].get(properties) == simdjson::SUCCESS);
  CHECK(Keys(properties) == expected);
  simdjson::dom::array required;
  REQUIRE(schema["required"].get(required) == simdjson::SUCCESS);
  for (element name : required) {
    CHECK(std::count(expected.begin(), expected.end(), std::string(name.get_string().value())) == 1);
  }
  ForEachField<T>([&](const auto& spec) {
    using Nested = typename NestedTable<typename std::decay_t<decltype(spec)>::MemberType>::type;
    if constexpr (!std::is_void_v<Nested>) {
      object property;
      REQUIRE(properties[spec.name].get(property) == simdjson::SUCCESS);
      CheckTable<Nested>(root, ObjectSchema(root, property), {}, where + "." + spec.name);
    }
  });
}

template <typename Fn>
void ForEachRecordType(Fn&& fn) {
  std::apply([&fn](const auto&... record) { (fn(record), ...); }, RecordTypes{});
}

TEST_CASE("every record type has a schema, and every schema a record type", "[record_tables]") {
  std::set<std::string> tables, schemas;
  ForEachRecordType([&](const auto& record) {
    tables.insert(FieldTable<std::decay_t<decltype(record)>>::kType);
  });
  const std::string suffix = ".schema.json";
  for (const auto& entry : std::filesystem::directory_iterator(kSchemaDir)) {
    std::string file = entry.path().filename().string();
    if (entry.is_regular_file() && file.ends_with(suffix)) {
      schemas.insert(file.substr(0, file.size() - suffix.size()));
    }
  }
  CHECK(tables == schemas);
}

TEST_CASE("each table lists exactly its schema's properties, nested ones too", "[record_tables]") {
  ForEachRecordType([](const auto& record) {
    using T = std::decay_t<decltype(record)>;
    simdjson::dom::parser parser;
    element root;
    REQUIRE(parser.load(kSchemaDir + "/" + FieldTable<T>::kType + ".schema.json").get(root) ==
            simdjson::SUCCESS);
    CheckTable<T>(root, root.get_object().value(), LineKeys(), FieldTable<T>::kType);
  });
}

TEST_CASE("a default record serializes to exactly its table's keys", "[record_tables]") {
  ForEachRecordType([](const auto& record) {
    using T = std::decay_t<decltype(record)>;
    std::string line = ToJson(record);
    INFO(line);
    std::vector<std::string> expected = LineKeys();
    for (std::string_view name : FieldNames<T>()) expected.emplace_back(name);
    simdjson::dom::parser parser;
    object json;
    REQUIRE(parser.parse(line).get(json) == simdjson::SUCCESS);
    CHECK(Keys(json) == expected);
    CHECK(std::string_view(json["type"].get_string().value()) == FieldTable<T>::kType);
  });
}

// RecordTypes is the list the two tests above walk; it must be what
// ForEachRecord writes, in the same order.
TEST_CASE("RecordTypes is what ForEachRecord writes, in order", "[record_tables]") {
  VisitResult result;
  result.requests.resize(1);
  result.websockets.resize(1);
  result.cookies.resize(1);
  result.cookie_writes.resize(1);
  result.dialogs.resize(1);
  result.popups.resize(1);
  result.downloads.resize(1);
  result.consents.resize(1);
  result.interactions.resize(1);
  result.tracker_events.resize(1);
  result.pii_leaks.resize(1);
  result.fingerprints.resize(1);
  result.session_recorders.resize(1);
  result.site_summary.emplace();
  std::vector<std::string> written, listed;
  ForEachRecord(result, [&](const auto& r) {
    written.emplace_back(FieldTable<std::decay_t<decltype(r)>>::kType);
  });
  ForEachRecordType([&](const auto& r) {
    listed.emplace_back(FieldTable<std::decay_t<decltype(r)>>::kType);
  });
  CHECK(written == listed);
}

}  // namespace
}  // namespace worker
