// FieldTable<T>: the JSON form of a record type as data, one (json name,
// member pointer) entry per field in output order. The JSON kind of a field
// follows from its member's C++ type (string, bool, number, optional -> null,
// string list, pair list, map, nested table), so a table cannot disagree with
// its struct. The tables are in record_tables.h; record_json.cc walks them and
// record_tables_test.cc checks them against schemas/. Compile-time constants:
// any thread, no errors.
#pragma once

#include <string_view>
#include <tuple>
#include <vector>

namespace worker {

// One field: its JSON name and where it sits in T.
template <typename T, typename Member>
struct FieldSpec {
  using MemberType = Member;
  const char* name;  // a string literal: RapidJSON's Key() wants it NUL-terminated
  Member T::*member;
};

template <typename T, typename Member>
constexpr FieldSpec<T, Member> Field(const char* name, Member T::*member) {
  return {name, member};
}

// Specialized in record_tables.h for every serialized struct. A record type
// (one JSON line, one schema) also has `kType`, the value of its "type" key.
template <typename T>
struct FieldTable;

template <typename T>
concept HasFieldTable = requires { FieldTable<T>::kFields; };

template <typename T>
concept IsRecordType = HasFieldTable<T> && requires { FieldTable<T>::kType; };

// Calls fn(spec) for each field of T, in output order.
template <HasFieldTable T, typename Fn>
constexpr void ForEachField(Fn&& fn) {
  std::apply([&fn](const auto&... spec) { (fn(spec), ...); }, FieldTable<T>::kFields);
}

// The JSON names of T's fields, in output order.
template <HasFieldTable T>
std::vector<std::string_view> FieldNames() {
  std::vector<std::string_view> names;
  ForEachField<T>([&names](const auto& spec) { names.emplace_back(spec.name); });
  return names;
}

}  // namespace worker
