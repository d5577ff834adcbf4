"""What a learner sees: the colour palette, drawing data, plotly figures and the live
figure's scene and frames, HTML readouts, the explorer's words.

Builds on :mod:`hinge_lib.model`; knows nothing of widgets.
"""
