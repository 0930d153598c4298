/* Tables wider than the screen scroll sideways inside their .table-responsive box. A keyboard user can
 * scroll such a box only if it takes the focus, so a box that overflows becomes a focusable group named
 * after its table (WCAG 2.1.1; axe's "scrollable-region-focusable"). A group, not a region: the section
 * around it is already a landmark with the same heading. A box that fits is left alone: no useless tab
 * stop. Loaded on every page by base.html; no data, no inline code (the CSP forbids it).
 */
(function () {
  "use strict";

  function words(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (words(caption)) {
      return words(caption);
    }
    // The heading of the section or card the table belongs to, else the page's.
    var holder = box.closest("section, .card, article");
    var heading = holder && holder.querySelector("h1, h2, h3, h4, h5, h6");
    return words(heading) || document.title;
  }

  function update() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", nameOf(box));
        box.dataset.scrollRegion = "true";
      } else if (!scrolls && box.dataset.scrollRegion) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollRegion;
      }
    });
  }

  var pending = false;
  window.addEventListener("resize", function () {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        update();
      });
    }
  });
  // Scripts load at the end of <body>: the tables are there; charts draw later but do not change widths.
  update();
})();
