#include "worker/interact/interaction_script.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace worker::interact {
namespace {

// Runs in an isolated world of each frame (Page.createIsolatedWorld): the
// page cannot see or tamper with it, while the DOM, its events and the
// native value setter are shared with the page's own world.
//
// Typing: char by char, keydown/keypress/beforeinput/input/keyup per char,
// the value set through HTMLInputElement's native setter (React keeps a value
// tracker on the element in the page's world; the native setter bypasses it,
// so React sees the change on `input`), then change and blur. Never Enter,
// never form.submit().
//
// Clicking: pointer and mouse events at the element's centre, then `click`.
// A one-off listener added last on window, bubble phase, cancels the default
// action (following a link, submitting a form), so the page's own listeners
// and trackers still see the click as the user's. A page listener that stops
// propagation hides the click from that listener; a capturing `submit`
// listener on window then still cancels the form's submission. A page
// handler that navigates by script (location.href = ...) is not stopped: the
// visit records that navigation like any other.
//
// Every submit event seen while the guard is installed (from our click, or
// the page's own script reacting to our input) is cancelled and reported.
constexpr const char* kSource = R"JS((config) => {
  const wall = () => Date.now() / 1000;
  const clean = (s, n) => String(s == null ? "" : s).replace(/\s+/g, " ").trim()
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "$1\uFFFD")
      .slice(0, n || 200);
  const lower = (s) => clean(s, 1000).toLowerCase();
  const valueSetter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
  const pending = [];
  const clicked = new WeakSet();
  let clicks = 0;

  const selectorOf = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 3; e = e.parentElement) {
      let part = e.localName;
      if (e.id) { parts.unshift(part + "#" + e.id); break; }
      const name = e.getAttribute("name");
      if (name) part += "[name=\"" + name + "\"]";
      else if (e.parentElement) {
        const same = Array.from(e.parentElement.children).filter((c) => c.localName === e.localName);
        if (same.length > 1) part += ":nth-of-type(" + (same.indexOf(e) + 1) + ")";
      }
      parts.unshift(part);
    }
    return clean(parts.join(" > "), 200);
  };
  const describe = (el) => ({
    tag: el.localName, id: el.id || null, name: el.getAttribute("name"),
    input_type: el.localName === "input" ? (el.getAttribute("type") || "text").toLowerCase() : null,
    selector: selectorOf(el),
  });
  const action = (kind, el, extra) => Object.assign({
    action: kind, field_kind: null, button_text: null, value: null, wall_time: wall(), ok: true, error: null,
  }, describe(el), extra);

  const onSubmit = (e) => {
    e.preventDefault();
    const form = e.target;
    pending.push(action("submit", form && form.nodeType === 1 ? form : document.documentElement, {}));
  };
  window.addEventListener("submit", onSubmit, true);

  const visible = (el) => {
    if (!el.isConnected || el.disabled) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    const s = getComputedStyle(el);
    return s.visibility !== "hidden" && s.display !== "none" && Number(s.opacity) > 0;
  };
  const labelText = (el) => {
    const texts = [];
    if (el.labels) for (const l of el.labels) texts.push(l.textContent);
    const by = el.getAttribute("aria-labelledby");
    if (by) for (const id of by.split(/\s+/)) { const l = document.getElementById(id); if (l) texts.push(l.textContent); }
    return texts.join(" ");
  };
  const SKIP_TYPES = new Set(["password", "hidden", "file", "checkbox", "radio", "submit", "button", "image",
                              "reset", "range", "color", "date", "datetime-local", "month", "week", "time"]);
  const CARD = /(^|[^a-z])(cc-|card|cvv|cvc|csc|iban|expir|security.?code)/;
  const kindOf = (el) => {
    const type = (el.getAttribute("type") || "text").toLowerCase();
    if (SKIP_TYPES.has(type)) return null;
    const auto = lower(el.getAttribute("autocomplete"));
    const text = lower([el.getAttribute("name"), el.id, auto, el.getAttribute("placeholder"),
                        el.getAttribute("aria-label"), labelText(el)].join(" "));
    if (CARD.test(auto) || CARD.test(text) || /password|passwd/.test(text)) return null;
    if (/(^| )email( |$)/.test(auto) || type === "email") return "email";
    if (/(^| )tel(-national)?( |$)/.test(auto) || type === "tel") return "phone";
    if (/given-name/.test(auto)) return "first_name";
    if (/family-name/.test(auto)) return "last_name";
    if (/postal-code/.test(auto)) return "postcode";
    if (type === "search" || el.getAttribute("role") === "searchbox") return "search";
    if (/e-?mail/.test(text)) return "email";
    if (/phone|mobile|(^|[^a-z])(tel|cell)([^a-z]|$)/.test(text)) return "phone";
    if (/first|given|fname|forename/.test(text)) return "first_name";
    if (/last|family|surname|lname/.test(text)) return "last_name";
    if (/zip|postal|post.?code/.test(text)) return "postcode";
    if (/search|query|keyword|(^|[^a-z])q([^a-z]|$)/.test(text)) return "search";
    if (/company|organi[sz]ation|business|user/.test(text)) return null;
    if (/(^|[^a-z])(full.?)?name([^a-z]|$)/.test(text)) return "full_name";
    return null;
  };
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const key = (el, type, ch) => el.dispatchEvent(new KeyboardEvent(type, {
    key: ch, code: /[a-z]/i.test(ch) ? "Key" + ch.toUpperCase() : /[0-9]/.test(ch) ? "Digit" + ch : "",
    bubbles: true, cancelable: true, composed: true, view: window }));
  const typeInto = async (el, text) => {
    el.focus();
    valueSetter.call(el, "");
    let value = "";
    for (const ch of text) {
      key(el, "keydown", ch);
      key(el, "keypress", ch);
      el.dispatchEvent(new InputEvent("beforeinput", { inputType: "insertText", data: ch, bubbles: true, cancelable: true, composed: true }));
      value += ch;
      valueSetter.call(el, value);
      el.dispatchEvent(new InputEvent("input", { inputType: "insertText", data: ch, bubbles: true, composed: true }));
      key(el, "keyup", ch);
      if (config.char_delay_ms > 0) await sleep(config.char_delay_ms);
    }
    el.dispatchEvent(new Event("change", { bubbles: true }));
    el.blur();
  };

  const textOf = (el) => clean(el.localName === "input" ? (el.value || el.getAttribute("aria-label"))
                                                        : (el.innerText || el.getAttribute("aria-label") || el.title), 100);
  const wordRe = (w) => new RegExp("(^|[^a-z])" + w.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "([^a-z]|$)");
  const allow = config.click_words.map(wordRe);
  const deny = config.never_click_words.map(wordRe);
  const hrefPath = (el) => { try { return el.href ? new URL(el.href, location.href).pathname : ""; } catch (e) { return ""; } };
  const candidate = (el) => {
    if (clicked.has(el) || !visible(el)) return null;
    const text = textOf(el);
    const all = lower([text, el.getAttribute("aria-label"), el.id, hrefPath(el).replace(/[/_-]/g, " ")].join(" "));
    if (!text || deny.some((re) => re.test(all))) return null;
    return allow.some((re) => re.test(lower(text))) ? text : null;
  };
  const fire = (el, type, x, y, Ctor) => el.dispatchEvent(new Ctor(type, {
    bubbles: true, cancelable: true, composed: true, view: window, clientX: x, clientY: y,
    button: 0, buttons: type.endsWith("down") ? 1 : 0, detail: 1, pointerType: "mouse", isPrimary: true }));

  const cancel = (e) => e.preventDefault();
  const report = (actions, done) => ({ frame_url: location.href, actions: actions.concat(pending.splice(0)), done });
  globalThis.__trackscanInteract = {
    async type() {
      const actions = [];
      const inputs = Array.from(document.querySelectorAll("input, [role=searchbox]"));
      for (const el of inputs) {
        if (!(el instanceof HTMLInputElement) || !visible(el) || el.readOnly) continue;
        const kind = kindOf(el);
        if (!kind) continue;
        const value = config.canary[kind];
        const a = action("type", el, { field_kind: kind, value });
        try { await typeInto(el, value); } catch (e) { a.ok = false; a.error = clean(e && e.message, 200); }
        actions.push(a);
      }
      return report(actions, true);
    },
    clickNext() {
      if (clicks >= config.max_clicks) return report([], true);
      const all = document.querySelectorAll("button, input[type=submit], input[type=button], a[href], [role=button]");
      for (const el of all) {
        const text = candidate(el);
        if (!text) continue;
        clicked.add(el);
        clicks++;
        const a = action("click", el, { button_text: text });
        try {
          el.scrollIntoView({ block: "center", inline: "center" });
          const r = el.getBoundingClientRect();
          const x = r.left + r.width / 2, y = r.top + r.height / 2;
          window.addEventListener("click", cancel);
          fire(el, "pointerdown", x, y, PointerEvent);
          fire(el, "mousedown", x, y, MouseEvent);
          if (el.focus) el.focus();
          fire(el, "pointerup", x, y, PointerEvent);
          fire(el, "mouseup", x, y, MouseEvent);
          fire(el, "click", x, y, MouseEvent);
        } catch (e) { a.ok = false; a.error = clean(e && e.message, 200); }
        window.removeEventListener("click", cancel);
        return report([a], false);
      }
      return report([], true);
    },
    finish() {
      window.removeEventListener("submit", onSubmit, true);
      return report([], true);
    },
  };
  return true;
})JS";

