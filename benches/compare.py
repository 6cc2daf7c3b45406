#!/usr/bin/env python3
"""Compares the crate's regenerate example with the DuckDB implementation.

    python3 benches/compare.py [--activities N] [--runs K] [--skip-duckdb]

Generates a dataset with the generate example, then runs
`examples/regenerate DATASET --output FILE --threads 2` and
`benches/duckdb/counters.py DATASET --output FILE --threads 2` on the same
files, alternating, K times each. Checks that both wrote byte-identical
countervalue.csv files and prints the median wall time and the peak
resident memory of each, and their ratios.

Peak memory is the child's own maximum resident set (wait4's ru_maxrss).
The DuckDB figures include starting the Python interpreter that drives it
and importing duckdb, about 0.2 s and 65 MiB on their own, which matters
only for small datasets.
"""

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COUNTERS_PY = os.path.join(ROOT, "benches", "duckdb", "counters.py")


def cargo(*args):
    subprocess.run(["cargo", *args], cwd=ROOT, check=True)


def target_dir():
    metadata = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(metadata)["target_directory"]


def measure(command):
    """Runs `command`; returns (wall seconds, peak RSS in bytes)."""
    # The regenerate example prints the BatchTaskInfo on stdout and a
    # summary on stderr; both are kept out of the report unless it fails.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                 stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            sys.stderr.write(errors.read().decode("utf-8", "replace"))
            sys.exit(f"compare: {' '.join(command)} exited with "
                     f"{child.returncode}")
    # ru_maxrss is in kilobytes on Linux.
    return wall, usage.ru_maxrss * 1024


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def first_difference(ours, theirs):
    with open(ours, "rb") as a, open(theirs, "rb") as b:
        for number, (x, y) in enumerate(zip(a, b), start=1):
            if x != y:
                return number, x, y
        rest_a, rest_b = a.readline(), b.readline()
        return None, rest_a, rest_b


def megabytes(n):
    return f"{n / 2**20:,.0f} MiB"


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--edge-cases", action="store_true",
                        help="generate the dataset with --edge-cases")
    parser.add_argument("--skip-duckdb", action="store_true",
                        help="run only the crate (DuckDB runs out of "
                             "memory on the largest datasets)")
    parser.add_argument("--work-dir",
                        help="where the dataset and outputs go (default: "
                             "a temporary directory, removed afterwards)")
    parser.add_argument("--regenerate",
                        help="the regenerate program to run (default: the "
                             "release build of the example)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    work = args.work_dir or tempfile.mkdtemp(prefix="saint-compare-")
    os.makedirs(work, exist_ok=True)
    try:
        run(args, work)
    finally:
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)


def run(args, work):
    dataset = os.path.join(work, "dataset")
    generate = ["run", "--quiet", "--release", "--example", "generate",
                "--", dataset, "--activities", str(args.activities),
                "--seed", str(args.seed)]
    if args.edge_cases:
        generate.append("--edge-cases")
    cargo(*generate)
    regenerate = args.regenerate
    if regenerate is None:
        cargo("build", "--quiet", "--release", "--example", "regenerate")
        regenerate = os.path.join(
            target_dir(), "release", "examples", "regenerate")

    ours_out = os.path.join(work, "ours.csv")
    duck_out = os.path.join(work, "duckdb.csv")
    threads = str(args.threads)
    contenders = [("ours", [regenerate, dataset, "--output", ours_out,
                            "--threads", threads], ours_out)]
    if not args.skip_duckdb:
        contenders.append(
            ("duckdb", [sys.executable, COUNTERS_PY, dataset, "--output",
                        duck_out, "--threads", threads], duck_out))

    results = {name: [] for name, _, _ in contenders}
    digests = {}
    for k in range(args.runs):
        # Alternate which one goes first, so that neither always runs on
        # a warm or a cold page cache.
        order = contenders if k % 2 == 0 else contenders[::-1]
        for name, command, output in order:
            if os.path.exists(output):
                os.remove(output)
            wall, rss = measure(command)
            results[name].append((wall, rss))
            print(f"run {k + 1} {name:6}: {wall:8.2f} s "
                  f"{megabytes(rss):>12}", file=sys.stderr)
            d = digest(output)
            if digests.setdefault(name, d) != d:
                sys.exit(f"compare: {name} wrote different output on run "
                         f"{k + 1}")
        if k == 0 and "duckdb" in digests \
                and digests["ours"] != digests["duckdb"]:
            line, a, b = first_difference(ours_out, duck_out)
            sys.exit(f"compare: outputs differ at line {line}:\n"
                     f"  ours:   {a!r}\n  duckdb: {b!r}")

    with open(ours_out, "rb") as f:
        rows = sum(1 for _ in f) - 1
    print(f"dataset: {args.activities:,} activities, seed {args.seed}"
          f"{', edge cases' if args.edge_cases else ''}; {rows:,} counter "
          f"rows; {args.runs} runs each, {threads} threads")
    if "duckdb" in digests:
        print("outputs: byte-identical")
    medians = {}
    for name, runs in results.items():
        wall = statistics.median(w for w, _ in runs)
        rss = statistics.median(r for _, r in runs)
        peak = max(r for _, r in runs)
        medians[name] = (wall, rss)
        print(f"{name:6}: median {wall:8.2f} s, median peak RSS "
              f"{megabytes(rss):>12} (max {megabytes(peak)})")
    if "duckdb" in medians:
        (ow, orss), (dw, drss) = medians["ours"], medians["duckdb"]
        print(f"ratio : ours/duckdb time {ow / dw:.3f} "
              f"(duckdb/ours {dw / ow:.2f}x), memory {orss / drss:.3f} "
              f"(duckdb/ours {drss / orss:.2f}x)")


if __name__ == "__main__":
    main()
