#include "worker/analysis/classify/filter_internal.h"

namespace worker::classify {
namespace {

using filter_detail::IsSeparator;
constexpr size_t kNoMatch = std::string_view::npos;

// Matches `seg` (no '*') at url[pos...]; the end of the match or kNoMatch.
// '^' at the URL's end matches nothing, zero-width.
size_t MatchSegmentAt(std::string_view seg, std::string_view url, size_t pos) {
  for (char c : seg) {
    if (c == '^') {
      if (pos == url.size()) continue;
      if (!IsSeparator(url[pos])) return kNoMatch;
    } else if (pos == url.size() || url[pos] != c) {
      return kNoMatch;
    }
    ++pos;
  }
  return pos;
}

// Leftmost start >= from where `seg` matches; sets `end`.
size_t FindSegment(std::string_view seg, std::string_view url, size_t from, size_t& end) {
  size_t lit = seg.find('^');
  std::string_view head = seg.substr(0, lit);  // literal prefix, for find()
  for (size_t p = from; p <= url.size();) {
    if (!head.empty()) {
      p = url.find(head, p);
      if (p == kNoMatch) return kNoMatch;
    }
    end = MatchSegmentAt(seg, url, p);
    if (end != kNoMatch) return p;
    ++p;
  }
  return kNoMatch;
}

// Segments [i, n) from `pos`; the first one at exactly `pos` when `anchored`.
bool MatchFrom(const Pattern& p, std::string_view url, size_t pos, bool anchored) {
  const size_t n = p.segments.size();
  for (size_t i = 0; i < n; ++i) {
    std::string_view seg = p.segments[i];
    const bool last = i + 1 == n;
    if (i == 0 && anchored) {
      size_t end = MatchSegmentAt(seg, url, pos);
      if (end == kNoMatch || (last && p.anchor_end && end != url.size())) return false;
      pos = end;
      continue;
    }
    size_t end = 0;
    size_t start = FindSegment(seg, url, pos, end);
    if (last && p.anchor_end) {  // must end at the URL's end: try later starts
      while (start != kNoMatch && end != url.size()) start = FindSegment(seg, url, start + 1, end);
    }
    if (start == kNoMatch) return false;
    pos = end;
  }
  return true;
}

}  // namespace

Pattern ParsePattern(std::string_view raw) {
  Pattern p;
  if (raw.starts_with("||")) {
    p.anchor_host = true;
    raw.remove_prefix(2);
  } else if (raw.starts_with('|')) {
    p.anchor_start = true;
    raw.remove_prefix(1);
  }
  if (raw.ends_with('|')) {
    p.anchor_end = true;
    raw.remove_suffix(1);
  }
  // A leading or trailing '*' lifts the anchor on that side.
  if (raw.starts_with('*')) p.anchor_start = p.anchor_host = false;
  if (raw.ends_with('*')) p.anchor_end = false;
  std::string cur;
  for (char c : raw) {
    if (c == '*') {
      if (!cur.empty()) p.segments.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) p.segments.push_back(std::move(cur));
  return p;
}

bool MatchPattern(const Pattern& p, std::string_view url, size_t host_begin, size_t host_end) {
  if (p.segments.empty()) return true;  // "", "*", "|", "||": everything
  if (p.anchor_host) {
    for (size_t pos = host_begin; pos < host_end; ++pos) {
      if ((pos == host_begin || url[pos - 1] == '.') && MatchFrom(p, url, pos, true)) return true;
    }
    return false;
  }
  if (p.anchor_start) return MatchFrom(p, url, 0, true);
  return MatchFrom(p, url, 0, false);
}

std::vector<std::string> PatternTokens(const Pattern& p) {
  std::vector<std::string> out;
  const size_t n = p.segments.size();
  for (size_t i = 0; i < n; ++i) {
    const std::string& seg = p.segments[i];
    // Segment edges touch '*' unless they are the pattern's anchored ends.
    const bool left_bounded = i == 0 && (p.anchor_start || p.anchor_host);
    const bool right_bounded = i + 1 == n && p.anchor_end;
    filter_detail::ForEachToken(seg, [&](size_t a, size_t b) {
      if ((a > 0 || left_bounded) && (b < seg.size() || right_bounded)) out.push_back(seg.substr(a, b - a));
    });
  }
  return out;
}

std::vector<std::string> RegexTokens(std::string_view re) {
  // Literal runs: a char is literal when unescaped and not a metacharacter,
  // or an escaped punctuation mark; a run ends at anything else, and a char
  // followed by a quantifier is optional, so it ends the run before it.
  std::vector<std::string> runs(1);
  int depth = 0;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    size_t next = i + 1;
    bool literal = false;
    if (c == '\\' && i + 1 < re.size()) {
      c = re[i + 1];
      next = i + 2;
      literal = !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    } else if (c == '[') {  // a class: skip to its end
      size_t j = i + 1;
      if (j < re.size() && re[j] == '^') ++j;
      if (j < re.size() && re[j] == ']') ++j;
      while (j < re.size() && re[j] != ']') j += re[j] == '\\' ? 2 : 1;
      next = j + 1;
    } else if (c == '{') {  // a counted repetition: its digits are no literals
      size_t j = re.find('}', i);
      next = j == std::string_view::npos ? re.size() : j + 1;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|') {
      if (depth == 0) return {};
    } else {
      literal = std::string_view(".*+?{}^$").find(c) == std::string_view::npos;
    }
    const bool quantified = next < re.size() && std::string_view("*+?{").find(re[next]) != std::string_view::npos;
    if (literal && depth == 0 && !quantified) {
      runs.back().push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    } else if (!runs.back().empty()) {
      runs.emplace_back();
    }
    i = next - 1;
  }
  std::vector<std::string> out;
  for (const std::string& run : runs) {
    filter_detail::ForEachToken(run, [&](size_t a, size_t b) {
      if (a > 0 && b < run.size()) out.push_back(run.substr(a, b - a));
    });
  }
  return out;
}

}  // namespace worker::classify
