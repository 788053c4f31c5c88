/* mall-pa's pages, shared: sign-in, the API, errors in plain Chinese, live events, times.
 *
 * Every page loads this first and then its own script, which calls PA.start(). Contracts:
 * - PA.start({onReady(me), onSignedOut()}): shows the sign-in form until someone is signed in
 *   (a cookie session, B15), then calls onReady(me) with {name, roles, trained, csrf}. When a
 *   later call answers 401 (the session expired), onSignedOut() runs (save what is unsent)
 *   and the sign-in form comes back; signing in again calls onReady again.
 * - PA.api(method, path, body, {headers, form, retries}) -> Promise of the JSON answer (null
 *   for 204). The CSRF token goes on every unsafe method. It rejects with a PA.Failure whose
 *   .message is a sentence a person can act on, never raw JSON. `retries`: how many times a
 *   request that lost the network is sent again, identically (same Idempotency-Key).
 * - PA.events(handlers, onState): the server-sent events, reconnecting by itself after a
 *   drop (and after signing in again); handlers.open() runs on every (re)connect, so the
 *   page can fetch what it missed. Call it once per page, not on every onReady.
 * - PA.el(tag, attrs, ...children) builds DOM from text only (never innerHTML).
 * - PA.PAGE_STATES, PA.ROLES, PA.waitsFor(airs_after), PA.reason(text): the service's
 *   English words as the pages say them.
 * Times from the service are ISO strings in the store's zone; PA.clock() shows them as the
 * store's wall clock, whatever the phone's own zone.
 */
