"""Noise injection: ops (one module per family), profiles and the structure-preserving engine."""

from ..core import accel

# The compiled engine, when one is built for exactly these sources (see robustx.core.accel).
ACCEL = accel.activate(__path__)
