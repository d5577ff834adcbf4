"""The class app's own small pages: the course index, the login page, and the pages that say
why a page cannot open (the class is full, too many pages in one browser, no cookie, the video
lesson switched off, no such notebook, an error) and that the student has left.

Each is one self-contained HTML page in the course's look (no external files: the room may
have no internet); every text that comes from outside is escaped. Served by
:mod:`hinge_lib.class_app`.
"""

from __future__ import annotations

import html

from hinge_lib.class_index import CourseEntry


def _page(title: str, body: str, *, refresh_s: int | None = None) -> str:
    """A small self-contained HTML page in the course's look (no external files)."""
    refresh = f'<meta http-equiv="refresh" content="{refresh_s}">' if refresh_s else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{refresh}
<title>{html.escape(title)} · Hip Hinge Coach</title>
<style>
body {{font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
      line-height: 1.5; color: #1d2733;}}
h1 {{font-size: 1.5em;}} a {{color: #0b62a4;}} .note {{color: #4b5866;}}
li {{margin: .4em 0;}} details {{margin: .2em 0 .6em 0;}} summary {{cursor: pointer;}}
.error {{border-left: 4px solid #b3261e; padding: .4em .8em; background: #fbeaea;}}
input, button {{font-size: 1em; padding: .3em .6em;}}
</style></head>
<body><main>
<h1>{html.escape(title)}</h1>
{body}
</main></body></html>
"""


def course_index_html(entries: list[CourseEntry], base_url: str = "/",
                      instructor: bool = False) -> str:
    """The class index page: every notebook in course order, with its self-checks.

    Instructor pages are listed (marked "instructor only") only when ``instructor`` is true.
    """
    items = []
    for entry in entries:
        if entry.instructor and not instructor:
            continue
        link = html.escape(f"{base_url}voila/render/{entry.file}")
        number = html.escape(entry.file[:2])
        checks = ""
        if entry.self_checks:
            questions = "".join(f"<li>{html.escape(q)}</li>" for q in entry.self_checks)
            n = len(entry.self_checks)
            checks = (f"<details><summary>{n} self-check{'s' if n != 1 else ''}</summary>"
                      f"<ol>{questions}</ol></details>")
        mark = " <em>(instructor only)</em>" if entry.instructor else ""
        items.append(f'<li value="{int(entry.file[:2])}"><a href="{link}">{number} · '
                     f"{html.escape(entry.title)}</a>{mark}{checks}</li>")
    body = (
        '<p class="note">Open a notebook to read it and use its figures and self-checks. '
        "The code is hidden and runs on the instructor's computer. Each page is yours alone; "
        "reloading a page starts it afresh.</p>\n"
        f'<ol class="course" start="0">{"".join(items)}</ol>'
        # class_room hook: the one page where a student may give a nickname
        f'<p class="note">The instructor sees answers by number. <a href="'
        f'{html.escape(base_url)}hinge/api/nickname">Give yourself a nickname</a> '
        "(optional).</p>"
    )
    return _page("Course index", body)


def full_page_html(students: int, limit: int) -> str:
    body = (
        f"<p>The class app is serving {students} pages, the most it was started for "
        f"({limit}). Your page has not been opened yet, so nothing is lost.</p>"
        "<p>This page tries again by itself every 20 seconds. If it keeps appearing, ask your "
        "instructor: closing unused tabs frees places, and the instructor can allow more "
        "with <code>--max-kernels</code>.</p>"
    )
    return _page("The class is full for a moment", body, refresh_s=20)


def seat_full_html(pages: int) -> str:
    body = (
        f"<p>This browser already has {pages} course pages open, the most one student may "
        "hold at once in the class app. Nothing is lost: close a course tab you no longer "
        "use, and this page tries again by itself every 20 seconds.</p>"
    )
    return _page("Too many pages open in this browser", body, refresh_s=20)


def no_cookie_html() -> str:
    body = (
        "<p>The class app gives every browser its own pages with a small cookie, and this "
        "browser did not keep it. Allow cookies for this address (or leave private mode "
        "that blocks them) and open the class address again.</p>"
    )
    return _page("This browser refuses the class app's cookie", body)


def video_off_html(base_url: str) -> str:
    body = ("<p>The video lesson analyses every upload on the instructor's computer, so in "
            "the class app it opens only when the instructor switches it on "
            "(<code>--with-video</code>). Ask your instructor, or open it later in "
            "JupyterLab on your own computer.</p>"
            f'<p><a href="{html.escape(base_url)}course">Go to the course index</a></p>')
    return _page("The video lesson is switched off for this class", body)


def not_in_course_html(path: str, base_url: str) -> str:
    body = (f"<p>There is no course notebook called <code>{html.escape(path)}</code>.</p>"
            f'<p><a href="{html.escape(base_url)}course">Go to the course index</a></p>')
    return _page("Page not found", body)


def logged_out_html(base_url: str) -> str:
    body = ("<p>You have left the course on this device. To come back, open the class "
            "address again or type the access code your instructor gives you.</p>"
            f'<p><a href="{html.escape(base_url)}login">Type the access code</a></p>')
    return _page("You have left the course", body)


def error_html(status: int, base_url: str) -> str:
    """The page for an address the class app cannot serve (no details, no traceback)."""
    body = ("<p>The course server could not open this address.</p>"
            f'<p><a href="{html.escape(base_url)}course">Go to the course index</a></p>')
    return _page(f"Error {status}", body)


def login_html(next_url: str, error: str | None, xsrf_field: str = "") -> str:
    problem = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    body = (
        f"{problem}<p>Type the access code your instructor gives you (it is also the part after "
        "<code>token=</code> in the class address).</p>"
        '<form method="post" action="?next=' + html.escape(next_url, quote=True) + '">'
        + xsrf_field +
        '<label for="code">Access code</label> '
        '<input id="code" name="password" type="password" autocomplete="off" autofocus> '
        '<button type="submit">Open the course</button></form>'
    )
    return _page("Hip Hinge Coach: class access", body)

