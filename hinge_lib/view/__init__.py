"""What a learner sees: the colour palette, figure data and plotly figures, HTML readouts.

Builds on :mod:`hinge_lib.model`; knows nothing of widgets.
"""
