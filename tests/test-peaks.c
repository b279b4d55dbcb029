/* test-peaks.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The peaks builder against min/max computed here by brute force over the signal, at every
 * level, with partial last blocks and arbitrary feeding chunk sizes; the file round trip; and
 * truncated or corrupted peak files, which must be refused with a GError.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "strata-error.h"
#include "strata-peaks.h"
#include "strata-files.h"

typedef float (*SignalFunc) (gsize frame, guint channel, gsize n_frames);

static float
ramp (gsize frame, guint channel, gsize n_frames)
{
  float v = (float) frame / (float) n_frames;
  return channel == 0 ? v : -v;
}

static float
sine (gsize frame, guint channel, gsize n_frames)
{
  return (float) sin (2.0 * G_PI * 440.0 * (double) frame / 48000.0 + channel * 0.7)
         * (channel == 0 ? 1.0f : 0.5f);
}

static float
alternating (gsize frame, guint channel, gsize n_frames)
{
  if (channel == 0)
    return (frame % 2 == 0) ? 1.0f : -1.0f;
  return (frame % 3 == 0) ? 0.25f : -0.5f;
}

/* A single spike per 1000 frames: only a correct min/max catches it in the coarse levels. */
static float
spikes (gsize frame, guint channel, gsize n_frames)
{
  if (frame % 1000 == 999)
    return channel == 0 ? 0.9f : -0.8f;
  return 0.01f * (float) channel;
}

static float *
make_signal (SignalFunc f, guint channels, gsize n)
{
  float *data = g_new (float, MAX (n, 1) * channels);

  for (gsize i = 0; i < n; i++)
    for (guint c = 0; c < channels; c++)
      data[i * channels + c] = f (i, c, n);
  return data;
}

static StrataPeaks *
build (const float *data, guint channels, gsize n, gsize chunk)
{
  g_autoptr(StrataPeaksBuilder) b = strata_peaks_builder_new (channels);
  GRand *rand = g_rand_new_with_seed (42);
  gsize pos = 0;

  while (pos < n)
    {
      /* chunk 0: random sizes, including 0 and sizes across block boundaries */
      gsize take = chunk ? chunk : (gsize) g_rand_int_range (rand, 0, 1000);
      take = MIN (take, n - pos);
      strata_peaks_builder_add (b, data + pos * channels, take);
      pos += take;
    }
  g_rand_free (rand);
  return strata_peaks_builder_finish (b);
}

/* Checks every level against a brute-force scan of the signal. */
static void
check_peaks (StrataPeaks *peaks, const float *data, guint channels, gsize n)
{
  guint n_levels = strata_peaks_get_n_levels (peaks);
  guint expected_levels = 1;
  gsize per = 256;

  g_assert_cmpuint (strata_peaks_get_channels (peaks), ==, channels);
  g_assert_cmpint (strata_peaks_get_frames (peaks), ==, (gint64) n);

  /* Levels go on until one holds at most one peak. */
  while ((n + per - 1) / per > 1)
    {
      expected_levels++;
      per *= 16;
    }
  g_assert_cmpuint (n_levels, ==, expected_levels);

  for (guint level = 0; level < n_levels; level++)
    {
      guint fpp = 0;
      gsize n_peaks = 0;
      const float *p = strata_peaks_get_level (peaks, level, &fpp, &n_peaks);
      gsize want_fpp = 256;

      for (guint i = 0; i < level; i++)
        want_fpp *= 16;
      g_assert_cmpuint (fpp, ==, want_fpp);
      g_assert_cmpuint (n_peaks, ==, (n + fpp - 1) / fpp);
      g_assert_nonnull (p);

      for (gsize k = 0; k < n_peaks; k++)
        for (guint c = 0; c < channels; c++)
          {
            gsize start = k * fpp, end = MIN (start + fpp, n);
            float lo = INFINITY, hi = -INFINITY;

            for (gsize i = start; i < end; i++)
              {
                lo = fminf (lo, data[i * channels + c]);
                hi = fmaxf (hi, data[i * channels + c]);
              }
            if (p[(k * channels + c) * 2] != lo || p[(k * channels + c) * 2 + 1] != hi)
              g_error ("level %u peak %" G_GSIZE_FORMAT " channel %u: got [%g, %g], want [%g, %g]",
                       level, k, c, p[(k * channels + c) * 2], p[(k * channels + c) * 2 + 1],
                       lo, hi);
          }
    }
}

typedef struct
{
  SignalFunc f;
  guint      channels;
  gsize      frames;
  gsize      chunk;
} Case;

