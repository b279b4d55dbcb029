/* test-import.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The import pipeline end to end. Fixtures are generated at test time with ffmpeg and sox into
 * a temporary folder; the imported WAV is read back with libsndfile and checked here
 * independently of the importer: length, channels, the sha256 of its samples, the frequency of
 * the tone (zero crossings with linear interpolation), and the peaks against the samples.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sndfile.h>

#include "strata-error.h"
#include "strata-import.h"
#include "strata-peaks.h"
#include "strata-files.h"

#define PROJECT_RATE 48000

static char *tmpdir;

/* Helpers */

static gboolean
run_tool (const char * const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &status, &error))
    {
      g_test_message ("cannot run %s: %s", argv[0], error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("%s failed: %s", argv[0], err);
      return FALSE;
    }
  return TRUE;
}

static gboolean
ffmpeg_has_encoder (const char *codec)
{
  const char *argv[] = { "ffmpeg", "-hide_banner", "-encoders", NULL };
  g_autofree char *out = NULL;
  g_autofree char *pattern = g_strdup_printf (" %s ", codec);

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, NULL, NULL))
    return FALSE;
  return out != NULL && strstr (out, pattern) != NULL;
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* A fresh, absent media folder for each test. */
static char *
new_media_dir (void)
{
  static int counter = 0;
  g_autofree char *name = g_strdup_printf ("media-%d", ++counter);
  return tmp_path (name);
}

static guint
count_entries (const char *dir_path, gboolean *has_temp)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  if (has_temp != NULL)
    *has_temp = FALSE;
  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      n++;
      if (has_temp != NULL && !g_str_has_suffix (name, ".wav")
          && !g_str_has_suffix (name, ".peaks"))
        *has_temp = TRUE;
    }
  return n;
}

static void
assert_dir_empty (const char *dir_path)
{
  g_assert_cmpuint (count_entries (dir_path, NULL), ==, 0);
}

typedef struct
{
  guint   channels;
  gint64  frames;
  int     rate;
  int     format;
  float  *data;
} Audio;

static void
audio_clear (Audio *a)
{
  g_free (a->data);
}

static void
read_audio (const char *path, Audio *a)
{
  SF_INFO info = { 0 };
  SNDFILE *sf = sf_open (path, SFM_READ, &info);

  g_assert_nonnull (sf);
  a->channels = (guint) info.channels;
  a->frames = info.frames;
  a->rate = info.samplerate;
  a->format = info.format;
  a->data = g_new (float, MAX (info.frames, 1) * info.channels);
  g_assert_cmpint (sf_readf_float (sf, a->data, info.frames), ==, info.frames);
  sf_close (sf);
}

/* Frequency from upward zero crossings, linearly interpolated, over [from, to) seconds. */
static double
measure_frequency (const Audio *a, guint channel, double from, double to)
{
  gint64 start = (gint64) (from * a->rate), end = (gint64) (to * a->rate);
  double first = -1, last = -1;
  int crossings = 0;

  g_assert_cmpint (end, <=, a->frames);
  for (gint64 i = start + 1; i < end; i++)
    {
      double x0 = a->data[(i - 1) * a->channels + channel];
      double x1 = a->data[i * a->channels + channel];

      if (x0 < 0 && x1 >= 0)
        {
          double t = (double) (i - 1) + x0 / (x0 - x1);
          if (first < 0)
            first = t;
          last = t;
          crossings++;
        }
    }
  g_assert_cmpint (crossings, >, 10);
  return (crossings - 1) * (double) a->rate / (last - first);
}

static char *
sha256_of_samples (const Audio *a)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (gint64 i = 0; i < a->frames * a->channels; i++)
    {
      guint32 v;
      memcpy (&v, &a->data[i], 4);
      v = GUINT32_TO_LE (v);
      g_checksum_update (sum, (const guchar *) &v, 4);
    }
  return g_strdup (g_checksum_get_string (sum));
}

static gint64
expected_frames (gint64 file_frames, guint file_rate)
{
  return (gint64) llround ((double) file_frames * PROJECT_RATE / file_rate);
}