(function () {
  "use strict";

  var me = null;
  var hooks = { onReady: function () {}, onSignedOut: function () {} };
  var skew = 0; // the service's clock minus ours, in ms
  var afterSignIn = []; // event streams refused for want of a session: reopened on sign-in

  var SENTENCES = {
    0: "网络不通,请检查 Wi-Fi 后再试。",
    400: "提交的内容有误,请检查后再试。",
    401: "登录已过期,请重新登录。",
    403: "您的账号没有这项权限。",
    404: "找不到这条记录,可能已被删除。",
    409: "现在不能这样做,请刷新后再看。",
    413: "内容太大了(录音最长约 30 MB)。",
    415: "提交的格式不对,请刷新页面后再试。",
    422: "内容不符合规定,请修改后再试。",
    429: "操作太频繁,请稍后再试。",
    500: "服务出错了,请稍后再试;一直这样请联系管理员。",
    503: "播音系统暂时忙,请稍后再试。",
  };

  function Failure(status, body, retryAfter) {
    body = body || {};
    this.status = status;
    this.code = typeof body.code === "string" ? body.code : status ? "http_" + status : "network";
    this.field = typeof body.field === "string" ? body.field : "";
    this.retryAfter = retryAfter || (typeof body.retry_after === "number" ? body.retry_after : 0);
    var text = typeof body.message === "string" && body.message ? body.message : "";
    if (!text) text = SENTENCES[status] || SENTENCES[status >= 500 ? 500 : 400];
    if (status === 429 && this.retryAfter && text.indexOf("秒") < 0) {
      text += "(请 " + this.retryAfter + " 秒后再试)";
    }
    this.message = text;
    this.problems = Array.isArray(body.problems) ? body.problems : []; // a 422 bad_script's, a bad file's
  }
  Failure.prototype = Object.create(Error.prototype);

  /* The Failure of a refused answer (its JSON `data`, if any), for a request PA.api cannot
   * make (a file, a raw body); a 401 brings the sign-in form back, as PA.api does. */
  function refused(response, data) {
    var retry = parseInt(response.headers.get("Retry-After") || "0", 10) || 0;
    if (response.status === 401) signedOut();
    return new Failure(response.status, data, retry);
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function api(method, path, body, options) {
    options = options || {};
    var headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    var init = { method: method, headers: headers, credentials: "same-origin", cache: "no-store" };
    if (method !== "GET" && me && me.csrf) headers["X-CSRF-Token"] = me.csrf;
    if (options.form) {
      init.body = options.form;
    } else if (body !== undefined && body !== null) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    var retries = options.retries || 0;
    function attempt(left, delay) {
      return fetch(path, init).then(answer, function () {
        if (left <= 0) throw new Failure(0);
        return wait(delay).then(function () { return attempt(left - 1, Math.min(delay * 2, 8000)); });
      });
    }
    function answer(response) {
      var retry = parseInt(response.headers.get("Retry-After") || "0", 10) || 0;
      if (response.status === 204) return null;
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (response.ok) return data;
        var failure = new Failure(response.status, data, retry);
        if (response.status === 401 && !options.signingIn) signedOut();
        throw failure;
      });
    }
    return attempt(retries, 1000);
  }

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  // -- signing in ----------------------------------------------------------------------------

  function show(signedIn) {
    $("login").hidden = signedIn;
    $("app").hidden = !signedIn;
    $("who").textContent = signedIn && me ? me.name : "";
    $("signout").hidden = !signedIn;
  }

  function signedOut() {
    if (!me) return;
    me = null;
    try { hooks.onSignedOut(); } catch (e) { /* the sign-in form comes back regardless */ }
    $("login-message").textContent = SENTENCES[401];
    $("login-message").className = "notice warn";
    show(false);
    $("login-name").focus();
  }

  function signIn(event) {
    event.preventDefault();
    var name = $("login-name").value.trim();
    var password = $("login-password").value;
    var message = $("login-message");
    if (!name || !password) {
      message.textContent = "请填写姓名和密码。";
      message.className = "notice error";
      return;
    }
    var button = $("login-submit");
    button.disabled = true;
    message.textContent = "正在登录……";
    message.className = "notice";
    api("POST", "/api/login", { name: name, password: password }, { signingIn: true })
      .then(function (session) {
        $("login-password").value = "";
        message.textContent = "";
        message.className = "";
        ready({ name: session.user.name, roles: session.user.roles,
                trained: session.user.trained, csrf: session.csrf });
      })
      .catch(function (failure) {
        message.textContent = failure.status === 401 && !failure.retryAfter
          ? "姓名或密码不对,请再试一次。"
          : failure.message;
        message.className = "notice error";
      })
      .then(function () { button.disabled = false; });
  }

  function ready(who) {
    me = who;
    show(true);
    hooks.onReady(me);
    afterSignIn.splice(0).forEach(function (reconnect) { reconnect(); });
  }

  function start(options) {
    hooks = Object.assign(hooks, options || {});
    $("login-form").addEventListener("submit", signIn);
    $("signout").addEventListener("click", function () {
      api("POST", "/api/logout").catch(function () {}).then(function () {
        me = null;
        try { hooks.onSignedOut(); } catch (e) { /* nothing to keep */ }
        $("login-message").textContent = "已退出登录。";
        $("login-message").className = "notice ok";
        show(false);
      });
    });
    api("GET", "/api/me", null, { signingIn: true, retries: 2 })
      .then(ready)
      .catch(function (failure) {
        show(false);
        if (failure.status !== 401) {
          $("login-message").textContent = failure.message;
          $("login-message").className = "notice error";
        }
      });
  }

  // -- live events -----------------------------------------------------------------------------

  function events(handlers, onState) {
    var source = null, closed = false, delay = 1000, timer = null;
    onState = onState || function () {};
    function connect() {
      if (closed) return;
      source = new EventSource("/api/events");
      source.onopen = function () {
        delay = 1000;
        onState("live");
        if (handlers.open) handlers.open();
      };
      source.onerror = function () {
        onState("reconnecting");
        if (source.readyState !== EventSource.CLOSED) return; // the browser retries by itself
        source = null;
        // Refused outright: signed out (api() brings the sign-in form back) or the service down.
        api("GET", "/api/me", null, {}).then(function () { later(); }, function (failure) {
          if (failure.status === 401) afterSignIn.push(connect);
          else later();
        });
      };
      Object.keys(handlers).forEach(function (type) {
        if (type === "open") return;
        source.addEventListener(type, function (message) {
          var data;
          try { data = JSON.parse(message.data); } catch (e) { return; }
          handlers[type](data);
        });
      });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    }
    connect();
    return {
      close: function () {
        closed = true;
        clearTimeout(timer);
        if (source) source.close();
      },
    };
  }

  // -- times ---------------------------------------------------------------------------------

  function clock(iso) { return typeof iso === "string" && iso.length >= 19 ? iso.slice(11, 19) : ""; }
  function hm(iso) { return clock(iso).slice(0, 5); }

  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var m = Math.floor(seconds / 60), s = seconds % 60;
    if (m >= 60) return Math.floor(m / 60) + "小时" + (m % 60) + "分";
    return m ? m + "分" + (s < 10 ? "0" : "") + s + "秒" : s + "秒";
  }

  function syncClock(iso) {
    var at = Date.parse(iso);
    if (!isNaN(at)) skew = at - Date.now();
  }

  function now() { return Date.now() + skew; }

  function key() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // -- the service's words, in Chinese ------------------------------------------------------

  var PAGE_STATES = {
    queued: "排队中", on_air: "正在播音", aired: "已播出", cancelled: "已取消", skipped: "未能播出",
  };
  var ROLES = {
    staff: "员工", announcer: "播音员", supervisor: "主管", marketing: "市场部",
    planner: "企划部", admin: "管理员",
  };
  var WAITS_FOR = { // a queued page's airs_after (daemon/drivers/forecast.py)
    "the current song": "当前歌曲放完后播出",
    "the current break": "这段插播之后播出",
    "the current announcement": "前一条广播播完后播出",
    "the current intro": "前一条广播播完后播出",
    "the current outro": "这段插播之后播出",
    "the emergency": "紧急广播解除后才会播出",
    "opening": "开门营业后播出",
    "nothing: it airs now": "马上播出",
  };
  var REASONS = { // why a page or an item did not air (daemon/engine.py, daemon/phases.py)
    "outside business hours": "营业时间以外",
    "closed": "已过营业时间",
    "not waiting to air": "已经不在排队中",
    "on air: it finishes (B12)": "正在播出,会播完为止",
    "missed: the service was not running at its time": "错过了:到点时播音系统没有运行",
    "the store closed before it could air": "还没轮到就已关门",
    "the day ended before it could air": "当天结束前没能播出",
  };

  function waitsFor(after) { return WAITS_FOR[after] || ""; }
  function reason(text) { return REASONS[text] || text || ""; }

  /** Milliseconds from now to just after the next moment a complaint of `complaints` turns
   *  overdue or late (no event says so: a page asks again then), at least 5 s, at most
   *  `longest`; null when none will. */
  function untilNextDeadline(complaints, longest) {
    var next = Infinity;
    complaints.forEach(function (c) {
      var at = Date.parse(c.standing === "on_time" ? c.due_at : c.standing === "overdue" ? c.limit_at : "");
      if (!isNaN(at)) next = Math.min(next, at);
    });
    return next === Infinity ? null : Math.min(Math.max(next - now() + 2000, 5000), longest);
  }

  // -- notices and the confirmation step (the console pages) -----------------------------------

  var OK_MESSAGE_MS = 15000; // how long a success message stays
  var answering = null;      // the open confirmation's resolve()
  var confirmWired = false;

  /** A sentence in the notice box `id` (kind "", "ok", "warn" or "error"); a success fades
   *  after OK_MESSAGE_MS, errors stay; `scroll`: bring a message into view. */
  function showMessage(id, kind, text, scroll) {
    var box = $(id);
    box.textContent = text;
    box.className = "notice" + (kind ? " " + kind : "");
    if (scroll && text && kind && !box.closest("[hidden]")) box.scrollIntoView({ block: "nearest" });
    if (kind === "ok") {
      setTimeout(function () { if (box.textContent === text) showMessage(id, "", ""); }, OK_MESSAGE_MS);
    }
  }

  /** A modal question in the page's #confirm dialog (#confirm-title, -body, -ok, -cancel):
   *  {title, body: [nodes], ok, okClass?, cancel?}. Resolves true only when the person
   *  pressed OK (Esc, the other button, or a newer question answer false). */
  function confirmStep(options) {
    var dialog = $("confirm");
    if (!confirmWired) {
      confirmWired = true;
      $("confirm-ok").addEventListener("click", function () { dialog.close("ok"); });
      $("confirm-cancel").addEventListener("click", function () { dialog.close("cancel"); });
      dialog.addEventListener("close", function () { answerConfirm(dialog.returnValue === "ok"); });
    }
    answerConfirm(false);
    $("confirm-title").textContent = options.title;
    var body = clear($("confirm-body"));
    options.body.forEach(function (node) { body.appendChild(node); });
    $("confirm-ok").textContent = options.ok;
    $("confirm-ok").className = "btn " + (options.okClass || "primary");
    $("confirm-cancel").textContent = options.cancel || "取消";
    dialog.returnValue = "";
    return new Promise(function (resolve) {
      answering = resolve;
      if (!dialog.open) dialog.showModal();
      $("confirm-cancel").focus(); // the safe answer is the default
    });
  }

  function answerConfirm(yes) {
    var resolve = answering;
    answering = null;
    if (resolve) resolve(yes);
  }

  /** Close an open question (signed out, the page redrawn): it answers false. */
  function closeConfirm() {
    answerConfirm(false);
    var dialog = document.getElementById("confirm");
    if (dialog && dialog.open) dialog.close("cancel");
  }

  window.PA = {
    PAGE_STATES: PAGE_STATES, ROLES: ROLES, waitsFor: waitsFor, reason: reason,
    Failure: Failure, refused: refused, api: api, start: start, events: events, el: el, clear: clear, $: $,
    clock: clock, hm: hm, duration: duration, syncClock: syncClock, now: now, key: key,
    untilNextDeadline: untilNextDeadline, showMessage: showMessage, confirmStep: confirmStep,
    closeConfirm: closeConfirm,
    me: function () { return me; },
  };
})();
