#!/usr/bin/env python3
# test-potfiles.py
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every source file with translatable strings is listed in po/POTFILES.in, and every listed
file exists: a string missing from it would never reach translators."""

import os
import re
import sys

root = sys.argv[1]
with open(os.path.join(root, 'po', 'POTFILES.in')) as f:
    listed = {line.strip() for line in f if line.strip() and not line.startswith('#')}

marks = re.compile(r'\b(_|N_|g_dngettext|C_)\s*\(|translatable="yes"')
needed = set()
for room in ('src', 'data'):
    for dirpath, _, files in os.walk(os.path.join(root, room)):
        for name in files:
            if not name.endswith(('.c', '.ui')):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding='utf-8') as f:
                if marks.search(f.read()):
                    needed.add(os.path.relpath(path, root))

print('1..2')
missing = sorted(needed - listed)
print(('ok' if not missing else 'not ok') + ' 1 every file with translatable strings is listed'
      + ('' if not missing else ' # missing: ' + ', '.join(missing)))
gone = sorted(p for p in listed if not os.path.exists(os.path.join(root, p)))
print(('ok' if not gone else 'not ok') + ' 2 every listed file exists'
      + ('' if not gone else ' # not found: ' + ', '.join(gone)))
sys.exit(1 if missing or gone else 0)
