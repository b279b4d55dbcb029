/* test-engine.c: the realtime engine through the dummy backend
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dummy backend is a thread clocked in real time (256-frame periods at 48 kHz) that can
 * write what it plays to a float WAV and feed it back as its input one period later (a
 * perfect loopback: the engine's round trip is then exactly one period). Each case plays a few
 * seconds, driven from the main thread as the application drives it.
 *
 * - What plays is what exports, to the bit: the dummy's output file against the offline
 *   render of the same sequence (loop included).
 * - Overdubs through the loopback land on the exact frames of what was played, one take per
 *   loop pass, trimmed by punch in/out; take lanes switch, undo, redo and survive JSON.
 * - The recorder's state machine as the engine exposes it, and a media folder that cannot be
 *   written.
 *
 * The media are float WAVs written here with libsndfile (exact values); clicks are single
 * samples at known frames, so an offset of one frame anywhere shows.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <string.h>

#include "strata-commands.h"
#include "strata-engine.h"
#include "strata-error.h"
#include "strata-files.h"
#include "strata-json.h"
#include "strata-render.h"
#include "strata-test-audio.h"

#define RATE   48000
#define PERIOD 256

static char *work_dir;

/* ---- media ---------------------------------------------------------------------------------- */

#define CLICK_FRAMES 200000
#define SINE_FRAMES  200000
#define BURST_AT     80000
#define BURST_LEN    16

/* Single-sample clicks, some on purpose at the edges of the ranges the cases use: the loop
 * [40000, 100000) of the playback case, the loop [48000, 96000) and the punch [60000, 84000)
 * of the recording cases. */
static const gint64 click_frames[] = {
  24000, 24100, 36000, 39999, 40000, 40001, 48000, 52345, 60000, 71111, 83999, 84000, 95999,
  99999, 100000, 110000, 150000,
};

static float
click_at (gint64 i)
{
  if (i >= BURST_AT && i < BURST_AT + BURST_LEN)
    return (float) ((i % 2 ? -0.25 : 0.25) * (double) (i - BURST_AT + 1) / BURST_LEN);
  for (guint k = 0; k < G_N_ELEMENTS (click_frames); k++)
    if (click_frames[k] == i)
      return 0.5f;
  return 0.0f;
}

/* Whether timeline position `i` holds a click (the click clip is the file, at 0). */
static gboolean
is_click (gint64 i)
{
  return click_at (i) != 0.0f;
}

static float
sine_at (gint64 i, guint c)
{
  return (float) (0.05 * sin (2.0 * G_PI * 441.0 * (double) i / RATE + 0.5 * c));
}

static void
write_media (void)
{
  g_autofree char *click_path = g_build_filename (work_dir, "click.wav", NULL);
  g_autofree char *sine_path = g_build_filename (work_dir, "sine.wav", NULL);
  g_autofree float *click = g_new (float, CLICK_FRAMES);
  g_autofree float *sine = g_new (float, SINE_FRAMES * 2);

  for (gint64 i = 0; i < CLICK_FRAMES; i++)
    click[i] = click_at (i);
  write_float_wav (click_path, RATE, 1, click, CLICK_FRAMES);
  for (gint64 i = 0; i < SINE_FRAMES; i++)
    for (guint c = 0; c < 2; c++)
      sine[2 * i + c] = sine_at (i, c);
  write_float_wav (sine_path, RATE, 2, sine, SINE_FRAMES);
}

/* ---- files ---------------------------------------------------------------------------------- */

/* A fresh empty folder under the work folder. */
static char *
fresh_dir (const char *name)
{
  char *path = g_build_filename (work_dir, name, NULL);

  strata_remove_tree (path);
  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  return path;
}

/* ---- projects ------------------------------------------------------------------------------- */

static void
push (StrataProject *project, StrataCommand *command, GError *error)
{
  g_assert_no_error (error);
  g_assert_nonnull (command);
  strata_project_push (project, command);
}

static StrataSource *
add_source (StrataProject *project, const char *id, const char *file, guint channels,
            gint64 frames)
{
  g_autofree char *path = g_build_filename (work_dir, file, NULL);
  g_autoptr(StrataSource) source = strata_source_new (id, path, channels, frames);

  strata_source_set_file_path (source, path);
  push (project, strata_commands_add_source (project, source), NULL);
  return source;   /* the project holds it */
}

static StrataTrack *
add_track (StrataProject *project, guint channels, const char *name)
{
  StrataTrack *track = NULL;

  push (project, strata_commands_add_track (project, channels, name, G_MAXUINT, &track), NULL);
  g_assert_nonnull (track);
  return track;    /* the project holds it */
}

static StrataClip *
add_clip (StrataProject *project, StrataTrack *track, StrataSource *source, gint64 start,
          gint64 source_start, gint64 length)
{
  g_autoptr(StrataClip) clip = strata_clip_new (source, start, source_start, length);
  GError *error = NULL;
  StrataCommand *command = strata_commands_add_clip (project, track, clip, &error);

  push (project, command, error);
  return clip;
}

static void
add_point (StrataProject *project, gpointer strip, const char *param, gint64 frame, double value)
{
  GError *error = NULL;
  StrataCommand *command = strata_commands_add_point (project, STRATA_STRIP (strip), param, frame,
                                                      value, &error);
  push (project, command, error);
}

/* Lets the project's coalesced "changed" (and the engine's recompile) happen. */
static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* A project whose media folder is `media_dir`, with the click file as source "click" on a
 * mono track "Clicks" (one clip covering the file). */
static StrataProject *
click_project (const char *media_dir, StrataTrack **clicks)
{
  StrataProject *project = strata_project_new (RATE);
  StrataSource *click;

  strata_project_set_media_dir (project, media_dir);
  click = add_source (project, "click", "click.wav", 1, CLICK_FRAMES);
  *clicks = add_track (project, 1, "Clicks");
  add_clip (project, *clicks, click, 0, 0, CLICK_FRAMES);
  return project;
}

/* The master of `project` over [start, end), as the export writes it (32-bit float WAV),
 * interleaved stereo. */
