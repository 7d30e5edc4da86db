"""`python -m profiles ...`: see profiles.cli. Ctrl-C while the CLI is still importing ends quietly too."""

import sys

EXIT_INTERRUPTED = 130

try:
    from profiles.cli import main
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
    sys.exit(EXIT_INTERRUPTED)

sys.exit(main())
