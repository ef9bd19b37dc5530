"""What a change of openapi/easyink.yaml means for the people who call the SDK.

``scripts/regenerate.sh --report [REF]`` runs :func:`spec_report.cli.main` (``python -m
spec_report`` with ``scripts/`` on the path): operation changes classified breaking or not
(:mod:`spec_report.operations`), Python API breakages found by griffe
(:mod:`spec_report.python_api`), and the release rule that ``--check`` enforces
(:mod:`spec_report.release`).
"""
