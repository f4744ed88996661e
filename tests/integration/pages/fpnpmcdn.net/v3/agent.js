// Fixture browser-fingerprinting agent (the techniques FingerprintJS uses):
// canvas text + emoji in two colours read back with toDataURL (Englehardt &
// Narayanan's rule), the unmasked WebGL renderer, then the result is posted.
(function () {
  "use strict";
  const canvas = document.createElement("canvas");
  canvas.width = 240; canvas.height = 60;
  const ctx = canvas.getContext("2d");
  ctx.textBaseline = "alphabetic";
  ctx.fillStyle = "#f60"; ctx.fillRect(125, 1, 62, 20);
  ctx.fillStyle = "#069"; ctx.font = "11pt no-real-font-123";
  ctx.fillText("Cwm fjordbank gly \u{1F603}", 2, 15);
  ctx.fillStyle = "rgba(102, 204, 0, 0.2)"; ctx.font = "18pt Arial";
  ctx.fillText("Cwm fjordbank gly \u{1F603}", 4, 45);
  const image = canvas.toDataURL();
  let renderer = "";
  const gl = document.createElement("canvas").getContext("webgl");
  if (gl) {
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    if (info) renderer = gl.getParameter(info.UNMASKED_VENDOR_WEBGL) + "/" + gl.getParameter(info.UNMASKED_RENDERER_WEBGL);
  }
  let h = 0;
  for (const ch of image + renderer) h = (h * 31 + ch.charCodeAt(0)) | 0;
  fetch("https://api.fpjs.io/?ci=js/3.11.5", {method: "POST", mode: "no-cors",
    body: JSON.stringify({visitorHash: (h >>> 0).toString(16), renderer: renderer})});
})();
