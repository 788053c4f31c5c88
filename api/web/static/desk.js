/* mall-pa desk console: what is on air and what comes next, the page queue, the ON AIR light
 * (B13), the emergency panel (every active emergency: the one on air, those waiting their turn;
 * the presets, by priority), today's as-run log and the system's health.
 *
 * State comes from GET /api/status (refetched, debounced, after every live event, on every
 * (re)connect of the event stream, and every 15 s as a fallback) and GET /api/timeline
 * (on every (re)connect; item_ended events are appended in between). Between fetches the page
 * ticks by itself once a second: the progress bar, the queue's countdowns, the store clock.
 * Nothing is sent to air without a confirmation step. Built on common.js (window.PA).
 */
(function () {
  "use strict";

  var $ = PA.$, el = PA.el;

  var KINDS = {
    music: "音乐", intro: "开场", announcement: "广播", outro: "结束语",
    emergency: "紧急广播", skipped: "未播出",
  };
  var SOURCES = {
    page: "找人广播", fixed: "定时广播", campaign: "促销广播", opening_song: "开店曲",
    closing_song: "打烊曲", emergency: "紧急广播",
  };
  var TITLES = { "alert tone": "警报音" }; // the engine's own names for what it plays
  var EMERGENCY_ROLES = ["announcer", "supervisor"];
  var PAGE_ROLES = ["staff", "announcer", "supervisor"];
  var DESK_ROLES = ["announcer", "supervisor", "admin"];

  var POLL_MS = 15000;      // the slow fallback when events are missed
  var DEBOUNCE_MS = 250;    // events come in bursts: one status fetch for a burst
  var UPCOMING_ROWS = 40;   // the next 15 minutes, at most this many rows
  var ASRUN_ROWS = 200;     // today's log, newest first, at most this many rows
  var MAX_NOTES = 5;        // the pre-opening check's notes shown
  var calmUntil = 0;        // ms: no campaign before then, after an emergency (0: none)

  var me = null;
  var live = null;          // PA.events() handle
  var timers = [];
  var status = null;        // the last /api/status
  var nowItem = null;       // what is on air: {kind, source, title, started_at, ends_at}
  var onAir = false;
  var queue = [];           // PageOut of the waiting pages, in order
  var etaAt = {};           // page id -> when it should air (ms, service clock), or null
  var etaSpans = {};        // page id -> its countdown's span
  var presets = null;       // [{id, title, text, repeat_every_seconds, priority}] or null (not loaded)
  var emergencies = [];     // EmergencyOut of every active emergency, in the order they air
  var lastEmergency = null; // the one on air, else the last one this page saw (EmergencyOut)
  var emergencySeen = 0;    // starts and clears this page took in (answers and events)
  var starting = false;     // a start is on its way: the presets wait for its answer
  var clearing = {};        // preset id -> true while its clear is on its way
  var shownPanel = "";      // what the emergency panel's lists were last drawn from
  var asrun = { day: "", rows: [], keys: {}, total: 0 };
  var fetching = false, again = false, debounce = null;
  var shownItem = "";       // which item the progress bar is drawing (its start and ref)
  var offsetMs = 0;         // the store's UTC offset, from status.now
  var greetingDue = 0;      // when the switchboard's greeting next changes (ms); 0: not known

  // -- starting and stopping -----------------------------------------------------------------

  function onReady(who) {
    me = who;
    showWho();
    stopLive();
    presets = null;
    emergencies = [];
    lastEmergency = null;
    emergencySeen = 0;
    starting = false;
    clearing = {};
    asrun = { day: "", rows: [], keys: {}, total: 0 };
    renderEmergencyRights();
    startLive();
    refreshStatus();
    refreshGreeting();
    if (canEmergency()) loadPresets();
  }

  function onSignedOut() {
    stopLive();
    PA.closeConfirm();
    me = null;
    status = null;
    $("live").hidden = true;
    $("clock").textContent = "";
    $("greeting").textContent = "";
    greetingDue = 0;
  }

  function startLive() {
    live = PA.events({
      open: onConnected,
      item_started: onItemStarted,
      item_ended: onItemEnded,
      page: soon,
      queue: onQueue,
      emergency_started: onEmergencyStarted,
      emergency_cleared: onEmergencyCleared,
    }, showLive);
    timers.push(setInterval(tick, 1000));
    timers.push(setInterval(refreshStatus, POLL_MS));
  }

  function stopLive() {
    if (live) live.close();
    live = null;
    timers.forEach(clearInterval);
    timers = [];
    clearTimeout(debounce);
  }

  function onConnected() {
    refreshStatus();
    refreshTimeline();
  }

  function showLive(state) {
    var down = state !== "live";
    var badge = $("live");
    badge.hidden = false;
    badge.textContent = down ? "连接中断,正在重连…" : "● 实时";
    badge.className = down ? "live down" : "live up";
    $("stale").hidden = !down;
  }

  // -- who may do what -------------------------------------------------------------------------

  function hasRole(roles) {
    return !!me && me.roles.some(function (r) { return roles.indexOf(r) >= 0; });
  }
  function canEmergency() { return hasRole(EMERGENCY_ROLES); }
  function canCancel(page) {
    return hasRole(PAGE_ROLES) && (hasRole(DESK_ROLES) || page.requested_by === me.name);
  }
  function roleNames() {
    return me.roles.map(function (r) { return PA.ROLES[r] || r; }).join("、");
  }

  function showWho() {
    $("who").textContent = me.name + (me.roles.length ? " · " + roleNames() : "");
  }

  // -- fetching the status -------------------------------------------------------------------

  function soon() {
    clearTimeout(debounce);
    debounce = setTimeout(refreshStatus, DEBOUNCE_MS);
  }

  function refreshStatus() {
    if (!me) return;
    if (fetching) { again = true; return; }
    fetching = true;
    var seen = emergencySeen;
    PA.api("GET", "/api/status")
      .then(function (data) {
        $("status-message").textContent = "";
        applyStatus(data, seen === emergencySeen);
      })
      .catch(function (failure) {
        if (failure.status !== 401) $("status-message").textContent = "无法获取最新状态:" + failure.message;
      })
      .then(function () {
        fetching = false;
        if (again) { again = false; refreshStatus(); }
      });
  }

  /* `current`: no emergency started or was cleared, as far as seen, while it was asked for. */
  function applyStatus(data, current) {
    status = data;
    PA.syncClock(data.now);
    offsetMs = zoneOffset(data.now);
    nowItem = data.now_playing;
    onAir = data.on_air;
    setQueue(data.queue);
    if (current) rememberEmergency(data.emergency, data.emergencies);
    renderEmergency();
    renderNow();
    renderOnAir();
    renderQueue();
    renderUpcoming(data.upcoming);
    calmUntil = data.campaigns_held_until ? Date.parse(data.campaigns_held_until) : 0;
    $("calm-note").dataset.until = data.campaigns_held_until || "";
    tickCalm();
    renderHealth(data.check, data.output);
    if (asrun.day && asrun.day !== data.day) refreshTimeline(); // a new day began
    tick();
  }

  // -- live events ---------------------------------------------------------------------------

  function onItemStarted(item) {
    nowItem = item;
    onAir = !!item.on_air;
    renderNow();
    renderOnAir();
    soon();
  }

  function onItemEnded(item) {
    addAsRun({
      start: item.started_at, end: item.ended_at, kind: item.kind, source: item.source,
      ref: item.ref, title: item.title, interrupted: item.interrupted, reason: item.reason,
    });
    renderAsRun();
    if (nowItem && nowItem.started_at === item.started_at && nowItem.ref === item.ref) {
      nowItem = null;
      onAir = false;
      renderNow();
      renderOnAir();
    }
    soon();
  }

  function onQueue(data) {
    var places = data.pages || [];
    var same = places.length === queue.length && places.every(function (p) {
      return queue.some(function (q) { return q.id === p.id; });
    });
    if (!same) { soon(); return; }
    var byId = {};
    places.forEach(function (p) { byId[p.id] = p; });
    setQueue(queue.map(function (q) {
      var p = byId[q.id];
      return Object.assign({}, q, {
        position: p.position, airs_after: p.airs_after, eta_seconds: p.eta_seconds,
      });
    }).sort(function (a, b) { return a.position - b.position; }));
    renderQueue();
  }

  // -- times -----------------------------------------------------------------------------------

  function zoneOffset(iso) {
    var m = /([+-])(\d\d):(\d\d)$/.exec(iso || "");
    if (!m) return 0;
    return (m[1] === "-" ? -1 : 1) * (parseInt(m[2], 10) * 60 + parseInt(m[3], 10)) * 60000;
  }

  function storeClock(ms) { return new Date(ms + offsetMs).toISOString().slice(11, 19); }

  function mmss(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    if (status) $("clock").textContent = storeClock(PA.now());
    if (greetingDue && PA.now() >= greetingDue) refreshGreeting();
    tickNow();
    tickQueue();
    tickCalm();
  }

  /* After an emergency no campaign airs for a while (B5, `calm_after_emergency_minutes`):
   * the desk sees until when, so that nobody wonders where the campaigns went. */
  function tickCalm() {
    var note = $("calm-note");
    note.hidden = !calmUntil || PA.now() >= calmUntil;
    if (!note.hidden) note.textContent = "紧急广播之后,活动广播暂停到 " + PA.hm(note.dataset.until) + "。";
  }

  /* S1: what to say when an outside call is answered (您早 before the cut-over, 您好 after),
   * asked for again when the service says it changes (or in a minute, if it could not say). */
  function refreshGreeting() {
    greetingDue = 0;
    PA.api("GET", "/api/switchboard/greeting", null, { retries: 2 })
      .then(function (said) {
        $("greeting").textContent = "接听外线:" + said.text;
        greetingDue = Date.parse(said.changes_at) || PA.now() + 60000;
      })
      .catch(function () { greetingDue = PA.now() + 60000; });
  }

  // -- now playing and the ON AIR light --------------------------------------------------------

  function kindLabel(kind) { return KINDS[kind] || kind || ""; }
  function titleOf(item) { return TITLES[item.title] || item.title || ""; }

  function renderNow() {
    var card = $("now");
    card.className = "card now" + (nowItem ? " kind-" + nowItem.kind : "");
    if (!nowItem) {
      $("now-kind").textContent = "";
      $("now-kind").className = "kind";
      $("now-title").textContent = idleText();
      $("now-bar").classList.add("instant");
      $("now-bar").style.width = "0%";
      shownItem = "";
      $("now-elapsed").textContent = $("now-total").textContent = $("now-ends").textContent = "";
      return;
    }
    var source = nowItem.kind === "announcement" && SOURCES[nowItem.source];
    $("now-kind").textContent = source || kindLabel(nowItem.kind);
    $("now-kind").className = "kind kind-" + nowItem.kind;
    $("now-title").textContent = titleOf(nowItem);
    $("now-ends").textContent = "结束于 " + PA.clock(nowItem.ends_at);
    var key = nowItem.started_at + "|" + nowItem.ref;
    if (key !== shownItem) $("now-bar").classList.add("instant"); // starts over, no sliding back
    shownItem = key;
    tickNow();
  }

  function idleText() {
    if (inEmergency()) return "紧急广播:等待下一遍";
    return status && !status.open ? "现在不在营业时间,不播放。" : "暂无播放";
  }

  function tickNow() {
    if (!nowItem) return;
    var start = Date.parse(nowItem.started_at), end = Date.parse(nowItem.ends_at);
    var total = Math.max(0, (end - start) / 1000);
    var elapsed = Math.min(total, Math.max(0, (PA.now() - start) / 1000));
    var percent = total > 0 ? (elapsed / total) * 100 : 0;
    var bar = $("now-bar");
    bar.style.width = percent.toFixed(1) + "%";
    $("now-progress").setAttribute("aria-valuenow", String(Math.round(percent)));
    $("now-elapsed").textContent = mmss(elapsed);
    $("now-total").textContent = " / " + mmss(total);
    if (bar.classList.contains("instant")) {
      void bar.offsetWidth; // let the jump land before sliding again
      bar.classList.remove("instant");
    }
  }

  function renderOnAir() {
    var box = $("onair");
    var emergency = inEmergency();
    box.classList.toggle("lit", onAir);
    $("onair-state").textContent = onAir ? "正在播音" : "未在播音";
    var what = "";
    if (onAir && nowItem) {
      var source = nowItem.kind === "announcement" && SOURCES[nowItem.source];
      what = (source || kindLabel(nowItem.kind)) + ":" + titleOf(nowItem);
    } else if (emergency) {
      what = "紧急广播进行中,稍后重播";
    } else if (nowItem) {
      what = "正在播放" + kindLabel(nowItem.kind);
    }
    $("onair-what").textContent = what;
  }

  // -- the page queue --------------------------------------------------------------------------

  function setQueue(pages) {
    var at = PA.now();
    queue = pages.slice();
    etaAt = {};
    queue.forEach(function (p) {
      etaAt[p.id] = typeof p.eta_seconds === "number" ? at + p.eta_seconds * 1000 : null;
    });
  }

  function etaText(page) {
    var when = etaAt[page.id];
    var after = PA.waitsFor(page.airs_after);
    if (when === null || when === undefined) return after || "等待播出";
    var left = (when - PA.now()) / 1000;
    if (left <= 1) return "即将播出";
    return "约 " + PA.duration(left) + "后" + (after ? " · " + after : "");
  }

  function renderQueue() {
    var list = PA.clear($("queue"));
    etaSpans = {};
    $("queue-empty").hidden = queue.length > 0;
    $("queue-count").textContent = queue.length ? queue.length + " 条" : "";
    queue.forEach(function (page) { list.appendChild(queueRow(page)); });
  }

  function queueRow(page) {
    var eta = el("span", { class: "eta", text: etaText(page) });
    etaSpans[page.id] = eta;
    var meta = el("p", { class: "meta" },
      el("span", { text: page.requested_by || "—" }),
      el("span", { text: PA.clock(page.requested_at) + " 提交" }),
      page.recorded_by ? el("span", { text: page.recorded_by + " 的录音" }) : null);
    var cancel = canCancel(page)
      ? el("button", { class: "btn cancel", type: "button", text: "取消",
                       "aria-label": "取消这条广播:" + page.text,
                       onclick: function () { askCancel(page); } })
      : null;
    return el("li", { class: "queue-row" + (page.urgent ? " urgent" : ""), "data-id": page.id },
      el("span", { class: "position", text: String(page.position || "") }),
      el("div", { class: "queue-main" },
        el("p", { class: "queue-text" },
          page.urgent ? el("span", { class: "badge urgent", text: "紧急" }) : null,
          page.text),
        meta,
        eta),
      cancel);
  }

  function tickQueue() {
    queue.forEach(function (page) {
      var span = etaSpans[page.id];
      if (span) span.textContent = etaText(page);
    });
  }

  function askCancel(page) {
    PA.showMessage("queue-message", "", "");
    PA.confirmStep({
      title: "取消这条找人广播?",
      body: [el("p", { class: "confirm-text", text: page.text }),
             el("p", { class: "muted", text: (page.requested_by || "") + " " + PA.clock(page.requested_at) + " 提交" })],
      ok: "确认取消广播", okClass: "danger", cancel: "不取消",
    }).then(function (yes) {
      if (!yes) return;
      PA.api("DELETE", "/api/pages/" + encodeURIComponent(page.id))
        .then(function () { PA.showMessage("queue-message", "ok", "已取消:" + page.text); })
        .catch(function (failure) { PA.showMessage("queue-message", "error", failure.message); })
        .then(soon);
    });
  }

  // -- the next 15 minutes -----------------------------------------------------------------------

  /* Runs of rows: a break (intro → announcements → outro) or an emergency is one group. */
  function groupUpcoming(items) {
    var groups = [], open = null;
    items.forEach(function (item) {
      var kind = item.kind;
      if (open && open.type === "break" && kind !== "music" && kind !== "emergency") {
        open.items.push(item);
        if (kind === "outro") open = null;
        return;
      }
      if (open && open.type === "emergency" && kind === "emergency") {
        open.items.push(item);
        return;
      }
      open = null;
      if (kind === "intro" || kind === "announcement" || kind === "outro") {
        open = { type: "break", items: [item] };
      } else if (kind === "emergency") {
        open = { type: "emergency", items: [item] };
      }
      groups.push(open || { type: "single", items: [item] });
      if (kind === "outro") open = null; // the end of a break already under way
    });
    return groups;
  }

  function timelineRow(item, time) {
    return el("li", { class: "row kind-" + item.kind },
      el("span", { class: "time", text: time }),
      el("span", { class: "kind kind-" + item.kind, text: kindLabel(item.kind) }),
      el("span", { class: "title", title: item.title, text: titleOf(item) }));
  }

  function groupHeading(group) {
    if (group.type === "emergency") return "紧急广播";
    var spoken = group.items.filter(function (i) { return i.kind === "announcement"; }).length;
    return "插播" + (spoken ? " · " + spoken + " 条广播" : "");
  }

  /* One row, or a group's box with its heading; an emergency's repeats are summed up. */
  function upcomingBlock(group, items, repeats) {
    var rows = items.map(function (i) { return timelineRow(i, PA.clock(i.starts_at)); });
    if (group.type === "single") return rows[0];
    var inner = el("ol", { class: "group-rows" });
    rows.forEach(function (r) { inner.appendChild(r); });
    return el("li", { class: "group group-" + group.type },
      el("p", { class: "group-head", text: groupHeading(group) }),
      inner,
      repeats ? el("p", { class: "group-more", text: "之后按间隔重复,直到有人结束紧急广播。" }) : null);
  }

  function renderUpcoming(items) {
    var list = PA.clear($("upcoming")), room = UPCOMING_ROWS, more = 0;
    groupUpcoming(items).forEach(function (group) {
      var repeats = group.type === "emergency" && group.items.length > 2;
      var wanted = repeats ? group.items.slice(0, 2) : group.items;
      var shown = wanted.slice(0, Math.max(0, room));
      room -= shown.length;
      more += wanted.length - shown.length;
      if (shown.length) list.appendChild(upcomingBlock(group, shown, repeats));
    });
    $("upcoming-note").textContent = !items.length
      ? (status && !status.open ? "不在营业时间。" : "接下来 15 分钟没有安排。")
      : more > 0 ? "之后还有 " + more + " 项(15 分钟之内)。" : "";
  }

  // -- the emergency panel -----------------------------------------------------------------------

  function inEmergency() { return emergencies.length > 0; }
  function quoted(text) { return "「" + text + "」"; }
  function nameOf(em) { return em.title || em.script; }

  function findEmergency(scriptId) {
    return emergencies.filter(function (em) { return em.script === scriptId; })[0] || null;
  }

  function renderEmergencyRights() {
    var denied = $("emergency-denied");
    denied.hidden = canEmergency();
    denied.textContent = "只有播音员和主管可以启动或结束紧急广播;您的账号(" + roleNames() + ")没有这项权限。";
    shownPanel = "";
    renderEmergency();
  }

  function loadPresets() {
    PA.api("GET", "/api/emergency/presets", null, { retries: 2 })
      .then(function (list) { presets = list || []; renderEmergency(); })
      .catch(function (failure) {
        PA.showMessage("emergency-message", "error", "无法读取紧急广播稿:" + failure.message);
      });
  }

  /* The service's status lists the active emergencies; the last one (who started it, who
   * cleared it) is remembered here from what this page saw. A status asked for before the
   * last start or clear seen here may not know of it: it is left out (the next one is due). */
  function rememberEmergency(em, list) {
    emergencies = list ? list.slice() : em && em.active ? [em] : [];
    if (em && (em.active || em.started_at)) {
      lastEmergency = em;
    } else if (lastEmergency && lastEmergency.active) {
      lastEmergency = Object.assign({}, lastEmergency, { active: false, cleared_at: status ? status.now : null });
    }
  }

  function noteEmergencyChange() { emergencySeen += 1; }

  /* The service's rule, for the moment until its next status: the highest priority airs,
   * the earliest started among equals; the others wait behind it. */
  function rank(list) {
    var ranked = list.slice().sort(function (a, b) {
      return (b.priority || 0) - (a.priority || 0) || Date.parse(a.started_at) - Date.parse(b.started_at);
    });
    return ranked.map(function (em, i) {
      return Object.assign({}, em, { state: i ? "waiting" : "on_air", behind: i ? nameOf(ranked[0]) : "" });
    });
  }

  function setEmergencies(list) {
    emergencies = rank(list);
    if (emergencies.length) lastEmergency = emergencies[0];
    renderEmergency();
    renderOnAir();
  }

  /* `em` (from a start's answer) is active: one more, or the same one again. */
  function takeStarted(em) {
    setEmergencies(emergencies.filter(function (e) { return e.script !== em.script; }).concat([em]));
  }

  /* The emergency `scriptId` is cleared; `ended` (what is known of its end) makes it the
   * last one when no other is left. */
  function dropEmergency(scriptId, ended) {
    var was = findEmergency(scriptId);
    if (!was) return;
    var left = emergencies.filter(function (em) { return em !== was; });
    if (!left.length) lastEmergency = Object.assign({}, was, ended, { active: false, state: "cleared" });
    setEmergencies(left);
  }

  function onEmergencyStarted(data) {
    noteEmergencyChange();
    soon();
  }

  function onEmergencyCleared(data) {
    noteEmergencyChange();
    dropEmergency(data.script, { cleared_at: data.at });
    soon();
  }

  function renderEmergency() {
    var active = inEmergency();
    $("emergency").classList.toggle("active", active);
    document.body.classList.toggle("in-emergency", active);
    $("emergency-active").hidden = !active;
    $("emergency-presets-note").hidden = !active || !canEmergency();
    $("emergency-last").textContent = active || !lastEmergency ? "" : lastEmergencyText(lastEmergency);
    var key = JSON.stringify([canEmergency(), presets, emergencies, starting, clearing]);
    if (key === shownPanel) return; // as drawn: the buttons (and the focus) stay
    shownPanel = key;
    renderActive();
    renderPresets();
  }

  function renderActive() {
    var list = PA.clear($("emergency-list"));
    $("emergency-count").textContent = emergencies.length > 1 ? "(" + emergencies.length + " 个)" : "";
    emergencies.forEach(function (em) { list.appendChild(emergencyRow(em)); });
  }

  function priorityText(priority) { return priority ? "优先级 " + priority : ""; }

  /* One active emergency: on air (first) or waiting its turn, with its own clear button. */
  function emergencyRow(em) {
    var waiting = em.state === "waiting";
    var behind = em.behind || nameOf(emergencies[0]);
    return el("li", { class: "emergency-item " + (waiting ? "waiting" : "on-air"), "data-script": em.script },
      el("p", { class: "emergency-state", text: waiting ? "等待中,排在" + quoted(behind) + "之后" : "正在播出" }),
      el("p", { class: "emergency-title" },
        el("span", { class: "emergency-name", text: nameOf(em) }),
        em.priority ? el("span", { class: "priority", text: priorityText(em.priority) }) : null),
      el("p", { class: "emergency-who", text: (em.started_by || "有人") + " 于 " + PA.clock(em.started_at) + " 启动" }),
      el("button", { class: "btn block emergency-clear", type: "button", text: "结束" + quoted(nameOf(em)),
                     disabled: !canEmergency() || !!clearing[em.script],
                     onclick: function () { askClear(em.script); } }));
  }

  function renderPresets() {
    var box = PA.clear($("emergency-presets"));
    if (!canEmergency()) {
      box.appendChild(el("button", { class: "btn block preset", type: "button", disabled: true,
                                     text: "启动紧急广播" }));
      return;
    }
    if (presets === null) { box.appendChild(el("p", { class: "muted", text: "正在读取紧急广播稿……" })); return; }
    if (!presets.length) { box.appendChild(el("p", { class: "muted", text: "没有已批准的紧急广播稿。" })); return; }
    presets.forEach(function (preset) { box.appendChild(presetButton(preset)); });
  }

  /* A preset, most important first; one already active cannot be started again. */
  function presetButton(preset) {
    var running = !!findEmergency(preset.id);
    return el("button", { class: "btn block preset" + (running ? " running" : ""), type: "button",
                          "data-id": preset.id, disabled: running || starting,
                          onclick: function () { askEmergency(preset); } },
      el("span", { class: "preset-title" }, preset.title,
        running ? el("span", { class: "badge running", text: "进行中" }) : null),
      el("span", { class: "preset-repeat", text: priorityText(preset.priority) + " · 每 " +
        Math.round(preset.repeat_every_seconds) + " 秒重复" }));
  }

  function lastEmergencyText(em) {
    var text = "上一次:" + (em.title || em.script) + " — " + (em.started_by ? em.started_by + " " : "") +
      PA.clock(em.started_at) + " 启动";
    if (em.cleared_at) text += "," + (em.cleared_by ? em.cleared_by + " " : "") + PA.clock(em.cleared_at) + " 结束";
    return text + "。";
  }

  /* What starting `preset` does to what is on air: it cuts in, or it waits its turn. */
  function startEffect(preset) {
    var every = "每 " + Math.round(preset.repeat_every_seconds) + " 秒重复一次,直到有人结束。";
    var first = emergencies[0];
    if (!first) return "确认后立即打断正在播放的内容," + every;
    var name = nameOf(first);
    if (preset.priority > first.priority) return "将立即打断" + quoted(name) + "," + name + " 在它结束后恢复。本条" + every;
    var ahead = emergencies.filter(function (em) { return em.priority >= preset.priority; });
    var after = ahead.length > 1
      ? ahead.map(function (em) { return quoted(nameOf(em)); }).join("、") + "都结束后播出"
      : name + " 结束后播出";
    return quoted(name) + "正在播出,本条将排队等待," + after + "。";
  }

  function askEmergency(preset) {
    PA.showMessage("emergency-message", "", "");
    PA.confirmStep({
      title: "确认播出紧急广播?",
      body: [
        el("p", { class: "confirm-preset", text: preset.title }),
        el("p", { class: "confirm-text", text: preset.text }),
        el("p", { class: "muted confirm-effect", text: startEffect(preset) }),
      ],
      ok: "确认播出", okClass: "danger", cancel: "取消",
    }).then(function (yes) { if (yes) startEmergency(preset); });
  }

  /* The answer to a start, in words: on air (perhaps cutting one), or waiting. */
  function startedText(em, already) {
    var name = quoted(nameOf(em));
    if (already) return name + "已经在进行中。";
    if (em.state === "waiting") return "已启动" + name + ":" + quoted(em.behind) + "正在播出,本条排队等待。";
    if (em.preempts) return "已打断" + quoted(em.preempts) + "," + name + "正在播出;" + quoted(em.preempts) + "在它结束后恢复。";
    return "已启动紧急广播" + name + ",正在播出。";
  }

  function startEmergency(preset) {
    var already = !!findEmergency(preset.id); // as this page saw it when asked
    PA.showMessage("emergency-message", "", "正在启动紧急广播……");
    starting = true;
    renderEmergency();
    PA.api("POST", "/api/emergency", { script: preset.id })
      .then(function (em) {
        starting = false;
        noteEmergencyChange();
        takeStarted(em);
        PA.showMessage("emergency-message", "ok", startedText(em, already));
      })
      .catch(function (failure) { PA.showMessage("emergency-message", "error", failure.message); })
      .then(function () { starting = false; renderEmergency(); soon(); });
  }

  /* What clearing `em` does: the one on air finishes its repetition, then the next airs (or
   * the all-clear and the music); a waiting one never airs. */
  function clearEffect(em) {
    if (em.state === "waiting") {
      return "它还在排队,结束后不会播出;" + quoted(nameOf(emergencies[0])) + "继续播出。";
    }
    var next = emergencies.filter(function (e) { return e.script !== em.script; })[0];
    return "正在播出的这一遍会播完(B12),然后" + (next
      ? "播出排在后面的" + quoted(nameOf(next)) + "。"
      : "播出解除广播(如有),恢复音乐。");
  }

  function askClear(scriptId) {
    var em = findEmergency(scriptId);
    if (!em) return;
    PA.showMessage("emergency-message", "", "");
    PA.confirmStep({
      title: "结束紧急广播" + quoted(nameOf(em)) + "?",
      body: [
        el("p", { class: "confirm-preset", text: nameOf(em) }),
        el("p", { class: "muted confirm-effect", text: clearEffect(em) }),
      ],
      ok: "结束紧急广播", okClass: "primary", cancel: "不结束",
    }).then(function (yes) { if (yes) clearEmergency(em); });
  }

  /* The answer to a clear, in words; `wasOnAir`: it was the one on air when asked. */
  function clearedText(em, wasOnAir) {
    var name = quoted(nameOf(em));
    if (!wasOnAir) return "已结束" + name + ",它不会播出。";
    var next = emergencies[0];
    return "已结束" + name + ";正在播出的这一遍会播完" + (next ? ",然后播出" + quoted(nameOf(next)) : "") + "。";
  }

  function clearEmergency(em) {
    clearing[em.script] = true;
    renderEmergency();
    PA.api("POST", "/api/emergency/clear", { script: em.script })
      .then(function (cleared) {
        noteEmergencyChange();
        dropEmergency(cleared.script, cleared);
        if (!inEmergency()) lastEmergency = cleared; // who cleared it, as the service has it
        renderEmergency();
        PA.showMessage("emergency-message", "ok", clearedText(cleared, em.state !== "waiting"));
      })
      .catch(function (failure) { PA.showMessage("emergency-message", "error", failure.message); })
      .then(function () { delete clearing[em.script]; renderEmergency(); soon(); });
  }

  // -- the system's health -----------------------------------------------------------------------

  function fillList(id, lines) {
    var list = PA.clear($(id));
    lines.forEach(function (line) { list.appendChild(el("li", { text: line })); });
  }

  function renderHealth(check, output) {
    var checkOk = !!check && check.ok && !check.failures.length;
    $("check").className = "health-item " + (!check ? "unknown" : checkOk ? "ok" : "bad");
    $("check-state").textContent = !check
      ? "今天还没有检查结果。"
      : (checkOk ? "✓ 通过" : "✗ 未通过:" + check.failures.length + " 个问题") + "(" + PA.clock(check.at) + ")";
    fillList("check-failures", check ? check.failures : []);
    var notes = check ? check.notes : [];
    fillList("check-notes", notes.length > MAX_NOTES
      ? notes.slice(0, MAX_NOTES).concat(["……还有 " + (notes.length - MAX_NOTES) + " 条说明"])
      : notes);

    var warn = output.healthy && (output.warning || output.underruns > 0);
    $("output").className = "health-item " + (!output.healthy ? "bad" : warn ? "warn" : "ok");
    var text = !output.healthy ? "✗ 有故障" : output.warning ? "⚠ 请注意" : "✓ 正常";
    if (output.warning) text += ":" + outputWarning(output.warning);
    if (output.underruns > 0) text += "(断音 " + output.underruns + " 次)";
    $("output-state").textContent = text;
    $("output-device").textContent = output.device;
    $("health").classList.toggle("bad", !checkOk && !!check || !output.healthy);
  }

  /* The device's warning for the desk: the one it has in English today (no sound card) in
     Chinese, its reason kept for the IT person; any other as it comes. */
  function outputWarning(warning) {
    var noCard = /^NO SOUND CARD[^(]*(\(.*\))?$/.exec(warning);
    return noCard ? "没有声卡,现场听不到任何声音" + (noCard[1] || "") : warning;
  }

  // -- today's as-run log ------------------------------------------------------------------------

  function refreshTimeline() {
    PA.api("GET", "/api/timeline")
      .then(function (data) {
        asrun = { day: data.date, rows: [], keys: {}, total: data.entries.length };
        data.entries.forEach(function (entry) { asrun.keys[asRunKey(entry)] = true; });
        asrun.rows = data.entries.slice(-ASRUN_ROWS).reverse();
        renderAsRun();
      })
      .catch(function (failure) {
        if (failure.status !== 401) $("asrun-note").textContent = "无法读取今天的播出记录:" + failure.message;
      });
  }

  function asRunKey(entry) { return entry.start + "|" + entry.ref + "|" + entry.kind; }

  /* One more entry from an item_ended event, on top (newest first), unless already shown. */
  function addAsRun(entry) {
    var key = asRunKey(entry);
    if (asrun.keys[key] || (asrun.day && entry.start.slice(0, 10) !== asrun.day)) return;
    asrun.keys[key] = true;
    asrun.total += 1;
    asrun.rows.unshift(entry);
    if (asrun.rows.length > ASRUN_ROWS) asrun.rows.length = ASRUN_ROWS;
  }

  function asRunRow(entry) {
    var row = timelineRow(entry, PA.clock(entry.start));
    var marks = el("span", { class: "marks" });
    if (entry.interrupted) marks.appendChild(el("span", { class: "badge interrupted", text: "被打断" }));
    if (entry.kind === "skipped" && entry.reason) marks.appendChild(el("span", { class: "reason", text: PA.reason(entry.reason) }));
    var seconds = (Date.parse(entry.end) - Date.parse(entry.start)) / 1000;
    if (seconds >= 1) marks.appendChild(el("span", { class: "muted", text: PA.duration(seconds) }));
    row.appendChild(marks);
    if (entry.interrupted) row.classList.add("interrupted");
    return row;
  }

  function renderAsRun() {
    var list = PA.clear($("asrun"));
    asrun.rows.forEach(function (entry) { list.appendChild(asRunRow(entry)); });
    $("asrun-count").textContent = asrun.total ? asrun.total + " 项" : "";
    $("asrun-note").textContent = !asrun.total
      ? "今天还没有播出记录。"
      : asrun.total > asrun.rows.length ? "只显示最近 " + asrun.rows.length + " 项。" : "";
  }

  PA.start({ onReady: onReady, onSignedOut: onSignedOut });
})();
