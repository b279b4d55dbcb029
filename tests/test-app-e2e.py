#!/usr/bin/env python3
# test-app-e2e.py
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real app, driven like a person drives it: xdotool moves the pointer and presses keys
on a window under Xvfb (tests/harness/headless.py), the project is saved with Ctrl+S and the
saved JSON is read back. Clips are found on screen by their track colour in screenshots, so
nothing here knows the widgets' internals.

Usage: test-app-e2e.py STRATA DEMO_AUDIO_DIR SCHEMA_DIR ARTIFACT_DIR
Each step saves a screenshot into ARTIFACT_DIR (emptied first). TAP output.
Checked: a drag of 3 bars lands on the snapped bar; a drag down moves the clip to the next
track; the right edge trims; S splits at the playhead; a click in the volume lane adds a
point; a fader drag lowers the volume; Ctrl+Z undoes each as one step; Export at the -14 LUFS
preset writes a file ffmpeg measures at -14 LUFS, true peak under -1 dBTP; a drag held at the
window's edge scrolls the view and drops the clip under the pointer.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'harness'))
from headless import Headless, available  # noqa: E402

RATE = 48000
BPM = 120
BEAT = RATE * 60 // BPM          # 24000 frames: 120 BPM divides 48 kHz exactly
BAR = 4 * BEAT

# Track colours; the canvas fills each clip with its track's colour.
RED = (0xe0, 0x1b, 0x24)
HEADERS_WIDTH = 240              # the track header column is narrower than this
# Layout facts of the window at its default size (1280x800), read off its screenshots.
TRACK_HEIGHT = 80                # STRATA_TRACK_HEIGHT_DEFAULT
LANE_HEIGHT = 48                 # STRATA_LANE_HEIGHT
CLIP_INSET = 0                   # clip fill top below the row top
HEADER_LANES_BUTTON = (245, 65)  # x, and y below the row top
EXPORT_SCROLL_AT = (280, 400)    # the export dialog opens at the top-left without a WM
EXPORT_TARGET_ROW = (280, 608)   # the Loudness target row, scrolled to the bottom
EXPORT_BUTTON = (506, 27)
BLUE = (0x35, 0x84, 0xe4)


def song(audio_dir):
    """Two tracks: a two-bar clip on the first at bar 2, nothing on the second."""
    return {
        'format': 'strata-project', 'version': 1, 'name': 'E2E', 'sample_rate': RATE,
        'tempo_map': [{'at': '1.1.0', 'bpm': BPM, 'time_signature': '4/4'}],
        'media': [{'id': 'bass', 'path': os.path.join(audio_dir, 'bass.wav')}],
        'tracks': [
            {'id': 't1', 'name': 'Red', 'color': '#e01b24', 'channels': 1,
             'clips': [{'media': 'bass', 'start': BAR, 'source_start': 0, 'length': 2 * BAR}]},
            {'id': 't2', 'name': 'Blue', 'color': '#3584e4', 'channels': 1, 'clips': []},
        ],
    }


class Image:
    def __init__(self, path):
        data = subprocess.run(['convert', path, '-depth', '8', 'ppm:-'], check=True,
                              capture_output=True).stdout
        parts = data.split(b'\n', 3)   # P6, "W H", 255, pixels (no comments from convert)
        self.w, self.h = map(int, parts[1].split())
        self.px = parts[3]

    def at(self, x, y):
        i = 3 * (y * self.w + x)
        return tuple(self.px[i:i + 3])

    def box(self, rgb, tol=6, x0=0, y0=0):
        """Bounding box (left, top, right, bottom) of the pixels within tol of rgb."""
        left = top = 10 ** 9
        right = bottom = -1
        r, g, b = rgb
        px, w = self.px, self.w
        for y in range(y0, self.h):
            row = 3 * y * w
            for x in range(x0, w):
                i = row + 3 * x
                if abs(px[i] - r) <= tol and abs(px[i + 1] - g) <= tol and abs(px[i + 2] - b) <= tol:
                    left, right = min(left, x), max(right, x)
                    top, bottom = min(top, y), max(bottom, y)
        return None if right < 0 else (left, top, right, bottom)


