// Small behaviours of Rantai's pages, kept out of the templates so that the Content-Security-Policy can
// forbid inline scripts and event handlers (issue #9).
"use strict";

// A form with data-confirm asks before it is sent ("Revoke this token?"); cancelling sends nothing.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form instanceof HTMLFormElement ? form.getAttribute("data-confirm") : null;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// The menu is a <details> folded on a phone; from 48rem it is a row. CSS shows its content there
// (::details-content); opening it also covers browsers without that pseudo-element (issue #13).
(function () {
  var wide = window.matchMedia("(min-width: 48rem)");
  function unfold() {
    var menu = document.querySelector("details.menu");
    if (menu && wide.matches) { menu.open = true; }
  }
  document.addEventListener("DOMContentLoaded", unfold);
  if (wide.addEventListener) { wide.addEventListener("change", unfold); }
})();