/* Checks what an import stored against the samples read back from disk. */
static void
check_stored (StrataImportResult *r, const char *media_dir, Audio *out)
{
  g_autofree char *base = g_strdup_printf ("%s.wav", r->hash);
  g_autofree char *want_path = g_build_filename (media_dir, base, NULL);
  g_autofree char *peaks_base = g_strdup_printf ("%s.peaks", r->hash);
  g_autofree char *want_peaks = g_build_filename (media_dir, peaks_base, NULL);
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPeaks) peaks = NULL;
  const float *p;
  gsize n_peaks;
  guint fpp;

  g_assert_cmpuint (strlen (r->hash), ==, 64);
  g_assert_cmpstr (r->media_path, ==, want_path);
  g_assert_cmpstr (r->peaks_path, ==, want_peaks);

  read_audio (r->media_path, out);
  g_assert_cmpint (out->format, ==, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  g_assert_cmpint (out->rate, ==, PROJECT_RATE);
  g_assert_cmpuint (out->channels, ==, r->channels);
  g_assert_cmpint (out->frames, ==, r->frames);

  hash = sha256_of_samples (out);
  g_assert_cmpstr (hash, ==, r->hash);

  peaks = strata_peaks_load (r->peaks_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_peaks_get_channels (peaks), ==, r->channels);
  g_assert_cmpint (strata_peaks_get_frames (peaks), ==, r->frames);
  p = strata_peaks_get_level (peaks, 0, &fpp, &n_peaks);
  g_assert_cmpuint (fpp, ==, 256);
  g_assert_cmpuint (n_peaks, ==, (gsize) (r->frames + 255) / 256);
  for (gsize k = 0; k < n_peaks; k++)
    for (guint c = 0; c < out->channels; c++)
      {
        float lo = INFINITY, hi = -INFINITY;
        for (gint64 i = (gint64) k * 256; i < MIN ((gint64) (k + 1) * 256, out->frames); i++)
          {
            lo = fminf (lo, out->data[i * out->channels + c]);
            hi = fmaxf (hi, out->data[i * out->channels + c]);
          }
        g_assert_cmpfloat (p[(k * out->channels + c) * 2], ==, lo);
        g_assert_cmpfloat (p[(k * out->channels + c) * 2 + 1], ==, hi);
      }

  /* Exactly the audio and its peaks, no temporary files. */
  {
    gboolean has_temp;
    count_entries (media_dir, &has_temp);
    g_assert_false (has_temp);
  }
}

/* Fixtures */

static gboolean
make_sine (const char *path, const char *codec, int rate, double seconds, int freq)
{
  g_autofree char *src = g_strdup_printf ("sine=frequency=%d:sample_rate=%d:duration=%g",
                                          freq, rate, seconds);
  const char *argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", src,
                         "-c:a", codec, path, NULL };
  return run_tool (argv);
}

static char *
fixture_wav (const char *name, int freq)
{
  char *path = tmp_path (name);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_assert_true (make_sine (path, "pcm_s16le", 44100, 2, freq));
  return path;
}

/* Tests */

typedef struct
{
  const char *ext;
  const char *codec;
  gboolean    lossy;
} Format;

static const Format formats[] = {
  { "wav", "pcm_s16le", FALSE },
  { "flac", "flac", FALSE },
  { "ogg", "libvorbis", TRUE },
  { "opus", "libopus", TRUE },
  { "mp3", "libmp3lame", TRUE },
  { "aiff", "pcm_s16be", FALSE },
};

typedef struct
{
  GThread *thread;
  double   last;
  guint    calls;
  gboolean monotonic;
} Progress;

static void
progress_cb (gdouble fraction, gpointer user_data)
{
  Progress *p = user_data;

  g_assert_true (g_thread_self () == p->thread);
  g_assert_cmpfloat (fraction, >=, 0.0);
  g_assert_cmpfloat (fraction, <=, 1.0);
  if (fraction < p->last)
    p->monotonic = FALSE;
  p->last = fraction;
  p->calls++;
}

