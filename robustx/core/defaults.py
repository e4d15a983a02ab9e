"""Every default that more than one layer shows or uses, in one place."""

from __future__ import annotations

SEED = 12345  # noise streams and bootstrap
BATCH_TOKENS = 16384  # padded tokens per inference batch
REPORT_DIR = "robustx-report"  # compare's --out
PROFILES = ("typo",)  # compare's --profile
BOOTSTRAP = 1000  # paired bootstrap resamples
CONFIDENCE = 0.95  # bootstrap interval
