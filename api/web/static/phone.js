/* The phone page (`/`): a floor assistant pages someone and follows her pages.
 *
 * - The form comes from GET /api/paging: a kind (来宾, 本公司, 走失儿童, 寻车), that kind's
 *   fields, an optional note. As she types, the exact words are previewed (POST
 *   /api/pages/preview, debounced, only the latest answer shown) or the rule broken is said.
 * - The draft (kind and fields) is kept in localStorage as she types, so an expired session,
 *   a reload or a lost tab brings it back; it is cleared once the page is sent.
 * - Sending (POST /api/pages) carries one Idempotency-Key per draft (a new one when its words
 *   change) and is retried after a lost network with the same key: one tap is one page
 *   whatever the Wi-Fi does, and a double tap is one tap.
 * - "我今天的广播" lists her pages of the day, live from the server-sent events: the state in
 *   Chinese, the place in the queue and a countdown, a cancel button while queued.
 * - A trained announcer may record the page in her own voice (recorder.js: HTTPS only) and
 *   send that instead (POST /api/pages/recorded).
 * - From a call to a page: the switchboard console opens `/#kind=customer&name=张&honorific=先生
 *   &place=一楼服务台` (a fragment, so names never reach a server's log). Once signed in, the
 *   form takes that kind and those fields (unknown kinds, fields and choices are ignored;
 *   values go into the inputs only), and the fragment is cleared so a reload does not refill.
 * - Messages for her (S3, GET /api/messages): a badge with the unread count in the bar and a
 *   card listing them, shown until she marks each one read (POST /api/messages/{id}/read);
 *   read ones stay, dimmed. Fetched again on the "messages" event and when the page is shown.
 * - A department head (her directory entry has the duty 负责人) sees her department's open
 *   complaints (S8, GET /api/switchboard/complaints?open=true), the overdue ones in red;
 *   asked again on the "complaints" event, when the page is shown, on reconnecting, and once
 *   the next deadline passes.
 *   Anyone else: the book is not asked at all.
 */
