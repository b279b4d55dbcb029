#!/usr/bin/env python3
# test-play.py
# SPDX-License-Identifier: GPL-3.0-or-later
#
# strata-play end to end, against a private headless PipeWire (tests/harness/pwserver.py): what
# it plays and what it records, measured sample by sample.
#
#  1. Playback is the offline render, bit for bit: a loop (--loop --passes 2) over a range that
#     crosses a tempo change, with clicks, stereo pink noise and a faded, panned sine (so that
#     every sample carries signal), captured independently from the null sink's monitor by
#     pw-cat, equals `strata-render --bit-depth 32f` of the range twice, max |diff| == 0 over
#     > 12 s, with nothing before or after. Quantum 1024: the most slack per cycle, so the
#     fewest dropouts (below); the loop (291000 frames) wraps inside a period all the same.
#     The comparison is itself checked first on made-up signals (one float one ULP off, a
#     one-frame shift and half a period of silence must fail).
#  2. Overdub placement: strata-play records the null sink's monitor (a loopback) while playing
#     a click track; every click of the take sits on the frame it was played from, at forced
#     quanta 64, 256 and 1024. A control run with --latency-offset=1 must be seen 1 frame off.
#  3. Punch recording keeps exactly [in, out); loop recording over 3 passes gives 3 takes at
#     the loop start, each one loop long, the newest active, each aligned.
#  4. SIGKILL while recording, then --recover: the take comes back as a clip, at least as long
#     as the recording time minus 1 s (headers are rewritten every 0.5 s), aligned.
#  5. Device loss: the PipeWire server killed under strata-play, playing and recording: it
#     exits 1 within seconds with a message naming the problem, no crash; the take so far is
#     kept and aligned.
#  6. No server: the fallback chain pipewire -> gstreamer -> dummy, the messages it prints and
#     the backend the report names.
#
# Graph dropouts. On the shared 2-core machine the private graph sometimes loses a cycle: a
# period of audio is missing or silent in a capture (measured: pw-cat playing a file into the
# sink and another pw-cat recording its monitor showed the same, with no strata process
# involved, at quanta 64 and 256; at 64 several per 15 s). That is not a property of
# strata-play, so the comparisons below never use a tolerance: they classify every difference.
# A difference that is exactly a whole number of graph periods of silence and/or skipped audio,
# starting on a period boundary, after which the capture is again bit exact, is a dropout; so
# is a capture that starts a whole number of periods (the engine's or the graph's) into the
# range, which is what a stream linked late by the session manager gives. The
# attempt is then repeated (at most ATTEMPTS times). Anything else (one wrong sample, a shift
# that is not whole periods, a click one frame off) fails at once. For takes, a click missing
# while all the others sit exactly on their frames is a dropout; a click off its frame is one
# only if strata-play's report counted xruns (a cycle it never got). If every attempt had
# dropouts, one place common to all of them is systematic and fails; else the check is reported
# as skipped, with the positions. Captures and projects go to a tmpfs
# (/dev/shm) when there is one, so that a disk stall cannot hold up a client of the graph (the
# first, disk-backed runs under load had more dropouts; not a controlled measurement).
#
# Usage: test-play.py PATH/TO/strata-play PATH/TO/strata-render. Output is TAP.

import array
import json
import math
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'harness'))
import pwserver  # noqa: E402
from pwserver import PrivatePipeWire, SINK  # noqa: E402

RATE = 48000
CLICK = 0.8
CLICK_FIRST, CLICK_EVERY = 1000, 12000
# A mono track at centre pan feeds the left channel cos(pi/4) x (constant power, -3 dB).
CLICK_LEFT = struct.unpack('<f', struct.pack('<f', CLICK * math.cos(math.pi / 4)))[0]
THRESHOLD = 0.3          # clicks are > 0.5, everything else in these projects < 0.1
ATTEMPTS = 3
RUN_TIMEOUT = 60


class Failure(Exception):
    pass


class Dropout(Exception):
    """A graph dropout spoiled this attempt (see the header); .where says where."""

    def __init__(self, message, where):
        super().__init__(message)
        self.where = where


