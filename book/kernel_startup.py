"""IPython start-up file for the kernels that execute the course for the website.

``book/build.py`` copies this file into the build's own IPython folder
(``profile_default/startup/``) and points ``HINGE_BOOK_DIR`` at ``book/``; the course
itself never loads it.
"""

import os
import sys

_book_dir = os.environ.get("HINGE_BOOK_DIR")
if _book_dir:
    sys.path.insert(0, _book_dir)
    import book_support

    book_support.install()
    del book_support
del _book_dir
