#include "worker/analysis/pii/text_scan.h"

#include <algorithm>
#include <cctype>

#include "common/strings.h"
#include "common/url.h"
#include "worker/analysis/pii/needles.h"

namespace worker::pii {
namespace {

bool IsNameEnd(char c) {
  return c == '&' || c == '?' || c == ';' || c == ',' || c == '{' || c == '"' || c == '\'' ||
         std::isspace(static_cast<unsigned char>(c));
}

bool IsPlausibleName(std::string_view name) { return !name.empty() && name.size() <= 64; }

// " words like this " from any text: lower-case alphanumeric runs, one space apart.
std::string Words(std::string_view text) {
  std::string out = " ";
  for (unsigned char c : common::PercentDecode(text)) {
    if (std::isalnum(c) || c >= 0x80) {
      out += static_cast<char>(std::tolower(c));
    } else if (out.back() != ' ') {
      out += ' ';
    }
  }
  if (out.back() != ' ') out += ' ';
  return out;
}

}  // namespace

namespace {

constexpr size_t kMaxLookBack = 1024;

bool IsStop(char c) {
  return c == '&' || c == '?' || c == ',' || c == '{' || c == '}' || c == '<' || c == '>' || c == '\n' || c == '\r';
}

bool IsMark(std::string_view text, size_t i) {
  char c = text[i];
  return c == '=' || (c == ':' && i >= 2 && text[i - 1] == '"') || IsStop(c);
}

// The parameter named by the mark at `i` (see ParameterAt).
std::optional<std::string> NameAtMark(std::string_view text, size_t i) {
  if (IsStop(text[i])) return std::nullopt;
  std::string_view name;
  if (text[i] == '=') {
    size_t j = i;
    while (j > 0 && !IsNameEnd(text[j - 1])) --j;
    name = text.substr(j, i - j);
  } else {
    size_t open = text.rfind('"', i - 2);
    if (open == std::string_view::npos) return std::nullopt;
    name = text.substr(open + 1, i - 2 - open);
  }
  return IsPlausibleName(name) ? std::optional<std::string>(name) : std::nullopt;
}

}  // namespace

std::optional<std::string> ParameterAt(std::string_view text, size_t pos) {
  size_t stop = pos > kMaxLookBack ? pos - kMaxLookBack : 0;
  for (size_t i = pos; i-- > stop;) {
    if (IsMark(text, i)) return NameAtMark(text, i);
  }
  return std::nullopt;
}

ParameterIndex::ParameterIndex(std::string_view text) : text_(text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsMark(text, i)) marks_.push_back(i);
  }
}

std::optional<std::string> ParameterIndex::At(size_t pos) const {
  auto it = std::lower_bound(marks_.begin(), marks_.end(), pos);  // first mark at or after pos
  if (it == marks_.begin()) return std::nullopt;
  size_t mark = *--it;
  if (pos - mark > kMaxLookBack) return std::nullopt;
  return NameAtMark(text_, mark);
}

void ForEachParam(std::string_view text, const std::function<void(std::string_view, std::string_view)>& fn) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of("&\n", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(start, end - start);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && eq > 0) fn(pair.substr(0, eq), pair.substr(eq + 1));
    start = end + 1;
  }
}

std::vector<std::string> SensitiveTermsIn(std::string_view text, const std::vector<std::string>& terms) {
  std::string words = Words(text);
  std::vector<std::string> found;
  for (const std::string& term : terms) {
    std::string needle = Words(term);
    if (needle.size() > 2 && words.find(needle) != std::string::npos) found.push_back(term);
  }
  return found;
}

std::vector<std::string> SensitiveTermsInUrl(std::string_view url, const std::vector<std::string>& terms) {
  auto parsed = common::ParseUrl(url);
  if (!parsed.ok()) return SensitiveTermsIn(url, terms);
  return SensitiveTermsIn(parsed.value().path + " " + parsed.value().query, terms);
}

}  // namespace worker::pii
