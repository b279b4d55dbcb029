/* test-true-peak.c: the true-peak meter against formulas, libebur128 and ffmpeg
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ebur128.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

#include "strata-true-peak.h"

#define RATE 48000

static double
meter (const float *frames, gsize n, guint block)
{
  StrataTruePeak *tp = strata_true_peak_new (RATE, 2);
  double peak;

  for (gsize at = 0; at < n; at += block)
    strata_true_peak_process (tp, frames + 2 * at, MIN (block, n - at));
  strata_true_peak_flush (tp);
  peak = strata_true_peak_get (tp);
  strata_true_peak_free (tp);
  return peak;
}

static double
db (double x)
{
  return 20.0 * log10 (x);
}

/* A sine at fs/4 sampled 45 degrees off its crest: every sample is 0.7071 of the true peak.
 * Its ends are faded in and out, since a sine that starts abruptly truly overshoots. */
static void
test_inter_sample_sine (void)
{
  gsize n = RATE, edge = 2400;
  g_autofree float *x = g_new (float, 2 * n);

  for (gsize i = 0; i < n; i++)
    {
      double fade = i < edge ? 0.5 - 0.5 * cos (G_PI * i / edge)
                  : i >= n - edge ? 0.5 - 0.5 * cos (G_PI * (n - 1 - i) / edge) : 1.0;
      x[2 * i] = x[2 * i + 1] = (float) (fade * 0.5 * sin (G_PI / 2 * i + G_PI / 4));
    }
  g_assert_cmpfloat (fabs (x[2 * (n / 2)]), <, 0.3536);
  g_assert_cmpfloat_with_epsilon (db (meter (x, n, 4096)), db (0.5), 0.05);
}

/* Twelve-sample full-band bursts: what libebur128's 49-tap filter reads 1.5 dB low. */
static float *
bursts (gsize n)
{
  float *x = g_new0 (float, 2 * n);
  guint32 seed = 1;

  for (gsize i = 0; i < n; i++)
    {
      float bed, burst = 0;
      seed = seed * 1664525u + 1013904223u;
      bed = 0.03f * ((seed >> 8) / 8388608.0f - 1.0f);
      if (i % 12000 < 12)
        {
          seed = seed * 1664525u + 1013904223u;
          burst = 0.98f * ((seed >> 8) / 8388608.0f - 1.0f);
        }
      x[2 * i] = x[2 * i + 1] = burst != 0 ? burst : bed;
    }
  return x;
}

static void
test_block_sizes (void)
{
  gsize n = 3 * RATE;
  g_autofree float *x = bursts (n);
  double whole = meter (x, n, n);

  g_assert_cmpfloat (meter (x, n, 1), ==, whole);
  g_assert_cmpfloat (meter (x, n, 17), ==, whole);
  g_assert_cmpfloat (meter (x, n, 4096), ==, whole);
}

/* Both follow BS.1770; ours may differ from libebur128's 49-tap filter by a few hundredths of
 * a dB either way on full-band material, never by more. */
static void
test_close_to_libebur128 (void)
{
  gsize n = 3 * RATE;
  g_autofree float *x = bursts (n);
  ebur128_state *st = ebur128_init (2, RATE, EBUR128_MODE_TRUE_PEAK);
  double ours = meter (x, n, 4096), l = 0, r = 0;

  ebur128_add_frames_float (st, x, n);
  ebur128_true_peak (st, 0, &l);
  ebur128_true_peak (st, 1, &r);
  ebur128_destroy (&st);
  g_test_message ("bursts: ours %.2f dBTP, libebur128 %.2f dBTP", db (ours), db (MAX (l, r)));
  g_assert_cmpfloat (fabs (db (ours) - db (MAX (l, r))), <=, 0.05);
}

/* ffmpeg's ebur128 filter, an independent true-peak meter (it oversamples with swresample). */
static void
test_agrees_with_ffmpeg (void)
{
  gsize n = 3 * RATE;
  g_autofree float *x = bursts (n);
  g_autofree char *dir = g_dir_make_tmp ("strata-tp-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bursts.wav", NULL);
  g_autofree char *command = g_strdup_printf ("ffmpeg -nostats -hide_banner -i %s -af "
                                              "ebur128=peak=true -f null -", path);
  g_autofree char *err = NULL;
  SF_INFO info = { .samplerate = RATE, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);
  const char *peak_line;
  double ffmpeg_db, ours = db (meter (x, n, 4096));
  int status = 0;

  g_assert_nonnull (file);
  sf_writef_float (file, x, n);
  sf_close (file);
  g_assert_true (g_spawn_command_line_sync (command, NULL, &err, &status, NULL));
  peak_line = strstr (err, "Summary:");
  g_assert_nonnull (peak_line);
  peak_line = strstr (peak_line, "Peak:");
  g_assert_nonnull (peak_line);
  ffmpeg_db = g_ascii_strtod (peak_line + 5, NULL);
  g_test_message ("bursts: ours %.2f dBTP, ffmpeg %.2f dBTP", ours, ffmpeg_db);
  g_assert_cmpfloat (fabs (ours - ffmpeg_db), <=, 0.1);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/true-peak/inter-sample-sine", test_inter_sample_sine);
  g_test_add_func ("/true-peak/block-sizes", test_block_sizes);
  g_test_add_func ("/true-peak/close-to-libebur128", test_close_to_libebur128);
  g_test_add_func ("/true-peak/agrees-with-ffmpeg", test_agrees_with_ffmpeg);
  return g_test_run ();
}
