"""The instructor's dashboard page of the class app: the room's answers, live.

One self-contained HTML page (no external files; the room may have no internet) that keeps
one request to ``/instructor/api/tally?after=N`` waiting: the app answers it as soon as an
answer is stored (a push, without polling), and the page asks again. It shows one row per
self-check in course order: how many students answered, how many passed, the count per
option of choice and predict questions, and for pose tasks each student's verdict and the
faults most often flagged. Every text from the tally (nicknames included) is put on the
page with ``textContent``, never as HTML. The "anonymise" switch (on by default) shows
students by number only.

Served by :mod:`hinge_lib.class_room` to the laptop itself only.
"""

from __future__ import annotations

import html

#: Wait before asking again after a failed request (the app restarting), in ms.
RETRY_MS = 1000

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
const SVG = "http://www.w3.org/2000/svg";
const picked = {};
function overlay(c) {
  // every student's pose over one another: passing solid blue, failing dashed orange;
  // the picked attempt drawn large on top, the others faded
  const box = el("figure", undefined, "overlay" + (picked[c.id] !== undefined ? " large" : ""));
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "-0.9 -2.0 1.9 2.1");
  svg.setAttribute("role", "img");
  const pass = c.poses.filter(p => p.ok).length;
  svg.setAttribute("aria-label", pass + " passing and " + (c.poses.length - pass) +
                   " failing poses drawn over one another");
  const floor = document.createElementNS(SVG, "line");
  for (const [k, v] of [["x1", -0.9], ["x2", 1.0], ["y1", 0], ["y2", 0]]) floor.setAttribute(k, v);
  floor.setAttribute("class", "floor");
  svg.append(floor);
  const top = p => p.student === picked[c.id];
  const order = [...c.poses].sort((a, b) => top(a) - top(b));
  for (const p of order) {
    for (const line of p.figure || []) {
      const path = document.createElementNS(SVG, "polyline");
      path.setAttribute("points", line.map(([x, y]) => x + "," + (-y)).join(" "));
      let cls = "body " + (p.ok ? "pass" : "fail");
      if (picked[c.id] !== undefined) cls += p.student === picked[c.id] ? " picked" : " faded";
      path.setAttribute("class", cls);
      path.dataset.student = p.student;
      svg.append(path);
    }
  }
  box.append(svg, el("figcaption", pass + " passing (solid blue) \\u00b7 " +
                     (c.poses.length - pass) + " not yet (dashed orange)" +
                     (picked[c.id] !== undefined ? " \\u00b7 showing #" + picked[c.id] : "")));
  return box;
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
    if (c.kind === "pose" && (c.poses || []).length) detail.append(overlay(c));
    for (const p of c.poses || []) {
      const chip = el("button", who(p) + (p.ok ? " \\u2713" : " \\u2717"),
                      "pose " + (p.ok ? "pass" : "fail") +
                      (picked[c.id] === p.student ? " picked" : ""));
      chip.addEventListener("click", () => {
        picked[c.id] = picked[c.id] === p.student ? undefined : p.student; render(last);
      });
      detail.append(chip);
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
  // the app holds this request until the tally moves past the version shown: a push
  let wait = RETRY_MS;
  try {
    const r = await fetch(TALLY + "?after=" + (last ? last.version : -1), {cache: "no-store"});
    if (r.ok) { last = await r.json(); render(last); wait = 0; }
  } catch (e) { /* the app restarting: try again */ }
  setTimeout(poll, wait);
}
document.getElementById("anonymise").addEventListener("change", () => last && render(last));
function xsrf() {
  const m = document.cookie.match(/(?:^|; )_xsrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]) : "";
}
async function pace(paused) {
  const v = id => document.getElementById(id).value;
  const r = await fetch(BASE + "instructor/api/room", {method: "POST",
    headers: {"Content-Type": "application/json", "X-XSRFToken": xsrf()},
    body: JSON.stringify({banner: v("banner"), notebook: v("notebook"), section: v("section"),
                          pose: v("pose"), paused: paused, message: v("message")})});
  const said = document.getElementById("paced");
  const answer = await r.json().catch(() => ({}));
  said.textContent = r.ok ? (answer.paused ? "The room is paused." : "Sent to the room.")
                          : "Not sent: " + (answer.error || r.status);
  document.getElementById("pause").dataset.paused = answer.paused ? "1" : "";
  document.getElementById("pause").textContent = answer.paused ? "Resume the room"
                                                               : "Pause the room";
}
document.getElementById("send").addEventListener("click", () =>
  pace(Boolean(document.getElementById("pause").dataset.paused)));
