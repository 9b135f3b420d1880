// Video facade: the provider's player is loaded only when the resident presses play.
// The embed URL was built on the server from the provider and video id, never from feed HTML.
(function () {
  "use strict";
  document.querySelectorAll(".video[data-embed-url]").forEach(function (video) {
    var facade = video.querySelector(".video__facade");
    var label = video.querySelector(".video__label");
    if (!facade) return;
    if (label && video.dataset.playLabel) label.textContent = video.dataset.playLabel;
    facade.setAttribute("role", "button");
    facade.addEventListener("click", function (event) {
      event.preventDefault();
      var frame = document.createElement("iframe");
      frame.src = video.dataset.embedUrl;
      frame.title = video.dataset.title || "";
      frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
      frame.allowFullscreen = true;
      frame.referrerPolicy = "strict-origin";
      frame.className = "video__frame";
      video.replaceChild(frame, facade);
      frame.focus();
    });
    facade.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        facade.click();
      }
    });
  });
})();