static float *
render_range (StrataProject *project, gint64 start, gint64 end)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataGraph) graph = strata_graph_compile (project, &error);
  g_autoptr(StrataRenderReport) report = NULL;
  g_autoptr(Audio) audio = NULL;
  StrataRenderOptions options;

  g_assert_no_error (error);
  strata_render_options_init (&options);
  options.output = g_build_filename (work_dir, "render.wav", NULL);
  options.bit_depth = 32;
  options.has_start = TRUE;
  options.start = start;
  options.has_end = TRUE;
  options.end = end;
  report = strata_render_graph (graph, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->frames, ==, end - start);
  audio = read_audio (options.output);
  g_assert_cmpint (audio->channels, ==, 2);
  g_assert_cmpint (audio->frames, ==, end - start);
  g_assert_cmpint (audio->format, ==, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  g_unlink (options.output);
  strata_render_options_clear (&options);
  return g_steal_pointer (&audio->data);
}

/* ---- the engine ----------------------------------------------------------------------------- */

typedef struct
{
  StrataEngine *engine;
  GPtrArray    *errors;     /* messages of "error" */
  guint         takes_added;
  guint         n_takes_added;
} Rig;

static void
on_error (StrataEngine *engine, const char *message, Rig *rig)
{
  g_test_message ("engine error: %s", message);
  g_ptr_array_add (rig->errors, g_strdup (message));
}

static void
on_takes_added (StrataEngine *engine, guint n, Rig *rig)
{
  rig->takes_added++;
  rig->n_takes_added += n;
}

static void
rig_free (Rig *rig)
{
  if (rig->engine != NULL)
    {
      strata_engine_shutdown (rig->engine);
      g_assert_finalize_object (rig->engine);
    }
  g_ptr_array_unref (rig->errors);
  g_free (rig);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Rig, rig_free)

/* An engine on the dummy backend following `project`, writing what it plays to `dummy_file`
 * (may be NULL), its input the loopback of its output when `loopback`. */
