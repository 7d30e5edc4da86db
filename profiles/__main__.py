"""`python -m profiles ...`: see profiles.cli. Ctrl-C while the CLI is still importing ends quietly too."""

import sys

from profiles.interrupts import ctrl_c_deferred

EXIT_INTERRUPTED = 130

try:
    with ctrl_c_deferred():  # pydantic-core, numpy, pandas: native modules that a Ctrl-C must not hit
        from profiles.cli import main
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
    sys.exit(EXIT_INTERRUPTED)

sys.exit(main())