(function () {
  "use strict";

  var PA = window.PA;
  var $ = PA.$;
  var el = PA.el;

  var DRAFT_STORE = "mall-pa.phone.draft.";
  var PREVIEW_DELAY_MS = 300;

  var me = null;            // who is signed in: {name, roles, trained, csrf}
  var paging = null;        // GET /api/paging
  var draft = emptyDraft("");
  var draftOwner = "";      // whose draft is in memory (localStorage may be unavailable)
  var preview = { state: "empty", text: "", message: "", field: "", body: "" };
  var previewSeq = 0;
  var previewTimer = null;
  var sending = false;
  var pages = {};           // id -> PageOut, plus etaAt (ms, local clock)
  var order = [];           // page ids, newest first
  var confirming = {};      // id -> true while "really cancel?" is asked
  var notes = {};           // id -> {text, cls}: a message under one page
  var unseen = {};          // id -> state: events for pages we did not know yet
  var live = null;          // PA.events handle
  var rec = null;           // {body, take}: the take (recorder.js) and the words it reads
  var messages = [];        // GET /api/messages, plus unreadFrom (ms, local clock)
  var messageNotes = {};    // id -> text: why marking it read failed
  var marking = {};         // id -> true while its "已读" is on its way
  var messagesSeq = 0;
  var heads = [];           // the departments she heads (the directory's 负责人 entries)
  var complaints = [];      // her departments' open complaints, plus overdueFrom (ms)
  var complaintsSeq = 0;
  var complaintsTimer = null;

  // -- the draft -------------------------------------------------------------------------------

  function emptyDraft(kind) {
    return { kind: kind, name: "", honorific: "", place: "", other: "", plate: "", note: "",
             key: "", keyFor: "" };
  }

  function draftStore() { return DRAFT_STORE + (me ? me.name : ""); }

  function saveDraft() {
    try { localStorage.setItem(draftStore(), JSON.stringify(draft)); } catch (e) { /* private mode */ }
  }

  /** The signed-in person's draft: as kept in localStorage, else the one in memory if it is
   *  theirs (a phone in private mode keeps nothing), else a new one. */
  function loadDraft() {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(draftStore()) || "null"); } catch (e) { saved = null; }
    var ours = draftOwner === (me ? me.name : "");
    draftOwner = me ? me.name : "";
    var fresh = emptyDraft(draft.kind);
    if (!saved || typeof saved !== "object") return ours ? draft : fresh;
    Object.keys(fresh).forEach(function (key) {
      if (typeof saved[key] === "string") fresh[key] = saved[key];
    });
    return fresh;
  }

  function forgetDraft() {
    try { localStorage.removeItem(draftStore()); } catch (e) { /* nothing kept */ }
  }

  function isPristine() {
    return !(draft.name || draft.honorific || draft.place || draft.other || draft.plate || draft.note);
  }

  /** The same key for the same words (a retry); a new one once the draft changes. */
  function keyFor(body, extra) {
    var signature = JSON.stringify(body) + (extra || "");
    if (!draft.key || draft.keyFor !== signature) {
      draft.key = PA.key();
      draft.keyFor = signature;
      saveDraft();
    }
    return draft.key;
  }

  // -- the form ----------------------------------------------------------------------------------

  function knownKind(name) {
    var kinds = paging ? paging.kinds : [];
    for (var i = 0; i < kinds.length; i++) if (kinds[i].kind === name) return kinds[i];
    return null;
  }

  function kindOf(name) {
    var kinds = paging ? paging.kinds : [];
    for (var i = 0; i < kinds.length; i++) if (kinds[i].kind === name) return kinds[i];
    return kinds[0] || null;
  }

  function hasField(field) {
    var kind = kindOf(draft.kind);
    return !!kind && kind.fields.indexOf(field) >= 0;
  }

  function loadForm() {
    showFormMessage("");
    $("mine").hidden = false;
    return PA.api("GET", "/api/paging").then(function (form) {
      paging = form;
      buildForm();
      draft = loadDraft();
      draft.kind = kindOf(draft.kind) ? kindOf(draft.kind).kind : ""; // the store may have dropped a kind
      takePrefill();
      fillInputs();
      renderChoices();
      $("page-form").hidden = false;
      schedulePreview(0);
    }, function (failure) {
      if (failure.status === 401) return;
      $("page-form").hidden = true;
      if (failure.status === 403) {
        showFormMessage("这个账号不能发寻人广播:需要员工、播音员或主管的账号。", false);
        $("mine").hidden = true;
      } else {
        showFormMessage(failure.message, true);
      }
    });
  }

  function showFormMessage(text, withRetry) {
    var box = PA.clear($("form-message"));
    if (!text) return;
    box.appendChild(document.createTextNode(text + " "));
    if (withRetry) {
      box.appendChild(el("button", { class: "btn", type: "button", text: "重试", onclick: loadForm }));
    }
  }

  function chip(text, value, onPick, extraClass) {
    return el("button", { class: "chip" + (extraClass ? " " + extraClass : ""), type: "button",
                          "aria-pressed": "false", "data-value": value, onclick: onPick }, text);
  }

  function buildForm() {
    var kinds = PA.clear($("kinds"));
    paging.kinds.forEach(function (kind) {
      kinds.appendChild(chip(kind.label, kind.kind, pickKind, kind.urgent ? "urgent" : ""));
    });
    var honorifics = PA.clear($("honorifics"));
    paging.honorifics.forEach(function (word) { honorifics.appendChild(chip(word, word, pickHonorific)); });
    var places = PA.clear($("places"));
    paging.places.forEach(function (place) { places.appendChild(chip(place, place, pickPlace)); });
    places.hidden = paging.places.length === 0;
    $("other-place-label").hidden = !paging.free_places || paging.places.length === 0;
    $("other-place").hidden = !paging.free_places;
    if (paging.places.length) $("place-label").removeAttribute("for");
    else $("place-label").setAttribute("for", "other-place");
    $("other-place").placeholder = paging.places.length ? "不在上面的,在这里写" : "例如 一楼服务台";
    var limits = paging.limits || {};
    var inputs = { name: "name", plate: "plate", "other-place": "place", note: "note" };
    Object.keys(inputs).forEach(function (id) {
      if (limits[inputs[id]]) $(id).maxLength = limits[inputs[id]];
    });
  }

  function fillInputs() {
    $("name").value = draft.name;
    $("plate").value = draft.plate;
    $("other-place").value = draft.other;
    $("note").value = draft.note;
  }

  function pressed(group, value) {
    Array.prototype.forEach.call($(group).children, function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-value") === value));
    });
  }

  /** Chips pressed, the kind's fields shown, its labels and the urgent notice. */
  function renderChoices() {
    var kind = kindOf(draft.kind);
    pressed("kinds", draft.kind);
    pressed("honorifics", draft.honorific);
    pressed("places", draft.other ? "" : draft.place);
    ["name", "honorific", "plate", "place"].forEach(function (field) {
      $("field-" + field).hidden = !hasField(field);
    });
    var child = draft.kind === "lost_child";
    $("name-label").textContent = child ? "孩子的姓名" : "姓名";
    $("name").placeholder = child ? "例如 小明" : draft.kind === "staff" ? "只写姓名,不写职务" : "例如 张 或 张伟";
    $("place-label").textContent = child ? "孩子在哪里等" : "请到哪里";
    $("urgent-note").hidden = !(kind && kind.urgent);
  }

  function pickKind(event) {
    draft.kind = event.currentTarget.getAttribute("data-value");
    changed();
  }

  function pickHonorific(event) {
    draft.honorific = event.currentTarget.getAttribute("data-value");
    changed();
  }

  function pickPlace(event) {
    draft.place = event.currentTarget.getAttribute("data-value");
    draft.other = "";
    $("other-place").value = "";
    changed();
  }

  function typed(event) {
    var input = event.currentTarget;
    var field = { name: "name", plate: "plate", "other-place": "other", note: "note" }[input.id];
    draft[field] = input.value;
    if (field === "other" && input.value) draft.place = "";
    changed();
  }

  /** Any change to the draft: keep it, redraw the choices, preview again. */
  function changed() {
    saveDraft();
    renderChoices();
    if ($("send-message").classList.contains("ok")) showSendMessage("", "");
    schedulePreview(PREVIEW_DELAY_MS);
  }

  /** What POST /api/pages takes: the kind's own fields and the note, trimmed. */
  function body() {
    var page = { kind: draft.kind };
    if (hasField("name")) page.name = draft.name.trim();
    if (hasField("honorific")) page.honorific = draft.honorific;
    if (hasField("plate")) page.plate = draft.plate.trim();
    if (hasField("place")) page.place = (draft.other.trim() || draft.place);
    page.note = draft.note.trim();
    return page;
  }

  /** What is still to fill in, as {field, ask} in the form's order. */
  function missing(page) {
    var asks = [];
    var listed = paging && paging.places.length;
    var child = draft.kind === "lost_child";
    if ("name" in page && !page.name) asks.push({ field: "name", ask: child ? "填写孩子的姓名" : "填写姓名" });
    if ("honorific" in page && !page.honorific) asks.push({ field: "honorific", ask: "选择称呼" });
    if ("plate" in page && !page.plate) asks.push({ field: "plate", ask: "填写车牌号" });
    if ("place" in page && !page.place) asks.push({ field: "place", ask: listed ? "选择地点" : "填写地点" });
    return asks;
  }

  function askFor(asks) {
    return "请" + asks.map(function (a) { return a.ask; }).join("、") + "。";
  }

  // -- preview -------------------------------------------------------------------------------

  function schedulePreview(delay) {
    clearTimeout(previewTimer);
    var page = body();
    var asks = missing(page);
    if (asks.length) {
      previewSeq++; // an answer still on its way is now stale
      setPreview(isPristine() ? "empty" : "missing", "", askFor(asks), "", page);
      return;
    }
    setPreview("pending", preview.text, "", "", page);
    previewTimer = setTimeout(runPreview, delay);
  }

  function runPreview() {
    var seq = ++previewSeq;
    var page = body();
    PA.api("POST", "/api/pages/preview", page).then(function (answer) {
      if (seq === previewSeq) setPreview("ok", answer.text, answer.closed, "", page); // closed: "" while open
    }, function (failure) {
      if (seq !== previewSeq || failure.status === 401) return;
      if (failure.status === 422) setPreview("refused", "", failure.message, failure.field, page);
      else setPreview("error", "", "暂时看不到预览:" + failure.message, "", page);
    });
  }

  function setPreview(state, text, message, field, page) {
    preview = { state: state, text: text, message: message, field: field, body: JSON.stringify(page) };
    renderPreview();
  }

  function previewIsCurrent() { return preview.body === JSON.stringify(body()); }

  function renderPreview() {
    var state = preview.state;
    var shown = state === "ok" || (state === "pending" && !!preview.text);
    $("preview").className = "preview " + state;
    $("preview-head").textContent = { refused: "这样不能播", missing: "还差一点", error: "预览" }[state] || "将播出";
    $("preview-text").hidden = !shown;
    $("preview-text").textContent = shown ? preview.text : "";
    var problem = $("preview-problem");
    problem.textContent = state === "empty" ? "填好后,这里会显示将要播出的原话。" : preview.message;
    var look = { missing: "warn", refused: "error", error: "warn", empty: "hint" };
    problem.className = "notice " + (look[state] || (preview.message ? "warn" : ""));
    var repeat = paging ? paging.repeat : 1;
    $("preview-repeat").hidden = !(state === "ok" && repeat > 1);
    $("preview-repeat").textContent = "这段话会连续念 " + repeat + " 遍。";
    markInvalid(state === "refused" ? preview.field : "");
    renderSendButton();
    renderRecording();
  }

  function markInvalid(field) {
    ["name", "honorific", "plate", "place", "note", "kind"].forEach(function (name) {
      var box = $("field-" + name);
      var bad = name === field;
      box.classList.toggle("invalid", bad);
      Array.prototype.forEach.call(box.querySelectorAll("input"), function (input) {
        if (bad) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
      });
    });
  }

  // -- sending ---------------------------------------------------------------------------------

  function renderSendButton() {
    var button = $("send");
    var refused = preview.state === "refused" && previewIsCurrent();
    button.disabled = sending || preview.state === "missing" || preview.state === "empty" || refused;
    button.textContent = sending ? "正在发送……" : "发送广播";
  }

  function showSendMessage(text, cls) {
    var box = $("send-message");
    box.textContent = text;
    box.className = "notice" + (cls ? " " + cls : "");
  }

  function send() {
    if (sending) return; // a second tap while the first is on its way
    var page = body();
    var asks = missing(page);
    if (asks.length) {
      setPreview("missing", "", askFor(asks), "", page);
      return;
    }
    sending = true;
    renderSendButton();
    showSendMessage("正在发送……", "");
    var listed = order.slice();
    PA.api("POST", "/api/pages", page, { headers: { "Idempotency-Key": keyFor(page) }, retries: 3 })
      .then(function (taken) { sent(taken, listed); },
            function (failure) { sendFailed(failure, showSendMessage); })
      .then(function () {
        sending = false;
        renderSendButton();
      });
  }

  /** 202 (new) or 200 (a retry of the same page): either way the page is taken. `listed`: the
   *  pages shown before sending; the service answers with one of them for the same page sent
   *  again by the same person within two minutes. */
  function sent(page, listed) {
    var again = listed.indexOf(page.id) >= 0;
    var early = !!unseen[page.id]; // an event for it came before this answer
    forgetDraft();
    $("prefill-note").hidden = true;
    draft = emptyDraft(draft.kind);
    fillInputs();
    renderChoices();
    discardRecording();
    schedulePreview(0);
    showSendMessage(again ? "这条广播刚才已经发过了,不会重复播出。" : "已发送,请在下面「我今天的广播」里查看进度。", "ok");
    upsert(page, true);
    if (early) refetch(page.id);
    var item = itemNode(page.id);
    if (item && item.scrollIntoView) item.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function sendFailed(failure, show) {
    if (failure.status === 401) { show("", ""); return; } // the sign-in form is back; the draft is kept
    show(failure.message, failure.status === 429 || failure.status === 0 ? "warn" : "error");
    if (failure.status === 422 && failure.field && failure.field !== "audio") {
      setPreview("refused", "", failure.message, failure.field, body());
    }
  }

  // -- my pages today --------------------------------------------------------------------------

  function refreshList() {
    return PA.api("GET", "/api/pages").then(function (list) {
      $("mine-message").textContent = "";
      var known = {};
      list.filter(mine).forEach(function (page) { known[page.id] = true; remember(page); });
      Object.keys(pages).forEach(function (id) { if (!known[id]) delete pages[id]; });
      order = Object.keys(pages).sort(function (a, b) {
        return pages[a].requested_at < pages[b].requested_at ? 1 : -1;
      });
      renderList();
    }, function (failure) {
      if (failure.status !== 401) $("mine-message").textContent = failure.message;
    });
  }

  /** The desk's roles get every page of the store here: the phone lists one's own. */
  function mine(page) { return !!me && page.requested_by === me.name; }

  function remember(page) {
    page.etaAt = page.eta_seconds === null || page.eta_seconds === undefined
      ? null : Date.now() + page.eta_seconds * 1000;
    pages[page.id] = page;
    if (page.state !== "queued") delete confirming[page.id];
    delete unseen[page.id];
  }

  function upsert(page, first) {
    remember(page);
    if (order.indexOf(page.id) < 0) {
      if (first) order.unshift(page.id); else order.push(page.id);
      renderList();
    } else {
      renderItem(page.id);
    }
  }

  function refetch(id) {
    PA.api("GET", "/api/pages/" + encodeURIComponent(id)).then(function (page) { upsert(page, true); },
      function () { /* the next event or reconnect brings it */ });
  }

  function itemNode(id) {
    return $("my-pages").querySelector('li[data-id="' + CSS.escape(id) + '"]');
  }

  function renderList() {
    var list = PA.clear($("my-pages"));
    order.forEach(function (id) { list.appendChild(pageItem(pages[id])); });
    $("mine-empty").hidden = order.length > 0;
  }

  function renderItem(id) {
    var old = itemNode(id);
    if (old) old.replaceWith(pageItem(pages[id]));
    else renderList();
  }

  function stateText(page) {
    if (page.state === "aired") return PA.PAGE_STATES.aired + " " + PA.clock(page.aired_at || page.finished_at);
    return PA.PAGE_STATES[page.state] || page.state;
  }

  function reasonText(page) {
    if (page.state === "cancelled") {
      return page.reason && page.reason !== (me && me.name) ? "由" + page.reason + "取消" : "";
    }
    if (page.state !== "skipped") return "";
    return page.reason ? "原因:" + PA.reason(page.reason) : "";
  }

  function etaText(page) {
    if (page.etaAt === null) return "";
    var left = Math.ceil((page.etaAt - Date.now()) / 1000);
    return left > 0 ? "约" + PA.duration(left) : "马上播出";
  }

  function pageItem(page) {
    var head = el("div", { class: "page-head" },
      el("span", { class: "badge " + page.state, text: stateText(page) }),
      page.urgent ? el("span", { class: "badge urgent", text: "紧急" }) : null,
      page.recorded_by ? el("span", { class: "badge recorded", text: "本人录音" }) : null,
      el("span", { class: "muted when", text: PA.hm(page.requested_at) + " 发出" }));
    var item = el("li", { class: "page-item " + page.state, "data-id": page.id }, head,
      el("p", { class: "page-text", text: page.text }));
    if (page.state === "queued") item.appendChild(queueLine(page));
    var reason = reasonText(page);
    if (reason) item.appendChild(el("p", { class: "muted reason", text: reason }));
    var note = notes[page.id];
    if (note) item.appendChild(el("div", { class: "notice " + note.cls, text: note.text }));
    if (page.state === "queued") item.appendChild(cancelControls(page));
    return item;
  }

  function queueLine(page) {
    var parts = [];
    if (page.position) parts.push(el("strong", { class: "position", text: "第" + page.position + "位" }));
    var eta = etaText(page);
    if (eta) parts.push(el("strong", { class: "eta", text: eta }));
    var waits = PA.waitsFor(page.airs_after);
    if (waits) parts.push(el("span", { class: "muted waits", text: waits }));
    return el.apply(null, ["div", { class: "queue-line" }].concat(parts));
  }

  function cancelControls(page) {
    var id = page.id;
    if (!confirming[id]) {
      return el("div", { class: "row" }, el("button", { class: "btn", type: "button", text: "取消广播",
                                                      onclick: function () { askCancel(id); } }));
    }
    return el("div", { class: "confirm" },
      el("p", { class: "confirm-ask", text: "确定不播这条广播了吗?" }),
      el("div", { class: "row" },
        el("button", { class: "btn danger", type: "button", text: "确定取消",
                       onclick: function (e) { cancel(id, e.currentTarget); } }),
        el("button", { class: "btn", type: "button", text: "不取消", onclick: function () { keep(id); } })));
  }

  function askCancel(id) {
    confirming[id] = true;
    delete notes[id];
    renderItem(id);
  }

  function keep(id) {
    delete confirming[id];
    renderItem(id);
  }

  function cancel(id, button) {
    button.disabled = true;
    PA.api("DELETE", "/api/pages/" + encodeURIComponent(id)).then(function (page) {
      delete notes[id];
      upsert(page);
    }, function (failure) {
      if (failure.status === 401) return;
      delete confirming[id];
      notes[id] = { text: failure.message, cls: failure.status === 409 ? "warn" : "error" };
      renderItem(id);
      if (failure.status === 409 || failure.status === 404) refetch(id);
    });
  }

  /** Every second: the countdowns of queued pages, how long messages wait and complaints are late. */
  function tick() {
    tickMessages();
    tickComplaints();
    order.forEach(function (id) {
      var page = pages[id];
      if (!page || page.state !== "queued") return;
      var node = itemNode(id);
      var eta = node && node.querySelector(".eta");
      if (eta) eta.textContent = etaText(page);
    });
  }

  // -- live events -------------------------------------------------------------------------------

  function onPage(event) {
    var page = pages[event.id];
    if (!page) { noteUnseen(event.id, event.state); return; } // someone else's, or ours before its answer
    page.state = event.state;
    if (event.state !== "queued") { page.position = null; page.etaAt = null; delete confirming[event.id]; }
    if (event.state === "on_air") page.aired_at = event.at;
    renderItem(event.id);
    refetch(event.id);
  }

  function noteUnseen(id, state) {
    if (Object.keys(unseen).length > 200) unseen = {}; // every page of the store passes by here
    unseen[id] = state;
  }

  function onQueue(event) {
    (event.pages || []).forEach(function (place) {
      var page = pages[place.id];
      if (!page || page.state !== "queued") return;
      page.position = place.position;
      page.airs_after = place.airs_after;
      page.eta_seconds = place.eta_seconds;
      page.etaAt = place.eta_seconds === null || place.eta_seconds === undefined
        ? null : Date.now() + place.eta_seconds * 1000;
      renderItem(place.id);
    });
  }

  /** On every (re)connect of the live feed: what it may have missed. */
  function refreshAll() {
    refreshList();
    refreshMessages();
    refreshComplaints();
  }

  function onLiveState(state) {
    $("live").hidden = state === "live";
  }

  function startLive() {
    if (live) live.close();
    live = PA.events({ open: refreshAll, page: onPage, queue: onQueue, messages: refreshMessages,
                       complaints: onComplaints }, onLiveState);
  }

  function stopLive() {
    if (live) live.close();
    live = null;
    $("live").hidden = true;
  }

  // -- recording in one's own voice (B7) ---------------------------------------------------------

  function mayRecord() {
    return !!me && me.trained === true && me.roles.indexOf("announcer") >= 0;
  }

  function renderRecording() {
    var section = $("recording");
    var ready = preview.state === "ok" && previewIsCurrent();
    section.hidden = !mayRecord() || !(ready || rec);
    if (section.hidden) return;
    var why = PA.recorder.unavailable();
    var state = rec ? rec.take.state : "";
    var recording = state === "recording" || state === "stopping";
    var done = state === "done";
    $("record-start").hidden = recording || done;
    $("record-start").disabled = !!why || !ready || sending || state === "starting";
    $("record-why").hidden = !why;
    $("record-why").textContent = why;
    $("record-live").hidden = !recording;
    if (recording) $("record-timer").textContent = minutesSeconds(rec.take.seconds());
    $("record-done").hidden = !done;
    if (done) {
      var stale = rec.body !== JSON.stringify(body());
      $("record-send").disabled = sending || stale || !ready;
      $("record-send").textContent = sending ? "正在发送……" : "发送我的录音";
      $("record-stale").hidden = !stale;
    }
  }

  function minutesSeconds(seconds) {
    var s = Math.floor(seconds);
    return Math.floor(s / 60) + ":" + (s % 60 < 10 ? "0" : "") + (s % 60);
  }

  function showRecordMessage(text, cls) {
    var box = $("record-message");
    box.textContent = text;
    box.className = "notice" + (cls ? " " + cls : "");
  }

  function startRecording() {
    if (rec && rec.take.state !== "done") return;
    discardRecording();
    showRecordMessage("", "");
    rec = { body: JSON.stringify(body()), take: PA.recorder.record(onTake) };
    renderRecording();
  }

  /** Every change of the take under way (recorder.js calls back only after `record` returns). */
  function onTake(take) {
    if (!rec || rec.take !== take) return;
    if (take.state === "failed") {
      rec = null;
      showRecordMessage(take.message, "error");
    } else if (take.state === "done") {
      $("record-audio").src = take.url;
      showRecordMessage("听一下,满意就发送;不满意就重录。", "");
    }
    renderRecording();
  }

  function stopRecording() {
    if (rec) rec.take.stop();
  }

  function discardRecording() {
    if (!rec) return;
    rec.take.discard();
    rec = null;
    $("record-audio").removeAttribute("src");
    showRecordMessage("", "");
    renderRecording();
  }

  function sendRecording() {
    if (sending || !rec || rec.take.state !== "done") return;
    var page = body();
    var form = new FormData();
    form.append("page", JSON.stringify(page));
    form.append("audio", rec.take.blob, rec.take.filename);
    sending = true;
    renderSendButton();
    renderRecording();
    showRecordMessage("正在上传录音……", "");
    var key = keyFor(page, "recording:" + rec.take.url);
    var listed = order.slice();
    var options = { form: form, headers: { "Idempotency-Key": key }, retries: 3 };
    PA.api("POST", "/api/pages/recorded", null, options)
      .then(function (taken) { sent(taken, listed); },
            function (failure) { sendFailed(failure, showRecordMessage); })
      .then(function () {
        sending = false;
        renderSendButton();
        renderRecording();
      });
  }

  // -- times, as a person reads them ------------------------------------------------------------

  /** Today's date (YYYY-MM-DD) in the zone of `iso` (the store's: times carry its offset). */
  function todayIn(iso) {
    var zone = /([+-])(\d\d):?(\d\d)$/.exec(iso || "");
    var offset = zone ? (zone[1] === "-" ? -1 : 1) * (parseInt(zone[2], 10) * 60 + parseInt(zone[3], 10)) : 0;
    return new Date(PA.now() + offset * 60000).toISOString().slice(0, 10);
  }

  /** "10:15" today, "11月22日 10:15" another day. */
  function when(iso) {
    if (typeof iso !== "string" || iso.length < 16) return "";
    if (iso.slice(0, 10) === todayIn(iso)) return PA.hm(iso);
    return parseInt(iso.slice(5, 7), 10) + "月" + parseInt(iso.slice(8, 10), 10) + "日 " + PA.hm(iso);
  }

  /** How long, to the minute: "不到1分钟", "25分钟", "2小时5分钟", "3天2小时". */
  function howLong(seconds) {
    var minutes = Math.floor(Math.max(0, seconds) / 60);
    if (minutes < 1) return "不到1分钟";
    if (minutes < 60) return minutes + "分钟";
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + "小时" + (minutes % 60 ? (minutes % 60) + "分钟" : "");
    return Math.floor(hours / 24) + "天" + (hours % 24 ? (hours % 24) + "小时" : "");
  }

  /** A phone number as a tel: link (digits and + only in the link), or null. */
  function telLink(number, cls) {
    var dial = String(number || "").replace(/[^0-9+]/g, "");
    if (!dial) return null;
    return el("a", { class: "tel" + (cls ? " " + cls : ""), href: "tel:" + dial, text: number });
  }

  // -- messages for me (S3) --------------------------------------------------------------------

  var READ_SHOWN = 10; // read messages listed at most (the newest first)

  function refreshMessages() {
    if (!PA.me()) return Promise.resolve(); // signed out: onReady fetches them again
    var seq = ++messagesSeq;
    return PA.api("GET", "/api/messages").then(function (list) {
      if (seq !== messagesSeq) return;
      $("messages-message").textContent = "";
      messages = (list || []).map(rememberMessage);
      renderMessages();
    }, function (failure) {
      if (seq !== messagesSeq || failure.status === 401) return;
      if (messages.length) $("messages-message").textContent = "留言暂时刷新不了:" + failure.message;
    });
  }

  function rememberMessage(message) {
    message.unreadFrom = typeof message.unread_seconds === "number" && !message.read_at
      ? Date.now() - message.unread_seconds * 1000 : null;
    if (message.read_at) delete marking[message.id];
    return message;
  }

  function unread(message) { return !message.read_at; }

  function renderMessages() {
    var waiting = messages.filter(unread);
    var read = messages.filter(function (m) { return !unread(m); });
    read.sort(function (a, b) { return (a.read_at || "") < (b.read_at || "") ? 1 : -1; });
    var shown = waiting.concat(read.slice(0, READ_SHOWN));
    var list = PA.clear($("message-list"));
    shown.forEach(function (message) { list.appendChild(messageItem(message)); });
    $("messages").hidden = messages.length === 0;
    $("messages").classList.toggle("has-unread", waiting.length > 0);
    $("messages-count").hidden = waiting.length === 0;
    $("messages-count").textContent = waiting.length + " 条未读";
    $("messages-more").hidden = read.length <= READ_SHOWN;
    $("messages-more").textContent = "更早的 " + (read.length - READ_SHOWN) + " 条已读留言没有列出。";
    renderBadge(waiting.length);
  }

  function renderBadge(count) {
    var badge = $("message-badge");
    badge.hidden = count === 0;
    badge.textContent = "留言 " + count;
    badge.setAttribute("aria-label", count + " 条未读留言");
  }

  function sinceText(message) {
    if (message.unreadFrom === null) return "";
    return "已等 " + howLong((Date.now() - message.unreadFrom) / 1000);
  }

  function messageItem(message) {
    var waiting = unread(message);
    var head = el("div", { class: "message-head" },
      waiting ? el("span", { class: "badge unread", text: "未读" }) : el("span", { class: "badge read", text: "已读" }),
      el("strong", { class: "caller", text: message.caller }),
      telLink(message.number) || el("span", { class: "muted no-number", text: "没留电话" }));
    var taken = when(message.taken_at) + " " + (message.taken_by || "") + "记下";
    var meta = el("p", { class: "muted message-meta" }, el("span", { class: "taken", text: taken }));
    if (waiting) meta.appendChild(el("span", { class: "since", text: sinceText(message) }));
    else meta.appendChild(el("span", { class: "read-at", text: when(message.read_at) + " 已读" }));
    var item = el("li", { class: "message-item " + (waiting ? "unread" : "read"), "data-id": String(message.id) },
      head, el("p", { class: "message-text", text: message.text }), meta);
    if (messageNotes[message.id]) item.appendChild(el("div", { class: "notice error", text: messageNotes[message.id] }));
    if (waiting) {
      item.appendChild(el("div", { class: "row" },
        el("button", { class: "btn", type: "button", disabled: !!marking[message.id],
                       text: marking[message.id] ? "正在标记……" : "已读",
                       onclick: function () { markRead(message.id); } })));
    }
    return item;
  }

  function markRead(id) {
    if (marking[id]) return;
    marking[id] = true;
    delete messageNotes[id];
    renderMessages();
    PA.api("POST", "/api/messages/" + encodeURIComponent(id) + "/read").then(function (answer) {
      delete marking[id];
      messages = messages.map(function (m) { return m.id === answer.id ? rememberMessage(answer) : m; });
      renderMessages();
    }, function (failure) {
      delete marking[id];
      if (failure.status === 401) return;
      if (failure.status === 404) { refreshMessages(); return; } // gone, or not hers after all
      messageNotes[id] = failure.message;
      renderMessages();
    });
  }

  function tickMessages() {
    messages.forEach(function (message) {
      if (message.unreadFrom === null) return;
      var node = $("message-list").querySelector('li[data-id="' + CSS.escape(String(message.id)) + '"] .since');
      if (node) node.textContent = sinceText(message);
    });
  }

  function showMessages() {
    var card = $("messages");
    if (!card.hidden && card.scrollIntoView) card.scrollIntoView({ block: "start", behavior: "smooth" });
  }

  function forgetMessages() {
    messagesSeq++;
    messages = [];
    messageNotes = {};
    marking = {};
    renderMessages();
  }

  // -- complaints for a department head (S8) ----------------------------------------------------

  var LONGEST_WAIT_MS = 6 * 3600 * 1000;
  var HEAD_DUTY = "负责人";

  /** The departments she heads: directory entries with her name and the duty 负责人. */
  function findHeads() {
    var name = me.name;
    var query = "?q=" + encodeURIComponent(name.slice(0, 40)) + "&limit=50";
    return PA.api("GET", "/api/switchboard/directory" + query).then(function (entries) {
      var found = [];
      (entries || []).forEach(function (entry) {
        var head = entry.name === name && (entry.duties || []).indexOf(HEAD_DUTY) >= 0;
        if (head && entry.department && found.indexOf(entry.department) < 0) found.push(entry.department);
      });
      return found;
    });
  }

  /** A complaint was recorded or followed up somewhere: a head asks again (nobody else). */
  function onComplaints() {
    if (heads.length) refreshComplaints();
  }

  function refreshComplaints() {
    if (!PA.me()) return Promise.resolve();
    var seq = ++complaintsSeq;
    clearTimeout(complaintsTimer);
    return findHeads().then(function (departments) {
      if (seq !== complaintsSeq) return null;
      heads = departments;
      if (!heads.length) return [];
      return PA.api("GET", "/api/switchboard/complaints?open=true");
    }).then(function (list) {
      if (seq !== complaintsSeq || list === null) return;
      $("complaints-message").textContent = "";
      complaints = (list || []).filter(function (c) {
        return heads.indexOf(c.department) >= 0 && c.standing !== "done";
      }).map(rememberComplaint);
      renderComplaints();
      refreshAtNextDeadline();
    }, function (failure) {
      if (seq !== complaintsSeq || failure.status === 401) return;
      if (failure.status === 403 || failure.status === 404) { // not a head (any more): nothing to show
        heads = [];
        complaints = [];
        renderComplaints();
        return;
      }
      if (complaints.length) $("complaints-message").textContent = "投诉暂时刷新不了:" + failure.message;
    });
  }

  /** No event says a complaint turned overdue or late: ask again once the next deadline is
   *  past (not every few minutes: each answer with contacts is a line in the audit log). */
  function refreshAtNextDeadline() {
    var wait = PA.untilNextDeadline(complaints, LONGEST_WAIT_MS);
    if (wait === null) return;
    complaintsTimer = setTimeout(function () {
      if (document.visibilityState !== "hidden") refreshComplaints();
    }, wait);
  }

  function isOverdue(complaint) { return complaint.standing === "overdue" || complaint.standing === "late"; }

  function rememberComplaint(complaint) {
    complaint.overdueFrom = isOverdue(complaint) && typeof complaint.overdue_seconds === "number"
      ? Date.now() - complaint.overdue_seconds * 1000 : null;
    return complaint;
  }

  function overdueText(complaint) {
    if (complaint.overdueFrom === null) return "";
    return "已超时 " + howLong((Date.now() - complaint.overdueFrom) / 1000);
  }

  function renderComplaints() {
    var list = PA.clear($("complaint-list"));
    complaints.forEach(function (complaint) { list.appendChild(complaintItem(complaint)); });
    $("complaints").hidden = complaints.length === 0;
    var late = complaints.filter(isOverdue).length;
    $("complaints-count").textContent = complaints.length + " 件" + (late ? "," + late + " 件超时" : "");
    $("complaints-count").className = "count" + (late ? " late" : "");
    $("complaints-for").textContent = heads.join("、") + "的投诉:请尽快联系顾客,答复后在总机记下。";
  }

  function complaintItem(complaint) {
    var overdue = isOverdue(complaint);
    var head = el("div", { class: "complaint-head" },
      el("span", { class: "badge state " + complaint.state, text: complaint.state_name || complaint.state }),
      overdue ? el("span", { class: "badge overdue", text: complaint.standing === "late" ? "超过最长期限" : "超时未答复" }) : null,
      heads.length > 1 ? el("span", { class: "muted department", text: complaint.department }) : null,
      el("span", { class: "muted when", text: when(complaint.created_at) + " 登记" }));
    var caller = el("p", { class: "complaint-caller" }, el("strong", { class: "caller", text: complaint.caller }));
    var tel = complaint.contact ? telLink(complaint.contact) : null;
    if (tel) caller.appendChild(tel);
    else if (complaint.contact) caller.appendChild(el("span", { class: "contact", text: complaint.contact }));
    else if (complaint.contact_hidden) caller.appendChild(el("span", { class: "muted", text: "联系方式不公开" }));
    var due = overdue
      ? el("p", { class: "complaint-due overdue" },
          el("strong", { class: "overdue-for", text: overdueText(complaint) }),
          el("span", { text: "(应在 " + when(complaint.due_at) + " 前答复" +
                             (complaint.standing === "late" ? ",最迟 " + when(complaint.limit_at) : "") + ")" }))
      : el("p", { class: "complaint-due muted", text: "请在 " + when(complaint.due_at) + " 前答复顾客" });
    return el("li", { class: "complaint-item " + (complaint.standing || ""), "data-id": String(complaint.id) },
      head, caller, el("p", { class: "complaint-what", text: complaint.what }), due);
  }

  function tickComplaints() {
    complaints.forEach(function (complaint) {
      if (complaint.overdueFrom === null) return;
      var node = $("complaint-list").querySelector('li[data-id="' + CSS.escape(String(complaint.id)) + '"] .overdue-for');
      if (node) node.textContent = overdueText(complaint);
    });
  }

  function forgetComplaints() {
    complaintsSeq++;
    clearTimeout(complaintsTimer);
    heads = [];
    complaints = [];
    renderComplaints();
  }

  // -- from a call to a page (the switchboard console's link) ------------------------------------

  var PREFILL_FIELDS = ["kind", "name", "honorific", "place", "plate", "note"];

  /** The prefill in the URL's fragment as {field: value} for the fields we know, or null. */
  function readPrefill() {
    var fragment = location.hash.replace(/^#/, "");
    if (!fragment || fragment.indexOf("=") < 0) return null;
    var params;
    try { params = new URLSearchParams(fragment); } catch (e) { return null; }
    var found = null;
    PREFILL_FIELDS.forEach(function (field) {
      var value = params.get(field);
      if (value === null) return;
      found = found || {};
      found[field] = value.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
    });
    return found;
  }

  function clearFragment() {
    try {
      history.replaceState(history.state, "", location.pathname + location.search);
    } catch (e) {
      location.hash = ""; // leaves a bare "#", which refills nothing
    }
  }

  function limited(field, value) {
    var limit = paging && paging.limits ? paging.limits[field] : 0;
    return limit ? value.slice(0, limit) : value.slice(0, 200);
  }

  /** When the URL carries a prefill: a new draft of its kind (else the one chosen) with its
   *  fields, where that kind has them and the form offers the choice; then the fragment goes.
   *  Call it with the form built. */
  function takePrefill() {
    var found = readPrefill();
    if (!found) return false;
    clearFragment();
    var kind = knownKind(found.kind) || kindOf(draft.kind);
    if (!kind) return false;
    var fresh = emptyDraft(kind.kind);
    var fields = kind.fields;
    var filled = !!knownKind(found.kind);
    if (found.name && fields.indexOf("name") >= 0) { fresh.name = limited("name", found.name); filled = true; }
    if (found.honorific && fields.indexOf("honorific") >= 0 && paging.honorifics.indexOf(found.honorific) >= 0) {
      fresh.honorific = found.honorific;
      filled = true;
    }
    if (found.plate && fields.indexOf("plate") >= 0) { fresh.plate = limited("plate", found.plate); filled = true; }
    if (found.place && fields.indexOf("place") >= 0) {
      if (paging.places.indexOf(found.place) >= 0) { fresh.place = found.place; filled = true; }
      else if (paging.free_places) { fresh.other = limited("place", found.place); filled = true; }
    }
    if (found.note) { fresh.note = limited("note", found.note); filled = true; }
    if (!filled) return false; // nothing we know: the draft stays as it was
    draft = fresh;
    saveDraft();
    showSendMessage("", "");
    $("prefill-note").hidden = false;
    setTimeout(showForm, 0); // once the form is drawn: messages above may push it off the screen
    return true;
  }

  function showForm() {
    var card = $("paging");
    if (card.scrollIntoView) card.scrollIntoView({ block: "start" });
  }

  /** A link followed while the page is open (the console reuses its tab): no reload. */
  function onHashChange() {
    if (!me || !paging || $("page-form").hidden) return;
    if (!takePrefill()) return;
    fillInputs();
    renderChoices();
    schedulePreview(0);
  }

  // -- signing in and out ------------------------------------------------------------------------

  function onReady(who) {
    me = who;
    showSendMessage("", "");
    loadForm();
    refreshList();
    refreshMessages();
    refreshComplaints();
    startLive();
  }

  function onSignedOut() {
    saveDraft();
    stopLive();
    forgetMessages();
    forgetComplaints();
    $("prefill-note").hidden = true;
    discardRecording();
    clearTimeout(previewTimer);
    previewSeq++;
  }

  function wire() {
    $("page-form").addEventListener("submit", function (event) {
      event.preventDefault(); // the keyboard's Enter never sends a page
      if (document.activeElement) document.activeElement.blur();
    });
    ["name", "plate", "other-place", "note"].forEach(function (id) {
      $(id).addEventListener("input", typed);
    });
    $("send").addEventListener("click", send);
    $("record-start").addEventListener("click", startRecording);
    $("record-stop").addEventListener("click", stopRecording);
    $("record-again").addEventListener("click", startRecording);
    $("record-send").addEventListener("click", sendRecording);
    $("message-badge").addEventListener("click", showMessages);
    window.addEventListener("hashchange", onHashChange);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState !== "visible" || !PA.me()) return;
      refreshMessages();
      refreshComplaints();
    });
    setInterval(tick, 1000);
  }

  wire();
  PA.start({ onReady: onReady, onSignedOut: onSignedOut });
})();
