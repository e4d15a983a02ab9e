"""``python -m robustx.cli``: the same as the ``robustx`` command."""

from . import console_main

console_main()
