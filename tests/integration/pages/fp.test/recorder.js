// Served as https://www.clarity.ms/s/recorder.js: behaves like a session
// recorder (document mutations with subtree, mouse/keyboard/scroll/input
// listeners, input values read) and sends its batch to the vendor endpoint.
(function () {
  new MutationObserver(function () {}).observe(document, {childList: true, subtree: true, attributes: true});
  ["mousemove", "click", "keydown", "scroll", "input"].forEach(function (type) {
    document.addEventListener(type, function () {}, true);
  });
  var email = document.getElementById("email");
  var seen = email ? email.value : "";
  fetch("https://y.clarity.ms/collect", {method: "POST", body: "events=1&len=" + seen.length});
})();
