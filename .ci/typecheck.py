"""mypy with a baseline that only shrinks (``make typecheck``; ``make typecheck-baseline``).

mypy runs as configured in pyproject.toml ([tool.mypy]: the Django and DRF
plugins, over config/ and forecasts/). Its errors are counted per file and
compared with the baseline file named in [tool.reckon.typecheck]:

* a file with more errors than the baseline allows fails the check (a file the
  baseline does not list allows none), and so does any error in a file of a
  ``strict`` package beyond what the baseline still lists for it;
* a file with fewer errors than listed also fails, asking for
  ``make typecheck-baseline``, so the baseline always says what is true and a
  fixed error cannot quietly come back.

``--update`` rewrites the baseline from the current counts. It refuses when any
file would be allowed more errors than before; with ``--allow-moves`` (code moved
between files, its errors with it) a file may take more, but the total still may
not grow and no strict package may gain any.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ERROR = re.compile(r"^(?P<path>[^:\s][^:]*\.pyi?):\d+(?::\d+)?: error: ")
HEADER = """\
# mypy errors allowed per file: `make typecheck` fails when a file has more (or
# fewer: then run `make typecheck-baseline`, which lowers these counts and never
# raises the total). Files not listed, and the strict packages of
# [tool.reckon.typecheck] in pyproject.toml, may have no new error at all.
"""


def settings() -> tuple[list[str], Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["reckon"]["typecheck"]
    strict = [package.rstrip("/") + "/" for package in config["strict"]]
    return strict, ROOT / config["baseline"]


def run_mypy() -> tuple[Counter[str], dict[str, list[str]]]:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-pretty", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    counts: Counter[str] = Counter()
    lines: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            path = Path(match["path"]).as_posix()
            counts[path] += 1
            lines.setdefault(path, []).append(line)
    if result.returncode not in (0, 1) or (result.returncode == 1 and not counts):
        sys.exit(
            f"mypy did not run to the end (exit {result.returncode}):\n{result.stdout}"
            f"{result.stderr}"
        )
    return counts, lines


def read_baseline(path: Path) -> Counter[str]:
    baseline: Counter[str] = Counter()
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                count, name = line.split(maxsplit=1)
                baseline[name.strip()] = int(count)
    return baseline


def write_baseline(path: Path, counts: Counter[str]) -> None:
    body = "".join(f"{counts[name]:4d} {name}\n" for name in sorted(counts) if counts[name])
    path.write_text(HEADER + body)


def in_packages(counts: Counter[str], packages: list[str]) -> dict[str, int]:
    return {p: sum(n for f, n in counts.items() if f.startswith(p)) for p in packages}


def check(strict: list[str], baseline_path: Path) -> int:
    counts, lines = run_mypy()
    baseline = read_baseline(baseline_path)
    grown = sorted(f for f in counts if counts[f] > baseline[f])
    shrunk = sorted(f for f in baseline if counts[f] < baseline[f])
    for name in grown:
        print(f"{name}: {counts[name]} error(s), the baseline allows {baseline[name]}:")
        print("\n".join(f"  {line}" for line in lines[name]))
    if shrunk:
        print(
            "Fewer errors than the baseline lists (well done): run `make typecheck-baseline` "
            f"and commit {baseline_path.relative_to(ROOT)}:\n"
            + "\n".join(f"  {f}: {counts[f]} (baseline {baseline[f]})" for f in shrunk)
        )
    still_baselined = Counter({f: min(counts[f], baseline[f]) for f in baseline})
    pending = {p: n for p, n in in_packages(still_baselined, strict).items() if n}
    total = sum(counts.values())
    print(
        f"mypy: {total} error(s) in {len(counts)} file(s), all within the baseline"
        if not grown
        else f"mypy: {sum(counts[f] - baseline[f] for f in grown)} error(s) beyond the baseline"
    )
    for package, n in pending.items():
        print(f"  strict package {package} still has {n} baselined error(s) to fix")
    return 1 if grown or shrunk else 0


def update(strict: list[str], baseline_path: Path, allow_moves: bool) -> int:
    counts, _ = run_mypy()
    if not baseline_path.exists():  # the first baseline: whatever is there today
        write_baseline(baseline_path, counts)
        print(f"{baseline_path.relative_to(ROOT)}: {sum(counts.values())} error(s) recorded.")
        return 0
    baseline = read_baseline(baseline_path)
    refused = []
    grown = sorted(f for f in counts if counts[f] > baseline[f])
    if grown and not allow_moves:
        refused.append(
            "these files would be allowed more errors: "
            + ", ".join(f"{f} ({baseline[f]} -> {counts[f]})" for f in grown)
            + " (if code moved between files, pass --allow-moves: the total still may not grow)"
        )
    if sum(counts.values()) > sum(baseline.values()):
        refused.append(
            f"the total would grow from {sum(baseline.values())} to {sum(counts.values())}"
        )
    before, after = in_packages(baseline, strict), in_packages(counts, strict)
    refused += [
        f"strict package {p} would go from {before[p]} to {after[p]} error(s)"
        for p in strict
        if after[p] > before[p]
    ]
    if refused:
        print("Not updating the baseline: " + "; ".join(refused) + ". Fix the new errors.")
        return 1
    write_baseline(baseline_path, counts)
    print(
        f"{baseline_path.relative_to(ROOT)}: {sum(counts.values())} error(s) in {len(counts)} "
        f"file(s) (was {sum(baseline.values())} in {len(+baseline)})."
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite the baseline (shrink only)")
    parser.add_argument(
        "--allow-moves",
        action="store_true",
        help="with --update: let a file's count grow when code moved there (the total may not)",
    )
    args = parser.parse_args()
    strict, baseline_path = settings()
    if args.update:
        return update(strict, baseline_path, args.allow_moves)
    return check(strict, baseline_path)


if __name__ == "__main__":
    sys.exit(main())
