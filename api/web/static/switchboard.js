/* mall-pa switchboard console (S1-S8): what to say when an outside call is answered (S1), the
 * staff directory to transfer a call (S2), the message pad when nobody answers (S3), who to
 * hand a foreign-language call to (S5), the complaint book (S8), a page for a caller looking
 * for someone (B11), and the answer to questions about business secrets.
 *
 * The operator's words come from GET /api/switchboard/reference (asked for once per sign-in).
 * The directory is searched as the operator types (debounced; a late answer to an older
 * query is dropped). Messages are refetched on the live event "messages", on every (re)connect
 * of the event stream and every minute; complaints on the live event "complaints" (one was
 * recorded or followed up, here or elsewhere), on every (re)connect, and once the next
 * deadline shown has passed (no event says a complaint turned overdue; each list is a line
 * in the audit log, so no polling). How long a message is unread, or a complaint overdue,
 * ticks on by itself between fetches. A form keeps what was typed until the service took it.
 * Messages and complaints are the desk's (announcers, supervisors): anyone else sees a note
 * in their place. Built on common.js (PA); directory-admin.js (admins) plugs in through
 * window.Switchboard.
 */
(function () {
  "use strict";

  var $ = PA.$, el = PA.el;

  var STATE_NAMES = { new: "新登记", in_progress: "处理中", answered: "已答复", closed: "已结案" };
  var MOVES = { // the moves the complaint book allows (daemon/switchboard/book.py)
    new: ["in_progress", "answered", "closed"],
    in_progress: ["answered", "closed"],
    answered: ["in_progress", "closed"],
    closed: ["in_progress"],
  };
  var WHY = {
    extension: "分机", name: "姓名", pinyin: "拼音", initials: "拼音首字母", department: "部门",
    duty: "职责", sound: "读音相近", language: "语言",
  };
  var HONORIFICS = ["先生", "小姐", "女士"]; // until the paging form's own list is known
  var LANGUAGE_NAMES = { en: "英语", ja: "日语" }; // until the reference is read

  var SEARCH_MS = 250;        // typing pause before a search
  var EVENT_MS = 250;         // a burst of events: one fetch
  var POLL_MS = 60000;        // messages, as a fallback for a missed event
  var LONGEST_WAIT_MS = 6 * 3600 * 1000; // complaints: asked again at the next deadline, at the latest
  var DESK_ROLES = ["announcer", "supervisor"]; // who takes messages and complaints (api/deps.py)
  var TICK_MS = 15000;        // how often the durations move on
  var LONG_UNREAD_S = 30 * 60; // a message unread this long stands out
  var NO_DEPARTMENTS = "通讯录里还没有部门:请管理员先导入通讯录。";

  var me = null;
  var bound = false;
  var live = null, timers = [];
  var reference = null;
  var greetingDue = 0;
  var offsetMs = null;        // the store's UTC offset, from the service's times (null: not known)
  var searchSeq = 0, searchTimer = null, lastQuery = "";
  var results = [];           // the directory entries shown
  var chosen = null;          // the directory entry a message is for
  var messages = [], messagesAt = 0, messagesTimer = null;
  var complaints = [], complaintsAt = 0, complaintsSeq = 0, complaintsTimer = null, bookTimer = null;
  var addOns = [];            // directory-admin.js: {ready(me), signedOut()}
  var openComplaint = null;   // the complaint shown in the dialog
  var languageShown = "";

  // -- starting and stopping ---------------------------------------------------------------------

  function onReady(who) {
    me = who;
    $("who").textContent = me.name + (me.roles.length ? " · " + roleNames() : "");
    $("app").classList.toggle("no-desk", !isDesk());
    bindOnce();
    stopLive();
    startLive();
    refreshGreeting();
    loadReference();
    loadPaging();
    refreshMessages();
    refreshComplaints();
    if ($("search").value.trim()) search();
    addOns.forEach(function (addOn) { addOn.ready(me); });
  }

  function onSignedOut() {
    addOns.forEach(function (addOn) { addOn.signedOut(); });
    stopLive();
    me = null;
    $("live").hidden = true;
    $("clock").textContent = "";
    greetingDue = 0;
    offsetMs = null;
    if ($("complaint-dialog").open) $("complaint-dialog").close();
  }

  function isDesk() {
    return me.roles.some(function (r) { return DESK_ROLES.indexOf(r) >= 0; });
  }

  function roleNames() {
    return me.roles.map(function (r) { return PA.ROLES[r] || r; }).join("、");
  }

  function startLive() {
    live = PA.events({ open: onConnected, messages: messagesSoon, complaints: complaintsSoon }, showLive);
    timers.push(setInterval(tick, 1000));
    timers.push(setInterval(renderDurations, TICK_MS));
    timers.push(setInterval(refreshMessages, POLL_MS));
  }

  function stopLive() {
    if (live) live.close();
    live = null;
    timers.forEach(clearInterval);
    timers = [];
    clearTimeout(complaintsTimer);
    clearTimeout(bookTimer);
  }

  function onConnected() { refreshMessages(); refreshComplaints(); }

  function showLive(state) {
    var down = state !== "live";
    var badge = $("live");
    badge.hidden = false;
    badge.textContent = down ? "连接中断,正在重连…" : "● 实时";
    badge.className = down ? "live down" : "live up";
    $("stale").hidden = !down;
  }

  function bindOnce() {
    if (bound) return;
    bound = true;
    $("search").addEventListener("input", searchSoon);
    $("search").addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); clearTimeout(searchTimer); search(); }
    });
    $("findperson-toggle").addEventListener("click", toggleFindPerson);
    ["fp-name", "fp-honorific", "fp-place"].forEach(function (id) {
      $(id).addEventListener("input", updatePageLink);
      $(id).addEventListener("change", updatePageLink);
    });
    $("findperson").addEventListener("submit", function (event) { event.preventDefault(); });
    $("page-link").addEventListener("click", checkPageLink);
    $("message-form").addEventListener("submit", takeMessage);
    $("complaint-form").addEventListener("submit", recordComplaint);
    $("complaints-all").addEventListener("change", refreshComplaints);
    $("note-form").addEventListener("submit", addNote);
    $("complaint-close").addEventListener("click", function () { $("complaint-dialog").close(); });
    $("complaint-dialog").addEventListener("close", function () { openComplaint = null; });
    $("lang-en").addEventListener("click", function () { showLanguage("en"); });
    $("lang-ja").addEventListener("click", function () { showLanguage("ja"); });
    $("lang-other").addEventListener("change", function () {
      if ($("lang-other").value) showLanguage($("lang-other").value);
    });
    $("language-close").addEventListener("click", closeLanguage);
    ["message-caller", "message-number", "message-text", "complaint-caller", "complaint-contact",
     "complaint-what", "complaint-department", "note-text", "note-state"].forEach(function (id) {
      $(id).addEventListener("input", function () { markField($(id), false); });
    });
    renderChosen();
    fillHonorifics(HONORIFICS);
    updatePageLink();
  }

  // -- times -------------------------------------------------------------------------------------

  function zoneOffset(iso) {
    var m = /([+-])(\d\d):(\d\d)$/.exec(iso || "");
    if (!m) return 0;
    return (m[1] === "-" ? -1 : 1) * (parseInt(m[2], 10) * 60 + parseInt(m[3], 10)) * 60000;
  }

  function storeDay(ms) { return new Date(ms + (offsetMs || 0)).toISOString().slice(0, 10); }

  function tick() {
    if (offsetMs !== null) $("clock").textContent = new Date(PA.now() + offsetMs).toISOString().slice(11, 19);
    if (greetingDue && PA.now() >= greetingDue) refreshGreeting();
  }

  /* "今天 14:05", "明天 09:30", "12月3日 14:05": a time of the service, on the store's clock. */
  function when(iso) {
    if (!iso) return "";
    var day = iso.slice(0, 10), today = storeDay(PA.now());
    var tomorrow = storeDay(PA.now() + 86400000), yesterday = storeDay(PA.now() - 86400000);
    var prefix = day === today ? "今天 " : day === tomorrow ? "明天 " : day === yesterday ? "昨天 "
      : parseInt(iso.slice(5, 7), 10) + "月" + parseInt(iso.slice(8, 10), 10) + "日 ";
    return prefix + PA.hm(iso);
  }

  /* "14:05" today, else as when(). */
  function shortWhen(iso) {
    return iso && iso.slice(0, 10) === storeDay(PA.now()) ? PA.hm(iso) : when(iso);
  }

  /* 40 分钟, 3 小时, 3 小时 20 分钟 (under 10 hours), 2 天 5 小时. */
  function span(seconds) {
    var minutes = Math.floor(Math.max(0, seconds) / 60);
    if (minutes < 1) return "不到 1 分钟";
    if (minutes < 60) return minutes + " 分钟";
    var hours = Math.floor(minutes / 60), rest = minutes % 60;
    if (hours >= 48) return Math.floor(hours / 24) + " 天 " + (hours % 24) + " 小时";
    return hours + " 小时" + (hours < 10 && rest ? " " + rest + " 分钟" : "");
  }

  // -- the greeting (S1) and the reference -------------------------------------------------------

  /* What to say when an outside call is answered, asked for again when it changes. */
  function refreshGreeting() {
    greetingDue = 0;
    PA.api("GET", "/api/switchboard/greeting", null, { retries: 2 })
      .then(function (said) {
        offsetMs = zoneOffset(said.changes_at);
        $("greeting").textContent = said.text;
        $("greeting-box").className = "greeting-box " + (said.morning ? "morning" : "day");
        $("greeting-next").textContent = said.changes_at ? when(said.changes_at) + " 起换成下一句问候语" : "";
        greetingDue = Date.parse(said.changes_at) || PA.now() + 60000;
        tick();
      })
      .catch(function (failure) {
        if (failure.status === 401) return;
        $("greeting").textContent = "(无法读取问候语)";
        $("greeting-next").textContent = failure.message;
        greetingDue = PA.now() + 60000;
      });
  }

  function loadReference() {
    PA.api("GET", "/api/switchboard/reference", null, { retries: 2 })
      .then(function (data) {
        reference = data;
        $("reference-message").textContent = "";
        renderReference();
      })
      .catch(function (failure) {
        if (failure.status !== 401) $("reference-message").textContent = "无法读取总机用语和部门:" + failure.message;
      });
  }

  function renderReference() {
    var lines = reference.lines || {};
    $("line-transfer").textContent = lines.transfer || "";
    $("line-no-answer").textContent = lines.no_answer || "";
    $("line-complaint").textContent = lines.complaint || "";
    $("line-confidential").textContent = lines.confidential || "";
    (reference.languages || []).forEach(function (lang) { LANGUAGE_NAMES[lang.code] = lang.name; });

    var other = $("lang-other");
    PA.clear(other).appendChild(el("option", { value: "", text: "其他语言…" }));
    (reference.languages || []).forEach(function (lang) {
      if (lang.code !== "en" && lang.code !== "ja" && lang.code !== "zh") {
        other.appendChild(el("option", { value: lang.code, text: lang.name }));
      }
    });

    var select = $("complaint-department"), picked = select.value;
    PA.clear(select).appendChild(el("option", { value: "", text: "请选择部门" }));
    (reference.departments || []).forEach(function (name) {
      select.appendChild(el("option", { value: name, text: name, selected: name === picked }));
    });
    if (!(reference.departments || []).length) {
      PA.showMessage("complaint-message", "warn", NO_DEPARTMENTS);
    } else if ($("complaint-message").textContent === NO_DEPARTMENTS) {
      PA.showMessage("complaint-message", "", "");
    }
    if (results.length) renderResults(lastQuery);
  }

  function languageName(code) { return LANGUAGE_NAMES[code] || code; }

  // -- the directory (S2) ------------------------------------------------------------------------

  function searchSoon() {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, SEARCH_MS);
  }

  function search() {
    var q = $("search").value.trim();
    var seq = ++searchSeq;
    if (!q) {
      lastQuery = "";
      results = [];
      PA.showMessage("search-message", "", "");
      renderResults("");
      return;
    }
    PA.api("GET", "/api/switchboard/directory?limit=20&q=" + encodeURIComponent(q))
      .then(function (found) {
        if (seq !== searchSeq) return; // typed on since
        lastQuery = q;
        results = found;
        PA.showMessage("search-message", "", "");
        renderResults(q);
      })
      .catch(function (failure) {
        if (seq === searchSeq && failure.status !== 401) PA.showMessage("search-message", "error", failure.message);
      });
  }

  function renderResults(q) {
    var list = PA.clear($("results"));
    var hint = $("search-hint");
    hint.hidden = results.length > 0;
    hint.textContent = !q
      ? "输入后立即查找;内部分机只供同事之间转接,不要告诉来电者。"
      : "没有找到“" + q + "”。可以试试拼音首字母、分机号、部门或职责。";
    results.forEach(function (entry) { list.appendChild(personRow(entry)); });
  }

  function dutyBadge(onDuty) {
    if (onDuty === true) return el("span", { class: "badge duty on", text: "在岗" });
    if (onDuty === false) return el("span", { class: "badge duty off", text: "不在岗" });
    return el("span", { class: "badge duty unknown", text: "未设值班时间" });
  }

  function personRow(entry) {
    var facts = [entry.department, entry.duties.join("、")].filter(Boolean).join(" · ");
    var why = WHY[entry.why] ? "按" + WHY[entry.why] + (entry.matched ? " " + entry.matched : "") + "找到" : "";
    return el("li", { class: "person" + (entry.internal ? " internal" : ""), "data-id": entry.id },
      el("div", { class: "person-main" },
        el("p", { class: "person-name" },
          el("span", { class: "name", text: entry.name }),
          entry.internal ? el("span", { class: "badge internal", title: "内部分机:只供同事转接,不要告诉来电者", text: "仅限内部" }) : null,
          dutyBadge(entry.on_duty)),
        facts ? el("p", { class: "person-facts", text: facts }) : null,
        entry.languages.length ? el("p", { class: "person-langs", text: "会说:" + entry.languages.map(languageName).join("、") }) : null,
        entry.hours ? el("p", { class: "muted", text: "值班:" + entry.hours }) : null,
        entry.note ? el("p", { class: "person-note", text: "备注:" + entry.note }) : null,
        entry.internal ? el("p", { class: "internal-note", text: "不要把这个分机号告诉来电者。" }) : null,
        why ? el("p", { class: "why", text: why }) : null),
      el("div", { class: "person-side" },
        el("span", { class: "extension", title: "分机", text: entry.extension }),
        el("button", { class: "btn small leave", type: "button", text: "留言",
                       "aria-label": "给" + entry.name + "留言", onclick: function () { choose(entry); } })));
  }

  // -- the message pad (S3) ----------------------------------------------------------------------

  function choose(entry) {
    chosen = entry;
    markField($("message-to"), false);
    PA.showMessage("message-message", "", "");
    renderChosen();
    $("message-caller").focus();
  }

  function renderChosen() {
    var box = PA.clear($("message-to"));
    if (!chosen) {
      box.className = "message-to none";
      box.appendChild(el("span", { text: "先在左边查到要找的人,再点“留言”。" }));
      return;
    }
    box.className = "message-to";
    box.appendChild(el("span", { class: "to-name", text: chosen.name }));
    box.appendChild(el("span", { class: "to-ext", text: "分机 " + chosen.extension }));
    if (chosen.department) box.appendChild(el("span", { class: "muted", text: chosen.department }));
    box.appendChild(el("button", { class: "btn small to-clear", type: "button", text: "换人",
                                   "aria-label": "不给" + chosen.name + "留言",
                                   onclick: function () { chosen = null; renderChosen(); $("search").focus(); } }));
  }

  function takeMessage(event) {
    event.preventDefault();
    clearFields($("message-form"));
    if (!chosen) {
      markField($("message-to"), true);
      PA.showMessage("message-message", "error", "请先在左边查到要找的人,再点“留言”。");
      $("search").focus();
      return;
    }
    var body = {
      to: chosen.id, caller: $("message-caller").value, number: $("message-number").value,
      text: $("message-text").value,
    };
    var known = messages.map(function (m) { return m.id; });
    var button = $("message-submit");
    button.disabled = true;
    PA.showMessage("message-message", "", "正在记下……");
    PA.api("POST", "/api/switchboard/messages", body)
      .then(function (message) {
        var again = known.indexOf(message.id) >= 0;
        var said = reference && reference.lines.callback ? "对来电人说:" + reference.lines.callback : "";
        PA.showMessage("message-message", "ok", (again
          ? "这条留言刚才已经记下了,没有重复登记。"
          : "已记下给 " + message.to_name + " 的留言。") + said);
        $("message-caller").value = "";
        $("message-number").value = "";
        $("message-text").value = "";
        chosen = null;
        renderChosen();
        refreshMessages();
      })
      .catch(function (failure) {
        fail("message-message", failure, { to: "message-to", caller: "message-caller",
                                           number: "message-number", text: "message-text" });
      })
      .then(function () { button.disabled = false; });
  }

  function messagesSoon() {
    clearTimeout(messagesTimer);
    messagesTimer = setTimeout(refreshMessages, EVENT_MS);
  }

  function refreshMessages() {
    if (!me || !isDesk()) return;
    PA.api("GET", "/api/switchboard/messages")
      .then(function (list) {
        messages = list;
        messagesAt = Date.now();
        renderMessages();
      })
      .catch(function (failure) {
        if (failure.status === 401) return;
        var list = PA.clear($("messages"));
        list.appendChild(el("li", { class: "notice error", text: "无法读取留言:" + failure.message }));
      });
  }

  function unreadFor(message) {
    return message.unread_seconds + (Date.now() - messagesAt) / 1000;
  }

  function renderMessages() {
    var list = PA.clear($("messages"));
    var unread = messages.filter(function (m) { return !m.read_at; }).length;
    $("messages-count").textContent = messages.length ? "(" + unread + " 条未读)" : "";
    $("messages-empty").hidden = messages.length > 0;
    messages.forEach(function (message) { list.appendChild(messageRow(message)); });
  }

  function messageState(message) {
    if (message.read_at) return el("span", { class: "badge read", text: "已读 " + shortWhen(message.read_at) });
    var seconds = unreadFor(message);
    return el("span", { class: "badge unread" + (seconds >= LONG_UNREAD_S ? " long" : ""),
                        text: "未读 " + span(seconds) });
  }

  function messageRow(message) {
    var caller = [message.caller, message.number].filter(Boolean).join(" · ");
    var long = !message.read_at && unreadFor(message) >= LONG_UNREAD_S;
    return el("li", { class: "message " + (message.read_at ? "read" : "unread") + (long ? " long" : ""),
                      "data-id": String(message.id) },
      el("p", { class: "message-head" },
        el("span", { class: "message-to-name", text: "给 " + message.to_name }),
        message.extension ? el("span", { class: "message-ext", text: "分机 " + message.extension }) : null,
        messageState(message)),
      el("p", { class: "message-text", text: message.text }),
      el("p", { class: "muted message-meta" },
        el("span", { text: "来电:" + (caller || "未留姓名") }),
        el("span", { text: (message.taken_by || "") + " " + shortWhen(message.taken_at) + " 记下" })));
  }

  /* The durations go on between fetches: unread for how long, overdue by how much. The rows
   * stay (and the focus with them); only their words change. */
  function renderDurations() {
    eachRow("#messages .message", messages, function (row, message) {
      if (message.read_at) return;
      var badge = row.querySelector(".badge");
      badge.parentNode.replaceChild(messageState(message), badge);
      row.classList.toggle("long", unreadFor(message) >= LONG_UNREAD_S);
    });
    eachRow("#complaints .complaint", complaints, function (row, complaint) {
      row.querySelector(".deadline").textContent = standingText(complaint);
    });
    if (openComplaint) $("complaint-standing").textContent = standingText(openComplaint);
  }

  function eachRow(selector, items, update) {
    var byId = {};
    items.forEach(function (item) { byId[String(item.id)] = item; });
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (row) {
      var item = byId[row.getAttribute("data-id")];
      if (item) update(row, item);
    });
  }

  // -- foreign-language calls (S5) ---------------------------------------------------------------

  function showLanguage(code) {
    languageShown = code;
    ["lang-en", "lang-ja"].forEach(function (id) {
      $(id).setAttribute("aria-pressed", String($(id).getAttribute("data-lang") === code));
    });
    if (code === "en" || code === "ja") $("lang-other").value = "";
    PA.showMessage("language-message", "", "");
    PA.api("GET", "/api/switchboard/language?lang=" + encodeURIComponent(code))
      .then(function (call) {
        if (languageShown !== code) return;
        $("language-result").hidden = false;
        $("language-close").hidden = false;
        $("phrase-language").textContent = call.language;
        $("phrase-english").textContent = call.english;
        $("phrase-native").textContent = call.native || "";
        $("phrase-native").hidden = !call.native || call.native === call.english;
        var list = PA.clear($("speakers"));
        if (!call.speakers.length) {
          list.appendChild(el("li", { class: "empty", text: "通讯录里没有会说" + call.language + "的人:请转值班主管。" }));
        }
        call.speakers.forEach(function (entry) { list.appendChild(speakerRow(entry)); });
      })
      .catch(function (failure) {
        if (failure.status !== 401) PA.showMessage("language-message", "error", failure.message);
      });
  }

  function speakerRow(entry) {
    return el("li", { class: "speaker" + (entry.on_duty === false ? " off" : ""), "data-id": entry.id },
      el("span", { class: "name", text: entry.name }),
      dutyBadge(entry.on_duty),
      entry.internal ? el("span", { class: "badge internal", text: "仅限内部" }) : null,
      el("span", { class: "muted", text: entry.department }),
      el("span", { class: "extension", text: entry.extension }));
  }

  function closeLanguage() {
    languageShown = "";
    $("language-result").hidden = true;
    $("language-close").hidden = true;
    $("lang-other").value = "";
    PA.showMessage("language-message", "", "");
    ["lang-en", "lang-ja"].forEach(function (id) { $(id).setAttribute("aria-pressed", "false"); });
  }

  // -- the complaint book (S8) -------------------------------------------------------------------

  function recordComplaint(event) {
    event.preventDefault();
    clearFields($("complaint-form"));
    var body = {
      caller: $("complaint-caller").value, contact: $("complaint-contact").value,
      what: $("complaint-what").value, department: $("complaint-department").value,
    };
    if (!body.department) {
      markField($("complaint-department"), true);
      PA.showMessage("complaint-message", "error", "请选择转交的部门。");
      return;
    }
    var button = $("complaint-submit");
    button.disabled = true;
    PA.showMessage("complaint-message", "", "正在登记……");
    PA.api("POST", "/api/switchboard/complaints", body)
      .then(function (complaint) {
        PA.showMessage("complaint-message", "ok", "已登记投诉 #" + complaint.id + ",转交" + complaint.department +
          ",请在" + when(complaint.due_at) + "前答复顾客;并报告" + complaint.department + "负责人。");
        $("complaint-caller").value = "";
        $("complaint-contact").value = "";
        $("complaint-what").value = "";
        $("complaint-department").value = "";
        refreshComplaints();
      })
      .catch(function (failure) {
        fail("complaint-message", failure, { caller: "complaint-caller", contact: "complaint-contact",
                                             what: "complaint-what", department: "complaint-department" });
      })
      .then(function () { button.disabled = false; });
  }

  function complaintsSoon() {
    clearTimeout(complaintsTimer);
    complaintsTimer = setTimeout(refreshComplaints, EVENT_MS);
  }

  function refreshComplaints() {
    if (!me || !isDesk()) return;
    var all = $("complaints-all").checked;
    var seq = ++complaintsSeq;
    clearTimeout(bookTimer);
    PA.api("GET", "/api/switchboard/complaints" + (all ? "" : "?open=true"))
      .then(function (list) {
        if (seq !== complaintsSeq || all !== $("complaints-all").checked) return; // asked again since
        complaints = list;
        complaintsAt = Date.now();
        PA.showMessage("complaints-note", "", "");
        renderComplaints();
        refreshAtNextDeadline();
      })
      .catch(function (failure) {
        if (seq !== complaintsSeq || failure.status === 401) return;
        PA.showMessage("complaints-note", "error", "无法读取投诉记录:" + failure.message);
        bookTimer = setTimeout(refreshComplaints, POLL_MS);
      });
  }

  /* No event says a complaint turned overdue (its deadline passed) or late (its limit did):
   * ask again once the next of those is past, a moment after it. */
  function refreshAtNextDeadline() {
    var wait = PA.untilNextDeadline(complaints, LONGEST_WAIT_MS);
    if (wait === null) return;
    bookTimer = setTimeout(refreshComplaints, wait);
  }

  function overdueFor(complaint) {
    return complaint.overdue_seconds ? complaint.overdue_seconds + (Date.now() - complaintsAt) / 1000 : 0;
  }

  /* Where a complaint stands, in words: how long overdue, or by when it is to be answered. */
  function standingText(complaint) {
    if (complaint.standing === "late") return "已超时 " + span(overdueFor(complaint)) + " · 已过 " + limitHours() + " 小时期限";
    if (complaint.standing === "overdue") return "已超时 " + span(overdueFor(complaint));
    if (complaint.standing === "done") return complaint.state_name;
    var left = (Date.parse(complaint.due_at) - PA.now()) / 1000;
    return when(complaint.due_at) + " 前答复" + (left > 0 ? "(还剩 " + span(left) + ")" : "");
  }

  function limitHours() { return reference ? reference.limit_hours : 48; }

  function renderComplaints() {
    var list = PA.clear($("complaints"));
    var all = $("complaints-all").checked;
    var late = complaints.filter(function (c) { return c.standing === "overdue" || c.standing === "late"; }).length;
    $("complaints-count").textContent = complaints.length
      ? "(" + complaints.length + " 条" + (late ? ",其中 " + late + " 条已超时" : "") + ")" : "";
    $("complaints-empty").hidden = complaints.length > 0;
    $("complaints-empty").textContent = all ? "还没有投诉记录。" : "没有未处理的投诉。";
    complaints.forEach(function (complaint) { list.appendChild(complaintRow(complaint)); });
    if (openComplaint) {
      var fresh = complaints.filter(function (c) { return c.id === openComplaint.id; })[0];
      if (fresh) $("complaint-standing").textContent = standingText(fresh);
    }
  }

  function complaintRow(complaint) {
    return el("li", { class: "complaint standing-" + complaint.standing, "data-id": String(complaint.id) },
      el("button", { class: "complaint-open", type: "button", "aria-label": "打开投诉 #" + complaint.id,
                     onclick: function () { openDialog(complaint); } },
        el("span", { class: "complaint-head" },
          el("span", { class: "complaint-id", text: "#" + complaint.id }),
          el("span", { class: "complaint-caller", text: complaint.caller }),
          el("span", { class: "badge state state-" + complaint.state, text: complaint.state_name }),
          el("span", { class: "complaint-dept", text: complaint.department })),
        el("span", { class: "complaint-what", text: complaint.what }),
        el("span", { class: "deadline", text: standingText(complaint) })));
  }

  function openDialog(complaint) {
    clearFields($("note-form"));
    $("note-text").value = "";
    PA.showMessage("note-message", "", "");
    renderDialog(complaint);
    var dialog = $("complaint-dialog");
    if (!dialog.open) dialog.showModal();
    $("note-text").focus();
    PA.api("GET", "/api/switchboard/complaints/" + complaint.id)
      .then(function (fresh) { if (openComplaint && openComplaint.id === fresh.id) renderDialog(fresh); })
      .catch(function (failure) { if (failure.status !== 401) PA.showMessage("note-message", "error", failure.message); });
  }

  function fact(term, value, className) {
    return [el("dt", { text: term }), el("dd", { class: className || null, text: value })];
  }

  function renderDialog(complaint) {
    openComplaint = complaint;
    $("complaint-title").textContent = "投诉 #" + complaint.id + " · " + complaint.caller;
    var standing = $("complaint-standing");
    standing.textContent = standingText(complaint);
    standing.className = "standing standing-" + complaint.standing;
    var contact = complaint.contact_hidden ? "联系方式仅主管可见" : complaint.contact || "未留联系方式";
    var facts = PA.clear($("complaint-facts"));
    [].concat(
      fact("状态", complaint.state_name),
      fact("部门", complaint.department),
      fact("联系方式", contact, complaint.contact_hidden ? "hidden-contact" : null),
      fact("登记", (complaint.created_by || "") + " " + when(complaint.created_at)),
      fact("答复期限", when(complaint.due_at) + "(最迟 " + when(complaint.limit_at) + ")")
    ).forEach(function (node) { facts.appendChild(node); });
    $("complaint-what-text").textContent = complaint.what;

    var notes = PA.clear($("complaint-notes"));
    if (!complaint.notes.length) notes.appendChild(el("li", { class: "empty", text: "还没有跟进记录。" }));
    complaint.notes.forEach(function (note) {
      notes.appendChild(el("li", { class: "note" },
        el("p", { class: "muted", text: (note.by || "") + " " + when(note.at) +
          (note.state ? " · 改为" + (STATE_NAMES[note.state] || note.state) : "") }),
        note.text ? el("p", { class: "note-text", text: note.text }) : null));
    });

    var select = $("note-state"), picked = select.value;
    PA.clear(select).appendChild(el("option", { value: "", text: "不改变(" + complaint.state_name + ")" }));
    (MOVES[complaint.state] || []).forEach(function (state) {
      select.appendChild(el("option", { value: state, text: "改为" + STATE_NAMES[state], selected: state === picked }));
    });
  }

  function addNote(event) {
    event.preventDefault();
    if (!openComplaint) return;
    clearFields($("note-form"));
    var body = { text: $("note-text").value };
    if ($("note-state").value) body.state = $("note-state").value;
    var button = $("note-submit");
    button.disabled = true;
    PA.showMessage("note-message", "", "正在记下……");
    PA.api("POST", "/api/switchboard/complaints/" + openComplaint.id + "/notes", body)
      .then(function (complaint) {
        $("note-text").value = "";
        $("note-state").value = "";
        renderDialog(complaint);
        PA.showMessage("note-message", "ok", "已记下跟进。现在:" + complaint.state_name + "。");
        refreshComplaints();
      })
      .catch(function (failure) {
        fail("note-message", failure, { text: "note-text", note: "note-text", state: "note-state" });
      })
      .then(function () { button.disabled = false; });
  }

  // -- a page for a caller looking for someone (B11) ---------------------------------------------

  function toggleFindPerson() {
    var form = $("findperson"), open = form.hidden;
    form.hidden = !open;
    $("findperson-toggle").setAttribute("aria-expanded", String(open));
    if (open) $("fp-name").focus();
  }

  function loadPaging() {
    PA.api("GET", "/api/paging")
      .then(function (form) {
        if (form.honorifics && form.honorifics.length) fillHonorifics(form.honorifics);
        var places = PA.clear($("fp-places"));
        (form.places || []).forEach(function (place) { places.appendChild(el("option", { value: place })); });
        updatePageLink();
      })
      .catch(function () { /* the defaults stay; the phone page checks the page anyway */ });
  }

  function fillHonorifics(list) {
    var select = $("fp-honorific"), picked = select.value;
    PA.clear(select);
    list.forEach(function (h) { select.appendChild(el("option", { value: h, text: h, selected: h === picked })); });
  }

  /* The phone page's paging form, prefilled from the fragment (never sent to the server). */
  function updatePageLink() {
    var parts = [["kind", "customer"], ["name", $("fp-name").value.trim()],
                 ["honorific", $("fp-honorific").value], ["place", $("fp-place").value.trim()]];
    $("page-link").href = "/#" + parts.map(function (p) {
      return p[0] + "=" + encodeURIComponent(p[1]);
    }).join("&");
    PA.showMessage("findperson-message", "", "");
  }

  function checkPageLink(event) {
    updatePageLink();
    if ($("fp-name").value.trim()) return;
    event.preventDefault();
    markField($("fp-name"), true);
    PA.showMessage("findperson-message", "error", "请先填写要找的人的姓名。");
    $("fp-name").focus();
  }

  // -- messages next to the forms ------------------------------------------------------------------

  /* The service's sentence next to the form, the field it names marked; what was typed stays. */
  function fail(boxId, failure, fields) {
    if (failure.status === 401) return;
    PA.showMessage(boxId, "error", failure.message);
    var id = fields[failure.field];
    if (id) { markField($(id), true); $(id).focus(); }
  }

  function markField(node, bad) {
    node.classList.toggle("invalid", bad);
    if (bad) node.setAttribute("aria-invalid", "true");
    else node.removeAttribute("aria-invalid");
  }

  function clearFields(form) {
    Array.prototype.forEach.call(form.querySelectorAll(".invalid"), function (node) { markField(node, false); });
  }

  // -- add-ons -------------------------------------------------------------------------------------

  /* The directory was replaced (directory-admin.js): the departments, the results and the
   * speakers shown are asked for again. */
  function directoryChanged() {
    loadReference();
    if ($("search").value.trim()) search();
    if (languageShown) showLanguage(languageShown);
  }

  window.Switchboard = {
    /* addOn: {ready(me), signedOut()}, told now if someone is signed in already. */
    use: function (addOn) {
      addOns.push(addOn);
      if (me) addOn.ready(me);
    },
    directoryChanged: directoryChanged,
  };

  PA.start({ onReady: onReady, onSignedOut: onSignedOut });
})();
