#!/usr/bin/env python3
"""Runs `netlab validate FILE` on one tests/data/invalid file and checks that it exits 2,
prints nothing on stdout, and prints exactly FILE's sibling .expected on stderr.

Usage (from the repository root, so that paths in messages read tests/data/invalid/...):
    check_invalid.py NETLAB tests/data/invalid/NAME.yaml
Regenerate an expected file after a deliberate message change with:
    build/netlab/cli/netlab validate tests/data/invalid/NAME.yaml 2> tests/data/invalid/NAME.expected
"""
import difflib
import pathlib
import subprocess
import sys


def main() -> int:
    netlab, yaml_path = sys.argv[1], sys.argv[2]
    expected_path = pathlib.Path(yaml_path).with_suffix(".expected")
    if not expected_path.is_file():
        print(f"missing {expected_path}")
        return 1
    expected = expected_path.read_text()
    if not expected.strip():
        print(f"{expected_path} is empty: an invalid file must have at least one message")
        return 1
    run = subprocess.run([netlab, "validate", yaml_path], capture_output=True, text=True, timeout=30)
    ok = True
    if run.returncode != 2:
        print(f"exit code {run.returncode}, expected 2")
        ok = False
    if run.stdout:
        print(f"unexpected stdout:\n{run.stdout}")
        ok = False
    if run.stderr != expected:
        print(f"stderr differs from {expected_path}:")
        sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), run.stderr.splitlines(True),
                                                   "expected", "actual"))
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
