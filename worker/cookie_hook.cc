#include "worker/cookie_hook.h"

#include <vector>

namespace worker {
namespace {

// Chromium installs the binding in a new document after this hook has run,
// so it is looked up at the first report, then taken off the globals. The
// setters are wrapped in Proxies so they keep their native names and
// toString. The stack is read from an Error: the first URL frame that is not
// the hook itself is the writer.
constexpr const char* kHookTemplate = R"JS((() => {
  const name = "@BINDING@";
  let binding = null;
  const send = (message) => {
    if (!binding && typeof globalThis[name] === "function") {
      binding = globalThis[name];
      try { delete globalThis[name]; } catch (e) {}
    }
    if (binding) binding(message);
  };
  const stackUrls = () => {
    const out = [];
    const re = /((?:https?|file|blob|chrome-extension):\/\/[^\s)]+?):\d+:\d+/g;
    let m; const s = String(new Error().stack || "");
    while ((m = re.exec(s)) !== null) if (!out.includes(m[1])) out.push(m[1]);
    return out;
  };
  const report = (api, cookie) => {
    try { send([api, String(location.href), String(cookie), stackUrls().join("\x1e")].join("\x1f")); } catch (e) {}
  };
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (desc && desc.set) {
    Object.defineProperty(Document.prototype, "cookie", {
      configurable: true, enumerable: desc.enumerable, get: desc.get,
      set: new Proxy(desc.set, { apply(target, self, args) {
        report("document.cookie", args[0]); return Reflect.apply(target, self, args); } }),
    });
  }
  if (typeof CookieStore !== "undefined" && CookieStore.prototype.set) {
    CookieStore.prototype.set = new Proxy(CookieStore.prototype.set, { apply(target, self, args) {
      const a = args[0];
      report("cookieStore", (a && typeof a === "object") ? `${a.name}=${a.value}` : `${a}=${args[1]}`);
      return Reflect.apply(target, self, args); } });
  }
})();)JS";

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

}  // namespace

std::string CookieHookSource(std::string_view binding) {
  std::string source = kHookTemplate;
  const std::string marker = "@BINDING@";
  source.replace(source.find(marker), marker.size(), binding);
  return source;
}

std::optional<CookieWriteRecord> ParseCookieHookPayload(std::string_view payload) {
  auto fields = Split(payload, '\x1f');
  if (fields.size() != 4) return std::nullopt;
  if (fields[0] != "document.cookie" && fields[0] != "cookieStore") return std::nullopt;
  CookieWriteRecord write;
  write.api = fields[0];
  write.frame_url = fields[1];
  write.cookie = fields[2];
  if (!fields[3].empty()) {
    for (auto url : Split(fields[3], '\x1e')) {
      if (!url.empty()) write.stack_urls.emplace_back(url);
    }
  }
  if (!write.stack_urls.empty()) write.script_url = write.stack_urls.front();
  return write;
}

}  // namespace worker
