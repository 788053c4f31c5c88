/* mall-pa switchboard console, for admins: the staff directory as one CSV file (S2).
 *
 * The button "通讯录管理" (admins only) opens a dialog with how many people the directory
 * holds, the export (a plain link to GET /api/switchboard/directory.csv: the cookie session
 * is enough, a GET needs no CSRF token) and the import: the chosen file's bytes, as they are
 * (never decoded here: the service reads UTF-8 and GBK, as Excel on a Chinese PC writes
 * them), go as the body of PUT /api/switchboard/directory.csv, which replaces the whole
 * directory or, on 422 `bad_rows`, takes nothing and lists every problem; those are shown in
 * a table, in Chinese.
 *
 * How many people: GET /api/switchboard/reference says, each time the dialog opens;
 * after an import, the number the service answered. Loaded after switchboard.js, it plugs
 * in through window.Switchboard (told who signed in; tells it the directory changed).
 */
(function () {
  "use strict";

  var $ = PA.$, el = PA.el;

  var CSV_PATH = "/api/switchboard/directory.csv";
  var MAX_BYTES = 4 * 1024 * 1024; // the service's limit (api/routes/switchboard.py)

  var me = null;
  var bound = false;
  var people = null;   // how many the directory holds (null: not known)
  var countSeq = 0;

  function isAdmin(who) { return !!who && who.roles.indexOf("admin") >= 0; }

  function ready(who) {
    me = who;
    bindOnce();
    $("directory-admin-open").hidden = !isAdmin(me);
    if (!isAdmin(me)) close();
  }

  function signedOut() {
    me = null;
    people = null;
    countSeq++;
    $("directory-admin-open").hidden = true;
    close();
  }

  function bindOnce() {
    if (bound) return;
    bound = true;
    $("directory-admin-open").addEventListener("click", open);
    $("directory-close").addEventListener("click", close);
    $("directory-import").addEventListener("submit", importFile);
    $("directory-file").addEventListener("change", showFileName);
    showFileName();
  }

  function showFileName() {
    var input = $("directory-file"), file = input.files && input.files[0];
    markField(input, false);
    var name = $("directory-file-name");
    name.textContent = file ? file.name + "(" + size(file.size) + ")" : "还没有选择文件";
    name.className = "file-name" + (file ? "" : " none");
  }

  function size(bytes) {
    return bytes < 1024 ? bytes + " 字节" : bytes < 1048576 ? Math.ceil(bytes / 1024) + " KB"
      : (bytes / 1048576).toFixed(1) + " MB";
  }

  function open() {
    var dialog = $("directory-dialog");
    if (!dialog.open) dialog.showModal();
    countPeople();
  }

  function close() {
    if ($("directory-dialog").open) $("directory-dialog").close();
  }

  // -- how many people -------------------------------------------------------------------------

  function countPeople() {
    var seq = ++countSeq;
    showCount("正在统计人数……");
    PA.api("GET", "/api/switchboard/reference")
      .then(function (reference) {
        if (seq !== countSeq) return;
        people = reference.people;
        showCount();
      }, function (failure) {
        if (seq !== countSeq || failure.status === 401) return;
        people = null;
        showCount("人数未知(" + failure.message + ")");
      });
  }

  function showCount(text) {
    $("directory-count").textContent = text || (people === null ? "" : "通讯录现有 " + people + " 人");
  }

  // -- the import ------------------------------------------------------------------------------

  function importFile(event) {
    event.preventDefault();
    var input = $("directory-file");
    var file = input.files && input.files[0];
    markField(input, false);
    if (!file) return refuse("请先选择通讯录文件(CSV)。");
    if (!file.size) return refuse("这个文件是空的:请选择通讯录文件。");
    if (file.size > MAX_BYTES) return refuse("文件太大了:通讯录文件最大 4 MB。");
    var now = people === null ? "现有人数未知" : "现有 " + people + " 人";
    if (!window.confirm("导入会替换整个通讯录(" + now + "),确定吗?")) {
      showMessage("", "没有导入。");
      return;
    }
    var button = $("directory-import-submit");
    button.disabled = true;
    showProblems([]);
    showMessage("", "正在导入……");
    send("PUT", CSV_PATH, file, "application/json", "text/csv")
      .then(function (answer) {
        people = answer.data && typeof answer.data.people === "number" ? answer.data.people : null;
        countSeq++; // a count still on its way is of the old directory
        showCount();
        showMessage("ok", people === null ? "已导入。" : "已导入 " + people + " 人。");
        input.value = "";
        showFileName();
        window.Switchboard.directoryChanged();
      })
      .catch(function (failure) {
        if (failure.status === 401) return;
        showMessage("error", failure.message);
        if (failure.code === "bad_rows") showProblems(failure.problems || []);
      })
      .then(function () { button.disabled = false; });
  }

  function refuse(text) {
    markField($("directory-file"), true);
    showMessage("error", text);
    showProblems([]);
    $("directory-file").focus();
  }

  /* A request PA.api cannot make: a raw body (the file as it is), an answer that is not JSON
   * (the export), and a refusal's `problems` kept. Resolves {status, text, data}; rejects
   * with a PA.Failure carrying `.problems`. A 401 brings the sign-in form back, as PA.api. */
  function send(method, path, body, accept, type) {
    var headers = { Accept: accept };
    if (type) headers["Content-Type"] = type;
    if (method !== "GET" && me && me.csrf) headers["X-CSRF-Token"] = me.csrf;
    var init = { method: method, headers: headers, credentials: "same-origin", cache: "no-store" };
    if (body) init.body = body;
    return fetch(path, init).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        if ((response.headers.get("Content-Type") || "").indexOf("json") >= 0) {
          try { data = JSON.parse(text); } catch (e) { data = null; }
        }
        if (response.ok) return { status: response.status, text: text, data: data };
        throw PA.refused(response, data);
      });
    }, function () { throw new PA.Failure(0); });
  }

  // -- what was wrong in the file --------------------------------------------------------------

  function showProblems(problems) {
    var box = $("directory-problems-box");
    var body = PA.clear($("directory-problems").tBodies[0]);
    box.hidden = !problems.length;
    $("directory-problems-caption").textContent = problems.length
      ? "共 " + problems.length + " 处要改(行号和 Excel 左边的行号一致,第 1 行是列名):" : "";
    problems.forEach(function (p) {
      body.appendChild(el("tr", {},
        el("th", { scope: "row", class: "where", text: where(p.where) }),
        el("td", { text: said(EXPECTED, p.expected) }),
        el("td", { class: "found", text: found(p.found) }),
        p.hint ? el("td", { text: said(HINTS, p.hint) }) : el("td", { class: "no-hint", text: "按“应为”一栏改正。" })));
    });
  }

  /* The service words its problems in English (as on its log and command line): here they
   * are said in Chinese; a sentence not known here is shown as it came. */
  function said(rules, text) {
    text = String(text || "");
    for (var i = 0; i < rules.length; i++) {
      var m = rules[i][0].exec(text);
      if (m) return typeof rules[i][1] === "function" ? rules[i][1](m) : rules[i][1];
    }
    return text;
  }

  /* "row 4, column 分机" -> "第 4 行,“分机”列"; "row 1, column E" -> "第 1 行,E 列". */
  function where(text) {
    var m = /^row (\d+)(?:, column (.+))?$/.exec(text || "");
    if (!m) return text ? text : "整个文件";
    if (!m[2]) return "第 " + m[1] + " 行";
    var column = /^[A-Z]{1,3}$/.test(m[2]) ? m[2] + " 列" : /^\d+$/.test(m[2]) ? "第 " + m[2] + " 列" : "“" + m[2] + "”列";
    return "第 " + m[1] + " 行," + column;
  }

  /* A cell as the service shows it: "an empty cell", or the text in straight quotes. */
  function cell(text) {
    if (text === "an empty cell") return "空白";
    var m = /^"([\s\S]*)"$/.exec(text);
    return m ? "“" + m[1] + "”" : text;
  }

  function found(text) { return said(FOUND, text); }

  var ENCODINGS = { "UTF-8 or GBK": "UTF-8 或 GBK", "UTF-8": "UTF-8", "UTF-16": "UTF-16" };
  var SAVE_AS = "请在 Excel 里“另存为”“CSV UTF-8(逗号分隔)”后重新导入。";

  var EXPECTED = [ // daemon/switchboard/directory_csv.py
    [/^a CSV text file in (.+)$/, function (m) { return (ENCODINGS[m[1]] || m[1]) + " 编码的 CSV 文本文件"; }],
    [/^at most (\d+) characters$/, function (m) { return "最多 " + m[1] + " 个字"; }],
    [/^text on one line$/, "一行文字(不含换行等控制字符)"],
    [/^text not starting with = \+ - or @$/, "不以 = + - @ 开头的文字"],
    [/^a name \(this column must be filled in\)$/, "姓名(必填)"],
    [/^an extension of 2 to 8 digits \((\d+)\)$/, function (m) { return "2 到 8 位数字的分机号,如 " + m[1]; }],
    [/^at most (\d+) duties$/, function (m) { return "最多 " + m[1] + " 项职责"; }],
    [/^languages such as /, "语言名称,如 英语、日语,或代码 en、ja"],
    [/^at most (\d+) languages$/, function (m) { return "最多 " + m[1] + " 种语言"; }],
    [/^duty hours such as /, "值班时间,如“周一至周五 09:00-18:00;周六 10:00-16:00”"],
    [/^是 or 否/, "“是”或“否”(空着算“否”)"],
    [/^an id of 1-(\d+) letters, digits, \. _ or -$/, function (m) {
      return "1 到 " + m[1] + " 个字母、数字或 . _ - 组成的编号(以字母或数字开头)";
    }],
    [/^a valid entry$/, "有效的一行"],
    [/^at most (\d+) columns$/, function (m) { return "最多 " + m[1] + " 列"; }],
    [/^a column name \((.*), or in English\)$/, function (m) { return "列名:" + m[1] + "(或对应的英文列名)"; }],
    [/^each column once$/, "每一列只出现一次"],
    [/^a header row with the columns (.+) and (.+)$/, function (m) { return "第一行是列名,要有“" + m[1] + "”和“" + m[2] + "”"; }],
    [/^at most (\d+) people in one file$/, function (m) { return "一个文件最多 " + m[1] + " 人"; }],
    [/^each person once/, "每人一行(姓名和分机都相同,或编号相同,算同一人)"],
    [/^a well-formed CSV row$/, "格式正确的 CSV 行"],
    [/^a header row \(/, "第一行是列名(姓名、分机……)"],
    [/^a file of at most (\d+) MB$/, function (m) { return "不超过 " + m[1] + " MB 的文件"; }],
  ];

  var FOUND = [
    [/^(\d+) characters$/, function (m) { return m[1] + " 个字"; }],
    [/^(\d+) columns$/, function (m) { return m[1] + " 列"; }],
    [/^(\d+)$/, function (m) { return m[1] + " 项"; }],
    [/^([\s\S]*), with a control character$/, function (m) { return cell(m[1]) + ",含有换行等控制字符"; }],
    [/^([\s\S]*) \(cannot read ([\s\S]*)\)$/, function (m) { return cell(m[1]) + "(看不懂其中的 " + cell(m[2]) + ")"; }],
    [/^([\s\S]*) a second time \(first as ([\s\S]*)\)$/, function (m) {
      return cell(m[1]) + " 又出现一次(前面已有 " + cell(m[2]) + ")";
    }],
    [/^bytes that are not such text \(at byte (\d+)\)$/, function (m) { return "不是这种编码的文字(第 " + m[1] + " 个字节起)"; }],
    [/^no column (.+)$/, function (m) { return "没有“" + m[1] + "”列"; }],
    [/^more rows$/, "还有更多行"],
    [/^the same person as row (\d+)$/, function (m) { return "和第 " + m[1] + " 行是同一个人"; }],
    [/^unreadable text \(([\s\S]*)\)$/, function (m) { return "读不懂的内容(" + m[1] + ")"; }],
    [/^an empty file$/, "空文件"],
    [/^([\s\S]*)$/, function (m) { return cell(m[1]); }],
  ];

  var HINTS = [
    [/^is it a CSV file\?/, "这是 CSV 文件吗?" + SAVE_AS],
    [/^a spreadsheet would take it for a formula/, "电子表格会把它当成公式:请换一个字开头。"],
    [/^write the language's name or its ISO 639 code/, "写语言名称或 ISO 639 代码,几种之间用“、”分开。"],
    [/^leave the cell empty if there are no fixed hours$/, "没有固定值班时间就空着。"],
    [/^the columns from here on are not read$/, "从这一列往后都不会读取。"],
    [/^this column is not read: rename it or delete it$/, "这一列不会读取:请改成上面的列名,或删掉这一列。"],
    [/^delete one of the two columns$/, "删掉其中一列。"],
    [/^the first row names the columns: (.*)$/, function (m) { return "第一行写列名:" + m[1] + "。"; }],
    [/^the rows from here on were not read: a directory holds at most (\d+) people/,
     function (m) { return "从这一行往后都没有读取:通讯录最多 " + m[1] + " 人(请删去已离职的人)。"; }],
    [/^the rows from here on were not read\. /, "从这一行往后都没有读取。" + SAVE_AS],
    [/^delete one of the two rows, or merge them$/, "删掉其中一行,或把两行合成一行。"],
    [/^this cell is not read$/, "这个格子不会读取。"],
  ];

  // -- messages ----------------------------------------------------------------------------------

  function showMessage(kind, text) {
    var box = $("directory-message");
    box.textContent = text;
    box.className = "notice" + (kind ? " " + kind : "");
  }

  function markField(node, bad) {
    node.classList.toggle("invalid", bad);
    if (bad) node.setAttribute("aria-invalid", "true");
    else node.removeAttribute("aria-invalid");
  }

  window.Switchboard.use({ ready: ready, signedOut: signedOut });
})();
