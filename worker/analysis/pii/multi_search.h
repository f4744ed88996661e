// Finds every occurrence of many byte strings in one pass over a text: an
// Aho-Corasick automaton with a full transition table over byte classes
// (bytes no pattern uses share class 0, so the table stays ~70 columns wide).
// Chosen over RE2::Set because the search needs every hit's position (for
// word bounds, the parameter and the evidence), which RE2::Set does not give,
// and over a first-bytes index because patterns as short as 3 bytes must be
// found too. Immutable after construction; Search is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace worker::pii {

class MultiSearch {
 public:
  struct Hit {
    size_t pattern;  // index into the constructor's patterns
    size_t begin;    // byte offset of the first byte in the text
  };
  // Empty patterns are ignored.
  explicit MultiSearch(const std::vector<std::string>& patterns);
  // Every hit, overlapping ones included, ordered by end offset.
  std::vector<Hit> Search(std::string_view text) const;
  size_t states() const { return output_.size(); }

 private:
  uint8_t class_of_[256] = {};
  int32_t classes_ = 1;
  std::vector<int32_t> delta_;       // while building: state * classes_ + class -> state
  std::vector<int32_t> table_;       // built: the same entries as (state * classes_) << 1 | reports-a-pattern
  std::vector<int32_t> output_;      // state -> pattern ending here, or -1
  std::vector<int32_t> dict_link_;   // state -> nearest proper suffix state with an output, or -1
  std::vector<uint32_t> lengths_;    // pattern -> length
};

}  // namespace worker::pii