static Rig *
rig_new (StrataProject *project, const char *dummy_file, gboolean loopback)
{
  Rig *rig = g_new0 (Rig, 1);
  StrataEngineOptions options = { .backend = STRATA_BACKEND_DUMMY, .no_fallback = TRUE };
  g_autoptr(GError) error = NULL;

  rig->errors = g_ptr_array_new_with_free_func (g_free);
  rig->engine = strata_engine_new ();
  g_signal_connect (rig->engine, "error", G_CALLBACK (on_error), rig);
  g_signal_connect (rig->engine, "takes-added", G_CALLBACK (on_takes_added), rig);
  drain ();
  g_assert_true (strata_engine_set_project (rig->engine, project, &error));
  g_assert_no_error (error);
  options.config.rate = RATE;
  options.config.dummy_file = (char *) dummy_file;
  options.config.dummy_loopback = loopback;
  options.config.capture = loopback;
  g_assert_true (strata_engine_start (rig->engine, &options, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (strata_engine_get_backend_name (rig->engine), ==, "dummy");
  return rig;
}

/* Until the audio thread has played something. strata_engine_play() reports "playing" at
 * once, but a period already under way when the command arrived ends by publishing "not
 * rolling", which a tick could take for the stop; waiting for the stop starts after the
 * first frames, without iterating the main context (whose tick would end a recording). */
static void
wait_rolling (StrataEngine *engine, gint64 played_before)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (strata_engine_get_frames_played (engine) == played_before)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

static void
play_until_stopped (StrataEngine *engine, gint64 played_before, guint timeout_ms)
{
  wait_rolling (engine, played_before);
  g_assert_true (strata_engine_wait_stopped (engine, timeout_ms));
  g_assert_false (strata_engine_get_playing (engine));
}

/* ---- playback equals the export ------------------------------------------------------------- */

#define PLAY_FROM       24000
#define PLAY_LOOP_START 40000
#define PLAY_LOOP_END   100000

/* Clicks on a mono track split into two clips (the second at -3 dB), a quiet sine on a stereo
 * track whose clip runs across both loop edges, volume and pan automation on it, a tempo
 * change, the master at -2 dB. */
static StrataProject *
playback_project (const char *media_dir)
{
  StrataProject *project = strata_project_new (RATE);
  StrataSource *click, *sine;
  StrataTrack *clicks, *tone;
  StrataClip *second;
  GError *error = NULL;
  StrataCommand *command;

  strata_project_set_media_dir (project, media_dir);
  click = add_source (project, "click", "click.wav", 1, CLICK_FRAMES);
  sine = add_source (project, "sine", "sine.wav", 2, SINE_FRAMES);
  clicks = add_track (project, 1, "Clicks");
  tone = add_track (project, 2, "Tone");
  add_clip (project, clicks, click, 0, 0, 70000);
  second = add_clip (project, clicks, click, 70000, 70000, CLICK_FRAMES - 70000);
  g_object_set (second, "gain-db", -3.0, NULL);
  add_clip (project, tone, sine, 30000, 1000, 150000);

  add_point (project, tone, "volume_db", 0, -30.0);
  add_point (project, tone, "volume_db", 50000, -6.0);
  add_point (project, tone, "volume_db", 85000, -20.0);
  add_point (project, tone, "volume_db", 120000, -10.0);
  add_point (project, tone, "pan", 30000, -0.8);
  add_point (project, tone, "pan", 99000, 0.6);

  command = strata_commands_set_tempo (project, 2, 90.0, 3, 4, &error);
  push (project, command, error);
  command = strata_commands_set_volume (project, STRATA_STRIP (strata_project_get_master (project)),
                                        -2.0, 0, &error);
  push (project, command, error);
  return project;
}

/* What the dummy wrote to `out_path` is `expected` (n stereo frames), sample for sample, after
 * whole periods of silence before the transport rolled, and silence after it. */
static void
check_dummy_output (const char *out_path, const float *expected, gint64 n)
{
  g_autoptr(Audio) got = NULL;
  gint64 start = -1, mismatches = 0, first_mismatch = -1;
  double max_diff = 0.0;

  got = read_audio (out_path);
  g_assert_cmpint (got->channels, ==, 2);
  for (gint64 i = 0; i < got->frames && start < 0; i++)
    if (got->data[2 * i] != 0.0f || got->data[2 * i + 1] != 0.0f)
      start = i;
  g_test_message ("playback starts at frame %" G_GINT64_FORMAT " of the dummy's output", start);
  g_assert_cmpint (start, >=, 0);
  /* Silent periods before the transport rolled: a whole number of them. */
  g_assert_cmpint (start % PERIOD, ==, 0);
  g_assert_cmpint (got->frames, >=, start + n);

  for (gint64 i = 0; i < n; i++)
    for (guint c = 0; c < 2; c++)
      {
        double d = fabs ((double) got->data[2 * (start + i) + c] - (double) expected[2 * i + c]);
        if (d > 0.0)
          {
            if (first_mismatch < 0)
              first_mismatch = i;
            mismatches++;
          }
        max_diff = MAX (max_diff, d);
      }
  if (mismatches > 0)
    g_test_message ("first difference at sequence frame %" G_GINT64_FORMAT ": got %.9g, "
                    "expected %.9g", first_mismatch, got->data[2 * (start + first_mismatch)],
                    expected[2 * first_mismatch]);
  g_test_message ("%" G_GINT64_FORMAT " frames compared, %" G_GINT64_FORMAT
                  " samples differ, max |diff| %g", n, mismatches, max_diff);
  g_assert_cmpfloat (max_diff, ==, 0.0);
  g_assert_cmpint (mismatches, ==, 0);

  /* Nothing after the transport stopped. */
  for (gint64 i = start + n; i < got->frames; i++)
    g_assert_true (got->data[2 * i] == 0.0f && got->data[2 * i + 1] == 0.0f);
}

static void
test_playback_equals_render (void)
{
  g_autofree char *dir = fresh_dir ("playback");
  g_autofree char *out_path = g_build_filename (dir, "dummy-out.wav", NULL);
  g_autoptr(StrataProject) project = playback_project (dir);
  g_autoptr(Rig) rig = NULL;
  g_autofree float *first = NULL;
  g_autofree float *pass = NULL;
  g_autofree float *expected = NULL;
  const gint64 n_first = PLAY_LOOP_END - PLAY_FROM;
  const gint64 n_pass = PLAY_LOOP_END - PLAY_LOOP_START;
  const gint64 n = n_first + n_pass;

  drain ();
  rig = rig_new (project, out_path, FALSE);
  strata_engine_set_loop (rig->engine, TRUE, PLAY_LOOP_START, PLAY_LOOP_END);
  strata_engine_locate (rig->engine, PLAY_FROM);
  strata_engine_set_stop_at (rig->engine, -1, 2);
  strata_engine_play (rig->engine);
  play_until_stopped (rig->engine, 0, 20000);
  g_assert_cmpint (strata_engine_get_frames_played (rig->engine), ==, n);
  g_assert_cmpuint (strata_engine_get_xruns (rig->engine), ==, 0);
  g_assert_cmpuint (rig->errors->len, ==, 0);
  strata_engine_shutdown (rig->engine);     /* closes the dummy's file */

  /* The export of the same sequence: [from, loop end) then one pass of the loop. */
  first = render_range (project, PLAY_FROM, PLAY_LOOP_END);
  pass = render_range (project, PLAY_LOOP_START, PLAY_LOOP_END);
  expected = g_new (float, n * 2);
  memcpy (expected, first, n_first * 2 * sizeof (float));
  memcpy (expected + n_first * 2, pass, n_pass * 2 * sizeof (float));
  /* The sequence starts on a click, which is how its start is found in the dummy's file. */
  g_assert_true (is_click (PLAY_FROM));
  g_assert_cmpfloat (expected[0], !=, 0.0f);

  check_dummy_output (out_path, expected, n);
}

/* Tracks added (one before the others, shifting them) and removed while the transport rolls
 * do not interrupt what the other tracks play: the output is the export's, sample for
 * sample, with no gap for the butler to catch up. */
static void
test_playback_track_changes (void)
{
  g_autofree char *dir = fresh_dir ("track-changes");
  g_autofree char *out_path = g_build_filename (dir, "dummy-out.wav", NULL);
  g_autoptr(StrataProject) project = playback_project (dir);
  StrataUndoStack *undo = strata_project_get_undo_stack (project);
  g_autoptr(Rig) rig = NULL;
  g_autofree float *expected = render_range (project, PLAY_FROM, PLAY_LOOP_END);
  const gint64 n = PLAY_LOOP_END - PLAY_FROM;
  StrataTrack *idea = NULL;

  g_assert_true (is_click (PLAY_FROM));
  drain ();
  rig = rig_new (project, out_path, FALSE);
  strata_engine_locate (rig->engine, PLAY_FROM);
  strata_engine_set_stop_at (rig->engine, PLAY_LOOP_END, 0);
  strata_engine_play (rig->engine);
  wait_rolling (rig->engine, 0);
  for (guint step = 0; step < 3; step++)
    {
      gint64 at = (step + 1) * n / 4;

      while (strata_engine_get_frames_played (rig->engine) < at)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (1000);
        }
      if (step == 0)
        push (project, strata_commands_add_track (project, 2, "Idea", 0, &idea), NULL);
      else if (step == 1)
        add_track (project, 1, "Another");
      else
        g_assert_true (strata_undo_stack_undo (undo));   /* "Another" goes */
      drain ();
    }
  play_until_stopped (rig->engine, 0, 20000);
  g_assert_cmpint (strata_engine_get_frames_played (rig->engine), ==, n);
  g_assert_cmpuint (strata_engine_get_xruns (rig->engine), ==, 0);
  g_assert_cmpuint (rig->errors->len, ==, 0);
  strata_engine_shutdown (rig->engine);
  check_dummy_output (out_path, expected, n);
}

/* ---- recording ------------------------------------------------------------------------------ */

#define REC_LOOP_START 48000
#define REC_LOOP_END   96000
#define PUNCH_IN       60000
#define PUNCH_OUT      84000

/* A loop recording made once and shared by the cases that look at its result. */
typedef struct
{
  char          *dir;
  StrataProject *project;
  StrataTrack   *clicks;
  StrataTrack   *mono;
  StrataTrack   *stereo;
  float         *expected;   /* the master over the loop, stereo */
} LoopTake;

static LoopTake *loop_take;

/* Stopping by itself in the middle of a period, then playing on without a locate: the second
 * stretch continues exactly where the first ended (the butler's reading follows). */
static void
test_play_on_after_end (void)
{
  g_autofree char *dir = fresh_dir ("play-on");
  g_autofree char *out_path = g_build_filename (dir, "dummy-out.wav", NULL);
  g_autoptr(StrataProject) project = playback_project (dir);
  g_autoptr(Rig) rig = NULL;
  g_autoptr(Audio) got = NULL;
  g_autofree float *expected = NULL;
  const gint64 mid = PLAY_FROM + 10 * PERIOD + 100, end = PLAY_FROM + 40000;
  gint64 start = -1, played;

  drain ();
  rig = rig_new (project, out_path, FALSE);
  strata_engine_locate (rig->engine, PLAY_FROM);
  strata_engine_set_stop_at (rig->engine, mid, 0);
  strata_engine_play (rig->engine);
  play_until_stopped (rig->engine, 0, 20000);
  g_assert_cmpint (strata_engine_get_position (rig->engine), ==, mid);
  played = strata_engine_get_frames_played (rig->engine);
  g_assert_cmpint (played, ==, mid - PLAY_FROM);
  strata_engine_set_stop_at (rig->engine, end, 0);
  strata_engine_play (rig->engine);
  play_until_stopped (rig->engine, played, 20000);
  g_assert_cmpint (strata_engine_get_frames_played (rig->engine), ==, end - PLAY_FROM);
  strata_engine_shutdown (rig->engine);

  /* The dummy's file has silence between the two stretches: take them out and compare. */
  expected = render_range (project, PLAY_FROM, end);
  got = read_audio (out_path);
  for (gint64 i = 0; i < got->frames && start < 0; i++)
    if (got->data[2 * i] != 0.0f || got->data[2 * i + 1] != 0.0f)
      start = i;
  g_assert_cmpint (start, >=, 0);
  for (gint64 i = 0; i < mid - PLAY_FROM; i++)
    g_assert_cmpfloat (got->data[2 * (start + i)], ==, expected[2 * i]);
  {
    /* The second stretch starts at the next non-silent frame of the expected audio. */
    gint64 j = mid - PLAY_FROM, k = start + j, matched = 0;
    while (k < got->frames && got->data[2 * k] == 0.0f && got->data[2 * k + 1] == 0.0f)
      k++;
    while (j < end - PLAY_FROM && expected[2 * j] == 0.0f && expected[2 * j + 1] == 0.0f)
      j++;
    for (; j < end - PLAY_FROM && k < got->frames; j++, k++, matched++)
      {
        g_assert_cmpfloat (got->data[2 * k], ==, expected[2 * j]);
        g_assert_cmpfloat (got->data[2 * k + 1], ==, expected[2 * j + 1]);
      }
    g_assert_cmpint (matched, >, 20000);
  }
}

/* Meters against formulas: a 997 Hz sine at -20 dBFS peak on both channels reads -20 LUFS
 * (BS.1770: one channel of a full-scale 997 Hz sine is -3.01 LUFS, two are 0), a true peak of
 * -20 dBTP and, on its strip, a peak of 0.1 and an RMS of 0.1 / sqrt 2. */
static void
test_meters (void)
{
  g_autofree char *dir = fresh_dir ("meters");
  g_autofree char *path = g_build_filename (work_dir, "tone.wav", NULL);
  const gint64 frames = 3 * RATE;
  g_autofree float *tone = g_new (float, frames * 2);
  g_autoptr(StrataProject) project = strata_project_new (RATE);
  g_autoptr(Rig) rig = NULL;
  StrataLoudness loud;
  StrataMeter meter;
  StrataTrack *track;
  gint64 deadline;

  for (gint64 i = 0; i < frames; i++)
    tone[2 * i] = tone[2 * i + 1] = (float) (0.1 * sin (2 * G_PI * 997.0 * (double) i / RATE));
  write_float_wav (path, RATE, 2, tone, frames);

  strata_project_set_media_dir (project, dir);
  track = add_track (project, 2, "Tone");
  add_clip (project, track, add_source (project, "tone", "tone.wav", 2, frames), 0, 0, frames);
  drain ();
  rig = rig_new (project, NULL, FALSE);
  strata_engine_set_stop_at (rig->engine, frames, 0);
  strata_engine_play (rig->engine);
  wait_rolling (rig->engine, 0);
  /* The meters reach the main thread at display rate, from its main loop. */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  g_assert_true (strata_engine_get_meter (rig->engine, strata_strip_get_id (STRATA_STRIP (track)),
                                          &meter));
  for (guint c = 0; c < 2; c++)
    {
      g_assert_cmpfloat_with_epsilon (meter.peak[c], 0.1, 0.001);
      g_assert_cmpfloat_with_epsilon (meter.rms[c], 0.1 / G_SQRT2, 0.001);
      g_assert_cmpfloat (meter.hold[c], >=, meter.peak[c]);
    }
  g_assert_false (meter.clipped);
  g_assert_true (strata_engine_wait_stopped (rig->engine, 10000));
  /* The meter thread reads its ring every 20 ms. */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  do
    {
      g_usleep (50000);
      strata_engine_get_loudness (rig->engine, &loud);
    }
  while (fabs (loud.integrated + 20.0) > 0.1 && g_get_monotonic_time () < deadline);
  g_test_message ("momentary %.3f, short-term %.3f, integrated %.3f LUFS, true peak %.3f dBTP",
                  loud.momentary, loud.short_term, loud.integrated, loud.true_peak);
  g_assert_cmpfloat_with_epsilon (loud.integrated, -20.0, 0.1);
  g_assert_cmpfloat_with_epsilon (loud.short_term, -20.0, 0.1);
  g_assert_cmpfloat_with_epsilon (loud.true_peak, -20.0, 0.1);
}

static StrataClip *
item (GListModel *list, guint i)
{
  g_autoptr(StrataClip) clip = g_list_model_get_item (list, i);
  return clip;     /* the list holds it */
}

/* `clip`'s audio equals `expected` (stereo, starting at timeline position `from`) on every
 * channel of its source, sample for sample; its clicks are where the timeline's are. */
static void
check_take_audio (StrataClip *clip, const float *expected, gint64 from)
{
  StrataSource *source = strata_clip_get_source (clip);
  g_autoptr(Audio) audio = read_audio (strata_source_get_file_path (source));
  gint64 offset = strata_clip_get_source_start (clip);
  gint64 length = strata_clip_get_length (clip);
  gint64 start = strata_clip_get_start (clip);
  guint clicks = 0, found = 0;
  gint64 mismatches = 0;

  g_assert_cmpint (audio->format, ==, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  g_assert_cmpint (audio->channels, ==, strata_source_get_channels (source));
  g_assert_cmpint (offset + length, <=, audio->frames);
  for (gint64 j = 0; j < length; j++)
    {
      gint64 position = start + j;

      for (int c = 0; c < audio->channels; c++)
        {
          float got = audio->data[(offset + j) * audio->channels + c];
          float want = expected[2 * (position - from) + c];
          if (got != want && mismatches++ == 0)
            g_test_message ("take '%s' differs first at position %" G_GINT64_FORMAT
                            " (file frame %" G_GINT64_FORMAT "), channel %d: got %.9g, "
                            "expected %.9g", strata_source_get_path (source), position,
                            offset + j, c, got, want);
        }
      clicks += is_click (position);
      found += audio->data[(offset + j) * audio->channels] != 0.0f;
    }
  g_assert_cmpint (mismatches, ==, 0);
  /* Every click of the range, and nothing else, is in the take. */
  g_assert_cmpuint (clicks, >, 0);
  g_assert_cmpuint (found, ==, clicks);
}

static void
check_loop_track (StrataTrack *track, const float *expected)
{
  GListModel *clips = strata_track_get_clips (track);
  GListModel *takes = strata_track_get_takes (track);
  StrataClip *newest, *oldest;

  g_assert_cmpuint (g_list_model_get_n_items (clips), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (takes), ==, 1);
  newest = item (clips, 0);
  oldest = item (takes, 0);
  g_test_message ("%s: takes at file frames %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
                  ", %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT " long",
                  strata_strip_get_name (STRATA_STRIP (track)),
                  strata_clip_get_source_start (oldest), strata_clip_get_source_start (newest),
                  strata_clip_get_length (oldest), strata_clip_get_length (newest));
  for (guint i = 0; i < 2; i++)
    {
      StrataClip *clip = i == 0 ? oldest : newest;
      g_assert_cmpint (strata_clip_get_start (clip), ==, REC_LOOP_START);
      g_assert_cmpint (strata_clip_get_length (clip), ==, REC_LOOP_END - REC_LOOP_START);
      g_assert_cmpuint (strata_source_get_channels (strata_clip_get_source (clip)), ==,
                        strata_track_get_channels (track));
    }
  /* One file, the second pass right after the first. */
  g_assert_true (strata_clip_get_source (oldest) == strata_clip_get_source (newest));
  g_assert_cmpint (strata_clip_get_source_start (newest) - strata_clip_get_source_start (oldest),
                   ==, REC_LOOP_END - REC_LOOP_START);
  check_take_audio (oldest, expected, REC_LOOP_START);
  check_take_audio (newest, expected, REC_LOOP_START);
}

/* Clicks play; a mono and a stereo track, armed with monitoring off, record the loopback (the
 * master, one period late) for two passes of the loop. */
static LoopTake *
get_loop_take (void)
{
  g_autoptr(Rig) rig = NULL;
  g_autoptr(GError) error = NULL;
  LoopTake *lt;
  g_autofree char *media = NULL;

  if (loop_take != NULL)
    return loop_take;
  lt = g_new0 (LoopTake, 1);
  lt->dir = fresh_dir ("loop");
  media = g_build_filename (lt->dir, "song.media", NULL);
  g_assert_cmpint (g_mkdir (media, 0755), ==, 0);
  lt->project = click_project (media, &lt->clicks);
  lt->mono = add_track (lt->project, 1, "Mono");
  lt->stereo = add_track (lt->project, 2, "Stereo");
  g_object_set (lt->mono, "monitoring", STRATA_MONITORING_OFF, NULL);
  g_object_set (lt->stereo, "monitoring", STRATA_MONITORING_OFF, NULL);
  lt->expected = render_range (lt->project, REC_LOOP_START, REC_LOOP_END);
  drain ();

  rig = rig_new (lt->project, NULL, TRUE);
  g_assert_cmpint (strata_engine_get_round_trip (rig->engine), ==, PERIOD);
  g_assert_true (strata_engine_arm (rig->engine, lt->mono, TRUE, &error));
  g_assert_true (strata_engine_arm (rig->engine, lt->stereo, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (strata_engine_get_record_state (rig->engine), ==, STRATA_RECORDER_ARMED);
  drain ();
  strata_engine_set_loop (rig->engine, TRUE, REC_LOOP_START, REC_LOOP_END);
  strata_engine_locate (rig->engine, REC_LOOP_START);
  strata_engine_set_stop_at (rig->engine, -1, 2);
  g_assert_true (strata_engine_record (rig->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (strata_engine_get_record_state (rig->engine), ==, STRATA_RECORDER_RECORDING);
  play_until_stopped (rig->engine, 0, 20000);
  g_assert_true (strata_engine_finish_recording (rig->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (strata_engine_get_frames_played (rig->engine), ==,
                   2 * (REC_LOOP_END - REC_LOOP_START));
  g_assert_cmpuint (strata_engine_get_xruns (rig->engine), ==, 0);
  g_assert_cmpuint (rig->errors->len, ==, 0);
  g_assert_cmpuint (rig->takes_added, ==, 1);
  g_assert_cmpuint (rig->n_takes_added, ==, 4);
  /* The tracks stay armed for the next take. */
  g_assert_cmpint (strata_engine_get_record_state (rig->engine), ==, STRATA_RECORDER_ARMED);
  drain ();
  loop_take = lt;
  return lt;
}

static void
loop_take_free (LoopTake *lt)
{
  if (lt == NULL)
    return;
  g_object_unref (lt->project);
  g_free (lt->expected);
  g_free (lt->dir);
  g_free (lt);
}

static void
test_record_loop (void)
{
  LoopTake *lt = get_loop_take ();

  check_loop_track (lt->mono, lt->expected);
  check_loop_track (lt->stereo, lt->expected);
  /* The click track is untouched; the take files were imported and removed. */
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (lt->clicks)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_takes (lt->clicks)), ==, 0);
  {
    g_autoptr(GDir) media = g_dir_open (strata_project_get_media_dir (lt->project), 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (media)) != NULL)
      g_assert_false (g_str_has_prefix (name, "take-"));
  }
}

static void
expect_lanes (StrataTrack *track, StrataClip *active, StrataClip *lane)
{
  GListModel *clips = strata_track_get_clips (track);
  GListModel *takes = strata_track_get_takes (track);

  g_assert_cmpuint (g_list_model_get_n_items (clips), ==, 1);
  g_assert_true (item (clips, 0) == active);
  if (lane != NULL)
    {
      g_assert_cmpuint (g_list_model_get_n_items (takes), ==, 1);
      g_assert_true (item (takes, 0) == lane);
    }
}

static void
test_active_take (void)
{
  LoopTake *lt = get_loop_take ();
  StrataUndoStack *undo = strata_project_get_undo_stack (lt->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataClip) newest = g_object_ref (item (strata_track_get_clips (lt->mono), 0));
  g_autoptr(StrataClip) oldest = g_object_ref (item (strata_track_get_takes (lt->mono), 0));
  StrataClip *stereo_active = item (strata_track_get_clips (lt->stereo), 0);
  StrataClip *stereo_lane = item (strata_track_get_takes (lt->stereo), 0);
  StrataCommand *command;

  /* The active clip is not on the lanes: nothing to switch to. */
  command = strata_commands_set_active_take (lt->project, lt->mono, newest, &error);
  g_assert_null (command);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_NOT_FOUND);
  g_clear_error (&error);
  expect_lanes (lt->mono, newest, oldest);

  command = strata_commands_set_active_take (lt->project, lt->mono, oldest, &error);
  g_assert_no_error (error);
  strata_project_push (lt->project, command);
  expect_lanes (lt->mono, oldest, newest);
  /* The other track's lanes are its own. */
  expect_lanes (lt->stereo, stereo_active, stereo_lane);

  g_assert_true (strata_undo_stack_undo (undo));
  expect_lanes (lt->mono, newest, oldest);
  g_assert_true (strata_undo_stack_redo (undo));
  expect_lanes (lt->mono, oldest, newest);
  g_assert_true (strata_undo_stack_undo (undo));
  expect_lanes (lt->mono, newest, oldest);

  /* The recording itself is one undo step: undone, the track is as before. */
  g_assert_cmpstr (strata_undo_stack_get_undo_label (undo), ==, "Record");
  g_assert_true (strata_undo_stack_undo (undo));
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (lt->mono)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_takes (lt->mono)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (lt->stereo)), ==, 0);
  g_assert_true (strata_undo_stack_redo (undo));
  expect_lanes (lt->mono, newest, oldest);
  expect_lanes (lt->stereo, stereo_active, stereo_lane);
  drain ();
}

static void
expect_same_clips (GListModel *a, GListModel *b)
{
  g_assert_cmpuint (g_list_model_get_n_items (a), ==, g_list_model_get_n_items (b));
  for (guint i = 0; i < g_list_model_get_n_items (a); i++)
    {
      StrataClip *x = item (a, i), *y = item (b, i);
      g_assert_cmpint (strata_clip_get_start (x), ==, strata_clip_get_start (y));
      g_assert_cmpint (strata_clip_get_length (x), ==, strata_clip_get_length (y));
      g_assert_cmpint (strata_clip_get_source_start (x), ==, strata_clip_get_source_start (y));
      g_assert_cmpstr (strata_source_get_file_path (strata_clip_get_source (x)), ==,
                       strata_source_get_file_path (strata_clip_get_source (y)));
    }
}

/* Saves `project` as JSON in `dir`, loads it back and checks that every track in `tracks`
 * has the same clips and take lanes, and that it writes back the same text. */
static void
json_round_trip (StrataProject *project, const char *dir, StrataTrack **tracks, guint n_tracks)
{
  g_autofree char *path = g_build_filename (dir, "song.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) loaded = NULL;

  g_assert_true (strata_json_save_file (project, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"x-takes\""));
  loaded = strata_json_load_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);

  for (guint t = 0; t < n_tracks; t++)
    {
      const char *id = strata_strip_get_id (STRATA_STRIP (tracks[t]));
      StrataTrack *copy = strata_timeline_find_track (strata_project_get_timeline (loaded), id);
      g_assert_nonnull (copy);
      g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_takes (copy)), >, 0);
      expect_same_clips (strata_track_get_clips (tracks[t]), strata_track_get_clips (copy));
      expect_same_clips (strata_track_get_takes (tracks[t]), strata_track_get_takes (copy));
      g_assert_cmpint (strata_track_get_monitoring (copy), ==,
                       strata_track_get_monitoring (tracks[t]));
    }
  /* And it writes back the same. */
  again = strata_json_to_data (loaded, dir, NULL);
  g_free (text);
  text = strata_json_to_data (project, dir, NULL);
  g_assert_cmpstr (again, ==, text);
}

