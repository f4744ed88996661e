// cdp::Connection's router: the input is what the browser sends, one CDP
// message a line (as in tests/fixtures/cdp/*.jsonl). Each message is parsed
// (envelope, then the event's params), routed to a pending command, a
// session or the browser, and handled as the TargetManager would: an
// attachedToTarget creates its session, a detachedFromTarget destroys it.
// Commands 1-32 are pending, and a result is decoded as the command that
// id has in cdp_page_load.jsonl. Nothing the browser sends may crash the
// process or leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "cdp/connection.h"
#include "cdp/protocol/decode.h"
#include "tests/support/fake_loop.h"
#include "tests/support/scripted_transport.h"

namespace {

using namespace cdp::protocol;

constexpr int kPendingCommands = 32;

// What the transcript's command `id` was, so that its result is decoded the
// same way; the others read as Runtime.evaluate results.
void DecodeResultOf(int id, const std::string& json) {
  switch (id) {
    case 1: (void)DecodeBrowserGetVersion(json); break;
    case 2: (void)DecodeCreateBrowserContext(json); break;
    case 3: (void)DecodeCreateTarget(json); break;
    case 14: case 23: (void)DecodeNavigate(json); break;
    case 17: (void)DecodeGetRequestPostData(json); break;
    case 18: (void)DecodeGetCookies(json); break;
    default: (void)DecodeEvaluate(json); break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  testing_support::FakeLoop loop;
  testing_support::ScriptedTransport transport;
  cdp::Connection connection(transport, loop, common::Duration(30000));
  connection.on_event = [&](const Event& event) {
    if (const auto* attached = std::get_if<AttachedToTarget>(&event)) {
      if (connection.FindSession(attached->session_id) != nullptr) return;
      cdp::Session& session = connection.CreateSession(attached->session_id);
      session.On(cdp::Session::kAllEvents, [&connection, &session](const Event& e) {
        // A target that goes away mid-dispatch (Inspector.detached) is destroyed from its own handler.
        if (std::holds_alternative<InspectorDetached>(e)) connection.DestroySession(session.id());
      });
      session.On("Network", [](const Event&) {});
    } else if (const auto* detached = std::get_if<DetachedFromTarget>(&event)) {
      if (connection.FindSession(detached->session_id) != nullptr) connection.DestroySession(detached->session_id);
    }
  };
  for (int id = 1; id <= kPendingCommands; ++id) {
    connection.Send("Fuzz.command", "{}", [id](common::Result<std::string> result) {
      if (result.ok()) DecodeResultOf(id, *result);
    });
  }
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const size_t newline = input.find('\n');
    transport.Deliver(input.substr(0, newline));
    loop.RunPosted();  // destroyed sessions are freed on the loop's next turn
    if (newline == std::string_view::npos) break;
    input.remove_prefix(newline + 1);
  }
  loop.Advance(common::Duration(60000));  // what is still pending times out
  return 0;
}
