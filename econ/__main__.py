"""`python -m econ ...`: see econ.cli."""

import sys

from econ.cli import main

sys.exit(main())