/* Take lanes made by the command, no engine: three overlapping takes, the last active. */
static void
test_json_command_takes (void)
{
  g_autofree char *dir = fresh_dir ("json-takes");
  g_autoptr(StrataProject) project = strata_project_new (RATE);
  StrataSource *click = add_source (project, "click", "click.wav", 1, CLICK_FRAMES);
  StrataTrack *track = add_track (project, 1, "Takes");
  g_autoptr(StrataClip) a = strata_clip_new (click, 1000, 0, 4000);
  g_autoptr(StrataClip) b = strata_clip_new (click, 2000, 10000, 4000);
  g_autoptr(StrataClip) c = strata_clip_new (click, 1000, 20000, 4000);
  StrataClip *takes[] = { a, b, c };

  g_object_set (track, "monitoring", STRATA_MONITORING_ON, NULL);
  strata_project_push (project, strata_commands_record_takes (project, track, takes, 3));
  expect_lanes (track, c, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_takes (track)), ==, 2);
  json_round_trip (project, dir, &track, 1);
}

/* The recorded takes survive a save and a load. */
static void
test_json_keeps_takes (void)
{
  LoopTake *lt = get_loop_take ();
  StrataTrack *tracks[] = { lt->mono, lt->stereo };
  GListModel *sources = strata_project_get_sources (lt->project);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  /* Each take file is its own source: it needs an id of its own. */
  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(StrataSource) source = g_list_model_get_item (sources, i);
      g_assert_true (g_hash_table_add (ids, (gpointer) strata_source_get_id (source)));
    }
  json_round_trip (lt->project, lt->dir, tracks, G_N_ELEMENTS (tracks));
}

