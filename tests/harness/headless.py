#!/usr/bin/env python3
# headless.py
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real X display for GUI tests, with no screen: Xvfb plus a private session bus.

    tests/harness/headless.py [--size WxH] [--schemas DIR] -- COMMAND...

runs COMMAND (exit code passed through; 77 = skip when Xvfb or dbus-daemon is missing) with
DISPLAY on a fresh Xvfb (``-displayfd`` picks a free display), its own ``dbus-daemon`` with no
service directories (so no portal or accessibility bus gets activated), a temporary
XDG_RUNTIME_DIR (700), XDG_CONFIG_HOME, XDG_DATA_HOME and HOME, and the environment
``GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1
GSETTINGS_BACKEND=memory STRATA_AUDIO_BACKEND=dummy`` (a test may override the last).

From Python: ``with Headless() as h: subprocess.run(cmd, env=h.env)``.
Everything started is stopped by PID (bounded wait) and the temporary tree removed.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

from pwserver import DBUS_CONF  # the same private session bus as the PipeWire harness


def available():
    for tool in ('Xvfb', 'dbus-daemon'):
        if shutil.which(tool) is None:
            return False, f'{tool} is not installed'
    return True, ''


def _stop(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


class Headless:
    def __init__(self, size='1280x800', schemas=None):
        self.size = size
        self.schemas = schemas
        self.xvfb = self.dbus = None
        self.tmp = None
        self.env = None
        self.display = None

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self):
        self.tmp = tempfile.mkdtemp(prefix='strata-headless-')
        runtime = os.path.join(self.tmp, 'run')
        os.mkdir(runtime, 0o700)
        for d in ('config', 'data', 'home', 'cache'):
            os.mkdir(os.path.join(self.tmp, d))

        rfd, wfd = os.pipe()
        self.xvfb = subprocess.Popen(
            ['Xvfb', '-displayfd', str(wfd), '-screen', '0', f'{self.size}x24', '-nolisten',
             'tcp', '-noreset'], pass_fds=(wfd,), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(wfd)
        number = b''
        deadline = time.monotonic() + 20
        while not number.endswith(b'\n'):
            if time.monotonic() > deadline or self.xvfb.poll() is not None:
                raise RuntimeError('Xvfb did not start')
            chunk = os.read(rfd, 64)
            if not chunk:
                break
            number += chunk
        os.close(rfd)
        self.display = ':' + number.decode().strip()

        conf = os.path.join(self.tmp, 'bus.conf')
        with open(conf, 'w') as f:
            f.write(DBUS_CONF.format(dir=self.tmp))
        self.dbus = subprocess.Popen(['dbus-daemon', '--nofork', '--config-file=' + conf,
                                      '--print-address=1'], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        address = self.dbus.stdout.readline().decode().strip()
        if not address:
            raise RuntimeError('dbus-daemon did not start')

        env = dict(os.environ)
        for var in ('WAYLAND_DISPLAY', 'DBUS_SYSTEM_BUS_ADDRESS', 'GTK_THEME', 'GTK_DEBUG'):
            env.pop(var, None)
        env.update({
            'DISPLAY': self.display,
            'DBUS_SESSION_BUS_ADDRESS': address,
            'XDG_RUNTIME_DIR': runtime,
            'XDG_CONFIG_HOME': os.path.join(self.tmp, 'config'),
            'XDG_DATA_HOME': os.path.join(self.tmp, 'data'),
            'XDG_CACHE_HOME': os.path.join(self.tmp, 'cache'),
            'HOME': os.path.join(self.tmp, 'home'),
            'GDK_BACKEND': 'x11',
            'GSK_RENDERER': 'cairo',
            'GTK_A11Y': 'none',
            'NO_AT_BRIDGE': '1',
            'GSETTINGS_BACKEND': 'memory',
        })
        env.setdefault('STRATA_AUDIO_BACKEND', 'dummy')
        if self.schemas:
            env['GSETTINGS_SCHEMA_DIR'] = self.schemas
        self.env = env

    def __exit__(self, *exc):
        _stop(self.dbus)
        _stop(self.xvfb)
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--size', default='1280x800')
    ap.add_argument('--schemas')
    ap.add_argument('command', nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ['--'] else args.command
    ok, why = available()
    if not ok:
        print(f'1..0 # SKIP {why}')
        return 77
    with Headless(args.size, args.schemas) as h:
        return subprocess.run(cmd, env=h.env).returncode


if __name__ == '__main__':
    sys.exit(main())
