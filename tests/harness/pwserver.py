#!/usr/bin/env python3
# pwserver.py
# SPDX-License-Identifier: GPL-3.0-or-later
"""A private, headless PipeWire server for tests (no sound card, no session manager needed).

    from pwserver import PrivatePipeWire, available, SINK_MONITOR_PORTS
    ok, why = available()
    with PrivatePipeWire(quantum=256) as pw:
        pw.run(['pw-cli', 'info', '0'], check=True)
        subprocess.run([...], env=pw.env, timeout=30)

or from a shell / meson: ``tests/harness/pw-env.sh [--quantum N] -- COMMAND...``
(exit code of COMMAND; 77 = skip when PipeWire or dbus-daemon is missing).

What it starts, all under one temporary tree (removed on stop):
  * its own ``dbus-daemon`` (session bus config with no service directories, so nothing gets
    activated), listening on a socket inside the private XDG_RUNTIME_DIR (mode 700);
  * ``pipewire`` with a drop-in ``$XDG_CONFIG_HOME/pipewire/pipewire.conf.d/10-strata-test.conf``
    that fixes the clock (default = min = max quantum = ``quantum``, rate ``rate``, allowed
    rates [rate]) and creates two virtual devices, stereo FL FR at 48000, object.linger, with
    ``adapter.auto-port-config = { mode = dsp monitor = true position = preserve }``:
      - ``strata-test-sink``   (Audio/Sink, "Strata test sink"): a null sink.
          inputs  strata-test-sink:playback_FL / playback_FR  (SINK_PLAYBACK_PORTS)
          outputs strata-test-sink:monitor_FL  / monitor_FR   (SINK_MONITOR_PORTS):
                  what was played, sample for sample.
      - ``strata-test-source`` (Audio/Source/Virtual, "Strata test source"): a virtual mic.
          inputs  strata-test-source:input_FL   / input_FR    (SOURCE_INPUT_PORTS): feed it
          outputs strata-test-source:capture_FL / capture_FR  (SOURCE_CAPTURE_PORTS): record it
  * ``wireplumber`` only when asked (``wireplumber=True``).

Readiness is polled every 10 ms with a bound (10 s): the socket ``pipewire-0`` exists,
``pw-cli ls Node`` lists both nodes, ``pw-link -o``/``-i`` list all eight ports, and with
wireplumber ``pw-metadata -n default`` names the sink as default. Measured on the 2-core
container: ready 40-70 ms after pipewire starts (up to 150 ms with the other core busy);
dbus + pipewire + checks about 50-150 ms; with wireplumber about 100 ms more.

Client environment (``.env``, a complete environment for subprocess; ``.vars`` has just the
additions): XDG_RUNTIME_DIR, PIPEWIRE_RUNTIME_DIR (both the private runtime dir),
XDG_CONFIG_HOME, XDG_STATE_HOME, DBUS_SESSION_BUS_ADDRESS, and for tests STRATA_TEST_SINK,
STRATA_TEST_SOURCE, STRATA_TEST_RATE, STRATA_TEST_QUANTUM, STRATA_TEST_PIPEWIRE_PID (the
server's pid, for device-loss tests). Removed from it: PIPEWIRE_DEBUG, PIPEWIRE_REMOTE,
PIPEWIRE_LATENCY/QUANTUM/RATE/NODE/PROPS and other variables that would redirect or reshape a
client (UNSET_VARS).

Linking, found by measurement (PipeWire 0.3.65, no session manager):
  * Nothing links by itself and ``pw-cat --target NAME`` is ignored. Worse, a client
    ``pw_stream`` gets **no ports at all** until someone sets its PortConfig (the session
    manager's job). Give the stream the property
    ``adapter.auto-port-config = { mode = dsp monitor = false position = preserve }``
    (``stream_props(NAME)`` builds the pw-cat ``-P`` argument; a C client puts it in the
    stream's properties): its ports appear as NAME:input_FL/FR (capture) or
    NAME:output_FL/FR (playback). ``pw_filter`` clients declare their own ports.
  * An unlinked stream is not scheduled, so a player started before its links loses nothing.
  * Link ports of one stream together with ``link_all(pairs)``: one pw-cli sends every
    create-link back to back (object.linger = true), and both channels start in the same
    cycle (0 skew in 40 runs). One ``pw-link`` per port (``link()``) let the first link start
    the stream alone: the other channel lost 1-2 quanta in half the runs (passive links for
    all but the last: 1 quantum in a third). pw-cli must stay connected until the links
    exist: quitting right after the last create-link sometimes lost that link.
  * ``start_recorder()`` / ``stop_recorder()`` / ``play()`` wrap pw-cat with all of this.
    pw-cat drops a file's last partial quantum (48000 frames at quantum 256 play as 47872):
    end test files with at least a quantum of silence. Start them with ~100 ms of silence too.
  * Through the null sink (playback -> monitor) and the virtual source (input -> capture)
    audio arrives bit-exact. But with the other core busy, 1-4 runs in 35 of a 1 s pw-cat
    play/record missed a cycle (a quantum of silence inserted, or a quantum of audio lost),
    whatever pw-cat's priority (nice -15, SCHED_FIFO 40 did not help): tests should allow
    whole-quantum dropouts or measure inside one client of their own.
  * With ``wireplumber=True`` the session manager links streams to the default sink/source
    (``--target`` works); the helpers pass ``--target 0`` so that it leaves theirs alone.

force-quantum, found by measurement: ``pw-metadata -n settings 0 clock.force-quantum N``
takes effect even though min-quantum = max-quantum = ``quantum`` in the config: forcing
overrides the min/max range (it is clamped only by clock.quantum-limit, 8192). 32, 64, 128,
1024 and 8192 were all observed on the running graph; 0 returns to ``quantum``. So the config
stays fixed (which also stops a client's node.latency from moving the quantum: pw-cat asks for
100 ms) and tests force the quantum they want. No node property reports the quantum;
``graph_quantum()`` reads it from ``pw-profiler`` (column 4: the driver's cycle period in us),
which sees cycles only while something is linked and running. ``force_quantum(n)`` checks the
settings metadata reads back N and, with ``wait_graph=True``, that the running graph cycles at
N for 4 cycles in a row (about 0.1 s for 64, 0.6 s for 1024, 2 s for 8192: the profiler
reports in batches).

``kill_server()`` kills the pipewire daemon only (SIGKILL by default), for device-loss tests;
``restart_server()`` brings it back. ``stop()`` / ``__exit__`` ends every process the harness
started, by PID, SIGTERM then SIGKILL, each with a bounded wait, and removes the tree. Every
child also gets PR_SET_PDEATHSIG(SIGKILL), so nothing outlives a harness that is itself killed
(only the temporary tree is then left). Every CLI call has a timeout (``run()``: 5 s, then
SIGKILL and returncode 124, like timeout(1)).
"""