static void
test_builder (gconstpointer user_data)
{
  const Case *c = user_data;
  g_autofree float *data = make_signal (c->f, c->channels, c->frames);
  g_autoptr(StrataPeaks) peaks = build (data, c->channels, c->frames, c->chunk);

  check_peaks (peaks, data, c->channels, c->frames);
}

static void
test_ramp_values (void)
{
  /* A hand check that does not share the brute-force helper: a mono ramp of 1000 frames. */
  g_autofree float *data = g_new (float, 1000);
  g_autoptr(StrataPeaksBuilder) b = strata_peaks_builder_new (1);
  g_autoptr(StrataPeaks) peaks = NULL;
  const float *p;
  gsize n;
  guint fpp;

  for (int i = 0; i < 1000; i++)
    data[i] = (float) i;
  strata_peaks_builder_add (b, data, 1000);
  peaks = strata_peaks_builder_finish (b);
  g_assert_cmpuint (strata_peaks_get_n_levels (peaks), ==, 2);

  p = strata_peaks_get_level (peaks, 0, &fpp, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat (p[0], ==, 0);
  g_assert_cmpfloat (p[1], ==, 255);
  g_assert_cmpfloat (p[2], ==, 256);
  g_assert_cmpfloat (p[3], ==, 511);
  g_assert_cmpfloat (p[6], ==, 768);
  g_assert_cmpfloat (p[7], ==, 999);

  p = strata_peaks_get_level (peaks, 1, &fpp, &n);
  g_assert_cmpuint (fpp, ==, 4096);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpfloat (p[0], ==, 0);
  g_assert_cmpfloat (p[1], ==, 999);
}

static void
test_empty (void)
{
  g_autoptr(StrataPeaksBuilder) b = strata_peaks_builder_new (2);
  g_autoptr(StrataPeaks) peaks = strata_peaks_builder_finish (b);
  gsize n = 99;

  g_assert_cmpint (strata_peaks_get_frames (peaks), ==, 0);
  g_assert_cmpuint (strata_peaks_get_n_levels (peaks), ==, 1);
  strata_peaks_get_level (peaks, 0, NULL, &n);
  g_assert_cmpuint (n, ==, 0);
}

static char *tmpdir;

static char *
save_sample (const char *name, StrataPeaks **out_peaks, float **out_data)
{
  const gsize n = 256 * 16 * 16 + 333;
  float *data = make_signal (sine, 2, n);
  StrataPeaks *peaks = build (data, 2, n, 0);
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_peaks_save (peaks, path, &error));
  g_assert_no_error (error);
  *out_peaks = peaks;
  *out_data = data;
  return path;
}

static void
test_round_trip (void)
{
  StrataPeaks *peaks;
  float *data;
  g_autofree char *path = save_sample ("round.peaks", &peaks, &data);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPeaks) loaded = strata_peaks_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpuint (strata_peaks_get_n_levels (loaded), ==, strata_peaks_get_n_levels (peaks));
  g_assert_cmpuint (strata_peaks_get_n_levels (loaded), ==, 4);
  for (guint l = 0; l < strata_peaks_get_n_levels (peaks); l++)
    {
      gsize n1, n2;
      guint f1, f2;
      const float *a = strata_peaks_get_level (peaks, l, &f1, &n1);
      const float *b = strata_peaks_get_level (loaded, l, &f2, &n2);

      g_assert_cmpuint (n1, ==, n2);
      g_assert_cmpuint (f1, ==, f2);
      g_assert_cmpmem (a, n1 * 2 * 2 * sizeof (float), b, n2 * 2 * 2 * sizeof (float));
    }
  check_peaks (loaded, data, 2, strata_peaks_get_frames (peaks));

  /* No temporary file is left beside it. */
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_false (g_str_has_prefix (name, "round.peaks."));
  }
  strata_peaks_free (peaks);
  g_free (data);
}

static void
assert_refused (const char *path, const guint8 *bytes, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPeaks) peaks = NULL;

  g_assert_true (g_file_set_contents (path, (const char *) bytes, (gssize) len, NULL));
  peaks = strata_peaks_load (path, &error);
  g_assert_null (peaks);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_truncated (void)
{
  StrataPeaks *peaks;
  float *data;
  g_autofree char *path = save_sample ("trunc-src.peaks", &peaks, &data);
  g_autofree char *bad = g_build_filename (tmpdir, "trunc.peaks", NULL);
  g_autofree guint8 *bytes = NULL;
  gsize len;
  gsize cuts[] = { 0, 1, 8, 20, 47, 48, 100, 0, 0 };

  g_assert_true (g_file_get_contents (path, (char **) &bytes, &len, NULL));
  cuts[7] = len / 2;
  cuts[8] = len - 1;
  for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
    assert_refused (bad, bytes, cuts[i]);

  /* Trailing bytes are refused too. */
  {
    g_autofree guint8 *longer = g_malloc0 (len + 4);
    memcpy (longer, bytes, len);
    assert_refused (bad, longer, len + 4);
  }
  strata_peaks_free (peaks);
  g_free (data);
}

