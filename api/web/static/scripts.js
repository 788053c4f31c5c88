/* mall-pa scripts: marketing writes campaign and fixed scripts and submits them; a planner
 * approves them (into the scripts library, on air from the next song boundary) or rejects
 * them with a reason; a supervisor reads (B4-B6).
 *
 * One call, GET /api/scripts (every version, the latest change first), fills the review
 * queue (the submitted ones, oldest first) and the list by state; it is asked again after
 * every change, every 15 s while the page is in view, and when it comes back into view
 * (the service sends no event when a script changes). The editor checks what it can as the
 * person types (required fields, one frequency, dates in order and not over, text length)
 * and shows each problem the service finds (422 `bad_script`: problems by `where`, the key)
 * next to its field. The buttons shown follow the roles: marketing writes and submits,
 * planners review (never their own submission), a supervisor only reads; the service
 * checks every step again and its refusals are shown as it says them.
 * The preview by simulation of a version (how it would air, and the break to listen to) is
 * preview.js's (PA.previewBox); its recording in a trained announcer's own voice (B7), to
 * listen to, upload or take off, is script-recording.js's (PA.recordingBox). Built on
 * common.js (window.PA).
 */
(function () {
  "use strict";

  var $ = PA.$, el = PA.el;

  var READERS = ["marketing", "planner", "supervisor"];
  var STATE_NAMES = {
    draft: "草稿", submitted: "待审批", approved: "已批准", rejected: "已退回", retired: "已停用",
  };
  var KINDS = { campaign: "促销广播", fixed: "定时广播" };
  var WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  var WEEKDAY_NAMES = { mon: "周一", tue: "周二", wed: "周三", thu: "周四", fri: "周五", sat: "周六", sun: "周日" };
  var WEEKDAY_ALIASES = { monday: "mon", tuesday: "tue", wednesday: "wed", thursday: "thu", friday: "fri",
                          saturday: "sat", sunday: "sun", "一": "mon", "二": "tue", "三": "wed", "四": "thu",
                          "五": "fri", "六": "sat", "日": "sun", "天": "sun" };
  var DAYPARTS = { // the config's daypart names people commonly use, said in Chinese
    "all-day": "全天", allday: "全天", morning: "上午", forenoon: "上午", noon: "中午", lunch: "午间",
    midday: "中午", afternoon: "下午", evening: "晚间", night: "夜间", opening: "开店时段",
    closing: "打烊前", weekend: "周末",
  };
  var LABELS = {
    id: "编号", kind: "类型", title: "标题", text: "广播词", audio: "录音", recorded_by: "录音人",
    zones: "区域", slots: "播出时间", order: "顺序", valid_from: "开始日期", valid_until: "结束日期",
    weekdays: "星期", dayparts: "时段", every: "播出频率", every_songs: "播出频率",
    every_minutes: "播出频率", max_per_day: "每天最多几次", weight: "权重", body: "广播稿",
  };
  var BOXES = { every_songs: "every", every_minutes: "every", audio: "text", recorded_by: "text" };
  var CAMPAIGN_KEYS = ["every", "max_per_day", "valid_from", "valid_until", "weekdays", "dayparts", "weight"];
  var FIXED_KEYS = ["slots"];
  var FIELD_KEYS = ["kind", "title", "id", "text", "zones", "order"].concat(CAMPAIGN_KEYS, FIXED_KEYS);
  var PREVIEWED = ["draft", "submitted", "rejected"]; // the states a preview by simulation is offered in

  var MAX_TEXT = 1000;      // characters of a script's text (daemon/catalog/scripts.py)
  var MAX_TITLE = 100;
  var MAX_REASON = 500;     // of a rejection (daemon/script_workflow.py)
  var POLL_MS = 15000;
  var ID_RE = /^[a-z0-9][a-z0-9-]{0,59}$/;
  var CLOCK_RE = /^([01]?\d|2[0-4]):([0-5]\d)$/;
  var WINDOW_RE = /^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/;
  var LIST_SEPARATORS = /[,,、;;\n]+/;

  var me = null;
  var left = null;          // who was signed in when the session ended
  var bound = false;
  var versions = [];        // ScriptVersionOut, the latest change first
  var byId = {};            // version id -> version
  var loaded = false;
  var loading = 0;          // the number of the last list request: older answers are dropped
  var filter = "";          // the state the list shows ("" every state)
  var selected = null;      // the version id shown in the panel
  var mode = "none";        // what the panel shows: none, detail, editor
  var shownDetail = "";     // what the detail was last drawn from
  var reasons = {};         // version id -> the rejection reason being typed
  var acting = false;       // a step (submit, approve, reject, retire) is on its way
  var poll = null;

  var editing = null;       // the version the editor changes (null: a new script)
  var touched = {};         // field key -> the person has been in it
  var tried = false;        // a save was tried: every problem shows
  var serverProblems = {};  // field key -> [sentence], from the service's 422
  var saving = false;
  var dirty = false;        // the editor holds changes not saved
  var shownLists = "";      // what the queue and the list were last drawn from
  var reasonErrors = {};    // version id -> what is wrong with the reason typed

  // -- who may do what -------------------------------------------------------------------------

  function has(role) { return !!me && me.roles.indexOf(role) >= 0; }
  function canRead() { return !!me && me.roles.some(function (r) { return READERS.indexOf(r) >= 0; }); }
  function canWrite() { return has("marketing"); }
  function canReview() { return has("planner"); }
  function roleNames(roles) { return roles.map(function (r) { return PA.ROLES[r] || r; }).join("、"); }

  function showWho() {
    $("who").textContent = me.name + (me.roles.length ? " · " + roleNames(me.roles) : "");
  }

  function renderRoles() {
    var lines = PA.clear($("role-lines"));
    if (canWrite()) {
      lines.appendChild(el("li", { class: "role role-marketing" },
        el("strong", { text: "市场部:" }),
        "编写广播稿、保存草稿、提交企划部审批;已批准的广播稿修改后生成新版本,重新审批,批准前旧版本照常播出。"));
    }
    if (canReview()) {
      lines.appendChild(el("li", { class: "role role-planner" },
        el("strong", { text: "企划部:" }),
        "审批市场部提交的广播稿:批准,或写明理由退回;停用已批准的。不能审批自己提交的。"));
    }
    if (has("supervisor") && !canWrite() && !canReview()) {
      lines.appendChild(el("li", { class: "role role-supervisor" },
        el("strong", { text: "主管:" }), "只能查看广播稿和审批经过,不能修改、提交或审批。"));
    }
  }

  // -- starting --------------------------------------------------------------------------------

  function onReady(who) {
    var same = (me || left) && (me || left).name === who.name;
    left = null;
    me = who;
    showWho();
    bindOnce();
    var allowed = canRead();
    $("denied").hidden = allowed;
    $("workspace").hidden = !allowed;
    if (!allowed) {
      $("denied-who").textContent = "您的账号(" + (me.roles.length ? roleNames(me.roles) : "没有角色") +
        ")不能使用这个页面;需要的话,请管理员给账号加上市场部、企划部或主管的角色。";
      return;
    }
    renderRoles();
    $("new-script").hidden = !canWrite();
    $("queue-card").hidden = !canReview();
    if (!same) {
      var asked = new URLSearchParams(location.search);
      filter = STATE_NAMES[asked.get("state")] ? asked.get("state") : "";
      selected = parseInt(asked.get("v") || "", 10) || null;
      closeEditor();
      PA.dropRecordings();
      showPanel(selected ? "detail" : "none");
    }
    startPolling();
    load();
  }

  function onSignedOut() {
    stopPolling();
    PA.closeConfirm();
    PA.pauseRecordings(); // the microphone is freed; a take is kept for the same person
    left = me; // what the editor holds stays: signing in again as the same person carries on
    me = null;
  }

  function startPolling() {
    stopPolling();
    poll = setInterval(function () { if (!document.hidden) load(); }, POLL_MS);
  }

  function stopPolling() {
    if (poll) clearInterval(poll);
    poll = null;
  }

  function bindOnce() {
    if (bound) return;
    bound = true;
    $("new-script").addEventListener("click", function () { openEditor(null); });
    $("refresh").addEventListener("click", function () { load(); });
    Array.prototype.forEach.call(document.querySelectorAll("#states [data-state]"), function (chip) {
      chip.addEventListener("click", function () {
        filter = chip.getAttribute("data-state");
        renderList();
        remember();
      });
    });
    document.addEventListener("visibilitychange", function () { if (!document.hidden && me) load(); });
    bindEditor();
  }

  /* The list and the version shown, in the address: a reload or a shared link shows them. */
  function remember() {
    var params = new URLSearchParams();
    if (filter) params.set("state", filter);
    if (mode === "detail" && selected) params.set("v", String(selected));
    var query = params.toString();
    history.replaceState(null, "", "/scripts" + (query ? "?" + query : ""));
  }

  // -- the versions ----------------------------------------------------------------------------

  function load() {
    if (!me || !canRead()) return Promise.resolve();
    var mine = ++loading;
    return PA.api("GET", "/api/scripts")
      .then(function (list) {
        if (mine !== loading) return;
        $("load-message").textContent = "";
        take(list);
      })
      .catch(function (failure) {
        if (mine !== loading || failure.status === 401) return;
        $("load-message").textContent = "无法读取广播稿:" + failure.message;
      });
  }

  function take(list) {
    versions = list;
    byId = {};
    list.forEach(function (v) { byId[v.id] = v; });
    loaded = true;
    $("list-updated").textContent = "更新于 " + clockNow();
    var key = JSON.stringify([list, filter, selected, mode]);
    if (key !== shownLists) { // as drawn: the focus on a row stays
      renderQueue();
      renderList();
    }
    if (mode === "detail") renderDetail(false);
    else if (mode === "none") renderPlaceholder();
  }

  /* One version's answer (after a step): it replaces the one the list had, until the list
   * comes again. */
  function takeOne(v) {
    if (!byId[v.id]) versions.unshift(v);
    else versions = versions.map(function (w) { return w.id === v.id ? v : w; });
    byId[v.id] = v;
    renderQueue();
    renderList();
  }

  function clockNow() {
    var d = new Date();
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  function sameScript(v) {
    return versions.filter(function (w) { return w.script_id === v.script_id; })
      .sort(function (a, b) { return b.version - a.version; });
  }

  /* The version of the same script that is on its way (a draft, submitted or rejected one
   * newer than `v`), if any: an approved one is changed there, not again. */
  function openSuccessor(v) {
    return sameScript(v).filter(function (w) {
      return w.version > v.version && ["draft", "submitted", "rejected"].indexOf(w.state) >= 0;
    })[0] || null;
  }

  function approvedOf(v) {
    return sameScript(v).filter(function (w) { return w.state === "approved" && w.id !== v.id; })[0] || null;
  }

  function ownSubmission(v) { return !!me && !!v.submitted_by && v.submitted_by === me.name; }

  // -- the review queue and the list -------------------------------------------------------------

  function renderQueue() {
    if (!canReview()) return;
    var queue = versions.filter(function (v) { return v.state === "submitted"; })
      .sort(function (a, b) { return String(a.submitted_at).localeCompare(String(b.submitted_at)); });
    var list = PA.clear($("queue"));
    $("queue-empty").hidden = queue.length > 0;
    $("queue-count").textContent = queue.length ? queue.length + " 份" : "";
    queue.forEach(function (v) { list.appendChild(versionRow(v, true)); });
  }

  function renderList() {
    var counts = { "": versions.length };
    versions.forEach(function (v) { counts[v.state] = (counts[v.state] || 0) + 1; });
    Array.prototype.forEach.call(document.querySelectorAll("#states [data-state]"), function (chip) {
      var state = chip.getAttribute("data-state");
      chip.setAttribute("aria-pressed", state === filter ? "true" : "false");
      chip.querySelector(".n").textContent = counts[state] ? "(" + counts[state] + ")" : "";
    });
    shownLists = JSON.stringify([versions, filter, selected, mode]);
    var shown = versions.filter(function (v) { return !filter || v.state === filter; });
    var list = PA.clear($("list"));
    shown.forEach(function (v) { list.appendChild(versionRow(v, false)); });
    var empty = $("list-empty");
    empty.hidden = !loaded || shown.length > 0;
    empty.textContent = filter
      ? "没有" + STATE_NAMES[filter] + "的广播稿。"
      : canWrite() ? "还没有广播稿:点「新建广播稿」写第一份。" : "还没有广播稿。";
  }

  function stateBadge(v) {
    return el("span", { class: "badge state state-" + v.state, text: STATE_NAMES[v.state] || v.state_name });
  }

  /* Who did the last step, and when: "吴磊 12月2日 09:30 批准". */
  function lastStep(v) {
    var steps = v.history || [];
    var step = steps[steps.length - 1];
    if (!step) return v.author + " " + when(v.updated_at);
    return step.by + " " + when(step.at) + " " + actionName(step, steps.indexOf(step) === 0);
  }

  function versionRow(v, inQueue) {
    var current = mode === "detail" && selected === v.id;
    var open = el("button", { class: "version-open", type: "button", "aria-current": current ? "true" : null,
                              onclick: function () { select(v.id); } },
      el("span", { class: "v-line" }, stateBadge(v), el("span", { class: "v-title", text: v.title || v.script_id })),
      el("span", { class: "v-meta" },
        el("span", { class: "v-id", text: v.script_id }),
        el("span", { class: "v-version", text: "第 " + v.version + " 版" }),
        el("span", { class: "v-kind", text: KINDS[v.kind] || v.kind }),
        v.fields && v.fields.audio ? el("span", { class: "v-rec", text: "有录音" }) : null),
      el("span", { class: "v-who", text: inQueue ? v.submitted_by + " " + when(v.submitted_at) + " 提交" : lastStep(v) }),
      inQueue ? el("span", { class: "v-schedule", text: schedule(v.fields) }) : null,
      inQueue && ownSubmission(v) ? el("span", { class: "v-own", text: "您自己提交的:请另一位企划同事审批" }) : null);
    var reason = v.state === "rejected" && v.reason
      ? el("p", { class: "v-reason" }, el("strong", { text: "退回理由:" }), v.reason)
      : null;
    return el("li", { class: "version state-" + v.state + (current ? " current" : ""),
                      "data-version": String(v.id), "data-script": v.script_id }, open, reason);
  }

  // -- the panel: nothing, a version, or the editor ------------------------------------------

  function renderPlaceholder() {
    $("placeholder").hidden = mode !== "none";
    $("placeholder-text").textContent = canReview() && versions.some(function (v) { return v.state === "submitted"; })
      ? "在左边的审批队列里选一份广播稿审批。"
      : canWrite() ? "在左边选一份广播稿查看,或点「新建广播稿」。" : "在左边选一份广播稿查看。";
  }

  function showPanel(which) {
    mode = which;
    $("placeholder").hidden = which !== "none";
    $("detail").hidden = which !== "detail";
    $("editor").hidden = which !== "editor";
    if (which === "none") renderPlaceholder();
  }

  function select(id) {
    if (mode === "editor" && !leaveEditor()) return;
    selected = id;
    PA.showMessage("detail-message", "", "", true);
    showPanel("detail");
    renderDetail(true);
    renderQueue();
    renderList();
    remember();
    bringIntoView($("detail"));
    if ($("detail-title")) $("detail-title").focus({ preventScroll: true }); // the row pressed was drawn again
  }

  /* On a narrow screen the panel is under the lists: scroll to it. */
  function bringIntoView(node) {
    if (window.innerWidth < 1000) node.scrollIntoView({ block: "start" });
  }

  function renderDetail(force) {
    var v = byId[selected];
    var body = $("detail-body");
    if (!v) {
      if (!loaded) return;
      PA.clear(body).appendChild(el("p", { class: "empty", text: "没有第 " + selected + " 号广播稿版本,可能已被删除。" }));
      shownDetail = "";
      return;
    }
    var key = JSON.stringify([v, sameScript(v).map(function (w) { return [w.id, w.state, w.updated_at]; }), acting]);
    if (!force && key === shownDetail) return; // as drawn: the reason being typed and the focus stay
    shownDetail = key;
    var focused = document.activeElement && document.activeElement.id;
    PA.clear(body);
    body.appendChild(el("div", { class: "detail-head" },
      el("h2", { id: "detail-title", tabindex: "-1", text: v.title || v.script_id }), stateBadge(v)));
    body.appendChild(el("p", { class: "detail-meta" },
      el("span", { text: v.script_id }), el("span", { text: "第 " + v.version + " 版" }),
      el("span", { text: KINDS[v.kind] || v.kind }), el("span", { text: v.author + " 编写" })));
    var status = statusNote(v);
    if (status) body.appendChild(status);
    if (v.reason && (v.state === "rejected" || v.state === "draft")) {
      body.appendChild(el("div", { class: "reason-box" },
        el("p", { class: "reason-head", text: v.state === "rejected" ? "退回理由" : "上次退回的理由" }),
        el("p", { class: "reason-text", text: v.reason }),
        el("p", { class: "muted", text: (v.decided_by || "") + " " + when(v.decided_at) })));
    }
    body.appendChild(el("h3", { text: "广播词" }));
    body.appendChild(el("blockquote", { class: "script-text", text: v.fields.text || "" }));
    body.appendChild(el("p", { class: "muted", text: chars(v.fields.text || "") + " 个字" }));
    body.appendChild(PA.recordingBox(v, recordingOptions(v))); // what the recording says stays above
    body.appendChild(el("h3", { text: "播出安排" }));
    body.appendChild(el("p", { class: "schedule", text: schedule(v.fields) }));
    body.appendChild(el("p", { class: "zones-line", text: zonesText(v.fields) }));
    if (PREVIEWED.indexOf(v.state) >= 0) { // how it would air and sound (preview.js), before approval
      body.appendChild(PA.previewBox(v, { problem: function (p) { return problemText(p, true); } }));
    }
    var changes = changesFrom(v);
    if (changes) body.appendChild(changes);
    body.appendChild(el("h3", { text: "经过" }));
    body.appendChild(historyList(v));
    var others = otherVersions(v);
    if (others) body.appendChild(others);
    body.appendChild(actions(v));
    if (focused && $(focused) && body.contains($(focused))) $(focused).focus();
  }

  /* What script-recording.js needs to know of `v` and of who is signed in. */
  function recordingOptions(v) {
    var next = v.state === "approved" ? openSuccessor(v) : null;
    var live = approvedOf(v);
    return {
      writer: canWrite(), trained: !!me && me.trained === true,
      elsewhere: v.state === "retired" ? "已停用的广播稿不能再改录音。"
        : next ? "第 " + next.version + " 版" + STATE_NAMES[next.state] + ":请在那一版上录音。" : "",
      next: nextVersion(v), live: live ? live.version : 0, changed: recorded, stale: load,
    };
  }

  /* A recording uploaded or taken off: the version as it now stands (an approved one's is a
   * new version) is shown. */
  function recorded(answer) {
    takeOne(answer);
    if (mode === "detail") {
      selected = answer.id;
      if (filter && filter !== answer.state) filter = ""; // it stays in sight
      renderList();
      renderDetail(true);
      remember();
    }
    load();
  }

  function recordingText(f) {
    return f && f.audio ? (f.recorded_by || "") + " 录制的录音" : "没有录音(标准语音)";
  }

  /* Where this version stands, in a sentence, when it says more than the badge. */
  function statusNote(v) {
    var text = "", cls = "notice";
    var live = approvedOf(v);
    if (v.state === "approved") {
      text = "已写入广播稿库,按排期播出(" + (v.decided_by || "") + " " + when(v.decided_at) + " 批准)。";
      cls += " ok";
    } else if (v.state === "submitted") {
      text = "等待企划部审批(" + v.submitted_by + " " + when(v.submitted_at) + " 提交)。" +
        (live ? "批准前,第 " + live.version + " 版照常播出。" : "批准前不会播出。");
    } else if (v.state === "draft") {
      text = "草稿:提交并经企划部批准后才会播出。" + (live ? "现在播出的是第 " + live.version + " 版。" : "");
    } else if (v.state === "rejected") {
      text = "企划部退回了这一版:按理由修改后可以重新提交。" + (live ? "现在播出的仍是第 " + live.version + " 版。" : "");
      cls += " error";
    } else if (v.state === "retired") {
      var steps = v.history || [];
      var last = steps[steps.length - 1];
      text = last && last.action === "superseded" ? "已被新版本替换,不再播出。" : "已停用,不再播出。";
    }
    return text ? el("p", { class: cls + " status-note", text: text }) : null;
  }

  function historyList(v) {
    var list = el("ol", { class: "history" });
    (v.history || []).forEach(function (step, i) {
      list.appendChild(el("li", { class: "step step-" + step.action },
        el("span", { class: "step-at", text: when(step.at) }),
        el("span", { class: "step-by", text: step.by }),
        el("span", { class: "step-what", text: actionName(step, i === 0) }),
        step.reason ? el("span", { class: "step-reason", text: "理由:" + step.reason }) : null));
    });
    return list;
  }

  function actionName(step, first) {
    var names = {
      edit: first ? "编写" : "修改", submit: "提交审批", approve: "批准", reject: "退回",
      retire: "停用", superseded: "被新版本替换", record: "上传录音", unrecord: "删除录音", unapprove: "批准没有生效,回到待审批",
    };
    return names[step.action] || step.action;
  }

  function otherVersions(v) {
    var others = sameScript(v).filter(function (w) { return w.id !== v.id; });
    if (!others.length) return null;
    var list = el("ul", { class: "others" });
    others.forEach(function (w) {
      list.appendChild(el("li", {},
        el("button", { class: "link", type: "button", onclick: function () { select(w.id); } },
          "第 " + w.version + " 版"), " ", stateBadge(w), " ", el("span", { class: "muted", text: lastStep(w) })));
    });
    return el("div", { class: "other-versions" }, el("h3", { text: "这份广播稿的其他版本" }), list);
  }

  /* What this version changes against the one on air, for the planner to see at a glance. */
  function changesFrom(v) {
    var live = approvedOf(v);
    if (!live || v.state === "retired") return null;
    var rows = [
      ["标题", live.fields.title || "", v.fields.title || ""],
      ["广播词", live.fields.text || "", v.fields.text || ""],
      ["播出安排", schedule(live.fields), schedule(v.fields)],
      ["区域", zonesText(live.fields), zonesText(v.fields)],
      ["录音", recordingText(live.fields), recordingText(v.fields) +
        (live.fields.audio && v.fields.audio && live.fields.audio !== v.fields.audio ? "(重新录制)" : "")],
    ].filter(function (row) { return row[1] !== row[2]; });
    var box = el("div", { class: "changes" }, el("h3", { text: "和正在播出的第 " + live.version + " 版相比" }));
    if (!rows.length) {
      box.appendChild(el("p", { class: "muted", text: "内容和播出安排都没有变。" }));
      return box;
    }
    var list = el("dl", { class: "change-list" });
    rows.forEach(function (row) {
      list.appendChild(el("dt", { text: row[0] }));
      list.appendChild(el("dd", {}, el("span", { class: "was", text: "原来:" + row[1] })));
      list.appendChild(el("dd", {}, el("span", { class: "now", text: "现在:" + row[2] })));
    });
    box.appendChild(list);
    return box;
  }

  // -- what the person may do with a version ------------------------------------------------------

  function actions(v) {
    var box = el("div", { class: "detail-actions" });
    var buttons = el("div", { class: "actions" });
    if (canWrite()) writerActions(v, buttons, box);
    if (canReview()) reviewerActions(v, buttons, box);
    if (!canWrite() && !canReview()) {
      box.appendChild(el("p", { class: "muted read-only", text: "主管只能查看:修改和提交由市场部,审批由企划部。" }));
    }
    if (buttons.firstChild) box.insertBefore(buttons, box.firstChild);
    return box;
  }

  function writerActions(v, buttons, box) {
    var next = v.state === "approved" ? openSuccessor(v) : null;
    if (v.state === "draft" || v.state === "rejected") {
      buttons.appendChild(button(v.state === "rejected" ? "按意见修改" : "修改", "", function () { openEditor(v); }));
      buttons.appendChild(button("提交审批", "primary", function () { submit(v); }));
    } else if (v.state === "submitted") {
      buttons.appendChild(button("撤回修改", "", function () { openEditor(v); }));
    } else if (v.state === "approved" && next) {
      box.appendChild(el("p", { class: "muted", text: "第 " + next.version + " 版" + STATE_NAMES[next.state] +
        ":请在那一版上修改。" }));
      buttons.appendChild(button("查看第 " + next.version + " 版", "", function () { select(next.id); }));
    } else if (v.state === "approved") {
      buttons.appendChild(button("修改(生成新版本)", "", function () { openEditor(v); }));
    } else if (v.state === "retired" && !canReview()) {
      box.appendChild(el("p", { class: "muted", text: "已停用的广播稿不能再修改;要再播请新建一份。" }));
    }
  }

  function reviewerActions(v, buttons, box) {
    if (v.state === "approved") {
      buttons.appendChild(button("停用", "danger-outline", function () { retire(v); }));
      return;
    }
    if (v.state !== "submitted") return;
    if (ownSubmission(v)) {
      box.appendChild(el("p", { class: "notice warn own", text: "这是您自己提交的广播稿:不能自己审批,请另一位企划同事审批。" }));
      return;
    }
    var problem = reasonErrors[v.id] || "";
    var reason = el("textarea", { id: "reject-reason", rows: "3", maxlength: String(MAX_REASON * 2),
                                  "aria-describedby": "err-reason", "aria-invalid": problem ? "true" : null,
                                  placeholder: "例如:周末人多,改成每 8 首歌播一次" });
    reason.value = reasons[v.id] || "";
    reason.addEventListener("input", function () {
      reasons[v.id] = reason.value;
      if (reasonErrors[v.id]) reasonError(v, reasonProblem(reason.value));
    });
    box.appendChild(el("div", { class: "decide", id: "decide" },
      el("h3", { text: "审批" }),
      el("div", { class: "actions" },
        button("批准", "primary approve", function () { approve(v); })),
      el("div", { class: "field" + (problem ? " invalid" : ""), id: "field-reason" },
        el("label", { for: "reject-reason", text: "退回理由(退回时必填,市场部会看到)" }),
        reason,
        el("p", { class: "field-error", id: "err-reason", "aria-live": "polite", text: problem })),
      el("div", { class: "actions" },
        button("退回给市场部", "danger-outline", function () { reject(v); }))));
  }

  function button(text, cls, onclick) {
    return el("button", { class: "btn " + (cls || ""), type: "button", disabled: acting, onclick: onclick, text: text });
  }

  function reasonProblem(text) {
    var said = text.trim();
    if (!said) return "退回时请写明理由,让市场部知道要改什么。";
    if (chars(said) > MAX_REASON) return "理由最多 " + MAX_REASON + " 个字,现在 " + chars(said) + " 个字。";
    return "";
  }

  function reasonError(v, text) {
    if (text) reasonErrors[v.id] = text;
    else delete reasonErrors[v.id];
    var box = $("field-reason");
    if (!box) return;
    box.classList.toggle("invalid", !!text);
    $("err-reason").textContent = text;
    if (text) $("reject-reason").setAttribute("aria-invalid", "true");
    else $("reject-reason").removeAttribute("aria-invalid");
  }

  /* A step on a version; its answer is shown, the list asked again either way (someone else
   * may have been first). */
  function step(v, path, body, done) {
    acting = true;
    renderDetail(true);
    PA.showMessage("detail-message", "", "正在处理……", true);
    return PA.api("POST", "/api/scripts/" + v.id + "/" + path, body)
      .then(function (answer) {
        takeOne(answer);
        PA.showMessage("detail-message", "ok", done(answer), true);
        return answer;
      })
      .catch(function (failure) {
        PA.showMessage("detail-message", "error", failure.message, true);
        if (failure.field === "reason") reasonErrors[v.id] = failure.message;
        return null;
      })
      .then(function (answer) {
        acting = false;
        renderDetail(true);
        if (answer === null && reasonErrors[v.id] && $("reject-reason")) $("reject-reason").focus();
        return load();
      });
  }

  function submit(v) {
    step(v, "submit", null, function (answer) {
      return "已提交企划部审批(第 " + answer.version + " 版)。批准后才会播出。";
    });
  }

  function approve(v) {
    var live = approvedOf(v);
    var warnings = PA.previewWarnings(v); // of the preview by simulation, if one was run
    PA.confirmStep({
      title: "批准「" + (v.title || v.script_id) + "」第 " + v.version + " 版?",
      body: [
        el("p", { class: "confirm-text", text: v.fields.text || "" }),
        el("p", { class: "confirm-schedule", text: schedule(v.fields) }),
        v.fields.audio ? el("p", { class: "confirm-recording", text: "播出时用 " + (v.fields.recorded_by || "") +
          " 录制的录音(B7),不用标准语音。" }) : null,
        warnings.length ? warningsNote(warnings) : null,
        el("p", { class: "muted", text: "批准后写入广播稿库,从下一首歌结束起按排期播出" +
          (live ? ",替换正在播出的第 " + live.version + " 版。" : "。") }),
      ].filter(Boolean),
      ok: "批准", okClass: "primary", cancel: "再看看",
    }).then(function (yes) {
      if (!yes) return;
      step(v, "approve", null, function (answer) {
        return "已批准「" + answer.title + "」第 " + answer.version + " 版:已写入广播稿库,从下一首歌结束起按排期播出。";
      });
    });
  }

  function warningsNote(warnings) {
    var list = el("ul");
    warnings.forEach(function (w) { list.appendChild(el("li", { text: w })); });
    return el("div", { class: "notice warn confirm-warnings" }, el("p", { text: "模拟播出时发现:" }), list);
  }

  function reject(v) {
    var typed = reasons[v.id] || "";
    var problem = reasonProblem(typed);
    reasonError(v, problem);
    if (problem) {
      $("reject-reason").focus();
      return;
    }
    step(v, "reject", { reason: typed.trim() }, function (answer) {
      delete reasons[v.id];
      return "已退回给市场部(" + answer.author + "),理由:" + answer.reason;
    });
  }

  function retire(v) {
    PA.confirmStep({
      title: "停用「" + (v.title || v.script_id) + "」?",
      body: [el("p", { class: "muted", text: "停用后从广播稿库里拿掉,不再播出;以后要播需要重新编写、提交审批。" })],
      ok: "停用", okClass: "danger", cancel: "不停用",
    }).then(function (yes) {
      if (!yes) return;
      step(v, "retire", null, function () { return "已停用「" + (v.title || v.script_id) + "」,不再播出。"; });
    });
  }

  // -- the editor --------------------------------------------------------------------------------

  function bindEditor() {
    var form = $("editor");
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);
    form.addEventListener("focusout", function (event) {
      var key = keyOf(event.target);
      if (key && !touched[key]) { touched[key] = true; showProblems(); }
    });
    $("f-every-songs").addEventListener("focus", function () { $("f-every-by-songs").checked = true; showKind(); });
    $("f-every-minutes").addEventListener("focus", function () { $("f-every-by-minutes").checked = true; showKind(); });
    $("save").addEventListener("click", function () { save(false); });
    $("save-submit").addEventListener("click", function () { save(true); });
    $("cancel").addEventListener("click", function () {
      if (!leaveEditor()) return;
      showPanel(selected && byId[selected] ? "detail" : "none");
      if (mode === "detail") renderDetail(true);
      remember();
    });
  }

  /* The field key an input belongs to (the id of its box, field-<key>). */
  function keyOf(node) {
    var box = node && node.closest ? node.closest(".field") : null;
    return box && box.id.indexOf("field-") === 0 ? box.id.slice(6) : "";
  }

  function onEdit(event) {
    var key = keyOf(event.target);
    if (key && serverProblems[key]) delete serverProblems[key];
    if (event.type === "change" && key) touched[key] = true;
    if (key === "kind" || key === "every") showKind();
    dirty = true;
    showProblems();
  }

  function leaveEditor() {
    if (mode !== "editor" || !dirty) return true;
    return window.confirm("编辑中的广播稿还没有保存,确定不要了吗?");
  }

  function kind() { return $("f-kind-fixed").checked ? "fixed" : "campaign"; }

  function showKind() {
    var fixed = kind() === "fixed";
    $("campaign-fields").hidden = fixed;
    $("fixed-fields").hidden = !fixed;
    $("field-weight").hidden = fixed;
    var songs = $("f-every-by-songs").checked;
    $("f-every-songs").classList.toggle("off", !songs);
    $("f-every-minutes").classList.toggle("off", songs);
  }

  function openEditor(v) {
    if (mode === "editor" && !leaveEditor()) return;
    editing = v;
    touched = {};
    tried = false;
    serverProblems = {};
    dirty = false;
    fill(v ? v.fields : { kind: "campaign" });
    $("f-id").readOnly = !!v;
    $("id-hint").textContent = v
      ? "编号保存后不能改。"
      : "小写字母、数字和 -,以字母或数字开头;也是广播稿库里的文件名,保存后不能改。";
    $("editor-heading").textContent = v
      ? "修改「" + (v.title || v.script_id) + "」" + (v.state === "approved" ? "(生成新版本)" : "第 " + v.version + " 版")
      : "新建广播稿";
    var note = editorNote(v);
    if (v && v.fields.audio) {
      note += (note ? " " : "") + "这一版有 " + (v.fields.recorded_by || "") + " 录制的录音:广播词不变,保存后录音保留;" +
        "改了广播词,录音就不再用(它念的是原来的词),请在「录音」里重新录。";
    }
    $("editor-note").hidden = !note;
    $("editor-note").textContent = note;
    var reason = v && v.reason && (v.state === "rejected" || v.state === "draft") ? v.reason : "";
    $("editor-reason").hidden = !reason;
    $("editor-reason-text").textContent = reason;
    $("save").textContent = v && v.state === "submitted" ? "撤回并保存草稿" : "保存草稿";
    PA.showMessage("editor-message", "", "", true);
    showPanel("editor");
    showKind();
    showProblems();
    remember();
    bringIntoView($("editor"));
    $("f-title").focus();
  }

  function editorNote(v) {
    if (!v) return "";
    if (v.state === "approved") {
      return "这份广播稿已批准,正在播出。保存后生成第 " + nextVersion(v) + " 版新版本,要重新经企划部审批;" +
        "批准前,已批准的第 " + v.version + " 版照常播出。";
    }
    if (v.state === "submitted") return "这一版正在等企划部审批:保存修改会撤回审批申请(回到草稿),改好后请重新提交。";
    if (v.state === "rejected") return "企划部退回了这一版:按理由改好后提交,企划部会重新审批。";
    return "";
  }

  function nextVersion(v) {
    return sameScript(v).reduce(function (most, w) { return Math.max(most, w.version); }, 0) + 1;
  }

  function closeEditor() {
    editing = null;
    dirty = false;
    if (mode === "editor") showPanel("none");
  }

  function fill(fields) {
    $(fields.kind === "fixed" ? "f-kind-fixed" : "f-kind-campaign").checked = true;
    $("f-title").value = fields.title || "";
    $("f-id").value = fields.id || "";
    $("f-text").value = fields.text || "";
    var byMinutes = fields.every_minutes !== undefined && fields.every_minutes !== null && fields.every_songs === undefined;
    $(byMinutes ? "f-every-by-minutes" : "f-every-by-songs").checked = true;
    $("f-every-songs").value = numberText(fields.every_songs);
    $("f-every-minutes").value = numberText(fields.every_minutes);
    $("f-max").value = numberText(fields.max_per_day);
    $("f-from").value = fields.valid_from || "";
    $("f-until").value = fields.valid_until || "";
    var days = (fields.weekdays || []).map(weekdayKey);
    Array.prototype.forEach.call(document.querySelectorAll("input[name=weekday]"), function (box) {
      box.checked = days.indexOf(box.value) >= 0;
    });
    $("f-dayparts").value = (fields.dayparts || []).join(", ");
    $("f-slots").value = (fields.slots || []).join(", ");
    $("f-zones").value = (fields.zones || []).join(", ");
    $("f-weight").value = numberText(fields.weight);
    $("f-order").value = numberText(fields.order);
    $("more").open = fields.weight !== undefined || fields.order !== undefined;
  }

  function numberText(value) { return value === undefined || value === null ? "" : String(value); }

  function weekdayKey(day) {
    if (typeof day === "number") return WEEKDAYS[day - 1] || String(day);
    var text = String(day).trim().toLowerCase();
    return WEEKDAY_ALIASES[text] || text;
  }

  function items(text) {
    return text.split(LIST_SEPARATORS).map(function (s) { return s.trim(); }).filter(function (s) { return s; });
  }

  function chars(text) { return Array.from(text).length; }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* A number field: {value} (undefined when empty) or {problem}. */
  function readNumber(id, low, high, whole, what) {
    var input = $(id);
    if (input.validity && input.validity.badInput) return { problem: what + ":请填数字。" };
    var text = input.value.trim();
    if (!text) return { value: undefined };
    var value = Number(text);
    if (!isFinite(value) || (whole && Math.floor(value) !== value) || value < low || value > high) {
      return { problem: what + ":请填 " + low + " 到 " + high + " 之间的" + (whole ? "整数" : "数") + "。" };
    }
    return { value: value };
  }

  /* The body the form makes, and the problems this page can see: {body, problems: {key: text}}. */
  function readForm() {
    var problems = {};
    var body = { kind: kind() };
    var title = $("f-title").value.trim();
    if (!title) problems.title = "请填写标题。";
    else if (chars(title) > MAX_TITLE) problems.title = "标题最多 " + MAX_TITLE + " 个字。";
    body.title = title;

    var id = $("f-id").value.trim();
    if (!id) problems.id = "请填写编号,例如 xmas-draw-2026。";
    else if (!ID_RE.test(id)) problems.id = "编号只能用小写字母、数字和 -,以字母或数字开头,最多 60 个(例如 xmas-draw-2026)。";
    else if (!editing && versions.some(function (v) { return v.script_id === id; })) {
      problems.id = "编号「" + id + "」已经有广播稿在用:请换一个编号。";
    }
    body.id = id;

    var text = $("f-text").value.trim();
    if (!text) problems.text = "请填写广播词。";
    else if (chars(text) > MAX_TEXT) {
      problems.text = "广播词最多 " + MAX_TEXT + " 个字,现在 " + chars(text) + " 个字:一条广播最长约 2 分钟,请缩短或拆成两条。";
    }
    body.text = text;
    body.zones = items($("f-zones").value);

    var order = readNumber("f-order", 0, 10000, true, "顺序");
    if (order.problem) problems.order = order.problem;
    else if (order.value !== undefined) body.order = order.value;

    if (body.kind === "campaign") readCampaign(body, problems);
    else readFixed(body, problems);
    return { body: body, problems: problems };
  }

  function readCampaign(body, problems) {
    var bySongs = $("f-every-by-songs").checked;
    var every = bySongs
      ? readNumber("f-every-songs", 1, 100, true, "每几首歌")
      : readNumber("f-every-minutes", 1, 1440, false, "每几分钟");
    if (every.problem) problems.every = every.problem;
    else if (every.value === undefined) problems.every = bySongs ? "请填写每几首歌播一次。" : "请填写每几分钟播一次。";
    else body[bySongs ? "every_songs" : "every_minutes"] = every.value;

    var most = readNumber("f-max", 1, 1000, true, "每天最多几次");
    if (most.problem) problems.max_per_day = most.problem;
    else if (most.value !== undefined) body.max_per_day = most.value;

    var from = $("f-from"), until = $("f-until");
    if (from.validity && from.validity.badInput) problems.valid_from = "请填写完整的日期。";
    else if (from.value) body.valid_from = from.value;
    if (until.validity && until.validity.badInput) problems.valid_until = "请填写完整的日期。";
    else if (until.value) {
      body.valid_until = until.value;
      if (body.valid_from && until.value < body.valid_from) {
        problems.valid_until = "结束日期不能早于开始日期(" + dateText(body.valid_from) + ")。";
      } else if (until.value < today()) {
        problems.valid_until = "结束日期(" + dateText(until.value) + ")已经过去:这份广播稿不会再播出。";
      }
    }

    body.weekdays = Array.prototype.filter.call(document.querySelectorAll("input[name=weekday]"), function (box) {
      return box.checked;
    }).map(function (box) { return box.value; });

    var parts = items($("f-dayparts").value);
    var bad = parts.filter(function (part) { return /\d/.test(part) && !validWindow(part); });
    if (bad.length) problems.dayparts = "「" + bad[0] + "」不是有效的时间段:请写成 18:00-21:00 这样,开始早于结束。";
    body.dayparts = parts;

    var weight = readNumber("f-weight", 0.1, 10, false, "权重");
    if (weight.problem) problems.weight = weight.problem;
    else if (weight.value !== undefined) body.weight = weight.value;
  }

  function readFixed(body, problems) {
    var slots = items($("f-slots").value);
    var seen = {};
    var bad = slots.filter(function (s) { return minutesOf(s) === null; });
    var twice = slots.filter(function (s) {
      var m = minutesOf(s);
      if (m === null) return false;
      if (seen[m]) return true;
      seen[m] = true;
      return false;
    });
    if (!slots.length) problems.slots = "请至少填一个播出时间,例如 10:30。";
    else if (bad.length) problems.slots = "「" + bad[0] + "」不是 24 小时制的时间:请写成 10:30 这样。";
    else if (twice.length) problems.slots = "「" + twice[0] + "」写了两次:每个时间只播一次。";
    body.slots = slots;
  }

  function minutesOf(clock) {
    var m = CLOCK_RE.exec(clock.trim());
    if (!m) return null;
    var minutes = parseInt(m[1], 10) * 60 + parseInt(m[2], 10);
    return minutes > 24 * 60 ? null : minutes;
  }

  function validWindow(text) {
    var m = WINDOW_RE.exec(text);
    if (!m) return false;
    var start = minutesOf(m[1]), end = minutesOf(m[2]);
    return start !== null && end !== null && start < end;
  }

  /* The keys a body of this kind sends: the other kind's keys would be refused. */
  function cleanBody(body) {
    var out = {};
    Object.keys(body).forEach(function (key) {
      var value = body[key];
      if (value === undefined || value === null || value === "") return;
      if (Array.isArray(value) && !value.length) return;
      out[key] = value;
    });
    return out;
  }

  /* Each field's problems (this page's, for a field the person has been in or once a save was
   * tried; the service's, until that field is changed), the counter, the summary. */
  function showProblems() {
    var read = readForm();
    var count = chars($("f-text").value.trim());
    var counter = $("text-count");
    counter.textContent = count + " / " + MAX_TEXT + " 字";
    counter.classList.toggle("over", count > MAX_TEXT);
    var shown = 0;
    var keys = kind() === "fixed"
      ? FIELD_KEYS.filter(function (k) { return CAMPAIGN_KEYS.indexOf(k) < 0; })
      : FIELD_KEYS.filter(function (k) { return FIXED_KEYS.indexOf(k) < 0; });
    FIELD_KEYS.forEach(function (key) {
      var lines = [];
      var visible = keys.indexOf(key) >= 0;
      var mine = read.problems[key];
      var live = key === "text" && count > MAX_TEXT || key === "valid_until" && !!$("f-from").value;
      if (visible && mine && (tried || touched[key] || live)) lines.push(mine);
      if (visible && serverProblems[key]) lines = lines.concat(serverProblems[key]);
      markField(key, lines);
      shown += lines.length;
    });
    var loose = serverProblems[""] || [];
    var summary = $("editor-problems");
    PA.clear(summary);
    if (loose.length) {
      summary.appendChild(el("p", { text: "还有这些要改:" }));
      var list = el("ul");
      loose.forEach(function (line) { list.appendChild(el("li", { text: line })); });
      summary.appendChild(list);
    }
    return { read: read, shown: shown + loose.length };
  }

  function markField(key, lines) {
    var box = $("field-" + key);
    var error = $("err-" + key);
    if (!box || !error) return;
    box.classList.toggle("invalid", lines.length > 0);
    PA.clear(error);
    lines.forEach(function (line, i) {
      if (i) error.appendChild(el("br"));
      error.appendChild(document.createTextNode(line));
    });
    Array.prototype.forEach.call(box.querySelectorAll("input, textarea"), function (input) {
      if (input.type === "radio" || input.type === "checkbox") return;
      if (lines.length) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
  }

  function firstInvalid() {
    var box = $("editor").querySelector(".field.invalid");
    if (!box) return null;
    if (box.closest("details")) box.closest("details").open = true;
    return box.querySelector("input:not([type=radio]):not([type=checkbox]):not(:disabled), textarea") ||
      box.querySelector("input");
  }

  function save(thenSubmit) {
    if (saving) return;
    tried = true;
    var state = showProblems();
    if (Object.keys(state.read.problems).length) {
      var n = Object.keys(state.read.problems).length;
      PA.showMessage("editor-message", "error", "有 " + n + " 处要改,还没有保存。", true);
      var first = firstInvalid();
      if (first) first.focus();
      return;
    }
    var body = cleanBody(state.read.body);
    var was = editing;
    saving = true;
    $("save").disabled = $("save-submit").disabled = true;
    PA.showMessage("editor-message", "", thenSubmit ? "正在保存并提交……" : "正在保存……", true);
    PA.api(was ? "PUT" : "POST", was ? "/api/scripts/" + was.id : "/api/scripts", body)
      .then(function (saved) {
        dirty = false;
        takeOne(saved);
        if (!thenSubmit) return { saved: saved, text: savedText(saved, was) };
        return PA.api("POST", "/api/scripts/" + saved.id + "/submit").then(function (submitted) {
          takeOne(submitted);
          return { saved: submitted, text: "已保存并提交企划部审批(第 " + submitted.version + " 版)。批准后才会播出。", ok: true };
        }, function (failure) {
          return { saved: saved, text: "已保存为草稿,但没有提交:" + failure.message, ok: false };
        });
      })
      .then(function (done) {
        editing = null;
        selected = done.saved.id;
        if (filter && filter !== done.saved.state) filter = ""; // the saved one stays in sight
        showPanel("detail");
        renderList();
        renderDetail(true);
        PA.showMessage("detail-message", done.ok === false ? "error" : "ok", done.text, true);
        remember();
        load();
      }, refused)
      .then(function () {
        saving = false;
        $("save").disabled = $("save-submit").disabled = false;
      });
  }

  function savedText(saved, was) {
    if (was && saved.id !== was.id) { // an approved one (perhaps approved while it was edited)
      return "已保存为第 " + saved.version + " 版草稿。提交并批准前,第 " + was.version + " 版照常播出。";
    }
    if (was && was.state === "submitted") return "已撤回审批申请,保存为草稿;改好后请重新提交。";
    return "已保存为草稿(第 " + saved.version + " 版):提交并经企划部批准后才会播出。";
  }

  /* The service refused the script: each problem next to its field. */
  function refused(failure) {
    serverProblems = {};
    var problems = failure.problems || [];
    problems.forEach(function (p) {
      var key = boxOf(p.where);
      var line = problemText(p, !key);
      (serverProblems[key] = serverProblems[key] || []).push(line);
    });
    if (!problems.length) {
      var key = boxOf(failure.field || (failure.code === "id_taken" ? "id" : ""));
      if (key) serverProblems[key] = [failure.message];
    }
    showProblems();
    PA.showMessage("editor-message", "error", failure.message, true);
    var first = firstInvalid();
    if (first) first.focus();
  }

  function boxOf(where) {
    var key = String(where || "").split(/[.[]/)[0];
    key = BOXES[key] || key;
    return key && $("field-" + key) && $("err-" + key) ? key : "";
  }

  /* A problem of the library loader (English) in Chinese where its wording is known; the
   * rest as it came. */
  function problemText(p, named) {
    var expected = say(EXPECTED, p.expected);
    var found = say(FOUND, p.found);
    var hint = p.hint ? say(HINTS, p.hint) : "";
    var text = (named ? (LABELS[p.where] || p.where) + ":" : "") +
      "应为" + (expected === null ? " " + p.expected : expected) +
      ",现在是" + (found === null ? " " + p.found : found) + "。";
    if (p.hint) text += hint === null ? " " + p.hint : hint + "。";
    return text;
  }

  var EXPECTED = [
    [/^a date on or after valid_from \((.+)\)$/, function (m) { return "不早于开始日期(" + dateText(m[1]) + ")的日期"; }],
    [/^today \((.+)\) or later$/, function (m) { return "今天(" + dateText(m[1]) + ")或以后的日期"; }],
    [/^daypart names \((.*)\) or windows like "10:00-14:00"$/, function (m) {
      return "商场配置里的时段(" + (m[1] === "none are named" ? "还没有命名的时段" : m[1].split(", ").join("、")) +
        ")或时间段(如 10:00-14:00)";
    }],
    [/^zones from the config \((.*)\)$/, function (m) { return "商场配置里的区域(" + m[1].split(", ").join("、") + ")"; }],
    [/^exactly one of every_songs or every_minutes$/, "每几首歌或每几分钟,二选一"],
    [/^a whole number from (\S+) to (\S+)$/, function (m) { return " " + m[1] + " 到 " + m[2] + " 之间的整数"; }],
    [/^a number from (\S+) to (\S+)$/, function (m) { return " " + m[1] + " 到 " + m[2] + " 之间的数"; }],
    [/^a text of at most (\d+) characters$/, function (m) { return "最多 " + m[1] + " 个字"; }],
    [/^a date like /, "日期(如 2026-12-01)"],
    [/^a 24-hour time like /, " 24 小时制的时间(如 10:30)"],
    [/^each time once$/, "每个时间只写一次"],
    [/^one or more times/, "至少一个播出时间(如 10:30)"],
    [/^non-empty text in quotes$/, "不空的文字"],
    [/^text$/, "文字"],
    [/^the text to read, or an audio recording$/, "要念的广播词"],
    [/^a list of texts like /, "一个或几个名称,用逗号分隔"],
    [/^weekdays as 1-7 /, "周一到周日"],
    [/^a known key$/, "页面认识的设置"],
  ];
  var FOUND = [
    [/^nothing \(the key is missing\)$/, "没有填写"],
    [/^both$/, "两个都填了"],
    [/^neither$/, "都没有填"],
    [/^none$/, "没有填写"],
    [/^the number (.+)$/, function (m) { return " " + m[1]; }],
    [/^(\d+) characters$/, function (m) { return " " + m[1] + " 个字"; }],
    [/^"(.*)" twice$/, function (m) { return "「" + m[1] + "」写了两次"; }],
    [/^"(.*)" in the list$/, function (m) { return "里面有空的名称"; }],
    [/^"(.*)"$/, function (m) { return "「" + m[1] + "」"; }],
    [/^(\d{4}-\d{2}-\d{2})$/, function (m) { return dateText(m[1]); }],
  ];
  var HINTS = [
    [/^remove one of them$/, "只保留一个"],
    [/^a campaign that has ended cannot air$/, "已经结束的活动不能播出,请改结束日期"],
    [/^say how often the campaign airs/, "请填写多久播一次(B5)"],
    [/^an announcement airs for at most 2 minutes/, "一条广播最长约 2 分钟:请缩短,或拆成两条"],
    [/^remove the repeated time/, "删掉重复的时间:定时广播在每个时间只播一次(B4)"],
    [/^put each in quotes$/, "删掉空的名称"],
    [/^leave \S+ out for the default, (.+)$/, function (m) { return "不填就用默认值 " + m[1]; }],
    [/^did you mean "(.+)"\?$/, function (m) { return "是不是「" + m[1] + "」?"; }],
  ];

  function say(table, text) {
    text = String(text || "");
    for (var i = 0; i < table.length; i++) {
      var m = table[i][0].exec(text);
      if (m) return typeof table[i][1] === "string" ? table[i][1] : table[i][1](m);
    }
    return null;
  }

  // -- the schedule in plain Chinese ----------------------------------------------------------

  function thisYear() { return new Date().getFullYear(); }

  /* "2026-12-01" -> "12月1日" (with the year when it is not this one). */
  function dateText(day) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(day || ""));
    if (!m) return String(day || "");
    var text = parseInt(m[2], 10) + "月" + parseInt(m[3], 10) + "日";
    return parseInt(m[1], 10) === thisYear() ? text : m[1] + "年" + text;
  }

  /* An ISO time of the store -> "12月2日 08:15", the store's wall clock. */
  function when(iso) {
    if (typeof iso !== "string" || iso.length < 16) return "";
    return dateText(iso.slice(0, 10)) + " " + iso.slice(11, 16);
  }

  function numberSaid(n) { return String(Math.round(Number(n) * 100) / 100); }

  /* "每 5 首歌播一次,每天最多 6 次,12月1日至12月25日,周六、周日,晚间". */
  function schedule(f) {
    if (!f) return "";
    if (f.kind === "fixed") {
      var slots = (f.slots || []).slice().sort();
      var text = slots.length ? "每天 " + slots.join("、") + " 播出(到点后等当前歌曲播完)" : "没有播出时间";
      if (f.order) text += ",顺序 " + f.order;
      return text;
    }
    var parts = [];
    if (f.every_songs) parts.push("每 " + f.every_songs + " 首歌播一次");
    else if (f.every_minutes) parts.push("每 " + numberSaid(f.every_minutes) + " 分钟播一次");
    else parts.push("没有填播出频率");
    parts.push(f.max_per_day ? "每天最多 " + f.max_per_day + " 次" : "每天不限次数");
    if (f.valid_from && f.valid_until) parts.push(dateText(f.valid_from) + "至" + dateText(f.valid_until));
    else if (f.valid_from) parts.push(dateText(f.valid_from) + "起");
    else if (f.valid_until) parts.push("到" + dateText(f.valid_until) + "为止");
    else parts.push("不限日期");
    parts.push(weekdaysText(f.weekdays || []));
    parts.push((f.dayparts || []).length ? f.dayparts.map(daypartText).join("、") : "营业时间内");
    if (f.weight !== undefined && f.weight !== null && Number(f.weight) !== 1) parts.push("权重 " + numberSaid(f.weight));
    return parts.join(",");
  }

  function daypartText(part) {
    var m = WINDOW_RE.exec(part);
    if (m) return m[1] + "至" + m[2];
    return DAYPARTS[String(part).toLowerCase()] || part;
  }

  /* ["sat", "sun"] -> "周六、周日"; a run of three or more -> "周一至周五"; none or all -> "每天". */
  function weekdaysText(days) {
    var numbers = days.map(weekdayKey).map(function (k) { return WEEKDAYS.indexOf(k); })
      .filter(function (n, i, all) { return n >= 0 && all.indexOf(n) === i; }).sort();
    if (!numbers.length || numbers.length === 7) return "每天";
    var runs = [], start = numbers[0], last = numbers[0];
    for (var i = 1; i <= numbers.length; i++) {
      if (i < numbers.length && numbers[i] === last + 1) { last = numbers[i]; continue; }
      runs.push([start, last]);
      if (i < numbers.length) { start = last = numbers[i]; }
    }
    return runs.map(function (run) {
      var a = WEEKDAY_NAMES[WEEKDAYS[run[0]]], b = WEEKDAY_NAMES[WEEKDAYS[run[1]]];
      if (run[0] === run[1]) return a;
      if (run[1] - run[0] === 1) return a + "、" + b;
      return a + "至" + b;
    }).join("、");
  }

  function zonesText(f) {
    var zones = (f && f.zones) || [];
    return zones.length ? "区域:" + zones.join("、") : "区域:所有区域";
  }

  PA.start({ onReady: onReady, onSignedOut: onSignedOut });
})();
