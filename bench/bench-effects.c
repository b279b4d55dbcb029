/* bench-effects.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cost of every effect of the registry in ns per sample per channel: stereo at 48 kHz, 10 s
 * of noise (-6 dBFS peak) in 256-frame blocks, at the default parameters and at a "busy"
 * setting (every eq band on, a compressor always compressing, long reverbs...). Each figure
 * is the median of five runs, each run a fresh instance with its parameters set before the
 * first block (so without glides), timed as this thread's CPU time (CLOCK_THREAD_CPUTIME_ID)
 * so that other processes on a shared machine do not count.
 *
 * Last, the chain the engine bench puts on every track, an eq with 4 bands on and a
 * compressor (issue 6: >= 128 tracks within 50 % of one core at 256 frames), timed as one
 * chain, with how many stereo tracks that cost alone would fit in half of a 256-frame period.
 *
 * Usage: bench-effects [SECONDS]   (of noise per run, default 10)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strata-effect.h"

#define RATE     48000
#define CHANNELS 2
#define BLOCK    256
#define RUNS     5
#define MAX_CHAIN 2

/* "name=value ..." with choices by name. */
typedef struct
{
  const char *type;
  const char *params;
} Setting;

static const Setting busy_settings[] = {
  { "eq", "b1_type=low_shelf b2_type=peak b3_type=peak b4_type=peak b5_type=peak "
          "b6_type=high_shelf b1_gain_db=3 b2_gain_db=-3 b3_gain_db=3 b4_gain_db=-3 "
          "b5_gain_db=3 b6_gain_db=-3" },
  { "low_shelf", "gain_db=6" },
  { "high_shelf", "gain_db=6" },
  { "filter", "mode=band_pass freq=2000 q=4" },
  { "compressor", "threshold_db=-40 ratio=8 knee_db=6 makeup_db=6" },
  { "limiter", "ceiling_db=-12" },
  { "expander", "threshold_db=-10" },
  { "gate", "threshold_db=-20" },
  { "saturation", "drive_db=24" },
  { "distortion", "drive_db=40 tone=2000" },
  { "waveshaper", "curve=fold drive_db=12" },
  { "delay", "time_ms=4000 feedback=0.9 lowpass=2000 mix=0.5" },
  { "ping_pong_delay", "time_ms=1000 feedback=0.9 mix=0.5" },
  { "multitap_delay", "t1_pan=-1 t2_pan=1 t3_pan=-0.5 t4_pan=0.5 mix=1" },
  { "freeverb", "room_size=1 damping=0.2 mix=1" },
  { "hall_reverb", "decay_s=20 predelay_ms=100 damping=2000 mix=1" },
  { "plate_reverb", "decay_s=10 predelay_ms=50 damping=2000 mix=1" },
  { "chorus", "depth_ms=10 rate_hz=5 mix=1" },
  { "utility", "gain_db=-6 width=1.5 invert_left=1" },
};

/* The eq of the engine bench's tracks: 4 bands on. */
static const char eq4_params[] =
  "b1_type=low_cut b2_type=peak b3_type=peak b4_type=high_shelf b2_gain_db=3 b3_gain_db=-3 "
  "b4_gain_db=2";

static const char *
busy_params (const char *type)
{
  for (size_t i = 0; i < sizeof busy_settings / sizeof busy_settings[0]; i++)
    if (strcmp (busy_settings[i].type, type) == 0)
      return busy_settings[i].params;
  return NULL;
}

/* Applies "name=value ..." to fx; skips what it does not know, complaining when `verbose`. */
static void
apply (StrataEffect *fx, const char *params, int verbose)
{
  const char *p = params;

  while (p != NULL && *p != '\0')
    {
      char name[64], value[64];
      int used = 0;
      int index;

      if (sscanf (p, " %63[^= ]=%63s%n", name, value, &used) != 2)
        break;
      p += used;
      index = strata_effect_param_index (fx->klass, name);
      if (index < 0)
        {
          if (verbose)
            fprintf (stderr, "%s: no parameter %s\n", fx->klass->type, name);
          continue;
        }
      if (fx->klass->params[index].kind == STRATA_PARAM_CHOICE)
        {
          int choice = strata_effect_choice_index (&fx->klass->params[index], value);

          if (choice >= 0)
            strata_effect_set_param (fx, (unsigned) index, choice);
          else if (verbose)
            fprintf (stderr, "%s: %s has no choice %s\n", fx->klass->type, name, value);
        }
      else
        strata_effect_set_param (fx, (unsigned) index, atof (value));
    }
}

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Median over RUNS of ns per sample per channel for the chain of `n` effects, each a fresh
 * instance with its setting. Returns a negative value when an effect cannot be created. */
