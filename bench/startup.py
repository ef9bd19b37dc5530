"""Start-up cost: the ``easyink`` command, ``import easyink_ext`` and the sandbox's spec load.

Each measurement is compared with a reference measured in the same run, in the same way:

- ``easyink --help`` against ``python -c "import click, rich.console"`` (what any click + rich
  command line imports);
- ``import easyink_ext`` and ``from easyink_ext import EasyInk`` (what a first request needs)
  against ``import httpx`` (and against httpx without its own command line, which easyink_ext
  does not load);
- the sandbox reading its OpenAPI document against PyYAML's C loader (``CSafeLoader``) on the
  same YAML (and the pure-Python ``safe_load`` it replaced).

Commands run in fresh interpreters, interleaved, after the packages of this tree were byte-code
compiled (as ``pip install`` does; ``PYTHONDONTWRITEBYTECODE`` would leave them uncompiled)
and one untimed run of each: the median wall time of ``--rounds`` runs, and the total of
``python -X importtime`` (the top-level imports' cumulative times, one run). The spec loads
run in this process: the median of ``--rounds`` x 5 loads. Ratios are only meaningful within
one run: the machine's load changes between runs.

    python bench/startup.py [--rounds 11] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HELP = "from easyink_ext.cli import main; main(['--help'])"  # what the console script runs
COMMANDS = {
    "easyink --help": HELP,
    "easyink send --help": "from easyink_ext.cli import main; main(['send', '--help'])",
    "import click, rich.console": "import click, rich.console",
    "import easyink_ext": "import easyink_ext",
    "from easyink_ext import EasyInk": "from easyink_ext import EasyInk",
    "import httpx": "import httpx",
    # httpx imports its own command line (click, rich) when they are installed, as here with
    # the cli extra; easyink_ext defers it. This reference is httpx without it.
    "import httpx (without httpx._main)": "import sys; sys.modules['httpx._main'] = None; "
    "import httpx",
    "python (nothing imported)": "pass",
}
# (measured, reference, target ratio or None)
COMPARISONS = [
    ("easyink --help", "import click, rich.console", 2.0),
    ("easyink send --help", "import click, rich.console", 2.0),
    ("import easyink_ext", "import httpx", 1.5),
    ("from easyink_ext import EasyInk", "import httpx", 1.5),
    ("from easyink_ext import EasyInk", "import httpx (without httpx._main)", None),
]


@dataclass
class Row:
    """One comparison: medians in seconds, ``-X importtime`` totals in seconds, ratios."""

    measured: str
    reference: str
    wall: float
    reference_wall: float
    importtime: float
    reference_importtime: float
    target: float | None

    @property
    def wall_ratio(self) -> float:
        return self.wall / self.reference_wall

    @property
    def importtime_ratio(self) -> float:
        return self.importtime / self.reference_importtime


def _run(code: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *options, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


def _wall(code: str) -> float:
    start = time.perf_counter()
    _run(code)
    return time.perf_counter() - start


def _importtime(code: str) -> float:
    """Seconds: the cumulative times of the top-level imports in ``-X importtime``'s report."""
    total = 0
    for line in _run(code, "-X", "importtime").stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if not name.startswith("  "):  # one space before a top-level import's name
            total += int(cumulative)
    return total / 1e6


def compile_packages(root: Path) -> None:
    """Byte-code compile the first-party packages under ``root``, as an installation would."""
    import compileall

    for package in ("easyink_client", "easyink_ext", "easyink_sandbox"):
        compileall.compile_dir(root / package, quiet=1)


def measure_commands(rounds: int) -> dict[str, tuple[float, float]]:
    """Command -> (median wall seconds, ``-X importtime`` total seconds)."""
    compile_packages(ROOT)
    for code in COMMANDS.values():
        _run(code)  # byte code compiled, files in the page cache
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, code in COMMANDS.items():
            walls[name].append(_wall(code))
    return {
        name: (statistics.median(walls[name]), _importtime(code)) for name, code in COMMANDS.items()
    }


def _median_seconds(load: Callable[[], object], repeat: int) -> float:
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        load()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_spec(rounds: int) -> dict[str, float]:
    """Median seconds to read the sandbox's document: its way, the C loader, pure Python."""
    import yaml

    from easyink_sandbox import _spec

    path = _spec.spec_path()
    text = path.read_text(encoding="utf-8")
    repeat = rounds * 5
    results = {
        "sandbox read_document": _median_seconds(lambda: _spec.read_document(path), repeat),
        "yaml CSafeLoader": _median_seconds(
            lambda: yaml.load(text, Loader=yaml.CSafeLoader), repeat
        ),
    }
    results["yaml safe_load (pure Python)"] = _median_seconds(
        lambda: yaml.safe_load(text), max(3, rounds)
    )
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11, help="runs per command (median)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    commands = measure_commands(args.rounds)
    rows = [
        Row(name, ref, *commands[name][:1], *commands[ref][:1], commands[name][1],
            commands[ref][1], target)
        for name, ref, target in COMPARISONS
    ]  # fmt: skip
    spec = measure_spec(args.rounds)
    if args.json:
        print(json.dumps({"commands": commands, "rows": [asdict(r) for r in rows], "spec": spec}))
        return 0
    print(f"{'command':36} {'median wall':>12} {'importtime':>11}")
    for name, (wall, imports) in commands.items():
        print(f"{name:36} {wall * 1000:9.0f} ms {imports * 1000:8.0f} ms")
    print()
    print(f"{'measured / reference':72} {'wall':>6} {'imports':>8}  target")
    for row in rows:
        target = f"<= {row.target:g}x" if row.target is not None else ""
        verdict = "ok" if row.target is None or row.wall_ratio <= row.target else "MISSED"
        label = f"{row.measured} / {row.reference}"
        print(f"{label:72} {row.wall_ratio:5.2f}x {row.importtime_ratio:7.2f}x  {target} {verdict}")
    print()
    c_loader = spec["yaml CSafeLoader"]
    sandbox = spec["sandbox read_document"]
    for name, seconds in spec.items():
        print(f"{name:36} {seconds * 1000:9.2f} ms  {seconds / c_loader:6.2f}x the C loader")
    verdict = "ok" if sandbox <= 0.05 or sandbox <= 1.5 * c_loader else "MISSED"
    print(f"spec load target: <= 50 ms or <= 1.5x the C loader: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
