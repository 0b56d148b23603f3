/* Check-in page: the door's scanner.

   Online, each code (typed, from a hand-held scanner that "types" it and presses Enter, or from
   the camera) goes to the check-in API and the answer fills the big panel. When the network is
   down, the ticket is checked on this device with the event's public keys (kept in
   localStorage, refreshed while online; see ticket-verifier.js), the answer says "offline",
   and the scan waits in a queue with its time, gate and this device's id. Back online, the
   queue goes to the sync API, which decides repeats across devices (the earliest scan counts);
   the page tells what it found.

   Without JavaScript the form posts to the page as before. Texts and addresses come from the
   data- attributes of [data-scanner]. window.sportevents.checkIn(code) checks a code as if it
   had been scanned. */
(function () {
  "use strict";

  var KEYS_REFRESH_MS = 5 * 60 * 1000;
  var SYNC_RETRY_MS = 15 * 1000;
  var SYNC_BATCH = 500;

  function json(text, fallback) {
    try {
      return JSON.parse(text);
    } catch (error) {
      return fallback;
    }
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, name) {
      return values[name] === undefined || values[name] === null ? "" : String(values[name]);
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function Store(event) {
    var prefix = "sportevents:door:";
    function get(name, fallback) {
      try {
        var value = window.localStorage.getItem(prefix + name);
        return value === null ? fallback : json(value, fallback);
      } catch (error) {
        return fallback;
      }
    }
    function set(name, value) {
      try {
        window.localStorage.setItem(prefix + name, JSON.stringify(value));
      } catch (error) {
        /* storage full or disabled: the page still works online */
      }
    }
    function randomId() {
      if (window.crypto && typeof window.crypto.randomUUID === "function") {
        return window.crypto.randomUUID();
      }
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      return Array.prototype.map
        .call(bytes, function (b) {
          return (b < 16 ? "0" : "") + b.toString(16);
        })
        .join("");
    }
    var device = get("device", null);
    if (!device) {
      device = randomId();
      set("device", device);
    }
    return {
      device: device,
      keys: function () {
        return get("keys:" + event, null);
      },
      setKeys: function (keys) {
        set("keys:" + event, keys);
      },
      queue: function () {
        return get("queue:" + event, []);
      },
      setQueue: function (queue) {
        set("queue:" + event, queue);
      },
      seen: function () {
        return get("seen:" + event, {});
      },
      remember: function (ticketId, scan) {
        var seen = get("seen:" + event, {});
        if (!seen[ticketId]) {
          seen[ticketId] = scan;
          set("seen:" + event, seen);
        }
      },
    };
  }

  function run() {
    var root = document.querySelector("[data-scanner]");
    var form = root && root.querySelector("form[data-check-in-form]");
    var field = form && form.querySelector("input[name='token']");
    if (!field) {
      return;
    }
    var gateField = form.querySelector("input[name='gate']");
    var csrf = form.querySelector("input[name='csrfmiddlewaretoken']");
    var panel = root.querySelector(".scan-answer");
    var report = root.querySelector("[data-sync-report]");
    var stateLine = root.querySelector("[data-scanner-state]");
    var network = root.querySelector("[data-network]");
    var queueLine = root.querySelector("[data-queue]");
    var config = root.dataset;
    var texts = json(config.texts, {});
    var reasons = json(config.reasons, {});
    var needs = json(config.needs, {});
    var store = Store(config.event);
    var syncing = false;
    var clock = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: config.zone || undefined,
    });

    function time(iso) {
      var date = new Date(iso);
      return isNaN(date.getTime()) ? "?" : clock.format(date);
    }

    function online() {
      return navigator.onLine !== false;
    }

    function post(url, body) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrf ? csrf.value : "",
        },
        body: JSON.stringify(body),
      });
    }

    /* The state line: online or offline, and how many scans wait to be sent. */
    function showState() {
      var up = online();
      stateLine.hidden = false;
      network.textContent = up ? texts.online : store.keys() ? texts.offline : texts.noKeys;
      network.className = "network network--" + (up ? "online" : "offline");
      var waiting = store.queue().length;
      queueLine.textContent = waiting ? format(texts.queued, { count: waiting }) : "";
      queueLine.hidden = !waiting;
    }

    /* The big panel: result is valid, already or invalid. */
    function show(result, heading, details) {
      details = details || {};
      var box = element("div", "scan scan--" + result);
      var title = element("p", "scan-heading");
      var symbol = element("span", "scan-symbol", { valid: "✓", already: "!", invalid: "✗" }[result]);
      symbol.setAttribute("aria-hidden", "true");
      title.appendChild(symbol);
      title.appendChild(document.createTextNode(" " + heading));
      box.appendChild(title);
      if (details.reason) {
        box.appendChild(element("p", "scan-reason", details.reason));
      }
      if (details.facts && details.facts.length) {
        var list = element("dl", "facts");
        details.facts.forEach(function (fact) {
          list.appendChild(element("dt", "", fact[0]));
          list.appendChild(element("dd", "", fact[1]));
        });
        box.appendChild(list);
      }
      if (details.needs) {
        var line = element("p", "scan-needs");
        line.appendChild(element("strong", "", texts.needs));
        line.appendChild(document.createTextNode(" " + details.needs));
        box.appendChild(line);
      }
      panel.textContent = "";
      panel.appendChild(box);
    }

    function alreadyHeading(previous) {
      var values = { time: previous ? time(previous.scanned_at) : "?", gate: previous ? previous.gate : "" };
      return format(values.gate ? texts.alreadyAt : texts.alreadyAtNoGate, values);
    }

    function showAnswer(data) {
      var details = {};
      if (data.result !== "invalid" && data.name) {
        details.facts = [
          [texts.name, data.name],
          [texts.ticket, data.ticket_type],
          [texts.ageGroup, data.age_group_label],
          [texts.reference, data.reference],
        ];
        var labels = (data.accessibility_needs || []).map(function (code) {
          return needs[code] || code;
        });
        if (data.accessibility_note) {
          labels.push(data.accessibility_note);
        }
        details.needs = labels.join(" · ");
      }
      if (data.result === "valid") {
        show("valid", texts.valid, details);
      } else if (data.result === "already") {
        show("already", alreadyHeading(data.previous), details);
      } else {
        details.reason = data.reason_text || reasons[data.reason] || "";
        show("invalid", texts.invalid, details);
      }
    }

    function offlineCheck(code, gate) {
      var scannedAt = new Date().toISOString();
      var queue = store.queue();
      queue.push({ token: code, gate: gate, scanned_at: scannedAt, device: store.device });
      store.setQueue(queue);
      showState();
      var keys = store.keys();
      if (!keys) {
        show("already", texts.noKeys);
        return Promise.resolve();
      }
      return window.sportevents.verifyTicket(code, keys).then(function (answer) {
        if (!answer.ok) {
          show("invalid", texts.invalid, { reason: reasons[answer.reason] || answer.reason });
          return;
        }
        var earlier = store.seen()[answer.ticketId];
        if (earlier) {
          var values = { time: time(earlier.scanned_at), gate: earlier.gate };
          show("already", format(earlier.gate ? texts.alreadyHere : texts.alreadyHereNoGate, values));
          return;
        }
        store.remember(answer.ticketId, { scanned_at: scannedAt, gate: gate });
        show("valid", texts.validOffline);
      });
    }

    function rememberAnswer(code, data) {
      var claims = window.sportevents.readTicket(code);
      if (!claims || data.result === "invalid") {
        return;
      }
      var first = data.previous || { scanned_at: new Date().toISOString(), gate: gateField ? gateField.value : "" };
      store.remember(claims.ticketId, { scanned_at: first.scanned_at, gate: first.gate });
    }

    function checkIn(code) {
      code = String(code || "").trim();
      if (!code) {
        return Promise.resolve();
      }
      var gate = gateField ? gateField.value.trim() : "";
      field.value = "";
      if (!online()) {
        return offlineCheck(code, gate).then(function () {
          field.focus();
        });
      }
      return post(config.checkinUrl, { event: config.event, token: code, gate: gate })
        .then(function (response) {
          if (response.status >= 500) {
            throw new Error("server " + response.status);
          }
          return response.json().then(function (data) {
            if (!response.ok) {
              var detail = data.errors ? Object.values(data.errors).join(" ") : data.detail;
              show("invalid", texts.invalid, { reason: detail || texts.serverError });
              return;
            }
            showAnswer(data);
            rememberAnswer(code, data);
            refreshRecent();
            sync();
          });
        })
        .catch(function () {
          // No answer from the server: the network (or the server) is down.
          return offlineCheck(code, gate);
        })
        .then(function () {
          showState();
          field.focus();
        });
    }

    /* The "Last scans" table, as the server now has it. */
    var recentTimer = null;
    function refreshRecent() {
      clearTimeout(recentTimer);
      recentTimer = setTimeout(function () {
        fetch(window.location.pathname, { credentials: "same-origin" })
          .then(function (response) {
            return response.ok ? response.text() : null;
          })
          .then(function (html) {
            var current = document.querySelector("section[aria-labelledby='recent-heading']");
            var fresh = html && new DOMParser().parseFromString(html, "text/html")
              .querySelector("section[aria-labelledby='recent-heading']");
            if (current && fresh) {
              current.replaceWith(document.importNode(fresh, true));
            }
          })
          .catch(function () {
            /* offline: the table waits */
          });
      }, 800);
    }

    function showReport(data, sent) {
      var lines = [format(texts.synced, { count: sent })];
      data.results.forEach(function (item) {
        var name = item.name || "";
        if (item.result === "refused") {
          lines.push(format(texts.refused, { detail: item.detail }));
        } else if (item.result === "already" && item.previous && !item.resent && item.previous.device !== store.device) {
          // A repeat on this device was amber already; one across devices is news.
          lines.push(format(texts.duplicate, { name: name, time: time(item.previous.scanned_at), gate: item.previous.gate || "—" }));
        } else if (item.result === "valid" && item.superseded) {
          lines.push(format(texts.duplicate, { name: name, time: time(item.scanned_at), gate: item.gate || "—" }));
        }
      });
      report.textContent = "";
      var box = element("div", "alert" + (lines.length > 1 ? " alert--duplicates" : " alert--success"));
      lines.forEach(function (line) {
        box.appendChild(element("p", "", line));
      });
      report.appendChild(box);
      report.hidden = false;
    }

    /* Send the waiting scans; the server's answer decides repeats across devices. */
    function sync() {
      var queue = store.queue();
      if (syncing || !queue.length || !online()) {
        return Promise.resolve();
      }
      syncing = true;
      var batch = queue.slice(0, SYNC_BATCH);
      return post(config.syncUrl, { event: config.event, scans: batch })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("sync " + response.status);
          }
          return response.json().then(function (data) {
            // Scans made while this batch was on its way stay in the queue.
            store.setQueue(store.queue().slice(batch.length));
            showReport(data, batch.length);
            refreshRecent();
          });
        })
        .catch(function () {
          report.textContent = "";
          report.appendChild(element("p", "alert alert--error", texts.syncFailed));
          report.hidden = false;
        })
        .then(function () {
          syncing = false;
          showState();
        });
    }

    function refreshKeys() {
      if (!online()) {
        return Promise.resolve();
      }
      return fetch(config.keysUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (keys) {
          if (keys && keys.keys) {
            store.setKeys(keys);
          }
        })
        .catch(function () {
          /* offline: keep the keys we have */
        })
        .then(showState);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      checkIn(field.value);
    });

    window.addEventListener("online", function () {
      showState();
      refreshKeys().then(sync);
    });
    window.addEventListener("offline", showState);
    setInterval(refreshKeys, KEYS_REFRESH_MS);
    setInterval(sync, SYNC_RETRY_MS);

    setUpCamera(root, texts, checkIn);

    window.sportevents = window.sportevents || {};
    window.sportevents.checkIn = checkIn;
    window.sportevents.syncNow = sync;
    showState();
    refreshKeys().then(sync);
    field.focus();
  }

  function setUpCamera(root, texts, checkIn) {
    var box = root.querySelector("[data-camera]");
    var toggle = box && box.querySelector("[data-camera-toggle]");
    var video = box && box.querySelector("[data-camera-video]");
    var problem = box && box.querySelector("[data-camera-error]");
    if (!toggle || !window.sportevents.startCamera) {
      return;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      box.hidden = false;
      toggle.disabled = true;
      problem.textContent = texts.cameraUnsupported;
      problem.hidden = false;
      return;
    }
    var camera = null;
    function stop() {
      if (camera) {
        camera.stop();
        camera = null;
      }
      video.hidden = true;
      toggle.textContent = texts.cameraStart;
    }
    toggle.addEventListener("click", function () {
      if (camera) {
        stop();
        return;
      }
      problem.hidden = true;
      video.hidden = false;
      toggle.textContent = texts.cameraStop;
      camera = window.sportevents.startCamera({
        video: video,
        onCode: checkIn,
        onError: function (error) {
          stop();
          problem.textContent = error
            ? format(texts.cameraDenied, { error: error.message || error.name })
            : texts.cameraUnsupported;
          problem.hidden = false;
        },
      });
    });
    box.hidden = false;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
