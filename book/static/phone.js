// Hip Hinge Coach website on a phone: the menu buttons and figures that fit the column.
//
// The page has two buttons with each sidebar toggle's class: the theme's own navbar button
// (hidden) and the one in the page's header (visible). Both themes wire only the first, so
// a tap on the visible one did nothing and phone readers had no table of contents. Here
// every other button of that class passes its click on to the wired one, which then does
// what the theme means at this width (a drawer on a phone, hide/show on a wide screen).
//
// A plotly figure drawn wider than its column (400-560 px figures in a 358 px column on a
// phone) is drawn again at the column's width; equal-metre axes stay equal (plotly keeps
// their scale anchor).
(function () {
  function wireToggles() {
    ["primary-toggle", "secondary-toggle"].forEach(function (name) {
      var buttons = Array.prototype.slice.call(document.querySelectorAll("." + name));
      var wired = buttons.shift();
      buttons.forEach(function (button) {
        button.addEventListener("click", function (event) {
          event.preventDefault();
          wired.click();
        });
      });
    });
  }

  function fitFigures() {
    if (!window.Plotly) return;
    document.querySelectorAll(".cell_output .plotly-graph-div").forEach(function (plot) {
      // the page's text column (an output box may be as wide as what it holds)
      var column = plot.closest(".bd-article") || plot.parentElement;
      var style = column ? getComputedStyle(column) : null;
      var room = column ? column.clientWidth - parseFloat(style.paddingLeft) -
        parseFloat(style.paddingRight) : 0;
      var drawn = plot._fullLayout && plot._fullLayout.width;
      if (!(room > 0) || !drawn) return;
      if (!plot.dataset.hingeWidth) plot.dataset.hingeWidth = String(drawn);
      var want = Math.min(Number(plot.dataset.hingeWidth), Math.floor(room));
      if (Math.abs(want - drawn) >= 1 || plot.getBoundingClientRect().width > want + 1) {
        plot.style.width = want + "px";  // the box the figure's html set, too
        window.Plotly.relayout(plot, {width: want});
      }
    });
  }

  var timer = null;
  function fitSoon() {
    clearTimeout(timer);
    timer = setTimeout(fitFigures, 150);
  }

  function start() {
    wireToggles();
    fitSoon();
    window.addEventListener("resize", fitSoon);
    window.addEventListener("load", fitSoon);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
