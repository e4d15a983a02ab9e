"""robustx: noise robustness of multilingual language models on XTREME tasks.

Importing robustx does no I/O and imports neither torch nor datasets; the heavy
dependencies load inside the functions that need them.
"""

__version__ = "0.2.0.dev0"
