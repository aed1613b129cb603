"""``python -m ytw``: the same as the ``ytw`` command."""

import sys

from ytw.cli import main

if __name__ == "__main__":
    sys.exit(main())
