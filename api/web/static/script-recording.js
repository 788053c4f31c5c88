/* mall-pa scripts: a script version's recording in a trained announcer's own voice (B7).
 *
 * Everyone who reads a version hears its recording (GET /api/scripts/{id}/recording, in an
 * <audio controls>), and sees who made it. A trained marketing user records one with the
 * microphone (recorder.js: start, stop, the seconds so far, listen to the take, record again
 * or drop it) or chooses a file, then uploads it (POST .../recording, the file field `audio`);
 * "删除录音" (DELETE .../recording) asks first. Both are edits of the version: a submitted one
 * goes back to draft, an approved one gets a new version (the answer), approved again while
 * the old one airs. The service's refusals (403 not_trained, 422 recording_silent..., 413,
 * 409) are shown in the section as it says them; nothing is sent twice on its own.
 * Untrained marketing users see why they cannot record; planners and supervisors only listen.
 *
 * Contract (used by scripts.js):
 * - PA.recordingBox(v, options) -> the "录音" section of version `v` (ScriptVersionOut).
 *   options: {writer: marketing?, trained: the account's trained mark, elsewhere: why this
 *   version's recording is not changed here ("" when it may be), next: the number an
 *   approved version's change gets, live: the number of the approved version that airs
 *   meanwhile (0: none), changed(answer): the version after an upload or a removal,
 *   stale(): the list is to be asked again (409, 404)}. What is under way (a take, a chosen
 *   file, an upload) is kept per version, so the detail may be drawn again at any time.
 * - PA.pauseRecordings() (signed out): a take under way stops, kept; nothing plays.
 *   PA.dropRecordings() (another person signed in): every take and chosen file dropped.
 * Server text goes in as text only (PA.el), never as HTML.
 */
