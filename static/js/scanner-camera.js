/* The phone's rear camera as a ticket scanner: reads QR codes from the video with the browser's
   own BarcodeDetector where it has one, else with jsQR (static/vendor/jsqr), and hands each code
   to `onCode`. The same code is not handed on again within a few seconds, so a ticket held in
   front of the camera is checked once.

   window.sportevents.startCamera({video, onCode, onError}) -> {stop()} */
(function () {
  "use strict";

  var REPEAT_MS = 4000; // the same code again within this time is the same scan
  var FRAME_MS = 150;

  function detectorFor() {
    if (!("BarcodeDetector" in window)) {
      return Promise.resolve(null);
    }
    return window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        return formats.indexOf("qr_code") >= 0
          ? new window.BarcodeDetector({ formats: ["qr_code"] })
          : null;
      })
      .catch(function () {
        return null;
      });
  }

  function jsqrReader(video) {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return function () {
      var width = video.videoWidth;
      var height = video.videoHeight;
      if (!width || !height || typeof window.jsQR !== "function") {
        return Promise.resolve(null);
      }
      canvas.width = width;
      canvas.height = height;
      context.drawImage(video, 0, 0, width, height);
      var image = context.getImageData(0, 0, width, height);
      var found = window.jsQR(image.data, width, height, { inversionAttempts: "dontInvert" });
      return Promise.resolve(found ? found.data : null);
    };
  }

  function detectorReader(detector, video) {
    return function () {
      return detector.detect(video).then(function (codes) {
        return codes.length ? codes[0].rawValue : null;
      });
    };
  }

  function startCamera(options) {
    var video = options.video;
    var stream = null;
    var timer = null;
    var stopped = false;
    var last = { code: null, at: 0 };

    function stop() {
      stopped = true;
      if (timer) {
        clearTimeout(timer);
      }
      if (stream) {
        stream.getTracks().forEach(function (track) {
          track.stop();
        });
      }
      video.srcObject = null;
    }

    function handOn(code) {
      var now = Date.now();
      if (!code || (code === last.code && now - last.at < REPEAT_MS)) {
        return;
      }
      last = { code: code, at: now };
      options.onCode(code);
    }

    function loop(read) {
      if (stopped) {
        return;
      }
      read()
        .then(handOn)
        .catch(function () {
          /* a frame that could not be read: the next one may */
        })
        .then(function () {
          timer = setTimeout(function () {
            loop(read);
          }, FRAME_MS);
        });
    }

    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      options.onError(null);
      return { stop: stop };
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (media) {
        if (stopped) {
          media.getTracks().forEach(function (track) {
            track.stop();
          });
          return;
        }
        stream = media;
        video.srcObject = media;
        return video.play().then(detectorFor).then(function (detector) {
          loop(detector ? detectorReader(detector, video) : jsqrReader(video));
        });
      })
      .catch(function (error) {
        stop();
        options.onError(error);
      });
    return { stop: stop };
  }

  window.sportevents = window.sportevents || {};
  window.sportevents.startCamera = startCamera;
})();
