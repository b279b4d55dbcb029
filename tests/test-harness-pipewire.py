#!/usr/bin/env python3
# test-harness-pipewire.py
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Self-test of tests/harness/pwserver.py (the private headless PipeWire the audio tests run
# against) and of tests/harness/pw-env.sh. Checks: the server comes up with both virtual devices
# and their eight ports, a private bus with nothing activatable, the fixed clock; a 1 kHz sine
# at -6 dBFS played into the null sink comes back out of its monitor (and out of the virtual
# source's capture ports) sample for sample, at the formula RMS (-9.01 dBFS) and on both
# channels in the same sample; clock.force-quantum really changes the running graph's quantum;
# kill_server() makes `pw-cli info 0` fail and restart_server() brings the devices back; after
# the harness exits no process it started is left and its temporary tree is gone; pw-env.sh
# returns the command's exit code with the client environment exported.
# Exit: 0 pass, 77 skip (PipeWire or dbus-daemon not installed), 1 fail.

import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'harness'))
import pwserver  # noqa: E402
from pwserver import (PrivatePipeWire, SINK, SOURCE, SINK_MONITOR_PORTS,  # noqa: E402
                      SINK_PLAYBACK_PORTS, SOURCE_CAPTURE_PORTS, SOURCE_INPUT_PORTS)

RATE = 48000
TONE_HZ = 1000
TONE_DBFS = -6.0
AMP = 10 ** (TONE_DBFS / 20)                      # 0.501187
EXPECTED_RMS_DBFS = 20 * math.log10(AMP / math.sqrt(2))   # -9.0103
# (-9.03, often quoted, is for a peak of 0.5 = -6.02 dBFS; the 0.5 dB tolerance covers both.)


class Failure(Exception):
    pass


N = [0]


def ok(message):
    N[0] += 1
    print(f'ok {N[0]} - {message}', flush=True)


def check(condition, message):
    if not condition:
        raise Failure(message)
    ok(message)


# ---- WAV in and out ---------------------------------------------------------------------------

def write_tone(path, seconds=1.0, lead=4800, tail=1024):
    """Stereo 16-bit 1 kHz sine, peak -6 dBFS, the same on both channels, sampled half a sample
    off its zero crossings so that no sample of it is 0 (any digital silence inside the
    recorded tone is then a dropout). Around it, `lead` frames of silence (100 ms, so that the
    tone does not start in pw-cat's first cycles) and `tail` frames (pw-cat 0.3.65 drops a
    file's last partial quantum: 48000 frames at quantum 256 came back as 47872). Returns the
    tone's samples as floats the way libsndfile reads them back (int / 32768)."""
    frames = int(RATE * seconds)
    ints = [int(round(AMP * 32767 * math.sin(2 * math.pi * TONE_HZ * (i + 0.5) / RATE)))
            for i in range(frames)]
    assert 0 not in ints
    with wave.open(path, 'wb') as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b''.join(struct.pack('<hh', v, v) for v in [0] * lead + ints + [0] * tail))
    return [v / 32768 for v in ints]


def read_wav(path):
    """(rate, [channel sample lists]) of a PCM or IEEE-float WAV (plain or EXTENSIBLE)."""
    with open(path, 'rb') as f:
        d = f.read()
    if d[:4] != b'RIFF' or d[8:12] != b'WAVE':
        raise Failure(f'{path}: not a RIFF/WAVE file')
    i, fmt, data = 12, None, None
    while i + 8 <= len(d):
        cid, n = d[i:i + 4], struct.unpack('<I', d[i + 4:i + 8])[0]
        body = d[i + 8:i + 8 + n]
        if cid == b'fmt ':
            tag, ch, rate, _, _, bits = struct.unpack('<HHIIHH', body[:16])
            if tag == 0xFFFE:
                tag = struct.unpack('<H', body[24:26])[0]
            fmt = (tag, ch, rate, bits)
        elif cid == b'data':
            data = body
        i += 8 + n + (n & 1)
    if fmt is None or data is None:
        raise Failure(f'{path}: no fmt or data chunk')
    tag, ch, rate, bits = fmt
    n = len(data) // (bits // 8)
    if tag == 3 and bits == 32:
        vals = struct.unpack(f'<{n}f', data[:n * 4])
    elif tag == 1 and bits == 16:
        vals = [v / 32768 for v in struct.unpack(f'<{n}h', data[:n * 2])]
    elif tag == 1 and bits == 32:
        vals = [v / 2 ** 31 for v in struct.unpack(f'<{n}i', data[:n * 4])]
    else:
        raise Failure(f'{path}: unsupported WAV format tag {tag}, {bits} bits')
    return rate, [list(vals[c::ch]) for c in range(ch)]


