"""Interactive widgets: the pose explorer, comparison, animation, the live SVG figure they
draw on (an anywidget whose browser code ships beside it), the frames it is sent ahead so
that it redraws in the browser while a slider moves, and the upload box.

Builds on :mod:`hinge_lib.model` and :mod:`hinge_lib.view`; imports ipywidgets.
"""