void WriteStrings(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::vector<std::string>& list) {
  w.StartArray();
  for (const auto& s : list) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

}  // namespace

std::string InstallExpression(const InteractOptions& options) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto str = [&](const char* key, const std::string& v) {
    w.Key(key);
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  const CanaryIdentity& c = options.canary;
  w.StartObject();
  w.Key("canary");
  w.StartObject();
  str("email", c.email);
  str("phone", c.phone);
  str("first_name", c.first_name);
  str("last_name", c.last_name);
  str("full_name", c.first_name + " " + c.last_name);
  str("postcode", c.postcode);
  str("search", c.search_term);
  w.EndObject();
  w.Key("click_words");
  WriteStrings(w, options.click_words);
  w.Key("never_click_words");
  WriteStrings(w, options.never_click_words);
  w.Key("max_clicks");
  w.Int(options.max_clicks);
  w.Key("char_delay_ms");
  w.Int(options.char_delay_ms);
  w.EndObject();
  return std::string("(") + kSource + ")(" + std::string(buffer.GetString(), buffer.GetSize()) + ")";
}

std::string TypeExpression() { return "globalThis.__trackscanInteract.type()"; }
std::string ClickNextExpression() { return "globalThis.__trackscanInteract.clickNext()"; }
std::string FinishExpression() { return "globalThis.__trackscanInteract.finish()"; }

}  // namespace worker::interact
