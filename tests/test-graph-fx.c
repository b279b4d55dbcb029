/* test-graph-fx.c: inserts in the mixing graph, latency compensation, tails, continuity
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Projects are written as JSON beside generated WAV files. Most renders drive the graph
 * directly (prepare, the spans filled from the files, process) with any block size; the
 * latency and range tests go through strata_render_graph() and read the written file back.
 * Expected numbers come from the mixing rules and effects.md (a gain in dB, a pan law, an
 * impulse's frame), never from the code under test. A test that needs an effect that is
 * still a placeholder (no parameters yet) skips, saying so.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <string.h>

#include "strata-effect.h"
#include "strata-files.h"
#include "strata-graph.h"
#include "strata-json.h"
#include "strata-render.h"

#define RATE     48000
#define FRAMES   24000     /* of each source */
#define IMPULSE  1000      /* the impulse clip's start */

static char *dir;

static float
noise_at (gint64 i)
{
  guint32 x = (guint32) i * 2654435761u + 12345u;
  x ^= x >> 13;
  x *= 0x5bd1e995u;
  x ^= x >> 15;
  return 0.5f * ((float) (x & 0xffff) / 32768.0f - 1.0f);
}

static void
write_wav (const char *name, int channels, gboolean impulse)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  SF_INFO info = { .samplerate = RATE, .channels = channels,
                   .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);
  g_autofree float *data = g_new0 (float, (gsize) FRAMES * channels);

  g_assert_nonnull (file);
  for (gint64 i = 0; i < (gint64) FRAMES * channels; i++)
    data[i] = impulse ? (i == 0 ? 0.25f : 0.0f) : noise_at (i);
  sf_writef_float (file, data, FRAMES);
  sf_close (file);
}

/* Whether the effect exists with that parameter (else the test skips: not written yet). */
static gboolean
need_param (const char *type, const char *param)
{
  const StrataEffectClass *klass = strata_effect_class_find (type);

  if (klass != NULL && strata_effect_param_index (klass, param) >= 0)
    return TRUE;
  g_test_skip_printf ("the %s effect has no %s parameter yet", type, param);
  return FALSE;
}

/* A project: `tracks` and `rest` are JSON members spliced in after the media. */
static StrataGraph *
compile (const char *tracks, const char *rest)
{
  g_autofree char *path = g_build_filename (dir, "song.json", NULL);
  g_autofree char *json = g_strdup_printf (
    "{\"format\": \"strata-project\", \"version\": 1, \"sample_rate\": %d,"
    " \"tempo_map\": [{\"at\": \"1.1.0\", \"bpm\": 120}],"
    " \"media\": [{\"id\": \"m\", \"path\": \"mono.wav\"}, {\"id\": \"s\", \"path\": \"stereo.wav\"},"
    "             {\"id\": \"i\", \"path\": \"impulse.wav\"}],"
    " \"tracks\": [%s]%s%s}", RATE, tracks, rest ? ", " : "", rest ? rest : "");
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;
  StrataGraph *graph;

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  project = strata_json_load_file (path, &error);
  g_assert_no_error (error);
  graph = strata_graph_compile (project, &error);
  g_assert_no_error (error);
  return graph;
}

/* Source audio, read once per render. */
static float **
read_sources (const StrataGraph *graph)
{
  guint n = strata_graph_get_n_sources (graph);
  float **audio = g_new0 (float *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      const StrataGraphSource *source = strata_graph_get_source (graph, i);
      SF_INFO info = { 0 };
      SNDFILE *file = sf_open (source->file_path, SFM_READ, &info);

      g_assert_nonnull (file);
      audio[i] = g_new0 (float, (gsize) info.frames * info.channels);
      sf_readf_float (file, audio[i], info.frames);
      sf_close (file);
    }
  return audio;
}

/* How run() does the tracks' own part of each block: not apart (0), apart in reverse track
 * order on this thread (SPLIT_REVERSED), or the first half on another thread while this one
 * does the second (SPLIT_THREADS). */
enum { SPLIT_NONE, SPLIT_REVERSED, SPLIT_THREADS };

