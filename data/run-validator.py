#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs a validator and fails when it exits non-zero or reports any error or warning.

desktop-file-validate exits 0 on problems it calls "error: (will be fatal in the future)";
they are errors to us now. Hints are shown but allowed.

Usage: run-validator.py VALIDATOR [ARGS...]
"""

import re
import subprocess
import sys

DIAGNOSTIC = re.compile(r"\b(error|warning)\b", re.IGNORECASE)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    proc = subprocess.run(argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(proc.stdout)
    flagged = [line for line in proc.stdout.splitlines() if DIAGNOSTIC.search(line)]
    if proc.returncode != 0:
        print(f"{argv[1]} exited with status {proc.returncode}")
        return 1
    if flagged:
        print(f"{argv[1]} reported {len(flagged)} error(s) or warning(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
