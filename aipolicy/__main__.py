"""``python -m aipolicy`` runs the command line."""

import sys

from aipolicy.commands import main

sys.exit(main())
