#!/usr/bin/env python3
# test-cli-render.py
# SPDX-License-Identifier: GPL-3.0-or-later
#
# strata-render from the outside: every exit code (0 done, 1 project/media/I-O error, 2 usage
# error), every message form (`strata-render: FILE: json.path: problem`), the files it writes
# (headers read back by hand: RIFF/WAVE fmt and data chunks, FLAC STREAMINFO), ranges, stems,
# loudness (checked against ffmpeg's ebur128), the plan, the report, conversion, -q and the
# progress bar on a terminal. Usage: test-cli-render.py PATH/TO/strata-render
# Projects come from tests/data/cli/; their audio is generated here with the wave module.
# Output is TAP.

import json
import math
import os
import pty
import random
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'data', 'cli')
RATE = 48000
# song.json: Kick 0..48000 and 96000..144000, Pad 48000..144000, Drums (t3) 24000..72000.
SONG_FRAMES = 144000
REPORT_KEYS = ('frames', 'seconds', 'integrated_lufs', 'loudness_range_lu', 'true_peak_dbtp',
               'files', 'render_seconds', 'realtime_factor')


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# ---- audio files written here ----------------------------------------------------------------

def write_wav(path, rate, channels, frames, sample):
    """sample(i, c) -> float in [-1, 1]; written as 16-bit PCM."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = bytearray()
    for i in range(frames):
        for c in range(channels):
            v = max(-1.0, min(1.0, sample(i, c)))
            data += struct.pack('<h', int(round(v * 32767)))
    with wave.open(path, 'wb') as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(data))


def kick(i, c):
    t = i / RATE
    return 0.8 * math.exp(-t * 6.0) * math.sin(2 * math.pi * (55.0 + 80.0 * math.exp(-t * 30)) * t)


def pad(i, c):
    t = i / RATE
    phase = 0.3 * c
    return 0.2 * (math.sin(2 * math.pi * 220.0 * t + phase) + math.sin(2 * math.pi * 277.18 * t)
                  + math.sin(2 * math.pi * 329.63 * t - phase))


def low(i, c):
    return 0.5 * math.sin(2 * math.pi * 110.0 * i / 22050)


# ---- reading what strata-render wrote --------------------------------------------------------

def read_wav(path):
    """The fmt fields and the data chunk of a RIFF/WAVE file, parsed by hand (any chunks)."""
    with open(path, 'rb') as f:
        blob = f.read()
    check(len(blob) >= 12 and blob[0:4] == b'RIFF' and blob[8:12] == b'WAVE',
          '%s: not a RIFF/WAVE file (starts %r)' % (path, blob[:12]))
    check(struct.unpack('<I', blob[4:8])[0] == len(blob) - 8,
          '%s: RIFF size %d but the file has %d bytes after it'
          % (path, struct.unpack('<I', blob[4:8])[0], len(blob) - 8))
    pos, fmt, data = 12, None, None
    while pos + 8 <= len(blob):
        cid, size = blob[pos:pos + 4], struct.unpack('<I', blob[pos + 4:pos + 8])[0]
        body = blob[pos + 8:pos + 8 + size]
        if cid == b'fmt ':
            tag, channels, rate, _, align, bits = struct.unpack('<HHIIHH', body[:16])
            if tag == 0xFFFE and len(body) >= 40:
                tag = struct.unpack('<H', body[24:26])[0]
            fmt = {'tag': tag, 'channels': channels, 'rate': rate, 'align': align, 'bits': bits}
        elif cid == b'data':
            check(len(body) == size, '%s: data chunk says %d bytes, %d present'
                  % (path, size, len(body)))
            data = body
        pos += 8 + size + (size & 1)
    check(fmt is not None, '%s: no fmt chunk' % path)
    check(data is not None, '%s: no data chunk' % path)
    fmt['frames'] = len(data) // fmt['align']
    fmt['data'] = data
    return fmt


def read_flac(path):
    with open(path, 'rb') as f:
        head = f.read(42)
    check(head[:4] == b'fLaC', '%s: not a FLAC file (starts %r)' % (path, head[:4]))
    check(head[4] & 0x7F == 0, '%s: first metadata block is not STREAMINFO' % path)
    info = int.from_bytes(head[18:26], 'big')
    return {'rate': info >> 44, 'channels': ((info >> 41) & 7) + 1,
            'bits': ((info >> 36) & 31) + 1, 'frames': info & ((1 << 36) - 1)}


def samples(fmt):
    """The data chunk as floats (16/24-bit PCM or 32-bit float), interleaved."""
    data, bits = fmt['data'], fmt['bits']
    if fmt['tag'] == 3:
        return struct.unpack('<%df' % (len(data) // 4), data)
    if bits == 16:
        return [v / 32768.0 for v in struct.unpack('<%dh' % (len(data) // 2), data)]
    if bits == 24:
        return [int.from_bytes(data[i:i + 3], 'little', signed=True) / 8388608.0
                for i in range(0, len(data), 3)]
    raise Failure('cannot read %d-bit samples (format tag %d)' % (bits, fmt['tag']))


def ffmpeg_loudness(path):
    """(integrated LUFS, true peak dBTP) of a file as ffmpeg's ebur128 filter measures them."""
    p = subprocess.run(['ffmpeg', '-nostats', '-hide_banner', '-i', path, '-af',
                        'ebur128=peak=true', '-f', 'null', '-'],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, 'ffmpeg failed on %s: %s' % (path, p.stderr[-500:]))
    summary = p.stderr[p.stderr.rfind('Summary:'):]
    lufs = re.search(r'I:\s+(-?[\d.]+|-inf) LUFS', summary)
    peak = re.search(r'Peak:\s+(-?[\d.]+|-inf) dBFS', summary)
    check(lufs and peak, 'cannot read the ffmpeg summary: %s' % summary)
    return float(lufs.group(1)), float(peak.group(1))