class Skip(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# ---- audio files -----------------------------------------------------------------------------

def write_float_wav(path, channels, samples):
    """samples: interleaved floats, written as 32-bit float WAV."""
    data = array.array('f', samples)
    if sys.byteorder != 'little':
        data.byteswap()
    raw = data.tobytes()
    fmt = struct.pack('<HHIIHH', 3, channels, RATE, RATE * 4 * channels, 4 * channels, 32)
    body = (b'WAVE' + b'fmt ' + struct.pack('<I', len(fmt)) + fmt
            + b'data' + struct.pack('<I', len(raw)) + raw)
    with open(path, 'wb') as f:
        f.write(b'RIFF' + struct.pack('<I', len(body)) + body)


def read_audio(path):
    """(channels, interleaved array('f')) exactly as stored. 32-bit float WAV is parsed here,
    not through sox: sox converts to 32-bit integers inside, which would hide differences below
    2^-31 and round samples under 2^-8 (quiet noise) before the comparison. Other formats go
    through `sox FILE -t f32 -`."""
    with open(path, 'rb') as f:
        blob = f.read()
    if blob[:4] == b'RIFF' and blob[8:12] == b'WAVE':
        pos, fmt, data = 12, None, None
        while pos + 8 <= len(blob):
            cid, size = blob[pos:pos + 4], struct.unpack('<I', blob[pos + 4:pos + 8])[0]
            if cid == b'fmt ':
                tag, channels, _, _, align, bits = struct.unpack('<HHIIHH', blob[pos + 8:pos + 24])
                if tag == 0xFFFE:
                    tag = struct.unpack('<H', blob[pos + 32:pos + 34])[0]
                fmt = (tag, channels, align, bits)
            elif cid == b'data':
                data = blob[pos + 8:pos + 8 + size]
                break
            pos += 8 + size + (size & 1)
        if fmt and data is not None and fmt[0] == 3 and fmt[3] == 32:
            a = array.array('f')
            a.frombytes(data[:len(data) - len(data) % fmt[2]])
            if sys.byteorder != 'little':
                a.byteswap()
            return fmt[1], a
    channels = int(subprocess.run(['sox', '--i', '-c', path], capture_output=True, text=True,
                                  timeout=30, check=True).stdout.strip())
    raw = subprocess.run(['sox', path, '-t', 'f32', '-'], capture_output=True, timeout=60,
                         check=True).stdout
    a = array.array('f')
    a.frombytes(raw)
    return channels, a


def first_click(samples, channels, start=0):
    """Frame of the first sample (any channel) above THRESHOLD, from frame `start`."""
    for i in range(start * channels, len(samples)):
        if abs(samples[i]) > THRESHOLD:
            return i // channels
    return None


def click_frames(samples, channels, channel=0):
    return [i // channels for i in range(channel, len(samples), channels)
            if abs(samples[i]) > THRESHOLD]


# ---- projects --------------------------------------------------------------------------------

def clicks_wav(path, seconds):
    frames = seconds * RATE
    samples = array.array('f', bytes(4 * frames))
    for i in range(CLICK_FIRST, frames, CLICK_EVERY):
        samples[i] = CLICK
    write_float_wav(path, 1, samples)


def click_positions(start, end):
    """Timeline frames of the clicks in [start, end)."""
    first = max(0, -(-(start - CLICK_FIRST) // CLICK_EVERY))
    last = (end - CLICK_FIRST) // CLICK_EVERY
    return [CLICK_FIRST + CLICK_EVERY * i for i in range(first, last + 1)
            if start <= CLICK_FIRST + CLICK_EVERY * i < end]


def overdub_project(d, seconds=12):
    """Click track (mono, impulses CLICK at 1000 + 12000 i) and an empty mono track `rec` fed by
    input channel 1, not monitored (so the loopback does not feed back)."""
    os.makedirs(d, exist_ok=True)
    clicks_wav(os.path.join(d, 'clicks.wav'), seconds)
    project = {
        'format': 'strata-project', 'version': 1, 'sample_rate': RATE,
        'tempo_map': [{'at': '1.1.0', 'bpm': 120.0}],
        'media': [{'id': 'clk', 'path': 'clicks.wav'}],
        'tracks': [
            {'id': 't1', 'name': 'click', 'channels': 1, 'clips': [{'media': 'clk', 'start': 0}]},
            {'id': 'rec', 'name': 'rec', 'channels': 1, 'x-monitoring': 'off', 'x-input': '1',
             'clips': []},
        ],
    }
    path = os.path.join(d, 'overdub.json')
    with open(path, 'w') as f:
        json.dump(project, f, indent=1)
    return path


# The playback project: 120 bpm 4/4, then 100 bpm 3/4 from bar 5. Bar 5 = 4 x 96000 = 384000;
# a 3/4 bar at 100 bpm is 3 x 28800 = 86400 frames, a tick 28800 / 960 = 30 frames.
# Range 3.3.0 .. 6.3.100 = 240000 .. 384000 + 86400 + 2 x 28800 + 3000 = 531000: 291000 frames
# (not a multiple of any quantum, so the loop wraps inside a period), across the tempo change.
PLAY_FROM, PLAY_TO = '3.3.0', '6.3.100'
PLAY_START, PLAY_END = 240000, 531000


def playback_project(d):
    os.makedirs(d, exist_ok=True)
    clicks_wav(os.path.join(d, 'clicks.wav'), 14)
    for name, channels, synth, vol in (('noise.wav', 2, 'pinknoise', '0.05'),
                                       ('sine.wav', 1, 'sine 441', '0.03')):
        subprocess.run(['sox', '-R', '-n', '-r', str(RATE), '-c', str(channels), '-b', '32',
                        '-e', 'floating-point', os.path.join(d, name), 'synth', '12']
                       + synth.split() + ['vol', vol], check=True, timeout=60,
                       capture_output=True)
    project = {
        'format': 'strata-project', 'version': 1, 'sample_rate': RATE,
        'tempo_map': [{'at': '1.1.0', 'bpm': 120.0},
                      {'at': '5.1.0', 'bpm': 100.0, 'time_signature': '3/4'}],
        'media': [{'id': 'clk', 'path': 'clicks.wav'}, {'id': 'noise', 'path': 'noise.wav'},
                  {'id': 'sine', 'path': 'sine.wav'}],
        'tracks': [
            {'id': 't1', 'name': 'click', 'channels': 1, 'clips': [{'media': 'clk', 'start': 0}]},
            # From before the range start, so the range's first frame already carries signal.
            {'id': 't2', 'name': 'noise', 'channels': 2, 'volume_db': -3.0,
             'clips': [{'media': 'noise', 'start': '3.2.0', 'length': 360000}]},
            # Placed after the tempo change, in musical time.
            {'id': 't3', 'name': 'sine', 'channels': 1, 'pan': -0.4,
             'clips': [{'media': 'sine', 'start': '5.2.480', 'fade_in': 4800,
                        'fade_out': 4800}]},
        ],
    }
    path = os.path.join(d, 'playback.json')
    with open(path, 'w') as f:
        json.dump(project, f, indent=1)
    return path


# ---- running the tools -----------------------------------------------------------------------

class Tools:
    def __init__(self, play, render, root):
        self.play_bin = play
        self.render_bin = render
        self.root = root
        self.log = []

    def env(self, pw=None, backend='pipewire', **extra):
        env = dict(pw.env if pw else os.environ)
        env['XDG_CACHE_HOME'] = os.path.join(self.root, 'cache')
        if backend is not None:
            env['STRATA_AUDIO_BACKEND'] = backend
        env.update(extra)
        return env

    def run(self, binary, args, env, timeout=RUN_TIMEOUT, cwd=None):
        cmd = ['timeout', '-k', '5', str(timeout), binary] + list(args)
        t0 = time.monotonic()
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=cwd,
                           timeout=timeout + 15)
        self.log.append('$ %s  [exit %d, %.2f s]\n%s%s' % (
            ' '.join(cmd[4:]), p.returncode, time.monotonic() - t0, p.stdout[-1500:],
            p.stderr[-1500:]))
        return p

    def play(self, args, env, timeout=RUN_TIMEOUT, cwd=None):
        return self.run(self.play_bin, args, env, timeout, cwd)

    def render(self, args, timeout=RUN_TIMEOUT, cwd=None):
        p = self.run(self.render_bin, args, self.env(backend=None), timeout, cwd)
        check(p.returncode == 0, 'strata-render %s exited with %d: %s'
              % (' '.join(args), p.returncode, p.stderr.strip()))
        return p

    def project_json(self, strata_path):
        """The saved project as JSON (strata-render --convert), media paths made absolute."""
        out = strata_path[:-len('.strata')] + '.conv.json'
        self.render(['--convert=' + out, strata_path])
        with open(out) as f:
            project = json.load(f)
        base = os.path.dirname(os.path.abspath(out))
        for m in project['media']:
            m['abspath'] = m['path'] if os.path.isabs(m['path']) else os.path.join(base, m['path'])
        return project


def load_report(path):
    with open(path) as f:
        return json.load(f)


def played_ok(p, what):
    check(p.returncode == 0, '%s: strata-play exited with %d\n%s' % (what, p.returncode,
                                                                     p.stderr.strip()))


# ---- comparing a capture with what should have played ------------------------------------

def compare_capture(cap, exp, ch, off, quantum):
    """Compare capture `cap` with expectation `exp` (both interleaved, `ch` channels), the
    capture's frame `off` being the expectation's frame 0. Returns the list of dropouts (expected
    frame, periods of silence, periods skipped, channel); raises Failure at the first difference
    that is not a dropout (see the header). Channels are walked one by one: under load a dropout
    can hit one port of a stream and not the other (measured at quantum 64: in one cycle the
    right channel was silent and the left was not)."""
    E = len(exp) // ch
    if len(cap) >= (off + E) * ch and cap[off * ch:(off + E) * ch] == exp:
        return []
    dropouts = []
    for c in range(ch):
        try:
            dropouts += [d + (c,) for d in _walk(cap[c::ch], exp[c::ch], off, quantum)]
        except Failure as e:
            raise Failure('channel %d: %s' % (c, e)) from None
    return sorted(dropouts)


def _walk(cap, exp, off, quantum):
    """compare_capture for one channel."""
    ch = 1
    E, C = len(exp), len(cap)
    dropouts = []
    e = 0
    step = 4096
    while e < E:
        c = e + off
        if c >= C:
            raise Failure('the capture ends %d frames (%.3f s) before the expected audio does'
                          % (E - e, (E - e) / RATE))
        n = min(step, E - e, C - c)
        if cap[c * ch:(c + n) * ch] == exp[e * ch:(e + n) * ch]:
            e += n
            continue
        k = next(i for i in range(n * ch) if cap[c * ch + i] != exp[e * ch + i]) // ch
        e, c = e + k, c + k
        b = c - c % quantum            # dropouts start on a period boundary of the capture
        eb = b - off
        explained = None
        for silent in range(0, 17):
            z = b + silent * quantum
            if silent and any(cap[(z - quantum) * ch:z * ch]):
                break
            for skipped in range(0, 17):
                if silent == 0 and skipped == 0:
                    continue
                ee = eb + skipped * quantum
                # 64 frames of the expectation, not silent, found again sample for sample: with
                # noise in every frame that cannot be chance. (Not more: under load the next
                # dropout can follow within two periods.)
                w = min(64, E - ee, C - z)
                if ee < 0 or w <= 0:
                    continue
                if cap[z * ch:(z + w) * ch] == exp[ee * ch:(ee + w) * ch] and (
                        w == 64 or ee + w == E) and any(exp[ee * ch:(ee + w) * ch]):
                    explained = (silent, skipped, z, ee)
                    break
            if explained:
                break
        if explained is None or eb < 0:
            lo, hi = e, min(E, e + quantum)
            worst = max(abs(cap[(i - e + c) * ch + j] - exp[i * ch + j])
                        for i in range(lo, min(hi, C - off)) for j in range(ch))
            raise Failure(
                'the capture differs from the render at expected frame %d (capture frame %d): '
                'capture %s, expected %s; max |diff| over the next period %.3g; not a whole-'
                'period dropout' % (e, c, [cap[c * ch + j] for j in range(ch)],
                                    [exp[e * ch + j] for j in range(ch)], worst))
        silent, skipped, z, ee = explained
        dropouts.append((eb, silent, skipped))
        off = z - ee
        e = ee
    return dropouts


def retry(what, attempt_fn, diag):
    """Run attempt_fn() up to ATTEMPTS times while it raises Dropout; returns its result. A
    systematic fault (say, a silent period at every loop wrap) would spoil every attempt at the
    same place, so when all attempts had dropouts and one place is common to all of them, that
    is a Failure; otherwise the check is skipped as inconclusive."""
    common = None
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return attempt_fn()
        except Dropout as d:
            diag.append('%s, attempt %d: graph dropout, %s' % (what, attempt, d))
            common = set(d.where) if common is None else common & set(d.where)
    if common:
        raise Failure('%s: every attempt had a dropout at frame %s: that is not the environment'
                      '; %s' % (what, sorted(common), '; '.join(diag[-ATTEMPTS:])))
    raise Skip('%s: every one of %d attempts had graph dropouts, at different places (the '
               'machine is too loaded for a sample-exact capture)' % (what, ATTEMPTS))


def t_comparator(tools, root, diag):
    """The capture comparison itself, on made-up signals: it must pass an exact copy, call a
    silent or skipped whole period a dropout, and fail one sample changed by one ULP, a
    one-frame shift and a half-period gap."""
    q, ch = 256, 2
    exp = array.array('f', (((i * 7919) % 2000 - 1000) / 4096.0 for i in range(40000 * ch)))
    lead = array.array('f', bytes(4 * ch * 3 * q))
    check(compare_capture(lead + exp, exp, ch, 3 * q, q) == [], 'an exact copy was not exact')
    cut = 50 * q
    silent = lead + exp[:cut * ch] + array.array('f', bytes(4 * ch * q)) + exp[cut * ch:]
    check(compare_capture(silent, exp, ch, 3 * q, q) == [(cut, 1, 0, 0), (cut, 1, 0, 1)],
          'a silent period inserted was not seen as one')
    skipped = lead + exp[:cut * ch] + exp[(cut + q) * ch:]
    check(compare_capture(skipped, exp, ch, 3 * q, q) == [(cut, 0, 1, 0), (cut, 0, 1, 1)],
          'a skipped period was not seen as one')
    right = lead + exp
    right[(3 * q + cut) * ch + 1:(3 * q + cut + q) * ch:ch] = array.array('f', bytes(4 * q))
    check(compare_capture(right, exp, ch, 3 * q, q) == [(cut, 1, 1, 1)],
          'a period lost on the right channel only was not seen as a dropout there')
    spoiled = []
    one = lead + exp
    i = (3 * q + 30000) * ch + 1
    bits = struct.unpack('<i', struct.pack('<f', one[i]))[0]
    one[i] = struct.unpack('<f', struct.pack('<i', bits + 1))[0]     # the next float
    spoiled.append(('one sample one ULP off', one))
    spoiled.append(('a one-frame shift', lead + exp[:cut * ch] + exp[(cut + 1) * ch:]))
    spoiled.append(('half a period of silence', lead + exp[:cut * ch]
                    + array.array('f', bytes(4 * ch * q // 2)) + exp[(cut + q // 2) * ch:]))
    for what, cap in spoiled:
        try:
            compare_capture(cap, exp, ch, 3 * q, q)
        except Failure:
            continue
        raise Failure('the comparison let %s through' % what)
    return ('exact copy passes; a silent, a skipped period and one lost on one channel are '
            'dropouts; ') + ', '.join(
        w for w, _ in spoiled) + ' fail'


# ---- checks: the take's clicks ----------------------------------------------------------------

def take_clicks(tools, out_strata, report):
    """For each new take in the report: where its clicks are, against where they were played.
    Returns a list of (take, [(position, error in frames)], missing positions, extra frames)."""
    project = tools.project_json(out_strata)
    media = {m['id']: m['abspath'] for m in project['media']}
    results = []
    cache = {}
    for take in report['takes']:
        path = media.get(take['media'])
        check(path is not None and os.path.exists(path),
              'take media %s: no such media in the saved project, or its file is missing (%s)'
              % (take['media'], path))
        if path not in cache:
            cache[path] = read_audio(path)
        ch, samples = cache[path]
        check(ch == 1, 'the take of a mono track has %d channels' % ch)
        s, ss, n = take['start'], take['source_start'], take['length']
        check(ss >= 0 and ss + n <= len(samples),
              'take %s: source %d + %d frames, but the file has %d' % (take, ss, n, len(samples)))
        # Timeline frame of each click heard in the clip: file frame ss + k plays at s + k.
        found = [s + k for k in click_frames(samples[ss:ss + n], 1, 0)]
        expected = click_positions(s, s + n)
        errors, missing, extra = [], [], []
        fs = set(found)
        for p in expected:
            near = [f for f in found if abs(f - p) <= 2048]
            if p in fs:
                errors.append((p, 0))
            elif near:
                errors.append((p, min(near, key=lambda f: abs(f - p)) - p))
            else:
                missing.append(p)
        for f in found:
            if all(abs(f - p) > 2048 for p in expected):
                extra.append(f)
        amp_bad = [samples[ss + f - s] for f in found if f in expected
                   and samples[ss + f - s] != CLICK_LEFT]
        check(not amp_bad, 'take %s: clicks recorded at %s instead of %.7f'
              % (take, amp_bad[:4], CLICK_LEFT))
        results.append((take, errors, missing, extra))
    return results


def judge_clicks(results, report, what):
    """Every click of every take on its frame: pass (whatever the xrun count). A click off its
    frame or an extra one: Failure, unless strata-play counted xruns (a cycle it never got
    shifts what follows: the environment, see the header), then Dropout. Missing clicks with
    all the others exact: a lost period, Dropout."""
    desc = []
    lost = []
    xruns = report.get('xruns', 0)
    for take, errors, missing, extra in results:
        bad = [(p, e) for p, e in errors if e != 0]
        if bad or extra:
            message = ('%s: take at %d (source %d, %d frames): clicks off by %s frames (first '
                       'at %s), %d extra at %s'
                       % (what, take['start'], take['source_start'], take['length'],
                          sorted(set(e for _, e in bad)), bad[0][0] if bad else '-',
                          len(extra), extra[:4]))
            if xruns:
                raise Dropout('%s, with %d xruns counted' % (message, xruns),
                              [bad[0][0] if bad else extra[0]])
            raise Failure(message)
        lost += missing
        desc.append('%d clicks, error 0' % len(errors))
    if lost:
        raise Dropout('%s: %d clicks missing at %s, the others exact; %d xruns counted'
                      % (what, len(lost), lost[:6], xruns), lost)
    if xruns:
        desc[-1] += ' (despite %d xruns counted)' % xruns
    return desc


# ---- the checks ------------------------------------------------------------------------------

def t_playback_equals_render(tools, root, diag, backend='pipewire'):
    d = os.path.join(root, 'playback-' + backend)
    project = playback_project(d)
    r = os.path.join(d, 'render.wav')
    tools.render(['--bit-depth', '32f', '--no-cache', '--start', PLAY_FROM, '--end', PLAY_TO,
                  '-o', r, project])
    ch, once = read_audio(r)
    check(ch == 2 and len(once) // 2 == PLAY_END - PLAY_START,
          'the render of %s..%s has %d frames, %d channels; the tempo map says %d frames'
          % (PLAY_FROM, PLAY_TO, len(once) // 2, ch, PLAY_END - PLAY_START))
    check(any(once[0:2]), 'the range should start on signal (the noise clip)')
    exp = once + once
    L = len(once) // 2
    click0 = first_click(exp, 2)
    check(click0 is not None and click0 < 2000, 'no click near the start of the render')

    def attempt():
        # GStreamer's pipewiresink is a stream: it needs the session manager to link it.
        with PrivatePipeWire(quantum=1024, wireplumber=backend == 'gstreamer') as pw:
            cap_path = os.path.join(tools.capture_dir, 'playback-capture.wav')
            rep = os.path.join(d, 'report.json')
            rec = pw.start_recorder(cap_path)
            try:
                p = tools.play(['--from', PLAY_FROM, '--to', PLAY_TO, '--loop', '--passes', '2',
                                '--output-device', SINK, '--report', rep, project],
                               tools.env(pw, backend=backend))
                time.sleep(0.3)
            finally:
                err = pw.stop_recorder(rec)
        played_ok(p, 'playback')
        report = load_report(rep)
        check(report['backend'] == backend, 'backend %s, not %s' % (report['backend'], backend))
        check(report['frames_played'] == 2 * L, 'frames_played %d, two passes are %d'
              % (report['frames_played'], 2 * L))
        cch, cap = read_audio(cap_path)
        check(cch == 2, 'capture has %d channels (%s)' % (cch, err))
        q = 1024   # the graph's quantum: the unit a dropout comes in, whatever the engine's period
        c0 = first_click(cap, 2)
        check(c0 is not None, 'nothing was captured from the sink monitor')
        # Aligned on the first sound, which must be the range's first frame (the range starts
        # on signal), or the frame a whole number of periods later if the first periods were
        # lost; the first click, 1000 frames in, must then agree unless a dropout came between.
        # Whatever played before the range, or from elsewhere, has no such match and fails.
        # A stream the session manager links late (GStreamer's sink, under load) loses its
        # first periods: its own (the engine's) or the graph's, whichever is shorter. So the
        # lead is searched in those units over the whole first pass, and a lead is a dropout.
        unit = math.gcd(q, report['period'])
        first = next(i for i, v in enumerate(cap) if v) // 2
        lead = next((m for m in range(L // unit) if cap[first * 2:(first + 64) * 2]
                     == exp[m * unit * 2:(m * unit + 64) * 2]), None)
        if lead is None:
            raise Failure('the first sound captured (frame %d: %s) is not the start of the range '
                          '(%s) nor a whole number of %d-frame periods into it; the first click '
                          'is at capture frame %d' % (first, list(cap[first * 2:first * 2 + 4]),
                                                      list(exp[0:4]), unit, c0))
        off = first - lead * unit
        dropouts = compare_capture(cap, exp, 2, off, q)
        if lead:
            dropouts.insert(0, (0, 0, lead * unit / q, 'both'))
        if dropouts:
            raise Dropout('dropouts (expected frame, silent periods, skipped periods, channel) '
                          '%s; strata-play counted %d xruns; first click offset %d, first sound '
                          '%d' % (dropouts, report['xruns'], c0 - click0, off),
                          [x[0] for x in dropouts])
        check(c0 - click0 == off, 'the first click is at capture frame %d, the first sound at %d:'
              ' %d frames apart, not %d' % (c0, off, c0 - off, click0))
        # The end: nothing after the second pass (which would be a third pass or a tail).
        end = off + 2 * L
        after = cap[end * 2:]
        check(not any(after), 'sound after the two passes: %d nonzero samples in the %d frames '
              'captured after' % (sum(1 for v in after if v), len(after) // 2))
        return ('%d frames (%.2f s, 2 passes of %d across the tempo change) bit exact, max '
                '|diff| 0, quantum %d, capture offset %d, %d silent frames after (%d xruns '
                'counted)' % (2 * L, 2 * L / RATE, L, q, off, len(after) // 2, report['xruns']))

    return retry('playback', attempt, diag)


def record_overdub(tools, pw, d, name, project, extra, quantum=None):
    out = os.path.join(d, name + '.strata')
    rep = os.path.join(d, name + '.report.json')
    for stale in (out, rep):
        if os.path.exists(stale):
            os.unlink(stale)
    shutil.rmtree(os.path.join(d, name + '.media'), ignore_errors=True)
    p = tools.play(extra + ['--record', 'rec', '--output-device', SINK, '--input-device', SINK,
                            '--save', '-o', out, '--report', rep, project], tools.env(pw))
    played_ok(p, name)
    report = load_report(rep)
    check(report['backend'] == 'pipewire', 'backend %s, not pipewire' % report['backend'])
    if quantum:
        check(report['period'] == quantum, 'forced quantum %d but strata-play ran at %d'
              % (quantum, report['period']))
    return out, report


def t_overdub(tools, root, diag, quantum, latency_offset=0):
    d = os.path.join(root, 'overdub-%d-%d' % (quantum, latency_offset))
    project = overdub_project(d)

    def attempt():
        with PrivatePipeWire(quantum=256) as pw:
            pw.force_quantum(quantum)
            extra = ['--to', '150000']
            if latency_offset:
                extra.append('--latency-offset=%d' % latency_offset)
            out, report = record_overdub(tools, pw, d, 'take', project, extra, quantum)
        check(len(report['takes']) == 1 and report['takes'][0]['active'],
              'one active take expected: %s' % report['takes'])
        take = report['takes'][0]
        check(take['start'] == 0 and take['length'] == 150000,
              'the take covers %d + %d, not 0 + 150000' % (take['start'], take['length']))
        results = take_clicks(tools, out, report)
        desc = judge_clicks(results, report, 'quantum %d' % quantum)
        return 'quantum %d: %s (round trip %d)' % (quantum, ', '.join(desc),
                                                  report['latency']['round_trip'])

    if latency_offset:
        try:
            msg = retry('latency offset', attempt, diag)
        except Failure as e:
            if 'clicks off by [%d] frames' % -latency_offset in str(e) or \
               'clicks off by [%d] frames' % latency_offset in str(e):
                return 'with --latency-offset=%d the check sees it: %s' % (
                    latency_offset, str(e).split(': ', 1)[1])
            raise
        raise Failure('--latency-offset=%d went unnoticed: %s' % (latency_offset, msg))
    return retry('quantum %d' % quantum, attempt, diag)


def t_punch(tools, root, diag):
    d = os.path.join(root, 'punch')
    project = overdub_project(d)

    def attempt():
        with PrivatePipeWire(quantum=256) as pw:
            out, report = record_overdub(tools, pw, d, 'punch', project,
                                         ['--from', '20000', '--to', '150000',
                                          '--punch-in', '50000', '--punch-out', '100000'])
        takes = report['takes']
        check(len(takes) == 1, 'punch: %d takes, expected 1: %s' % (len(takes), takes))
        t = takes[0]
        check((t['start'], t['length'], t['active']) == (50000, 50000, True),
              'punch: the take covers [%d, %d) (active %s), not [50000, 100000)'
              % (t['start'], t['start'] + t['length'], t['active']))
        desc = judge_clicks(take_clicks(tools, out, report), report, 'punch')
        return 'punch [50000, 100000): one take, %s' % desc[0]

    return retry('punch', attempt, diag)


def t_loop_record(tools, root, diag):
    d = os.path.join(root, 'loop')
    project = overdub_project(d)

    def attempt():
        with PrivatePipeWire(quantum=256) as pw:
            out, report = record_overdub(tools, pw, d, 'loop', project,
                                         ['--from', '24000', '--to', '96000', '--loop',
                                          '--passes', '3'])
        takes = report['takes']
        check(len(takes) == 3, 'loop: %d takes, expected 3: %s' % (len(takes), takes))
        for t in takes:
            check((t['start'], t['length']) == (24000, 72000),
                  'loop: a take covers [%d, %d), not the loop [24000, 96000)'
                  % (t['start'], t['start'] + t['length']))
        active = [t for t in takes if t['active']]
        check(len(active) == 1, 'loop: %d active takes, expected 1' % len(active))
        newest = max(takes, key=lambda t: t['source_start'])
        check(active[0] is newest, 'loop: the active take (source %d) is not the newest (%d)'
              % (active[0]['source_start'], newest['source_start']))
        starts = sorted(t['source_start'] for t in takes)
        check(starts[1] - starts[0] == 72000 and starts[2] - starts[1] == 72000,
              'loop: the passes sit at file frames %s, not one loop apart' % starts)
        desc = judge_clicks(take_clicks(tools, out, report), report, 'loop')
        return 'loop [24000, 96000) x 3: 3 takes, newest active, %s' % '; '.join(desc)

    return retry('loop record', attempt, diag)


def t_kill_recover(tools, root, diag):
    d = os.path.join(root, 'crash')
    json_project = overdub_project(d, seconds=20)
    project = os.path.join(d, 'crash.strata')
    tools.render(['--convert=' + project, json_project])
    media_dir = os.path.join(d, 'crash.media')

    def attempt():
        for f in os.listdir(media_dir) if os.path.isdir(media_dir) else []:
            os.unlink(os.path.join(media_dir, f))
        for stale in ('out.strata', 'recovered.strata'):
            if os.path.exists(os.path.join(d, stale)):
                os.unlink(os.path.join(d, stale))
        with PrivatePipeWire(quantum=256) as pw:
            cmd = [tools.play_bin, '--to', str(20 * RATE), '--record', 'rec', '--output-device',
                   SINK, '--input-device', SINK, '--save', '-o', os.path.join(d, 'out.strata'),
                   project]
            p = subprocess.Popen(cmd, env=tools.env(pw), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            began = None
            t0 = time.monotonic()
            try:
                while time.monotonic() - t0 < 10:
                    if began is None and os.path.isdir(media_dir) and any(
                            f.startswith('take-') and f.endswith('.wav')
                            for f in os.listdir(media_dir)):
                        began = time.monotonic()
                    if began is not None and time.monotonic() - began >= 3.5:
                        break
                    if p.poll() is not None:
                        raise Failure('strata-play ended before the kill (exit %s): %s'
                                      % (p.returncode, p.communicate()[1]))
                    time.sleep(0.01)
                check(began is not None, 'no take-*.wav appeared in %s within 10 s: %s'
                      % (media_dir, os.listdir(media_dir) if os.path.isdir(media_dir) else
                         'no such folder'))
                p.send_signal(signal.SIGKILL)
                elapsed = time.monotonic() - began
            finally:
                if p.poll() is None:
                    p.kill()
                p.communicate(timeout=10)
        check(p.returncode == -signal.SIGKILL, 'strata-play was not killed: %s' % p.returncode)
        check(not os.path.exists(os.path.join(d, 'out.strata')),
              'a killed strata-play saved out.strata')
        orphans = sorted(f for f in os.listdir(media_dir) if f.startswith('take-'))
        check(any(f.endswith('.wav') for f in orphans) and any(f.endswith('.wav.json')
                                                               for f in orphans),
              'after the kill %s holds %s; expected take-*.wav and its .wav.json'
              % (media_dir, orphans))

        rec = os.path.join(d, 'recovered.strata')
        r = tools.play(['--recover', '--to', '4800', '--save', '-o', rec, project],
                       tools.env(backend='dummy'))
        played_ok(r, 'recover')
        m = re.search(r"recovered a take of (\d+) frames on track 'rec' from (\S+)", r.stdout)
        check(m, 'strata-play --recover did not say it recovered a take: %r' % r.stdout)
        check(not any(f.startswith('take-') for f in os.listdir(media_dir)),
              'the orphan is still in %s after recovery: %s' % (media_dir,
                                                                 os.listdir(media_dir)))
        project_json = tools.project_json(rec)
        track = next(t for t in project_json['tracks'] if t['id'] == 'rec')
        clips = track['clips']
        check(len(clips) == 1, 'track rec has %d clips after recovery, expected 1' % len(clips))
        clip = clips[0]
        need = int((elapsed - 1.0) * RATE)
        check(clip['length'] >= need,
              'recovered %d frames (%.2f s) of a recording %.2f s long; at least %d expected'
              % (clip['length'], clip['length'] / RATE, elapsed, need))
        check(clip['length'] == int(m.group(1)), 'the clip has %d frames, the message says %s'
              % (clip['length'], m.group(1)))
        fake_report = {'takes': [{'media': clip['media'], 'start': clip['start'],
                                  'source_start': clip['source_start'],
                                  'length': clip['length']}], 'xruns': 0}
        desc = judge_clicks(take_clicks(tools, rec, fake_report), fake_report, 'recovered')
        again = tools.play(['--recover', '--to', '4800', rec], tools.env(backend='dummy'))
        played_ok(again, 'second recover')
        check('recovered' not in again.stdout, 'a second --recover found another take: %r'
              % again.stdout)
        return ('killed after %.2f s of recording; recovered %d frames (%.2f s) at %d, %s'
                % (elapsed, clip['length'], clip['length'] / RATE, clip['start'], desc[0]))

    return retry('kill -9', attempt, diag)


def t_device_loss(tools, root, diag, recording):
    d = os.path.join(root, 'loss-rec' if recording else 'loss-play')
    project = overdub_project(d, seconds=20)
    rep = os.path.join(d, 'report.json')
    out = os.path.join(d, 'lost.strata')
    args = ['--to', str(20 * RATE), '--output-device', SINK, '--report', rep]
    if recording:
        args += ['--record', 'rec', '--input-device', SINK, '--save', '-o', out]

    def attempt():
        with PrivatePipeWire(quantum=256) as pw:
            p = subprocess.Popen(['timeout', '-k', '5', '40', tools.play_bin] + args + [project],
                                 env=tools.env(pw), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            try:
                time.sleep(2.0)
                if p.poll() is not None:
                    raise Failure('strata-play ended before the server was killed: %s'
                                  % p.communicate()[1])
                pw.kill_server()
                killed = time.monotonic()
                try:
                    _, err = p.communicate(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.communicate()
                    raise Failure('strata-play still running 10 s after the server died')
                took = time.monotonic() - killed
            finally:
                if p.poll() is None:
                    p.kill()
                    p.communicate()
        rc = p.returncode
        check(rc == 1, 'exit status %d after the server died; expected 1 (124 = hung, '
              '>= 128 or < 0 = a crash)\n%s' % (rc, err))
        check(took < 3.0, 'strata-play took %.2f s to notice the server died' % took)
        check(re.search(r'PipeWire server went away', err),
              'stderr does not name the problem: %r' % err)
        check('CRITICAL' not in err and 'WARNING' not in err, 'warnings on stderr: %r' % err)
        report = load_report(rep)
        check(report['backend'] == 'pipewire' and 0 < report['frames_played'] < 20 * RATE,
              'report after the loss: backend %s, %d frames played'
              % (report['backend'], report['frames_played']))
        msg = 'exit 1 after %.3f s: %r; %d frames played' % (took, err.strip(),
                                                             report['frames_played'])
        if recording:
            takes = report['takes']
            check(len(takes) == 1, '%d takes kept after the loss: %s' % (len(takes), takes))
            check(takes[0]['length'] >= RATE, 'only %d frames kept' % takes[0]['length'])
            desc = judge_clicks(take_clicks(tools, out, report), report, 'after the loss')
            msg += '; the take so far kept (%d frames), %s' % (takes[0]['length'], desc[0])
        return msg

    return retry('device loss', attempt, diag)


def t_no_server(tools, root, diag):
    d = os.path.join(root, 'noserver')
    project = overdub_project(d)
    empty = os.path.join(root, 'empty-runtime')
    os.makedirs(empty, mode=0o700, exist_ok=True)
    base = {k: v for k, v in os.environ.items() if k not in pwserver.UNSET_VARS
            and k not in ('PIPEWIRE_RUNTIME_DIR', 'DBUS_SESSION_BUS_ADDRESS')}
    base['XDG_RUNTIME_DIR'] = empty
    base['XDG_CACHE_HOME'] = os.path.join(root, 'cache')
    nogst = os.path.join(root, 'no-gst-plugins')
    os.makedirs(nogst, exist_ok=True)
    cases = [
        # (what, backend asked for, extra env, messages in order)
        ('pipewire asked', 'pipewire', {}, ['pipewire audio could not start: no PipeWire server '
                                           'is running', 'gstreamer audio could not start: ']),
        ('gstreamer asked', 'gstreamer', {}, ['gstreamer audio could not start: ',
                                             'pipewire audio could not start: no PipeWire '
                                             'server is running']),
        ('no GStreamer plugins either', 'pipewire',
         {'GST_PLUGIN_SYSTEM_PATH_1_0': nogst, 'GST_PLUGIN_PATH_1_0': nogst,
          'GST_REGISTRY_1_0': os.path.join(nogst, 'registry.bin'), 'GST_REGISTRY_UPDATE': 'yes'},
         ['pipewire audio could not start: no PipeWire server is running',
          'gstreamer audio could not start: no GStreamer audio output element is installed']),
    ]
    found = []
    for what, backend, extra, messages in cases:
        env = dict(base, STRATA_AUDIO_BACKEND=backend, **extra)
        rep = os.path.join(d, 'report.json')
        if os.path.exists(rep):
            os.unlink(rep)
        p = tools.play(['--to', '9600', '--report', rep, project], env, timeout=30)
        check(p.returncode == 0, '%s: exit %d: %s' % (what, p.returncode, p.stderr))
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        check(len(lines) == 1 and lines[0].startswith('strata-play: '),
              '%s: expected one line on stderr, got %r' % (what, p.stderr))
        report = load_report(rep)
        ended = report['backend']
        if ended == 'gstreamer' and not extra:
            # A machine with a sound card (alsasink) or a PulseAudio server: GStreamer may
            # really start there. Then only PipeWire failed, and the dummy was not needed.
            messages = [m for m in messages if m.startswith('pipewire')]
        else:
            check(ended == 'dummy', '%s: ended on %s, expected dummy (the last resort)'
                  % (what, ended))
        pos = [lines[0].find(m) for m in messages]
        check(all(x >= 0 for x in pos) and pos == sorted(pos),
              '%s: stderr %r should say, in this order: %s' % (what, lines[0], messages))
        check(report['frames_played'] == 9600, '%s: %d frames played on %s, expected 9600'
              % (what, report['frames_played'], ended))
        found.append('%s -> %s (%s)' % (what, ended, lines[0][len('strata-play: '):]))
    p = tools.play(['--to', '9600', project], dict(base, STRATA_AUDIO_BACKEND='nonsense'))
    check(p.returncode == 2 and 'STRATA_AUDIO_BACKEND=nonsense' in p.stderr,
          'an unknown STRATA_AUDIO_BACKEND: exit %d, %r' % (p.returncode, p.stderr))
    return '; '.join(found)


def t_measure_latency(tools, root, diag):
    """--measure-latency through the dummy backend: with its loopback (input = output one
    period later, which the round trip already counts) the offset is 0; without one the click
    never comes back, which is exit 1 with the reason, after the 3 s wait."""
    project = overdub_project(os.path.join(root, 'measure'))
    env = tools.env(backend='dummy')
    p = tools.play(['--measure-latency', '--dummy-loopback', project], env, timeout=30)
    check(p.returncode == 0 and 'calibration offset 0 frames' in p.stdout,
          'with a loopback: exit %d, %r %r' % (p.returncode, p.stdout, p.stderr))
    p = tools.play(['--measure-latency', project], env, timeout=30)
    check(p.returncode == 1 and 'the click did not come back' in p.stderr,
          'without a loopback: exit %d, %r' % (p.returncode, p.stderr))
    return 'offset 0 through the loopback; no loopback: %s' % p.stderr.strip()


# ---- main ------------------------------------------------------------------------------------

def main():
    if len(sys.argv) != 3:
        print('usage: %s PATH/TO/strata-play PATH/TO/strata-render' % sys.argv[0],
              file=sys.stderr)
        return 2
    play, render = (os.path.abspath(a) for a in sys.argv[1:3])
    for b in (play, render):
        if not os.access(b, os.X_OK):
            print('Bail out! %s is not an executable' % b)
            return 1
    ok, why = pwserver.available()
    if ok and shutil.which('sox') is None:
        ok, why = False, 'sox is not installed'
    if not ok:
        print('1..0 # SKIP %s' % why)
        return 0

    shm = '/dev/shm' if os.path.isdir('/dev/shm') and os.access('/dev/shm', os.W_OK) else None
    tests = [
        ('the capture comparison tells dropouts from errors', t_comparator),
        ('playback equals the offline render over a loop and a tempo change',
         t_playback_equals_render),
        ('the GStreamer backend plays the same, bit for bit',
         lambda *a: t_playback_equals_render(*a, backend='gstreamer')),
        ('overdub alignment at quantum 64', lambda *a: t_overdub(*a, quantum=64)),
        ('overdub alignment at quantum 256', lambda *a: t_overdub(*a, quantum=256)),
        ('overdub alignment at quantum 1024', lambda *a: t_overdub(*a, quantum=1024)),
        ('the alignment check sees a 1-frame error (--latency-offset=1)',
         lambda *a: t_overdub(*a, quantum=256, latency_offset=1)),
        ('punch recording keeps exactly [in, out)', t_punch),
        ('loop recording: one take per pass, newest active', t_loop_record),
        ('kill -9 while recording, then --recover', t_kill_recover),
        ('device loss while playing', lambda *a: t_device_loss(*a, recording=False)),
        ('device loss while recording keeps the take', lambda *a: t_device_loss(*a,
                                                                                 recording=True)),
        ('no server: pipewire -> gstreamer -> dummy', t_no_server),
        ('--measure-latency: 0 through a loopback, a clear error without', t_measure_latency),
    ]
    only = os.environ.get('STRATA_TEST_PLAY_ONLY')
    if only:
        tests = [t for i, t in enumerate(tests, 1) if str(i) in only.split(',')]
    print('1..%d' % len(tests), flush=True)
    failed = 0
    t_start = time.monotonic()
    root = tempfile.mkdtemp(prefix='strata-play-test-', dir=shm)
    try:
        tools = Tools(play, render, root)
        tools.capture_dir = root
        for number, (name, fn) in enumerate(tests, 1):
            tools.log = []
            diag = []
            t0 = time.monotonic()
            try:
                result = fn(tools, root, diag)
            except Skip as e:
                print('ok %d - %s # SKIP %s' % (number, name, e))
            except Failure as e:
                failed += 1
                print('not ok %d - %s' % (number, name))
                for line in str(e).split('\n'):
                    print('# ' + line)
                for entry in tools.log[-6:]:
                    for line in entry.split('\n'):
                        print('#   ' + line)
            except Exception as e:  # a crash of the test itself is a failure too
                failed += 1
                print('not ok %d - %s' % (number, name))
                print('# %s: %s' % (type(e).__name__, e))
                for entry in tools.log[-6:]:
                    for line in entry.split('\n'):
                        print('#   ' + line)
            else:
                print('ok %d - %s' % (number, name))
                print('# %s [%.1f s]' % (result, time.monotonic() - t0))
            for line in diag:
                print('# ' + line)
            sys.stdout.flush()
    finally:
        if os.environ.get('STRATA_TEST_PLAY_KEEP'):
            print('# kept %s' % root)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print('# total %.1f s' % (time.monotonic() - t_start))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
