/* The approval queue's "select all" box: a checkbox with data-select-all="<form id>" ticks or unticks every
 * report box of that form, and shows "some" (indeterminate) when only some are ticked. Without JavaScript
 * the box stays hidden and each report is ticked by hand. No inline code (the CSP forbids it).
 */
(function () {
  "use strict";

  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var formId = all.getAttribute("data-select-all");
    var boxes = Array.prototype.slice.call(
      document.querySelectorAll('input[type=checkbox][name=reports][form="' + formId + '"]')
    );
    if (!boxes.length) {
      return;
    }
    function count() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      all.indeterminate = false;
    });
    boxes.forEach(function (box) { box.addEventListener("change", count); });
    all.closest("[hidden]") && all.closest("[hidden]").removeAttribute("hidden");
    all.hidden = false;
    count();
  });
})();
