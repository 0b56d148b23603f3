/* Checks a signed ticket in the browser, with the event's public keys only: what the door does
   when the network is down. The same rules and reason codes as registrations/checkins.py.

   Token: base64url(payload) "." base64url(Ed25519 signature); payload = version (1 byte) |
   ticket uuid (16) | event id (4, big-endian) | ticket type id (4) | issued at (4) | key id
   (ASCII). `keys` is the answer of /api/v1/events/{slug}/ticket-keys/.

   window.sportevents.verifyTicket(token, keys) -> Promise of
     {ok: true, ticketId} or {ok: false, reason: "unreadable" | "other_event" | "retired_key" |
     "forged" | "cancelled", ticketId} */
(function () {
  "use strict";

  var HEADER = 29;
  var VERSION = 1;
  var imported = {}; // key id + key -> Promise of a CryptoKey

  function fromBase64url(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) {
      throw new Error("not base64url");
    }
    var standard = text.replace(/-/g, "+").replace(/_/g, "/");
    while (standard.length % 4) {
      standard += "=";
    }
    var binary = atob(standard);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  function hex(bytes) {
    return Array.prototype.map
      .call(bytes, function (b) {
        return (b < 16 ? "0" : "") + b.toString(16);
      })
      .join("");
  }

  function uuid(bytes) {
    var h = hex(bytes);
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  /* The claims of a token, unverified; null if it is not a ticket at all. */
  function read(token) {
    var parts = String(token || "").trim().split(".");
    if (parts.length !== 2) {
      return null;
    }
    var payload, signature;
    try {
      payload = fromBase64url(parts[0]);
      signature = fromBase64url(parts[1]);
    } catch (error) {
      return null;
    }
    if (payload.length <= HEADER || payload[0] !== VERSION) {
      return null;
    }
    var keyBytes = payload.slice(HEADER);
    for (var i = 0; i < keyBytes.length; i++) {
      if (keyBytes[i] > 127) {
        return null;
      }
    }
    var view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    return {
      ticketId: uuid(payload.slice(1, 17)),
      eventId: view.getUint32(17, false),
      keyId: String.fromCharCode.apply(null, keyBytes),
      payload: payload,
      signature: signature,
    };
  }

  function cryptoKey(keyId, publicKey) {
    var cacheKey = keyId + ":" + publicKey;
    if (!imported[cacheKey]) {
      imported[cacheKey] = crypto.subtle.importKey(
        "raw",
        fromBase64url(publicKey),
        { name: "Ed25519" },
        false,
        ["verify"]
      );
    }
    return imported[cacheKey];
  }

  function signatureHolds(claims, keys) {
    var found = (keys.keys || []).filter(function (key) {
      return key.key_id === claims.keyId;
    })[0];
    if (!found) {
      return Promise.resolve(false);
    }
    return cryptoKey(found.key_id, found.public_key)
      .then(function (key) {
        return crypto.subtle.verify({ name: "Ed25519" }, key, claims.signature, claims.payload);
      })
      .catch(function () {
        return false;
      });
  }

  function verifyTicket(token, keys) {
    var claims = read(token);
    if (!claims) {
      return Promise.resolve({ ok: false, reason: "unreadable", ticketId: null });
    }
    var refuse = function (reason) {
      return { ok: false, reason: reason, ticketId: claims.ticketId };
    };
    return signatureHolds(claims, keys).then(function (holds) {
      if (claims.eventId !== keys.event_id) {
        return refuse("other_event");
      }
      if (!holds) {
        return refuse((keys.retired_keys || []).indexOf(claims.keyId) >= 0 ? "retired_key" : "forged");
      }
      if ((keys.revoked || []).indexOf(claims.ticketId) >= 0) {
        return refuse("cancelled");
      }
      return { ok: true, ticketId: claims.ticketId };
    });
  }

  window.sportevents = window.sportevents || {};
  window.sportevents.readTicket = read;
  window.sportevents.verifyTicket = verifyTicket;
})();
