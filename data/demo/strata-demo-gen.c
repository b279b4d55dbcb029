/* strata-demo-gen.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Synthesises the audio of the demo project (data/demo/demo.json) at build time, so that the
 * repository carries no binary media: 8 bars at 112 bpm, 4/4, 48 kHz of kick, snare, hats and
 * bass (mono) and keys (stereo), as 24-bit WAV files. Every note starts at the frame the tempo
 * map gives its position (rounded half up), the noise comes from a fixed-seed generator, and
 * nothing depends on the clock, so two runs write the same bytes.
 *
 * Usage: strata-demo-gen OUTPUT_DIR
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sndfile.h>

#define RATE            48000
#define BPM             112
#define BEATS_PER_BAR   4
#define BARS            8
#define TICKS_PER_BEAT  960
#define TICKS_16TH      (TICKS_PER_BEAT / 4)

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

typedef struct
{
  int64_t  frames;
  int      channels;
  float   *data;        /* interleaved */
} Buffer;

static uint64_t rng_state = 0x5354524154414445ull;   /* "STRATADE" */

/* splitmix64: tiny, fixed seed, identical everywhere. */
static double
noise (void)
{
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return (double) (z >> 11) / (double) (1ull << 52) - 1.0;
}

/* The frame of a musical position, as the tempo map computes it:
 * round_half_up (ticks * RATE * 60 / (BPM * 960)). */
static int64_t
frame_at (int bar,
          int beat,
          int tick)
{
  int64_t ticks = ((int64_t) (bar - 1) * BEATS_PER_BAR + (beat - 1)) * TICKS_PER_BEAT + tick;
  int64_t num = ticks * RATE * 60;
  int64_t den = (int64_t) BPM * TICKS_PER_BEAT;

  return (2 * num + den) / (2 * den);
}

static int64_t
frame_at_step (int bar,
               int step)
{
  return frame_at (bar, 1 + step / 4, (step % 4) * TICKS_16TH);
}

static double
midi_hz (int note)
{
  return 440.0 * pow (2.0, (note - 69) / 12.0);
}

static void
buffer_init (Buffer *buf,
             int     channels)
{
  buf->frames = frame_at (BARS + 1, 1, 0);
  buf->channels = channels;
  buf->data = calloc ((size_t) (buf->frames * channels), sizeof (float));
  if (buf->data == NULL)
    {
      fprintf (stderr, "strata-demo-gen: out of memory\n");
      exit (1);
    }
}

static void
kick (Buffer *buf,
      int64_t start,
      double  gain)
{
  double phase = 0.0;
  int64_t n = (int64_t) (0.45 * RATE);

  for (int64_t i = 0; i < n && start + i < buf->frames; i++)
    {
      double t = (double) i / RATE;
      double f = 48.0 + 120.0 * exp (-t / 0.035);
      double click = i < 96 ? 0.3 * (1.0 - i / 96.0) : 0.0;

      phase += 2.0 * M_PI * f / RATE;
      buf->data[start + i] += (float) (gain * (sin (phase) * exp (-t / 0.13) + click));
    }
}

static void
snare (Buffer *buf,
       int64_t start,
       double  gain)
{
  int64_t n = (int64_t) (0.3 * RATE);
  double prev_in = 0.0;
  double hp = 0.0;

  for (int64_t i = 0; i < n && start + i < buf->frames; i++)
    {
      double t = (double) i / RATE;
      double in = noise ();
      double tone = sin (2.0 * M_PI * 185.0 * t) + 0.5 * sin (2.0 * M_PI * 330.0 * t);

      /* a gentle one-pole high-pass takes the thud out of the noise */
      hp = 0.85 * (hp + in - prev_in);
      prev_in = in;
      buf->data[start + i] += (float) (gain * (0.7 * hp * exp (-t / 0.07)
                                               + 0.45 * tone * exp (-t / 0.04)));
    }
}

static void
hat (Buffer *buf,
     int64_t start,
     double  gain,
     double  decay)
{
  int64_t n = (int64_t) (decay * 8.0 * RATE);
  double prev_in = 0.0;
  double hp1 = 0.0;
  double prev_hp1 = 0.0;
  double hp2 = 0.0;

  for (int64_t i = 0; i < n && start + i < buf->frames; i++)
    {
      double t = (double) i / RATE;
      double in = noise ();

      /* two high-pass stages (about 7 kHz): only the sizzle is left */
      hp1 = 0.4 * (hp1 + in - prev_in);
      prev_in = in;
      hp2 = 0.4 * (hp2 + hp1 - prev_hp1);
      prev_hp1 = hp1;
      buf->data[start + i] += (float) (gain * hp2 * exp (-t / decay));
    }
}

