#!/usr/bin/env python3
# test-potfiles.py
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every source file with translatable strings is listed in po/POTFILES.in, every listed file
exists, and every error message a person can read is marked for translation: a string missing
from either would never reach translators."""

import os
import re
import sys

root = sys.argv[1]
with open(os.path.join(root, 'po', 'POTFILES.in')) as f:
    listed = {line.strip() for line in f if line.strip() and not line.startswith('#')}

marks = re.compile(r'\b(_|N_|g_dngettext|C_)\s*\(|translatable="yes"')

# Calls whose message ends up in a GError that the window shows in a toast or a dialog, or that
# the command line prints. An argument that opens with a bare string literal is such a message
# and must be _("...") instead; a format with no words in it ("%s", "%s: %s") has nothing to
# translate and is let through.
error_calls = re.compile(r'\b(g_set_error|g_set_error_literal|g_prefix_error|g_prefix_error_literal'
                         r'|g_propagate_prefixed_error|g_error_new|g_error_new_literal'
                         r'|g_task_return_new_error)\s*\(')
specifiers = re.compile(r'%[-+ #0-9.*]*[a-zA-Z]+')

# Developer-only messages that never reach a person, as (path, the literal's first words). Each
# needs a comment saying why it is not for translators. Empty today: keep it so.
untranslated_allowed = {
}


def strip_comments(text):
    """Blank out comments (keeping lines and string literals) so that a commented-out call or a
    quote inside a comment does not count."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def call_arguments(text, start):
    """The top-level arguments of the call whose '(' is at start, each as its stripped text."""
    args, depth, i, begin = [], 0, start, start + 1
    while i < len(text):
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            i = j
        elif c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0:
                args.append(text[begin:i].strip())
                return args
        elif c == ',' and depth == 1:
            args.append(text[begin:i].strip())
            begin = i + 1
        i += 1
    return args


def unmarked_messages(path):
    """(line, first words) of each error message in path that opens with a bare literal."""
    with open(path, encoding='utf-8') as f:
        text = strip_comments(f.read())
    found = []
    for m in error_calls.finditer(text):
        for arg in call_arguments(text, m.end() - 1):
            if not arg.startswith('"'):
                continue
            words = specifiers.sub('', ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', arg)))
            if not re.search(r'[A-Za-z]', words):
                continue
            first = re.match(r'"((?:[^"\\]|\\.)*)"', arg).group(1)
            found.append((text.count('\n', 0, m.start()) + 1, first))
    return found


needed = set()
unmarked = []
for room in ('src', 'data'):
    for dirpath, _, files in os.walk(os.path.join(root, room)):
        for name in files:
            if not name.endswith(('.c', '.ui')):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            with open(path, encoding='utf-8') as f:
                if marks.search(f.read()):
                    needed.add(rel)
            if name.endswith('.c'):
                for line, first in unmarked_messages(path):
                    if not any(rel == p and first.startswith(w) for p, w in untranslated_allowed):
                        unmarked.append('%s:%d "%s"' % (rel, line, first))

print('1..3')
missing = sorted(needed - listed)
print(('ok' if not missing else 'not ok') + ' 1 every file with translatable strings is listed'
      + ('' if not missing else ' # missing: ' + ', '.join(missing)))
gone = sorted(p for p in listed if not os.path.exists(os.path.join(root, p)))
print(('ok' if not gone else 'not ok') + ' 2 every listed file exists'
      + ('' if not gone else ' # not found: ' + ', '.join(gone)))
print(('ok' if not unmarked else 'not ok') + ' 3 every error message is marked with _()')
for where in sorted(unmarked):
    print('# not marked: ' + where)
sys.exit(1 if missing or gone or unmarked else 0)
