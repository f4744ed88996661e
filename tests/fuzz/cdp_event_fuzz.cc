// cdp/protocol's decoders. The input's first line names a CDP event or a
// command whose result is decoded ("Network.requestWillBeSent",
// "Runtime.evaluate", ...); the rest is its params or result JSON. A page
// controls every byte Chromium reports, so no input may crash, leak or read
// out of bounds; and since simdjson validates UTF-8 (and refuses lone
// surrogates), every string a decoder hands on must be valid UTF-8.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "cdp/protocol/decode.h"

namespace {

using namespace cdp::protocol;

void CheckUtf8(std::string_view s) {
  if (!simdjson::validate_utf8(s.data(), s.size())) std::abort();
}
void CheckUtf8(const std::optional<std::string>& s) {
  if (s) CheckUtf8(std::string_view(*s));
}
void CheckUtf8(const std::string& s) { CheckUtf8(std::string_view(s)); }
void CheckUtf8(const Headers& headers) {
  for (const auto& [name, value] : headers) {
    CheckUtf8(name);
    CheckUtf8(value);
  }
}
void CheckUtf8(const Cookie& c) {
  for (const std::string* s : {&c.name, &c.value, &c.domain, &c.path, &c.same_site, &c.partition_key}) CheckUtf8(*s);
}

// The strings of the events most made of page-controlled text.
void CheckEvent(const Event& event) {
  std::visit([](const auto& e) {
    using T = std::decay_t<decltype(e)>;
    if constexpr (std::is_same_v<T, RequestWillBeSent>) {
      CheckUtf8(e.request.url);
      CheckUtf8(e.request.headers);
      CheckUtf8(e.request.post_data);
      for (const std::string& url : e.initiator.stack_urls) CheckUtf8(url);
      if (e.redirect_response) CheckUtf8(e.redirect_response->headers);
    } else if constexpr (std::is_same_v<T, ResponseReceivedExtraInfo>) {
      CheckUtf8(e.headers);
      for (const auto& b : e.blocked_cookies) CheckUtf8(b.cookie_line);
    } else if constexpr (std::is_same_v<T, RequestWillBeSentExtraInfo>) {
      CheckUtf8(e.headers);
      for (const auto& a : e.associated_cookies) CheckUtf8(a.cookie);
    } else if constexpr (std::is_same_v<T, WebSocketFrame>) {
      CheckUtf8(e.payload);
    } else if constexpr (std::is_same_v<T, BindingCalled>) {
      CheckUtf8(e.payload);
    } else if constexpr (std::is_same_v<T, JavascriptDialogOpening>) {
      CheckUtf8(e.message);
    }
  }, event);
}

void DecodeResult(std::string_view method, std::string_view json) {
  if (method == "Browser.getVersion") {
    (void)DecodeBrowserGetVersion(json);
  } else if (method == "Target.createBrowserContext") {
    (void)DecodeCreateBrowserContext(json);
  } else if (method == "Target.createTarget") {
    (void)DecodeCreateTarget(json);
  } else if (method == "Network.getRequestPostData") {
    if (auto r = DecodeGetRequestPostData(json); r.ok()) CheckUtf8(r->data);
  } else if (method == "Storage.getCookies") {
    if (auto r = DecodeGetCookies(json); r.ok()) {
      for (const Cookie& c : *r) CheckUtf8(c);
    }
  } else if (method == "Page.navigate") {
    (void)DecodeNavigate(json);
  } else if (method == "Runtime.evaluate") {
    if (auto r = DecodeEvaluate(json); r.ok()) {
      CheckUtf8(r->value_json);
      CheckUtf8(r->string_value);
      CheckUtf8(r->exception_text);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view method = input.substr(0, newline);
  const std::string_view json = input.substr(newline + 1);
  if (IsKnownEvent(method)) {
    if (auto event = DecodeEvent(method, json); event.ok()) CheckEvent(*event);
  } else {
    DecodeResult(method, json);
  }
  return 0;
}