# ---- running strata-render -------------------------------------------------------------------

class Runner:
    def __init__(self, binary, root):
        self.binary = binary
        self.root = root
        self.log = []
        self.env = dict(os.environ)
        self.env['LC_ALL'] = 'C.UTF-8'
        self.env['LANGUAGE'] = 'C'
        self.env['XDG_CACHE_HOME'] = os.path.join(root, 'cache')
        self.env['XDG_DATA_HOME'] = os.path.join(root, 'data-home')
        self.env['XDG_CONFIG_HOME'] = os.path.join(root, 'config')

    def __call__(self, *args, cwd=None):
        cwd = cwd or os.path.join(self.root, 'proj')
        start = time.monotonic()
        p = subprocess.run([self.binary] + list(args), cwd=cwd, env=self.env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        out = p.stdout.decode('utf-8', 'replace')
        err = p.stderr.decode('utf-8', 'replace')
        self.log.append('(cd %s && strata-render %s) -> exit %d, %.2f s%s%s'
                        % (os.path.relpath(cwd, self.root), ' '.join(map(shell_quote, args)),
                           p.returncode, time.monotonic() - start,
                           '\n  stdout: ' + abbreviate(out) if out else '',
                           '\n  stderr: ' + abbreviate(err) if err else ''))
        return p.returncode, out, err


def shell_quote(arg):
    return arg if re.fullmatch(r'[\w@%+=:,./-]+', arg) else "'" + arg.replace("'", "'\\''") + "'"


def abbreviate(text, limit=700):
    text = text.rstrip('\n')
    return text if len(text) <= limit else text[:limit] + '... (%d more chars)' % (len(text) - limit)


def files_under(path):
    """Every file (hidden ones too) left under path, relative to it."""
    found = []
    if os.path.isfile(path):
        return [os.path.basename(path)]
    for dirpath, _, names in os.walk(path):
        found += [os.path.relpath(os.path.join(dirpath, n), path) for n in names]
    return sorted(found)


class Checks:
    """Checks that all run, failing together: an error case reports every broken promise."""
    def __init__(self):
        self.problems = []

    def __call__(self, condition, message):
        if not condition:
            self.problems.append(message)
        return condition

    def done(self):
        if self.problems:
            raise Failure('\n'.join(self.problems))


def lines_of(err):
    return [line for line in err.split('\n') if line.strip()]


def one_line(err):
    lines = [line for line in err.split('\n') if line.strip()]
    check(len(lines) == 1, 'expected one line on stderr, got %d: %r' % (len(lines), err))
    return lines[0]


# ---- the tests -------------------------------------------------------------------------------

TESTS = []


def test(name):
    def register(fn):
        TESTS.append((name, fn))
        return fn
    return register


def render_ok(run, *args, cwd=None):
    rc, out, err = run(*args, cwd=cwd)
    check(rc == 0, 'exit %d, expected 0; stderr: %s' % (rc, err.strip()))
    return out, err


def load_report(path):
    with open(path) as f:
        report = json.load(f)
    missing = [k for k in REPORT_KEYS if k not in report]
    check(not missing, 'report lacks %s: %s' % (missing, report))
    return report


@test('-o master.wav: exit 0, RIFF/WAVE stereo 48 kHz 24-bit, frames == report, stderr empty')
def t_wav(run, d):
    out, err = render_ok(run, '-o', 'out/master.wav', '--report', 'out/report.json', 'song.json')
    check(err == '', 'stderr is not a terminal, yet it got: %r' % err)
    fmt = read_wav(os.path.join(d, 'out/master.wav'))
    report = load_report(os.path.join(d, 'out/report.json'))
    check(fmt['channels'] == 2, 'channels %d, expected 2' % fmt['channels'])
    check(fmt['rate'] == RATE, 'rate %d, expected 48000' % fmt['rate'])
    check(fmt['tag'] == 1 and fmt['bits'] == 24,
          'format tag %d, %d bits; expected PCM 24 (the default)' % (fmt['tag'], fmt['bits']))
    check(fmt['frames'] == report['frames'],
          'file has %d frames, report says %d' % (fmt['frames'], report['frames']))
    check(report['frames'] == SONG_FRAMES, 'default range has %d frames, expected %d (end of '
          'the last clip, no effects)' % (report['frames'], SONG_FRAMES))
    check(max(abs(s) for s in samples(fmt)) > 0.05, 'the master is (nearly) silent')
    check(out.strip() != '', 'without -q a summary is expected on stdout')


@test('--bit-depth 16 / 24 / 32f: sample width (and float tag) in the WAV')
def t_bit_depth(run, d):
    for depth, tag, bits in (('16', 1, 16), ('24', 1, 24), ('32f', 3, 32)):
        name = 'out/b%s.wav' % depth
        render_ok(run, '-q', '--bit-depth', depth, '-o', name, 'song.json')
        fmt = read_wav(os.path.join(d, name))
        check((fmt['tag'], fmt['bits']) == (tag, bits),
              '--bit-depth %s wrote format tag %d with %d bits, expected tag %d with %d'
              % (depth, fmt['tag'], fmt['bits'], tag, bits))
        check(fmt['align'] == 2 * bits // 8, '--bit-depth %s: block align %d' % (depth, fmt['align']))
        check(fmt['frames'] == SONG_FRAMES, '--bit-depth %s: %d frames' % (depth, fmt['frames']))


@test('FLAC 16 and 24 (default): STREAMINFO bits, channels, rate, frames; FLAC stems')
def t_flac(run, d):
    for depth, args in ((16, ['--bit-depth', '16']), (24, [])):
        name = 'out/m%d.flac' % depth
        render_ok(run, '-q', *args, '-o', name, '--report', 'out/r%d.json' % depth,
                  *(['--stems', 'out/fstems'] if depth == 24 else []), 'song.json')
        info = read_flac(os.path.join(d, name))
        report = load_report(os.path.join(d, 'out/r%d.json' % depth))
        check(info['bits'] == depth, '%s: %d bits per sample, expected %d'
              % (name, info['bits'], depth))
        check(info['channels'] == 2 and info['rate'] == RATE,
              '%s: %d channels at %d Hz' % (name, info['channels'], info['rate']))
        check(info['frames'] == report['frames'] == SONG_FRAMES,
              '%s: %d frames, report %d, expected %d'
              % (name, info['frames'], report['frames'], SONG_FRAMES))
    stems = files_under(os.path.join(d, 'out/fstems'))
    check(stems and all(s.endswith('.flac') for s in stems),
          'with a .flac master the stems should be FLAC: %s' % stems)


@test('--stems DIR: one file per track and bus, named after them, clash gets the id')
def t_stems(run, d):
    render_ok(run, '-q', '--bit-depth', '32f', '-o', 'out/master.wav', '--stems', 'out/stems',
              '--report', 'out/report.json', 'song.json')
    expected = ['Drums-drums.wav', 'Drums-t3.wav', 'Kick.wav', 'Pad.wav']
    got = files_under(os.path.join(d, 'out/stems'))
    check(got == expected, 'stems dir holds %s, expected %s' % (got, expected))
    master = read_wav(os.path.join(d, 'out/master.wav'))
    stems = {name: read_wav(os.path.join(d, 'out/stems', name)) for name in expected}
    for name, fmt in stems.items():
        check(fmt['frames'] == master['frames'] and fmt['channels'] == 2 and fmt['tag'] == 3,
              '%s: %d frames, %d channels, tag %d (master %d frames)'
              % (name, fmt['frames'], fmt['channels'], fmt['tag'], master['frames']))
    report = load_report(os.path.join(d, 'out/report.json'))
    listed = sorted(os.path.basename(f) for f in report['files'])
    check(listed == sorted(expected + ['master.wav']), 'report files: %s' % report['files'])
    # The master is the Drums bus plus the Pad track (the only strips routed to the master).
    m, bus, pad_ = samples(master), samples(stems['Drums-drums.wav']), samples(stems['Pad.wav'])
    worst = max(abs(a - b - c) for a, b, c in zip(m, bus, pad_))
    check(worst < 1e-5, 'bus stem + Pad stem differs from the master by %g' % worst)
    # Stems alone (no -o) are allowed.
    render_ok(run, '-q', '--stems', 'out/only-stems', 'song.json')
    got = files_under(os.path.join(d, 'out/only-stems'))
    check(got == expected, '--stems without -o: %s, expected %s' % (got, expected))
    # One kind only: the bus stem alone, or the tracks alone, each the same audio as above.
    for kinds, names in (('buses', ['Drums-drums.wav']),
                         ('tracks', ['Drums-t3.wav', 'Kick.wav', 'Pad.wav'])):
        out, _ = render_ok(run, '--plan', '--stems', 'out/' + kinds, '--stem-kinds', kinds,
                           'song.json')
        planned = sorted(os.path.basename(s['file']) for s in json.loads(out)['stems'])
        check(planned == names, '--stem-kinds %s plans %s, expected %s' % (kinds, planned, names))
        render_ok(run, '-q', '--bit-depth', '32f', '--stems', 'out/' + kinds, '--stem-kinds',
                  kinds, 'song.json')
        got = files_under(os.path.join(d, 'out', kinds))
        check(got == names, '--stem-kinds %s writes %s, expected %s' % (kinds, got, names))
        for name in names:
            alone = samples(read_wav(os.path.join(d, 'out', kinds, name)))
            check(alone == samples(stems[name]), '%s differs from the all-stems render' % name)


@test('--start/--end in frames: frames == end - start, samples equal the full render\'s')
def t_range_frames(run, d):
    render_ok(run, '-q', '-o', 'out/full.wav', 'song.json')
    render_ok(run, '-q', '--start', '24000', '--end', '72000', '-o', 'out/part.wav', 'song.json')
    full, part = read_wav(os.path.join(d, 'out/full.wav')), read_wav(os.path.join(d, 'out/part.wav'))
    check(part['frames'] == 48000, '--start 24000 --end 72000 gave %d frames' % part['frames'])
    check(part['data'] == full['data'][24000 * 6:72000 * 6],
          'frames 24000..72000 differ from the same frames of the full render')
    render_ok(run, '-q', '--start', '96000', '-o', 'out/tail.wav', 'song.json')
    tail = read_wav(os.path.join(d, 'out/tail.wav'))
    check(tail['frames'] == SONG_FRAMES - 96000, '--start 96000 alone gave %d frames, expected %d'
          % (tail['frames'], SONG_FRAMES - 96000))
    render_ok(run, '-q', '--end', '200000', '-o', 'out/long.wav', 'song.json')
    long_ = read_wav(os.path.join(d, 'out/long.wav'))
    check(long_['frames'] == 200000, '--end 200000 gave %d frames' % long_['frames'])


@test('--start/--end as BAR.BEAT.TICK: 1.2.0..2.1.0 is 72000 frames, 1.1.480 is frame 12000')
def t_range_musical(run, d):
    render_ok(run, '-q', '--start', '1.2.0', '--end', '2.1.0', '-o', 'out/a.wav',
              '--report', 'out/a.json', 'song.json')
    fmt, report = read_wav(os.path.join(d, 'out/a.wav')), load_report(os.path.join(d, 'out/a.json'))
    check(fmt['frames'] == report['frames'] == 72000,
          '1.2.0..2.1.0: file %d frames, report %d, expected 72000' % (fmt['frames'], report['frames']))
    render_ok(run, '-q', '--start', '1.1.480', '--end', '24000', '-o', 'out/b.wav', 'song.json')
    fmt = read_wav(os.path.join(d, 'out/b.wav'))
    check(fmt['frames'] == 12000, '1.1.480..24000: %d frames, expected 12000' % fmt['frames'])


@test('--loudness -14: report within 0.5 LU, true peak <= -1 dBTP; ffmpeg ebur128 agrees')
def t_loudness_14(run, d):
    render_ok(run, '-q', '--loudness', '-14', '-o', 'out/l14.wav', '--report', 'out/l14.json',
              'song.json')
    report = load_report(os.path.join(d, 'out/l14.json'))
    check(abs(report['integrated_lufs'] + 14) <= 0.5,
          'report integrated %.2f LUFS, target -14' % report['integrated_lufs'])
    check(report['true_peak_dbtp'] <= -1.0,
          'report true peak %.3f dBTP over the default -1.0 ceiling' % report['true_peak_dbtp'])
    lufs, peak = ffmpeg_loudness(os.path.join(d, 'out/l14.wav'))
    check(abs(lufs + 14) <= 0.5, 'ffmpeg measures %.1f LUFS, target -14' % lufs)
    check(abs(lufs - report['integrated_lufs']) <= 0.3,
          'ffmpeg measures %.1f LUFS, the report says %.2f' % (lufs, report['integrated_lufs']))
    check(peak <= -1.0 + 0.2, 'ffmpeg measures a true peak of %.1f dBTP (ceiling -1)' % peak)
    frames = read_wav(os.path.join(d, 'out/l14.wav'))['frames']
    check(frames == report['frames'] == SONG_FRAMES,
          'normalised master has %d frames, report %d, expected %d (limiter: %s)'
          % (frames, report['frames'], SONG_FRAMES, report.get('limited')))


@test('--loudness -23 --true-peak -3: within 0.5 LU (report and ffmpeg), under the ceiling')
def t_loudness_23(run, d):
    render_ok(run, '-q', '--loudness', '-23', '--true-peak', '-3', '-o', 'out/l23.flac',
              '--report', 'out/l23.json', 'song.json')
    report = load_report(os.path.join(d, 'out/l23.json'))
    check(abs(report['integrated_lufs'] + 23) <= 0.5,
          'report integrated %.2f LUFS, target -23' % report['integrated_lufs'])
    check(report['true_peak_dbtp'] <= -3.0,
          'report true peak %.3f dBTP over the -3 ceiling' % report['true_peak_dbtp'])
    lufs, peak = ffmpeg_loudness(os.path.join(d, 'out/l23.flac'))
    check(abs(lufs + 23) <= 0.5, 'ffmpeg measures %.1f LUFS, target -23' % lufs)
    check(peak <= -3.0 + 0.2, 'ffmpeg measures a true peak of %.1f dBTP (ceiling -3)' % peak)
    frames = read_flac(os.path.join(d, 'out/l23.flac'))['frames']
    check(frames == report['frames'] == SONG_FRAMES,
          'normalised FLAC has %d frames, report %d, expected %d (limiter: %s)'
          % (frames, report['frames'], SONG_FRAMES, report.get('limited')))


@test('--report - : the JSON report (all keys) is stdout, consistent with the file')
def t_report_stdout(run, d):
    out, _ = render_ok(run, '--report', '-', '-o', 'out/master.wav', 'song.json')
    try:
        report = json.loads(out)
    except ValueError as e:
        raise Failure('stdout is not JSON (%s): %r' % (e, out[:300]))
    missing = [k for k in REPORT_KEYS if k not in report]
    check(not missing, 'report lacks %s' % missing)
    check(report['frames'] == SONG_FRAMES, 'frames %r' % report['frames'])
    check(abs(report['seconds'] - SONG_FRAMES / RATE) < 1e-6, 'seconds %r' % report['seconds'])
    check(isinstance(report['files'], list) and len(report['files']) == 1
          and os.path.basename(report['files'][0]) == 'master.wav', 'files %r' % report['files'])
    for key in ('integrated_lufs', 'loudness_range_lu', 'true_peak_dbtp', 'render_seconds',
                'realtime_factor'):
        check(isinstance(report[key], (int, float)), '%s is %r' % (key, report[key]))
    check(report['render_seconds'] > 0 and report['realtime_factor'] > 0,
          'render_seconds %r, realtime_factor %r' % (report['render_seconds'],
                                                     report['realtime_factor']))
    lufs, _ = ffmpeg_loudness(os.path.join(d, 'out/master.wav'))
    check(abs(lufs - report['integrated_lufs']) <= 0.3,
          'report %.2f LUFS but ffmpeg measures %.1f on the written file'
          % (report['integrated_lufs'], lufs))


@test('--plan: JSON on stdout (tracks, clips, range), nothing written even with -o/--stems')
def t_plan(run, d):
    out, _ = render_ok(run, '--plan', '-o', 'out/master.wav', '--stems', 'out/stems',
                       '--report', 'out/report.json', 'song.json')
    check(files_under(os.path.join(d, 'out')) == [] and not os.path.exists(os.path.join(d, 'out/stems')),
          '--plan wrote %s' % files_under(os.path.join(d, 'out')))
    try:
        plan = json.loads(out)
    except ValueError as e:
        raise Failure('stdout is not JSON (%s): %r' % (e, out[:300]))
    for key in ('tracks', 'range'):
        check(key in plan, 'plan lacks "%s": keys %s' % (key, sorted(plan)))
    tracks = {t.get('id'): t for t in plan['tracks']}
    check(sorted(tracks) == ['t1', 't2', 't3'], 'plan tracks %s' % sorted(tracks))
    starts = [c.get('start') for c in tracks['t1'].get('clips', [])]
    check(starts == [0, 96000], 'plan clips of t1 start at %s, expected [0, 96000]' % starts)
    check(plan['range'].get('start') == 0 and plan['range'].get('end') == SONG_FRAMES,
          'plan range %s' % plan['range'])
    out, _ = render_ok(run, '--plan', '--start', '1.2.0', '--end', '2.1.0', 'song.json')
    rng = json.loads(out)['range']
    check(rng.get('start') == 24000 and rng.get('end') == 96000,
          '--plan --start 1.2.0 --end 2.1.0: range %s, expected 24000..96000' % rng)
    check(files_under(os.path.join(d, 'out')) == [], '--plan wrote files')


@test('--convert to .strata and back to .json; both render like the original')
def t_convert(run, d):
    render_ok(run, '-q', '-o', 'out/original.wav', 'song.json')
    # Like -o, --convert writes into an existing folder and does not make one.
    rc, _, err = run('--convert', 'conv/Song.strata', 'song.json')
    check(rc == 1 and 'conv' in err and not os.path.exists(os.path.join(d, 'conv')),
          '--convert into a missing folder: exit %d, stderr %r' % (rc, err))
    os.mkdir(os.path.join(d, 'conv'))
    out, _ = render_ok(run, '--convert', 'conv/Song.strata', 'song.json')
    check(os.path.isfile(os.path.join(d, 'conv/Song.strata')), 'no conv/Song.strata')
    check('Song.strata' in out, 'without -q the CLI should say what it saved: %r' % out)
    out, _ = render_ok(run, '-q', '--convert', 'conv/back.json', 'conv/Song.strata')
    check(out == '', '-q --convert printed %r' % out)
    with open(os.path.join(d, 'conv/back.json')) as f:
        back = json.load(f)
    with open(os.path.join(d, 'song.json')) as f:
        orig = json.load(f)
    check(back.get('format') == 'strata-project' and back.get('sample_rate') == RATE,
          'back.json: format %r, rate %r' % (back.get('format'), back.get('sample_rate')))
    names = [(t['id'], t.get('name', t['id']), len(t.get('clips', []))) for t in back['tracks']]
    want = [(t['id'], t['name'], len(t['clips'])) for t in orig['tracks']]
    check(names == want, 'round trip tracks %s, expected %s' % (names, want))
    render_ok(run, '-q', '-o', 'out/from-strata.wav', 'conv/Song.strata')
    render_ok(run, '-q', '-o', 'out/from-back.wav', 'conv/back.json')
    a = read_wav(os.path.join(d, 'out/original.wav'))
    for name in ('from-strata.wav', 'from-back.wav'):
        b = read_wav(os.path.join(d, 'out', name))
        check(b['frames'] == a['frames'], '%s: %d frames, original %d'
              % (name, b['frames'], a['frames']))
        check(b['data'] == a['data'], '%s differs from the render of song.json' % name)


@test('-q: nothing on stdout or stderr, the file is written')
def t_quiet(run, d):
    out, err = render_ok(run, '-q', '-o', 'out/q.wav', '--stems', 'out/qs', 'song.json')
    check(out == '' and err == '', '-q printed stdout %r stderr %r' % (out, err))
    check(os.path.isfile(os.path.join(d, 'out/q.wav')), 'no out/q.wav')
    out, err = render_ok(run, '--quiet', '-o', 'out/q2.wav', 'song.json')
    check(out == '' and err == '', '--quiet printed stdout %r stderr %r' % (out, err))


@test('media at 22050 Hz is resampled and keeps round(frames * 48000 / 22050) frames')
def t_resampled(run, d):
    render_ok(run, '-q', '-o', 'out/r.wav', 'resampled.json')
    fmt = read_wav(os.path.join(d, 'out/r.wav'))
    check(fmt['frames'] == 48000 and fmt['rate'] == RATE,
          '22050 frames at 22050 Hz rendered as %d frames at %d Hz, expected 48000 at 48000'
          % (fmt['frames'], fmt['rate']))


def run_pty(run, *args):
    """Runs with stderr on a pseudo-terminal (stdout a pipe); returns (rc, stdout, terminal)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([run.binary] + list(args), cwd=os.path.join(run.root, 'proj'),
                         env=run.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=slave)
    os.close(slave)
    terminal = b''
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the slave side is closed
                break
            if not chunk:
                break
            terminal += chunk
        elif p.poll() is not None:
            break
    os.close(master)
    out = p.stdout.read().decode('utf-8', 'replace')
    p.stdout.close()
    rc = p.wait(timeout=30)
    terminal = terminal.decode('utf-8', 'replace')
    run.log.append('(cd proj && strata-render %s 2>/dev/pts/N) -> exit %d\n  terminal: %r'
                   % (' '.join(args), rc, abbreviate(terminal)))
    return rc, out, terminal


@test('progress bar on stderr when it is a terminal (pty), none with -q')
def t_progress(run, d):
    rc, _, terminal = run_pty(run, '-o', 'out/p.wav', 'song.json')
    check(rc == 0, 'exit %d under a pty' % rc)
    check('[###' in terminal, 'no progress bar ("[###") on the terminal: %r' % terminal[:300])
    check('100%' in terminal, 'the progress bar never reaches 100%%: %r' % terminal[-200:])
    rc, _, terminal = run_pty(run, '-q', '-o', 'out/p2.wav', 'song.json')
    check(rc == 0 and terminal == '', '-q under a pty: exit %d, terminal %r' % (rc, terminal))


# ---- usage errors: exit 2 --------------------------------------------------------------------

def usage_error(run, d, args, pattern, codes=(2,)):
    rc, out, err = run(*args)
    c = Checks()
    c(rc in codes, 'exit %d, expected %s' % (rc, ' or '.join(map(str, codes))))
    lines = lines_of(err)
    c(len(lines) == 1, 'expected one line on stderr, got %d' % len(lines))
    line = lines[0] if lines else ''
    c(line.startswith('strata-render: '), 'stderr does not start with "strata-render: ": %r'
      % line)
    c(re.search(pattern, line[len('strata-render: '):], re.I),
      'stderr %r does not match /%s/ after "strata-render: "' % (line, pattern))
    left = files_under(os.path.join(d, 'out'))
    c(left == [], 'files left behind in out/: %s' % left)
    c.done()


USAGE = [
    ('no project', ['-o', 'out/m.wav'], r'project'),
    ('two projects', ['-o', 'out/m.wav', 'song.json', 'kick-only.json'], r'project'),
    ('unknown option', ['--frobnicate', '-o', 'out/m.wav', 'song.json'], r'--frobnicate'),
    ('--bit-depth 12', ['--bit-depth', '12', '-o', 'out/m.wav', 'song.json'], r'bit-depth'),
    ('--bit-depth 32f with .flac (exit 1 or 2)',
     ['--bit-depth', '32f', '-o', 'out/m.flac', 'song.json'], r'flac.*(32|float)|(32|float).*flac'),
    ('--loudness loud', ['--loudness', 'loud', '-o', 'out/m.wav', 'song.json'], r'--loudness'),
    ('--loudness -14dB', ['--loudness', '-14dB', '-o', 'out/m.wav', 'song.json'], r'--loudness'),
    ('--true-peak without --loudness', ['--true-peak', '-1', '-o', 'out/m.wav', 'song.json'],
     r'--true-peak'),
    ('nothing to do', ['song.json'], r'-o|--output|nothing'),
    ('--stem-kinds drums', ['--stem-kinds', 'drums', '--stems', 'out/s', 'song.json'],
     r'--stem-kinds'),
    ('--stem-kinds without --stems', ['--stem-kinds', 'buses', '-o', 'out/m.wav', 'song.json'],
     r'--stem-kinds'),
    ('--start abc', ['--start', 'abc', '-o', 'out/m.wav', 'song.json'], r'--start'),
    ('--start 1.x.0', ['--start', '1.x.0', '-o', 'out/m.wav', 'song.json'], r'--start'),
    ('--start 0.1.0 (bar 0)', ['--start', '0.1.0', '-o', 'out/m.wav', 'song.json'], r'--start'),
    ('--end 1.1.960 (tick out of range)', ['--end', '1.1.960', '-o', 'out/m.wav', 'song.json'],
     r'--end'),
    ('--start -5', ['--start', '-5', '-o', 'out/m.wav', 'song.json'], r'--start'),
    ('-o out.mp3: unsupported extension (exit 1 or 2)', ['-o', 'out/m.mp3', 'song.json'],
     r'\.wav|\.flac|mp3'),
    ('empty range --start 96000 --end 48000 (exit 1 or 2)',
     ['--start', '96000', '--end', '48000', '-o', 'out/m.wav', 'song.json'], r'range|empty|--end|--start'),
]

for _name, _args, _pattern in USAGE:
    def _make(args, pattern, codes):
        return lambda run, d: usage_error(run, d, args, pattern, codes)
    _codes = (1, 2) if 'exit 1 or 2' in _name else (2,)
    TESTS.append(('usage error (exit %s): %s' % ('/'.join(map(str, _codes)), _name),
                  _make(_args, _pattern, _codes)))


# ---- project, media and I/O errors: exit 1 ---------------------------------------------------

def project_error(run, d, project, pattern, exact=None, cwd=None, extra=()):
    """Exit 1, one line `strata-render: FILE: json.path: problem`, nothing in out/."""
    args = ['-o', 'out/master.wav', '--stems', 'out/stems', '--report', 'out/report.json']
    args += list(extra) + [project]
    if cwd:
        args = [a.replace('out/', '../proj/out/') for a in args]
    rc, out, err = run(*args, cwd=cwd)
    c = Checks()
    c(rc == 1, 'exit %d, expected 1' % rc)
    lines = lines_of(err)
    c(len(lines) == 1, 'expected one line on stderr, got %d' % len(lines))
    line = lines[0] if lines else ''
    if exact is not None:
        c(line == exact, 'stderr\n#   %r\n# expected\n#   %r' % (line, exact))
    prefix = 'strata-render: %s: ' % project
    if c(line.startswith(prefix), 'stderr %r does not start with %r' % (line, prefix)):
        c(re.search(pattern, line[len(prefix):]),
          'after the file name, %r does not match /%s/' % (line[len(prefix):], pattern))
    left = files_under(os.path.join(d, 'out'))
    c(left == [], 'files left behind in out/: %s' % left)
    c.done()


PROJECT = [
    ('malformed JSON', 'malformed.json', r'JSON', None),
    ('unknown key', 'unknown-key.json', r'^tracks\[0\]\.colour: .*unknown', None),
    ('overlapping clips name both', 'overlap.json',
     r'^tracks\[0\]\.clips\[[01]\](\.start)?: .*overlap.*clips\[[01]\]', None),
    ('bus cycle names the cycle', 'cycle.json',
     r'^(buses|tracks)\[\d\]\.output: .*cycle.*bus-a.*bus-b|^(buses|tracks)\[\d\]\.output: '
     r'.*cycle.*bus-b.*bus-a', None),
    ('bad position "0.1.0"', 'bad-bar.json', r'',
     'strata-render: bad-bar.json: tracks[0].clips[0].start: bar must be >= 1'),
    ('bad position "1.5.0" in 4/4', 'bad-beat.json', r'^tracks\[0\]\.clips\[0\]\.start: .*beat',
     None),
    ('bad position "1.1.960"', 'bad-tick.json', r'^tracks\[0\]\.clips\[0\]\.start: .*tick', None),
    ('zero tempo', 'zero-tempo.json', r'^tempo_map\[0\]\.bpm: .*0', None),
    ('clip past its source (length)', 'past-source.json',
     r'^tracks\[0\]\.clips\[0\](\.length)?: .*(past|beyond|exceed).*kick', None),
    ('clip past its source (source_start + length)', 'past-source-trim.json',
     r'^tracks\[0\]\.clips\[0\](\.length|\.source_start)?: .*(past|beyond|exceed).*kick', None),
    ('sample rate 22050', 'rate-22050.json', r'^sample_rate: .*22050', None),
    ('clip of an unknown media id', 'unknown-media.json',
     r"^tracks\[0\]\.clips\[0\]\.media: .*snare", None),
    ('a project file that does not exist', 'nothere.json', r'No such file', None),
]

for _name, _file, _pattern, _exact in PROJECT:
    def _make(project, pattern, exact):
        return lambda run, d: project_error(run, d, project, pattern, exact)
    TESTS.append(('project error (exit 1): ' + _name, _make(_file, _pattern, _exact)))


@test('project error (exit 1): missing media quotes the path as written (the doc\'s example)')
def t_missing_media(run, d):
    project_error(run, d, 'song.json', r'', cwd=os.path.join(d, '..', 'missing'),
                  exact="strata-render: song.json: media[0].path: cannot open 'audio/kick.wav': "
                        "No such file or directory")


@test('project error (exit 1): corrupt media (garbage .wav) quotes the path as written')
def t_corrupt_media(run, d):
    project_error(run, d, 'song.json', r"^media\[0\]\.path: cannot open 'audio/kick\.wav': \S",
                  cwd=os.path.join(d, '..', 'corrupt'))


@test('project error (exit 1): a .strata that is not a project, left untouched')
def t_not_strata(run, d):
    path = os.path.join(d, 'notaproject.strata')
    before = open(path, 'rb').read()
    project_error(run, d, 'notaproject.strata', r'not a (Strata )?project')
    check(open(path, 'rb').read() == before, 'the file was modified')
    extra = [f for f in os.listdir(d) if f.startswith('notaproject.strata') and f != 'notaproject.strata']
    check(extra == [], 'files created beside it: %s' % extra)


def io_error(run, d, args, named):
    """Exit 1, one line naming the path (a regular expression) as given, nothing left."""
    rc, out, err = run(*args)
    c = Checks()
    c(rc == 1, 'exit %d, expected 1' % rc)
    lines = lines_of(err)
    c(len(lines) == 1, 'expected one line on stderr, got %d' % len(lines))
    line = lines[0] if lines else ''
    c(line.startswith('strata-render: '), 'stderr %r' % line)
    c(re.search(r'(^|[\s:\'"“])' + named + r'([\s:\'"”]|$)', line),
      'stderr %r does not name /%s/ (as given)' % (line, named))
    left = files_under(os.path.join(d, 'out'))
    c(left == [], 'files left behind in out/: %s' % left)
    left = [f for f in os.listdir(d) if f.startswith('.')]
    c(left == [], 'hidden files left in the project dir: %s' % left)
    c.done()


@test('I/O error (exit 1): -o into a folder that does not exist names the path')
def t_io_nodir(run, d):
    io_error(run, d, ['-o', 'nodir/master.wav', '--stems', 'out/stems', 'song.json'],
             r'nodir/master\.wav')


@test('I/O error (exit 1): -o under a regular file (not a folder) names the path')
def t_io_notdir(run, d):
    io_error(run, d, ['-o', 'afile/master.wav', 'song.json'], r'afile/master\.wav')
    io_error(run, d, ['--loudness', '-14', '-o', 'afile/master.wav', 'song.json'],
             r'afile(/master\.wav)?')


@test('I/O error (exit 1): -o into a read-only folder names the path')
def t_io_readonly(run, d):
    if os.geteuid() == 0:
        return 'SKIP running as root: permissions do not apply'
    ro = os.path.join(d, 'ro')
    os.chmod(ro, 0o555)
    try:
        io_error(run, d, ['-o', 'ro/master.wav', 'song.json'], r'ro(/master\.wav)?')
    finally:
        os.chmod(ro, 0o755)


@test('I/O error (exit 1): --stems onto a regular file; the master is not left behind')
def t_io_stems(run, d):
    io_error(run, d, ['-o', 'out/master.wav', '--stems', 'afile', 'song.json'], r'afile')


@test('I/O error (exit 1): --report into a missing folder; the master is not left behind')
def t_io_report(run, d):
    io_error(run, d, ['-o', 'out/master.wav', '--report', 'nodir/report.json', 'song.json'],
             r'nodir/report\.json')


@test('I/O error (exit 1): -o into a missing folder after the same render (warm cache)')
def t_io_nodir_warm(run, d):
    render_ok(run, '-q', '-o', 'out/master.wav', 'song.json')
    os.unlink(os.path.join(d, 'out/master.wav'))
    io_error(run, d, ['-o', 'nodir/master.wav', 'song.json'], r'nodir/master\.wav')
    check(not os.path.exists(os.path.join(d, 'nodir')), 'nodir/ was created')


@test('I/O error (exit 1): --convert under a regular file names the path')
def t_io_convert(run, d):
    # The store may name the media folder it creates beside the file.
    io_error(run, d, ['--convert', 'afile/Song.strata', 'song.json'], r'afile/Song\.(strata|media)')
    io_error(run, d, ['--convert', 'afile/back.json', 'song.json'], r'afile/back\.json')


@test('a repeated render gives the same bytes, even after an earlier output is edited in place')
def t_cache(run, d):
    render_ok(run, '-q', '-o', 'out/a.wav', 'song.json')
    with open(os.path.join(d, 'out/a.wav'), 'rb') as f:
        original = f.read()
    render_ok(run, '-q', '-o', 'out/b.wav', 'song.json')
    with open(os.path.join(d, 'out/b.wav'), 'rb') as f:
        check(f.read() == original, 'the second render differs from the first')
    # The user edits the first render in place (silences its audio, as an editor might).
    with open(os.path.join(d, 'out/a.wav'), 'r+b') as f:
        f.seek(len(original) - 60000)
        f.write(bytes(60000))
    render_ok(run, '-q', '-o', 'out/c.wav', 'song.json')
    c = Checks()
    with open(os.path.join(d, 'out/c.wav'), 'rb') as f:
        c(f.read() == original, 'after out/a.wav was edited in place, a new render of the '
          'unchanged project gives different bytes (it reuses the edited file)')
    with open(os.path.join(d, 'out/b.wav'), 'rb') as f:
        c(f.read() == original, 'editing out/a.wav in place changed out/b.wav too (hard links)')
    c.done()


# ---- main ------------------------------------------------------------------------------------

def setup(root):
    proj = os.path.join(root, 'proj')
    shutil.copytree(DATA, proj)
    write_wav(os.path.join(proj, 'audio/kick.wav'), RATE, 1, 48000, kick)
    write_wav(os.path.join(proj, 'audio/pad.wav'), RATE, 2, 96000, pad)
    write_wav(os.path.join(proj, 'audio/low-22050.wav'), 22050, 1, 22050, low)
    with open(os.path.join(proj, 'notaproject.strata'), 'w') as f:
        f.write('This is a shopping list, not a project.\n' * 20)
    os.makedirs(os.path.join(proj, 'ro'))
    # Projects whose media is missing or corrupt, with the same song.json.
    for name in ('missing', 'corrupt'):
        os.makedirs(os.path.join(root, name))
        shutil.copy(os.path.join(DATA, 'kick-only.json'), os.path.join(root, name, 'song.json'))
    os.makedirs(os.path.join(root, 'corrupt', 'audio'))
    rng = random.Random(7)
    with open(os.path.join(root, 'corrupt', 'audio', 'kick.wav'), 'wb') as f:
        f.write(bytes(rng.randrange(256) for _ in range(4096)))


def main():
    if len(sys.argv) != 2:
        print('usage: %s PATH/TO/strata-render' % sys.argv[0], file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    if not os.access(binary, os.X_OK):
        print('Bail out! %s is not an executable' % binary)
        return 1
    failed = 0
    print('1..%d' % len(TESTS))
    with tempfile.TemporaryDirectory(prefix='strata-cli-') as root:
        setup(root)
        run = Runner(binary, root)
        proj = os.path.join(root, 'proj')
        for number, (name, fn) in enumerate(TESTS, 1):
            # Every test starts with an empty out/ and nothing else from earlier tests.
            for stale in ('out', 'conv', 'nodir', 'afile'):
                shutil.rmtree(os.path.join(proj, stale), ignore_errors=True)
            os.makedirs(os.path.join(proj, 'out'))
            with open(os.path.join(proj, 'afile'), 'w') as f:
                f.write('a file where a folder is expected\n')
            run.log = []
            # Each test has its own cache: no test depends on what an earlier one rendered.
            run.env['XDG_CACHE_HOME'] = os.path.join(root, 'cache-%d' % number)
            try:
                result = fn(run, proj)
            except Failure as e:
                failed += 1
                print('not ok %d - %s' % (number, name))
                for line in str(e).split('\n'):
                    print('# ' + line if not line.startswith('#') else line)
                for entry in run.log:
                    for line in entry.split('\n'):
                        print('#   ' + line)
            except Exception as e:  # a crash of the test itself is a failure too
                failed += 1
                print('not ok %d - %s' % (number, name))
                print('# %s: %s' % (type(e).__name__, e))
                for entry in run.log:
                    for line in entry.split('\n'):
                        print('#   ' + line)
            else:
                if isinstance(result, str) and result.startswith('SKIP'):
                    print('ok %d - %s # %s' % (number, name, result))
                else:
                    print('ok %d - %s' % (number, name))
            sys.stdout.flush()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
