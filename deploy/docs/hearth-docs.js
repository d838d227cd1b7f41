// The API reference: one Swagger UI over every service's OpenAPI file, as the
// gateway serves them under /openapi/. HEARTH_SERVICES comes from services.js,
// written at build time from deploy/services.txt. Nothing is fetched from
// anywhere but this gateway: no validator badge, no remote configuration.
window.addEventListener("load", function () {
  var services = window.HEARTH_SERVICES || [];
  window.ui = SwaggerUIBundle({
    urls: services.map(function (name) {
      return { url: "../openapi/" + name + ".yaml", name: name };
    }),
    "urls.primaryName": services[0],
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    queryConfigEnabled: true,
    persistAuthorization: false,
    displayRequestDuration: true,
    tryItOutEnabled: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
  });
});