/* A plucked saw-ish bass: a few harmonics, then a one-pole low-pass that closes as the note
 * decays. */
static void
bass_note (Buffer *buf,
           int64_t start,
           int64_t length,
           int     note)
{
  double f = midi_hz (note);
  double lp = 0.0;

  for (int64_t i = 0; i < length && start + i < buf->frames; i++)
    {
      double t = (double) i / RATE;
      double ph = 2.0 * M_PI * f * t;
      double saw = 0.0;
      double env = (1.0 - exp (-t / 0.004)) * exp (-t / 0.35);
      double release = i > length - 480 ? (double) (length - i) / 480.0 : 1.0;
      double cutoff = 0.02 + 0.12 * exp (-t / 0.08);

      for (int k = 1; k <= 10; k++)
        saw += sin (k * ph) / k;
      lp += cutoff * (saw - lp);
      buf->data[start + i] += (float) (0.5 * lp * env * release);
    }
}

/* An FM electric-piano voice (carrier at f, modulator at 2f with a decaying index), spread a
 * little across the stereo field and detuned a hair between the sides. */
static void
keys_note (Buffer *buf,
           int64_t start,
           int64_t length,
           int     note,
           double  pan)
{
  double f = midi_hz (note);
  double gl = cos ((pan + 1.0) * M_PI / 4.0);
  double gr = sin ((pan + 1.0) * M_PI / 4.0);

  for (int64_t i = 0; i < length + RATE / 4 && start + i < buf->frames; i++)
    {
      double t = (double) i / RATE;
      double index = 1.2 * exp (-t / 0.25) + 0.2;
      double env = (1.0 - exp (-t / 0.003)) * exp (-t / 1.1);
      double l, r;

      if (i >= length)
        env *= exp (-(double) (i - length) / (0.05 * RATE));
      l = sin (2.0 * M_PI * f * 0.9995 * t + index * sin (2.0 * M_PI * 2.0 * f * t));
      r = sin (2.0 * M_PI * f * 1.0005 * t + index * sin (2.0 * M_PI * 2.0 * f * t));
      buf->data[2 * (start + i)] += (float) (0.2 * env * gl * l);
      buf->data[2 * (start + i) + 1] += (float) (0.2 * env * gr * r);
    }
}

/* Am7 - Fmaj7 - C - G, twice: a root for the bass and four notes for the keys. */
static const int chord_root[4] = { 33, 29, 36, 31 };        /* A1 F1 C2 G1 */
static const int chord_notes[4][4] = {
  { 57, 60, 64, 67 },                                        /* A3 C4 E4 G4 */
  { 53, 57, 60, 64 },                                        /* F3 A3 C4 E4 */
  { 55, 60, 64, 67 },                                        /* G3 C4 E4 G4 */
  { 55, 59, 62, 67 },                                        /* G3 B3 D4 G4 */
};

static void
render_drums (Buffer *kick_buf,
              Buffer *snare_buf,
              Buffer *hats_buf)
{
  /* 16th steps of one bar */
  static const int kick_steps[] = { 0, 6, 8, 11 };
  static const int snare_steps[] = { 4, 12 };

  for (int bar = 1; bar <= BARS; bar++)
    {
      int intro = bar <= 4;

      for (size_t i = 0; i < sizeof kick_steps / sizeof kick_steps[0]; i++)
        {
          if (intro && kick_steps[i] % 8 != 0)
            continue;
          kick (kick_buf, frame_at_step (bar, kick_steps[i]), kick_steps[i] == 0 ? 1.0 : 0.85);
        }

      for (size_t i = 0; i < sizeof snare_steps / sizeof snare_steps[0]; i++)
        if (!intro || snare_steps[i] == 12)
          snare (snare_buf, frame_at_step (bar, snare_steps[i]), 1.0);
      if (bar == 4 || bar == 8)
        {
          snare (snare_buf, frame_at_step (bar, 14), 0.5);
          snare (snare_buf, frame_at_step (bar, 15), 0.7);
        }

      for (int step = 0; step < 16; step++)
        {
          int open = step == 14 && bar % 2 == 0;

          if (intro && step % 2 != 0)
            continue;
          hat (hats_buf, frame_at_step (bar, step),
               step % 4 == 0 ? 1.0 : (step % 2 == 0 ? 0.75 : 0.5),
               open ? 0.12 : 0.022);
        }
    }
}

