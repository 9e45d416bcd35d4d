"""`python -m bench`: the command bench/run starts."""

from bench.cli import main

raise SystemExit(main())
