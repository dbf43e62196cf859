// The progress page of a pack built in the background (web/jinja2/reports/pack_build.html).
// While the pack is being built, the page is read again every few seconds and the new progress
// put in place of the old: no reload, so the reader keeps their place, and a screen reader
// hears the change (the region is aria-live). It stops when the pack is ready or has failed.
// Without JavaScript the page says how to check again; it never refreshes itself on a timer.
const region = document.getElementById("pack-build");
const every = Number(region ? region.dataset.refresh : 0) * 1000;
let misses = 0;

async function update() {
  let fresh = null;
  try {
    const response = await fetch(window.location.href, {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.ok) {
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      fresh = page.getElementById("pack-build");
    }
  } catch {
    fresh = null;
  }
  if (fresh === null) {
    misses += 1; // the server restarting, or the network: try again a little later, then give up
    if (misses < 10) window.setTimeout(update, every * (misses + 1));
    return;
  }
  misses = 0;
  region.replaceChildren(...fresh.childNodes);
  region.dataset.state = fresh.dataset.state;
  region.dataset.refresh = fresh.dataset.refresh || "";
  if (fresh.dataset.refresh) window.setTimeout(update, every);
}

if (region && every > 0) window.setTimeout(update, every);
