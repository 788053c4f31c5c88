/* mall-pa proof of play: when and how often each campaign aired, per day, from the as-run log.
 *
 * One call, GET /api/reports/plays?from=&to=&campaign= (marketing, planners, supervisors),
 * draws everything: the totals, a bar chart of plays in full per day per campaign (our own
 * small SVG: no library, no CDN; a red dot on a bar where an emergency cut the campaign), and
 * the table, one row per campaign per day with the times. The CSV link asks the same with
 * format=csv. The query is kept in the address (?from=&to=&campaign=), so a reload or a
 * shared link shows the same report. Built on common.js (window.PA).
 */
(function () {
  "use strict";

  var $ = PA.$, el = PA.el;
  var SVG = "http://www.w3.org/2000/svg";
  var ALLOWED = ["marketing", "planner", "supervisor"];
  var COLORS = 8;           // reports.css has .s0 ... .s7
  var CHART_HEIGHT = 280;
  var MARGIN = { top: 34, right: 12, bottom: 34, left: 44 }; // room above for a value and a red dot
  var WEEKDAYS = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

  var report = null;        // the last PlaysReportOut
  var zone = "Asia/Shanghai";
  var bound = false;
  var loading = 0;          // the number of the last request: older answers are dropped

  // -- days as YYYY-MM-DD strings, on the store's calendar ----------------------------------

  function parseDay(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  }
  function dayText(date) { return date.toISOString().slice(0, 10); }
  function addDays(text, n) {
    var d = parseDay(text);
    d.setUTCDate(d.getUTCDate() + n);
    return dayText(d);
  }
  function today() {
    try {
      return new Intl.DateTimeFormat("en-CA", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      }).format(new Date());
    } catch (e) {
      return dayText(new Date());
    }
  }
  function weekday(text) { return WEEKDAYS[parseDay(text).getUTCDay()]; }
  function short(text) { return text.slice(5) + " " + weekday(text); } // 11-23 周一

  // -- asking --------------------------------------------------------------------------------

  function query() {
    var params = new URLSearchParams();
    if ($("from").value) params.set("from", $("from").value);
    if ($("to").value) params.set("to", $("to").value);
    if ($("campaign").value) params.set("campaign", $("campaign").value);
    return params;
  }

  function load(params) {
    var mine = ++loading;
    var message = $("message");
    message.textContent = "正在查询……";
    message.className = "notice";
    markInvalid("");
    $("query").disabled = true;
    return PA.api("GET", "/api/reports/plays?" + params.toString())
      .then(function (answer) {
        if (mine !== loading) return;
        message.textContent = "";
        message.className = "notice";
        show(answer);
      })
      .catch(function (failure) {
        if (mine !== loading) return;
        message.textContent = failure.message;
        message.className = "notice error";
        if (failure.status === 403) denied();
        markInvalid(failure.field);
      })
      .then(function () { if (mine === loading) $("query").disabled = false; });
  }

  function markInvalid(field) {
    ["from", "to", "campaign"].forEach(function (id) {
      if (id === field) $(id).setAttribute("aria-invalid", "true");
      else $(id).removeAttribute("aria-invalid");
    });
    if (field && $(field)) $(field).focus();
  }

  // -- drawing ---------------------------------------------------------------------------------

  function show(answer) {
    report = answer;
    zone = answer.zone || zone;
    $("from").value = answer.from;
    $("to").value = answer.to;
    fillCampaigns(answer.campaigns, answer.campaign || "");
    var params = new URLSearchParams({ from: answer.from, to: answer.to });
    if (answer.campaign) params.set("campaign", answer.campaign);
    history.replaceState(null, "", "/reports?" + params.toString());
    params.set("format", "csv");
    $("csv").href = "/api/reports/plays?" + params.toString();
    $("range").textContent = answer.from + " 至 " + answer.to + "(" + answer.days.length + " 天)";
    renderSummary(answer);
    renderChart(answer);
    renderTable(answer);
  }

  function fillCampaigns(campaigns, chosen) {
    var select = PA.clear($("campaign"));
    select.appendChild(el("option", { value: "", text: "全部促销广播" }));
    campaigns.forEach(function (c) {
      select.appendChild(el("option", { value: c.id, text: c.title + "(" + c.id + ")" }));
    });
    select.value = chosen;
  }

  function color(campaign) { // stable: by the campaign's place among every campaign
    var ids = report.campaigns.map(function (c) { return c.id; });
    var at = ids.indexOf(campaign);
    return "s" + ((at < 0 ? ids.length : at) % COLORS);
  }

  function renderSummary(answer) {
    var list = PA.clear($("summary"));
    var any = answer.totals.some(function (t) { return t.plays || t.cut_by_emergency || t.cut_other; });
    $("summary-empty").hidden = any;
    answer.totals.forEach(function (t) {
      list.appendChild(el("li", { class: "total" },
        el("span", { class: "swatch " + color(t.campaign), "aria-hidden": "true" }),
        el("strong", { text: t.title }),
        el("span", { class: "muted", text: " " + t.campaign }),
        el("span", { class: "figure", text: "完整播出 " + t.plays + " 次" }),
        el("span", { class: "figure", text: t.days_aired + " 天有播出" }),
        t.cut_by_emergency ? el("span", { class: "figure cut", text: "被紧急广播打断 " + t.cut_by_emergency + " 次" }) : null,
        t.cut_other ? el("span", { class: "figure other", text: "其他中断 " + t.cut_other + " 次" }) : null));
    });
  }

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function niceStep(max) { // 1, 2, 5, 10, 20, 50 ... with at most 5 steps up to max
    var step = 1;
    for (var scale = 1; ; scale *= 10) {
      var found = [1, 2, 5].map(function (f) { return f * scale; })
        .filter(function (s) { return Math.ceil(max / s) <= 5; });
      if (found.length) { step = found[0]; break; }
    }
    return step;
  }

  function renderChart(answer) {
    var box = PA.clear($("chart"));
    var legend = PA.clear($("legend"));
    var series = answer.totals.map(function (t) { return t.campaign; });
    if (!series.length) {
      box.appendChild(el("p", { class: "empty", text: "没有可画的数据。" }));
      return;
    }
    answer.totals.forEach(function (t) {
      legend.appendChild(el("li", {},
        el("span", { class: "swatch " + color(t.campaign), "aria-hidden": "true" }), t.title));
    });
    var byDay = {};
    answer.rows.forEach(function (r) { (byDay[r.date] = byDay[r.date] || {})[r.campaign] = r; });
    var max = 1;
    answer.rows.forEach(function (r) { max = Math.max(max, r.plays); });
    var step = niceStep(max), top = Math.ceil(max / step) * step;

    var days = answer.days;
    var room = Math.max(320, (box.clientWidth || 1000) - 2);
    var plotMin = room - MARGIN.left - MARGIN.right;
    var group = Math.max(series.length * 4 + 4, plotMin / days.length);
    var width = MARGIN.left + MARGIN.right + group * days.length;
    var plotH = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
    var bar = Math.max(2, Math.min(28, (group * 0.8) / series.length));
    var y = function (v) { return MARGIN.top + plotH - (v / top) * plotH; };

    var chart = svg("svg", {
      width: String(Math.ceil(width)), height: String(CHART_HEIGHT),
      viewBox: "0 0 " + Math.ceil(width) + " " + CHART_HEIGHT, role: "img",
      "aria-label": "每天完整播出次数柱状图,按促销广播分组", class: "bars",
    });
    chart.appendChild(svg("title", {}, "每天完整播出次数"));
    for (var v = 0; v <= top; v += step) {
      chart.appendChild(svg("line", { class: "grid", x1: MARGIN.left, x2: width - MARGIN.right,
                                       y1: y(v), y2: y(v) }));
      chart.appendChild(svg("text", { class: "tick", x: MARGIN.left - 6, y: y(v) + 4,
                                       "text-anchor": "end" }, String(v)));
    }
    var every = Math.max(1, Math.ceil(64 / group)); // a day label needs about 64 px
    days.forEach(function (day, i) {
      var x0 = MARGIN.left + i * group + (group - bar * series.length) / 2;
      series.forEach(function (campaign, j) {
        var row = (byDay[day] || {})[campaign];
        if (!row) return;
        var x = x0 + j * bar, h = y(0) - y(row.plays);
        var label = day + " " + row.title + ":完整播出 " + row.plays + " 次" +
          (row.cut_by_emergency ? ",被紧急广播打断 " + row.cut_by_emergency + " 次" : "");
        if (row.plays) {
          var rect = svg("rect", { class: "bar " + color(campaign), x: x.toFixed(1),
                                   y: y(row.plays).toFixed(1), width: Math.max(1, bar - 1).toFixed(1),
                                   height: h.toFixed(1), "data-day": day, "data-campaign": campaign,
                                   "data-plays": String(row.plays) });
          rect.appendChild(svg("title", {}, label));
          chart.appendChild(rect);
          if (bar >= 16) {
            chart.appendChild(svg("text", { class: "value", x: (x + bar / 2).toFixed(1),
                                             y: (y(row.plays) - 4).toFixed(1),
                                             "text-anchor": "middle" }, String(row.plays)));
          }
        }
        if (row.cut_by_emergency) {
          var dot = svg("circle", { class: "cut-mark", cx: (x + bar / 2).toFixed(1),
                                    cy: (y(row.plays) - (bar >= 16 ? 18 : 6)).toFixed(1),
                                    r: "4", "data-day": day, "data-campaign": campaign });
          dot.appendChild(svg("title", {}, label));
          chart.appendChild(dot);
        }
      });
      if (i % every === 0) {
        chart.appendChild(svg("text", { class: "day", x: (MARGIN.left + (i + 0.5) * group).toFixed(1),
                                         y: CHART_HEIGHT - MARGIN.bottom + 18,
                                         "text-anchor": "middle" }, every > 1 ? day.slice(5) : short(day)));
      }
    });
    chart.appendChild(svg("line", { class: "axis", x1: MARGIN.left, x2: width - MARGIN.right,
                                     y1: y(0), y2: y(0) }));
    box.appendChild(chart);
    if (answer.rows.some(function (r) { return r.cut_by_emergency; })) {
      box.appendChild(el("p", { class: "muted note" },
        el("span", { class: "dot", "aria-hidden": "true" }), "红点:这天有播出被紧急广播打断(不算完整播出)。"));
    }
  }

  function renderTable(answer) {
    var body = PA.clear($("rows"));
    var shown = 0;
    answer.rows.forEach(function (r) {
      var nothing = !r.plays && !r.cut_by_emergency && !r.cut_other;
      var times = el("div", { class: "times" });
      r.times.forEach(function (t) { times.appendChild(el("span", { class: "time", text: t })); });
      r.cut_by_emergency_times.forEach(function (t) {
        times.appendChild(el("span", { class: "time cut", text: t + " 被紧急广播打断" }));
      });
      r.cut_other_times.forEach(function (t) {
        times.appendChild(el("span", { class: "time other", text: t + " 中断" }));
      });
      body.appendChild(el("tr", { class: nothing ? "zero" : "", "data-day": r.date, "data-campaign": r.campaign },
        el("td", { class: "day", text: r.date + " " + weekday(r.date) }),
        el("td", {}, el("span", { class: "swatch " + color(r.campaign), "aria-hidden": "true" }), r.title),
        el("td", { class: "num plays", text: String(r.plays) }),
        el("td", { class: "num" + (r.cut_by_emergency ? " cut" : ""), text: String(r.cut_by_emergency) }),
        el("td", { class: "num" + (r.cut_other ? " other" : ""), text: String(r.cut_other) }),
        el("td", {}, times)));
      shown += 1;
    });
    if (!shown) {
      body.appendChild(el("tr", {}, el("td", { colspan: "6", class: "empty", text: "这段时间没有促销广播播出。" })));
    }
    $("table-count").textContent = shown ? shown + " 行" : "";
  }

  // -- quick ranges, the form, who may see it -------------------------------------------------

  function quick(kind) {
    var end = today(), start;
    if (kind === "month") {
      start = end.slice(0, 8) + "01";
    } else if (kind === "last-month") {
      end = addDays(end.slice(0, 8) + "01", -1);
      start = end.slice(0, 8) + "01";
    } else {
      start = addDays(end, -(parseInt(kind, 10) - 1));
    }
    $("from").value = start;
    $("to").value = end;
    load(query());
  }

  function denied() {
    $("denied").hidden = false;
    ["filter", "summary-card", "chart-card", "table-card"].forEach(function (id) { $(id).hidden = true; });
  }

  function bindOnce() {
    if (bound) return;
    bound = true;
    $("filter").addEventListener("submit", function (event) {
      event.preventDefault();
      load(query());
    });
    $("campaign").addEventListener("change", function () { load(query()); });
    Array.prototype.forEach.call(document.querySelectorAll("[data-range]"), function (button) {
      button.addEventListener("click", function () { quick(button.getAttribute("data-range")); });
    });
    var resizing = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizing);
      resizing = setTimeout(function () { if (report) renderChart(report); }, 200);
    });
  }

  function onReady(me) {
    bindOnce();
    var allowed = me.roles.some(function (r) { return ALLOWED.indexOf(r) >= 0; });
    $("denied").hidden = allowed;
    ["filter", "summary-card", "chart-card", "table-card"].forEach(function (id) { $(id).hidden = !allowed; });
    if (!allowed) return;
    var asked = new URLSearchParams(location.search), params = new URLSearchParams();
    ["from", "to", "campaign"].forEach(function (key) {
      if (asked.get(key)) params.set(key, asked.get(key));
    });
    load(params);
  }

  PA.start({ onReady: onReady, onSignedOut: function () { report = null; } });
})();
