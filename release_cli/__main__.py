"""``python -m release_cli <command> ...``"""

import sys

from release_cli.cli import main

sys.exit(main())
