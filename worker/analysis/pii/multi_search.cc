#include "worker/analysis/pii/multi_search.h"

#include <deque>

namespace worker::pii {

MultiSearch::MultiSearch(const std::vector<std::string>& patterns) {
  for (const std::string& p : patterns) {
    for (unsigned char c : p) {
      if (class_of_[c] == 0) class_of_[c] = static_cast<uint8_t>(classes_++);
    }
    lengths_.push_back(static_cast<uint32_t>(p.size()));
  }
  // The trie, in delta_ with 0 for "no edge" (the root is never a child).
  // Reserved whole: growing a table of megabytes step by step cost more than the search.
  size_t max_states = 1;
  for (const std::string& p : patterns) max_states += p.size();
  delta_.reserve(max_states * classes_);
  output_.reserve(max_states);
  delta_.assign(classes_, 0);
  output_.assign(1, -1);
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (patterns[i].empty()) continue;
    int32_t state = 0;
    for (unsigned char c : patterns[i]) {
      int32_t& edge = delta_[state * classes_ + class_of_[c]];
      if (edge == 0) {
        edge = static_cast<int32_t>(output_.size());
        output_.push_back(-1);
        delta_.resize(delta_.size() + classes_, 0);
      }
      state = delta_[state * classes_ + class_of_[c]];
    }
    if (output_[state] < 0) output_[state] = static_cast<int32_t>(i);  // duplicates: the first wins
  }
  // Breadth-first: failure links, dictionary links, and missing edges filled
  // with the failure state's, which makes delta_ a complete automaton.
  std::vector<int32_t> fail(output_.size(), 0);
  dict_link_.assign(output_.size(), -1);
  std::deque<int32_t> queue;
  for (int32_t c = 0; c < classes_; ++c) {
    if (delta_[c] != 0) queue.push_back(delta_[c]);
  }
  while (!queue.empty()) {
    int32_t s = queue.front();
    queue.pop_front();
    int32_t f = fail[s];
    dict_link_[s] = output_[f] >= 0 ? f : dict_link_[f];
    for (int32_t c = 0; c < classes_; ++c) {
      int32_t& edge = delta_[s * classes_ + c];
      if (edge != 0) {
        fail[edge] = delta_[f * classes_ + c];
        queue.push_back(edge);
      } else {
        edge = delta_[f * classes_ + c];
      }
    }
  }
  // The search loop's table, made in place: each entry becomes the target's
  // row offset, shifted left, with bit 0 set when the target reports a pattern.
  for (int32_t& entry : delta_) {
    bool reports = output_[entry] >= 0 || dict_link_[entry] >= 0;
    entry = ((entry * classes_) << 1) | (reports ? 1 : 0);
  }
  table_ = std::move(delta_);
}

std::vector<MultiSearch::Hit> MultiSearch::Search(std::string_view text) const {
  std::vector<Hit> hits;
  const int32_t* table = table_.data();
  const uint8_t* class_of = class_of_;
  int32_t entry = 0;  // the root's row, no output
  for (size_t i = 0; i < text.size(); ++i) {
    entry = table[(entry >> 1) + class_of[static_cast<unsigned char>(text[i])]];
    if ((entry & 1) == 0) continue;
    int32_t state = (entry >> 1) / classes_;
    for (int32_t s = output_[state] >= 0 ? state : dict_link_[state]; s >= 0; s = dict_link_[s]) {
      size_t p = static_cast<size_t>(output_[s]);
      hits.push_back({p, i + 1 - lengths_[p]});
    }
  }
  return hits;
}

}  // namespace worker::pii
