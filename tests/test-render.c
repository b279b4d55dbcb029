/* test-render.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The graph and the offline render against the "Mixing rules" and "Rendering rules" of
 * docs/project-format.md. Every expected number is computed here from the document's formulas
 * (the tempo map's exact rational frames, the pan laws, dB interpolation, the fade gains),
 * never taken from the code under test; loudness is measured independently with ffmpeg's
 * ebur128 filter. The media are float WAVs (so values are exact) written with libsndfile into
 * a temporary folder at start and removed at the end.
 *
 * The graph is driven directly where possible: strata_graph_prepare, then each span's buffer
 * filled here by reading the source with libsndfile, then strata_graph_process.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strata-direct-file.h"
#include "strata-files.h"
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-json.h"
#include "strata-project.h"
#include "strata-render.h"
#include "strata-test-audio.h"
#include "strata-test-tempo.h"

#define RATE 48000

static char *work_dir;

/* ---- reference formulas ------------------------------------------------------------------- */


static double
ref_gain (double db)
{
  return pow (10.0, db / 20.0);
}

/* Mono: constant power, theta = (pan + 1) pi / 4. */
static void
ref_pan_mono (double pan, double *l, double *r)
{
  double theta = (pan + 1.0) * G_PI / 4.0;
  *l = cos (theta);
  *r = sin (theta);
}

/* Stereo: balance, unity at centre. */
static void
ref_pan_balance (double pan, double *l, double *r)
{
  double theta = (pan + 1.0) * G_PI / 4.0;
  *l = MIN (1.0, G_SQRT2 * cos (theta));
  *r = MIN (1.0, G_SQRT2 * sin (theta));
}

/* Linear between (f0, v0) and (f1, v1), held outside. */
static double
ref_lerp (gint64 f, gint64 f0, double v0, gint64 f1, double v1)
{
  if (f <= f0)
    return v0;
  if (f >= f1)
    return v1;
  return v0 + (v1 - v0) * (double) (f - f0) / (double) (f1 - f0);
}

/* A clip's gain at clip frame k: clip gain times the linear fades of the document. */
static double
ref_clip_gain (gint64 k, gint64 length, gint64 fade_in, gint64 fade_out, double gain_db)
{
  double g = ref_gain (gain_db);

  if (k < fade_in)
    g *= (double) k / (double) fade_in;
  if (k >= length - fade_out)
    g *= (double) (fade_out - 1 - (k - (length - fade_out))) / (double) fade_out;
  return g;
}

/* ---- test signals ------------------------------------------------------------------------- */

