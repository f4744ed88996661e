onconnect = (e) => {
  const port = e.ports[0];
  fetch("https://tracker.test/px?src=shared-worker").then(() => port.postMessage("shared done"));
};
