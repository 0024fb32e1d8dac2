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