/* Arms `rec` and records `project` from `from` to `to` through the dummy loopback: rolling
 * when this returns. */
static Rig *
start_take (StrataProject *project, StrataTrack *rec, gint64 from, gint64 to)
{
  g_autoptr(GError) error = NULL;
  Rig *rig = rig_new (project, NULL, TRUE);

  g_assert_true (strata_engine_arm (rig->engine, rec, TRUE, &error));
  g_assert_no_error (error);
  drain ();
  strata_engine_locate (rig->engine, from);
  strata_engine_set_stop_at (rig->engine, to, 0);
  g_assert_true (strata_engine_record (rig->engine, &error));
  g_assert_no_error (error);
  return rig;
}

/* Plays to the stop and adds the take. */
static void
finish_take (Rig *rig)
{
  g_autoptr(GError) error = NULL;

  play_until_stopped (rig->engine, 0, 20000);
  g_assert_true (strata_engine_finish_recording (rig->engine, &error));
  g_assert_no_error (error);
}

/* Punch [60000, 84000) while playing [48000, 100000): one clip, exactly the punch range. */
static void
test_record_punch (void)
{
  g_autofree char *dir = fresh_dir ("punch");
  g_autoptr(GError) error = NULL;
  g_autoptr(Rig) rig = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autofree float *expected = NULL;
  StrataTrack *clicks, *rec;
  StrataCommand *command;
  GListModel *clips;
  StrataClip *clip;

  project = click_project (dir, &clicks);
  rec = add_track (project, 1, "Punch");
  g_object_set (rec, "monitoring", STRATA_MONITORING_OFF, NULL);
  command = strata_commands_set_punch (project, PUNCH_IN, PUNCH_OUT, TRUE, &error);
  push (project, command, error);
  expected = render_range (project, PUNCH_IN, PUNCH_OUT);
  drain ();

  rig = start_take (project, rec, 48000, 100000);
  finish_take (rig);
  g_assert_cmpint (strata_engine_get_frames_played (rig->engine), ==, 100000 - 48000);
  g_assert_cmpuint (strata_engine_get_xruns (rig->engine), ==, 0);
  g_assert_cmpuint (rig->errors->len, ==, 0);
  g_assert_cmpuint (rig->n_takes_added, ==, 1);

  clips = strata_track_get_clips (rec);
  g_assert_cmpuint (g_list_model_get_n_items (clips), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_takes (rec)), ==, 0);
  clip = item (clips, 0);
  g_assert_cmpint (strata_clip_get_start (clip), ==, PUNCH_IN);
  g_assert_cmpint (strata_clip_get_length (clip), ==, PUNCH_OUT - PUNCH_IN);
  check_take_audio (clip, expected, PUNCH_IN);
  /* The click just past the punch-out played, but is not part of the take. */
  g_assert_true (is_click (PUNCH_OUT));
}

