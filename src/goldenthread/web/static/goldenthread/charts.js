// Draw every chart on the page from the Vega-Lite specification the server embedded as JSON.
// Without JavaScript the table of values below each chart carries the same information.
(function () {
  function draw() {
    if (typeof vegaEmbed !== "function") return;
    document.querySelectorAll("[data-chart]").forEach(function (target) {
      var source = document.getElementById(target.getAttribute("data-chart"));
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      vegaEmbed(target, spec, { actions: false, renderer: "svg" })
        .then(function () { target.setAttribute("data-drawn", "true"); })
        .catch(function (error) { target.textContent = "The chart could not be drawn: " + error.message; });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