def dbfs(x):
    return 20 * math.log10(x) if x > 0 else float('-inf')


def align(region, reference, quantum):
    """Walk the recorded tone against what was played. Returns (frames matched, silence runs
    inserted, frames skipped): a run of digital silence is a cycle the player missed (it
    resumes where it was); a jump ahead in the reference is a cycle whose audio never arrived
    (the tone may also start or end part-way in when the cycle that held its edge was lost).
    Raises Failure on anything else: a sample that is neither."""
    def resume(i, j, steps):
        n = min(96, len(region) - i)            # two periods of the sine
        for at in steps:
            if at + n <= len(reference) and region[i:i + n] == reference[at:at + n]:
                return at
        return None

    i = matched = 0
    j = resume(0, 0, range(0, 8 * quantum))
    if j is None:
        raise Failure('the recording does not start anywhere in the first 8 quanta of the tone')
    inserted, skipped = [], [j] if j else []
    while i < len(region) and j < len(reference):
        if region[i] == reference[j]:
            i, j, matched = i + 1, j + 1, matched + 1
            continue
        if region[i] == 0.0:
            z = i
            while z < len(region) and region[z] == 0.0:
                z += 1
            inserted.append(z - i)
            i = z
            continue
        at = resume(i, j, (j + k * quantum for k in range(1, 9)))
        if at is None:
            raise Failure(f'tone frame {j}: recorded {region[i]!r}, played {reference[j]!r}, '
                          'and no missed cycle explains it')
        skipped.append(at - j)
        j = at
    if i < len(region):
        raise Failure(f'{len(region) - i} recorded frames after the end of the tone')
    return matched, inserted, skipped


def check_tone(label, path, reference, quantum):
    """The recording holds the played tone: on both channels alike, at -6 dBFS peak and the
    formula RMS, at 1 kHz, and sample for sample what was played apart from whole cycles that
    were missed. With one core kept busy, 1 to 4 runs in 35 had such dropouts: the player's
    quantum replaced by silence, silence inserted, or a recorded block gone; raising pw-cat to
    nice -15 or SCHED_FIFO 40 did not help (the server's timer-driven cycles in this VM). So
    dropouts of whole quanta are reported and tolerated up to 10% of the tone; anything else
    (a changed sample, a repeated block, a channel skew) fails."""
    rate, chans = read_wav(path)
    check(rate == RATE and len(chans) == 2, f'{label}: recording is stereo at {RATE} Hz')
    left, right = chans
    loud = [i for i, s in enumerate(left) if s != 0.0]
    if not loud:
        raise Failure(f'{label}: recording is silent ({len(left)} frames)')
    start, end = loud[0], loud[-1] + 1
    check(left == right, f'{label}: FL and FR identical, sample for sample '
                         f'(tone from frame {start} on both)')
    region = left[start:end]
    matched, inserted, skipped = align(region, reference, quantum)
    lost = len(reference) - matched      # includes a block lost where the sine hides it
    if inserted or lost:
        print(f'# {label}: missed cycles (xruns): silence inserted {inserted} frames, audio '
              f'lost {lost} frames (quantum {quantum})', flush=True)
    check(all(g % quantum == 0 for g in inserted) and sum(inserted) + lost <= len(reference) // 10,
          f'{label}: {matched} of {len(reference)} frames came back unaltered, in order; '
          f'dropouts (silence in whole quanta; at most 10%): {sum(inserted)} inserted, {lost} lost')
    body = region[480:-480]             # all of it but 10 ms at each end, dropouts included
    rms = math.sqrt(sum(s * s for s in body) / len(body))
    peak = max(abs(s) for s in region)
    check(abs(dbfs(rms) - EXPECTED_RMS_DBFS) <= 0.5,
          f'{label}: RMS {dbfs(rms):.3f} dBFS, formula {EXPECTED_RMS_DBFS:.3f} '
          '(within 0.5 dB)')
    check(abs(dbfs(peak) - TONE_DBFS) <= 0.05, f'{label}: peak {dbfs(peak):.3f} dBFS')
    tone = [s for s in region if s != 0.0]
    ups = [i for i in range(len(tone) - 1) if tone[i] < 0 <= tone[i + 1]]
    hz = (len(ups) - 1) * RATE / (ups[-1] - ups[0])
    check(abs(hz - TONE_HZ) <= 1, f'{label}: {hz:.2f} Hz (positive-going crossings)')


# ---- process bookkeeping ----------------------------------------------------------------------

