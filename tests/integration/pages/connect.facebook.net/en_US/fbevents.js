// Fixture Meta pixel: the request shapes of fbevents.js (2.9.x) that the
// hospital and student-aid investigations documented, nothing more.
// - fbq("track", ev): GET https://www.facebook.com/tr/?id=&ev=&dl=&rl=&if=&ts=&sw=&sh=&v=&r=&ec=&o=&fbp=&it=&coo=&rqm=GET,
//   and the same query to /privacy_sandbox/pixel/register/trigger/ (a duplicate).
// - automatic events: a click on a button sends SubscribedButtonClick with
//   cd[buttonFeatures] (JSON), cd[buttonText] and cd[formFeatures] (JSON), by POST
//   (form-encoded, as fbevents does when the query grows long).
// - automatic advanced matching: a typed email is sent as udff[em] =
//   SHA-256 of its lower-cased, trimmed value, with every later event.
(function () {
  "use strict";
  const queue = (window.fbq && window.fbq.queue) || [];
  const started = Date.now();
  let pixelId = null, eventCount = 0;
  const userData = {};
  const fbp = "fb.1." + started + ".1122334455";
  document.cookie = "_fbp=" + fbp + "; path=/; max-age=7776000";

  function baseParams(ev) {
    return [["id", pixelId], ["ev", ev], ["dl", location.href], ["rl", document.referrer], ["if", "false"],
            ["ts", String(Date.now())], ["sw", String(screen.width)], ["sh", String(screen.height)],
            ["v", "2.9.180"], ["r", "stable"], ["ec", String(eventCount++)], ["o", "4126"], ["fbp", fbp],
            ["it", String(started)], ["coo", "false"]];
  }
  function withUserData(params) {
    for (const [key, value] of Object.entries(userData)) params.push(["udff[" + key + "]", value]);
    return params;
  }
  function encode(params) {
    return params.map(([k, v]) => encodeURIComponent(k) + "=" + encodeURIComponent(v)).join("&");
  }
  function track(ev, customData) {
    const params = withUserData(baseParams(ev));
    for (const [key, value] of Object.entries(customData || {})) params.push(["cd[" + key + "]", value]);
    params.push(["rqm", "GET"]);
    const query = encode(params);
    new Image().src = "https://www.facebook.com/tr/?" + query;
    new Image().src = "https://www.facebook.com/privacy_sandbox/pixel/register/trigger/?" + query;
  }
  function buttonClick(button) {
    const text = (button.innerText || button.value || "").trim();
    const form = button.form || button.closest("form");
    const formFeatures = form ? Array.from(form.elements).filter((e) => e.tagName === "INPUT").map((e) => ({
      id: e.id, name: e.name, tag: "input", inputType: e.type, placeholder: e.placeholder || ""})) : [];
    const params = withUserData(baseParams("SubscribedButtonClick"));
    params.push(["cd[buttonFeatures]", JSON.stringify({classList: button.className, destination: form ? form.action : "",
      id: button.id, imageUrl: "", innerText: text, numChildButtons: 0, tag: button.tagName.toLowerCase(),
      type: button.type || null, name: button.name || ""})]);
    params.push(["cd[buttonText]", text]);
    params.push(["cd[formFeatures]", JSON.stringify(formFeatures)]);
    params.push(["rqm", "formPOST"]);
    fetch("https://www.facebook.com/tr/", {method: "POST", mode: "no-cors", keepalive: true,
      headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: encode(params)});
  }
  async function sha256Hex(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  document.addEventListener("input", (e) => {
    const input = e.target;
    if (!(input instanceof HTMLInputElement)) return;
    if (input.type === "email" || /mail/i.test(input.name)) {
      const value = input.value.trim().toLowerCase();
      if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) sha256Hex(value).then((h) => { userData.em = h; });
    }
  }, true);
  document.addEventListener("click", (e) => {
    const button = e.target.closest && e.target.closest("button, input[type=submit], input[type=button], [role=button]");
    if (button) buttonClick(button);
  }, true);

  function fbq(command, ...args) {
    if (command === "init") pixelId = args[0];
    else if (command === "track") track(args[0], args[1]);
  }
  window.fbq = fbq;
  for (const call of queue) fbq(...call);
})();
