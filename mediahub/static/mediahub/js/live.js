// Live stream facade: the audio element is created, and the stream contacted, only when the
// resident presses play. Without JavaScript the facade stays a plain link to the stream.
(function () {
  "use strict";
  document.querySelectorAll(".live-player[data-stream-url]").forEach(function (player) {
    var facade = player.querySelector(".live-player__play");
    var label = player.querySelector(".live-player__label");
    if (!facade) return;
    if (label && player.dataset.playLabel) label.textContent = player.dataset.playLabel;
    facade.setAttribute("role", "button");
    facade.addEventListener("click", function (event) {
      event.preventDefault();
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
    });
    facade.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        facade.click();
      }
    });
  });
})();
