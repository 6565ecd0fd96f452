"""`python -m sextortion_flags ...` is the `sextortion-flags` command."""

from sextortion_flags.cli import main

raise SystemExit(main())
