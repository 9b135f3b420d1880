// Play facades: nothing is loaded from a video site or a live stream until the resident presses
// play. Without JavaScript each facade stays a plain link to the video or the stream.
(function () {
  "use strict";

  // Turn each `selector` box's facade link into a play button that calls start(box, facade).
  function onPlay(selector, facadeClass, labelClass, start) {
    document.querySelectorAll(selector).forEach(function (box) {
      var facade = box.querySelector(facadeClass);
      var label = box.querySelector(labelClass);
      if (!facade) return;
      if (label && box.dataset.playLabel) label.textContent = box.dataset.playLabel;
      facade.setAttribute("role", "button");
      facade.addEventListener("click", function (event) {
        event.preventDefault();
        start(box, facade);
      });
      facade.addEventListener("keydown", function (event) {
        if (event.key === " ") {
          event.preventDefault();
          facade.click();
        }
      });
    });
  }

  // The embed URL was built on the server from the provider and video id, never from feed HTML.
  onPlay(".video[data-embed-url]", ".video__facade", ".video__label", function (video, facade) {
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

  onPlay(
    ".live-player[data-stream-url]",
    ".live-player__play",
    ".live-player__label",
    function (player, facade) {
      var audio = document.createElement("audio");
      audio.controls = true;
      audio.preload = "none";
      audio.className = "live-player__audio";
      audio.setAttribute("aria-label", player.dataset.playerLabel || "");
      audio.addEventListener("error", function () {
        // An HLS stream, say, in a browser that plays none: offer the link to an own player.
        var note = document.createElement("p");
        note.textContent = player.dataset.error || "";
        var link = facade.cloneNode(false);
        link.removeAttribute("role");
        link.className = "";
        link.textContent = facade.href;
        note.appendChild(document.createTextNode(" "));
        note.appendChild(link);
        var hadFocus = document.activeElement === audio;
        player.replaceChild(note, audio);
        if (hadFocus) link.focus();
      });
      audio.src = player.dataset.streamUrl;
      player.replaceChild(audio, facade);
      audio.focus();
      var started = audio.play();
      if (started && started.catch) started.catch(function () {});
    }
  );
})();
