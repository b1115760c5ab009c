/*
 * Security keys and passkeys (WebAuthn) on the MFA pages (accounts/mfa/*.html).
 *
 * The pages are ordinary forms; this script only fetches the ceremony's options, asks the
 * browser's authenticator for an answer, puts the answer (as JSON) in the form's hidden
 * input[data-webauthn] and submits the form. The server checks everything.
 *
 *   <button type="button" data-webauthn-create="OPTIONS_URL">  adds a key
 *   <button type="button" data-webauthn-get="OPTIONS_URL">     uses a key
 *   [data-webauthn-supported] is shown, [data-webauthn-unsupported] hidden, when the browser
 *   can use WebAuthn (the page shows the opposite to start with, so without this script or
 *   without WebAuthn it says so); [data-webauthn-status] in the form says what happens.
 *
 * No inline script and nothing from a CDN (the CSP allows neither): base64url conversion is
 * done here, as not every browser has PublicKeyCredential.parseCreationOptionsFromJSON.
 */
(function () {
  "use strict";
  var supported = Boolean(
    window.PublicKeyCredential && navigator.credentials && window.fetch && window.JSON
  );

  function showWhereSupported() {
    var i;
    var shown = document.querySelectorAll("[data-webauthn-supported]");
    var notes = document.querySelectorAll("[data-webauthn-unsupported]");
    for (i = 0; i < shown.length; i += 1) {
      shown[i].hidden = !supported;
    }
    for (i = 0; i < notes.length; i += 1) {
      notes[i].hidden = supported;
    }
  }

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = window.atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  function toText(buffer) {
    if (!buffer) {
      return null;
    }
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBytes(descriptors) {
    return (descriptors || []).map(function (descriptor) {
      var copy = Object.assign({}, descriptor);
      copy.id = toBytes(descriptor.id);
      return copy;
    });
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = withBytes(options.excludeCredentials);
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = withBytes(options.allowCredentials);
    return options;
  }

  function registrationJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toText(response.clientDataJSON),
        attestationObject: toText(response.attestationObject),
        transports: response.getTransports ? response.getTransports() : [],
      },
    };
  }

  function assertionJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toText(response.clientDataJSON),
        authenticatorData: toText(response.authenticatorData),
        signature: toText(response.signature),
        userHandle: toText(response.userHandle),
      },
    };
  }

  function problem(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "AbortError") {
      return "The key was not used: it was cancelled or took too long. Try again.";
    }
    if (name === "InvalidStateError") {
      return "That key is already registered to your account. Use another key.";
    }
    if (name === "SecurityError") {
      return "Security keys cannot be used at this address. Use the address your organisation gave you.";
    }
    if (error && error.serverMessage) {
      return error.serverMessage;
    }
    return "Your browser could not use the key. Try again, or use another way.";
  }

  function say(form, text, isError) {
    var status = form.querySelector("[data-webauthn-status]");
    if (status) {
      status.textContent = text;
      status.classList.toggle("error-message", Boolean(isError));
    }
  }

  function fetchOptions(url, form) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          var error = new Error("Options answered " + response.status);
          error.serverMessage = body && body.message;
          throw error;
        }
        return body;
      });
    });
  }

  function start(button, creating) {
    var form = button.form;
    var answer = form && form.querySelector("input[data-webauthn]");
    if (!answer) {
      return;
    }
    var name = form.querySelector("input[name=name]");
    if (creating && name && !name.value.trim()) {
      form.submit(); // the page says that the key needs a name
      return;
    }
    var url = button.getAttribute(creating ? "data-webauthn-create" : "data-webauthn-get");
    button.disabled = true;
    say(form, "Follow your browser's instructions to use your key.", false);
    fetchOptions(url, form)
      .then(function (options) {
        return creating
          ? navigator.credentials.create({ publicKey: creationOptions(options) })
          : navigator.credentials.get({ publicKey: requestOptions(options) });
      })
      .then(function (credential) {
        answer.value = JSON.stringify(
          creating ? registrationJSON(credential) : assertionJSON(credential)
        );
        say(form, "Checking your key.", false);
        form.submit();
      })
      .catch(function (error) {
        button.disabled = false;
        say(form, problem(error), true);
      });
  }

  showWhereSupported();
  if (!supported) {
    return;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-webauthn-create], [data-webauthn-get]");
    if (button) {
      event.preventDefault();
      start(button, button.hasAttribute("data-webauthn-create"));
    }
  });
})();