static guint64
hash64 (guint64 x)
{
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* Uniform in [-1, 1), deterministic. */
static float
noise_at (guint64 i, guint seed)
{
  return (float) ((double) (hash64 (i * 7 + seed) >> 11) / 4503599627370496.0 - 1.0);
}

#define IMPULSE_FRAMES 4800
#define RAMP_FRAMES    48000
#define DC_FRAMES      96000
#define NOISE_FRAMES   96000
#define LONG_FRAMES    (3 * RATE)

static float sig_impulse (gint64 i, guint c) { return i == 0 ? 1.0f : 0.0f; }
static float sig_ramp (gint64 i, guint c) { return (float) i / 65536.0f; }
static float sig_dc (gint64 i, guint c) { return 1.0f; }
static float sig_dc2 (gint64 i, guint c) { return c == 0 ? 0.5f : 0.25f; }
static float sig_noise (gint64 i, guint c) { return 0.5f * noise_at (i, 1 + c); }
static float sig_sine (gint64 i, guint c)
{
  return (float) (0.1 * sin (2.0 * G_PI * 997.0 * (double) i / RATE + c * 0.3));
}
/* Noise through an 8-sample moving average: most of its energy below 6 kHz, like music. */
static double
smooth_noise_at (gint64 i, guint seed)
{
  double sum = 0.0;
  for (gint64 m = 0; m < 8; m++)
    sum += noise_at (i + 8 - m, seed);
  return sum / 8.0;
}
/* Twice smoothed (a triangular window of 15 samples): most energy below 3 kHz. */
static double
smoother_noise_at (gint64 i, guint seed)
{
  double sum = 0.0;
  for (gint64 m = 0; m < 8; m++)
    sum += smooth_noise_at (i + 8 - m, seed);
  return sum / 8.0;
}
/* A quiet noise body (half the loudness) with 2 ms loud noise bursts every 250 ms (the
 * peaks, near full scale): a crest factor of about 28 dB. */
static float sig_bursts (gint64 i, guint c)
{
  if (i % 12000 < 96)
    return (float) (2.2 * smoother_noise_at (i, 11 + c));
  return (float) (0.2 * smoother_noise_at (i, 21 + c));
}
/* The same idea with full-band (white) noise: much of the bursts' energy is near Nyquist,
 * where intersample peaks are highest and hardest to estimate. */
static float sig_bursts_white (gint64 i, guint c)
{
  if (i % 12000 < 12)
    return 0.98f * noise_at (i, 11 + c);
  return 0.03f * noise_at (i, 21 + c);
}
static float sig_quiet (gint64 i, guint c)
{
  return (float) (1e-5 * sin (2.0 * G_PI * 1000.0 * (double) i / RATE + c * 0.5));
}

typedef float (*SignalFunc) (gint64 i, guint c);

static const struct
{
  const char *id;
  const char *file;
  guint       channels;
  gint64      frames;
  SignalFunc  func;
} media[] = {
  { "imp", "impulse.wav", 1, IMPULSE_FRAMES, sig_impulse },
  { "ramp", "ramp.wav", 1, RAMP_FRAMES, sig_ramp },
  { "dc", "dc.wav", 1, DC_FRAMES, sig_dc },
  { "dc2", "dc2.wav", 2, RAMP_FRAMES, sig_dc2 },
  { "noise", "noise.wav", 1, NOISE_FRAMES, sig_noise },
  { "noise2", "noise2.wav", 2, NOISE_FRAMES, sig_noise },
  { "sine", "sine.wav", 2, LONG_FRAMES, sig_sine },
  { "bursts", "bursts.wav", 2, LONG_FRAMES, sig_bursts },
  { "white", "white.wav", 2, LONG_FRAMES, sig_bursts_white },
  { "quiet", "quiet.wav", 2, RATE, sig_quiet },
};

static void
write_media (void)
{
  for (guint m = 0; m < G_N_ELEMENTS (media); m++)
    {
      g_autofree char *path = g_build_filename (work_dir, media[m].file, NULL);
      SF_INFO info = { .samplerate = RATE, .channels = (int) media[m].channels,
                       .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
      SNDFILE *sf = sf_open (path, SFM_WRITE, &info);
      g_autofree float *data = g_new (float, media[m].frames * media[m].channels);

      g_assert_nonnull (sf);
      for (gint64 i = 0; i < media[m].frames; i++)
        for (guint c = 0; c < media[m].channels; c++)
          data[i * media[m].channels + c] = media[m].func (i, c);
      g_assert_cmpint (sf_writef_float (sf, data, media[m].frames), ==, media[m].frames);
      g_assert_cmpint (sf_close (sf), ==, 0);
    }
}

/* The value of media `id` at source frame i, channel c. */
static double
media_value (const char *id, gint64 i, guint c)
{
  for (guint m = 0; m < G_N_ELEMENTS (media); m++)
    if (g_str_equal (media[m].id, id))
      return media[m].func (i, MIN (c, media[m].channels - 1));
  g_assert_not_reached ();
}

/* ---- helpers -------------------------------------------------------------------------------- */

/* A fresh empty folder under the work folder. */
static char *
fresh_dir (const char *name)
{
  char *path = g_build_filename (work_dir, name, NULL);

  strata_remove_tree (path);
  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  return path;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The names in a folder, sorted, hidden ones included, joined by '|'. */
static char *
list_dir (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (char **) names->pdata);
}

#define MEDIA_JSON                                                                             \
  "'media':[{'id':'imp','path':'impulse.wav'},{'id':'ramp','path':'ramp.wav'},"                \
  "{'id':'dc','path':'dc.wav'},{'id':'dc2','path':'dc2.wav'},{'id':'noise','path':'noise.wav'}," \
  "{'id':'noise2','path':'noise2.wav'},{'id':'sine','path':'sine.wav'},"                      \
  "{'id':'bursts','path':'bursts.wav'},{'id':'white','path':'white.wav'},"                    \
  "{'id':'quiet','path':'quiet.wav'}]"
#define TEMPO_120 "[{'at':'1.1.0','bpm':120,'time_signature':'4/4'}]"

/* A project from JSON written with single quotes (turned into double quotes here); `body` is
 * the members after the media list: tracks, buses, master. */
static StrataProject *
load_project (const char *tempo, const char *body)
{
  g_autofree char *text = g_strdup_printf ("{'format':'strata-project','version':1,"
                                           "'sample_rate':%d,'tempo_map':%s," MEDIA_JSON ",%s}",
                                           RATE, tempo ? tempo : TEMPO_120, body);
  g_autoptr(GError) error = NULL;
  StrataProject *project;

  g_strdelimit (text, "'", '"');
  project = strata_json_load_data (text, -1, work_dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

static StrataGraph *
compile (const char *tempo, const char *body)
{
  g_autoptr(StrataProject) project = load_project (tempo, body);
  g_autoptr(GError) error = NULL;
  StrataGraph *graph = strata_graph_compile (project, &error);

  g_assert_no_error (error);
  g_assert_nonnull (graph);
  return graph;
}

/* A failure: logged (every one shows in the TAP output) and the test marked failed. */
G_GNUC_PRINTF (1, 2) static void
fail (const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_test_message ("FAIL: %s", text);
  g_test_fail_printf ("%s", text);
}

/* A failed numeric check marks the test failed (with the frame and both values) and lets
 * the caller stop its loop; the other checks of the test still run. */
static gboolean
near (double got, double want, double tolerance, const char *what, gint64 frame)
{
  if (fabs (got - want) <= tolerance)
    return TRUE;
  fail ("%s at frame %" G_GINT64_FORMAT ": got %.9g, expected %.9g (tolerance %g)",
                      what, frame, got, want, tolerance);
  return FALSE;
}

/* ---- driving the graph ---------------------------------------------------------------------- */

typedef struct
{
  gint64  start;
  gint64  frames;
  guint   n_stems;
  float  *master;   /* frames * 2 */
  float **stems;
} Mix;

static void
mix_free (Mix *mix)
{
  for (guint i = 0; i < mix->n_stems; i++)
    g_free (mix->stems[i]);
  g_free (mix->stems);
  g_free (mix->master);
  g_free (mix);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Mix, mix_free)

/* Runs [start, end) in blocks of `block`, reading every span's audio with libsndfile. */
static Mix *
mix_run (const StrataGraph *graph, gint64 start, gint64 end, guint block)
{
  Mix *mix = g_new0 (Mix, 1);
  g_autoptr(StrataGraphState) state = strata_graph_state_new (graph, block);
  guint n_sources = strata_graph_get_n_sources (graph);
  g_autofree SNDFILE **files = g_new0 (SNDFILE *, MAX (n_sources, 1));
  g_autofree float *out = g_new (float, (gsize) block * 2);

  mix->start = start;
  mix->frames = end - start;
  mix->n_stems = strata_graph_get_n_stems (graph);
  mix->master = g_new0 (float, mix->frames * 2);
  mix->stems = g_new0 (float *, MAX (mix->n_stems, 1));
  for (guint i = 0; i < mix->n_stems; i++)
    mix->stems[i] = g_new0 (float, mix->frames * 2);

  for (gint64 position = start; position < end;)
    {
      guint n = (guint) MIN ((gint64) block, end - position);
      guint n_spans = 0;
      const StrataClipSpan *spans = strata_graph_prepare (graph, state, position, n, &n_spans);

      for (guint s = 0; s < n_spans; s++)
        {
          const StrataClipSpan *span = &spans[s];
          const StrataGraphSource *source;

          g_assert_cmpuint (span->source, <, n_sources);
          source = strata_graph_get_source (graph, span->source);
          g_assert_cmpuint (span->n, >, 0);
          g_assert_cmpuint (span->offset + span->n, <=, n);
          g_assert_cmpint (span->source_frame, >=, 0);
          g_assert_cmpint (span->source_frame + span->n, <=, source->frames);
          if (files[span->source] == NULL)
            {
              SF_INFO info = { 0 };
              files[span->source] = sf_open (source->file_path, SFM_READ, &info);
              g_assert_nonnull (files[span->source]);
              g_assert_cmpint (info.channels, ==, source->channels);
            }
          g_assert_cmpint (sf_seek (files[span->source], span->source_frame, SEEK_SET), ==,
                           span->source_frame);
          g_assert_cmpint (sf_readf_float (files[span->source], span->buffer, span->n), ==,
                           span->n);
        }
      strata_graph_process (graph, state, position, n, out);
      memcpy (mix->master + (position - start) * 2, out, (gsize) n * 2 * sizeof (float));
      for (guint i = 0; i < mix->n_stems; i++)
        memcpy (mix->stems[i] + (position - start) * 2, strata_graph_state_get_stem (state, i),
                (gsize) n * 2 * sizeof (float));
      position += n;
    }
  for (guint i = 0; i < n_sources; i++)
    if (files[i])
      sf_close (files[i]);
  return mix;
}

static double
mix_at (const Mix *mix, gint64 frame, guint channel)
{
  g_assert_cmpint (frame, >=, mix->start);
  g_assert_cmpint (frame, <, mix->start + mix->frames);
  return mix->master[2 * (frame - mix->start) + channel];
}

static guint
stem_index (const StrataGraph *graph, const char *id)
{
  for (guint i = 0; i < strata_graph_get_n_stems (graph); i++)
    if (g_str_equal (strata_graph_get_stem (graph, i)->id, id))
      return i;
  g_error ("no stem for '%s'", id);
}

static double
stem_at (const Mix *mix, const StrataGraph *graph, const char *id, gint64 frame, guint channel)
{
  g_assert_cmpint (frame, >=, mix->start);
  g_assert_cmpint (frame, <, mix->start + mix->frames);
  return mix->stems[stem_index (graph, id)][2 * (frame - mix->start) + channel];
}

/* Checks both master channels at `frame`. */
static gboolean
expect_master (const Mix *mix, gint64 frame, double l, double r, double tolerance,
               const char *what)
{
  g_autofree char *wl = g_strdup_printf ("%s, left", what);
  g_autofree char *wr = g_strdup_printf ("%s, right", what);

  return near (mix_at (mix, frame, 0), l, tolerance, wl, frame)
         && near (mix_at (mix, frame, 1), r, tolerance, wr, frame);
}

static gboolean
expect_stem (const Mix *mix, const StrataGraph *graph, const char *id, gint64 frame, double l,
             double r, double tolerance)
{
  g_autofree char *wl = g_strdup_printf ("stem %s, left", id);
  g_autofree char *wr = g_strdup_printf ("stem %s, right", id);

  return near (stem_at (mix, graph, id, frame, 0), l, tolerance, wl, frame)
         && near (stem_at (mix, graph, id, frame, 1), r, tolerance, wr, frame);
}

/* ---- reading files -------------------------------------------------------------------------- */

static StrataRenderReport *
render_ok (const StrataGraph *graph, const StrataRenderOptions *options)
{
  g_autoptr(GError) error = NULL;
  StrataRenderReport *report = strata_render_graph (graph, options, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* ---- placement ------------------------------------------------------------------------------ */

static const RefSegment map_120[] = { { 1, 120, 4 } };
static const RefSegment map_change[] = { { 1, 120, 4 }, { 5, 90, 3 } };
#define TEMPO_CHANGE "[{'at':'1.1.0','bpm':120,'time_signature':'4/4'}," \
                     "{'at':'5.1.0','bpm':90,'time_signature':'3/4'}]"

static void
test_placement_impulses (void)
{
  g_autoptr(StrataGraph) graph = compile (TEMPO_CHANGE,
    "'tracks':["
    "{'id':'a','clips':[{'media':'imp','start':'3.1.0'}]},"
    "{'id':'b','clips':[{'media':'imp','start':'6.2.480'}]},"
    "{'id':'c','clips':[{'media':'imp','start':'4.3.240'}]},"
    "{'id':'d','clips':[{'media':'imp','start':'5.1.0'}]},"
    "{'id':'e','clips':[{'media':'imp','start':100001}]}]");
  gint64 expected[] = {
    ref_frame (RATE, map_change, 2, 3, 1, 0),
    ref_frame (RATE, map_change, 2, 6, 2, 480),
    ref_frame (RATE, map_change, 2, 4, 3, 240),
    ref_frame (RATE, map_change, 2, 5, 1, 0),
    100001,
  };
  double l, r;
  g_autoptr(Mix) mix = NULL;
  guint found = 0;

  /* The figures, from the formula: 2 bars of 4 beats at 0.5 s = 4 s; 8 s to bar 5,
   * then a 2 s bar of 90 bpm 3/4, one 2/3 s beat and half a beat (1/3 s). */
  g_assert_cmpint (ref_frame (RATE, map_120, 1, 3, 1, 0), ==, 192000);
  g_assert_cmpint (expected[0], ==, 192000);
  g_assert_cmpint (expected[1], ==, 528000);
  g_assert_cmpint (expected[2], ==, 342000);
  g_assert_cmpint (expected[3], ==, 384000);

  mix = mix_run (graph, 0, expected[1] + 1000, 4096);
  ref_pan_mono (0.0, &l, &r);
  /* Silence everywhere but at the five impulses, each a mono track panned centre. */
  for (gint64 f = 0; f < mix->frames; f++)
    {
      gboolean at_impulse = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
        at_impulse |= f == expected[i];
      if (at_impulse)
        {
          found++;
          if (!expect_master (mix, f, l, r, 1e-6, "impulse"))
            break;
        }
      else if (!expect_master (mix, f, 0.0, 0.0, 0.0, "silence around the impulses"))
        break;
    }
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (expected));
}

static void
test_placement_trims (void)
{
  /* A mono clip on a stereo track feeds both channels at unity (balance at centre). */
  g_autoptr(StrataGraph) graph = compile (NULL,
    "'tracks':[{'id':'t','channels':2,'clips':["
    "{'media':'ramp','start':1000,'source_start':5000,'length':300},"
    "{'media':'ramp','start':2000,'source_start':47000}]}]");
  g_autoptr(Mix) mix = mix_run (graph, 0, 4000, 64);

  for (gint64 f = 0; f < 4000; f++)
    {
      double want = 0.0;

      if (f >= 1000 && f < 1300)
        want = media_value ("ramp", 5000 + f - 1000, 0);
      else if (f >= 2000 && f < 2000 + RAMP_FRAMES - 47000)
        want = media_value ("ramp", 47000 + f - 2000, 0);
      if (!expect_master (mix, f, want, want, 1e-6, "trimmed ramp"))
        break;
    }
}

/* ---- fades ---------------------------------------------------------------------------------- */

static void
test_fades (void)
{
  g_autoptr(StrataGraph) graph = compile (NULL,
    "'tracks':[{'id':'t','channels':2,'clips':["
    "{'media':'dc','start':100,'length':1000,'fade_in':300,'fade_out':200},"
    "{'media':'dc','start':2000,'length':20,'fade_in':10,'fade_out':10,'gain_db':-6},"
    "{'media':'dc','start':3000,'length':50,'fade_out':1}]}]");
  struct { gint64 start, length, fade_in, fade_out; double gain_db; } clips[] = {
    { 100, 1000, 300, 200, 0.0 }, { 2000, 20, 10, 10, -6.0 }, { 3000, 50, 0, 1, 0.0 },
  };
  g_autoptr(Mix) mix = mix_run (graph, 0, 3100, 17);

  for (gint64 f = 0; f < 3100; f++)
    {
      double want = 0.0;

      for (guint c = 0; c < G_N_ELEMENTS (clips); c++)
        if (f >= clips[c].start && f < clips[c].start + clips[c].length)
          want = ref_clip_gain (f - clips[c].start, clips[c].length, clips[c].fade_in,
                                clips[c].fade_out, clips[c].gain_db);
      if (!expect_master (mix, f, want, want, 1e-6, "fades"))
        break;
    }
  /* The document's landmarks: the first frame is silent, the last frame is silent. */
  near (mix_at (mix, 100, 0), 0.0, 0.0, "first frame of a fade-in", 100);
  near (mix_at (mix, 1099, 0), 0.0, 0.0, "last frame of a fade-out", 1099);
  near (mix_at (mix, 3049, 0), 0.0, 0.0, "one-frame fade-out", 3049);
  near (mix_at (mix, 3048, 0), 1.0, 1e-6, "before a one-frame fade-out", 3048);
}

/* ---- volume automation ----------------------------------------------------------------------- */

static double
ref_volume_curve (gint64 f)
{
  /* (1000, -40), (9000, -10), (9000, 0), (20000, -20): held, linear, a step, linear, held. */
  if (f < 9000)
    return ref_lerp (f, 1000, -40.0, 9000, -10.0);
  return ref_lerp (f, 9000, 0.0, 20000, -20.0);
}

static void
test_volume_automation (void)
{
  /* The static -6 dB is overridden by the lane. */
  g_autoptr(StrataGraph) graph = compile (NULL,
    "'tracks':[{'id':'t','channels':2,'volume_db':-6,"
    "'clips':[{'media':'dc','start':0,'length':30000}],"
    "'automation':[{'param':'volume_db','points':[{'at':1000,'value':-40},"
    "{'at':9000,'value':-10},{'at':9000,'value':0},{'at':20000,'value':-20}]}]},"
    "{'id':'m','channels':1,'clips':[{'media':'dc','start':40000,'length':2000}],"
    "'automation':[{'param':'volume_db','points':[{'at':40000,'value':-30},"
    "{'at':42000,'value':6}]}]}]");
  g_autoptr(Mix) mix = mix_run (graph, 0, 42000, 256);
  gint64 landmarks[] = { 0, 500, 999, 1000, 1001, 5000, 8999, 9000, 9001, 14500, 19999, 20000,
                         20001, 29999 };
  double pl, pr;

  for (guint i = 0; i < G_N_ELEMENTS (landmarks); i++)
    {
      gint64 f = landmarks[i];
      for (guint c = 0; c < 2; c++)
        near (20.0 * log10 (mix_at (mix, f, c)), ref_volume_curve (f), 0.05,
              "volume automation landmark (dB)", f);
    }
  for (gint64 f = 0; f < 30000; f += 7)
    if (!near (20.0 * log10 (mix_at (mix, f, 0)), ref_volume_curve (f), 0.05,
               "volume automation (dB)", f))
      break;
  near (20.0 * log10 (mix_at (mix, 8999, 0)), -40.0 + 30.0 * 7999.0 / 8000.0, 0.05,
        "just before the step", 8999);
  near (20.0 * log10 (mix_at (mix, 9000, 0)), 0.0, 0.05, "at the step", 9000);

  /* A mono track: the automated fader, then the constant-power pan. */
  ref_pan_mono (0.0, &pl, &pr);
  for (gint64 f = 40000; f < 42000; f += 11)
    {
      double db = ref_lerp (f, 40000, -30.0, 42000, 6.0);
      if (!near (20.0 * log10 (mix_at (mix, f, 0) / pl), db, 0.05, "mono volume automation", f)
          || !near (20.0 * log10 (mix_at (mix, f, 1) / pr), db, 0.05, "mono volume automation",
                    f))
        break;
    }
}

/* ---- pan ------------------------------------------------------------------------------------- */

static void
test_pan (void)
{
  static const double pans[] = { -1.0, -0.5, 0.0, 0.3, 1.0 };
  g_autoptr(GString) body = g_string_new ("'tracks':[");
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(Mix) mix = NULL;
  double l, r;

  for (guint i = 0; i < G_N_ELEMENTS (pans); i++)
    g_string_append_printf (body, "{'id':'m%u','channels':1,'pan':%g,"
                            "'clips':[{'media':'dc','start':%u,'length':100}]},"
                            "{'id':'s%u','channels':2,'pan':%g,"
                            "'clips':[{'media':'dc2','start':%u,'length':100}]},",
                            i, pans[i], i * 100, i, pans[i], 1000 + i * 100);
  g_string_append (body,
    "{'id':'am','channels':1,'clips':[{'media':'dc','start':1500,'length':11000}],"
    "'automation':[{'param':'pan','points':[{'at':2000,'value':-1},{'at':12000,'value':1}]}]},"
    "{'id':'as','channels':2,'pan':-0.7,'clips':[{'media':'dc2','start':13500,'length':11000}],"
    "'automation':[{'param':'pan','points':[{'at':14000,'value':1},{'at':24000,'value':-1}]}]}]");
  graph = compile (NULL, body->str);
  mix = mix_run (graph, 0, 25000, 64);

  for (guint i = 0; i < G_N_ELEMENTS (pans); i++)
    {
      ref_pan_mono (pans[i], &l, &r);
      expect_master (mix, i * 100 + 50, l, r, 1e-5, "mono constant-power pan");
      ref_pan_balance (pans[i], &l, &r);
      expect_master (mix, 1000 + i * 100 + 50, 0.5 * l, 0.25 * r, 1e-5, "stereo balance pan");
    }
  for (gint64 f = 1500; f < 12500; f += 13)
    {
      ref_pan_mono (ref_lerp (f, 2000, -1.0, 12000, 1.0), &l, &r);
      if (!expect_master (mix, f, l, r, 1e-5, "automated mono pan"))
        break;
    }
  for (gint64 f = 13500; f < 24500; f += 13)
    {
      ref_pan_balance (ref_lerp (f, 14000, 1.0, 24000, -1.0), &l, &r);
      if (!expect_master (mix, f, 0.5 * l, 0.25 * r, 1e-5, "automated balance"))
        break;
    }
}

/* ---- mute ------------------------------------------------------------------------------------ */

static void
test_mute (void)
{
  /* m1: statically muted, with sends. m2: statically muted but a stepped mute lane overrides:
   * audible [2000, 2300), muted [2300, 2600), audible from 2600. m3: a muted clip. m4: into a
   * muted bus. */
  g_autoptr(StrataGraph) graph = compile (NULL,
    "'buses':[{'id':'fx'},{'id':'fx2'},{'id':'bm','mute':true}],"
    "'tracks':["
    "{'id':'m1','channels':1,'mute':true,'clips':[{'media':'dc','start':0,'length':1000}],"
    " 'sends':[{'bus':'fx','level_db':0},{'bus':'fx2','level_db':0,'pre_fader':true}]},"
    "{'id':'m2','channels':1,'mute':true,'clips':[{'media':'dc','start':2000,'length':1000}],"
    " 'sends':[{'bus':'fx','level_db':0},{'bus':'fx2','level_db':0,'pre_fader':true}],"
    " 'automation':[{'param':'mute','points':[{'at':2000,'value':0},{'at':2300,'value':1},"
    "  {'at':2600,'value':0}]}]},"
    "{'id':'m3','channels':2,'clips':[{'media':'dc','start':4000,'length':500,'mute':true}]},"
    "{'id':'m4','channels':2,'output':'bm','clips':[{'media':'dc','start':5000,'length':500}],"
    " 'sends':[{'bus':'fx','level_db':-6}]}]");
  g_autoptr(Mix) mix = mix_run (graph, 0, 6000, 100);
  double l, r;

  ref_pan_mono (0.0, &l, &r);
  for (gint64 f = 0; f < 6000; f++)
    {
      gboolean m2_on = (f >= 2000 && f < 2300) || (f >= 2600 && f < 3000);
      gboolean m4_on = f >= 5000 && f < 5500;
      /* m2's post-fader send (0 dB, fader 0 dB) and pre-fader send feed both channels. */
      double fx = m2_on ? 1.0 : m4_on ? ref_gain (-6.0) : 0.0;
      double fx2 = m2_on ? 1.0 : 0.0;

      if (!expect_master (mix, f, m2_on ? l + 2.0 : fx, m2_on ? r + 2.0 : fx, 1e-6, "mute")
          || !expect_stem (mix, graph, "fx", f, fx, fx, 1e-6)
          || !expect_stem (mix, graph, "fx2", f, fx2, fx2, 1e-6)
          || !expect_stem (mix, graph, "m1", f, 0.0, 0.0, 0.0)
          || !expect_stem (mix, graph, "bm", f, 0.0, 0.0, 0.0)
          || !expect_stem (mix, graph, "m4", f, m4_on ? 1.0 : 0.0, m4_on ? 1.0 : 0.0, 1e-6))
        break;
    }
}

/* ---- solo ------------------------------------------------------------------------------------ */

static void
test_solo_bus (void)
{
  /* S is soloed. t1 feeds it directly, t2 through bus A, t3 by a send; t4 and t5 (through C)
   * do not feed it and are silenced; C is a bus and is never silenced: t3's send to it sounds. */
  g_autoptr(StrataGraph) graph = compile (NULL,
    "'buses':[{'id':'S','solo':true},{'id':'A','output':'S'},{'id':'C'}],"
    "'tracks':["
    "{'id':'t1','channels':2,'output':'S','clips':[{'media':'dc','start':0,'length':100}]},"
    "{'id':'t2','channels':2,'output':'A','clips':[{'media':'dc','start':200,'length':100}]},"
    "{'id':'t3','channels':2,'clips':[{'media':'dc','start':400,'length':100}],"
    " 'sends':[{'bus':'S','level_db':-6},{'bus':'C','level_db':-12}]},"
    "{'id':'t4','channels':2,'clips':[{'media':'dc','start':600,'length':100}]},"
    "{'id':'t5','channels':2,'output':'C','clips':[{'media':'dc','start':800,'length':100}]}]");
  g_autoptr(Mix) mix = mix_run (graph, 0, 1000, 64);
  double t3 = 1.0 + ref_gain (-6.0) + ref_gain (-12.0);

  expect_master (mix, 50, 1.0, 1.0, 1e-6, "track into the soloed bus");
  expect_master (mix, 250, 1.0, 1.0, 1e-6, "track into a bus into the soloed bus");
  expect_master (mix, 450, t3, t3, 1e-6, "track sending to the soloed bus");
  expect_master (mix, 650, 0.0, 0.0, 0.0, "track not feeding the soloed bus");
  expect_master (mix, 850, 0.0, 0.0, 0.0, "track into a bus not feeding the soloed bus");
  expect_stem (mix, graph, "C", 450, ref_gain (-12.0), ref_gain (-12.0), 1e-6);
  expect_stem (mix, graph, "t4", 650, 0.0, 0.0, 0.0);
}

static void
test_solo_track (void)
{
  g_autoptr(StrataGraph) graph = compile (NULL,
    "'buses':[{'id':'X'}],"
    "'tracks':["
    "{'id':'t1','channels':2,'solo':true,'clips':[{'media':'dc','start':0,'length':100}],"
    " 'sends':[{'bus':'X','level_db':0}]},"
    "{'id':'t2','channels':2,'output':'X','clips':[{'media':'dc','start':200,'length':100}]},"
    "{'id':'t3','channels':2,'clips':[{'media':'dc','start':400,'length':100}]}]");
  g_autoptr(Mix) mix = mix_run (graph, 0, 600, 64);

  expect_master (mix, 50, 2.0, 2.0, 1e-6, "soloed track and its send through a bus");
  expect_master (mix, 250, 0.0, 0.0, 0.0, "unsoloed track into a bus");
  expect_master (mix, 450, 0.0, 0.0, 0.0, "unsoloed track");
}

/* ---- buses and sends ------------------------------------------------------------------------- */

static void
test_buses_and_sends (void)
{
  g_autoptr(StrataGraph) graph = compile (NULL,
    "'buses':[{'id':'B','volume_db':-6,'pan':0.5},{'id':'P'},{'id':'Q'},{'id':'P2'},"
    "{'id':'Y','output':'Z'},{'id':'Z','volume_db':-3}],"
    "'tracks':["
    "{'id':'s1','channels':2,'output':'B','clips':[{'media':'dc2','start':0,'length':100}]},"
    "{'id':'s2','channels':1,'volume_db':-10,'pan':-0.6,"
    " 'clips':[{'media':'dc','start':200,'length':100}],"
    " 'sends':[{'bus':'P','level_db':-3},{'bus':'Q','level_db':-5,'pre_fader':true}]},"
    "{'id':'s3','channels':2,'volume_db':-4,'pan':0.5,"
    " 'clips':[{'media':'dc2','start':400,'length':100}],"
    " 'sends':[{'bus':'P2','level_db':-2},{'bus':'Q','level_db':-1,'pre_fader':true}]},"
    "{'id':'s4','channels':1,'clips':[{'media':'dc2','start':600,'length':100}]},"
    "{'id':'s5','channels':2,'clips':[{'media':'dc','start':800,'length':100}]},"
    "{'id':'s6','channels':1,'output':'Y','clips':[{'media':'dc','start':1000,'length':100}]}]");
  g_autoptr(Mix) mix = mix_run (graph, 0, 1200, 64);
  double l, r, g;

  /* A stereo track into a bus with its own fader and balance. */
  ref_pan_balance (0.5, &l, &r);
  expect_master (mix, 50, 0.5 * ref_gain (-6.0) * l, 0.25 * ref_gain (-6.0) * r, 1e-6,
                 "bus volume and balance");
  expect_stem (mix, graph, "s1", 50, 0.5, 0.25, 1e-6);

  /* A mono track: the post-fader send takes the fader but not the pan, the pre-fader one
   * neither; both feed the two bus channels. */
  ref_pan_mono (-0.6, &l, &r);
  g = ref_gain (-10.0);
  expect_stem (mix, graph, "s2", 250, g * l, g * r, 1e-6);
  expect_stem (mix, graph, "P", 250, g * ref_gain (-3.0), g * ref_gain (-3.0), 1e-6);
  expect_stem (mix, graph, "Q", 250, ref_gain (-5.0), ref_gain (-5.0), 1e-6);
  expect_master (mix, 250, g * l + g * ref_gain (-3.0) + ref_gain (-5.0),
                 g * r + g * ref_gain (-3.0) + ref_gain (-5.0), 1e-6, "mono track and sends");

  /* A stereo track: post-fader after the pan; the pre-fader tap before fader and pan. */
  ref_pan_balance (0.5, &l, &r);
  g = ref_gain (-4.0);
  expect_stem (mix, graph, "s3", 450, 0.5 * g * l, 0.25 * g * r, 1e-6);
  expect_stem (mix, graph, "P2", 450, 0.5 * g * l * ref_gain (-2.0),
               0.25 * g * r * ref_gain (-2.0), 1e-6);
  expect_stem (mix, graph, "Q", 450, 0.5 * ref_gain (-1.0), 0.25 * ref_gain (-1.0), 1e-6);

  /* A stereo clip on a mono track is (L + R) / 2, then panned. */
  ref_pan_mono (0.0, &l, &r);
  expect_master (mix, 650, 0.375 * l, 0.375 * r, 1e-6, "stereo clip on a mono track");
  /* A mono clip on a stereo track feeds both channels. */
  expect_master (mix, 850, 1.0, 1.0, 1e-6, "mono clip on a stereo track");
  /* Bus into bus: the second bus's fader. */
  expect_master (mix, 1050, l * ref_gain (-3.0), r * ref_gain (-3.0), 1e-6, "bus into a bus");
  expect_stem (mix, graph, "Y", 1050, l, r, 1e-6);
}

/* ---- a richer project: stems, block sizes ------------------------------------------------- */

#define RICH_PROJECT                                                                           \
  "'buses':[{'id':'drums','name':'Drums','volume_db':-2,'pan':0.3,"                            \
  " 'sends':[{'bus':'verb','level_db':-9}]},"                                                  \
  "{'id':'verb','name':'Verb','volume_db':-1,"                                                 \
  " 'automation':[{'param':'pan','points':[{'at':0,'value':-0.5},{'at':40000,'value':0.5}]}]}]," \
  "'tracks':["                                                                                 \
  "{'id':'t1','name':'Drums','output':'drums',"                                                \
  " 'clips':[{'media':'noise2','start':0,'length':30000,'fade_in':1000,'fade_out':2000},"      \
  "  {'media':'noise2','start':30000,'source_start':1234,'gain_db':-3,'fade_in':7}],"           \
  " 'sends':[{'bus':'verb','level_db':-6}],"                                                   \
  " 'automation':[{'param':'volume_db','points':[{'at':500,'value':-20},{'at':20000,'value':3}]}," \
  "  {'param':'pan','points':[{'at':0,'value':1},{'at':50000,'value':-1}]}]},"                 \
  "{'id':'t2','name':'Bass','channels':1,'volume_db':-3,'pan':-0.4,"                           \
  " 'clips':[{'media':'noise','start':1000,'length':40000,'fade_out':100}],"                   \
  " 'sends':[{'bus':'verb','level_db':-10,'pre_fader':true}],"                                 \
  " 'automation':[{'param':'mute','points':[{'at':0,'value':0},{'at':15000,'value':1},"       \
  "  {'at':17001,'value':0}]}]},"                                                              \
  "{'id':'t3','name':'Keys','channels':2,'clips':[{'media':'imp','start':12345}]},"            \
  "{'id':'t4','name':'Mute me','channels':2,'mute':true,"                                      \
  " 'clips':[{'media':'dc','start':0,'length':20000}]}]"

static void
test_stems (void)
{
  g_autoptr(StrataGraph) graph = compile (NULL, RICH_PROJECT);
  g_autofree char *dir = fresh_dir ("stems-test");
  g_autofree char *stems_dir = g_build_filename (dir, "stems", NULL);
  g_autofree char *master_path = g_build_filename (dir, "master.wav", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(StrataRenderReport) report = NULL;
  g_autoptr(Audio) master = NULL;
  g_autoptr(Mix) mix = NULL;
  StrataRenderOptions options;
  /* Stem file names: clashing "Drums" (track t1, bus drums) carry their id. */
  struct { const char *id; const char *file; gboolean to_master; } stems[] = {
    { "t1", NULL, FALSE }, { "t2", "Bass.wav", TRUE }, { "t3", "Keys.wav", TRUE },
    { "t4", "Mute me.wav", TRUE }, { "drums", NULL, TRUE }, { "verb", "Verb.wav", TRUE },
  };
  Audio *audio[G_N_ELEMENTS (stems)] = { NULL };
  GDir *d;
  const char *name;
  guint n_files = 0;
  double l, r;

  strata_render_options_init (&options);
  options.output = g_strdup (master_path);
  options.bit_depth = 32;
  options.stems_dir = g_strdup (stems_dir);
  report = render_ok (graph, &options);
  g_assert_cmpuint (report->files->len, ==, 1 + G_N_ELEMENTS (stems));

  d = g_dir_open (stems_dir, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      n_files++;
      if (g_str_equal (name, "Drums.wav"))
        fail ("a clashing name was not given its id: %s", name);
      else if (g_str_has_prefix (name, "Drums") && g_str_has_suffix (name, ".wav")
               && strstr (name + 5, "t1") != NULL)
        stems[0].file = g_intern_string (name);
      else if (g_str_has_prefix (name, "Drums") && g_str_has_suffix (name, ".wav")
               && strstr (name + 5, "drums") != NULL)
        stems[4].file = g_intern_string (name);
    }
  g_dir_close (d);
  listing = list_dir (stems_dir);
  g_test_message ("stems: %s", listing);
  g_assert_cmpuint (n_files, ==, G_N_ELEMENTS (stems));
  g_assert_nonnull (stems[0].file);
  g_assert_nonnull (stems[4].file);

  master = read_audio (master_path);
  g_assert_cmpint (master->channels, ==, 2);
  g_assert_cmpint (master->format, ==, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  g_assert_cmpint (master->frames, ==, NOISE_FRAMES + 30000 - 1234);
  for (guint s = 0; s < G_N_ELEMENTS (stems); s++)
    {
      g_autofree char *path = g_build_filename (stems_dir, stems[s].file, NULL);

      audio[s] = read_audio (path);
      g_assert_cmpint (audio[s]->channels, ==, 2);
      g_assert_cmpint (audio[s]->frames, ==, master->frames);
      g_assert_true (strata_graph_get_stem (graph, stem_index (graph, stems[s].id))->to_master
                     == stems[s].to_master);
    }

  /* The stems of the strips that output to the master sum to the master. */
  for (gint64 i = 0; i < master->frames * 2; i++)
    {
      double sum = 0.0;
      for (guint s = 0; s < G_N_ELEMENTS (stems); s++)
        if (stems[s].to_master)
          sum += audio[s]->data[i];
      if (!near (sum, master->data[i], 1e-6, "sum of stems vs master", i / 2))
        break;
    }
  /* Sample-aligned, and as the rules compute them: Keys is its impulse at 12345 (balance
   * unity at centre), Bass its noise through fader and constant-power pan (muted by its lane
   * over [15000, 17001)), the muted track's stem is silent. */
  ref_pan_mono (-0.4, &l, &r);
  for (gint64 f = 0; f < master->frames; f++)
    {
      double keys = f == 12345 ? 1.0 : 0.0;
      double bass = 0.0;

      if (f >= 1000 && f < 41000 && !(f >= 15000 && f < 17001))
        bass = media_value ("noise", f - 1000, 0) * ref_gain (-3.0)
               * ref_clip_gain (f - 1000, 40000, 0, 100, 0.0);
      if (!near (audio[2]->data[2 * f], keys, 1e-6, "Keys stem, left", f)
          || !near (audio[2]->data[2 * f + 1], keys, 1e-6, "Keys stem, right", f)
          || !near (audio[1]->data[2 * f], bass * l, 1e-6, "Bass stem, left", f)
          || !near (audio[1]->data[2 * f + 1], bass * r, 1e-6, "Bass stem, right", f)
          || !near (audio[3]->data[2 * f], 0.0, 0.0, "muted track's stem", f))
        break;
    }

  /* The file is what the graph computes, bit for bit. */
  mix = mix_run (graph, 0, master->frames, 4096);
  g_assert_true (memcmp (mix->master, master->data, master->frames * 2 * sizeof (float)) == 0);
  for (guint s = 0; s < G_N_ELEMENTS (stems); s++)
    g_assert_true (memcmp (mix->stems[stem_index (graph, stems[s].id)], audio[s]->data,
                           master->frames * 2 * sizeof (float)) == 0);

  for (guint s = 0; s < G_N_ELEMENTS (stems); s++)
    audio_free (audio[s]);
  strata_render_options_clear (&options);
  strata_remove_tree (dir);
}

static void
test_block_sizes (void)
{
  static const guint blocks[] = { 1, 17, 64, 256, 4096 };
  g_autoptr(StrataGraph) graph = compile (NULL, RICH_PROJECT);
  gint64 end = 50000;
  g_autoptr(Mix) reference = mix_run (graph, 0, end, 4096);
  g_autoptr(Mix) again = mix_run (graph, 0, end, 4096);
  g_autoptr(Mix) offset = mix_run (graph, 777, end, 17);
  gsize bytes = (gsize) end * 2 * sizeof (float);
  g_autofree char *dir = fresh_dir ("blocks-test");
  g_autofree char *a_path = g_build_filename (dir, "a.wav", NULL);
  g_autofree char *b_path = g_build_filename (dir, "b.wav", NULL);
  g_autoptr(Audio) a = NULL;
  g_autoptr(Audio) b = NULL;
  StrataRenderOptions options;

  g_assert_true (memcmp (reference->master, again->master, bytes) == 0);
  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    {
      g_autoptr(Mix) mix = mix_run (graph, 0, end, blocks[i]);

      if (memcmp (reference->master, mix->master, bytes) != 0)
        fail ("block size %u changes the master", blocks[i]);
      for (guint s = 0; s < mix->n_stems; s++)
        if (memcmp (reference->stems[s], mix->stems[s], bytes) != 0)
          fail ("block size %u changes stem %u", blocks[i], s);
    }
  /* Starting anywhere gives the same frames. */
  if (memcmp (reference->master + 2 * 777, offset->master, bytes - 777 * 2 * sizeof (float)) != 0)
    fail ("a render starting at 777 differs from the same frames of one from 0");

  /* Two file renders are bit-identical, and identical to the graph's output. */
  strata_render_options_init (&options);
  options.bit_depth = 32;
  options.has_end = TRUE;
  options.end = end;
  options.output = g_strdup (a_path);
  strata_render_report_free (render_ok (graph, &options));
  g_free (options.output);
  options.output = g_strdup (b_path);
  strata_render_report_free (render_ok (graph, &options));
  a = read_audio (a_path);
  b = read_audio (b_path);
  g_assert_cmpint (a->frames, ==, end);
  g_assert_cmpint (b->frames, ==, end);
  g_assert_true (memcmp (a->data, b->data, bytes) == 0);
  g_assert_true (memcmp (a->data, reference->master, bytes) == 0);
  strata_render_options_clear (&options);
  strata_remove_tree (dir);
}

/* ---- loudness -------------------------------------------------------------------------------- */

/* Integrated loudness and true peak of a file, from ffmpeg's ebur128 summary. */
static void
ffmpeg_measure (const char *path, double *integrated, double *true_peak)
{
  const char *argv[] = { "ffmpeg", "-hide_banner", "-nostats", "-i", path, "-af",
                         "ebur128=peak=true", "-f", "null", "-", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *summary, *i, *peak;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  summary = strstr (err, "Summary:");
  g_assert_nonnull (summary);
  i = strstr (summary, "I:");
  peak = strstr (summary, "Peak:");
  g_assert_nonnull (i);
  g_assert_nonnull (peak);
  *integrated = g_ascii_strtod (i + 2, NULL);
  *true_peak = g_ascii_strtod (peak + 5, NULL);
}

static void
check_loudness (const char *media_id, double target, gboolean expect_limited)
{
  g_autofree char *body = g_strdup_printf ("'tracks':[{'id':'t','channels':2,"
                                           "'clips':[{'media':'%s','start':0}]}]", media_id);
  g_autoptr(StrataGraph) graph = compile (NULL, body);
  g_autofree char *dir = fresh_dir ("loudness-test");
  g_autofree char *path = g_build_filename (dir, "out.wav", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(StrataRenderReport) report = NULL;
  g_autoptr(Audio) audio = NULL;
  StrataRenderOptions options;
  double integrated, true_peak;
  double ceiling = -1.0;

  strata_render_options_init (&options);
  options.output = g_strdup (path);
  options.normalize = TRUE;
  options.target_lufs = target;
  g_assert_cmpfloat (options.true_peak_dbtp, ==, ceiling);
  report = render_ok (graph, &options);
  ffmpeg_measure (path, &integrated, &true_peak);
  g_test_message ("%s at %g LUFS: ffmpeg I %.2f TP %.2f; report I %.2f TP %.2f gain %.2f "
                  "limited %d", media_id, target, integrated, true_peak,
                  report->integrated_lufs, report->true_peak_dbtp, report->gain_db,
                  report->limited);

  audio = read_audio (path);
  g_assert_cmpint (audio->frames, ==, LONG_FRAMES);
  g_assert_cmpint (audio->format, ==, SF_FORMAT_WAV | SF_FORMAT_PCM_24);
  near (integrated, target, 0.5, "integrated loudness (ffmpeg)", 0);
  if (true_peak > ceiling + 0.1)
    fail ("%s at %g LUFS: true peak %.2f dBTP (ffmpeg) over the %.1f ceiling",
                        media_id, target, true_peak, ceiling);
  if (report->true_peak_dbtp > ceiling + 0.01)
    fail ("%s at %g LUFS: the report's true peak %.2f is over the ceiling",
                        media_id, target, report->true_peak_dbtp);
  near (report->integrated_lufs, integrated, 0.5, "report's integrated vs ffmpeg's", 0);
  near (report->true_peak_dbtp, true_peak, 0.5, "report's true peak vs ffmpeg's", 0);
  if (report->limited != expect_limited)
    fail ("%s at %g LUFS: limited is %d, expected %d", media_id, target,
                        report->limited, expect_limited);
  /* Only the output is left behind (no temporary float master). */
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "out.wav");
  strata_render_options_clear (&options);
  strata_remove_tree (dir);
}

static void
test_loudness (void)
{
  /* bursts: peaks near full scale over a quiet body: at either target the gain pushes the
   * peaks over -1 dBTP. sine: 0.1 amplitude (about -20 LUFS), never near. */
  check_loudness ("bursts", -14.0, TRUE);
  check_loudness ("bursts", -23.0, TRUE);
  check_loudness ("sine", -14.0, FALSE);
  check_loudness ("sine", -23.0, FALSE);
}

/* Full-band noise bursts: the ceiling must hold for them too, as an independent meter sees
 * it (ffmpeg's true peak, +0.1 dB for its different interpolation). */
static void
test_loudness_white (void)
{
  check_loudness ("white", -14.0, TRUE);
}

/* ---- quantisation ---------------------------------------------------------------------------- */

static Audio *
render_depth (const StrataGraph *graph, const char *dir, const char *name, guint bits)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  StrataRenderOptions options;

  strata_render_options_init (&options);
  options.output = g_strdup (path);
  options.bit_depth = bits;
  strata_render_report_free (render_ok (graph, &options));
  strata_render_options_clear (&options);
  return read_audio (path);
}

/* Round half away from zero, clipped to the code range. */
static gint64
ref_round (double x, guint bits)
{
  double full = ldexp (1.0, bits - 1);
  double code = round (x * full);
  return (gint64) CLAMP (code, -full, full - 1);
}

static void
test_quantisation (void)
{
  g_autoptr(StrataGraph) quiet = compile (NULL,
    "'tracks':[{'id':'t','channels':2,'clips':[{'media':'quiet','start':0}]}]");
  g_autoptr(StrataGraph) loud = compile (NULL,
    "'tracks':[{'id':'t','channels':2,'clips':[{'media':'noise2','start':0,'length':20000,"
    "'gain_db':12}]}]");
  g_autofree char *dir = fresh_dir ("quantise-test");
  g_autoptr(Audio) f32 = render_depth (quiet, dir, "f32.wav", 32);
  g_autoptr(Audio) i24 = render_depth (quiet, dir, "i24.wav", 24);
  g_autoptr(Audio) i24b = render_depth (quiet, dir, "i24b.wav", 24);
  g_autoptr(Audio) i16 = render_depth (quiet, dir, "i16.wav", 16);
  g_autoptr(Audio) i16b = render_depth (quiet, dir, "i16b.wav", 16);
  g_autoptr(Audio) loud32 = render_depth (loud, dir, "loud32.wav", 32);
  g_autoptr(Audio) loud24 = render_depth (loud, dir, "loud24.wav", 24);
  g_autoptr(Audio) loud16 = render_depth (loud, dir, "loud16.wav", 16);
  g_autoptr(Mix) mix = mix_run (quiet, 0, RATE, 4096);
  gint64 n = (gint64) RATE * 2;
  gint64 nonzero = 0, max_code = 0;
  double dot = 0.0, power = 0.0;

  g_assert_cmpint (i16->format, ==, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  g_assert_cmpint (i24->format, ==, SF_FORMAT_WAV | SF_FORMAT_PCM_24);
  g_assert_cmpint (f32->frames, ==, RATE);
  g_assert_cmpint (i16->frames, ==, RATE);
  g_assert_cmpint (i24->frames, ==, RATE);

  /* Float is written as computed. */
  g_assert_true (memcmp (f32->data, mix->master, n * sizeof (float)) == 0);

  /* 24 bits: plain rounding of the computed value, the same every time. */
  for (gint64 i = 0; i < n; i++)
    if (!near (i24->codes[i] / 256, (double) ref_round (f32->data[i], 24), 0.0,
               "24-bit code", i / 2))
      break;
  g_assert_true (memcmp (i24->codes, i24b->codes, n * sizeof (int)) == 0);

  /* 16 bits, -100 dBFS (a third of an LSB): dither makes codes that rounding alone would
   * not, small ones (TPDF of +-1 LSB), that carry the signal on average; deterministic. */
  for (gint64 i = 0; i < n; i++)
    {
      gint64 code = i16->codes[i] / 65536;
      double x = f32->data[i] * 32768.0;

      g_assert_true (ref_round (f32->data[i], 16) == 0);
      nonzero += code != 0;
      max_code = MAX (max_code, ABS (code));
      dot += code * x;
      power += x * x;
    }
  g_test_message ("16-bit dither: %" G_GINT64_FORMAT " non-zero codes of %" G_GINT64_FORMAT
                  ", largest %" G_GINT64_FORMAT ", gain %.3f", nonzero, n, max_code, dot / power);
  if (nonzero < n / 10)
    fail ("16-bit output of a -100 dBFS sine has only %" G_GINT64_FORMAT
                        " non-zero codes: no dither", nonzero);
  if (max_code > 2)
    fail ("16-bit dither reaches code %" G_GINT64_FORMAT, max_code);
  if (!(dot / power > 0.8 && dot / power < 1.2))
    fail ("16-bit dithered output does not carry the signal: gain %.3f",
                        dot / power);
  g_assert_true (memcmp (i16->codes, i16b->codes, n * sizeof (int)) == 0);

  /* Beyond full scale: integer output clips, float keeps the value. */
  {
    gboolean over = FALSE, under = FALSE;
    for (gint64 i = 0; i < loud32->frames * 2; i++)
      {
        double x = loud32->data[i];
        over |= x > 1.5;
        under |= x < -1.5;
        /* Full scale negative is -2^23; -2^23 + 1 is accepted as a symmetric clip. */
        if (!near (loud24->codes[i] / 256, (double) ref_round (x, 24),
                   x <= -1.0 ? 1.0 : 0.0, "24-bit clip", i / 2))
          break;
        if (x >= 1.0 && loud16->codes[i] / 65536 != 32767)
          {
            fail ("16-bit: %g written as %d, not clipped to 32767", x,
                                loud16->codes[i] / 65536);
            break;
          }
        if (x <= -1.0 && loud16->codes[i] / 65536 > -32767)
          {
            fail ("16-bit: %g written as %d, not clipped", x,
                                loud16->codes[i] / 65536);
            break;
          }
      }
    g_assert_true (over && under);
  }
  strata_remove_tree (dir);
}

/* ---- plan and range -------------------------------------------------------------------------- */

static void
test_plan (void)
{
  const char *body =
    "'tracks':["
    "{'id':'a','clips':[{'media':'imp','start':'2.1.0'},{'media':'ramp','start':'6.2.480',"
    " 'source_start':100,'length':1000},{'media':'dc','start':'7.1.0','length':10,'mute':true}]},"
    "{'id':'b','clips':[{'media':'dc2','start':'1.2.0','length':500}]}]";
  g_autoptr(StrataProject) project = load_project (TEMPO_CHANGE, body);
  g_autoptr(StrataGraph) graph = compile (TEMPO_CHANGE, body);
  g_autofree char *dir = fresh_dir ("plan-test");
  g_autofree char *path = g_build_filename (dir, "out.wav", NULL);
  struct { const char *track; const char *media; gint64 start, length; } clips[] = {
    { "a", "imp", ref_frame (RATE, map_change, 2, 2, 1, 0), IMPULSE_FRAMES },
    { "a", "ramp", ref_frame (RATE, map_change, 2, 6, 2, 480), 1000 },
    { "a", "dc", ref_frame (RATE, map_change, 2, 7, 1, 0), 10 },
    { "b", "dc2", ref_frame (RATE, map_change, 2, 1, 2, 0), 500 },
  };
  gint64 expected_end = clips[1].start + 1000;   /* the muted clip does not count */
  guint c = 0;

  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) plan = NULL;
      g_autoptr(StrataRenderReport) report = NULL;
      g_autoptr(Audio) audio = NULL;
      StrataRenderOptions options;
      JsonObject *root, *range;
      JsonArray *tracks;
      gint64 start = pass == 0 ? 0 : 1000, end = pass == 0 ? expected_end : 96000;

      strata_render_options_init (&options);
      options.output = g_strdup (path);
      if (pass == 1)
        {
          options.has_start = options.has_end = TRUE;
          options.start = start;
          options.end = end;
        }
      plan = strata_render_plan (project, &options, &error);
      g_assert_no_error (error);
      g_assert_nonnull (plan);
      root = json_node_get_object (plan);
      range = json_object_get_object_member (root, "range");
      g_assert_nonnull (range);
      g_assert_cmpint (json_object_get_int_member (range, "start"), ==, start);
      g_assert_cmpint (json_object_get_int_member (range, "end"), ==, end);
      g_assert_cmpint (json_object_get_int_member (range, "frames"), ==, end - start);
      /* The plan writes nothing. */
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

      tracks = json_object_get_array_member (root, "tracks");
      g_assert_cmpuint (json_array_get_length (tracks), ==, 2);
      c = 0;
      for (guint t = 0; t < 2; t++)
        {
          JsonObject *track = json_array_get_object_element (tracks, t);
          JsonArray *plan_clips = json_object_get_array_member (track, "clips");

          for (guint j = 0; j < json_array_get_length (plan_clips); j++, c++)
            {
              JsonObject *clip = json_array_get_object_element (plan_clips, j);
              g_assert_cmpuint (c, <, G_N_ELEMENTS (clips));
              g_assert_cmpstr (json_object_get_string_member (track, "id"), ==, clips[c].track);
              g_assert_cmpstr (json_object_get_string_member (clip, "media"), ==, clips[c].media);
              g_assert_cmpint (json_object_get_int_member (clip, "start"), ==, clips[c].start);
              g_assert_cmpint (json_object_get_int_member (clip, "length"), ==, clips[c].length);
            }
        }
      g_assert_cmpuint (c, ==, G_N_ELEMENTS (clips));

      report = render_ok (graph, &options);
      audio = read_audio (path);
      g_assert_cmpint (audio->frames, ==, json_object_get_int_member (range, "frames"));
      g_assert_cmpint (report->frames, ==, audio->frames);
      g_unlink (path);
      strata_render_options_clear (&options);
    }
  strata_remove_tree (dir);
}

static void
test_range (void)
{
  /* The last unmuted clip ends at 5000: a muted clip and a muted track's clip end later. */
  g_autoptr(StrataGraph) graph = compile (NULL,
    "'tracks':["
    "{'id':'a','channels':2,'clips':[{'media':'dc','start':0,'length':5000},"
    " {'media':'dc','start':6000,'length':3000,'mute':true}]},"
    "{'id':'b','channels':2,'mute':true,'clips':[{'media':'dc','start':0,'length':12000}]},"
    "{'id':'c','channels':2,'clips':[{'media':'ramp','start':100,'length':4000}]}]");
  g_autofree char *dir = fresh_dir ("range-test");
  g_autofree char *path = g_build_filename (dir, "out.wav", NULL);
  g_autoptr(Mix) mix = mix_run (graph, 0, 9000, 256);
  gint64 start, end;

  strata_graph_default_range (graph, &start, &end);
  g_assert_cmpint (start, ==, 0);
  g_assert_cmpint (end, ==, 5000);

  for (guint pass = 0; pass < 3; pass++)
    {
      static const gint64 ranges[][2] = { { 0, 5000 }, { 1000, 3000 }, { 4000, 7000 } };
      g_autoptr(Audio) audio = NULL;
      StrataRenderOptions options;

      strata_render_options_init (&options);
      options.output = g_strdup (path);
      options.bit_depth = 32;
      if (pass > 0)
        {
          options.has_start = options.has_end = TRUE;
          options.start = ranges[pass][0];
          options.end = ranges[pass][1];
        }
      strata_render_report_free (render_ok (graph, &options));
      audio = read_audio (path);
      g_assert_cmpint (audio->frames, ==, ranges[pass][1] - ranges[pass][0]);
      /* Output frame 0 is the range's start. */
      for (gint64 k = 0; k < audio->frames; k++)
        {
          gint64 f = ranges[pass][0] + k;
          double want = f < 5000 ? 1.0 + (f >= 100 && f < 4100 ? media_value ("ramp", f - 100, 0)
                                                              : 0.0)
                                 : 0.0;
          if (!near (audio->data[2 * k], want, 1e-6, "range", f)
              || !near (audio->data[2 * k], mix_at (mix, f, 0), 0.0, "range vs graph", f))
            break;
        }
      strata_render_options_clear (&options);
    }
  strata_remove_tree (dir);
}

/* ---- cancel and failure ---------------------------------------------------------------------- */

typedef struct
{
  GCancellable *cancellable;
  double        at;        /* cancel at the first report past this fraction */
  guint         calls;
} CancelData;

static void
cancel_progress (double fraction, gpointer user_data)
{
  CancelData *data = user_data;

  data->calls++;
  if (fraction > data->at)
    g_cancellable_cancel (data->cancellable);
}

static void
check_cancel (gboolean stems, gboolean normalize, double at)
{
  g_autoptr(StrataGraph) graph = compile (NULL, RICH_PROJECT);
  g_autofree char *dir = fresh_dir ("cancel-test");
  g_autofree char *stems_dir = g_build_filename (dir, "stems", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  StrataRenderReport *report;
  StrataRenderOptions options;
  CancelData data = { cancellable, at, 0 };

  g_assert_cmpint (g_mkdir (stems_dir, 0755), ==, 0);
  strata_render_options_init (&options);
  options.output = g_build_filename (dir, "out.wav", NULL);
  if (stems)
    options.stems_dir = g_strdup (stems_dir);
  options.normalize = normalize;
  options.target_lufs = -23.0;
  report = strata_render_graph (graph, &options, cancellable, cancel_progress, &data, &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (data.calls, >=, 1);
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "stems");
  g_free (listing);
  listing = list_dir (stems_dir);
  g_assert_cmpstr (listing, ==, "");
  strata_render_options_clear (&options);
  strata_remove_tree (dir);
}

static void
test_cancel (void)
{
  check_cancel (FALSE, FALSE, -1.0);
  check_cancel (TRUE, FALSE, 0.3);
  check_cancel (TRUE, TRUE, 0.2);    /* while measuring */
  check_cancel (FALSE, TRUE, 0.75);  /* while writing the normalised master */
}

static void
check_unwritable (const char *output, const char *stems_dir, gboolean normalize,
                  const char *named, const char *const *dirs)
{
  g_autoptr(StrataGraph) graph = compile (NULL, RICH_PROJECT);
  g_autoptr(GError) error = NULL;
  StrataRenderReport *report;
  StrataRenderOptions options;

  strata_render_options_init (&options);
  options.output = g_strdup (output);
  options.stems_dir = g_strdup (stems_dir);
  options.normalize = normalize;
  options.target_lufs = -14.0;
  report = strata_render_graph (graph, &options, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_nonnull (error);
  if (error->domain != STRATA_ERROR)
    fail ("unwritable output: error domain %s (%s), not STRATA_ERROR",
                        g_quark_to_string (error->domain), error->message);
  if (strstr (error->message, named) == NULL)
    fail ("unwritable output: '%s' does not name %s", error->message, named);
  for (guint i = 0; dirs[i]; i++)
    {
      g_autofree char *listing = list_dir (dirs[i]);
      g_assert_cmpstr (listing, ==, "");
    }
  strata_render_options_clear (&options);
}

static void
test_unwritable (void)
{
  /* A folder under a regular file cannot be written, even by root. */
  g_autofree char *dir = fresh_dir ("unwritable-test");
  g_autofree char *ok_dir = g_build_filename (dir, "ok", NULL);
  g_autofree char *ok_stems = g_build_filename (dir, "ok-stems", NULL);
  g_autofree char *blocker = g_build_filename (dir, "blocker", NULL);
  g_autofree char *bad_dir = g_build_filename (blocker, "out", NULL);
  g_autofree char *bad_output = g_build_filename (bad_dir, "out.wav", NULL);
  g_autofree char *ok_output = g_build_filename (ok_dir, "out.wav", NULL);
  g_autofree char *bad_stems = g_build_filename (blocker, "stems", NULL);
  const char *const both[] = { ok_dir, ok_stems, NULL };

  g_assert_cmpint (g_mkdir (ok_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (ok_stems, 0755), ==, 0);
  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));

  check_unwritable (bad_output, NULL, FALSE, bad_dir, both);
  check_unwritable (bad_output, NULL, TRUE, bad_dir, both);
  /* The stems could be written, the master cannot: no stem is left. */
  check_unwritable (bad_output, ok_stems, FALSE, bad_dir, both);
  /* The master could be written, the stems cannot: no master is left. */
  check_unwritable (ok_output, bad_stems, FALSE, bad_stems, both);
  strata_remove_tree (dir);
}

/* ---- the direct file under the writers ----------------------------------------------------- */

/* Writes the same 24-bit WAV as the render's writers do (a comment in the header, raw packed
 * audio in uneven pieces, another comment after the audio) to `path`, through a direct file
 * when `direct`, else through libsndfile's own file. With `silences`, audio bytes 1.0 to 3.6
 * and 4.5 to 6.5 million are zeros. */
static void
write_wav_pieces (const char *path, gboolean direct, gboolean silences)
{
  SF_INFO info = { .samplerate = 48000, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_24 };
  g_autoptr(StrataDirectFile) file = NULL;
  g_autofree guint8 *bytes = g_malloc (64 * 1024);
  SNDFILE *sf;
  guint32 x = 12345;
  gsize total = 0;

  if (direct)
    {
      g_autoptr(GError) error = NULL;

      file = strata_direct_file_new (path, path, &error);
      g_assert_no_error (error);
      sf = sf_open_virtual (strata_direct_file_vio (), SFM_WRITE, &info, file);
    }
  else
    sf = sf_open (path, SFM_WRITE, &info);
  g_assert_nonnull (sf);
  sf_command (sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
  sf_set_string (sf, SF_STR_COMMENT, "before the audio");
  /* 3.3 MB (6.5 MB with silences): past the windows, in pieces of 6 bytes to 64 kB that
   * rarely line up with them. */
  for (guint piece = 0; total < (silences ? 6500000 : 3300000); piece++)
    {
      gsize n = 6 * (1 + (piece * 2654435761u) % 10900);

      for (gsize i = 0; i < n; i++)
        {
          gsize at = total + i;
          gboolean silent = silences && ((at >= 1000000 && at < 3600000) || at >= 4500000);

          x = x * 1664525u + 1013904223u;
          bytes[i] = silent ? 0 : (guint8) (x >> 24);
        }
      g_assert_cmpint (sf_write_raw (sf, bytes, (sf_count_t) n), ==, (sf_count_t) n);
      total += n;
    }
  sf_set_string (sf, SF_STR_COMMENT, "after the audio");
  g_assert_cmpint (sf_close (sf), ==, 0);
  if (direct)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (strata_direct_file_close (file, &error));
      g_assert_no_error (error);
    }
}

static void
test_direct_file (void)
{
  g_autofree char *dir = fresh_dir ("direct-file");

  for (int silences = 0; silences <= 1; silences++)
    {
      const char *suffix = silences ? "-silences.wav" : ".wav";
      g_autofree char *plain = g_strconcat (dir, "/plain", suffix, NULL);
      g_autofree char *direct = g_strconcat (dir, "/direct", suffix, NULL);
      g_autofree char *expected = NULL, *got = NULL;
      gsize expected_len = 0, got_len = 0;
      GStatBuf st;

      write_wav_pieces (plain, FALSE, silences);
      write_wav_pieces (direct, TRUE, silences);
      g_assert_true (g_file_get_contents (plain, &expected, &expected_len, NULL));
      g_assert_true (g_file_get_contents (direct, &got, &got_len, NULL));
      g_assert_cmpuint (expected_len, >, silences ? 6500000 : 3300000);
      g_assert_cmpmem (got, got_len, expected, expected_len);
      /* The three whole megabytes of silence (windows 1, 2 and 5) are holes: 3 MiB of the
       * file take no disk space (3,000,000 bytes leave room for the file system's rounding). */
      g_assert_cmpint (g_stat (direct, &st), ==, 0);
      if (silences)
        g_assert_cmpint ((gint64) st.st_blocks * 512, <=, (gint64) got_len - 3000000);
    }
  /* A file that ends in a hole still has its whole length. */
  {
    g_autofree char *path = g_build_filename (dir, "zeros", NULL);
    g_autofree guint8 *zeros = g_malloc0 (3 << 20);
    g_autofree char *back = NULL;
    g_autoptr(GError) error = NULL;
    StrataDirectFile *file = strata_direct_file_new (path, path, &error);
    SF_VIRTUAL_IO *vio = strata_direct_file_vio ();
    gsize len = 0;

    g_assert_no_error (error);
    g_assert_cmpint (vio->write ("head", 4, file), ==, 4);
    g_assert_cmpint (vio->write (zeros, (3 << 20) - 4, file), ==, (3 << 20) - 4);
    g_assert_true (strata_direct_file_close (file, &error));
    strata_direct_file_free (file);
    g_assert_true (g_file_get_contents (path, &back, &len, NULL));
    g_assert_cmpuint (len, ==, 3 << 20);
    g_assert_cmpmem (back + 4, len - 4, zeros, (3 << 20) - 4);
  }
  strata_remove_tree (dir);
}

/* ---- main ------------------------------------------------------------------------------------ */

int
main (int argc, char **argv)
{
  int status;
  /* Keep going after a failure: each failing check is a report of its own. */
  g_autofree char **args = g_new0 (char *, argc + 2);

  memcpy (args, argv, argc * sizeof (char *));
  args[argc++] = (char *) "--keep-going";
  argv = args;
  g_test_init (&argc, &argv, NULL);
  work_dir = g_dir_make_tmp ("strata-test-render-XXXXXX", NULL);
  g_assert_nonnull (work_dir);
  write_media ();

  g_test_add_func ("/render/placement/impulses", test_placement_impulses);
  g_test_add_func ("/render/placement/trims", test_placement_trims);
  g_test_add_func ("/render/fades", test_fades);
  g_test_add_func ("/render/volume-automation", test_volume_automation);
  g_test_add_func ("/render/pan", test_pan);
  g_test_add_func ("/render/mute", test_mute);
  g_test_add_func ("/render/solo/bus", test_solo_bus);
  g_test_add_func ("/render/solo/track", test_solo_track);
  g_test_add_func ("/render/buses-and-sends", test_buses_and_sends);
  g_test_add_func ("/render/stems", test_stems);
  g_test_add_func ("/render/block-sizes", test_block_sizes);
  g_test_add_func ("/render/loudness", test_loudness);
  g_test_add_func ("/render/loudness-white-noise", test_loudness_white);
  g_test_add_func ("/render/quantisation", test_quantisation);
  g_test_add_func ("/render/plan", test_plan);
  g_test_add_func ("/render/range", test_range);
  g_test_add_func ("/render/cancel", test_cancel);
  g_test_add_func ("/render/unwritable", test_unwritable);
  g_test_add_func ("/render/direct-file", test_direct_file);

  status = g_test_run ();
  strata_remove_tree (work_dir);
  g_free (work_dir);
  return status;
}
