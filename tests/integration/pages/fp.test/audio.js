// Served as https://fpframe.test/audio.js in a cross-site iframe: the
// OfflineAudioContext fingerprint (oscillator -> compressor, rendered, read).
(function () {
  var ctx = new OfflineAudioContext(1, 5000, 44100);
  var oscillator = ctx.createOscillator();
  oscillator.type = "triangle";
  oscillator.frequency.value = 10000;
  var compressor = ctx.createDynamicsCompressor();
  compressor.threshold.value = -50;
  compressor.knee.value = 40;
  compressor.ratio.value = 12;
  oscillator.connect(compressor);
  compressor.connect(ctx.destination);
  oscillator.start(0);
  ctx.startRendering().then(function (buffer) {
    var data = buffer.getChannelData(0), sum = 0;
    for (var i = 4500; i < 5000; i++) sum += Math.abs(data[i]);
    new Image().src = "/pixel.gif?audio=" + sum.toFixed(6);
  });
})();
