"""``python -m aipolicy`` runs the command line."""

import sys

from aipolicy.cli import main

sys.exit(main())
