"""The instructor's dashboard page of the class app: the room's answers, live.

One self-contained HTML page (no external files; the room may have no internet) that asks
``/instructor/api/tally`` once a second and shows one row per self-check in course order:
how many students answered, how many passed, the count per option of choice questions, and
for pose tasks each student's verdict and the faults most often flagged. Every text from the
tally (nicknames included) is put on the page with ``textContent``, never as HTML. The
"anonymise" switch (on by default) shows students by number only.

Served by :mod:`hinge_lib.class_room` to the laptop itself only.
"""

from __future__ import annotations

import html

_SCRIPT = """
const TALLY = BASE + "instructor/api/tally";
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
function who(p) {
  const anon = document.getElementById("anonymise").checked;
  return "#" + p.student + (!anon && p.nickname ? " " + p.nickname : "");
}
function render(t) {
  document.getElementById("students").textContent = t.students;
  const body = document.getElementById("rows");
  body.replaceChildren();
  for (const c of t.checks) {
    const tr = el("tr");
    tr.dataset.check = c.id;
    tr.append(el("td", c.notebook), el("td", c.id), el("td", c.kind),
              el("td", c.answered, "answered"), el("td", c.passed, "passed"));
    const detail = el("td");
    for (const o of c.options || []) {
      detail.append(el("div", o.count + " \\u00d7 " + o.text, "option"));
    }
    for (const p of c.poses || []) {
      detail.append(el("span", who(p) + (p.ok ? " \\u2713" : " \\u2717"),
                       p.ok ? "pose pass" : "pose fail"));
    }
    if ((c.faults || []).length) {
      detail.append(el("div", "Faults: " + c.faults.map(
        f => f.fault + " (" + f.count + ")").join(", "), "faults"));
    }
    tr.append(detail);
    body.append(tr);
  }
  document.getElementById("updated").textContent = new Date().toLocaleTimeString();
}
let last = null;
async function poll() {
  try {
    const r = await fetch(TALLY, {cache: "no-store"});
    if (r.ok) { last = await r.json(); render(last); }
  } catch (e) { /* the app restarting: try again */ }
  setTimeout(poll, 1000);
}
document.getElementById("anonymise").addEventListener("change", () => last && render(last));
poll();
"""


def dashboard_html(base_url: str) -> str:
    """The dashboard page; ``base_url`` is the app's base path (ends with "/")."""
    import json

    base = html.escape(base_url)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The room · Hip Hinge Coach</title>
<style>
body {{font-family: system-ui, sans-serif; margin: 1em 2em; color: #1d2733;}}
table {{border-collapse: collapse; width: 100%;}}
td, th {{border-bottom: 1px solid #d0d7de; padding: .3em .5em; text-align: left;
         vertical-align: top;}}
.pose {{display: inline-block; margin: .1em .3em; padding: 0 .3em; border-radius: 3px;}}
.pass {{background: #dbe9f6; border: 2px solid #0b62a4;}}
.fail {{background: #fbe3cc; border: 2px dashed #b35806;}}
.faults {{color: #4b5866;}}
</style></head>
<body>
<h1>The room</h1>
<p>Students who answered: <b id="students">0</b> · updated <span id="updated">never</span>
 · <label><input type="checkbox" id="anonymise" checked> anonymise (numbers only)</label>
 · <a href="{base}instructor/api/tally.csv">download the counts (CSV)</a>:
 kept on this laptop, nothing is sent anywhere.</p>
<table><thead><tr><th>Notebook</th><th>Self-check</th><th>Kind</th><th>Answered</th>
<th>Passed</th><th>Answers</th></tr></thead><tbody id="rows"></tbody></table>
<script>const BASE = {json.dumps(base_url)};
{_SCRIPT}</script>
</body></html>
"""
