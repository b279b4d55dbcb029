/* bench-peaks.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Import and peak-building speed: writes 10 minutes of stereo noise at 48 kHz as a float WAV
 * in a temporary folder, times strata_import_file on it (decode, hash, WAV write, peaks), then
 * times the peaks builder alone on the same samples in memory.
 *
 * Usage: bench-peaks [SECONDS]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <sndfile.h>

#include "strata-import.h"
#include "strata-peaks.h"
#include "strata-files.h"

#define RATE     48000
#define CHANNELS 2

int
main (int argc, char **argv)
{
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 600.0;
  gsize frames = (gsize) (seconds * RATE);
  g_autofree char *dir = NULL;
  g_autofree char *wav = NULL;
  g_autofree char *media = NULL;
  g_autofree float *data = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataImportResult) result = NULL;
  SF_INFO info = { .samplerate = RATE, .channels = CHANNELS,
                   .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
  SNDFILE *sf;
  guint32 state = 12345;
  gint64 t0, t1;
  double elapsed, best = G_MAXDOUBLE;
  const int runs = 5;

  if (frames == 0)
    {
      fprintf (stderr, "usage: %s [SECONDS]\n", argv[0]);
      return 1;
    }

  dir = g_dir_make_tmp ("strata-bench-peaks-XXXXXX", &error);
  if (dir == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  wav = g_build_filename (dir, "noise.wav", NULL);
  media = g_build_filename (dir, "media", NULL);

  /* (1) Noise, a fast LCG so generating it costs next to nothing. */
  data = g_new (float, frames * CHANNELS);
  for (gsize i = 0; i < frames * CHANNELS; i++)
    {
      state = state * 1664525u + 1013904223u;
      data[i] = ((float) (state >> 8) / (float) (1 << 24) - 0.5f) * 1.6f;
    }
  sf = sf_open (wav, SFM_WRITE, &info);
  if (sf == NULL || sf_writef_float (sf, data, (sf_count_t) frames) != (sf_count_t) frames)
    {
      fprintf (stderr, "cannot write %s: %s\n", wav, sf_strerror (sf));
      return 1;
    }
  sf_close (sf);
  printf ("generated %.0f s of stereo noise at %d Hz (%.0f MB float WAV)\n",
          seconds, RATE, frames * CHANNELS * 4 / 1e6);

  /* (2) The whole import: decode, hash, write the media WAV and the peaks. */
  t0 = g_get_monotonic_time ();
  result = strata_import_file (wav, media, RATE, NULL, NULL, NULL, &error);
  t1 = g_get_monotonic_time ();
  if (result == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      strata_remove_tree (dir);
      return 1;
    }
  elapsed = (t1 - t0) / 1e6;
  printf ("import: %.3f s for %.0f s of audio = %.0f x realtime\n",
          elapsed, seconds, seconds / elapsed);

  /* (3) The peaks builder alone, fed in blocks as the importer feeds it; best of a few runs. */
  for (int run = 0; run < runs; run++)
    {
      StrataPeaksBuilder *builder = strata_peaks_builder_new (CHANNELS);
      StrataPeaks *peaks;

      t0 = g_get_monotonic_time ();
      for (gsize pos = 0; pos < frames; pos += 4096)
        strata_peaks_builder_add (builder, data + pos * CHANNELS, MIN (4096, frames - pos));
      peaks = strata_peaks_builder_finish (builder);
      t1 = g_get_monotonic_time ();
      best = MIN (best, (t1 - t0) / 1e6);
      strata_peaks_builder_free (builder);
      strata_peaks_free (peaks);
    }
  printf ("peaks builder: %.4f s for %.0f s of audio = %.0f x realtime (best of %d)\n",
          best, seconds, seconds / best, runs);

  strata_remove_tree (dir);
  return 0;
}
