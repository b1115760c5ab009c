// Posts the identity provider's SAML response again from our own site, so that the browser
// sends the session cookie it withheld from the provider's cross-site POST (SameSite=Lax).
(function () {
  "use strict";
  var form = document.getElementById("saml-continue");
  if (form && form.dataset.autoSubmit === "true") {
    form.submit();
  }
})();