static void
test_format (gconstpointer user_data)
{
  const Format *f = user_data;
  g_autofree char *name = g_strdup_printf ("sine.%s", f->ext);
  g_autofree char *path = tmp_path (name);
  g_autofree char *media = new_media_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataImportResult) r = NULL;
  Progress progress = { g_thread_self (), -1, 0, TRUE };
  Audio out = { 0 };
  guint channels = 0, rate = 0;
  gint64 frames = 0;
  double freq;

  if (!make_sine (path, f->codec, 44100, 2, 1000))
    {
      if (!ffmpeg_has_encoder (f->codec))
        {
          g_test_skip ("ffmpeg lacks this encoder");
          return;
        }
      g_assert_not_reached ();
    }

  g_assert_true (strata_media_probe (path, &channels, &frames, &rate, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (channels, ==, 1);
  if (!f->lossy)
    {
      g_assert_cmpuint (rate, ==, 44100);
      g_assert_cmpint (frames, ==, 88200);
    }
  else
    {
      /* The decoder's own length, within encoder delay and padding of 2 s. */
      g_assert_cmpfloat (fabs ((double) frames / rate - 2.0), <, 0.1);
    }

  r = strata_import_file (path, media, PROJECT_RATE, NULL, progress_cb, &progress, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  g_assert_cmpuint (r->channels, ==, 1);
  g_assert_cmpuint (r->file_rate, ==, rate);
  g_assert_cmpint (r->frames, ==, expected_frames (frames, rate));
  if (!f->lossy)
    g_assert_cmpint (r->frames, ==, 96000);
  g_assert_false (r->reused);

  g_assert_cmpuint (progress.calls, >=, 2);
  g_assert_true (progress.monotonic);
  g_assert_cmpfloat (progress.last, ==, 1.0);

  check_stored (r, media, &out);
  g_assert_cmpuint (count_entries (media, NULL), ==, 2);

  freq = measure_frequency (&out, 0, 0.25, 1.75);
  g_test_message ("%s: %" G_GINT64_FORMAT " frames at %u Hz -> %" G_GINT64_FORMAT
                  " frames, %.4f Hz", f->ext, frames, rate, r->frames, freq);
  g_assert_cmpfloat (fabs (freq - 1000.0), <=, 0.5);
  audio_clear (&out);
}

static void
test_stereo (void)
{
  g_autofree char *path = tmp_path ("stereo.wav");
  g_autofree char *media = new_media_dir ();
  const char *argv[] = { "sox", "-n", "-r", "44100", "-c", "2", "-b", "16", path,
                         "synth", "2", "sine", "1000", "sine", "440", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataImportResult) r = NULL;
  Audio out = { 0 };
  double f0, f1;

  g_assert_true (run_tool (argv));
  r = strata_import_file (path, media, PROJECT_RATE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->channels, ==, 2);
  g_assert_cmpint (r->frames, ==, 96000);
  check_stored (r, media, &out);

  f0 = measure_frequency (&out, 0, 0.25, 1.75);
  f1 = measure_frequency (&out, 1, 0.25, 1.75);
  g_assert_cmpfloat (fabs (f0 - 1000.0), <=, 0.5);
  g_assert_cmpfloat (fabs (f1 - 440.0), <=, 0.5);
  audio_clear (&out);
}

/* Wider than stereo is downmixed to stereo (documented in strata-import.c). */
static void
test_multichannel (void)
{
  g_autofree char *path = tmp_path ("surround.wav");
  g_autofree char *media = new_media_dir ();
  const char *argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                         "sine=frequency=1000:sample_rate=48000:duration=1", "-af",
                         "pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0", "-c:a", "pcm_s16le",
                         path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataImportResult) r = NULL;
  Audio out = { 0 };
  guint channels = 0;

  g_assert_true (run_tool (argv));
  g_assert_true (strata_media_probe (path, &channels, NULL, NULL, &error));
  g_assert_cmpuint (channels, ==, 6);
  r = strata_import_file (path, media, PROJECT_RATE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->channels, ==, 2);
  g_assert_cmpint (r->frames, ==, 48000);
  check_stored (r, media, &out);
  g_assert_cmpfloat (fabs (measure_frequency (&out, 0, 0.2, 0.8) - 1000.0), <=, 0.5);
  audio_clear (&out);
}

static void
test_dedup (void)
{
  g_autofree char *wav = fixture_wav ("dedup.wav", 1000);
  g_autofree char *copy = tmp_path ("dedup-copy.wav");
  g_autofree char *flac = tmp_path ("dedup.flac");
  g_autofree char *other = fixture_wav ("other.wav", 1001);
  g_autofree char *media = new_media_dir ();
  const char *copy_argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", wav,
                              "-c", "copy", "-metadata", "title=A copy", copy, NULL };
  const char *flac_argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", wav,
                              "-c:a", "flac", flac, NULL };
  g_autofree char *bytes1 = NULL, *bytes2 = NULL;
  gsize len1, len2;
  g_autoptr(GError) error = NULL;
  StrataImportResult *r1, *r2, *r3, *r4, *r5;

  g_assert_true (run_tool (copy_argv));
  g_assert_true (run_tool (flac_argv));
  g_assert_true (g_file_get_contents (wav, &bytes1, &len1, NULL));
  g_assert_true (g_file_get_contents (copy, &bytes2, &len2, NULL));
  g_assert_false (len1 == len2 && memcmp (bytes1, bytes2, len1) == 0);

  r1 = strata_import_file (wav, media, PROJECT_RATE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (r1->reused);
  g_assert_cmpuint (count_entries (media, NULL), ==, 2);

  r2 = strata_import_file (wav, media, PROJECT_RATE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (r2->reused);
  g_assert_cmpstr (r2->hash, ==, r1->hash);
  g_assert_cmpstr (r2->media_path, ==, r1->media_path);
  g_assert_cmpuint (count_entries (media, NULL), ==, 2);

  r3 = strata_import_file (copy, media, PROJECT_RATE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (r3->reused);
  g_assert_cmpstr (r3->hash, ==, r1->hash);
  g_assert_cmpuint (count_entries (media, NULL), ==, 2);

  /* Lossless FLAC of the same samples decodes to the same audio. */
  r4 = strata_import_file (flac, media, PROJECT_RATE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (r4->reused);
  g_assert_cmpstr (r4->hash, ==, r1->hash);

  r5 = strata_import_file (other, media, PROJECT_RATE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (r5->reused);
  g_assert_cmpstr (r5->hash, !=, r1->hash);
  g_assert_cmpuint (count_entries (media, NULL), ==, 4);

  /* A lost peak file is recreated on the next import of that content. */
  g_assert_cmpint (g_unlink (r1->peaks_path), ==, 0);
  strata_import_result_free (r2);
  r2 = strata_import_file (wav, media, PROJECT_RATE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (r2->reused);
  g_assert_true (g_file_test (r1->peaks_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_entries (media, NULL), ==, 4);

  strata_import_result_free (r1);
  strata_import_result_free (r2);
  strata_import_result_free (r3);
  strata_import_result_free (r4);
  strata_import_result_free (r5);
}

/* Bad input */

typedef enum
{
  BAD_EMPTY,
  BAD_TEXT,
  BAD_PNG,
  BAD_GARBAGE,
  BAD_WAV_HEADER_ONLY_CUT,
  BAD_WAV_BAD_FORMAT,
  BAD_WAV_TRUNCATED,
  BAD_AIFF_TRUNCATED,
  BAD_FLAC_TRUNCATED,
  BAD_MP3_TRUNCATED,
  BAD_ZERO_FRAMES,
  BAD_DIRECTORY,
  BAD_MISSING,
} BadKind;

typedef struct
{
  BadKind     kind;
  const char *name;
  int         code;
  const char *problem;   /* a word the message must contain, or NULL */
} BadCase;

static void
write_bytes (const char *path, const void *data, gsize len)
{
  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
}

static void
make_bad (const BadCase *c, const char *path)
{
  switch (c->kind)
    {
    case BAD_EMPTY:
      write_bytes (path, "", 0);
      break;
    case BAD_TEXT:
      {
        g_autoptr(GString) s = g_string_new (NULL);
        for (int i = 0; i < 200; i++)
          g_string_append (s, "This is not audio, just a line of text.\n");
        write_bytes (path, s->str, s->len);
      }
      break;
    case BAD_PNG:
      {
        const char *argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                               "color=c=red:s=64x64", "-frames:v", "1", path, NULL };
        g_assert_true (run_tool (argv));
      }
      break;
    case BAD_GARBAGE:
      {
        GRand *rand = g_rand_new_with_seed (3);
        g_autofree guint8 *buf = g_malloc (65536);
        for (int i = 0; i < 65536; i++)
          buf[i] = (guint8) g_rand_int (rand);
        g_rand_free (rand);
        write_bytes (path, buf, 65536);
      }
      break;
    case BAD_WAV_HEADER_ONLY_CUT:
    case BAD_WAV_BAD_FORMAT:
      {
        g_autofree char *wav = fixture_wav ("bad-src.wav", 1000);
        g_autofree guint8 *buf = NULL;
        gsize len;

        g_assert_true (g_file_get_contents (wav, (char **) &buf, &len, NULL));
        g_assert_cmpmem (buf + 12, 4, "fmt ", 4);
        if (c->kind == BAD_WAV_HEADER_ONLY_CUT)
          write_bytes (path, buf, 30);
        else
          {
            /* An unknown format tag and a zero channel count. */
            buf[20] = 0x99;
            buf[21] = 0x99;
            buf[22] = 0;
            buf[23] = 0;
            write_bytes (path, buf, len);
          }
      }
      break;
    case BAD_WAV_TRUNCATED:
    case BAD_AIFF_TRUNCATED:
      {
        gboolean wav = c->kind == BAD_WAV_TRUNCATED;
        g_autofree char *src = tmp_path (wav ? "whole.wav" : "whole.aiff");
        g_autofree char *buf = NULL;
        gsize len;

        g_assert_true (make_sine (src, wav ? "pcm_s16le" : "pcm_s16be", 44100, 2, 1000));
        g_assert_true (g_file_get_contents (src, &buf, &len, NULL));
        write_bytes (path, buf, len / 2);
      }
      break;
    case BAD_FLAC_TRUNCATED:
    case BAD_MP3_TRUNCATED:
      {
        gboolean flac = c->kind == BAD_FLAC_TRUNCATED;
        g_autofree char *src = tmp_path (flac ? "long.flac" : "long.mp3");
        g_autofree char *buf = NULL;
        gsize len;

        if (!g_file_test (src, G_FILE_TEST_EXISTS))
          g_assert_true (make_sine (src, flac ? "flac" : "libmp3lame", 44100, 10, 1000));
        g_assert_true (g_file_get_contents (src, &buf, &len, NULL));
        write_bytes (path, buf, len / 3);
      }
      break;
    case BAD_ZERO_FRAMES:
      {
        SF_INFO info = { .samplerate = 44100, .channels = 1,
                         .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
        SNDFILE *sf = sf_open (path, SFM_WRITE, &info);
        g_assert_nonnull (sf);
        sf_close (sf);
      }
      break;
    case BAD_DIRECTORY:
      g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
      break;
    case BAD_MISSING:
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
test_bad (gconstpointer user_data)
{
  const BadCase *c = user_data;
  g_autofree char *path = tmp_path (c->name);
  g_autofree char *media = new_media_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataImportResult) r = NULL;
  g_autofree char *quoted = g_strdup_printf ("'%s'", path);
  guint channels;
  gint64 frames;
  guint rate;

  make_bad (c, path);

  r = strata_import_file (path, media, PROJECT_RATE, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, STRATA_ERROR, c->code);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "cannot import "));
  g_assert_nonnull (strstr (error->message, quoted));
  if (c->problem != NULL)
    g_assert_nonnull (strstr (error->message, c->problem));
  assert_dir_empty (media);

  /* The probe refuses it too, naming the file. Truncated streams are only caught by decoding. */
  if (c->kind != BAD_FLAC_TRUNCATED && c->kind != BAD_MP3_TRUNCATED)
    {
      g_clear_error (&error);
      g_assert_false (strata_media_probe (path, &channels, &frames, &rate, &error));
      g_assert_error (error, STRATA_ERROR, c->code);
      g_assert_nonnull (strstr (error->message, quoted));
    }
}

static const BadCase bad_cases[] = {
  { BAD_EMPTY, "empty.wav", STRATA_ERROR_MEDIA, "empty" },
  { BAD_TEXT, "notes.txt", STRATA_ERROR_MEDIA, "not an audio file" },
  { BAD_PNG, "picture.png", STRATA_ERROR_MEDIA, "not an audio file" },
  { BAD_GARBAGE, "garbage.mp3", STRATA_ERROR_MEDIA, NULL },
  { BAD_WAV_HEADER_ONLY_CUT, "cut-header.wav", STRATA_ERROR_MEDIA, NULL },
  { BAD_WAV_BAD_FORMAT, "bad-format.wav", STRATA_ERROR_MEDIA, NULL },
  { BAD_WAV_TRUNCATED, "truncated.wav", STRATA_ERROR_MEDIA, "truncated" },
  { BAD_AIFF_TRUNCATED, "truncated.aiff", STRATA_ERROR_MEDIA, "truncated" },
  { BAD_FLAC_TRUNCATED, "truncated.flac", STRATA_ERROR_MEDIA, "truncated" },
  { BAD_MP3_TRUNCATED, "truncated.mp3", STRATA_ERROR_MEDIA, "truncated" },
  { BAD_ZERO_FRAMES, "silence-of-nothing.wav", STRATA_ERROR_MEDIA, "no audio" },
  { BAD_DIRECTORY, "a-folder.wav", STRATA_ERROR_IO, "folder" },
  { BAD_MISSING, "missing.wav", STRATA_ERROR_IO, "No such file" },
};

/* Cancel */

static char *
long_noise (void)
{
  char *path = tmp_path ("noise-30s.wav");

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      const char *argv[] = { "sox", "-n", "-r", "44100", "-c", "2", "-b", "16", path,
                             "synth", "30", "whitenoise", "vol", "0.3", NULL };
      g_assert_true (run_tool (argv));
    }
  return path;
}

typedef struct
{
  GCancellable *cancellable;
  double        at;
  double        cancelled_at;
} CancelData;

static void
cancel_progress_cb (gdouble fraction, gpointer user_data)
{
  CancelData *d = user_data;

  if (fraction >= d->at && d->cancelled_at < 0)
    {
      d->cancelled_at = fraction;
      g_cancellable_cancel (d->cancellable);
    }
}

static void
test_cancel (void)
{
  g_autofree char *path = long_noise ();
  g_autofree char *media = new_media_dir ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataImportResult) r = NULL;
  CancelData d = { cancellable, 0.3, -1 };

  r = strata_import_file (path, media, PROJECT_RATE, cancellable, cancel_progress_cb, &d,
                          &error);
  g_assert_null (r);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (d.cancelled_at, >=, 0.3);
  g_assert_cmpfloat (d.cancelled_at, <, 1.0);
  assert_dir_empty (media);

  /* Already cancelled before it starts. */
  g_clear_error (&error);
  r = strata_import_file (path, media, PROJECT_RATE, cancellable, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_dir_empty (media);
}

/* Async */

typedef struct
{
  GMainLoop          *loop;
  GThread            *main_thread;
  guint               progress_calls;
  double              last;
  gboolean            done;
  gboolean            progress_after_done;
  StrataImportResult *result;
  GError             *error;
} AsyncState;

static void
async_progress_cb (gdouble fraction, gpointer user_data)
{
  AsyncState *s = user_data;

  g_assert_true (g_thread_self () == s->main_thread);
  g_assert_cmpfloat (fraction, >=, s->last);
  s->last = fraction;
  s->progress_calls++;
  if (s->done)
    s->progress_after_done = TRUE;
}

static void
async_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  AsyncState *s = user_data;

  g_assert_true (g_thread_self () == s->main_thread);
  s->result = strata_import_file_finish (res, &s->error);
  s->done = TRUE;
  g_main_loop_quit (s->loop);
}

static gboolean
linger_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
test_async (void)
{
  g_autofree char *path = long_noise ();
  g_autofree char *media = new_media_dir ();
  AsyncState s = { 0 };
  Audio out = { 0 };

  s.loop = g_main_loop_new (NULL, FALSE);
  s.main_thread = g_thread_self ();
  s.last = -1;
  strata_import_file_async (path, media, PROJECT_RATE, NULL, async_progress_cb, &s,
                            async_done_cb, &s);
  g_main_loop_run (s.loop);
  /* Let anything queued late show up. */
  g_timeout_add (100, linger_cb, s.loop);
  g_main_loop_run (s.loop);

  g_assert_no_error (s.error);
  g_assert_nonnull (s.result);
  g_assert_cmpuint (s.result->channels, ==, 2);
  g_assert_cmpint (s.result->frames, ==, expected_frames (30 * 44100, 44100));
  g_assert_cmpuint (s.progress_calls, >=, 10);
  g_assert_cmpfloat (s.last, ==, 1.0);
  g_assert_false (s.progress_after_done);
  check_stored (s.result, media, &out);
  audio_clear (&out);
  strata_import_result_free (s.result);
  g_main_loop_unref (s.loop);
}

static void
test_async_error (void)
{
  g_autofree char *path = tmp_path ("async-missing.wav");
  g_autofree char *media = new_media_dir ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncState s = { 0 };
  g_autofree char *noise = long_noise ();

  s.loop = g_main_loop_new (NULL, FALSE);
  s.main_thread = g_thread_self ();
  s.last = -1;
  strata_import_file_async (path, media, PROJECT_RATE, NULL, NULL, NULL, async_done_cb, &s);
  g_main_loop_run (s.loop);
  g_assert_null (s.result);
  g_assert_error (s.error, STRATA_ERROR, STRATA_ERROR_IO);
  g_assert_nonnull (strstr (s.error->message, path));
  g_clear_error (&s.error);

  /* Cancelled while it runs. */
  s.done = FALSE;
  strata_import_file_async (noise, media, PROJECT_RATE, cancellable, async_progress_cb, &s,
                            async_done_cb, &s);
  g_cancellable_cancel (cancellable);
  g_main_loop_run (s.loop);
  g_assert_null (s.result);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&s.error);
  assert_dir_empty (media);
  g_main_loop_unref (s.loop);
}

static void
test_probe (void)
{
  g_autofree char *wav = fixture_wav ("probe.wav", 1000);
  g_autoptr(GError) error = NULL;
  guint channels = 0, rate = 0;
  gint64 frames = 0;

  g_assert_true (strata_media_probe (wav, &channels, &frames, &rate, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (channels, ==, 1);
  g_assert_cmpint (frames, ==, 88200);
  g_assert_cmpuint (rate, ==, 44100);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("strata-import-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/import/probe", test_probe);
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("/import/format/%s", formats[i].ext);
      g_test_add_data_func (name, &formats[i], test_format);
    }
  g_test_add_func ("/import/stereo", test_stereo);
  g_test_add_func ("/import/multichannel", test_multichannel);
  g_test_add_func ("/import/dedup", test_dedup);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/import/bad/%s", bad_cases[i].name);
      g_test_add_data_func (name, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/import/cancel", test_cancel);
  g_test_add_func ("/import/async", test_async);
  g_test_add_func ("/import/async-error", test_async_error);

  ret = g_test_run ();
  strata_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
