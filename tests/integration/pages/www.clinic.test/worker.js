fetch("https://tracker.test/px?src=worker").then(() => postMessage("worker done"));