def processes_mentioning(text):
    """PIDs of live (non-zombie) processes whose command line or environment contains text."""
    found = []
    needle = text.encode()
    for pid in os.listdir('/proc'):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f'/proc/{pid}/stat', 'rb') as f:
                if f.read().rsplit(b')', 1)[1].split()[0] == b'Z':
                    continue
            blobs = []
            for name in ('cmdline', 'environ'):
                with open(f'/proc/{pid}/{name}', 'rb') as f:
                    blobs.append(f.read())
        except OSError:
            continue
        if any(needle in b for b in blobs):
            found.append(int(pid))
    return found


def alive(pid):
    try:
        with open(f'/proc/{pid}/stat', 'rb') as f:
            return f.read().rsplit(b')', 1)[1].split()[0] != b'Z'
    except OSError:
        return False


# ---- the checks -------------------------------------------------------------------------------

def run_checks(work):
    timings = {}
    tone = os.path.join(work, 'tone.wav')
    reference = write_tone(tone)
    started_pids = {}

    t0 = time.monotonic()
    pw = PrivatePipeWire(quantum=256, rate=RATE)
    with pw:
        timings['start (dbus + pipewire, ready)'] = time.monotonic() - t0
        root, runtime = pw.root, pw.runtime_dir
        started_pids.update(pw.pids())
        ok(f'server ready in {pw.startup_s * 1000:.0f} ms after pipewire started '
           f'({timings["start (dbus + pipewire, ready)"] * 1000:.0f} ms with dbus)')

        # environment
        mode = os.stat(runtime).st_mode & 0o777
        check(mode == 0o700, f'XDG_RUNTIME_DIR {runtime} has mode {mode:o}')
        env = pw.env
        check(env['XDG_RUNTIME_DIR'] == runtime and env['PIPEWIRE_RUNTIME_DIR'] == runtime
              and env['XDG_CONFIG_HOME'].startswith(root) and env['XDG_STATE_HOME'].startswith(root)
              and 'PIPEWIRE_DEBUG' not in env,
              'client env: private XDG_RUNTIME_DIR/PIPEWIRE_RUNTIME_DIR/XDG_CONFIG_HOME/'
              'XDG_STATE_HOME, no PIPEWIRE_DEBUG')
        check(os.path.exists(os.path.join(runtime, 'pipewire-0')), 'socket pipewire-0 exists')
        if shutil.which('dbus-send'):
            cp = pw.run(['dbus-send', '--session', '--print-reply', '--dest=org.freedesktop.DBus',
                         '/org/freedesktop/DBus', 'org.freedesktop.DBus.ListActivatableNames'])
            names = [l.split('"')[1] for l in cp.stdout.splitlines() if '"' in l]
            check(cp.returncode == 0 and names == ['org.freedesktop.DBus'],
                  f'private session bus answers and activates nothing (activatable: {names})')

        # devices
        nodes = pw.nodes()
        check(SINK in nodes and SOURCE in nodes, f'pw-cli ls Node lists {SINK} and {SOURCE}')
        sink, source = pw.node_props(SINK), pw.node_props(SOURCE)
        check(sink.get('media.class') == 'Audio/Sink'
              and sink.get('node.description') == 'Strata test sink',
              f'{SINK}: Audio/Sink "Strata test sink"')
        check(source.get('media.class') == 'Audio/Source/Virtual'
              and source.get('node.description') == 'Strata test source',
              f'{SOURCE}: Audio/Source/Virtual "Strata test source"')
        outs, ins = pw.output_ports(), pw.input_ports()
        check(set(SINK_MONITOR_PORTS + SOURCE_CAPTURE_PORTS) <= set(outs),
              'output ports: ' + ' '.join(SINK_MONITOR_PORTS + SOURCE_CAPTURE_PORTS))
        check(set(SINK_PLAYBACK_PORTS + SOURCE_INPUT_PORTS) <= set(ins),
              'input ports: ' + ' '.join(SINK_PLAYBACK_PORTS + SOURCE_INPUT_PORTS))
        meta = pw.metadata('settings')
        check(meta.get('clock.rate') == '48000' and meta.get('clock.quantum') == '256'
              and meta.get('clock.min-quantum') == '256' and meta.get('clock.max-quantum') == '256',
              'settings: clock.rate 48000, quantum = min = max = 256')

        # the tone: into the sink and the virtual source at once, recorded from both
        t = time.monotonic()
        rec_sink = pw.start_recorder(os.path.join(work, 'sink.wav'), SINK_MONITOR_PORTS,
                                     name='strata-test-rec-sink')
        rec_src = pw.start_recorder(os.path.join(work, 'source.wav'), SOURCE_CAPTURE_PORTS,
                                    name='strata-test-rec-source')
        started_pids['recorders'] = rec_sink.pid
        rc = pw.play(tone, to_ports=list(zip(SINK_PLAYBACK_PORTS, SOURCE_INPUT_PORTS)))
        time.sleep(0.03)
        pw.stop_recorder(rec_src)
        pw.stop_recorder(rec_sink)
        timings['play 1 s tone + record 2 streams'] = time.monotonic() - t
        check(rc == 0, 'pw-cat played the tone and exited 0')
        check_tone('sink monitor', os.path.join(work, 'sink.wav'), reference, pw.quantum)
        check_tone('source capture', os.path.join(work, 'source.wav'), reference, pw.quantum)

        # force-quantum, measured on the running graph (a recorder keeps it running)
        rec = pw.start_recorder(os.path.join(work, 'q.wav'), SINK_MONITOR_PORTS)
        t = time.monotonic()
        q = pw.graph_quantum()
        check(q == 256, f'running graph cycles at the configured quantum 256 (pw-profiler: {q})')
        for n in (64, 1024):
            pw.force_quantum(n, wait_graph=True)
            q = pw.graph_quantum()
            check(q == n, f'force_quantum({n}): settings say {n}, graph cycles at {q}')
        pw.force_quantum(0, wait_graph=True)
        check(pw.graph_quantum() == 256, 'force_quantum(0): back to 256')
        timings['force-quantum checks'] = time.monotonic() - t
        pw.stop_recorder(rec)

        # device loss
        check(pw.run(['pw-cli', 'info', '0']).returncode == 0, 'pw-cli info 0 answers')
        t = time.monotonic()
        pid = started_pids['pipewire']
        pw.kill_server()
        cp = pw.run(['pw-cli', 'info', '0'])
        check(cp.returncode != 0 and not alive(pid) and not pw.server_alive(),
              f'kill_server(): pipewire {pid} gone, pw-cli info 0 fails '
              f'({cp.returncode}: {cp.stderr.strip()})')
        check(alive(started_pids['dbus']), 'kill_server() left the bus running')
        pw.restart_server()
        started_pids['pipewire (restarted)'] = pw.pids()['pipewire']
        check(pw.run(['pw-cli', 'info', '0']).returncode == 0
              and {SINK, SOURCE} <= set(pw.nodes()),
              'restart_server(): server and both devices back')
        timings['kill + restart'] = time.monotonic() - t

        t = time.monotonic()
        pw.stop()           # what __exit__ does; calling it twice is harmless
        timings['stop (every process, bounded waits)'] = time.monotonic() - t

    left = [f'{n} {p}' for n, p in started_pids.items() if alive(p)]
    check(not left, f'after exit no process the harness started is alive '
                    f'(checked {", ".join(f"{n} {p}" for n, p in started_pids.items())})')
    stray = processes_mentioning(root)
    check(not stray, f'no process refers to {root} (found {stray})')
    check(not os.path.exists(root), 'temporary tree removed')

    # the shell wrapper
    t = time.monotonic()
    cp = subprocess.run([os.path.join(HERE, 'harness', 'pw-env.sh'), '--quantum', '128', '--',
                         'sh', '-c', 'pw-metadata -n settings 0 clock.quantum; '
                         'echo "runtime=$XDG_RUNTIME_DIR sink=$STRATA_TEST_SINK '
                         'debug=${PIPEWIRE_DEBUG-unset}"; exit 3'],
                        capture_output=True, text=True, timeout=30,
                        env=dict(os.environ, PIPEWIRE_DEBUG='3'))
    timings['pw-env.sh round trip'] = time.monotonic() - t
    check(cp.returncode == 3, f'pw-env.sh returns the command\'s exit code (3): {cp.returncode}')
    check("key:'clock.quantum' value:'128'" in cp.stdout,
          'pw-env.sh --quantum 128: the server runs at quantum 128')
    check(f'sink={SINK} debug=unset' in cp.stdout and 'runtime=/' in cp.stdout,
          'pw-env.sh exports the client environment, PIPEWIRE_DEBUG unset')
    return timings


def main():
    avail, why = pwserver.available()
    if not avail:
        print(f'SKIP: {why}')
        return 77
    t0 = time.monotonic()
    work = tempfile.mkdtemp(prefix='strata-harness-test-')
    try:
        timings = run_checks(work)
    except (Failure, pwserver.HarnessError) as e:
        print(f'not ok - {e}', flush=True)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for name, secs in timings.items():
        print(f'# {name}: {secs:.3f} s')
    print(f'# total: {time.monotonic() - t0:.3f} s; {N[0]} checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
