"""``python -m spec_report`` (with ``scripts/`` on ``sys.path``)."""

import sys

try:
    from spec_report.cli import main
except ImportError as exc:  # griffe or PyYAML missing: a usage error, not a breaking change
    print(f"spec_report: {exc}; install the dev extra: pip install -e '.[dev]'", file=sys.stderr)
    raise SystemExit(2) from None

raise SystemExit(main())