/* A track deleted while it records does not take its take along: the take lands on a new
 * track, where it was recorded, and holds what played, the deletion unheard. */
static void
test_record_deleted_track (void)
{
  g_autofree char *dir = fresh_dir ("deleted");
  g_autoptr(Rig) rig = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataTrack) last = NULL;
  g_autofree float *expected = NULL;
  GListModel *tracks;
  StrataTrack *clicks, *rec;
  StrataClip *clip;
  guint n_tracks;

  project = click_project (dir, &clicks);
  rec = add_track (project, 2, "Doomed");
  g_object_set (rec, "monitoring", STRATA_MONITORING_OFF, NULL);
  expected = render_range (project, 48000, 100000);
  tracks = strata_timeline_get_tracks (strata_project_get_timeline (project));
  n_tracks = g_list_model_get_n_items (tracks);
  drain ();

  rig = start_take (project, rec, 48000, 100000);
  push (project, strata_commands_remove_track (project, rec), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (tracks), ==, n_tracks - 1);
  finish_take (rig);
  g_assert_cmpuint (rig->errors->len, ==, 0);
  g_assert_cmpuint (rig->n_takes_added, ==, 1);

  g_assert_cmpuint (g_list_model_get_n_items (tracks), ==, n_tracks);
  last = g_list_model_get_item (tracks, n_tracks - 1);
  g_assert_true (last != rec);
  g_assert_cmpuint (strata_track_get_channels (last), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (last)), ==, 1);
  clip = item (strata_track_get_clips (last), 0);
  g_assert_cmpint (strata_clip_get_start (clip), ==, 48000);
  g_assert_cmpint (strata_clip_get_length (clip), ==, 100000 - 48000);
  check_take_audio (clip, expected, 48000);
  drain ();
}

