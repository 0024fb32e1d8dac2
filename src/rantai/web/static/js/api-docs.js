// Starts Swagger UI on /api/docs. A file of its own rather than an inline script, so the page works under
// the Content-Security-Policy (script-src 'self'); the spec's address comes from the page (issue #9).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    // No badge fetched from validator.swagger.io: the page reaches no other host.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
