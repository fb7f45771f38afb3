// The sandbox's page follows the sandbox live: four times a second it asks /ui/version, and when
// anything changed it fetches this page again and swaps in the parts that show state (the
// clock and quota, and #live), leaving forms being filled in alone. The filter box filters as
// you type. No library: a few lines of our own, served by the sandbox, so the page works offline.
"use strict";

(function () {
  const POLL_MS = 250;
  let version = document.body.dataset.version;
  let busy = false;

  async function refresh() {
    const answer = await fetch(location.href, { headers: { Accept: "text/html" }, cache: "no-store" });
    if (!answer.ok) return;
    const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
    for (const selector of ["#live", "header .facts"]) {
      const now = document.querySelector(selector);
      const then = fresh.querySelector(selector);
      if (now && then) now.replaceChildren(...then.childNodes);
    }
    version = fresh.body.dataset.version;
    document.body.dataset.version = version;
  }

  async function poll() {
    if (!busy) {
      busy = true;
      try {
        const answer = await fetch("/ui/version", { cache: "no-store" });
        if (answer.ok && (await answer.text()) !== version) await refresh();
      } catch (error) {
        // the sandbox stopped or restarts: keep asking
      } finally {
        busy = false;
      }
    }
    setTimeout(poll, POLL_MS);
  }

  const filter = document.getElementById("filter");
  if (filter) {
    let timer = null;
    filter.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        const url = new URL(location.href);
        url.searchParams.delete("page");
        url.searchParams.delete("notice");
        if (filter.value) url.searchParams.set("q", filter.value);
        else url.searchParams.delete("q");
        history.replaceState(null, "", url);
        await refresh();
      }, 250);
    });
  }

  setTimeout(poll, POLL_MS);
})();