class App:
    def __init__(self, strata, project, env, artifacts):
        self.project = project
        self.env = env
        self.artifacts = artifacts
        self.n_shots = 0
        self.pointer = None
        self.proc = subprocess.Popen([strata, project], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.xdo('search', '--sync', '--name', 'Strata')
        time.sleep(1.5)

    def xdo(self, *args):
        return subprocess.run(['xdotool', *map(str, args)], env=self.env, check=True,
                              capture_output=True, timeout=30).stdout.decode()

    def move(self, x, y):
        # xdotool's --sync waits for the pointer to move: never ask it to stay put.
        if (x, y) != self.pointer:
            self.xdo('mousemove', '--sync', x, y)
            self.pointer = (x, y)

    def key(self, *keys):
        self.xdo('key', '--clearmodifiers', *keys)
        time.sleep(0.3)

    def drag(self, x0, y0, x1, y1, steps=12, modifier=None):
        self.move(x0, y0)
        if modifier:
            self.xdo('keydown', modifier)
        self.xdo('mousedown', 1)
        for i in range(1, steps + 1):
            self.move(round(x0 + (x1 - x0) * i / steps), round(y0 + (y1 - y0) * i / steps))
            time.sleep(0.02)
        self.xdo('mouseup', 1)
        if modifier:
            self.xdo('keyup', modifier)
        time.sleep(0.4)

    def click(self, x, y):
        self.move(x, y)
        self.xdo('click', 1)
        time.sleep(0.4)

    def scroll(self, x, y, down=True, times=1, modifier=None):
        self.move(x, y)
        if modifier:
            self.xdo('keydown', modifier)
        self.xdo('click', '--repeat', times, 5 if down else 4)
        if modifier:
            self.xdo('keyup', modifier)
        time.sleep(0.3)

    def shot(self, name):
        self.n_shots += 1
        path = os.path.join(self.artifacts, f'{self.n_shots:02d}-{name}.png')
        subprocess.run(['import', '-window', 'root', path], env=self.env, check=True)
        return Image(path)

    def save(self):
        before = os.stat(self.project).st_mtime_ns
        self.key('ctrl+s')
        deadline = time.monotonic() + 10
        while os.stat(self.project).st_mtime_ns == before and time.monotonic() < deadline:
            time.sleep(0.05)
        with open(self.project) as f:
            return json.load(f)

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.proc.stdout.read().decode(errors='replace')


def clips(project, track):
    t = next(t for t in project['tracks'] if t['id'] == track)
    return sorted((c['start'], c['length']) for c in t['clips'])


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, what, detail=''):
        self.n += 1
        self.failed += not ok
        print(f"{'ok' if ok else 'not ok'} {self.n} {what}" + (f' # {detail}' if not ok and detail else ''))
        sys.stdout.flush()
        return ok


def run(strata, audio_dir, schemas, artifacts):
    tap = Tap()
    work = tempfile.mkdtemp(prefix='strata-e2e-')
    path = os.path.join(work, 'song.json')
    with open(path, 'w') as f:
        json.dump(song(audio_dir), f)
    try:
        with Headless(schemas=schemas) as h:
            h.env['STRATA_EXPORT_DIR'] = work
            app = App(strata, path, h.env, artifacts)
            try:
                steps(app, tap)
            finally:
                log = app.close()
                if tap.failed:
                    print('# app output:\n# ' + log.replace('\n', '\n# '))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f'1..{tap.n}')
    return 1 if tap.failed else 0


def clip_box(img, rgb):
    # Below the header bar and right of the track headers (whose colour swatches share the
    # colour): the clip's fill.
    return img.box(rgb, x0=HEADERS_WIDTH, y0=60)


