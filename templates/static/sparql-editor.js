// Progressive enhancement of the SPARQL query form: syntax highlighting with CodeMirror
// (served from static/vendor). Without JavaScript the plain textarea works the same.
document.addEventListener("DOMContentLoaded", function () {
  var area = document.getElementById("query");
  if (!area || typeof CodeMirror === "undefined") {
    return;
  }
  CodeMirror.fromTextArea(area, {
    mode: "application/sparql-query",
    lineNumbers: true,
    screenReaderLabel: "SPARQL query",
    viewportMargin: Infinity,
  });
});
