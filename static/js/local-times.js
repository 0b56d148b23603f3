/* Adds "your time: 10:00–13:00" next to a session's venue-local times when the visitor's
   browser is in a zone whose offset differs at those moments. The server writes each time as
   <time datetime="UTC ISO" data-offset="venue offset in minutes">. The whole note, words,
   punctuation and word order, comes translated with the page in the data-your-time attribute
   of an ancestor, e.g. "(your time: {time})"; only {time} is filled in here. */
(function () {
  "use strict";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function clock(date) {
    return pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function sameDay(a, b) {
    return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  function annotate(range) {
    var times = range.querySelectorAll("time[datetime][data-offset]");
    if (!times.length || range.querySelector(".your-time")) {
      return;
    }
    var differs = false;
    var moments = [];
    for (var i = 0; i < times.length; i++) {
      var moment = new Date(times[i].getAttribute("datetime"));
      if (isNaN(moment.getTime())) {
        return;
      }
      // getTimezoneOffset() is minutes *behind* UTC: the opposite sign of an offset.
      if (-moment.getTimezoneOffset() !== parseInt(times[i].getAttribute("data-offset"), 10)) {
        differs = true;
      }
      moments.push(moment);
    }
    if (!differs) {
      return;
    }
    var holder = range.closest("[data-your-time]");
    var pattern = holder ? holder.getAttribute("data-your-time") : "(your time: {time})";
    // Name the day too when, for the visitor, the session starts on another day than at the venue.
    var venueStart = new Date(moments[0].getTime() + parseInt(times[0].getAttribute("data-offset"), 10) * 60000);
    var otherDay =
      venueStart.getUTCFullYear() !== moments[0].getFullYear() ||
      venueStart.getUTCMonth() !== moments[0].getMonth() ||
      venueStart.getUTCDate() !== moments[0].getDate();
    var text = (otherDay ? moments[0].toLocaleDateString() + " " : "") + clock(moments[0]);
    if (moments.length > 1) {
      var last = moments[moments.length - 1];
      text += "–" + (sameDay(moments[0], last) ? "" : last.toLocaleDateString() + " ") + clock(last);
    }
    var note = document.createElement("span");
    note.className = "your-time";
    // A function, so that "$" in the text is not read as a replacement pattern.
    note.textContent = " " + pattern.replace("{time}", function () {
      return text;
    });
    range.appendChild(note);
  }

  function run() {
    var ranges = document.querySelectorAll(".session-time");
    for (var i = 0; i < ranges.length; i++) {
      annotate(ranges[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
