"""`python -m truce`: the CLI without its console script, as the dashboard launches a background map
(`sys.executable -m truce map ...` runs the same Python and Truce as the dashboard itself)."""

import sys

from truce.cli import main

sys.exit(main())
