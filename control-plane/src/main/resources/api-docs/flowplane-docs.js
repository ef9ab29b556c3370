// Swagger UI on the served openapi.yaml. The document and every "Try it out" call are sent with the
// API key of this browser tab (the same sessionStorage entry the web UI signs in with), as a Bearer
// header: never in a URL, a cookie or localStorage.
(function () {
  var KEY = 'flowplane.apiKey';

  function open(key) {
    window.ui = SwaggerUIBundle({
      url: '/api/v1/openapi.yaml',
      dom_id: '#swagger-ui',
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
      requestInterceptor: function (request) {
        var k = sessionStorage.getItem(KEY);
        if (k && !request.headers.Authorization) {
          request.headers.Authorization = 'Bearer ' + k;
        }
        return request;
      }
    });
  }

  window.addEventListener('load', function () {
    var key = sessionStorage.getItem(KEY);
    if (key) {
      open(key);
      return;
    }
    var form = document.getElementById('flowplane-key');
    form.hidden = false;
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var value = document.getElementById('flowplane-key-input').value.trim();
      if (value) {
        sessionStorage.setItem(KEY, value);
        form.hidden = true;
        open(value);
      }
    });
  });
})();
