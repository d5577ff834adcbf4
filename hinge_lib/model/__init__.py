"""The body model: sourced tables, input checks, body and pose, and everything derived from a pose.

Depends on numpy, pandas and PyYAML only; never on plotting or widget libraries. The flow of
the package is one way: ``model`` -> ``recordings`` / ``view`` -> ``widgets`` -> ``course``.
"""
