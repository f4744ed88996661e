// Fixture gtag.js (GA4): on config, one POST to region1.google-analytics.com/g/collect
// carrying two events, as gtag batches them: the shared parameters in the query
// (v=2, tid, cid, dl, dt, ...) and one event per body line (en=..., ep.*/epn.*).
(function () {
  "use strict";
  const layer = window.dataLayer || [];
  const cid = "1188776655.1732870000";
  function send(tid) {
    const query = new URLSearchParams({v: "2", tid: tid, gtm: "45je4bk0", _p: "1732870000123", cid: cid,
      ul: navigator.language.toLowerCase(), sr: screen.width + "x" + screen.height, _s: "1", sid: "1732870000",
      sct: "1", seg: "0", dl: location.href, dt: document.title});
    const lines = ["en=page_view&_fv=1&_ss=1", "en=scroll&epn.percent_scrolled=90&ep.section=oncology"];
    fetch("https://region1.google-analytics.com/g/collect?" + query.toString(),
          {method: "POST", mode: "no-cors", keepalive: true, body: lines.join("\n")});
  }
  for (const args of layer) {
    if (args[0] === "config") send(args[1]);
  }
})();
