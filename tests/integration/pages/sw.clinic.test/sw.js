// Service worker: every request here comes from the service worker target.
self.addEventListener("install", (e) => {
  self.skipWaiting();
  e.waitUntil(fetch("https://tracker.test/px?src=sw-install", { mode: "no-cors" }).catch(() => {}));
});
self.addEventListener("activate", (e) => {
  e.waitUntil(fetch("https://tracker.test/px?src=sw-activate", { mode: "no-cors" }).catch(() => {}));
});
self.addEventListener("message", (e) => {
  e.waitUntil(fetch("https://ads.tracker2.test/collect?src=sw-message", { mode: "no-cors" }).catch(() => {}));
});
