"""Evaluation: batched inference engine, task heads, metrics, checkpoints and scores.

Nothing here imports torch or transformers at import time; the heavy modules load on use.
"""
