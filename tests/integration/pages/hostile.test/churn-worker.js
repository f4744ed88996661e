// Fetches every 100 ms; starts one nested worker that does the same.
const query = location.search.slice(1);
let i = 0;
setInterval(() => fetch(`http://tracker.test/churn-worker?${query}&i=${i++}`).catch(() => {}), 100);
if (!query.includes("nested")) new Worker(`/churn-worker.js?${query}&nested=1`);