import argparse
import atexit
import ctypes
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SINK = 'strata-test-sink'
SOURCE = 'strata-test-source'
CHANNELS = ('FL', 'FR')
SINK_PLAYBACK_PORTS = tuple(f'{SINK}:playback_{c}' for c in CHANNELS)
SINK_MONITOR_PORTS = tuple(f'{SINK}:monitor_{c}' for c in CHANNELS)
SOURCE_INPUT_PORTS = tuple(f'{SOURCE}:input_{c}' for c in CHANNELS)
SOURCE_CAPTURE_PORTS = tuple(f'{SOURCE}:capture_{c}' for c in CHANNELS)
OUTPUT_PORTS = SINK_MONITOR_PORTS + SOURCE_CAPTURE_PORTS
INPUT_PORTS = SINK_PLAYBACK_PORTS + SOURCE_INPUT_PORTS

# The PortConfig a stream needs to get ports without a session manager.
STREAM_PORT_CONFIG = '{ mode = dsp monitor = false position = preserve }'

POLL_S = 0.01
READY_TIMEOUT_S = 10.0
CLI_TIMEOUT_S = 5.0
STOP_WAIT_S = 2.0

UNSET_VARS = ('PIPEWIRE_DEBUG', 'PIPEWIRE_LOG', 'PIPEWIRE_REMOTE', 'PIPEWIRE_CORE',
              'PIPEWIRE_LATENCY', 'PIPEWIRE_QUANTUM', 'PIPEWIRE_RATE', 'PIPEWIRE_NODE',
              'PIPEWIRE_PROPS', 'PIPEWIRE_CONFIG_DIR', 'PIPEWIRE_CONFIG_NAME',
              'PIPEWIRE_CONFIG_PREFIX', 'PIPEWIRE_PROFILE_MODULES', 'PIPEWIRE_LINK_PASSIVE',
              'PIPEWIRE_AUTOCONNECT', 'PIPEWIRE_ALSA', 'PULSE_SERVER', 'PULSE_RUNTIME_PATH',
              'JACK_DEFAULT_SERVER', 'WIREPLUMBER_DEBUG', 'DBUS_SESSION_BUS_PID')

