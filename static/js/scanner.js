/* Check-in page: keeps the cursor in the ticket-code field, where a hand-held scanner "types"
   the code and presses Enter, and offers one hook for a camera scanner to come:
   window.sportevents.checkIn(code) fills in the code and sends the form, as a person would. */
(function () {
  "use strict";

  function run() {
    var form = document.querySelector("form[data-check-in-form]");
    if (!form) {
      return;
    }
    var field = form.querySelector("input[name='token']");
    if (!field) {
      return;
    }
    window.sportevents = window.sportevents || {};
    window.sportevents.checkIn = function (code) {
      field.value = String(code || "").trim();
      if (!field.value) {
        return;
      }
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit();
      } else {
        form.submit();
      }
    };
    field.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