static double
time_chain (const StrataEffectClass *const *klass, const char *const *params, unsigned n,
            const float *noise, float *work, size_t frames)
{
  double runs[RUNS];

  for (unsigned r = 0; r < RUNS; r++)
    {
      StrataEffect *fx[MAX_CHAIN];
      double start;

      for (unsigned i = 0; i < n; i++)
        {
          fx[i] = strata_effect_new (klass[i], RATE, CHANNELS);
          if (fx[i] == NULL)
            {
              while (i-- > 0)
                strata_effect_free (fx[i]);
              return -1.0;
            }
          apply (fx[i], params[i], r == 0);
        }
      memcpy (work, noise, frames * CHANNELS * sizeof *work);
      start = now ();
      for (size_t done = 0; done < frames; done += BLOCK)
        {
          size_t len = frames - done < BLOCK ? frames - done : BLOCK;

          for (unsigned i = 0; i < n; i++)
            strata_effect_process (fx[i], work + done * CHANNELS, len);
        }
      runs[r] = (now () - start) * 1e9 / ((double) frames * CHANNELS);
      for (unsigned i = 0; i < n; i++)
        strata_effect_free (fx[i]);
    }
  qsort (runs, RUNS, sizeof runs[0], compare_doubles);
  return runs[RUNS / 2];
}

int
main (int argc, char *argv[])
{
  double seconds = argc > 1 ? atof (argv[1]) : 10.0;
  size_t frames = (size_t) (seconds * RATE);
  float *noise, *work;
  unsigned long seed = 1;
  const StrataEffectClass *chain[MAX_CHAIN];
  const char *chain_params[MAX_CHAIN];
  double track, period = (double) BLOCK / RATE;

  if (frames == 0)
    {
      fprintf (stderr, "usage: %s [SECONDS]\n", argv[0]);
      return 2;
    }
  noise = malloc (frames * CHANNELS * sizeof *noise);
  work = malloc (frames * CHANNELS * sizeof *work);
  if (noise == NULL || work == NULL)
    return 2;
  for (size_t i = 0; i < frames * CHANNELS; i++)
    {
      seed = (seed * 1103515245ul + 12345ul) & 0x7ffffffful;
      noise[i] = (float) (seed / 2147483648.0 - 0.5);
    }

  printf ("ns per sample per channel: stereo, %u Hz, %u-frame blocks, %.0f s of noise, "
          "median of %u runs\n", RATE, BLOCK, seconds, RUNS);
  printf ("%-18s %10s %10s\n", "effect", "default", "busy");
  for (unsigned i = 0; i < strata_effect_n_classes (); i++)
    {
      const StrataEffectClass *klass = strata_effect_class_get (i);
      const char *busy = busy_params (klass->type);
      double def = time_chain (&klass, (const char *const[]) { "" }, 1, noise, work, frames);

      printf ("%-18s %10.2f", klass->type, def);
      if (busy != NULL)
        printf (" %10.2f", time_chain (&klass, &busy, 1, noise, work, frames));
      printf ("\n");
    }

  chain[0] = strata_effect_class_find ("eq");
  chain[1] = strata_effect_class_find ("compressor");
  chain_params[0] = eq4_params;
  chain_params[1] = "";
  track = time_chain (chain, chain_params, 2, noise, work, frames);
  if (track >= 0.0)
    {
      double per_block = track * 1e-9 * CHANNELS * BLOCK;

      printf ("%-18s %10.2f   per stereo track: %.2f us per %u-frame block\n",
              "eq (4 bands)+comp", track, per_block * 1e6, BLOCK);
      if (per_block > 0.0)
        printf ("tracks of eq4+comp in 50 %% of one core at %u frames (%.2f ms): %.0f "
                "(target 128)\n", BLOCK, 0.5 * period * 1e3, floor (0.5 * period / per_block));
    }
  free (noise);
  free (work);
  return 0;
}