static void
put_u32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static void
test_corrupted (void)
{
  StrataPeaks *peaks;
  float *data;
  g_autofree char *path = save_sample ("corrupt-src.peaks", &peaks, &data);
  g_autofree char *bad = g_build_filename (tmpdir, "corrupt.peaks", NULL);
  g_autofree guint8 *bytes = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len;
  GRand *rand = g_rand_new_with_seed (7);

  g_assert_true (g_file_get_contents (path, (char **) &bytes, &len, NULL));
  copy = g_malloc (len);

  /* Header fields set to hostile values: huge channel and frame counts must not make the
   * loader allocate or read past the end. */
  {
    struct { gsize offset; guint32 value; } edits[] = {
      { 0, 0x41414141 }, { 8, 2 }, { 12, 0 }, { 12, 3 }, { 12, 0xffffffff },
      { 16, 0xffffffff }, { 20, 0xffffffff }, { 16, 1 }, { 24, 512 }, { 28, 2 },
      { 32, 0 }, { 32, 1000 }, { 36, 1 },
    };
    for (gsize i = 0; i < G_N_ELEMENTS (edits); i++)
      {
        memcpy (copy, bytes, len);
        put_u32 (copy + edits[i].offset, edits[i].value);
        assert_refused (bad, copy, len);
      }
  }

  /* Any single changed byte is caught (header checks or the payload checksum). */
  for (int i = 0; i < 300; i++)
    {
      gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) len);
      memcpy (copy, bytes, len);
      copy[at] ^= (guint8) g_rand_int_range (rand, 1, 256);
      assert_refused (bad, copy, len);
    }

  /* Random garbage. */
  for (int i = 0; i < 50; i++)
    {
      gsize n = (gsize) g_rand_int_range (rand, 0, 4096);
      for (gsize k = 0; k < n; k++)
        copy[k] = (guint8) g_rand_int (rand);
      if (n >= 8)
        memcpy (copy, "STRATAPK", 8);
      assert_refused (bad, copy, n);
    }
  g_rand_free (rand);
  strata_peaks_free (peaks);
  g_free (data);
}

static void
test_missing (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "does-not-exist.peaks", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPeaks) peaks = strata_peaks_load (path, &error);

  g_assert_null (peaks);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));

  g_clear_error (&error);
  peaks = strata_peaks_load (tmpdir, &error);
  g_assert_null (peaks);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IO);
}

static void
test_save_unwritable (void)
{
  g_autoptr(StrataPeaksBuilder) b = strata_peaks_builder_new (1);
  g_autoptr(StrataPeaks) peaks = strata_peaks_builder_finish (b);
  g_autofree char *path = g_build_filename (tmpdir, "no-such-dir", "x.peaks", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_peaks_save (peaks, path, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
}

static const Case cases[] = {
  { ramp, 1, 256 * 16 * 16 * 2 + 77, 0 },
  { ramp, 2, 256 * 16 * 3 + 1, 4096 },
  { sine, 2, 48000 * 3, 0 },
  { sine, 1, 256, 256 },
  { alternating, 2, 256 * 16 + 255, 0 },
  { alternating, 1, 1, 1 },
  { spikes, 2, 256 * 16 * 16 * 16 + 5, 1024 },
  { spikes, 3, 100000, 0 },
};

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("strata-peaks-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/peaks/builder/%" G_GSIZE_FORMAT, i);
      g_test_add_data_func (name, &cases[i], test_builder);
    }
  g_test_add_func ("/peaks/ramp-values", test_ramp_values);
  g_test_add_func ("/peaks/empty", test_empty);
  g_test_add_func ("/peaks/round-trip", test_round_trip);
  g_test_add_func ("/peaks/truncated", test_truncated);
  g_test_add_func ("/peaks/corrupted", test_corrupted);
  g_test_add_func ("/peaks/missing", test_missing);
  g_test_add_func ("/peaks/save-unwritable", test_save_unwritable);

  ret = g_test_run ();
  strata_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
