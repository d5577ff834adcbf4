"""Interactive widgets: the pose explorer, comparison, animation and upload box.

Builds on :mod:`hinge_lib.model` and :mod:`hinge_lib.view`; imports ipywidgets.
"""
