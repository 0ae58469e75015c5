"""The code the notebooks of the executable edition share: paths, evidence, charts, formatting.

Only this package reads `data/`; notebooks import what they need from its modules.
"""
