"""Entry point: /usr/bin/python3 -m reports ... (see cli.py)."""

import sys

from .cli import main

sys.exit(main())
