"""Teaching helpers used by the notebooks: self-checks and their grading, drill cards,
the coaching checklist, lesson plans and answer keys.

The top layer: it may use every other part of the package; nothing else imports it.
"""