typedef struct
{
  const StrataGraph *graph;
  StrataGraphState  *state;
  gint64             position;
  guint              n;
} TracksJob;

static gpointer
first_half (gpointer data)
{
  TracksJob *job = data;

  strata_graph_process_tracks (job->graph, job->state, job->position, job->n, 0,
                               strata_graph_get_n_tracks (job->graph) / 2);
  return NULL;
}

static void
process_tracks (const StrataGraph *graph, StrataGraphState *state, gint64 position, guint n,
                int split)
{
  guint n_tracks = strata_graph_get_n_tracks (graph);

  if (split == SPLIT_REVERSED)
    for (guint t = n_tracks; t-- > 0;)
      strata_graph_process_tracks (graph, state, position, n, t, t + 1);
  else if (split == SPLIT_THREADS)
    {
      TracksJob job = { graph, state, position, n };
      GThread *thread = g_thread_new ("first-half", first_half, &job);

      strata_graph_process_tracks (graph, state, position, n, n_tracks / 2, n_tracks);
      g_thread_join (thread);
    }
}

/* Runs `state` over [start, end) in blocks of `block` frames into out (stereo), dropping the
 * graph's latency from the start like the renderer; `split` as in process_tracks(). */
static void
run_split (const StrataGraph *graph, StrataGraphState *state, float **audio, gint64 start,
           gint64 end, guint block, int split, float *out)
{
  guint latency = strata_graph_get_latency (graph);
  g_autofree float *buf = g_new (float, (gsize) block * 2);

  for (gint64 position = start; position < end + latency; position += block)
    {
      guint n = (guint) MIN ((gint64) block, end + latency - position);
      guint n_spans;
      const StrataClipSpan *spans = strata_graph_prepare (graph, state, position, n, &n_spans);

      for (guint s = 0; s < n_spans; s++)
        {
          guint ch = strata_graph_get_source (graph, spans[s].source)->channels;
          memcpy (spans[s].buffer, audio[spans[s].source] + spans[s].source_frame * ch,
                  sizeof (float) * ch * spans[s].n);
        }
      process_tracks (graph, state, position, n, split);
      strata_graph_process (graph, state, position, n, buf);
      for (guint k = 0; k < n; k++)
        {
          gint64 frame = position + k - latency;
          if (frame >= start && frame < end)
            memcpy (out + 2 * (frame - start), buf + 2 * k, sizeof (float) * 2);
        }
    }
}

static void
run (const StrataGraph *graph, StrataGraphState *state, float **audio, gint64 start,
     gint64 end, guint block, float *out)
{
  run_split (graph, state, audio, start, end, block, SPLIT_NONE, out);
}

/* The whole default range of a graph, in blocks of `block`, the tracks' own part apart or
 * not (`split`, as in process_tracks()). */
static float *
render_split (const StrataGraph *graph, guint block, int split, gint64 *n_frames)
{
  g_autoptr(StrataGraphState) state = strata_graph_state_new (graph, block);
  float **audio = read_sources (graph);
  gint64 start, end;
  float *out;

  strata_graph_state_set_split (state, split != SPLIT_NONE);
  strata_graph_default_range (graph, &start, &end);
  out = g_new0 (float, (gsize) (end - start) * 2);
  run_split (graph, state, audio, start, end, block, split, out);
  g_strfreev ((char **) audio);
  *n_frames = end - start;
  return out;
}

static float *
render (const StrataGraph *graph, guint block, gint64 *n_frames)
{
  return render_split (graph, block, SPLIT_NONE, n_frames);
}