(function () {
  "use strict";

  var el = PA.el;
  var MAX_BYTES = 30 * 1000 * 1000; // the service's limit (daemon/speech/recording.py)

  var states = {}; // version id -> {take, seconds, file, fileUrl, input, busy, message, player}
  var boxes = {};  // version id -> {node, v, options}: the box last drawn for it

  function stateOf(id) {
    if (!states[id]) {
      states[id] = { take: null, seconds: 0, file: null, fileUrl: "", input: null, busy: false,
                     message: null, player: null, playerFor: "" };
    }
    return states[id];
  }

  function path(v) { return "/api/scripts/" + v.id + "/recording"; }

  function clock(seconds) {
    var s = Math.floor(seconds);
    return Math.floor(s / 60) + ":" + (s % 60 < 10 ? "0" : "") + (s % 60);
  }

  function say(s, kind, text) { s.message = text ? { kind: kind, text: text } : null; }

  /* Drop what is waiting to be uploaded: the take (and the microphone), the chosen file. */
  function dropPending(s) {
    if (s.take) s.take.discard();
    if (s.fileUrl) URL.revokeObjectURL(s.fileUrl);
    s.take = null;
    s.seconds = 0;
    s.file = null;
    s.fileUrl = "";
    if (s.input) s.input.value = "";
  }

  function pendingBlob(s) {
    if (s.file) return { blob: s.file, name: s.file.name || "录音" };
    if (s.take && s.take.state === "done") {
      return { blob: s.take.blob, name: "录音" + s.take.filename.replace(/^[^.]*/, "") };
    }
    return null;
  }

  // -- the microphone ----------------------------------------------------------------------

  function start(v) {
    var s = stateOf(v.id);
    if (s.busy || (s.take && s.take.state !== "done" && s.take.state !== "failed")) return;
    dropPending(s);
    say(s, "", "");
    s.take = PA.recorder.record(function (take) { onTake(v.id, take); });
    draw(v.id, "recording-stop");
  }

  function onTake(id, take) {
    var s = stateOf(id);
    if (s.take !== take) return;
    var box = boxes[id];
    if (take.state === "recording") {
      if (!box || !box.node.isConnected) { take.stop(); return; } // another version is shown
      var timer = box.node.querySelector("#recording-timer");
      if (timer) { timer.textContent = clock(take.seconds()); return; }
    } else if (take.state === "stopping") {
      s.seconds = take.seconds();
    } else if (take.state === "failed") {
      s.take = null;
      say(s, "error", take.message);
    } else if (take.state === "done") {
      if (!s.seconds) s.seconds = take.seconds();
      say(s, "", "先听一遍:满意就上传;不满意就重录。");
    }
    draw(id, { recording: "recording-stop", done: "recording-upload", failed: "recording-start" }[take.state] || "");
  }

  function stop(v) {
    var s = stateOf(v.id);
    if (s.take) s.take.stop();
  }

  function discard(v) {
    var s = stateOf(v.id);
    dropPending(s);
    say(s, "", "");
    draw(v.id, "recording-start");
  }

  function chosen(v) {
    var s = stateOf(v.id);
    var file = s.input.files && s.input.files[0];
    if (!file) return;
    if (s.take) s.take.discard();
    if (s.fileUrl) URL.revokeObjectURL(s.fileUrl);
    s.take = null;
    s.file = file;
    s.fileUrl = URL.createObjectURL(file);
    if (file.size > MAX_BYTES) {
      say(s, "error", "「" + file.name + "」太大(" + megabytes(file.size) + ",上限 30 MB):" +
        "请只录要广播的内容(不超过 2 分钟)再上传。");
    } else {
      say(s, "", "可以先试听一下,再上传。");
    }
    draw(v.id, file.size > MAX_BYTES ? "" : "recording-upload");
  }

  function megabytes(bytes) { return (Math.round(bytes / 100000) / 10) + " MB"; }

  // -- asking the service ------------------------------------------------------------------

  function upload(v) {
    var s = stateOf(v.id);
    var pending = pendingBlob(s);
    if (s.busy || !pending) return;
    if (pending.blob.size > MAX_BYTES) return;
    var form = new FormData();
    form.append("audio", pending.blob, pending.name);
    send(v, "POST", { form: form }, "正在上传录音……", "已上传录音");
  }

  function remove(v) {
    var s = stateOf(v.id);
    if (s.busy) return;
    var box = boxes[v.id];
    PA.confirmStep({
      title: "删除「" + (v.title || v.script_id) + "」第 " + v.version + " 版的录音?",
      body: [
        el("p", { text: "删除 " + (v.fields.recorded_by || "") + " 的录音后,播出时由标准语音念广播词。" }),
        el("p", { class: "muted", text: consequence(v, box ? box.options : {}) }),
      ],
      ok: "删除录音", okClass: "danger", cancel: "不删除",
    }).then(function (yes) {
      if (yes) send(v, "DELETE", {}, "正在删除录音……", "已删除录音,播出时由标准语音念广播词");
    });
  }

  function send(v, method, options, busyText, doneText) {
    var s = stateOf(v.id);
    var box = boxes[v.id];
    var opts = box ? box.options : {};
    s.busy = true;
    say(s, "", busyText);
    draw(v.id, "");
    PA.api(method, path(v), null, options)
      .then(function (answer) {
        s.busy = false;
        dropPending(s);
        say(s, "", "");
        if (s.player) s.player.pause();
        var next = stateOf(answer.id);
        say(next, "ok", done(v, answer, doneText, opts));
        if (opts.changed) opts.changed(answer);
        draw(answer.id, "recording-message");
      }, function (failure) {
        s.busy = false;
        say(s, "error", failure.message);
        draw(v.id, "recording-message");
        if ((failure.status === 409 || failure.status === 404) && opts.stale) opts.stale();
      });
  }

  /* What the change did to the version, in a sentence. */
  function done(was, answer, what, options) {
    if (answer.id !== was.id) { // an approved one: a new version
      return what + ",已存为第 " + answer.version + " 版,需要重新批准;批准前,第 " + was.version +
        " 版照常播出。";
    }
    if (was.state === "submitted") return what + ";这一版撤回了审批申请,回到草稿:请重新提交审批。";
    return what + "(第 " + answer.version + " 版草稿):提交并经企划部批准后才会播出" +
      (options.live ? ";批准前,第 " + options.live + " 版照常播出。" : "。");
  }

  /* What an upload or a removal will do to the version, said before. */
  function consequence(v, options) {
    if (v.state === "approved") {
      return "这一版已批准、正在播出:上传或删除录音会存为第 " + (options.next || v.version + 1) +
        " 版,需要重新批准;批准前,第 " + v.version + " 版照常播出。";
    }
    if (v.state === "submitted") {
      return "这一版正在等企划部审批:上传或删除录音会撤回审批申请(回到草稿),之后请重新提交。";
    }
    return "提交并经企划部批准后才会播出" + (options.live ? ";批准前,第 " + options.live + " 版照常播出。" : "。");
  }

  // -- drawing -----------------------------------------------------------------------------

  function recordingBox(v, options) {
    var node = el("section", { class: "recording-box", id: "recording", "aria-labelledby": "recording-heading" });
    boxes[v.id] = { node: node, v: v, options: options || {} };
    fill(boxes[v.id]);
    return node;
  }

  /* The box of version `id` drawn again, if it is on the page; then `focus` (an id) or what
   * had the focus in it. */
  function draw(id, focus) {
    var box = boxes[id];
    if (!box || !box.node.isConnected) return;
    var had = document.activeElement && box.node.contains(document.activeElement) ? document.activeElement.id : "";
    fill(box);
    var target = document.getElementById(focus) || document.getElementById(had);
    if (target && box.node.contains(target) && (focus || had)) target.focus({ preventScroll: !focus });
  }

  function fill(box) {
    var v = box.v, options = box.options, s = stateOf(v.id), node = PA.clear(box.node);
    node.setAttribute("aria-busy", s.busy ? "true" : "false");
    node.appendChild(el("h3", { id: "recording-heading", text: "录音" }));
    if (v.fields.audio) node.appendChild(heard(v, s));
    else node.appendChild(el("p", { class: "muted recording-none", text: "没有录音:播出时由标准语音念上面的广播词。" }));
    if (options.writer && !options.trained) {
      node.appendChild(el("p", { class: "recording-b7",
        text: "只有受过训练的播音员才能用自己的声音录音播出(B7);要录音,请受过训练的同事来录。" }));
    } else if (options.writer && options.elsewhere) {
      node.appendChild(el("p", { class: "muted recording-elsewhere", text: options.elsewhere }));
    } else if (options.writer) {
      controls(node, v, s, options);
    }
    var message = el("div", { id: "recording-message", role: "status", "aria-live": "polite", tabindex: "-1",
                               class: "notice" + (s.message && s.message.kind ? " " + s.message.kind : "") });
    if (s.message) message.textContent = s.message.text;
    node.appendChild(message);
  }

  /* "录音:陈静 录制" and the player (the same element while the recording is the same). */
  function heard(v, s) {
    if (!s.player || s.playerFor !== v.fields.audio) {
      if (s.player) s.player.pause();
      s.playerFor = v.fields.audio;
      s.player = el("audio", {
        id: "recording-player", class: "recording-audio", controls: true, preload: "metadata",
        src: path(v) + "?f=" + encodeURIComponent(v.fields.audio), "aria-label": "试听录音",
        onerror: function () {
          var line = document.getElementById("recording-unplayable");
          if (line) line.hidden = false;
        },
      });
    }
    return el("div", { class: "recording-heard" },
      el("p", { class: "recording-by", text: "录音:" + (v.fields.recorded_by || "") + " 录制" }),
      s.player,
      el("p", { class: "muted recording-note", text: "播出时用这段录音,不用标准语音;录音要和上面的广播词一致。" }),
      el("p", { id: "recording-unplayable", class: "notice warn", hidden: true,
                text: "这段录音现在放不出来:请刷新页面再试。" }));
  }

  function controls(node, v, s, options) {
    node.appendChild(el("p", { class: "muted recording-hint",
      text: "按上面的广播词录,或选择录好的文件。" + consequence(v, options) }));
    node.appendChild(microphone(v, s));
    if (!s.input) {
      s.input = el("input", { id: "recording-file", type: "file", accept: "audio/*",
                              "aria-describedby": "recording-file-hint" });
    }
    s.input.onchange = function () { chosen(v); };
    s.input.disabled = s.busy;
    node.appendChild(el("div", { class: "recording-file" },
      el("label", { for: "recording-file", text: "或者选择录音文件" }), s.input,
      el("p", { class: "hint", id: "recording-file-hint", text: "webm、ogg、m4a、mp3 或 wav,最大 30 MB,最长 2 分钟。" })));
    var pending = pendingBlob(s);
    if (pending) node.appendChild(waiting(v, s, pending));
    if (v.fields.audio) {
      node.appendChild(el("div", { class: "actions" },
        el("button", { class: "btn danger-outline", id: "recording-delete", type: "button", disabled: s.busy,
                       onclick: function () { remove(v); }, text: "删除录音" })));
    }
  }

  function microphone(v, s) {
    var box = el("div", { class: "recording-mic" });
    var why = PA.recorder.unavailable();
    var state = s.take ? s.take.state : "";
    if (state === "recording" || state === "stopping") {
      box.appendChild(el("div", { class: "record-live" },
        el("span", { class: "mic", "aria-hidden": "true" }), el("span", { text: "正在录音" }), " ",
        el("strong", { id: "recording-timer", text: clock(s.take.seconds()) }),
        el("button", { class: "btn danger", id: "recording-stop", type: "button", disabled: state === "stopping",
                       onclick: function () { stop(v); }, text: "停止" })));
      return box;
    }
    box.appendChild(el("div", { class: "actions" },
      el("button", { class: "btn", id: "recording-start", type: "button",
                     disabled: !!why || s.busy || state === "starting", onclick: function () { start(v); } },
        el("span", { class: "mic", "aria-hidden": "true" }),
        state === "starting" ? "正在打开麦克风……" : state === "done" ? "重录" : "用麦克风录音")));
    if (why) box.appendChild(el("p", { class: "recording-why", id: "recording-why", text: why + "(仍可以选择录音文件上传。)" }));
    return box;
  }

  /* What is waiting to be uploaded: listen to it, upload it, or drop it. */
  function waiting(v, s, pending) {
    var fromFile = !!s.file;
    var what = fromFile
      ? "待上传:文件「" + pending.name + "」(" + megabytes(pending.blob.size) + ")"
      : "待上传:刚录的 " + clock(s.seconds);
    var tooLarge = pending.blob.size > MAX_BYTES;
    return el("div", { class: "recording-pending" },
      el("p", { class: "recording-what", text: what }),
      el("audio", { id: "recording-take", class: "recording-audio", controls: true, preload: "metadata",
                    src: fromFile ? s.fileUrl : s.take.url, "aria-label": "试听待上传的录音" }),
      el("div", { class: "actions" },
        el("button", { class: "btn primary", id: "recording-upload", type: "button", disabled: s.busy || tooLarge,
                       onclick: function () { upload(v); }, text: s.busy ? "正在上传……" : "上传录音" }),
        el("button", { class: "btn quiet", id: "recording-discard", type: "button", disabled: s.busy,
                       onclick: function () { discard(v); }, text: fromFile ? "不要这个文件" : "不要这段录音" })));
  }

  /* Signed out: a take under way ends (what it recorded is kept, to send after signing in
   * again), nothing plays. */
  function pauseRecordings() {
    Object.keys(states).forEach(function (id) {
      var s = states[id];
      if (s.take && s.take.state === "recording") s.take.stop();
      else if (s.take && s.take.state === "starting") { s.take.discard(); s.take = null; }
      if (s.player) s.player.pause();
    });
  }

  /* Someone else signed in: nothing of the one before stays. */
  function dropRecordings() {
    Object.keys(states).forEach(function (id) {
      var s = states[id];
      dropPending(s);
      if (s.player) s.player.pause();
      delete states[id];
    });
  }

  PA.recordingBox = recordingBox;
  PA.pauseRecordings = pauseRecordings;
  PA.dropRecordings = dropRecordings;
})();