document.getElementById("pause").addEventListener("click", () =>
  pace(!document.getElementById("pause").dataset.paused));
poll();
"""


def _options(pairs: list[tuple[str, str]]) -> str:
    return "".join(f'<option value="{html.escape(v)}">{html.escape(t)}</option>'
                   for v, t in pairs)


def dashboard_html(base_url: str, notebooks: list[str] = (),
                   poses: dict[str, str] | None = None) -> str:
    """The dashboard page; ``base_url`` is the app's base path (ends with "/"), ``notebooks``
    the course pages the instructor may send the room to, ``poses`` the starting poses
    (reference position key -> name)."""
    import json

    base = html.escape(base_url)
    choices = _options([(n, n) for n in notebooks])
    pose_choices = _options(sorted((poses or {}).items(), key=lambda kv: kv[1]))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The room · Hip Hinge Coach</title>
<style>
body {{font-family: system-ui, sans-serif; margin: 1em 2em; color: #1d2733;}}
table {{border-collapse: collapse; width: 100%;}}
td, th {{border-bottom: 1px solid #d0d7de; padding: .3em .5em; text-align: left;
         vertical-align: top;}}
button.pose {{margin: .1em .3em; padding: 0 .3em; border-radius: 3px; font-size: 1em;}}
button.pass {{background: #dbe9f6; border: 2px solid #0b62a4;}}
button.fail {{background: #fbe3cc; border: 2px dashed #b35806;}}
button.picked {{outline: 3px solid #1d2733;}}
figure.overlay {{margin: .3em 0;}} figure.overlay svg {{height: 220px; background: #fff;}}
figure.large svg {{height: 70vh;}}
polyline.body {{fill: none; stroke-width: .012; stroke-linecap: round; opacity: .7;}}
polyline.pass {{stroke: #0b62a4;}}
polyline.fail {{stroke: #b35806; stroke-dasharray: .03 .02;}}
polyline.faded {{opacity: .15;}} polyline.picked {{stroke-width: .025; opacity: 1;}}
line.floor {{stroke: #4b5866; stroke-width: .006;}}
.faults {{color: #4b5866;}}
</style></head>
<body>
<h1>The room</h1>
<p>Students who answered: <b id="students">0</b> · updated <span id="updated">never</span>
 · <label><input type="checkbox" id="anonymise" checked> anonymise (numbers only)</label>
 · <a href="{base}instructor/api/tally.csv">download the counts (CSV)</a>:
 kept on this laptop, nothing is sent anywhere.</p>
<fieldset><legend>Pacing</legend>
<label>Banner <input id="banner" size="40" maxlength="200"
 placeholder="e.g. Everyone: make a clean hinge"></label>
<label>link to <select id="notebook"><option value="">(no link)</option>{choices}</select></label>
<label>section <input id="section" size="16" placeholder="anchor, optional"></label>
<label>starting pose <select id="pose"><option value="">(none)</option>{pose_choices}</select>
</label>
<button id="send" type="button">Send the room</button> ·
<label>pause message <input id="message" size="30" maxlength="200"
 placeholder="Eyes on the instructor for a moment."></label>
<button id="pause" type="button">Pause the room</button>
<span id="paced" role="status"></span>
<p class="note">A banner shows a link on every student's page; nobody is moved while typing.
A starting pose puts a "Take the starting pose" button beside every figure: a student's
figure moves only when they press it.
Pausing locks the sliders with the message until you resume.</p>
</fieldset>
<table><thead><tr><th>Notebook</th><th>Self-check</th><th>Kind</th><th>Answered</th>
<th>Passed</th><th>Answers</th></tr></thead><tbody id="rows"></tbody></table>
<script>const BASE = {json.dumps(base_url)}; const RETRY_MS = {RETRY_MS};
{_SCRIPT}</script>
</body></html>
"""
