// Screen mode: rotates through the wall's JSON Feed, refreshes it on its own, and keeps showing
// the last posts it has while the server cannot be reached (retrying with growing pauses).
(function () {
  "use strict";
  var root = document.querySelector("[data-screen]");
  if (!root) return;
  var text = root.dataset;
  var feedUrl = text.feed;
  var interval = Number(text.interval) * 1000;
  var refresh = Number(text.refresh) * 1000;
  var firstRetry = 10000;
  var slide = root.querySelector("[data-slide]");
  var status = root.querySelector("[data-status]");
  var dots = root.querySelector("[data-dots]");
  var pauseButton = root.querySelector("[data-pause]");
  var items = [];
  var index = -1;
  var retry = firstRetry;
  var paused = false;
  var updatedAt = null;

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function clock(date) {
    return date.toLocaleTimeString(document.documentElement.lang || undefined, {
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  function render() {
    var item = items[index];
    if (!item) return;
    var extra = item._muurkrant || {};
    slide.replaceChildren();
    slide.className = "slide slide--enter" + (item.image ? "" : " slide--text");
    slide.dataset.itemId = item.id;
    if (item.image) {
      var figure = el("figure", "slide__media");
      var image = el("img");
      image.src = item.image;
      image.alt = "";
      figure.appendChild(image);
      if (extra.kind === "video") figure.appendChild(el("span", "slide__badge", "▶ " + text.textVideo));
      if (extra.kind === "audio") figure.appendChild(el("span", "slide__badge", "♪ " + text.textAudio));
      slide.appendChild(figure);
    }
    var body = el("div", "slide__body");
    var published = item.date_published ? new Date(item.date_published) : null;
    var meta = (extra.partner || "") + (published ? " · " + published.toLocaleDateString() : "");
    body.appendChild(el("p", "slide__meta", meta));
    body.appendChild(el("h1", "slide__title", item.title || ""));
    var summary = item.summary || item.content_text || "";
    if (summary) body.appendChild(el("p", "slide__summary", summary));
    if (extra.post_id) {
      var qr = el("p", "slide__qr");
      var code = el("img");
      code.src = "/scherm/qr/" + encodeURIComponent(extra.post_id) + ".svg";
      code.alt = text.textQr;
      qr.appendChild(code);
      qr.appendChild(el("span", "", text.textScan));
      body.appendChild(qr);
    }
    slide.appendChild(body);
    dots.replaceChildren();
    items.forEach(function (_item, position) {
      dots.appendChild(el("li", position === index ? "is-current" : ""));
    });
  }

  function next() {
    if (!paused && items.length) {
      index = (index + 1) % items.length;
      render();
    }
    window.setTimeout(next, interval);
  }

  function showStatus(offline) {
    var line = updatedAt ? text.textUpdated + " " + clock(updatedAt) : "";
    status.textContent = offline ? text.textOffline + (line ? " (" + line + ")" : "") : line;
    root.dataset.state = offline ? "offline" : "online";
  }

  function load() {
    fetch(feedUrl, { credentials: "omit", cache: "no-cache" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (feed) {
        var fresh = Array.isArray(feed.items) ? feed.items : [];
        var current = items[index] && items[index].id;
        items = fresh;
        var kept = fresh.findIndex(function (item) { return item.id === current; });
        if (kept >= 0) index = kept;
        else if (index >= items.length) index = items.length - 1;
        if (index < 0 && items.length) { index = 0; render(); }
        updatedAt = new Date();
        retry = firstRetry;
        showStatus(false);
        window.setTimeout(load, refresh);
      })
      .catch(function () {
        // Keep what we have; try again, waiting longer each time, up to the refresh interval.
        showStatus(true);
        window.setTimeout(load, retry);
        retry = Math.min(retry * 2, refresh);
      });
  }

  pauseButton.addEventListener("click", function () {
    paused = !paused;
    pauseButton.setAttribute("aria-pressed", String(paused));
    pauseButton.textContent = paused ? text.textPlay : text.textPause;
  });

  load();
  window.setTimeout(next, interval);
})();
