// A first-party bar chart, exported as PNG: colours and a read-back, but only
// "0", "50" and "100" as text in one colour, so no canvas fingerprint.
(function () {
  var canvas = document.getElementById("chart");
  var ctx = canvas.getContext("2d");
  var bars = [30, 80, 55, 95];
  for (var i = 0; i < bars.length; i++) {
    ctx.fillStyle = i % 2 ? "#dc3912" : "#3366cc";
    ctx.fillRect(40 + i * 80, 280 - bars[i] * 2.5, 60, bars[i] * 2.5);
  }
  ctx.fillStyle = "#333";
  ctx.font = "12px sans-serif";
  ctx.fillText("0", 10, 280);
  ctx.fillText("50", 10, 155);
  ctx.fillText("100", 10, 30);
  window.chartPng = canvas.toDataURL("image/png").length;
})();
