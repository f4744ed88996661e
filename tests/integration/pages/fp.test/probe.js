// What a page can see of trackscan's instrumentation, sent to the fixture
// server as JSON (POST /pixel.gif?probe=1) for test_fingerprint.py to judge.
(function () {
  var toString = Function.prototype.toString;
  function show(f) {
    try { return toString.call(f); } catch (e) { return "throws " + e.name; }
  }
  function desc(o, p) { return Object.getOwnPropertyDescriptor(o, p) || {}; }
  var functions = {
    "CanvasRenderingContext2D.fillText": CanvasRenderingContext2D.prototype.fillText,
    "HTMLCanvasElement.toDataURL": HTMLCanvasElement.prototype.toDataURL,
    "WebGLRenderingContext.getParameter": WebGLRenderingContext.prototype.getParameter,
    "EventTarget.addEventListener": EventTarget.prototype.addEventListener,
    "MutationObserver.observe": MutationObserver.prototype.observe,
    "Function.toString": Function.prototype.toString,
    "get Navigator.hardwareConcurrency": desc(Navigator.prototype, "hardwareConcurrency").get,
    "set Document.cookie": desc(Document.prototype, "cookie").set,
    "set CanvasRenderingContext2D.fillStyle": desc(CanvasRenderingContext2D.prototype, "fillStyle").set,
    "get HTMLInputElement.value": desc(HTMLInputElement.prototype, "value").get,
    "OfflineAudioContext": OfflineAudioContext
  };
  var result = {toString: {}, names: {}, lengths: {}, odd_globals: [], descriptors: {}};
  for (var k in functions) {
    result.toString[k] = show(functions[k]);
    result.names[k] = functions[k].name;
    result.lengths[k] = functions[k].length;
  }
  result.constructor_identity = OfflineAudioContext.prototype.constructor === OfflineAudioContext;
  Object.getOwnPropertyNames(window).forEach(function (name) {
    var v;
    try { v = window[name]; } catch (e) { return; }
    if (/^__ts/.test(name)) result.odd_globals.push(name);
    else if (typeof v === "function" && !/\[native code\]/.test(show(v))) result.odd_globals.push(name);
  });
  result.error_props = Object.getOwnPropertyNames(Error).sort();
  [["CanvasRenderingContext2D.prototype", CanvasRenderingContext2D.prototype, "fillText"],
   ["CanvasRenderingContext2D.prototype", CanvasRenderingContext2D.prototype, "fillStyle"],
   ["Navigator.prototype", Navigator.prototype, "hardwareConcurrency"],
   ["Function.prototype", Function.prototype, "toString"]].forEach(function (t) {
    var d = desc(t[1], t[2]);
    result.descriptors[t[0] + "." + t[2]] = [typeof d.value, typeof d.get, typeof d.set, !!d.writable, !!d.enumerable, !!d.configurable];
  });
  fetch("/pixel.gif?probe=1", {method: "POST", body: JSON.stringify(result)});
})();
