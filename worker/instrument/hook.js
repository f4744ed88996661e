(() => {
  const G = globalThis, name = "@BINDING@";
  const O = Object, R = Reflect, P = Proxy, E = Error, S = String, A = Array;
  const apply = R.apply, construct = R.construct, getDesc = O.getOwnPropertyDescriptor;
  const defProp = O.defineProperty, hasOwn = O.prototype.hasOwnProperty;
  const wmGet = WeakMap.prototype.get, wmSet = WeakMap.prototype.set;
  const mapGet = Map.prototype.get, mapSet = Map.prototype.set;
  const join = A.prototype.join, shift = A.prototype.shift, isArray = A.isArray, exec = RegExp.prototype.exec;
  const sliceS = S.prototype.slice, replaceS = S.prototype.replace;
  const now = Date.now, sto = G.setTimeout, then = Promise.prototype.then, resolved = Promise.resolve();
  // A worker's scope is instrumented before its script loads, when it has no
  // queueMicrotask or setTimeout yet: microtasks go through a promise, and
  // the timer is looked up when first needed.
  const micro = (fn) => { apply(then, resolved, [fn]); };
  const later = (fn, ms) => {
    const timer = sto || G.setTimeout;
    if (typeof timer === "function") apply(timer, G, [fn, ms]); else micro(fn);
  };
  const originals = new WeakMap(), entries = new Map(), dirty = [], pending = [];
  let binding = null, keys = 0, scheduled = false, flushes = 0, retries = 0;

  const trySend = () => {
    if (!binding && typeof G[name] === "function") {
      binding = G[name];
      try { delete G[name]; } catch (e) {}
    }
    if (!binding) return false;
    while (pending.length) binding(apply(shift, pending, []));
    return true;
  };
  const send = (message) => {
    if (pending.length < 500) pending[pending.length] = message;
    if (!trySend() && retries < 100) { retries++; later(trySend, 50); }
  };
  const stack = () => {
    const hadLimit = apply(hasOwn, E, ["stackTraceLimit"]), limit = E.stackTraceLimit;
    const hadPrep = apply(hasOwn, E, ["prepareStackTrace"]), prep = E.prepareStackTrace;
    E.stackTraceLimit = 30;
    if (hadPrep) E.prepareStackTrace = undefined;
    let s = "";
    try { s = S(new E().stack || ""); } finally {
      if (hadLimit) E.stackTraceLimit = limit; else delete E.stackTraceLimit;
      if (hadPrep) E.prepareStackTrace = prep;
    }
    return s;
  };
  const stackUrls = (firstOnly) => {
    const out = [], s = stack();
    const re = /((?:https?|file|blob|chrome-extension):\/\/[^\s)]+?):\d+:\d+/g;
    let m;
    while ((m = apply(exec, re, [s])) !== null) {
      if (firstOnly) return m[1];
      let seen = false;
      for (let i = 0; i < out.length; i++) if (out[i] === m[1]) seen = true;
      if (!seen) out[out.length] = m[1];
    }
    return firstOnly ? "" : out;
  };
  const href = () => { try { return S(G.location.href); } catch (e) { return ""; } };
  const clean = (v) => {
    const t = typeof v;
    let s = t === "string" || t === "number" || t === "boolean" ? S(v) : v === null ? "null"
          : v === undefined ? "undefined" : "[" + t + "]";
    if (s.length > 200) s = apply(sliceS, s, [0, 200]);
    return apply(replaceS, s, [/[\x1c-\x1f]/g, " "]);
  };

  const flush = () => {
    scheduled = false;
    const parts = [];
    for (let i = 0; i < dirty.length; i++) {
      const e = dirty[i];
      parts[i] = e[0] + "\x1d" + e[1] + "\x1d" + (e[3] - e[5]) + "\x1d" + e[4] + "\x1d" + apply(join, e[2], ["\x1c"]);
      e[5] = e[3];
    }
    dirty.length = 0;
    if (parts.length) send("calls\x1f" + href() + "\x1f" + apply(join, parts, ["\x1e"]));
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    if (flushes++ < 200) micro(flush); else later(flush, 1000);
  };
  const record = (api, args) => {
    const script = stackUrls(true), a = [];
    for (let i = 0; i < args.length; i++) a[i] = clean(args[i]);
    let key = api + "\x1d" + script + "\x1d" + apply(join, a, ["\x1c"]);
    let e = apply(mapGet, entries, [key]);
    if (e === undefined && keys >= 2000) {
      key = api + "\x1d" + script + "\x1d(more)";
      e = apply(mapGet, entries, [key]);
      if (e === undefined) { e = [api, script, ["(more)"], 0, now(), 0]; apply(mapSet, entries, [key, e]); }
    } else if (e === undefined) {
      e = [api, script, a, 0, now(), 0];
      apply(mapSet, entries, [key, e]);
      keys++;
    }
    if (e[3] === e[5]) dirty[dirty.length] = e;
    e[3]++;
    schedule();
  };

  // ---- wrapping ----
  const mark = (proxy, original) => { apply(wmSet, originals, [proxy, original]); return proxy; };
  const safe = (f, self, args) => { try { f(self, args); } catch (e) {} };
  const wrapFn = (obj, prop, onCall) => {
    const d = obj && getDesc(obj, prop);
    if (!d || typeof d.value !== "function") return;
    const p = mark(new P(d.value, { apply(t, self, args) { safe(onCall, self, args); return apply(t, self, args); } }), d.value);
    defProp(obj, prop, { value: p, writable: d.writable, enumerable: d.enumerable, configurable: d.configurable });
  };
  const wrapAccessor = (obj, prop, onGet, onSet) => {
    const d = obj && getDesc(obj, prop);
    if (!d || !d.configurable) return;
    const nd = { get: d.get, set: d.set, enumerable: d.enumerable, configurable: true };
    if (onGet && d.get) nd.get = mark(new P(d.get, { apply(t, self, args) { safe(onGet, self, args); return apply(t, self, args); } }), d.get);
    if (onSet && d.set) nd.set = mark(new P(d.set, { apply(t, self, args) { safe(onSet, self, args); return apply(t, self, args); } }), d.set);
    defProp(obj, prop, nd);
  };
  const wrapCtor = (ctorName) => {
    const C = G[ctorName], d = getDesc(G, ctorName);
    if (typeof C !== "function" || !d) return;
    const p = mark(new P(C, { construct(t, args, nt) { safe(() => record(ctorName + ".constructor", [])); return construct(t, args, nt); } }), C);
    defProp(G, ctorName, { value: p, writable: d.writable, enumerable: d.enumerable, configurable: d.configurable });
    const cd = getDesc(C.prototype, "constructor");
    if (cd) defProp(C.prototype, "constructor", { value: p, writable: cd.writable, enumerable: cd.enumerable, configurable: cd.configurable });
  };
  const proto = (n) => typeof G[n] === "function" ? G[n].prototype : undefined;
  const getter = (obj, prop) => { const d = obj && getDesc(obj, prop); return d && d.get; };
  const read = (g, self) => { try { return g ? apply(g, self, []) : undefined; } catch (e) { return undefined; } };
  const ctors = {};
  for (const n of ["HTMLCanvasElement", "OffscreenCanvas", "OfflineAudioContext"]) ctors[n] = G[n];
  const is = (n, v) => typeof ctors[n] === "function" && v instanceof ctors[n];

  const toStringDesc = getDesc(Function.prototype, "toString");
  const toString = toStringDesc.value;
  defProp(Function.prototype, "toString", { value: mark(new P(toString, { apply(t, self, args) {
    const o = apply(wmGet, originals, [self]);
    return apply(t, o === undefined ? self : o, args);
  } }), toString), writable: toStringDesc.writable, enumerable: toStringDesc.enumerable, configurable: toStringDesc.configurable });

  // ---- cookies (one message per write, as the cookie ledger expects) ----
  const cookieReport = (api, cookie) => {
    send(api + "\x1f" + href() + "\x1f" + S(cookie) + "\x1f" + apply(join, stackUrls(false), ["\x1e"]));
  };
  wrapAccessor(proto("Document"), "cookie", null, (self, a) => cookieReport("document.cookie", a[0]));
  wrapFn(proto("CookieStore"), "set", (self, a) => {
    const c = a[0];
    cookieReport("cookieStore", (c && typeof c === "object") ? c.name + "=" + c.value : c + "=" + a[1]);
  });

  // ---- canvas ----
  const gW = getter(proto("HTMLCanvasElement"), "width"), gH = getter(proto("HTMLCanvasElement"), "height");
  const gOW = getter(proto("OffscreenCanvas"), "width"), gOH = getter(proto("OffscreenCanvas"), "height");
  const size = (c) => is("HTMLCanvasElement", c) ? [read(gW, c), read(gH, c)]
                    : is("OffscreenCanvas", c) ? [read(gOW, c), read(gOH, c)] : ["", ""];
  for (const n of ["CanvasRenderingContext2D", "OffscreenCanvasRenderingContext2D"]) {
    const p = proto(n);
    if (!p) continue;
    const gCanvas = getter(p, "canvas"), gFill = getter(p, "fillStyle"), gStroke = getter(p, "strokeStyle"), gFont = getter(p, "font");
    const dims = (ctx) => size(read(gCanvas, ctx));
    wrapFn(p, "fillText", (self, a) => record(n + ".fillText", [a[0], read(gFill, self)]));
    wrapFn(p, "strokeText", (self, a) => record(n + ".strokeText", [a[0], read(gStroke, self)]));
    wrapAccessor(p, "fillStyle", null, (self, a) => record(n + ".fillStyle", [a[0]]));
    wrapFn(p, "save", () => record(n + ".save", []));
    wrapFn(p, "restore", () => record(n + ".restore", []));
    wrapFn(p, "measureText", (self) => record(n + ".measureText", [read(gFont, self)]));
    wrapFn(p, "getImageData", (self, a) => {
      const d = dims(self);
      record(n + ".getImageData", [a[0], a[1], a[2], a[3], d[0], d[1]]);
    });
  }
  const extract = (api, type, canvas) => {
    const d = size(canvas);
    record(api, [type === undefined ? "image/png" : type, d[0], d[1]]);
  };
  wrapFn(proto("HTMLCanvasElement"), "toDataURL", (self, a) => extract("HTMLCanvasElement.toDataURL", a[0], self));
  wrapFn(proto("HTMLCanvasElement"), "toBlob", (self, a) => extract("HTMLCanvasElement.toBlob", a[1], self));
  wrapFn(proto("OffscreenCanvas"), "convertToBlob", (self, a) =>
    extract("OffscreenCanvas.convertToBlob", a[0] ? a[0].type : undefined, self));

  // ---- WebGL ----
  for (const n of ["WebGLRenderingContext", "WebGL2RenderingContext"]) {
    const p = proto(n);
    wrapFn(p, "getParameter", (self, a) => record(n + ".getParameter", [a[0]]));
    wrapFn(p, "getExtension", (self, a) => record(n + ".getExtension", [a[0]]));
    wrapFn(p, "getSupportedExtensions", () => record(n + ".getSupportedExtensions", []));
    wrapFn(p, "readPixels", (self, a) => record(n + ".readPixels", [a[2], a[3]]));
    wrapFn(p, "drawArrays", () => record(n + ".drawArrays", []));
    wrapFn(p, "drawElements", () => record(n + ".drawElements", []));
  }

  // ---- audio ----
  wrapCtor("OfflineAudioContext");
  wrapCtor("AudioContext");
  const audioKind = (self) => is("OfflineAudioContext", self) ? "OfflineAudioContext" : "AudioContext";
  for (const m of ["createOscillator", "createDynamicsCompressor", "createAnalyser"]) {
    wrapFn(proto("BaseAudioContext"), m, (self) => record(audioKind(self) + "." + m, []));
  }
  wrapFn(proto("OfflineAudioContext"), "startRendering", () => record("OfflineAudioContext.startRendering", []));
  wrapFn(proto("AudioBuffer"), "getChannelData", (self, a) => record("AudioBuffer.getChannelData", [a[0]]));
  wrapFn(proto("AnalyserNode"), "getFloatFrequencyData", () => record("AnalyserNode.getFloatFrequencyData", []));

  // ---- navigator, screen, fonts ----
  const nav = proto("Navigator") || proto("WorkerNavigator");
  for (const prop of ["plugins", "mimeTypes", "hardwareConcurrency", "deviceMemory", "languages"]) {
    wrapAccessor(nav, prop, () => record("Navigator." + prop, []), null);
  }
  wrapFn(proto("NavigatorUAData"), "getHighEntropyValues", (self, a) =>
    record("NavigatorUAData.getHighEntropyValues", [isArray(a[0]) ? apply(join, a[0], [","]) : a[0]]));
  for (const prop of ["width", "height", "availWidth", "availHeight", "colorDepth", "pixelDepth"]) {
    wrapAccessor(proto("Screen"), prop, () => record("Screen." + prop, []), null);
  }
  wrapFn(proto("FontFaceSet"), "check", (self, a) => record("FontFaceSet.check", [a[0]]));

  // ---- session recording ----
  const doc = G.document;
  const gBody = getter(proto("Document"), "body"), gRoot = getter(proto("Document"), "documentElement");
  const where = (t) => t === G ? "window" : t === doc ? "document" : doc && t === read(gBody, doc) ? "body"
                     : doc && t === read(gRoot, doc) ? "html" : "";
  const events = ["mousemove", "mousedown", "mouseup", "click", "scroll", "wheel", "keydown", "keyup", "keypress",
                  "input", "change", "touchstart", "touchmove", "pointermove", "pointerdown", "focus", "blur", "submit"];
  wrapFn(proto("EventTarget"), "addEventListener", (self, a) => {
    if (is("HTMLCanvasElement", self)) return record("HTMLCanvasElement.addEventListener", [a[0]]);
    const w = where(self), type = typeof a[0] === "string" ? a[0] : "";
    let watched = false;
    for (let i = 0; i < events.length; i++) if (events[i] === type) watched = true;
    if (w && watched) record("EventTarget.addEventListener", [type, w]);
  });
  wrapFn(proto("MutationObserver"), "observe", (self, a) =>
    record("MutationObserver.observe", [where(a[0]) || "element", !!(a[1] && a[1].subtree)]));
  const gType = getter(proto("HTMLInputElement"), "type");
  wrapAccessor(proto("HTMLInputElement"), "value", (self) => record("HTMLInputElement.value", [read(gType, self)]), null);
})();
