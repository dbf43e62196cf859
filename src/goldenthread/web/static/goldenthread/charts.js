// Draw every chart on the page from the Vega-Lite specification the server embedded as JSON data
// (a <script type="application/json"> element, written by Django's json_script).
// Without JavaScript the table of values below each chart carries the same information.
//
// The page's Content-Security-Policy allows no eval: Vega's expressions are parsed to a syntax tree
// and run by its CSP-safe interpreter (vega-interpreter) instead of being compiled with new Function.
// Vega-embed's and vega-tooltip's default stylesheets would be inline <style> elements, which the
// policy refuses: the tooltip's style is in goldenthread.css.
import { expressionInterpreter } from "../vega-interpreter/vega-interpreter.js";

function draw() {
  if (typeof vegaEmbed !== "function") return;
  document.querySelectorAll("[data-chart]").forEach(function (target) {
    var source = document.getElementById(target.getAttribute("data-chart"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var options = { actions: false, renderer: "svg", ast: true, expr: expressionInterpreter,
                    defaultStyle: false, tooltip: { disableDefaultStyle: true } };
    vegaEmbed(target, spec, options)
      .then(function () { target.setAttribute("data-drawn", "true"); })
      .catch(function (error) { couldNotDraw(target, error); });
  });
}

// The drawing's place is hidden from assistive technology (the image around it carries the chart's
// name), so the failure is said where everybody reads it: the image becomes this message.
function couldNotDraw(target, error) {
  var image = target.closest("[role='img']") || target;
  var message = document.createElement("p");
  message.className = "nhsuk-body-s gt-chart__failed";
  message.textContent = "The chart could not be drawn (" + error.message + "). " +
    (image.getAttribute("aria-label") || "");
  image.replaceWith(message);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