/* ---- the state machine through the engine --------------------------------------------------- */

static void
test_record_states (void)
{
  g_autofree char *dir = fresh_dir ("states");
  g_autoptr(GError) error = NULL;
  g_autoptr(Rig) rig = NULL;
  g_autoptr(StrataProject) project = NULL;
  StrataTrack *clicks, *rec, *other;
  StrataEngine *engine;

  project = click_project (dir, &clicks);
  rec = add_track (project, 2, "Rec");
  other = add_track (project, 1, "Other");
  g_object_set (rec, "monitoring", STRATA_MONITORING_OFF, NULL);
  drain ();
  rig = rig_new (project, NULL, TRUE);
  engine = rig->engine;
  strata_engine_locate (engine, 40000);
  strata_engine_set_stop_at (engine, -1, 0);

  /* Nothing armed: no recording, and nothing to stop. */
  g_assert_cmpint (strata_engine_get_record_state (engine), ==, STRATA_RECORDER_IDLE);
  g_assert_false (strata_engine_record (engine, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (strata_engine_get_playing (engine));
  g_assert_false (strata_engine_stop_recording (engine, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
  g_clear_error (&error);

  g_assert_true (strata_engine_arm (engine, rec, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (strata_track_get_record_arm (rec));
  g_assert_cmpint (strata_engine_get_record_state (engine), ==, STRATA_RECORDER_ARMED);
  g_assert_false (strata_engine_stop_recording (engine, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
  g_clear_error (&error);

  g_assert_true (strata_engine_record (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (strata_engine_get_record_state (engine), ==, STRATA_RECORDER_RECORDING);
  wait_rolling (engine, 0);
  /* Recording: no arming, no disarming, no second recording. */
  g_assert_false (strata_engine_arm (engine, other, TRUE, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (strata_track_get_record_arm (other));
  g_assert_false (strata_engine_arm (engine, rec, FALSE, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
  g_clear_error (&error);
  g_assert_true (strata_track_get_record_arm (rec));
  g_assert_false (strata_engine_record (engine, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
  g_clear_error (&error);

  /* Some audio, then stop: the state is "stopping" until the take is in. */
  while (strata_engine_get_frames_played (engine) < 4 * PERIOD)
    g_usleep (1000);
  g_assert_true (strata_engine_stop_recording (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (strata_engine_get_record_state (engine), ==, STRATA_RECORDER_STOPPING);
  g_assert_false (strata_engine_stop_recording (engine, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (strata_engine_arm (engine, other, TRUE, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (strata_engine_record (engine, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
  g_clear_error (&error);

  g_assert_true (strata_engine_finish_recording (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (strata_engine_get_record_state (engine), ==, STRATA_RECORDER_ARMED);
  g_assert_true (strata_engine_wait_stopped (engine, 5000));
  g_assert_cmpuint (rig->takes_added, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (rec)), ==, 1);
  g_assert_cmpuint (rig->errors->len, ==, 0);

  /* Stopped again: arming works, and disarming the last track makes the recorder idle. */
  g_assert_true (strata_engine_arm (engine, other, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (strata_engine_arm (engine, rec, FALSE, &error));
  g_assert_true (strata_engine_arm (engine, other, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (strata_engine_get_record_state (engine), ==, STRATA_RECORDER_IDLE);
  drain ();
}

/* A media folder under a regular file cannot be made (even by root): recording fails with a
 * GError, and the engine still plays, and records once the folder is fixed. */
static void
test_record_unwritable (void)
{
  g_autofree char *dir = fresh_dir ("unwritable");
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autofree char *bad = g_build_filename (file, "song.media", NULL);
  g_autofree char *good = g_build_filename (dir, "good.media", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(Rig) rig = NULL;
  g_autoptr(StrataProject) project = NULL;
  StrataTrack *clicks, *rec;
  StrataEngine *engine;
  gint64 played;

  g_assert_true (g_file_set_contents (file, "not a folder", -1, NULL));
  g_assert_cmpint (g_mkdir (good, 0755), ==, 0);
  project = click_project (bad, &clicks);
  rec = add_track (project, 1, "Rec");
  drain ();
  rig = rig_new (project, NULL, TRUE);
  engine = rig->engine;
  g_assert_true (strata_engine_arm (engine, rec, TRUE, &error));
  g_assert_no_error (error);
  drain ();

  strata_engine_locate (engine, 0);
  strata_engine_set_stop_at (engine, 12000, 0);
  g_assert_false (strata_engine_record (engine, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (error->domain == STRATA_ERROR || error->domain == G_FILE_ERROR
                 || error->domain == G_IO_ERROR);
  g_assert_nonnull (strstr (error->message, file));
  g_clear_error (&error);
  g_assert_cmpint (strata_engine_get_record_state (engine), ==, STRATA_RECORDER_ARMED);
  g_assert_false (strata_engine_get_playing (engine));
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (rec)), ==, 0);

  /* Still plays. */
  strata_engine_play (engine);
  play_until_stopped (engine, 0, 10000);
  g_assert_cmpint (strata_engine_get_frames_played (engine), ==, 12000);

  /* And records into a folder that works. */
  strata_project_set_media_dir (project, good);
  strata_engine_locate (engine, 0);
  played = strata_engine_get_frames_played (engine);
  g_assert_true (strata_engine_record (engine, &error));
  g_assert_no_error (error);
  play_until_stopped (engine, played, 10000);
  g_assert_true (strata_engine_finish_recording (engine, &error));
  g_assert_cmpint (strata_engine_get_frames_played (engine), ==, 2 * 12000);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (rec)), ==, 1);
  g_assert_cmpint (strata_clip_get_start (item (strata_track_get_clips (rec), 0)), ==, 0);
  g_assert_cmpuint (rig->errors->len, ==, 0);
  g_assert_cmpuint (strata_engine_get_xruns (engine), ==, 0);
  drain ();
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  work_dir = g_dir_make_tmp ("strata-engine-XXXXXX", NULL);
  g_assert_nonnull (work_dir);
  write_media ();

  g_test_add_func ("/engine/playback/equals-render", test_playback_equals_render);
  g_test_add_func ("/engine/playback/play-on-after-end", test_play_on_after_end);
  g_test_add_func ("/engine/playback/track-changes", test_playback_track_changes);
  g_test_add_func ("/engine/meters", test_meters);
  g_test_add_func ("/engine/record/loop", test_record_loop);
  g_test_add_func ("/engine/record/active-take", test_active_take);
  g_test_add_func ("/engine/record/json", test_json_keeps_takes);
  g_test_add_func ("/engine/takes/json", test_json_command_takes);
  g_test_add_func ("/engine/record/punch", test_record_punch);
  g_test_add_func ("/engine/record/deleted-track", test_record_deleted_track);
  g_test_add_func ("/engine/record/states", test_record_states);
  g_test_add_func ("/engine/record/unwritable", test_record_unwritable);
  status = g_test_run ();

  g_clear_pointer (&loop_take, loop_take_free);
  strata_remove_tree (work_dir);
  g_free (work_dir);
  return status;
}