/* Through the offline renderer into a float WAV, read back. */
static float *
render_file (const StrataGraph *graph, gint64 *n_frames)
{
  g_autofree char *path = g_build_filename (dir, "out.wav", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRenderReport) report = NULL;
  StrataRenderOptions options;
  SF_INFO info = { 0 };
  SNDFILE *file;
  float *out;

  strata_render_options_init (&options);
  options.output = g_strdup (path);
  options.bit_depth = 32;
  report = strata_render_graph (graph, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  strata_render_options_clear (&options);
  file = sf_open (path, SFM_READ, &info);
  g_assert_nonnull (file);
  g_assert_cmpint (info.channels, ==, 2);
  out = g_new0 (float, (gsize) info.frames * 2);
  g_assert_cmpint (sf_readf_float (file, out, info.frames), ==, info.frames);
  sf_close (file);
  *n_frames = info.frames;
  return out;
}

#define MONO_TRACK(EXTRA) \
  "{\"id\": \"t\", \"channels\": 1, \"clips\": [{\"media\": \"m\", \"start\": 0}]" EXTRA "}"

/* A utility at -6 dB scales the render by 10^(-6/20) = 0.501187, on every sample. */
static void
test_insert_gain (void)
{
  g_autoptr(StrataGraph) dry = NULL, wet = NULL;
  g_autofree float *a = NULL, *b = NULL;
  gint64 na, nb;
  double gain = pow (10.0, -6.0 / 20.0), worst = 0.0;

  if (!need_param ("utility", "gain_db"))
    return;
  dry = compile (MONO_TRACK (", \"pan\": 0.3"), NULL);
  wet = compile (MONO_TRACK (", \"pan\": 0.3, \"inserts\": [{\"type\": \"utility\","
                             " \"params\": {\"gain_db\": -6}}]"), NULL);
  a = render (dry, 256, &na);
  b = render (wet, 256, &nb);
  g_assert_cmpint (na, ==, FRAMES);
  g_assert_cmpint (nb, ==, na);
  for (gint64 i = 0; i < 2 * na; i++)
    worst = MAX (worst, fabs (b[i] - a[i] * gain));
  g_test_message ("largest deviation from x%.6f: %.3g", gain, worst);
  g_assert_cmpfloat (worst, <, 1e-7);
}

/* A bypassed insert changes nothing, bit for bit; the same insert not bypassed does. */
static void
test_bypass (void)
{
  g_autoptr(StrataGraph) dry = NULL, bypassed = NULL, active = NULL;
  g_autofree float *a = NULL, *b = NULL, *c = NULL;
  gint64 na, nb, nc;

  if (!need_param ("utility", "gain_db"))
    return;
  dry = compile (MONO_TRACK (""), NULL);
  bypassed = compile (MONO_TRACK (", \"inserts\": [{\"type\": \"utility\", \"bypass\": true,"
                                  " \"params\": {\"gain_db\": -6}}]"), NULL);
  active = compile (MONO_TRACK (", \"inserts\": [{\"type\": \"utility\","
                                " \"params\": {\"gain_db\": -6}}]"), NULL);
  a = render (dry, 64, &na);
  b = render (bypassed, 64, &nb);
  c = render (active, 64, &nc);
  g_assert_cmpint (na, ==, nb);
  g_assert_true (memcmp (a, b, sizeof (float) * 2 * na) == 0);
  g_assert_false (memcmp (a, c, sizeof (float) * 2 * na) == 0);
}

/* Inserts run before the fader and the pan: a utility inverting the one channel of a mono
 * track panned hard left gives -x on the left (cos 0 = 1) and exact zeros on the right. */
static void
test_before_pan (void)
{
  g_autoptr(StrataGraph) wet = NULL;
  g_autofree float *b = NULL;
  gint64 n;

  if (!need_param ("utility", "invert_left"))
    return;
  wet = compile (MONO_TRACK (", \"pan\": -1, \"inserts\": [{\"type\": \"utility\","
                             " \"params\": {\"invert_left\": true}}]"), NULL);
  b = render (wet, 256, &n);
  for (gint64 i = 0; i < n; i++)
    {
      if (b[2 * i] != -noise_at (i) || b[2 * i + 1] != 0.0f)
        g_error ("frame %" G_GINT64_FORMAT ": %g, %g; expected %g, 0", i, b[2 * i],
                 b[2 * i + 1], -noise_at (i));
    }
}

#define AUTOMATED \
  MONO_TRACK (", \"inserts\": [{\"type\": \"utility\"}]," \
              " \"automation\": [{\"param\": \"inserts[0].gain_db\", \"points\":" \
              "  [{\"at\": 0, \"value\": -20}, {\"at\": 7001, \"value\": 6}," \
              "   {\"at\": 15003, \"value\": 6}, {\"at\": 15003, \"value\": -30}]}]")

/* With an automated insert parameter (a ramp and a step off the grid), blocks of 1, 17, 64,
 * 256 and 4096 frames render the same bits; two renders too. */
static void
test_block_sizes (void)
{
  const guint blocks[] = { 1, 17, 64, 256, 4096 };
  g_autoptr(StrataGraph) graph = NULL;
  g_autofree float *ref = NULL, *again = NULL;
  gint64 n, m;

  if (!need_param ("utility", "gain_db"))
    return;
  graph = compile (AUTOMATED, NULL);
  ref = render (graph, blocks[0], &n);
  for (guint b = 1; b < G_N_ELEMENTS (blocks); b++)
    {
      g_autofree float *out = render (graph, blocks[b], &m);
      g_assert_cmpint (m, ==, n);
      for (gint64 i = 0; i < 2 * n; i++)
        if (out[i] != ref[i])
          g_error ("block %u differs from block 1 at frame %" G_GINT64_FORMAT, blocks[b], i / 2);
    }
  again = render (graph, blocks[0], &m);
  g_assert_true (memcmp (ref, again, sizeof (float) * 2 * n) == 0);
}

/* A step of gain_db at frame F (off the 32-frame grid) starts on F exactly: frames before it
 * keep the previous gain exactly, frame F already moves towards the new one, which holds
 * from F + the ramp on; a step of a toggle (invert) flips the sign on F itself. */
static void
test_step_lands (void)
{
  const gint64 step = 10007;
  const gint64 ramp = (gint64) ceil (STRATA_EFFECT_RAMP_MS * RATE / 1000.0);
  g_autoptr(StrataGraph) gain = NULL, invert = NULL;
  g_autofree float *a = NULL, *b = NULL;
  double pan_l = cos (0.0), low = pow (10.0, -20.0 / 20.0);
  gint64 n;

  if (!need_param ("utility", "gain_db") || !need_param ("utility", "invert_left"))
    return;
  gain = compile (MONO_TRACK (", \"pan\": -1, \"inserts\": [{\"type\": \"utility\"}],"
                              " \"automation\": [{\"param\": \"inserts[0].gain_db\", \"points\":"
                              "  [{\"at\": 0, \"value\": 0}, {\"at\": 10007, \"value\": 0},"
                              "   {\"at\": 10007, \"value\": -20}]}]"), NULL);
  invert = compile (MONO_TRACK (", \"pan\": -1, \"inserts\": [{\"type\": \"utility\"}],"
                                " \"automation\": [{\"param\": \"inserts[0].invert_left\","
                                "  \"points\": [{\"at\": 0, \"value\": 0}, {\"at\": 10007, \"value\": 0},"
                                "   {\"at\": 10007, \"value\": 1}]}]"), NULL);
  a = render (gain, 17, &n);
  for (gint64 i = 0; i < step; i++)
    g_assert_cmpfloat (a[2 * i], ==, (float) (noise_at (i) * pan_l));
  g_assert_cmpfloat (fabs (a[2 * step]), <, fabs (noise_at (step)) * 0.999);
  g_assert_cmpfloat (fabs (a[2 * step]), >, fabs (noise_at (step)) * low);
  for (gint64 i = step + ramp + 1; i < step + ramp + 2000; i++)
    g_assert_cmpfloat_with_epsilon (a[2 * i], noise_at (i) * low, 1e-6);

  b = render (invert, 17, &n);
  for (gint64 i = step - 64; i < step + 64; i++)
    g_assert_cmpfloat (b[2 * i], ==, i < step ? noise_at (i) : -noise_at (i));
}

#define IMPULSE_TRACK(ID, PAN, EXTRA) \
  "{\"id\": \"" ID "\", \"channels\": 1, \"pan\": " PAN "," \
  " \"clips\": [{\"media\": \"i\", \"start\": 1000, \"length\": 4000}]" EXTRA "}"

/* Latency compensation: an impulse through a limited track (look-ahead 5 ms) and one through
 * a plain track reach the master on the same frame, their timeline frame, in the render. */
static void
test_latency (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autofree float *out = NULL;
  gint64 n, start, end, peak_l = -1, peak_r = -1;

  if (!need_param ("limiter", "lookahead_ms"))
    return;
  graph = compile (IMPULSE_TRACK ("lim", "-1", ", \"inserts\": [{\"type\": \"limiter\","
                                  " \"params\": {\"lookahead_ms\": 5}}]") ", "
                   IMPULSE_TRACK ("dry", "1", ""), NULL);
  if (strata_graph_get_latency (graph) == 0)
    {
      g_test_skip ("the limiter reports no latency yet");
      return;
    }
  g_assert_cmpuint (strata_graph_get_latency (graph), ==, 240);   /* 5 ms at 48 kHz */
  strata_graph_default_range (graph, &start, &end);
  out = render_file (graph, &n);
  g_assert_cmpint (n, ==, end - start);
  for (gint64 i = 0; i < n; i++)
    {
      if (peak_l < 0 || fabsf (out[2 * i]) > fabsf (out[2 * peak_l]))
        peak_l = i;
      if (peak_r < 0 || fabsf (out[2 * i + 1]) > fabsf (out[2 * peak_r + 1]))
        peak_r = i;
    }
  g_assert_cmpint (peak_r, ==, IMPULSE);
  g_assert_cmpint (peak_l, ==, IMPULSE);
  g_assert_cmpfloat (out[2 * IMPULSE + 1], ==, 0.25f);
}

/* Stems line up with the master whatever latency is upstream of them: an impulse through a
 * limited track into a limited bus, and one through a plain track, peak at their timeline
 * frame in every stem, as in the master. */
static void
test_stem_alignment (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autofree char *stems = g_build_filename (dir, "stems", NULL);
  g_autofree char *path = g_build_filename (dir, "stems-master.wav", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRenderReport) report = NULL;
  StrataRenderOptions options;
  gint64 start, end;

  if (!need_param ("limiter", "lookahead_ms"))
    return;
  graph = compile (IMPULSE_TRACK ("lim", "0", ", \"output\": \"bus\", \"inserts\":"
                                  " [{\"type\": \"limiter\", \"params\": {\"lookahead_ms\": 5}}]") ", "
                   IMPULSE_TRACK ("dry", "0", ""),
                   "\"buses\": [{\"id\": \"bus\", \"inserts\": [{\"type\": \"limiter\","
                   " \"params\": {\"lookahead_ms\": 2}}]}]");
  g_assert_cmpuint (strata_graph_get_latency (graph), ==, 240 + 96);
  strata_graph_default_range (graph, &start, &end);
  strata_render_options_init (&options);
  options.output = g_strdup (path);
  options.bit_depth = 32;
  options.stems_dir = g_strdup (stems);
  report = strata_render_graph (graph, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  strata_render_options_clear (&options);
  g_assert_cmpuint (report->files->len, ==, 4);   /* the master, two tracks, the bus */
  for (guint f = 0; f < report->files->len; f++)
    {
      SF_INFO info = { 0 };
      SNDFILE *file = sf_open (report->files->pdata[f], SFM_READ, &info);
      g_autofree float *audio = NULL;
      gint64 peak = 0;

      g_assert_nonnull (file);
      g_assert_cmpint (info.frames, ==, end - start);
      audio = g_new0 (float, (gsize) info.frames * 2);
      sf_readf_float (file, audio, info.frames);
      sf_close (file);
      for (gint64 i = 0; i < info.frames; i++)
        if (fabsf (audio[2 * i]) > fabsf (audio[2 * peak]))
          peak = i;
      g_test_message ("%s: peak at %" G_GINT64_FORMAT, (char *) report->files->pdata[f], peak);
      g_assert_cmpint (peak, ==, IMPULSE);
    }
}

/* The default range runs past the last clip by the delay's tail (as the effect reports it
 * with these values), and the echo inside it is rendered. */
static void
test_tail_range (void)
{
  const StrataEffectClass *delay = strata_effect_class_find ("delay");
  g_autoptr(StrataGraph) graph = NULL;
  StrataEffect *probe;
  gint64 start, end, expected;
  double tail;

  if (!need_param ("delay", "time_ms") || !need_param ("delay", "feedback"))
    return;
  probe = strata_effect_new (delay, RATE, 1);
  strata_effect_set_param (probe, strata_effect_param_index (delay, "time_ms"), 500.0);
  strata_effect_set_param (probe, strata_effect_param_index (delay, "feedback"), 0.5);
  tail = strata_effect_tail (probe);
  strata_effect_free (probe);
  if (tail <= 0.0)
    {
      g_test_skip ("the delay reports no tail yet");
      return;
    }
  graph = compile (IMPULSE_TRACK ("d", "0", ", \"inserts\": [{\"type\": \"delay\","
                                  " \"params\": {\"time_ms\": 500, \"feedback\": 0.5}}]"), NULL);
  strata_graph_default_range (graph, &start, &end);
  expected = 5000 + (gint64) ceil (tail * RATE) + strata_graph_get_latency (graph);
  g_assert_cmpint (start, ==, 0);
  g_assert_cmpint (end, ==, expected);
  g_assert_cmpint (end, >, 5000 + RATE / 2);   /* the first echo at least */
}

/* Two renders through the offline renderer are bit-identical, and it renders like the
 * direct driver does (its two read-ahead states run the same effect instances). */
static void
test_two_renders (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autofree float *a = NULL, *b = NULL, *c = NULL;
  gint64 na, nb, nc;

  if (!need_param ("utility", "gain_db"))
    return;
  graph = compile (AUTOMATED, NULL);
  a = render_file (graph, &na);
  b = render_file (graph, &nb);
  c = render (graph, 4096, &nc);
  g_assert_cmpint (na, ==, nb);
  g_assert_cmpint (na, ==, nc);
  g_assert_true (memcmp (a, b, sizeof (float) * 2 * na) == 0);
  g_assert_true (memcmp (a, c, sizeof (float) * 2 * na) == 0);
}

/* Tracks whose own part (clips, inserts, some automated) ran apart, in any order or on two
 * threads, mix bit for bit as when the graph runs them itself: mono and stereo tracks,
 * pre- and post-fader sends, a bus with an insert, a muted track, a limiter's latency. The
 * offline renderer (which spreads the tracks over the cores) renders the same too. */
static void
test_split_tracks (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autofree float *ref = NULL, *reversed = NULL, *threads = NULL, *file = NULL;
  gint64 n, m;

  if (!need_param ("utility", "gain_db") || !need_param ("limiter", "lookahead_ms"))
    return;
  graph = compile (
    "{\"id\": \"a\", \"channels\": 1, \"pan\": -0.4, \"output\": \"bus\","
    " \"clips\": [{\"media\": \"m\", \"start\": 0}],"
    " \"sends\": [{\"bus\": \"fx\", \"level_db\": -6, \"pre_fader\": true}],"
    " \"inserts\": [{\"type\": \"utility\"}],"
    " \"automation\": [{\"param\": \"inserts[0].gain_db\", \"points\":"
    "  [{\"at\": 0, \"value\": -20}, {\"at\": 7001, \"value\": 6}]}]},"
    "{\"id\": \"b\", \"channels\": 2, \"volume_db\": -3,"
    " \"clips\": [{\"media\": \"s\", \"start\": 333}],"
    " \"sends\": [{\"bus\": \"fx\", \"level_db\": -12}],"
    " \"inserts\": [{\"type\": \"limiter\", \"params\": {\"lookahead_ms\": 3}}]},"
    "{\"id\": \"c\", \"channels\": 1, \"mute\": true,"
    " \"clips\": [{\"media\": \"m\", \"start\": 100}]},"
    "{\"id\": \"d\", \"channels\": 2, \"pan\": 0.5, \"output\": \"bus\","
    " \"clips\": [{\"media\": \"s\", \"start\": 5000, \"length\": 9000},"
    "            {\"media\": \"s\", \"start\": 16000}]}",
    "\"buses\": [{\"id\": \"bus\", \"volume_db\": -2,"
    "  \"inserts\": [{\"type\": \"utility\", \"params\": {\"gain_db\": 3}}]},"
    " {\"id\": \"fx\", \"volume_db\": -6}]");
  g_assert_cmpuint (strata_graph_get_latency (graph), ==, 144);   /* 3 ms at 48 kHz */
  ref = render_split (graph, 256, SPLIT_NONE, &n);
  reversed = render_split (graph, 256, SPLIT_REVERSED, &m);
  g_assert_cmpint (m, ==, n);
  g_assert_true (memcmp (ref, reversed, sizeof (float) * 2 * n) == 0);
  threads = render_split (graph, 256, SPLIT_THREADS, &m);
  g_assert_cmpint (m, ==, n);
  g_assert_true (memcmp (ref, threads, sizeof (float) * 2 * n) == 0);
  file = render_file (graph, &m);
  g_assert_cmpint (m, ==, n);
  g_assert_true (memcmp (ref, file, sizeof (float) * 2 * n) == 0);
  /* Not a vacuous comparison: the mix is loud where every track plays. */
  g_assert_cmpfloat (fabsf (ref[2 * 17000]) + fabsf (ref[2 * 17000 + 1]), >, 0.01f);
}

/* A recompiled graph continues the running effect of the same insert: the echo of an impulse
 * played before the switch still comes after it; a fresh state would have none. */
static void
test_continuity (void)
{
  const char *json = IMPULSE_TRACK ("d", "0", ", \"inserts\": [{\"type\": \"delay\","
                                    " \"params\": {\"time_ms\": 100, \"feedback\": 0, \"mix\": 1}}]");
  g_autoptr(StrataGraph) one = NULL, two = NULL;
  g_autoptr(StrataGraphState) first = NULL, next = NULL, fresh = NULL;
  float **audio;
  g_autofree float *before = g_new0 (float, 2000 * 2);
  g_autofree float *after = g_new0 (float, 8000 * 2);
  g_autofree float *cold = g_new0 (float, 8000 * 2);
  double energy = 0.0, cold_energy = 0.0;

  if (!need_param ("delay", "time_ms") || !need_param ("delay", "mix"))
    return;
  one = compile (json, NULL);
  two = compile (json, NULL);
  first = strata_graph_state_new (one, 256);
  audio = read_sources (one);
  run (one, first, audio, 0, 2000, 256, before);      /* the impulse at 1000 goes in */
  next = strata_graph_state_new_after (two, 256, one, first);
  fresh = strata_graph_state_new (two, 256);
  run (two, next, audio, 2000, 10000, 256, after);    /* its echo at 1000 + 4800 */
  run (two, fresh, audio, 2000, 10000, 256, cold);
  g_strfreev ((char **) audio);
  for (guint i = 0; i < 8000 * 2; i++)
    {
      energy += after[i] * after[i];
      cold_energy += cold[i] * cold[i];
    }
  g_assert_cmpfloat (cold_energy, ==, 0.0);
  g_assert_cmpfloat (energy, >, 0.01);
}

/* The routing hash is SHA-256 of the canonical string that the test writes out itself from
 * the project below (tracks in order, buses by id, the master; sends; inserts with every
 * utility parameter of effects.md in its order), and it is pinned: a change to the format of
 * the string or to what it covers changes the hash every saved plan was compared with. */
static void
test_routing_hash (void)
{
  const char *expected =
    "track kick channels 1 output drums\n"
    "send verb -12 pre\n"
    "insert utility active gain_db=-3.5 invert_left=true invert_right=false width=1 mono=false\n"
    "track pad channels 2 output master\n"
    "send verb -6.25 post\n"
    "bus drums channels 2 output master\n"
    "insert utility bypass gain_db=2 invert_left=false invert_right=true width=0.5 mono=true\n"
    "bus verb channels 2 output master\n"
    "master master channels 2 output none\n"
    "insert utility active gain_db=-1 invert_left=false invert_right=false width=1 mono=false\n";
  const char *pinned = "e1ded9a3296385d0a543ef8a5013cae6327dabea798257dc975c8cac1022a9d2";
  g_autoptr(StrataGraph) graph = NULL, again = NULL, louder = NULL;
  g_autofree char *string = NULL, *hash = NULL, *sum = NULL, *hash2 = NULL, *hash3 = NULL;
  g_autoptr(JsonNode) plan = NULL;
  const StrataEffectClass *utility = strata_effect_class_find ("utility");
  const char *tracks =
    "{\"id\": \"kick\", \"channels\": 1, \"output\": \"drums\", \"volume_db\": -3,"
    " \"sends\": [{\"bus\": \"verb\", \"level_db\": -12, \"pre_fader\": true}],"
    " \"inserts\": [{\"type\": \"utility\", \"params\": {\"gain_db\": -3.5, \"invert_left\": true}}],"
    " \"clips\": [{\"media\": \"m\", \"start\": 0}]},"
    "{\"id\": \"pad\", \"sends\": [{\"bus\": \"verb\", \"level_db\": -6.25}],"
    " \"clips\": [{\"media\": \"s\", \"start\": 100}]}";
  const char *rest =
    "\"buses\": [{\"id\": \"verb\"}, {\"id\": \"drums\", \"inserts\": [{\"type\": \"utility\","
    "  \"bypass\": true, \"params\": {\"gain_db\": 2, \"invert_right\": true, \"width\": 0.5,"
    "  \"mono\": true}}]}],"
    " \"master\": {\"inserts\": [{\"type\": \"utility\", \"params\": {\"gain_db\": -1}}]}";

  if (!need_param ("utility", "mono") || utility->n_params != 5)
    return;
  graph = compile (tracks, rest);
  string = strata_graph_get_routing_string (graph);
  g_assert_cmpstr (string, ==, expected);
  hash = strata_graph_get_routing_hash (graph);
  sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, expected, -1);
  g_assert_cmpstr (hash, ==, sum);
  g_test_message ("routing hash %s", hash);
  g_assert_cmpstr (hash, ==, pinned);

  /* Stable across compiles; a fader is not routing, an insert value is. */
  again = compile (tracks, rest);
  hash2 = strata_graph_get_routing_hash (again);
  g_assert_cmpstr (hash2, ==, hash);
  plan = strata_graph_to_plan (graph);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (plan), "routing_hash"),
                   ==, hash);
  {
    g_autofree char *other = g_strdup (tracks);
    char *at = strstr (other, "-3.5");
    at[1] = '4';          /* gain_db -4.5 */
    louder = compile (other, rest);
    hash3 = strata_graph_get_routing_hash (louder);
    g_assert_cmpstr (hash3, !=, hash);
  }
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("strata-graph-fx-XXXXXX", NULL);
  write_wav ("mono.wav", 1, FALSE);
  write_wav ("stereo.wav", 2, FALSE);
  write_wav ("impulse.wav", 1, TRUE);
  g_test_add_func ("/graph-fx/insert-gain", test_insert_gain);
  g_test_add_func ("/graph-fx/bypass", test_bypass);
  g_test_add_func ("/graph-fx/before-pan", test_before_pan);
  g_test_add_func ("/graph-fx/block-sizes", test_block_sizes);
  g_test_add_func ("/graph-fx/step-lands", test_step_lands);
  g_test_add_func ("/graph-fx/latency", test_latency);
  g_test_add_func ("/graph-fx/stem-alignment", test_stem_alignment);
  g_test_add_func ("/graph-fx/tail-range", test_tail_range);
  g_test_add_func ("/graph-fx/two-renders", test_two_renders);
  g_test_add_func ("/graph-fx/continuity", test_continuity);
  g_test_add_func ("/graph-fx/split-tracks", test_split_tracks);
  g_test_add_func ("/graph-fx/routing-hash", test_routing_hash);
  status = g_test_run ();
  strata_remove_tree (dir);
  g_free (dir);
  return status;
}
