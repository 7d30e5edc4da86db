"""`python -m econ ...`: see econ.cli.main. Ctrl-C ends quietly with exit code 130 (see econ._startup for the
libraries' loading time)."""

import sys

from econ._startup import EXIT_INTERRUPTED

try:
    from econ.cli.main import main

    sys.exit(main())
except KeyboardInterrupt:
    sys.exit(EXIT_INTERRUPTED)
