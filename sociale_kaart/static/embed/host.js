/* Sociale kaart van de Mantelzorgacademie Flevoland: script for the website that embeds the list.
 *
 * Makes each of our iframes as high as its content, so there is no scrollbar inside the page.
 * Without this script the iframe keeps its fixed height and scrolls; nothing else changes.
 * It accepts a message only when it comes from our own website (the address this script was
 * loaded from) and from one of our iframes on this page, and it only ever sets a height.
 * Written in old-style JavaScript so that it runs on every browser a visitor may have. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.addEventListener) return;
  var MESSAGE_TYPE = "mza-sociale-kaart:hoogte";
  var MAX_HEIGHT = 100000;
  var source = script.src;
  var origin = source.replace(/^(https?:\/\/[^/]+).*$/, "$1");
  // The embed pages sit next to this script: <site>/embed/sociale-kaart/<gemeente>/.
  var prefix = source.replace(/sociale-kaart\.js(\?.*)?$/, "sociale-kaart/");

  function ourFrames() {
    var frames = document.getElementsByTagName("iframe");
    var found = [];
    for (var i = 0; i < frames.length; i += 1) {
      if (frames[i].src && frames[i].src.indexOf(prefix) === 0) found.push(frames[i]);
    }
    return found;
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) return;
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== MESSAGE_TYPE) return;
    var height = Number(data.hoogte);
    if (!isFinite(height) || height <= 0 || height > MAX_HEIGHT) return;
    var frames = ourFrames();
    for (var i = 0; i < frames.length; i += 1) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.ceil(height) + "px";
      }
    }
  });
})();
