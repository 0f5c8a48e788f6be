/* rindoku decks: the light or dark palette.
   The deck starts as its build chose (data-theme on this script) unless the address asks
   (?theme=dark); D switches, and the speaker view's "?" help lists the key. */
(function () {
  "use strict";
  var script = document.currentScript;
  var asked = new URLSearchParams(window.location.search).get("theme");
  var start = asked || (script && script.dataset.theme) || "light";
  document.documentElement.classList.toggle("rindoku-dark", start === "dark");

  // A slide whose content is taller than the slide is zoomed out until it fits (down to
  // 60%): a long formula or listing stays on its slide rather than running off its foot.
  function fit(slide, height) {
    if (!slide || slide.dataset.rindokuFitted) {
      return;
    }
    slide.dataset.rindokuFitted = "1";
    var needed = slide.scrollHeight;
    if (needed > height) {
      slide.style.zoom = Math.max(0.6, (height - 8) / needed).toFixed(3);
    }
  }

  window.addEventListener("load", function () {
    if (typeof Reveal === "undefined" || !Reveal.addKeyBinding) {
      return;
    }
    Reveal.addKeyBinding({ keyCode: 68, key: "D", description: "Dark or light slides" },
      function () {
        document.documentElement.classList.toggle("rindoku-dark");
      });
    var typeset = window.MathJax && MathJax.startup ? MathJax.startup.promise
                                                     : Promise.resolve();
    function fitCurrent() {
      typeset.then(function () { fit(Reveal.getCurrentSlide(), Reveal.getConfig().height); });
    }
    Reveal.on("slidechanged", fitCurrent);
    if (Reveal.isReady()) {
      fitCurrent();
    } else {
      Reveal.on("ready", fitCurrent);
    }
    if (Reveal.isPrintView && Reveal.isPrintView()) {
      typeset.then(function () {
        Reveal.getSlides().forEach(function (s) { fit(s, Reveal.getConfig().height); });
      });
    }
  });
})();
