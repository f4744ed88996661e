// ScriptedTransport: a cdp::Transport for unit tests. The test delivers
// incoming messages (Deliver) and closes (Drop) by hand, and reads what was
// sent (sent, IdOf). Single-threaded, like the transport it stands in for.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/transport.h"

namespace testing_support {

class ScriptedTransport final : public cdp::Transport {
 public:
  void Send(std::string message) override {
    if (!closed_) sent.push_back(std::move(message));
  }
  void Close() override { closed_ = true; }
  void Deliver(std::string_view message) { on_message(message); }
  void Drop(cdp::CloseInfo info) { on_close(info); }

  // The "id" of the n-th sent command (0-based).
  int64_t IdOf(size_t n) const {
    const std::string& m = sent.at(n);
    const size_t at = m.find("\"id\":");
    return std::stoll(m.substr(at + 5));
  }
  std::vector<std::string> sent;

 private:
  bool closed_ = false;
};

}  // namespace testing_support
