/* mall-pa scripts: the preview by simulation (B5, B6), for the planner's review of a submitted
 * version and for marketing before submitting.
 *
 * GET /api/scripts/{id}/preview simulates each day of the version's dates from today with the
 * current schedule and the store's typical pages, with it and without it (a few seconds): the
 * plays it asks for and airs each day, when, and what the other campaigns lose; `warnings`
 * says what the days cannot hold, shown first, before the approve button. GET .../preview.wav
 * is the break of its first play with the music either side: fetched to a blob, so that a
 * refusal (409 never_airs...) shows its sentence, then played in an <audio controls>.
 *
 * Contract (used by scripts.js):
 * - PA.previewBox(v, {problem(p) -> text}) -> a node for version `v` (ScriptVersionOut): the
 *   button "模拟播出" and whatever is known of its preview. What is known is kept per version
 *   (until its fields change), so the detail may be drawn again at any time: a simulation on
 *   its way, its answer and the sound carry on in the new node. `problem` says one of a 422
 *   bad_script's problems in Chinese.
 * - PA.previewWarnings(v) -> the warnings of its last preview ([] when none was run).
 * Server text goes in as text only (PA.el), never as HTML.
 */
(function () {
  "use strict";

  var el = PA.el;

  var HELD = { off: "不播", none: "一次也播不出", short: "播不够", full: "播够了" };
  var SHOWN_TIMES = 6;      // the first plays of a day shown; the rest behind "…共 N 次"

  var states = {};          // version id -> what is known of its preview (see stateOf)
  var boxes = {};           // version id -> {node, options}: the box last drawn for it

  /* What is known of `v`'s preview; started again when its fields changed (a step such as
   * submitting changes none of them: the preview stays). */
  function stateOf(v) {
    var key = JSON.stringify(v.fields);
    var s = states[v.id];
    if (!s || s.key !== key) {
      if (s) dropSound(s);
      s = states[v.id] = {
        key: key, busy: false, answer: null, failure: null,
        listening: false, sound: "", audio: null, soundFailure: null,
      };
    }
    return s;
  }

  function dropSound(s) {
    if (s.sound) URL.revokeObjectURL(s.sound);
    if (s.audio) s.audio.pause();
    s.sound = "";
    s.audio = null;
    s.soundFailure = null;
  }

  // -- asking the service ------------------------------------------------------------------

  /* A GET of JSON (or, `asBlob`, of a file); it rejects with a PA.Failure carrying the 422's
   * `problems`. A 401 brings the sign-in form back (through PA.api). */
  function get(path, asBlob) {
    var accept = asBlob ? "audio/wav, application/json" : "application/json";
    return fetch(path, { headers: { Accept: accept }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.ok && asBlob) return response.blob();
        return response.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (response.ok) return data;
          throw PA.refused(response, data);
        });
      }, function () { throw new PA.Failure(0); });
  }

  function simulate(v) {
    var s = stateOf(v);
    if (s.busy) return; // one at a time: it takes seconds
    s.busy = true;
    s.failure = null;
    dropSound(s); // a new simulation: its first play may be another one
    draw(v.id, "run");
    get("/api/scripts/" + v.id + "/preview")
      .then(function (answer) { s.answer = answer; },
            function (failure) { s.answer = null; s.failure = failure; }) // no stale answer
      .then(function () {
        s.busy = false;
        if (states[v.id] === s) draw(v.id, "answer");
      });
  }

  function listen(v) {
    var s = stateOf(v);
    if (s.listening) return;
    s.listening = true;
    s.soundFailure = null;
    draw(v.id, "listen");
    get("/api/scripts/" + v.id + "/preview.wav", true)
      .then(function (blob) {
        if (states[v.id] !== s) return;
        s.sound = URL.createObjectURL(blob);
        s.audio = el("audio", { id: "preview-audio", class: "preview-audio", controls: true, preload: "auto",
                                src: s.sound, "aria-label": "试听插播" });
      }, function (failure) { s.soundFailure = failure; })
      .then(function () {
        s.listening = false;
        if (states[v.id] !== s) return;
        draw(v.id, "sound");
        if (s.audio && s.audio.isConnected) {
          s.audio.focus();
          var playing = s.audio.play();
          if (playing && playing.catch) playing.catch(function () {}); // the controls are there
        }
      });
  }

  // -- drawing -----------------------------------------------------------------------------

  function previewBox(v, options) {
    var node = el("section", { class: "preview", id: "preview", "aria-labelledby": "preview-heading" });
    boxes[v.id] = { node: node, options: options || {}, v: v };
    fill(boxes[v.id]);
    return node;
  }

  /* The box of version `id` drawn again, if it is on the page; `why` is what changed. */
  function draw(id, why) {
    var box = boxes[id];
    if (!box || !box.node.isConnected) return;
    var focused = document.activeElement && box.node.contains(document.activeElement)
      ? document.activeElement.id : "";
    fill(box);
    var lost = !document.activeElement || document.activeElement === document.body;
    if (!focused && lost && why === "answer") focused = "preview-run"; // it was pressed, then disabled
    if (focused && document.getElementById(focused)) {
      document.getElementById(focused).focus({ preventScroll: why === "answer" });
    }
    if (why === "answer") {
      var first = box.node.querySelector(".preview-warnings, .preview-summary, #preview-message");
      if (first && first.scrollIntoView) first.scrollIntoView({ block: "nearest" });
    }
  }

  function fill(box) {
    var v = box.v, s = stateOf(v), node = PA.clear(box.node);
    node.setAttribute("aria-busy", s.busy ? "true" : "false");
    node.appendChild(el("h3", { id: "preview-heading", text: "模拟播出" }));
    node.appendChild(el("p", { class: "muted preview-intro",
      text: "按现在的排期和商场平常的找人广播,把它的日期从今天起逐天模拟一遍:每天能播几次、什么时候播、" +
            "别的活动少播多少。只是预览,不会播出。" }));
    node.appendChild(el("div", { class: "actions" },
      el("button", { class: "btn preview-run", id: "preview-run", type: "button", disabled: s.busy,
                     onclick: function () { simulate(v); },
                     text: s.busy ? "正在模拟…" : s.answer ? "重新模拟" : "模拟播出" })));
    node.appendChild(message(s, box.options));
    if (s.answer && !s.busy) node.appendChild(result(v, s));
  }

  function message(s, options) {
    var box = el("div", { id: "preview-message", role: "status", "aria-live": "polite" });
    if (s.busy) {
      box.className = "notice preview-busy";
      box.textContent = "正在模拟…每天要模拟两次(有它和没有它),需要几秒钟。";
    } else if (s.failure) {
      var problems = s.failure.problems || [];
      box.className = "notice error";
      box.appendChild(el("p", { text: problems.length && s.failure.code === "bad_script"
        // its own sentence is the save's ("……没有保存"): here nothing was being saved
        ? "这一版有 " + problems.length + " 处要改,不能模拟播出;改好后再试:"
        : "无法模拟播出:" + s.failure.message }));
      if (problems.length) {
        var list = el("ul");
        problems.forEach(function (p) {
          list.appendChild(el("li", { text: options.problem ? options.problem(p) : String(p.where || "") }));
        });
        box.appendChild(list);
      }
    } else {
      box.className = "notice";
    }
    return box;
  }

  function result(v, s) {
    var answer = s.answer, out = el("div", { class: "preview-result" });
    var warnings = answer.warnings || [];
    if (warnings.length) {
      var list = el("ul");
      warnings.forEach(function (w) { list.appendChild(el("li", { text: w })); });
      out.appendChild(el("div", { class: "preview-warnings", role: "alert" },
        el("p", { class: "preview-warnings-head", text: "要注意" }), list));
    }
    out.appendChild(summary(answer));
    out.appendChild(el("p", { class: "muted preview-basis", text: "找人广播的估算:" + answer.pages }));
    out.appendChild(daysTable(answer));
    if (answer.more_days) {
      out.appendChild(el("p", { class: "muted", text: "后面还有 " + answer.more_days + " 天没有模拟。" }));
    }
    out.appendChild(lossesTable(answer.losses || []));
    out.appendChild(listening(v, s));
    return out;
  }

  function summary(answer) {
    var running = answer.days.filter(function (d) { return d.held !== "off"; }).length;
    var line = el("p", { class: "preview-summary" },
      el("span", { text: "共要 " }), el("strong", { class: "preview-asked", text: String(answer.asked) }),
      el("span", { text: " 次,模拟播出 " }), el("strong", { class: "preview-airs", text: String(answer.airs) }),
      el("span", { text: " 次" }));
    var short = el("p", { class: "preview-short" + (answer.short_days ? " bad" : "") });
    if (!running) short.textContent = "模拟的 " + answer.days.length + " 天里它都不播出。";
    else if (answer.short_days) {
      short.textContent = "播不够的天数:" + answer.short_days + " 天(共 " + running + " 天要播)";
    } else short.textContent = "播不够的天数:0 天,要播的 " + running + " 天都播够了。";
    var range = answer.days.length
      ? "模拟了 " + dayText(answer.days[0].day) + "至" + dayText(answer.days[answer.days.length - 1].day) +
        ",共 " + answer.days.length + " 天。"
      : "从今天起它没有要播的日子。";
    return el("div", { class: "preview-totals" }, line, short, el("p", { class: "muted", text: range }));
  }

  function daysTable(answer) {
    var body = el("tbody");
    answer.days.forEach(function (d) {
      var off = d.held === "off";
      body.appendChild(el("tr", { class: "held-" + d.held, "data-day": d.day },
        el("td", { class: "date", text: dayText(d.day) }),
        el("td", { text: d.weekday }),
        el("td", { class: "num", text: off ? "—" : String(d.asked) }),
        el("td", { class: "num", text: off ? "—" : String(d.airs) }),
        el("td", {}, el("span", { class: "held held-" + d.held, text: HELD[d.held] || d.held })),
        timesCell(d)));
    });
    return el("div", { class: "table-wrap" },
      el("table", { class: "preview-days" },
        el("caption", { text: "每天" }),
        el("thead", {}, el("tr", {},
          th("日期"), th("星期"), th("要播", "num"), th("模拟播出", "num"), th("状态"), th("播出时间"))),
        body));
  }

  function timesCell(d) {
    var cell = el("td", { class: "times" });
    var times = d.times || [];
    if (!times.length) {
      cell.appendChild(el("span", { class: "muted", text: d.note || "—" }));
      return cell;
    }
    cell.title = times.join(" ");
    cell.appendChild(el("span", { class: "first-times", text: times.slice(0, SHOWN_TIMES).join("、") }));
    if (times.length > SHOWN_TIMES) {
      cell.appendChild(el("details", { class: "more-times" },
        el("summary", { text: "…共 " + times.length + " 次" }),
        el("span", { class: "all-times", text: times.join("、") })));
    }
    if (d.note) cell.appendChild(el("span", { class: "muted day-note", text: d.note }));
    return cell;
  }

  function lossesTable(losses) {
    var box = el("div", { class: "preview-losses" }, el("h4", { text: "别的活动因此少播(模拟的日子合计)" }));
    if (!losses.length) {
      box.appendChild(el("p", { class: "muted", text: "别的活动不会因此少播。" }));
      return box;
    }
    var body = el("tbody");
    losses.forEach(function (x) {
      var lost = x.without - x.with_it;
      body.appendChild(el("tr", { "data-script": x.script_id },
        el("td", {}, el("span", { text: x.title || x.script_id }), " ",
          el("span", { class: "muted script-id", text: x.script_id })),
        el("td", { class: "num", text: String(x.without) }),
        el("td", { class: "num", text: String(x.with_it) }),
        el("td", { class: "num" + (lost > 0 ? " lost" : ""), text: String(lost) })));
    });
    box.appendChild(el("div", { class: "table-wrap" },
      el("table", { class: "preview-loss-table" },
        el("thead", {}, el("tr", {}, th("活动"), th("原来", "num"), th("加入后", "num"), th("少播", "num"))),
        body)));
    return box;
  }

  function listening(v, s) {
    var box = el("div", { class: "preview-listen" }, el("h4", { text: "试听插播" }));
    if (!s.answer.audio) {
      box.appendChild(el("p", { class: "muted", text: "模拟的日子里它一次也播不出,没有可以试听的插播。" }));
      return box;
    }
    box.appendChild(el("p", { class: "muted", text: "它第一次播出时的那段插播,前后带一段音乐,和商场里听到的一样。" }));
    if (s.audio) box.appendChild(s.audio); // the same element: what is playing goes on
    else {
      box.appendChild(el("div", { class: "actions" },
        el("button", { class: "btn", id: "preview-listen", type: "button", disabled: s.listening,
                       onclick: function () { listen(v); },
                       text: s.listening ? "正在准备试听…" : "试听插播" })));
    }
    if (s.soundFailure) {
      box.appendChild(el("p", { class: "notice error", role: "alert", text: "无法试听:" + s.soundFailure.message }));
    }
    return box;
  }

  function th(text, cls) { return el("th", { scope: "col", class: cls || null, text: text }); }

  /* "2026-11-28" -> "11月28日" (with the year when it is not this one). */
  function dayText(day) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(day || ""));
    if (!m) return String(day || "");
    var text = parseInt(m[2], 10) + "月" + parseInt(m[3], 10) + "日";
    return parseInt(m[1], 10) === new Date().getFullYear() ? text : m[1] + "年" + text;
  }

  function previewWarnings(v) {
    var s = stateOf(v);
    return s.answer ? (s.answer.warnings || []).slice() : [];
  }

  PA.previewBox = previewBox;
  PA.previewWarnings = previewWarnings;
})();