static void
render_bass (Buffer *buf)
{
  /* eighth notes: root, root, octave, root ... with a push into the next bar */
  static const int pattern[8] = { 0, 0, 12, 0, 0, 7, 12, 10 };

  for (int bar = 1; bar <= BARS; bar++)
    {
      int root = chord_root[(bar - 1) % 4];

      for (int e = 0; e < 8; e++)
        {
          int64_t start = frame_at_step (bar, 2 * e);
          int64_t end = e == 7 ? frame_at (bar + 1, 1, 0) : frame_at_step (bar, 2 * e + 2);

          if (bar <= 4 && e % 2 == 1)
            continue;
          bass_note (buf, start, (end - start) * 9 / 10, root + pattern[e]);
        }
    }
}

static void
render_keys (Buffer *buf)
{
  static const double pans[4] = { -0.35, -0.1, 0.15, 0.4 };

  for (int bar = 1; bar <= BARS; bar++)
    {
      const int *notes = chord_notes[(bar - 1) % 4];
      int64_t whole = frame_at (bar + 1, 1, 0) - frame_at (bar, 1, 0);

      for (int v = 0; v < 4; v++)
        {
          /* a held chord on 1, and a stab on the "and" of 3 from bar 5 */
          keys_note (buf, frame_at (bar, 1, 0) + v * 120, whole / 2, notes[v], pans[v]);
          if (bar > 4)
            keys_note (buf, frame_at (bar, 3, 480), whole / 4, notes[v] + 12, -pans[v]);
        }
    }
}

static void
normalise (Buffer *buf,
           double  peak)
{
  double max = 0.0;
  int64_t n = buf->frames * buf->channels;

  for (int64_t i = 0; i < n; i++)
    max = fmax (max, fabs (buf->data[i]));
  if (max == 0.0)
    return;
  for (int64_t i = 0; i < n; i++)
    buf->data[i] = (float) (buf->data[i] * (peak / max));
}

static int
write_wav (const char *dir,
           const char *name,
           Buffer     *buf,
           double      peak)
{
  char path[4096];
  SF_INFO info = { 0 };
  SNDFILE *file;
  sf_count_t written;

  normalise (buf, peak);
  snprintf (path, sizeof path, "%s/%s", dir, name);
  info.samplerate = RATE;
  info.channels = buf->channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_24;
  file = sf_open (path, SFM_WRITE, &info);
  if (file == NULL)
    {
      fprintf (stderr, "strata-demo-gen: cannot write '%s': %s\n", path, sf_strerror (NULL));
      return 1;
    }
  /* no PEAK chunk (it carries a time stamp) and no dither: identical bytes on every run */
  sf_command (file, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
  sf_command (file, SFC_SET_CLIPPING, NULL, SF_TRUE);
  written = sf_writef_float (file, buf->data, buf->frames);
  if (written != buf->frames || sf_close (file) != 0)
    {
      fprintf (stderr, "strata-demo-gen: cannot write '%s'\n", path);
      return 1;
    }
  free (buf->data);
  buf->data = NULL;
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  Buffer kick_buf, snare_buf, hats_buf, bass_buf, keys_buf;
  int failed = 0;

  if (argc != 2)
    {
      fprintf (stderr, "usage: strata-demo-gen OUTPUT_DIR\n");
      return 2;
    }

  buffer_init (&kick_buf, 1);
  buffer_init (&snare_buf, 1);
  buffer_init (&hats_buf, 1);
  buffer_init (&bass_buf, 1);
  buffer_init (&keys_buf, 2);

  render_drums (&kick_buf, &snare_buf, &hats_buf);
  render_bass (&bass_buf);
  render_keys (&keys_buf);

  failed |= write_wav (argv[1], "kick.wav", &kick_buf, 0.89);
  failed |= write_wav (argv[1], "snare.wav", &snare_buf, 0.7);
  failed |= write_wav (argv[1], "hats.wav", &hats_buf, 0.4);
  failed |= write_wav (argv[1], "bass.wav", &bass_buf, 0.7);
  failed |= write_wav (argv[1], "keys.wav", &keys_buf, 0.6);
  return failed;
}
