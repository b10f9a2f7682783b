/* The ALTCHA widget's challenge comes from @feedback-challenge, a plone.restapi service,
   which answers only requests that accept JSON: every widget of the page asks so. Loaded
   after altcha-vi.js (which makes $altcha) and before altcha.min.js (the widget). */
(function () {
  "use strict";
  if (window.$altcha && window.$altcha.defaults) {
    window.$altcha.defaults.set({
      fetch: function (url, init) {
        var headers = new Headers((init && init.headers) || {});
        headers.set("Accept", "application/json");
        return fetch(url, Object.assign({}, init, {headers: headers}));
      }
    });
  }
}());