def steps(app, tap):
    img = app.shot('opened')
    box = clip_box(img, RED)
    if not tap.check(box is not None, 'the clip shows in its track colour'):
        return
    # Ctrl+scroll zooms out around the pointer until the clip and bar 6 are in view.
    for _ in range(8):
        left, top, right, bottom = box
        if right - left < (img.w - HEADERS_WIDTH) / 3:
            break
        app.scroll(left + 10, (top + bottom) // 2, modifier='ctrl')
        img = app.shot('zoomed-out')
        box = clip_box(img, RED)
    left, top, right, bottom = box
    px_per_frame = (right - left + 1) / (2 * BAR)
    ymid = (top + bottom) // 2

    # Drag three bars to the right, a little off the grid: snap (beat) puts it on bar 5.
    dx = round((3 * BAR + BEAT * 0.3) * px_per_frame)
    app.drag(left + 20, ymid, left + 20 + dx, ymid)
    moved = clip_box(app.shot('moved-3-bars'), RED)
    # The clip's fill is inset from its edges, so its width slightly understates the zoom:
    # allow a quarter of a beat, which still tells bar 5 from the unsnapped drop.
    tap.check(moved is not None
              and abs(moved[0] - (left + 3 * BAR * px_per_frame)) <= BEAT * px_per_frame / 4,
              'the clip shows three bars further right', f'{moved} from {box}')
    saved = app.save()
    tap.check(clips(saved, 't1') == [(4 * BAR, 2 * BAR)], 'drag 3 bars right lands on bar 5',
              str(clips(saved, 't1')))
    app.key('ctrl+z')
    saved = app.save()
    tap.check(clips(saved, 't1') == [(BAR, 2 * BAR)], 'Ctrl+Z puts it back', str(clips(saved, 't1')))

    # Drag it down onto the second track.
    img = app.shot('before-track-move')
    left, top, right, bottom = clip_box(img, RED)
    row = bottom - top + 1
    app.drag(left + 20, ymid, left + 20, ymid + row + 8)
    app.shot('moved-to-track-2')
    saved = app.save()
    tap.check(clips(saved, 't1') == [] and clips(saved, 't2') == [(BAR, 2 * BAR)],
              'drag down moves the clip to the second track', str(saved['tracks']))
    app.key('ctrl+z')
    saved = app.save()
    tap.check(clips(saved, 't1') == [(BAR, 2 * BAR)] and clips(saved, 't2') == [],
              'Ctrl+Z brings it back to the first track')

    # Trim the right edge one bar shorter.
    img = app.shot('before-trim')
    left, top, right, bottom = clip_box(img, RED)
    app.drag(right - 2, ymid, right - 2 - round(BAR * px_per_frame), ymid)
    app.shot('trimmed')
    saved = app.save()
    tap.check(clips(saved, 't1') == [(BAR, BAR)], 'dragging the right edge trims to one bar',
              str(clips(saved, 't1')))
    app.key('ctrl+z')
    saved = app.save()
    tap.check(clips(saved, 't1') == [(BAR, 2 * BAR)], 'Ctrl+Z restores the length')

    # Split with S at the playhead: select the clip, put the playhead at bar 3 (click on empty
    # canvas space locates there), press S.
    img = app.shot('before-split')
    left, top, right, bottom = clip_box(img, RED)
    app.click(left + 20, ymid)
    x_bar3 = left + round(BAR * px_per_frame)
    app.click(x_bar3, bottom + row // 2 + 8)     # the empty second track, at bar 3
    app.click(left + 20, ymid)                   # select the clip again
    app.key('s')
    app.shot('split')
    saved = app.save()
    tap.check(clips(saved, 't1') == [(BAR, BAR), (2 * BAR, BAR)], 'S splits at the playhead',
              str(clips(saved, 't1')))
    app.key('ctrl+z')
    saved = app.save()
    tap.check(clips(saved, 't1') == [(BAR, 2 * BAR)], 'Ctrl+Z joins it again')

    automation_point(app, tap, left, top, px_per_frame)
    fader(app, tap)
    export(app, tap)
    autoscroll(app, tap, px_per_frame)


def autoscroll(app, tap, px_per_frame):
    """A clip dragged to the window's right edge and held there scrolls the view along and
    lands under the pointer, past what was in view when the drag began."""
    img = app.shot('before-autoscroll')
    box = clip_box(img, RED)
    if not tap.check(box is not None, 'the clip shows before the edge drag'):
        return
    left, top = box[0], box[1]
    y = top + 12
    edge = img.w - 12                     # in the 24 px zone at the canvas's right edge
    app.move(left + 20, y)
    app.xdo('mousedown', 1)
    for i in range(1, 13):
        app.move(round(left + 20 + (edge - left - 20) * i / 12), y)
        time.sleep(0.02)
    time.sleep(1.0)                       # held still: only the autoscroll moves things
    app.xdo('mouseup', 1)
    time.sleep(0.4)
    moved = clip_box(app.shot('autoscrolled'), RED)
    beat_px = BEAT * px_per_frame
    # Snapped to the beat, the clip's left edge is within a beat of where the grab point
    # puts it: 20 px left of the pointer.
    tap.check(moved is not None and abs(moved[0] - (edge - 20)) <= beat_px + 3,
              'after the edge drag the clip is under the pointer', f'{moved}, pointer at {edge}')
    saved = app.save()
    start = clips(saved, 't1')[0][0] if clips(saved, 't1') else 0
    # Without scrolling the furthest it could go is the pointer's travel; 1 s at the edge
    # scrolls at least 120 px more.
    reach = BAR + (edge - left - 20) / px_per_frame
    tap.check(start >= reach + 100 / px_per_frame,
              'holding a drag at the right edge scrolls and moves the clip past the view',
              f'start {start}, the pointer alone reaches {reach:.0f}')
    app.key('ctrl+z')
    saved = app.save()
    tap.check(clips(saved, 't1') == [(BAR, 2 * BAR)], 'Ctrl+Z brings it back from past the view',
              str(clips(saved, 't1')))


def lane_points(project, track, param):
    t = next(t for t in project['tracks'] if t['id'] == track)
    lane = next((a for a in t.get('automation', []) if a['param'] == param), None)
    return [] if lane is None else [(p['at'], p['value']) for p in lane['points']]


def automation_point(app, tap, clip_left, row_top, px_per_frame):
    # The header's lanes button sits at the right end of its second row.
    app.click(HEADER_LANES_BUTTON[0], row_top + HEADER_LANES_BUTTON[1])
    app.shot('lanes-shown')
    # The volume lane is the first under the clip row: click its middle at bar 3.
    x = round(clip_left + BAR * px_per_frame)
    y = row_top - CLIP_INSET + TRACK_HEIGHT + LANE_HEIGHT // 2
    app.click(x, y)
    app.shot('point-added')
    saved = app.save()
    points = lane_points(saved, 't1', 'volume_db')
    tap.check(len(points) == 1 and points[0][0] == 2 * BAR and -45 < points[0][1] < -10,
              'a click in the volume lane adds a point at bar 3, mid-scale', str(points))
    app.key('ctrl+z')
    saved = app.save()
    tap.check(lane_points(saved, 't1', 'volume_db') == [], 'Ctrl+Z removes the point')


def strip_column(img, rgb):
    """The x range of a mixer strip, from its colour band at the top."""
    band = img.box(rgb, y0=50)
    return None if band is None else (band[0], band[2])


def fader(app, tap):
    app.key('alt+2')
    img = app.shot('mixer')
    column = strip_column(img, RED)
    if not tap.check(column is not None, 'the mixer shows the red track\'s strip'):
        return
    # The pan knob and the fader cap are the brightest things in the strip's middle, in that
    # order from the top: the cap is the second bright patch.
    patches = []
    for y in range(img.h // 3, img.h - 140):
        xs = [x for x in range(column[0], column[1]) if min(img.at(x, y)) >= 225]
        if xs:
            if patches and y - patches[-1][1] <= 2:
                patches[-1][1] = y
            else:
                patches.append([(xs[0], y), y])
    cap = patches[1][0] if len(patches) >= 2 else None
    if not tap.check(cap is not None, 'the fader cap is found'):
        return
    app.drag(cap[0] + 4, cap[1] + 3, cap[0] + 4, cap[1] + 63, steps=10)
    app.shot('fader-moved')
    saved = app.save()
    volume = next(t for t in saved['tracks'] if t['id'] == 't1')['volume_db']
    tap.check(-40 < volume < -1, 'dragging the fader down lowers the track volume', str(volume))
    app.key('ctrl+z')
    saved = app.save()
    volume = next(t for t in saved['tracks'] if t['id'] == 't1')['volume_db']
    tap.check(volume == 0.0, 'one Ctrl+Z undoes the whole drag', str(volume))
    app.key('alt+1')


def loudness(path):
    out = subprocess.run(['ffmpeg', '-nostats', '-hide_banner', '-i', path, '-af',
                          'ebur128=peak=true', '-f', 'null', '-'], capture_output=True,
                         text=True, timeout=120).stderr
    summary = out[out.rfind('Summary:'):]
    lufs = float(summary.split('I:')[1].split('LUFS')[0])
    peak = float(summary.split('Peak:')[1].split('dBFS')[0])
    return lufs, peak


def export(app, tap):
    target = os.path.join(app.env['STRATA_EXPORT_DIR'], 'E2E.wav')
    app.key('ctrl+e')
    time.sleep(0.5)
    # Loudness is the last group: scroll down, open its target list, take the next entry
    # after Off (-14 LUFS, streaming), then Export.
    app.scroll(*EXPORT_SCROLL_AT, times=10)
    app.click(*EXPORT_TARGET_ROW)
    app.key('Down')
    app.key('Return')
    app.shot('export-settings')
    app.click(*EXPORT_BUTTON)
    deadline = time.monotonic() + 60
    while not os.path.exists(target) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    app.shot('export-done')
    if not tap.check(os.path.exists(target), 'Export writes the file', target):
        return
    lufs, peak = loudness(target)
    tap.check(abs(lufs + 14) <= 0.5 and peak <= -1.0 + 0.05,
              'the export measures -14 LUFS with its true peak under -1 dBTP (ffmpeg ebur128)',
              f'{lufs} LUFS, {peak} dBTP')
    app.key('Escape')


def main():
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    ok, why = available()
    for tool in ('xdotool', 'import', 'convert'):
        if shutil.which(tool) is None:
            ok, why = False, f'{tool} is not installed'
    if not ok:
        print(f'1..0 # SKIP {why}')
        return 77
    shutil.rmtree(sys.argv[4], ignore_errors=True)
    os.makedirs(sys.argv[4])
    return run(*sys.argv[1:5])


if __name__ == '__main__':
    sys.exit(main())
