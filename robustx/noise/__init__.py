"""Noise injection: ops (one module per family), profiles and the structure-preserving engine."""