# A session bus of our own with no service directories: nothing gets activated on it. Also
# used by headless.py.
DBUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class HarnessError(RuntimeError):
    pass


def available(wireplumber=False):
    """(True, '') when the binaries the harness needs are installed, else (False, reason)."""
    need = ['pipewire', 'dbus-daemon', 'pw-cli', 'pw-link', 'pw-metadata', 'pw-cat']
    if wireplumber:
        need.append('wireplumber')
    missing = [b for b in need if shutil.which(b) is None]
    if missing:
        return False, 'not installed: ' + ', '.join(missing)
    return True, ''


def stream_props(node_name, extra=None):
    """Properties (an SPA-JSON object, for pw-cat -P) that name a stream node and give it DSP
    ports (NAME:input_FL/FR or NAME:output_FL/FR) without a session manager; extra: a dict of
    more properties."""
    items = [f'node.name = "{node_name}"', f'adapter.auto-port-config = {STREAM_PORT_CONFIG}']
    items += [f'{k} = "{v}"' for k, v in (extra or {}).items()]
    return '{ ' + ' '.join(items) + ' }'


def _device(name, description, media_class, rate):
    return f"""    {{ factory = adapter
      args = {{
        factory.name = support.null-audio-sink
        node.name = "{name}"
        node.description = "{description}"
        media.class = "{media_class}"
        audio.position = [ FL FR ]
        audio.rate = {rate}
        object.linger = true
        adapter.auto-port-config = {{ mode = dsp monitor = true position = preserve }}
      }}
    }}
"""


try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):
    _prctl = None


def _die_with_parent():
    # Runs in the child between fork and exec: if the harness dies, so does the child.
    if _prctl is not None:
        _prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


