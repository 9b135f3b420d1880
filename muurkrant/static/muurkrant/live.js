// Live updates on the wall's first page: polls the wall's JSON Feed (conditional GET, so an
// unchanged wall costs a 304) and, when posts appear, offers them in a polite live region.
// Paused while the tab is hidden. Without this script the wall works as before.
(function () {
  "use strict";
  var region = document.querySelector("[data-live-feed]");
  if (!region || !window.fetch || !window.Set) {
    return;
  }
  var feedUrl = region.getAttribute("data-live-feed");
  var seconds = parseInt(region.getAttribute("data-live-interval"), 10);
  var interval = Math.max(1, seconds || 60) * 1000;
  var etag = null;
  var known = null; // the ids the page was opened with
  var timer = null;

  function announce(count) {
    var template = region.getAttribute(count === 1 ? "data-live-one" : "data-live-many");
    var text = document.createElement("span");
    text.textContent = template.replace("{count}", String(count)) + " — ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "live-updates__show";
    button.textContent = region.getAttribute("data-live-show");
    button.addEventListener("click", function () {
      window.location.reload();
    });
    region.replaceChildren(text, button);
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = document.hidden ? null : window.setTimeout(poll, interval);
  }

  function read(feed) {
    if (!feed || !Array.isArray(feed.items)) {
      return;
    }
    var ids = feed.items.map(function (item) {
      return item.id;
    });
    if (known === null) {
      known = new Set(ids);
      return;
    }
    var fresh = ids.filter(function (id) {
      return !known.has(id);
    });
    if (fresh.length) {
      announce(fresh.length);
    }
  }

  function poll() {
    var headers = { Accept: "application/feed+json" };
    if (etag) {
      headers["If-None-Match"] = etag;
    }
    fetch(feedUrl, { headers: headers, cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (!response.ok) {
          return null; // 304: nothing new; an error: try again next time
        }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(read)
      .catch(function () {
        // Offline or a broken answer: the next poll tries again.
      })
      .then(schedule);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
    } else if (timer === null) {
      poll();
    }
  });
  poll();
})();
