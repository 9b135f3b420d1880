// The Muurkrant on another site: <div data-muurkrant-wall data-wijk="centrum"></div> plus this
// script. Makes an iframe to our widget for each such element and fits it to its content.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src).origin;
  var options = ["partner", "tag", "wijk", "kind", "q", "theme", "layout", "limit"];
  var frames = [];

  function build(holder) {
    if (holder.getAttribute("data-muurkrant-ready")) return;
    holder.setAttribute("data-muurkrant-ready", "1");
    var query = new URLSearchParams();
    options.forEach(function (name) {
      var value = holder.getAttribute("data-" + name);
      if (value) query.set(name, value);
    });
    var frame = document.createElement("iframe");
    frame.src = origin + "/embed/wall/" + (query.toString() ? "?" + query : "");
    frame.title = holder.getAttribute("data-title") || "Muurkrant";
    frame.loading = "lazy";
    frame.style.cssText = "border:0;width:100%;height:400px;display:block";
    holder.appendChild(frame);
    frames.push(frame);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || event.data.type !== "muurkrant:height") return;
    frames.forEach(function (frame) {
      if (frame.contentWindow === event.source) {
        var height = Math.min(Math.max(Number(event.data.height) || 0, 80), 5000);
        frame.style.height = height + "px";
      }
    });
  });

  document.querySelectorAll("[data-muurkrant-wall]").forEach(build);
})();
