"""The bottom layer: defaults, atomic files, configuration YAML and progress bars.

Everything above may import from here; this package imports nothing of robustx but
:mod:`robustx.errors`.
"""
