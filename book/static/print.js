// Hip Hinge Coach website: plotly figures shrink to the paper when a page is printed.
// A figure is drawn at a fixed size in pixels, which paper cannot scroll; this notes the
// width each figure is drawn at (on its holder, as --hinge-figure-width), and print.css
// scales every figure wider than the paper down to fit it. Nothing changes on screen.
(function () {
  "use strict";
  function note() {
    document.querySelectorAll(".plotly-graph-div").forEach(function (div) {
      var drawn = div.querySelector(".svg-container");
      var width = drawn ? parseFloat(drawn.style.width) : NaN;
      if (!(width > 0) || !div.parentElement) return;
      div.parentElement.classList.add("hinge-figure");
      div.parentElement.style.setProperty("--hinge-figure-width", String(width));
    });
  }
  function watch() {
    note();
    document.querySelectorAll(".plotly-graph-div").forEach(function (div) {
      if (typeof div.on === "function" && !div.dataset.hingePrint) {
        div.dataset.hingePrint = "1";
        div.on("plotly_afterplot", note);
      }
    });
  }
  window.addEventListener("load", function () { watch(); setTimeout(watch, 500); });
  window.addEventListener("beforeprint", note);
})();
