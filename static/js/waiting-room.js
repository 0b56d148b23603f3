/* The waiting room's page moves on by itself: it asks the server where the visitor stands
   (a small JSON answer computed from the signed place in their cookie), updates the line's
   status (an aria-live region, so screen readers hear the new position) and opens the
   registration form when the turn comes. The texts come translated from the server; without
   JavaScript a <meta http-equiv="refresh"> in <noscript> reloads the page instead. */
(function () {
  "use strict";

  var room = document.querySelector("[data-waiting-room]");
  if (!room || !window.fetch) {
    return;
  }
  var statusUrl = room.getAttribute("data-status-url");
  var nextUrl = room.getAttribute("data-next-url");
  var live = room.querySelector("[data-waiting-room-status]");
  var RETRY_SECONDS = 10;

  function say(text) {
    // Only a change is written, so that a screen reader is not told the same thing again.
    if (text && live.textContent !== text) {
      live.textContent = text;
    }
  }

  function later(seconds) {
    window.setTimeout(check, Math.max(1, seconds) * 1000);
  }

  function check() {
    fetch(statusUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        say(status.message);
        if (status.state === "admitted") {
          window.location.assign(nextUrl);
        } else if (status.state === "waiting") {
          later(status.check_after);
        }
        // "none": the browser kept no place; the message says why, and asking again would not help.
      })
      .catch(function () {
        later(RETRY_SECONDS); // a network hiccup: the place is kept, ask again a little later
      });
  }

  later(parseInt(room.getAttribute("data-check-after"), 10) || RETRY_SECONDS);
})();
