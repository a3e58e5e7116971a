// Shows how far a running import has got, asking the API every 2 seconds, and reloads the page
// for the full report when it has finished. Without script, the page has a link to refresh it.
const box = document.querySelector('[data-module="measures-import-progress"]');

if (box) {
  const text = box.querySelector("[data-progress-text]");
  const url = box.dataset.statusUrl;

  const check = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const run = await response.json();
        if (run.finished) {
          window.location.reload();
          return;
        }
        const rows = run.rows_read.toLocaleString("en-GB");
        text.textContent = `${run.percent_done}% done: ${rows} row${run.rows_read === 1 ? "" : "s"} read so far.`;
      }
    } catch {
      // A dropped connection: try again at the next tick.
    }
    window.setTimeout(check, 2000);
  };
  window.setTimeout(check, 2000);
}
