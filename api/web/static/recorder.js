/* The microphone for the phone page (B7): one take at a time, MediaRecorder behind it.
 *
 * - PA.recorder.unavailable() -> why this browser cannot record ("" when it can): phones
 *   give the microphone only to a secure (HTTPS) page, and old browsers have no MediaRecorder.
 * - PA.recorder.record(onChange) -> a take. onChange(take) runs on every change and about
 *   four times a second while recording. take.state: "starting" (asking for the microphone),
 *   "recording" (take.seconds() so far), "stopping", "done" (take.blob, take.url for an
 *   <audio>, take.mime, take.filename) or "failed" (take.message says why, in Chinese).
 *   take.stop() ends it (it also ends by itself after MAX_SECONDS); take.discard() drops it
 *   and frees the microphone and the blob URL.
 * The type is the first the browser supports: webm/opus on Chrome and Android, mp4/aac on
 * Safari and iPhone; the service takes any of them.
 */
(function () {
  "use strict";

  var MAX_SECONDS = 110; // the service takes up to 120 s after trimming silence
  var MIME_TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4", "audio/webm"];

  function unavailable() {
    if (!window.isSecureContext) {
      return "手机浏览器只在 HTTPS 页面上允许使用麦克风,请用 https:// 地址打开本页。";
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
      return "这个浏览器不能录音,请换用最新版的 Chrome 或 Safari。";
    }
    return "";
  }

  function pickMime() {
    for (var i = 0; i < MIME_TYPES.length; i++) {
      if (MediaRecorder.isTypeSupported(MIME_TYPES[i])) return MIME_TYPES[i];
    }
    return "";
  }

  function extension(mime) {
    if (mime.indexOf("ogg") >= 0) return ".ogg";
    if (mime.indexOf("mp4") >= 0 || mime.indexOf("aac") >= 0) return ".m4a";
    if (mime.indexOf("mpeg") >= 0) return ".mp3";
    if (mime.indexOf("wav") >= 0) return ".wav";
    return ".webm";
  }

  function microphoneProblem(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") {
      return "没有麦克风权限:请在浏览器的网站设置里允许本页使用麦克风,然后再录。";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") return "这台手机上没有找到麦克风。";
    if (name === "NotReadableError") return "麦克风正被别的应用占用,请关掉那个应用后再录。";
    return "无法开始录音,请再试一次。";
  }

  function stopStream(stream) {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
  }

  function record(onChange) {
    var take = {
      state: "starting", mime: pickMime(), blob: null, url: "", filename: "", message: "",
      seconds: function () { return started ? (Date.now() - started) / 1000 : 0; },
      stop: stop, discard: discard,
    };
    var chunks = [], stream = null, recorder = null, started = 0, timer = null, dropped = false;

    function change(state, message) {
      if (state) take.state = state;
      if (message) take.message = message;
      if (!dropped) onChange(take);
    }

    function tick() {
      if (take.seconds() >= MAX_SECONDS) stop();
      else change();
    }

    function stop() {
      if (take.state !== "recording") return;
      clearInterval(timer);
      recorder.stop(); // onstop finishes the take
      stopStream(stream);
      change("stopping");
    }

    function finish() {
      var mime = recorder.mimeType || take.mime || "audio/webm";
      var blob = new Blob(chunks, { type: mime });
      if (!blob.size) { change("failed", "没有录到声音,请再录一次。"); return; }
      take.mime = mime;
      take.blob = blob;
      take.url = URL.createObjectURL(blob);
      take.filename = "page" + extension(mime);
      change("done");
    }

    function discard() {
      dropped = true;
      clearInterval(timer);
      if (recorder && recorder.state !== "inactive") recorder.stop();
      stopStream(stream);
      if (take.url) URL.revokeObjectURL(take.url);
    }

    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (got) {
      if (dropped) { stopStream(got); return; }
      stream = got;
      recorder = new MediaRecorder(stream, take.mime ? { mimeType: take.mime } : undefined);
      recorder.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
      recorder.onstop = function () { if (!dropped) finish(); };
      recorder.start(500);
      started = Date.now();
      timer = setInterval(tick, 250);
      change("recording");
    }).catch(function (error) { // refused, no microphone, or MediaRecorder would not start
      clearInterval(timer);
      stopStream(stream);
      change("failed", microphoneProblem(error));
    });
    return take;
  }

  window.PA.recorder = { unavailable: unavailable, record: record, MAX_SECONDS: MAX_SECONDS };
})();
