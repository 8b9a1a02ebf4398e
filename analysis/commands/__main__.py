"""``python -m analysis.commands``: the same as the ``escalation`` console script."""

import sys

from analysis.commands import main

sys.exit(main())
