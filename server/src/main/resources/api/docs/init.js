// Starts Swagger UI on /openapi.yaml. A file of its own (not an inline script) so the page's
// Content-Security-Policy can allow only this server's scripts.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.yaml',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: null // no badge from an outside validator
  });
});