class PrivatePipeWire:
    def __init__(self, quantum=256, rate=48000, wireplumber=False,
                 ready_timeout=READY_TIMEOUT_S):
        self.quantum = int(quantum)
        self.rate = int(rate)
        self.wireplumber = bool(wireplumber)
        self.ready_timeout = float(ready_timeout)
        self.root = None
        self.runtime_dir = self.config_dir = self.state_dir = None
        self.bus_address = None
        self.env = None       # complete environment for client processes
        self.vars = {}        # what .env adds to os.environ
        self.startup_s = None  # seconds from starting pipewire to ready
        self._procs = {}      # name -> Popen (dbus, pipewire, wireplumber)
        self._extra = []      # helper processes (recorders, players)
        self._logs = {}

    # ---- lifecycle ---------------------------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        ok, why = available(self.wireplumber)
        if not ok:
            raise HarnessError(why)
        atexit.register(self.stop)
        try:
            self._make_tree()
            self._start_dbus()
            self._start_pipewire()
            if self.wireplumber:
                self._start_wireplumber()
        except BaseException:
            self.stop()
            raise

    def stop(self):
        """End every process started here (helpers first, then wireplumber, pipewire, dbus),
        each by PID with a bounded wait, and remove the temporary tree. Idempotent."""
        for p in reversed(self._extra):
            self._end(p)
        self._extra = []
        for name in ('wireplumber', 'pipewire', 'dbus'):
            p = self._procs.pop(name, None)
            if p is not None:
                self._end(p)
        for f in self._logs.values():
            try:
                f.close()
            except OSError:
                pass
        self._logs = {}
        if self.root and os.path.isdir(self.root):
            shutil.rmtree(self.root, ignore_errors=True)
        self.root = None
        atexit.unregister(self.stop)

    @staticmethod
    def _end(p, sig=signal.SIGTERM):
        if p.poll() is None:
            try:
                p.send_signal(sig)
                p.wait(STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                p.kill()
                try:
                    p.wait(STOP_WAIT_S)
                except subprocess.TimeoutExpired:
                    pass
            except ProcessLookupError:
                pass
        for s in (p.stdin, p.stdout, p.stderr):
            if s:
                try:
                    s.close()
                except OSError:
                    pass

    def pids(self):
        """PIDs of the processes the harness started and still holds ({'pipewire': pid, ...})."""
        return {n: p.pid for n, p in self._procs.items() if p.poll() is None}

    # ---- setup -------------------------------------------------------------------------------

    def _make_tree(self):
        self.root = tempfile.mkdtemp(prefix='strata-pw-')
        self.runtime_dir = os.path.join(self.root, 'runtime')
        self.config_dir = os.path.join(self.root, 'config')
        self.state_dir = os.path.join(self.root, 'state')
        os.mkdir(self.runtime_dir, 0o700)
        os.chmod(self.runtime_dir, 0o700)
        dropin = os.path.join(self.config_dir, 'pipewire', 'pipewire.conf.d')
        os.makedirs(dropin)
        os.makedirs(self.state_dir)
        q = self.quantum
        with open(os.path.join(dropin, '10-strata-test.conf'), 'w') as f:
            f.write('# Written by tests/harness/pwserver.py\n'
                    'context.properties = {\n'
                    f'    default.clock.rate = {self.rate}\n'
                    f'    default.clock.allowed-rates = [ {self.rate} ]\n'
                    f'    default.clock.quantum = {q}\n'
                    f'    default.clock.min-quantum = {q}\n'
                    f'    default.clock.max-quantum = {q}\n'
                    '}\n'
                    'context.objects = [\n'
                    + _device(SINK, 'Strata test sink', 'Audio/Sink', self.rate)
                    + _device(SOURCE, 'Strata test source', 'Audio/Source/Virtual', self.rate)
                    + ']\n')
        with open(os.path.join(self.root, 'session-bus.conf'), 'w') as f:
            f.write(DBUS_CONF.format(dir=self.runtime_dir))
        env = {k: v for k, v in os.environ.items() if k not in UNSET_VARS}
        self.vars = {
            'XDG_RUNTIME_DIR': self.runtime_dir,
            'PIPEWIRE_RUNTIME_DIR': self.runtime_dir,
            'XDG_CONFIG_HOME': self.config_dir,
            'XDG_STATE_HOME': self.state_dir,
            'STRATA_TEST_SINK': SINK,
            'STRATA_TEST_SOURCE': SOURCE,
            'STRATA_TEST_RATE': str(self.rate),
            'STRATA_TEST_QUANTUM': str(self.quantum),
        }
        env.update(self.vars)
        self.env = env

    def _log(self, name):
        old = self._logs.pop(name, None)
        if old is not None:
            old.close()
        f = open(os.path.join(self.root, name + '.log'), 'ab')
        self._logs[name] = f
        return f

    def log_tail(self, name, n=20):
        try:
            with open(os.path.join(self.root, name + '.log'), 'rb') as f:
                return b''.join(f.readlines()[-n:]).decode(errors='replace')
        except (OSError, TypeError):
            return ''

    def _spawn(self, name, args, **kw):
        kw.setdefault('stdin', subprocess.DEVNULL)
        if 'stdout' not in kw:
            kw['stdout'] = self._log(name)
        kw.setdefault('stderr', subprocess.STDOUT)
        p = subprocess.Popen(args, env=self.env, preexec_fn=_die_with_parent, **kw)
        self._procs[name] = p
        return p

    def _start_dbus(self):
        p = self._spawn('dbus', ['dbus-daemon', '--nofork', '--print-address=1',
                                 '--config-file=' + os.path.join(self.root, 'session-bus.conf')],
                        stdout=subprocess.PIPE, stderr=self._log('dbus'))
        deadline = time.monotonic() + self.ready_timeout
        line = b''
        while not line.endswith(b'\n'):
            left = deadline - time.monotonic()
            if left <= 0 or p.poll() is not None:
                raise HarnessError('dbus-daemon did not print its address: '
                                   + self.log_tail('dbus'))
            r, _, _ = select.select([p.stdout], [], [], min(left, POLL_S * 10))
            if r:
                chunk = os.read(p.stdout.fileno(), 4096)
                if not chunk:
                    continue
                line += chunk
        self.bus_address = line.decode().strip()
        p.stdout.close()
        self.vars['DBUS_SESSION_BUS_ADDRESS'] = self.bus_address
        self.env['DBUS_SESSION_BUS_ADDRESS'] = self.bus_address

    def _start_pipewire(self):
        t0 = time.monotonic()
        p = self._spawn('pipewire', ['pipewire'])
        self.vars['STRATA_TEST_PIPEWIRE_PID'] = str(p.pid)
        self.env['STRATA_TEST_PIPEWIRE_PID'] = str(p.pid)
        sock = os.path.join(self.runtime_dir, 'pipewire-0')

        def proc_alive():
            if p.poll() is not None:
                raise HarnessError(f'pipewire exited with {p.returncode}: '
                                   + self.log_tail('pipewire'))
            return True

        self.wait_until(lambda: proc_alive() and os.path.exists(sock), 'socket pipewire-0')
        self.wait_until(lambda: proc_alive() and {SINK, SOURCE} <= set(self.nodes()),
                        f'nodes {SINK} and {SOURCE}')
        self.wait_until(lambda: proc_alive() and set(OUTPUT_PORTS) <= set(self.output_ports())
                        and set(INPUT_PORTS) <= set(self.input_ports()),
                        'ports ' + ' '.join(OUTPUT_PORTS + INPUT_PORTS))
        self.startup_s = time.monotonic() - t0

    def _start_wireplumber(self):
        p = self._spawn('wireplumber', ['wireplumber'])

        def default_sink():
            if p.poll() is not None:
                raise HarnessError(f'wireplumber exited with {p.returncode}: '
                                   + self.log_tail('wireplumber'))
            return SINK in self.run(['pw-metadata', '-n', 'default', '0',
                                     'default.audio.sink']).stdout

        self.wait_until(default_sink, 'wireplumber to choose the default sink')

    def restart_server(self):
        """Start pipewire again after kill_server() (and wireplumber if it was asked for and
        has gone); waits until ready like start()."""
        for name in ('wireplumber', 'pipewire'):
            p = self._procs.get(name)
            if p is not None and (name == 'pipewire' or p.poll() is not None):
                self._end(p)
                del self._procs[name]
        self._start_pipewire()
        if self.wireplumber and 'wireplumber' not in self._procs:
            self._start_wireplumber()

    def kill_server(self, sig=signal.SIGKILL):
        """Kill the pipewire daemon only (as if the device or server vanished) and reap it."""
        p = self._procs.get('pipewire')
        if p is None or p.poll() is not None:
            return
        p.send_signal(sig)
        try:
            p.wait(STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(STOP_WAIT_S)

    def server_alive(self):
        p = self._procs.get('pipewire')
        return p is not None and p.poll() is None

    # ---- running things ----------------------------------------------------------------------

    def wait_until(self, predicate, what, timeout=None):
        """Poll predicate every 10 ms until true; HarnessError after timeout (default 10 s)."""
        deadline = time.monotonic() + (self.ready_timeout if timeout is None else timeout)
        while True:
            if predicate():
                return
            if time.monotonic() >= deadline:
                raise HarnessError(f'timed out waiting for {what}')
            time.sleep(POLL_S)

    def run(self, args, timeout=CLI_TIMEOUT_S, check=False, **kw):
        """Run a command with the client environment and a timeout (text output captured
        unless stdout/stderr are given). Returns CompletedProcess; a timeout gives returncode
        124 like timeout(1) instead of raising."""
        kw.setdefault('env', self.env)
        if 'stdout' not in kw and 'stderr' not in kw and 'capture_output' not in kw:
            kw['capture_output'] = True
        kw.setdefault('text', True)
        if 'input' not in kw:
            kw.setdefault('stdin', subprocess.DEVNULL)
        try:
            cp = subprocess.run(args, timeout=timeout, preexec_fn=_die_with_parent, **kw)
        except subprocess.TimeoutExpired as e:
            cp = subprocess.CompletedProcess(args, 124, e.stdout, e.stderr)
        if check and cp.returncode != 0:
            raise HarnessError(f'{" ".join(map(str, args))} exited with {cp.returncode}: '
                               f'{cp.stderr or ""}')
        return cp

    def popen(self, args, **kw):
        """Start a helper process with the client environment; stop() ends it."""
        kw.setdefault('env', self.env)
        kw.setdefault('stdin', subprocess.DEVNULL)
        p = subprocess.Popen(args, preexec_fn=_die_with_parent, **kw)
        self._extra.append(p)
        return p

    # ---- graph queries -----------------------------------------------------------------------

    def nodes(self):
        """node.name of every node (pw-cli ls Node)."""
        out = self.run(['pw-cli', 'ls', 'Node']).stdout
        names = []
        for line in out.splitlines():
            line = line.strip()
            if line.startswith('node.name = '):
                names.append(line.split('=', 1)[1].strip().strip('"'))
        return names

    def node_props(self, name):
        """info.props of the node called NAME (from pw-dump), or None."""
        for o in json.loads(self.run(['pw-dump'], check=True).stdout or '[]'):
            props = (o.get('info') or {}).get('props', {})
            if o.get('type', '').endswith(':Node') and props.get('node.name') == name:
                return props
        return None

    def output_ports(self):
        return self.run(['pw-link', '-o']).stdout.split()

    def input_ports(self):
        return self.run(['pw-link', '-i']).stdout.split()

    def wait_ports(self, ports, timeout=None):
        ports = set(ports)
        self.wait_until(lambda: ports <= set(self.output_ports()) | set(self.input_ports()),
                        'ports ' + ' '.join(sorted(ports)), timeout)

    def link(self, out_port, in_port, passive=False):
        """Connect an output port to an input port ("node:port" names) with pw-link. A passive
        link carries data but does not by itself wake its nodes. To link several ports of one
        stream so that they start in the same cycle, use link_all()."""
        self.run(['pw-link'] + (['--passive'] if passive else []) + [out_port, in_port],
                 check=True)

    def port_ids(self):
        """{"node:port": (node id, port id)} for every port (one pw-dump)."""
        objs = json.loads(self.run(['pw-dump'], check=True).stdout or '[]')
        node_names = {o['id']: (o.get('info') or {}).get('props', {}).get('node.name')
                      for o in objs if o.get('type', '').endswith(':Node')}
        ids = {}
        for o in objs:
            if o.get('type', '').endswith(':Port'):
                props = (o.get('info') or {}).get('props', {})
                node = props.get('node.id')
                if node in node_names and props.get('port.name'):
                    ids[f'{node_names[node]}:{props["port.name"]}'] = (node, o['id'])
        return ids

    def link_all(self, pairs):
        """Link several (out_port, in_port) pairs at once: one pw-cli process sends every
        create-link back to back (object.linger = true, so the links outlive it), then waits
        until pw-link lists them all. Measured: a stereo player linked this way starts both
        channels in the same cycle (0 skew in 40 runs), whereas one pw-link per port let the
        first link start the player alone, and the other channel lost 1-2 quanta (half the
        runs); passive links for all but the last still lost one quantum in a third of runs."""
        pairs = list(pairs)
        ids = self.port_ids()
        missing = [p for pair in pairs for p in pair if p not in ids]
        if missing:
            raise HarnessError('no such port: ' + ' '.join(missing))
        cmds = ''.join(f'create-link {ids[o][0]} {ids[o][1]} {ids[i][0]} {ids[i][1]} '
                       '{ object.linger = true }\n' for o, i in pairs)
        # pw-cli must stay connected until the server has made every link: quitting right
        # after the last create-link sometimes lost that link.
        cli = self.popen(['pw-cli'], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        want = set(pairs)
        try:
            cli.stdin.write(cmds.encode())
            cli.stdin.flush()
            self.wait_until(lambda: want <= self.links(), 'links', timeout=CLI_TIMEOUT_S)
            cli.stdin.write(b'quit\n')
            cli.stdin.close()
            cli.wait(STOP_WAIT_S)
        except (HarnessError, OSError, subprocess.TimeoutExpired) as e:
            raise HarnessError('pw-cli did not create the links '
                               + ', '.join(f'{o} -> {i}' for o, i in pairs)
                               + f' ({e}); links now: {sorted(self.links())}') from None
        finally:
            self._end(cli)
            self._extra.remove(cli)

    def unlink(self, out_port, in_port):
        self.run(['pw-link', '-d', out_port, in_port], check=True)

    def links(self):
        """Set of (output port, input port) pairs."""
        pairs = set()
        out = None
        for line in self.run(['pw-link', '-l']).stdout.splitlines():
            if not line.startswith(' '):
                out = line.strip()
            elif '|->' in line and out:
                pairs.add((out, line.split('|->', 1)[1].strip()))
        return pairs

    def metadata(self, name='settings'):
        """{key: value} for subject 0 of metadata NAME (values as strings)."""
        out = self.run(['pw-metadata', '-n', name]).stdout
        vals = {}
        for line in out.splitlines():
            if "key:'" in line and "value:'" in line and 'id:0 ' in line:
                key = line.split("key:'", 1)[1].split("'", 1)[0]
                vals[key] = line.split("value:'", 1)[1].split("' type:'", 1)[0]
        return vals

    # ---- quantum -----------------------------------------------------------------------------

    def _profile(self, accept, timeout):
        """Feed the quantum of each driver cycle pw-profiler reports to accept(q) until it
        returns True; returns the list of quanta seen. Bounded by timeout."""
        p = self.popen(['pw-profiler', '-o', '/dev/stdout'], cwd=self.root,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        seen = []
        buf = b''
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                r, _, _ = select.select([p.stdout], [], [], min(left, 0.05))
                if not r:
                    if p.poll() is not None:
                        break
                    continue
                chunk = os.read(p.stdout.fileno(), 65536)
                if not chunk:
                    break
                buf += chunk
                *lines, buf = buf.split(b'\n')
                for line in lines:
                    cols = line.split(b'\t')
                    try:
                        period_us = int(cols[3])
                    except (IndexError, ValueError):
                        continue
                    q = round(period_us * self.rate / 1e6)
                    seen.append(q)
                    if accept(q):
                        return seen
            return seen
        finally:
            self._end(p, signal.SIGKILL)
            self._extra.remove(p)

    def graph_quantum(self, timeout=2.0, cycles=8):
        """Quantum of the running graph, from pw-profiler (the driver's cycle period): the
        last of the first `cycles` cycles reported, or None if nothing ran (an idle graph has
        no cycles: link something first)."""
        seen = []
        self._profile(lambda q: seen.append(q) or len(seen) >= cycles, timeout)
        return seen[-1] if seen else None

    def force_quantum(self, n, wait_graph=False, timeout=5.0):
        """Set clock.force-quantum to n (0 = back to the configured quantum) and check the
        settings metadata reads it back; with wait_graph, also wait until the running graph
        cycles at it for 4 consecutive cycles (needs a linked, running graph)."""
        n = int(n)
        self.run(['pw-metadata', '-n', 'settings', '0', 'clock.force-quantum', str(n)],
                 check=True)
        self.wait_until(lambda: self.metadata('settings').get('clock.force-quantum') == str(n),
                        f'settings clock.force-quantum = {n}', timeout)
        if wait_graph:
            want = n or self.quantum
            run = [0]

            def steady(q):
                run[0] = run[0] + 1 if q == want else 0
                return run[0] >= 4
            seen = self._profile(steady, timeout)
            if run[0] < 4:
                raise HarnessError(f'graph did not settle at quantum {want}; '
                                   f'cycles seen: {seen[-12:]}')
        return n

    # ---- playing and recording through pw-cat ------------------------------------------------

    def start_recorder(self, path, from_ports=SINK_MONITOR_PORTS, name='strata-test-rec',
                       fmt='f32'):
        """Record from_ports (one per channel: 2 gives FL FR, 1 gives MONO) into the WAV file
        path with pw-cat; returns the process (end it with stop_recorder()). Waits for the
        stream's ports (NAME:input_FL/FR) and links from_ports to them before returning."""
        ch = len(from_ports)
        p = self.popen(['pw-cat', '--record', '--target', '0', '--rate', str(self.rate),
                        '--channels', str(ch), '--format', fmt, '-P', stream_props(name), path],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ins = self._wait_proc_ports(p, name, ch, inputs=True)
        self.link_all(zip(from_ports, ins))
        return p

    def stop_recorder(self, p, timeout=STOP_WAIT_S):
        """SIGINT the recorder so pw-cat finalises the file; bounded wait."""
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout)
        err = p.stderr.read().decode(errors='replace') if p.stderr else ''
        self._end(p)
        if p in self._extra:
            self._extra.remove(p)
        return err

    def play(self, path, to_ports=SINK_PLAYBACK_PORTS, name='strata-test-play', wait=True,
             timeout=None):
        """Play a sound file with pw-cat into to_ports (one item per channel; each item is a
        port or a tuple of ports). All links are made at once (link_all) before the stream
        runs, so nothing is lost at the start and the channels stay aligned. Note: pw-cat
        (0.3.65) drops the file's last partial quantum (48000 frames at quantum 256 play as
        47872): end test files with at least one quantum of silence. With wait, returns pw-cat's
        exit code (bounded by timeout, default 30 s); else the running process."""
        p = self.popen(['pw-cat', '--playback', '--target', '0', '-P', stream_props(name),
                        path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        outs = self._wait_proc_ports(p, name, len(to_ports), inputs=False)
        self.link_all((src, d) for src, dst in zip(outs, to_ports)
                      for d in ((dst,) if isinstance(dst, str) else dst))
        if not wait:
            return p
        try:
            rc = p.wait(30.0 if timeout is None else timeout)
        except subprocess.TimeoutExpired:
            rc = 124
        self._end(p, signal.SIGKILL)
        self._extra.remove(p)
        return rc

    def _wait_proc_ports(self, p, name, count, inputs):
        """Wait until process p's stream node NAME has `count` ports of the given direction;
        returns their names in PipeWire's order (FL before FR)."""
        found = []

        def ready():
            if p.poll() is not None:
                err = p.stderr.read().decode(errors='replace') if p.stderr else ''
                raise HarnessError(f'{p.args[0]} exited with {p.returncode}: {err}')
            ports = self.input_ports() if inputs else self.output_ports()
            found[:] = [x for x in ports if x.startswith(name + ':')]
            return len(found) >= count
        self.wait_until(ready, f'{count} {"input" if inputs else "output"} ports of {name}')
        return found[:count]


# ---- command line: pw-env.sh [--quantum N] [--rate R] [--wireplumber] -- COMMAND... ---------

def main(argv=None):
    ap = argparse.ArgumentParser(
        prog='pw-env.sh',
        description='Run COMMAND against a private headless PipeWire; exit with its code '
                    '(77 = skipped: PipeWire or dbus-daemon missing).')
    ap.add_argument('--quantum', type=int, default=256)
    ap.add_argument('--rate', type=int, default=48000)
    ap.add_argument('--wireplumber', action='store_true')
    ap.add_argument('--timeout', type=float, default=None,
                    help='kill COMMAND after this many seconds (exit 124)')
    ap.add_argument('command', nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    cmd = args.command[1:] if args.command[:1] == ['--'] else args.command
    if not cmd:
        ap.error('no COMMAND given (usage: pw-env.sh [--quantum N] -- COMMAND...)')
    ok, why = available(args.wireplumber)
    if not ok:
        print(f'pw-env.sh: skipping: {why}', file=sys.stderr)
        return 77

    child = [None]
    got = [None]

    def on_signal(sig, _frame):
        got[0] = sig
        if child[0] is not None and child[0].poll() is None:
            child[0].send_signal(sig)
        else:
            raise KeyboardInterrupt
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)

    try:
        with PrivatePipeWire(quantum=args.quantum, rate=args.rate,
                             wireplumber=args.wireplumber) as pw:
            child[0] = subprocess.Popen(cmd, env=pw.env, preexec_fn=_die_with_parent)
            try:
                rc = child[0].wait(args.timeout)
            except subprocess.TimeoutExpired:
                pw._end(child[0])
                print(f'pw-env.sh: {cmd[0]} timed out after {args.timeout} s', file=sys.stderr)
                return 124
            if rc < 0:
                rc = 128 - rc
            return rc
    except KeyboardInterrupt:
        return 128 + (got[0] or signal.SIGINT)
    except (HarnessError, OSError) as e:
        print(f'pw-env.sh: {e}', file=sys.stderr)
        return 1
    finally:
        if child[0] is not None and child[0].poll() is None:
            PrivatePipeWire._end(child[0])


if __name__ == '__main__':
    sys.exit(main())
