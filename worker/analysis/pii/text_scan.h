// Small text helpers of the leak search: which parameter a hit sits in,
// query / form parameters, and sensitive words in a URL or title.
// Pure functions; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace worker::pii {

// The name of the parameter whose value contains offset `pos` of `text`:
// `name=` of a query, form or cookie string (the name runs back to & ? ; , {
// quote or white space), or `"name":` of JSON, whichever comes first looking
// back from `pos` (at most 1 KB). nullopt when `pos` is in no value: a path,
// an array element after a comma, markup (a '<', '>' or line end comes first).
std::optional<std::string> ParameterAt(std::string_view text, size_t pos);

// ParameterAt for many positions of one text: one pass over the text records
// where each '=', '"name":' and stop character is, then each lookup is a
// binary search. Borrows `text`, which must outlive it.
class ParameterIndex {
 public:
  explicit ParameterIndex(std::string_view text);
  ParameterIndex(std::string&&, size_t) = delete;
  std::optional<std::string> At(size_t pos) const;

 private:
  std::string_view text_;
  std::vector<size_t> marks_;  // offsets of '=', of ':' after '"', and of stop characters
};

// Calls `fn(name, raw_value)` for each `name=value` of a query or form body
// (split on '&' and line ends; no decoding).
void ForEachParam(std::string_view text, const std::function<void(std::string_view, std::string_view)>& fn);

// The terms of `terms` that occur in `text` as whole words, case-insensitive:
// the text is percent-decoded, lower-cased and every run of non-alphanumerics
// becomes one space ("breast-cancer_screening" has the word "cancer"); a
// multi-word term matches across any separators ("birth-control"). In list order.
std::vector<std::string> SensitiveTermsIn(std::string_view text, const std::vector<std::string>& terms);
// The same for a URL's path and query only (the host is not page content).
std::vector<std::string> SensitiveTermsInUrl(std::string_view url, const std::vector<std::string>& terms);

}  // namespace worker::pii
