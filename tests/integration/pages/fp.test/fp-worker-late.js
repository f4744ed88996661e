// A dedicated worker that fingerprints with an OffscreenCanvas only when the
// page posts "draw" (a later task): instrumentation added once the worker
// runs sees it.
onmessage = function () {
  var canvas = new OffscreenCanvas(200, 40);
  var ctx = canvas.getContext("2d");
  ctx.fillStyle = "#069";
  ctx.fillText("Sphinx of black quartz, judge my vow", 2, 20);
  canvas.convertToBlob().then(function (blob) {
    fetch("/pixel.gif?late-worker=" + blob.size);
  });
};
