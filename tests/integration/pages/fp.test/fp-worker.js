// A dedicated worker: an OffscreenCanvas fingerprint in its first task (top
// level) and a navigator read in a later task, so the test can tell whether
// the instrumentation was in place before the worker's script ran.
var canvas = new OffscreenCanvas(200, 40);
var ctx = canvas.getContext("2d");
ctx.fillStyle = "#069";
ctx.fillText("Sphinx of black quartz, judge my vow", 2, 20);
canvas.convertToBlob().then(function (blob) {
  setTimeout(function () {
    var cores = navigator.hardwareConcurrency;
    fetch("/pixel.gif?worker=" + blob.size + "&cores=" + cores);
  }, 50);
});
