// Served as https://fpjs.test/fp.js: a third-party fingerprinter doing the
// classic canvas test (pangram, two colours, PNG read-back) and reading the
// unmasked WebGL vendor and renderer.
(function () {
  var canvas = document.createElement("canvas");
  canvas.width = 240;
  canvas.height = 60;
  var ctx = canvas.getContext("2d");
  ctx.textBaseline = "top";
  ctx.font = "14px 'Arial'";
  ctx.fillStyle = "#f60";
  ctx.fillRect(125, 1, 62, 20);
  ctx.fillStyle = "#069";
  ctx.fillText("Cwm fjordbank glyphs vext quiz", 2, 15);
  ctx.fillStyle = "rgba(102, 204, 0, 0.7)";
  ctx.fillText("Cwm fjordbank glyphs vext quiz", 4, 17);
  var png = canvas.toDataURL();
  var gl = document.createElement("canvas").getContext("webgl");
  var renderer = "none";
  if (gl) {
    var info = gl.getExtension("WEBGL_debug_renderer_info");
    if (info) renderer = gl.getParameter(info.UNMASKED_VENDOR_WEBGL) + "/" + gl.getParameter(info.UNMASKED_RENDERER_WEBGL);
  }
  new Image().src = "https://fpjs.test/pixel.gif?canvas=" + png.length + "&webgl=" + encodeURIComponent(renderer);
})();
