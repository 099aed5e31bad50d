"""`python -m dtscore`: the same command line as `dtscore`."""

import sys

from .cli import main

sys.exit(main())
