/* test-ui-canvas.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The clip canvas as a user meets it: where things are (frame and track under a point), what a
 * drag or an edit key does to the model and that one undo takes it back, what a refused edit
 * leaves, the peak cache, and the colours on screen.
 */
#include "config.h"

#include <math.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "strata-clip-canvas.h"
#include "strata-commands.h"
#include "strata-json.h"
#include "strata-test-audio.h"
#include "strata-test-ui.h"
#include "strata-ui.h"

#define SR      48000
#define BEAT    24000            /* a beat at 120 BPM and 48 kHz */
#define ZOOM    200.0            /* frames per pixel in these tests */
#define WIDTH   1000
#define HEIGHT  400

typedef struct
{
  char          *dir;
  StrataProject *project;
  StrataSession *session;
  StrataTrack   *tracks[2];
  StrataSource  *source;
  StrataClip    *a;              /* track 0, 0 .. 2 s */
  StrataClip    *b;              /* track 1, 1 .. 3 s */
  GtkWidget     *window;
  StrataClipCanvas *canvas;
  guint          n_toasts;
  char          *last_toast;
  gboolean       toast_undo;
} Fixture;

static void
toast_cb (StrataSession *session, const char *message, gboolean offer_undo, Fixture *f)
{
  f->n_toasts++;
  g_free (f->last_toast);
  f->last_toast = g_strdup (message);
  f->toast_undo = offer_undo;
}

static void
push (Fixture *f, StrataCommand *command)
{
  g_assert_nonnull (command);
  strata_project_push (f->project, command);
}

static StrataClip *
add_clip (Fixture *f, StrataTrack *track, gint64 start, gint64 length)
{
  g_autoptr(StrataClip) clip = strata_clip_new (f->source, start, 0, length);

  push (f, strata_commands_add_clip (f->project, track, clip, NULL));
  return clip;   /* the track keeps it */
}

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Two tracks of a 10 s mono sine source (half scale, so the clip's lower part shows its
 * colour), a window WIDTH x HEIGHT around the canvas, zoom ZOOM, snap to beats. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autofree float *samples = g_new (float, 10 * SR);
  g_autofree char *wav = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("strata-ui-canvas-XXXXXX", &error);
  g_assert_no_error (error);
  wav = g_build_filename (f->dir, "sine.wav", NULL);
  for (gsize i = 0; i < 10 * SR; i++)
    samples[i] = 0.5f * sinf (2.0f * G_PI * 3.0f * i / SR);
  write_float_wav (wav, SR, 1, samples, 10 * SR);

  f->project = strata_project_new (SR);
  f->source = strata_source_new ("sine", wav, 1, 10 * SR);
  strata_source_set_file_path (f->source, wav);
  push (f, strata_commands_add_source (f->project, f->source));
  push (f, strata_commands_add_track (f->project, 1, "One", G_MAXUINT, &f->tracks[0]));
  push (f, strata_commands_add_track (f->project, 1, "Two", G_MAXUINT, &f->tracks[1]));
  push (f, strata_property_command_new_value (f->tracks[0], "color", "#e01b24", NULL));
  push (f, strata_property_command_new_value (f->tracks[1], "color", "#2ec27e", NULL));
  f->a = add_clip (f, f->tracks[0], 0, 2 * SR);
  f->b = add_clip (f, f->tracks[1], SR, 2 * SR);
  strata_undo_stack_clear (strata_project_get_undo_stack (f->project));

  f->session = strata_session_new (f->project, NULL);
  strata_session_set_zoom (f->session, ZOOM);
  strata_session_set_snap (f->session, STRATA_SNAP_BEAT);
  g_signal_connect (f->session, "toast", G_CALLBACK (toast_cb), f);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), WIDTH, HEIGHT);
  f->canvas = STRATA_CLIP_CANVAS (strata_clip_canvas_new (f->session));
  g_object_add_weak_pointer (G_OBJECT (f->canvas), (gpointer *) &f->canvas);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->canvas));
  gtk_window_present (GTK_WINDOW (f->window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (f->canvas))
         || gtk_widget_get_width (GTK_WIDGET (f->canvas)) != WIDTH)
    g_main_context_iteration (NULL, TRUE);
  iterate ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  GtkWidget *canvas = GTK_WIDGET (f->canvas);

  g_object_ref (canvas);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (canvas);
  strata_peak_cache_wait (strata_session_get_peak_cache (f->session));
  g_signal_handlers_disconnect_by_data (f->session, f);
  g_assert_finalize_object (f->session);
  g_assert_finalize_object (f->project);
  g_free (f->last_toast);
  {
    g_autofree char *wav = g_build_filename (f->dir, "sine.wav", NULL);
    g_unlink (wav);
  }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static guint
n_clips (StrataTrack *track)
{
  return g_list_model_get_n_items (strata_track_get_clips (track));
}

static StrataClip *
clip_nth (StrataTrack *track, guint i)
{
  g_autoptr(StrataClip) clip = g_list_model_get_item (strata_track_get_clips (track), i);
  return clip;
}

static void
undo (Fixture *f)
{
  g_assert_true (strata_undo_stack_undo (strata_project_get_undo_stack (f->project)));
}

static gint64
snapped (gint64 frame)
{
  return (gint64) floor ((double) frame / BEAT + 0.5) * BEAT;
}

/* ---- layout ---------------------------------------------------------------------------- */

static void
test_beat (Fixture *f, gconstpointer data)
{
  StrataBbt beat2 = { 1, 2, 0 };

  /* The formulas below take a beat as 24000 frames: the default tempo must be 120 BPM. */
  g_assert_cmpint (strata_tempo_map_bbt_to_frame (strata_session_get_tempo_map (f->session),
                                                  &beat2), ==, BEAT);
}

static void
test_layout (Fixture *f, gconstpointer data)
{
  int th = strata_session_get_track_height (f->session);
  int row0 = th + STRATA_N_STRIP_PARAMS * STRATA_LANE_HEIGHT;
  GtkAdjustment *hadj, *vadj;

  g_assert_cmpint (strata_clip_canvas_frame_at (f->canvas, 0), ==, 0);
  g_assert_cmpint (strata_clip_canvas_frame_at (f->canvas, 123), ==, 123 * ZOOM);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, 0) == f->tracks[0]);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, th - 1) == f->tracks[0]);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, th) == f->tracks[1]);
  g_assert_null (strata_clip_canvas_track_at (f->canvas, 2 * th));

  /* Automation lanes make the rows taller; the second track moves down with the first. */
  strata_session_set_lanes_shown (f->session, f->tracks[0], TRUE);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, row0 - 1) == f->tracks[0]);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, row0) == f->tracks[1]);
  g_assert_null (strata_clip_canvas_track_at (f->canvas, row0 + th));
  strata_session_set_lanes_shown (f->session, f->tracks[1], TRUE);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, 2 * row0 - 1) == f->tracks[1]);

  /* The scroll is accounted for: widget x 10 at a scroll of 50 px is content x 60. */
  g_object_get (f->canvas, "hadjustment", &hadj, "vadjustment", &vadj, NULL);
  gtk_adjustment_set_value (hadj, 50);
  g_assert_cmpfloat (gtk_adjustment_get_value (hadj), ==, 50);
  g_assert_cmpint (strata_clip_canvas_frame_at (f->canvas, 10), ==, 60 * ZOOM);
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadj), ==, 2 * row0);
  g_assert_cmpfloat (gtk_adjustment_get_page_size (vadj), ==, HEIGHT);
  gtk_adjustment_set_value (vadj, 40);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), ==, 40);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, row0 - 41) == f->tracks[0]);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, row0 - 40) == f->tracks[1]);
  g_assert_null (strata_clip_canvas_track_at (f->canvas, 2 * row0 - 40));
  g_object_unref (hadj);
  g_object_unref (vadj);
}

static void
test_zoom_to_fit (Fixture *f, gconstpointer data)
{
  gint64 end = strata_session_get_end (f->session);
  GtkAdjustment *hadj;
  double x;

  strata_session_set_zoom (f->session, 10.0);
  g_assert_cmpint (end, ==, 3 * SR);
  strata_clip_canvas_zoom_to_fit (f->canvas);
  g_object_get (f->canvas, "hadjustment", &hadj, NULL);
  x = end / strata_session_get_zoom (f->session) - gtk_adjustment_get_value (hadj);
  /* The song's end is in view, near the right edge. */
  g_assert_cmpfloat (x, <=, WIDTH);
  g_assert_cmpfloat (x, >=, WIDTH * 0.8);
  g_object_unref (hadj);
}

static void
test_scroll (Fixture *f, gconstpointer data)
{
  int th = strata_session_get_track_height (f->session);
  gint64 under;

  /* Ctrl+wheel zooms around the pointer: the frame under it stays put. */
  under = strata_clip_canvas_frame_at (f->canvas, 600);
  g_assert_true (strata_clip_canvas_scroll (f->canvas, 600, 0, -1, GDK_CONTROL_MASK));
  g_assert_cmpfloat_with_epsilon (strata_session_get_zoom (f->session), ZOOM / 1.25, 1e-9);
  g_assert_cmpint (llabs (strata_clip_canvas_frame_at (f->canvas, 600) - under), <=,
                   (gint64) ceil (ZOOM));
  g_assert_true (strata_clip_canvas_scroll (f->canvas, 600, 0, 1, GDK_CONTROL_MASK));
  g_assert_cmpfloat_with_epsilon (strata_session_get_zoom (f->session), ZOOM, 1e-9);
  g_assert_cmpint (llabs (strata_clip_canvas_frame_at (f->canvas, 600) - under), <=,
                   (gint64) ceil (ZOOM));

  /* Shift+wheel scrolls time by a tenth of the view per step. */
  under = strata_clip_canvas_frame_at (f->canvas, 0);
  g_assert_true (strata_clip_canvas_scroll (f->canvas, 0, 0, 1, GDK_SHIFT_MASK));
  g_assert_cmpfloat_with_epsilon ((strata_clip_canvas_frame_at (f->canvas, 0) - under)
                                  / strata_session_get_zoom (f->session), WIDTH / 10.0, 1.0);

  /* Ctrl+Shift+wheel: taller tracks; plain wheel is the scrolled window's. */
  g_assert_true (strata_clip_canvas_scroll (f->canvas, 0, 0, -2,
                                            GDK_CONTROL_MASK | GDK_SHIFT_MASK));
  g_assert_cmpint (strata_session_get_track_height (f->session), ==, th + 16);
  g_assert_false (strata_clip_canvas_scroll (f->canvas, 0, 0, 1, 0));
}

/* ---- gestures -------------------------------------------------------------------------- */

static double
row_mid (Fixture *f, guint track)
{
  return (track + 0.5) * strata_session_get_track_height (f->session);
}

static void
test_click_select (Fixture *f, gconstpointer data)
{
  GPtrArray *selection = strata_session_get_selection (f->session);
  double ax = SR / ZOOM, bx = 2 * SR / ZOOM;   /* the middles of a and b */

  strata_clip_canvas_drag (f->canvas, ax, row_mid (f, 0), 0, 0, 0);
  g_assert_cmpuint (selection->len, ==, 1);
  g_assert_true (selection->pdata[0] == f->a);
  strata_clip_canvas_drag (f->canvas, bx, row_mid (f, 1), 0, 0, GDK_SHIFT_MASK);
  g_assert_cmpuint (selection->len, ==, 2);
  strata_clip_canvas_drag (f->canvas, ax, row_mid (f, 0), 0, 0, GDK_CONTROL_MASK);
  g_assert_cmpuint (selection->len, ==, 1);
  g_assert_true (selection->pdata[0] == f->b);

  /* Empty space: the selection goes and the playhead lands on the nearest beat. */
  strata_clip_canvas_drag (f->canvas, 700, row_mid (f, 0), 0, 0, 0);
  g_assert_cmpuint (selection->len, ==, 0);
  g_assert_cmpint (strata_session_get_position (f->session), ==, snapped (700 * ZOOM));

  /* A rubber band over both rows, from empty space after b back into a's end. */
  strata_clip_canvas_drag (f->canvas, 700, 5, -(700 - 1.5 * SR / ZOOM), row_mid (f, 1), 0);
  g_assert_cmpuint (selection->len, ==, 2);
}

static void
test_move (Fixture *f, gconstpointer data)
{
  double dx = 160;   /* 32000 frames: a's start lands on the nearest beat, 24000 */
  gint64 expected = snapped ((gint64) (dx * ZOOM));

  g_assert_cmpint (expected, ==, BEAT);
  /* In time only: a moves, and stays on its track. */
  strata_clip_canvas_drag (f->canvas, SR / ZOOM, row_mid (f, 0), dx, 0, 0);
  g_assert_cmpint (strata_clip_get_start (f->a), ==, expected);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 1);
  undo (f);
  g_assert_cmpint (strata_clip_get_start (f->a), ==, 0);

  /* Alt: no snap. */
  strata_clip_canvas_drag (f->canvas, SR / ZOOM, row_mid (f, 0), dx, 0, GDK_ALT_MASK);
  g_assert_cmpint (strata_clip_get_start (f->a), ==, (gint64) (dx * ZOOM));
  undo (f);

  /* Across tracks, to free room on the second track: after b's end. */
  strata_clip_canvas_drag (f->canvas, SR / ZOOM, row_mid (f, 0), 3 * SR / ZOOM,
                           row_mid (f, 1) - row_mid (f, 0), 0);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 0);
  g_assert_cmpuint (n_clips (f->tracks[1]), ==, 2);
  g_assert_cmpint (strata_clip_get_start (f->a), ==, snapped (3 * SR));
  /* One drag, one undo. */
  undo (f);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 1);
  g_assert_true (clip_nth (f->tracks[0], 0) == f->a);
  g_assert_cmpint (strata_clip_get_start (f->a), ==, 0);
  g_assert_false (strata_undo_stack_can_undo (strata_project_get_undo_stack (f->project)));
}

static void
test_move_refused (Fixture *f, gconstpointer data)
{
  StrataUndoStack *stack = strata_project_get_undo_stack (f->project);

  /* Onto b: an overlap. Nothing moves, nothing to undo, the user is told why. */
  strata_clip_canvas_drag (f->canvas, SR / ZOOM, row_mid (f, 0), BEAT / ZOOM,
                           row_mid (f, 1) - row_mid (f, 0), 0);
  g_assert_cmpint (strata_clip_get_start (f->a), ==, 0);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 1);
  g_assert_cmpuint (n_clips (f->tracks[1]), ==, 1);
  g_assert_false (strata_undo_stack_can_undo (stack));
  g_assert_cmpuint (f->n_toasts, ==, 1);
  g_assert_nonnull (strstr (f->last_toast, "Two"));
}

static void
test_trim (Fixture *f, gconstpointer data)
{
  double edge = 2 * SR / ZOOM;   /* a's right edge, 480 px */

  /* The right edge 150 px to the left: 66000, to the nearest beat 72000. */
  strata_clip_canvas_drag (f->canvas, edge - 2, row_mid (f, 0), -150, 0, 0);
  g_assert_cmpint (strata_clip_get_end (f->a), ==, snapped (2 * SR - 150 * ZOOM));
  g_assert_cmpint (strata_clip_get_end (f->a), ==, 3 * BEAT);
  undo (f);
  g_assert_cmpint (strata_clip_get_end (f->a), ==, 2 * SR);

  /* The left edge 70 px right: start and source offset move together, to 24000. */
  strata_clip_canvas_drag (f->canvas, 2, row_mid (f, 0), 70, 0, 0);
  g_assert_cmpint (strata_clip_get_start (f->a), ==, snapped (70 * ZOOM));
  g_assert_cmpint (strata_clip_get_source_start (f->a), ==, BEAT);
  g_assert_cmpint (strata_clip_get_end (f->a), ==, 2 * SR);
  undo (f);
  g_assert_cmpint (strata_clip_get_start (f->a), ==, 0);
  g_assert_cmpint (strata_clip_get_source_start (f->a), ==, 0);
}

static void
test_fade (Fixture *f, gconstpointer data)
{
  /* The fade-in handle sits at the top left corner while there is no fade. */
  strata_clip_canvas_drag (f->canvas, 3, 4, 50, 0, 0);
  g_assert_cmpint (strata_clip_get_fade_in (f->a), ==, 50 * ZOOM);
  g_assert_cmpint (strata_clip_get_fade_out (f->a), ==, 0);
  undo (f);
  g_assert_cmpint (strata_clip_get_fade_in (f->a), ==, 0);
}

static void
test_automation (Fixture *f, gconstpointer data)
{
  int th = strata_session_get_track_height (f->session);
  /* The middle of the volume lane: half way up -60..+6 dB is -27 dB. */
  double y = th + STRATA_LANE_HEIGHT / 2.0;
  StrataAutomationLane *lane;
  const StrataAutomationPoint *points;
  guint n;

  strata_session_set_lanes_shown (f->session, f->tracks[0], TRUE);
  strata_clip_canvas_drag (f->canvas, 130, y, 0, 0, 0);
  lane = strata_strip_find_lane (STRATA_STRIP (f->tracks[0]), "volume_db");
  g_assert_nonnull (lane);
  points = strata_automation_lane_get_points (lane, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (points[0].frame, ==, snapped (130 * ZOOM));
  g_assert_cmpfloat_with_epsilon (points[0].value, -27.0, 1e-9);

  /* Drag it up a quarter of the axis and two beats right: one step, -10.5 dB. */
  strata_clip_canvas_drag (f->canvas, points[0].frame / ZOOM, y, 2 * BEAT / ZOOM,
                           -(STRATA_LANE_HEIGHT - 12) / 4.0, 0);
  points = strata_automation_lane_get_points (lane, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (points[0].frame, ==, 3 * BEAT);
  g_assert_cmpfloat_with_epsilon (points[0].value, -27.0 + 66.0 / 4, 1e-9);
  undo (f);
  points = strata_automation_lane_get_points (lane, &n);
  g_assert_cmpint (points[0].frame, ==, BEAT);

  /* Click it, Delete removes it. */
  strata_clip_canvas_drag (f->canvas, BEAT / ZOOM, y, 0, 0, 0);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.delete", NULL);
  strata_automation_lane_get_points (lane, &n);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 1);
  undo (f);
  strata_automation_lane_get_points (lane, &n);
  g_assert_cmpuint (n, ==, 1);
}

/* Whether `lanes` (a track's lane params) is exactly the NULL-terminated list. */
static void
assert_lanes (Fixture *f, StrataTrack *track, ...)
{
  g_autoptr(GPtrArray) lanes = strata_session_get_lanes (f->session, track);
  va_list args;
  guint i = 0;

  va_start (args, track);
  for (const char *param = va_arg (args, const char *); param != NULL;
       param = va_arg (args, const char *), i++)
    {
      g_assert_cmpuint (i, <, lanes->len);
      g_assert_cmpstr (lanes->pdata[i], ==, param);
    }
  va_end (args);
  g_assert_cmpuint (lanes->len, ==, i);
}

static guint
n_points (StrataTrack *track, const char *param)
{
  StrataAutomationLane *lane = strata_strip_find_lane (STRATA_STRIP (track), param);
  guint n = 0;

  if (lane != NULL)
    strata_automation_lane_get_points (lane, &n);
  return n;
}

/* The value at y (from the top of a lane) on a lane's axis, as a user reads the lane: the
 * axis spans the lane less 6 px at top and bottom. */
static double
axis_at (double y, double min, double max, gboolean log_axis)
{
  double norm = 1.0 - (y - 6.0) / (STRATA_LANE_HEIGHT - 12.0);

  return log_axis ? min * pow (max / min, norm) : min + norm * (max - min);
}

/* Effect parameters get lanes: added by hand or because they have points, on their own axis,
 * following their effect through the chain and going with it. */
static void
test_effect_lanes (Fixture *f, gconstpointer data)
{
  StrataTrack *track = f->tracks[0];
  StrataStrip *strip = STRATA_STRIP (track);
  int th = strata_session_get_track_height (f->session);
  int lanes_y = th;                    /* the first lane's top: no takes on this track */
  g_autoptr(StrataInsert) compressor = strata_insert_new ("compressor", NULL);
  g_autoptr(StrataInsert) eq = strata_insert_new ("eq", NULL);
  StrataAutomationLane *lane;
  const StrataAutomationPoint *points;
  double y, expected;
  guint n;

  push (f, strata_commands_add_insert (f->project, strip, compressor, 0));
  push (f, strata_commands_add_insert (f->project, strip, eq, 1));
  strata_session_set_lanes_shown (f->session, track, TRUE);
  assert_lanes (f, track, "volume_db", "pan", "mute", NULL);
  g_assert_cmpint (strata_session_get_row_height (f->session, track), ==,
                   th + 3 * STRATA_LANE_HEIGHT);
  g_assert_false (strata_session_add_lane (f->session, track, "inserts[2].threshold_db"));
  g_assert_false (strata_session_add_lane (f->session, track, "inserts[0].nonsense"));

  /* Adding the threshold lane grows the row by one lane; the canvas's rows follow. */
  g_assert_true (strata_session_add_lane (f->session, track, "inserts[0].threshold_db"));
  assert_lanes (f, track, "volume_db", "pan", "mute", "inserts[0].threshold_db", NULL);
  g_assert_cmpint (strata_session_get_row_height (f->session, track), ==,
                   th + 4 * STRATA_LANE_HEIGHT);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, th + 4 * STRATA_LANE_HEIGHT - 1)
                 == track);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, th + 4 * STRATA_LANE_HEIGHT)
                 == f->tracks[1]);
  {
    g_autofree char *label = strata_lane_param_label (strip, "inserts[0].threshold_db");
    g_assert_cmpstr (label, ==, "Compressor 1: Threshold");
  }

  /* A click 20 px into the lane: threshold is linear over -60..0 dB, shown to 0.1 dB. */
  y = lanes_y + 3 * STRATA_LANE_HEIGHT + 20;
  expected = axis_at (20, -60.0, 0.0, FALSE);
  strata_clip_canvas_drag (f->canvas, 130, y, 0, 0, 0);
  lane = strata_strip_find_lane (strip, "inserts[0].threshold_db");
  g_assert_nonnull (lane);
  points = strata_automation_lane_get_points (lane, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (points[0].frame, ==, snapped (130 * ZOOM));
  g_assert_cmpfloat (fabs (points[0].value - expected), <=, 0.05 + 1e-9);
  /* One undo takes the point back; the lane stays, as it was added. */
  undo (f);
  g_assert_cmpuint (n_points (track, "inserts[0].threshold_db"), ==, 0);
  assert_lanes (f, track, "volume_db", "pan", "mute", "inserts[0].threshold_db", NULL);

  /* A log axis: the middle of the eq's 20..20000 Hz lane is their geometric mean. */
  g_assert_true (strata_session_add_lane (f->session, track, "inserts[1].b1_freq"));
  assert_lanes (f, track, "volume_db", "pan", "mute", "inserts[0].threshold_db",
                "inserts[1].b1_freq", NULL);
  y = lanes_y + 4 * STRATA_LANE_HEIGHT + STRATA_LANE_HEIGHT / 2.0;
  strata_clip_canvas_drag (f->canvas, 130, y, 0, 0, 0);
  lane = strata_strip_find_lane (strip, "inserts[1].b1_freq");
  g_assert_nonnull (lane);
  points = strata_automation_lane_get_points (lane, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpfloat (fabs (points[0].value - sqrt (20.0 * 20000.0)), <=, 0.5);
  g_assert_cmpfloat (fabs (axis_at (STRATA_LANE_HEIGHT / 2.0, 20, 20000, TRUE) - 632.456), <,
                     1e-3);

  /* A choice is stepped: the middle of the band type's 7 choices (0..6) is choice 3. */
  g_assert_true (strata_session_add_lane (f->session, track, "inserts[1].b1_type"));
  assert_lanes (f, track, "volume_db", "pan", "mute", "inserts[0].threshold_db",
                "inserts[1].b1_type", "inserts[1].b1_freq", NULL);
  y = lanes_y + 4 * STRATA_LANE_HEIGHT + STRATA_LANE_HEIGHT / 2.0 - 3;
  strata_clip_canvas_drag (f->canvas, 200, y, 0, 0, 0);
  lane = strata_strip_find_lane (strip, "inserts[1].b1_type");
  g_assert_nonnull (lane);
  points = strata_automation_lane_get_points (lane, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpfloat (points[0].value, ==, 3.0);

  /* A lane with points shows without being added, in its effect's parameter order. */
  push (f, strata_commands_add_point (f->project, strip, "inserts[0].ratio", 0, 8.0, NULL));
  iterate ();
  assert_lanes (f, track, "volume_db", "pan", "mute", "inserts[0].threshold_db",
                "inserts[0].ratio", "inserts[1].b1_type", "inserts[1].b1_freq", NULL);
  g_assert_false (strata_session_remove_lane (f->session, track, "inserts[0].ratio"));
  g_assert_cmpint (strata_session_get_row_height (f->session, track), ==,
                   th + 7 * STRATA_LANE_HEIGHT);
  /* Deleting its only point leaves the lane where it is (ratio: log axis over 1..50). */
  y = lanes_y + 4 * STRATA_LANE_HEIGHT + 6
      + (1.0 - log (8.0) / log (50.0)) * (STRATA_LANE_HEIGHT - 12);
  strata_clip_canvas_drag (f->canvas, 0, y, 0, 0, 0);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.delete", NULL);
  g_assert_cmpuint (n_points (track, "inserts[0].ratio"), ==, 0);
  assert_lanes (f, track, "volume_db", "pan", "mute", "inserts[0].threshold_db",
                "inserts[0].ratio", "inserts[1].b1_type", "inserts[1].b1_freq", NULL);

  /* Removing the compressor drops its lanes; the eq's lanes follow it to insert 0. */
  push (f, strata_commands_remove_insert (f->project, strip, compressor));
  iterate ();                           /* the project says "changed" once the loop runs */
  assert_lanes (f, track, "volume_db", "pan", "mute", "inserts[0].b1_type",
                "inserts[0].b1_freq", NULL);
  g_assert_cmpint (strata_session_get_row_height (f->session, track), ==,
                   th + 5 * STRATA_LANE_HEIGHT);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, th + 5 * STRATA_LANE_HEIGHT)
                 == f->tracks[1]);
  /* An added lane without points can be taken back, one with points cannot. */
  push (f, strata_commands_remove_point (f->project,
                                         strata_strip_find_lane (strip, "inserts[0].b1_type"),
                                         0));
  g_assert_true (strata_session_remove_lane (f->session, track, "inserts[0].b1_type"));
  g_assert_false (strata_session_remove_lane (f->session, track, "inserts[0].b1_freq"));
  assert_lanes (f, track, "volume_db", "pan", "mute", "inserts[0].b1_freq", NULL);
  /* Nothing of the other track changed. */
  assert_lanes (f, f->tracks[1], "volume_db", "pan", "mute", NULL);
}

static void
test_takes (Fixture *f, gconstpointer data)
{
  int th = strata_session_get_track_height (f->session);
  g_autoptr(StrataClip) take = strata_clip_new (f->source, SR / 2, 0, SR);
  StrataCommand *record = strata_commands_record_takes (f->project, f->tracks[0], &take, 1);

  /* A take recorded over a: a moves to the take lane under the clip row. */
  push (f, record);
  strata_undo_stack_clear (strata_project_get_undo_stack (f->project));
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_takes (f->tracks[0])), ==, 1);
  g_assert_cmpuint (strata_session_get_row_height (f->session, f->tracks[0]), ==,
                    th + STRATA_TAKE_LANE_HEIGHT);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, th + STRATA_TAKE_LANE_HEIGHT - 1)
                 == f->tracks[0]);
  g_assert_true (strata_clip_canvas_track_at (f->canvas, th + STRATA_TAKE_LANE_HEIGHT)
                 == f->tracks[1]);

  /* Clicking a in its lane makes it the active clip again, in one undoable step. */
  strata_clip_canvas_drag (f->canvas, 1.5 * SR / ZOOM, th + STRATA_TAKE_LANE_HEIGHT / 2.0, 0, 0,
                           0);
  g_assert_true (strata_track_find_clip (f->tracks[0], f->a, NULL));
  g_assert_false (strata_track_find_clip (f->tracks[0], take, NULL));
  undo (f);
  g_assert_false (strata_track_find_clip (f->tracks[0], f->a, NULL));
  g_assert_true (strata_track_find_clip (f->tracks[0], take, NULL));
}

/* ---- actions --------------------------------------------------------------------------- */

static void
test_split (Fixture *f, gconstpointer data)
{
  strata_session_locate (f->session, 30000);
  strata_session_select (f->session, f->a, STRATA_SELECT_REPLACE);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.split", NULL);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 2);
  g_assert_cmpint (strata_clip_get_end (clip_nth (f->tracks[0], 0)), ==, 30000);
  g_assert_cmpint (strata_clip_get_start (clip_nth (f->tracks[0], 1)), ==, 30000);
  g_assert_cmpint (strata_clip_get_source_start (clip_nth (f->tracks[0], 1)), ==, 30000);
  g_assert_cmpint (strata_clip_get_end (clip_nth (f->tracks[0], 1)), ==, 2 * SR);
  undo (f);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 1);
  g_assert_cmpint (strata_clip_get_length (f->a), ==, 2 * SR);

  /* Nothing under the playhead: refused, and said. */
  strata_session_locate (f->session, 5 * SR);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.split", NULL);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 1);
  g_assert_cmpuint (f->n_toasts, ==, 1);
}

static void
test_delete (Fixture *f, gconstpointer data)
{
  strata_session_select (f->session, f->a, STRATA_SELECT_REPLACE);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.delete", NULL);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 0);
  g_assert_cmpstr (f->last_toast, ==, "Clip deleted");
  g_assert_true (f->toast_undo);
  undo (f);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 1);
}

static void
test_duplicate_join (Fixture *f, gconstpointer data)
{
  strata_session_select (f->session, f->a, STRATA_SELECT_REPLACE);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.duplicate", NULL);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 2);
  g_assert_cmpint (strata_clip_get_start (clip_nth (f->tracks[0], 1)), ==, 2 * SR);
  /* The copy is selected, so that Ctrl+D again continues the pattern. */
  g_assert_true (strata_session_is_selected (f->session, clip_nth (f->tracks[0], 1)));
  undo (f);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 1);

  /* Split, then join the halves back: one clip as long as before. */
  strata_session_locate (f->session, SR);
  strata_session_select (f->session, f->a, STRATA_SELECT_REPLACE);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.split", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.select-all", NULL);
  g_assert_cmpuint (strata_session_get_selection (f->session)->len, ==, 3);
  strata_session_select (f->session, clip_nth (f->tracks[0], 0), STRATA_SELECT_REPLACE);
  strata_session_select (f->session, clip_nth (f->tracks[0], 1), STRATA_SELECT_ADD);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.join", NULL);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 1);
  g_assert_cmpint (strata_clip_get_length (clip_nth (f->tracks[0], 0)), ==, 2 * SR);
}

static void
test_clipboard (Fixture *f, gconstpointer data)
{
  strata_session_select (f->session, f->a, STRATA_SELECT_REPLACE);
  strata_session_select (f->session, f->b, STRATA_SELECT_ADD);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.copy", NULL);
  strata_session_locate (f->session, 5 * SR);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.paste", NULL);
  /* At the playhead, each clip keeps its offset from the earliest and its track. */
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 2);
  g_assert_cmpuint (n_clips (f->tracks[1]), ==, 2);
  g_assert_cmpint (strata_clip_get_start (clip_nth (f->tracks[0], 1)), ==, 5 * SR);
  g_assert_cmpint (strata_clip_get_start (clip_nth (f->tracks[1], 1)), ==, 6 * SR);
  undo (f);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 1);
  g_assert_cmpuint (n_clips (f->tracks[1]), ==, 1);

  /* Cut: gone, with a toast offering undo; paste brings it to the playhead. */
  strata_session_select (f->session, f->a, STRATA_SELECT_REPLACE);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.cut", NULL);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 0);
  g_assert_true (f->toast_undo);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.paste", NULL);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 1);
  g_assert_cmpint (strata_clip_get_start (clip_nth (f->tracks[0], 0)), ==, 5 * SR);
}

static void
test_unmapped (Fixture *f, gconstpointer data)
{
  /* The Mix page is showing: the edit keys leave the arrangement alone. */
  gtk_widget_set_visible (GTK_WIDGET (f->canvas), FALSE);
  strata_session_select (f->session, f->a, STRATA_SELECT_REPLACE);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.delete", NULL);
  g_assert_cmpuint (n_clips (f->tracks[0]), ==, 1);
}

/* ---- pixels ---------------------------------------------------------------------------- */

static cairo_surface_t *
render (Fixture *f)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (surface);

  GTK_WIDGET_GET_CLASS (f->canvas)->snapshot (GTK_WIDGET (f->canvas), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static guint32
pixel (cairo_surface_t *surface, int x, int y)
{
  guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return *(guint32 *) (data + y * stride + x * 4) & 0xffffff;
}

static void
test_pixels (Fixture *f, gconstpointer data)
{
  StrataPeakCache *cache = strata_session_get_peak_cache (f->session);
  int th = strata_session_get_track_height (f->session);
  cairo_surface_t *surface;
  g_autofree char *png = NULL;

  strata_peak_cache_lookup (cache, f->source);
  strata_peak_cache_wait (cache);
  g_assert_nonnull (strata_peak_cache_lookup (cache, f->source));
  strata_session_locate (f->session, 4 * SR);
  surface = render (f);
  png = g_build_filename (g_get_tmp_dir (), "strata-test-ui-canvas.png", NULL);
  cairo_surface_write_to_png (surface, png);
  g_test_message ("canvas rendered to %s", png);

  /* Below a's waveform (a half-scale sine): the track colour; beside the clip: not. */
  g_assert_cmphex (pixel (surface, 100, th - 6), ==, 0xe01b24);
  g_assert_cmphex (pixel (surface, 300, 2 * th - 6), ==, 0x2ec27e);
  g_assert_cmphex (pixel (surface, 100, 2 * th - 6), !=, 0x2ec27e);
  g_assert_cmphex (pixel (surface, 600, th - 6), !=, 0xe01b24);
  g_assert_cmphex (pixel (surface, 750, 2 * th - 6), !=, 0x2ec27e);
  /* The waveform: the sine's crest at the clip's middle height differs from the fill. */
  g_assert_cmphex (pixel (surface, 100, th / 2), !=, 0xe01b24);

  /* In the dark style too: the clips keep their colour, the background changes. */
  {
    AdwStyleManager *style = adw_style_manager_get_default ();
    guint32 light_background = pixel (surface, 600, th - 6);

    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
    cairo_surface_destroy (surface);
    surface = render (f);
    png = (g_free (png), g_build_filename (g_get_tmp_dir (), "strata-test-ui-canvas-dark.png",
                                           NULL));
    cairo_surface_write_to_png (surface, png);
    g_assert_cmphex (pixel (surface, 100, th - 6), ==, 0xe01b24);
    g_assert_cmphex (pixel (surface, 300, 2 * th - 6), ==, 0x2ec27e);
    g_assert_cmphex (pixel (surface, 600, th - 6), !=, light_background);
    /* A dark background: each channel of it below half. */
    g_assert_cmphex (pixel (surface, 600, th - 6) & 0x808080, ==, 0);
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  }

  /* A muted clip is dimmed: not the track colour at full strength any more. */
  push (f, strata_property_command_new_value (f->a, "mute", TRUE, NULL));
  cairo_surface_destroy (surface);
  surface = render (f);
  g_assert_cmphex (pixel (surface, 100, th - 6), !=, 0xe01b24);
  cairo_surface_destroy (surface);
}

/* ---- the peak cache on the demo -------------------------------------------------------- */

static void
test_peak_cache_demo (void)
{
  const char *path = g_getenv ("STRATA_DEMO_PROJECT");
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataPeakCache) cache = strata_peak_cache_new ();
  GListModel *sources;
  guint n_ready = 0;

  if (path == NULL)
    {
      g_test_skip ("STRATA_DEMO_PROJECT is not set");
      return;
    }
  project = strata_json_load_file (path, &error);
  g_assert_no_error (error);
  sources = strata_project_get_sources (project);
  g_assert_cmpuint (g_list_model_get_n_items (sources), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(StrataSource) source = g_list_model_get_item (sources, i);
      g_assert_null (strata_peak_cache_lookup (cache, source));
    }
  strata_peak_cache_wait (cache);
  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(StrataSource) source = g_list_model_get_item (sources, i);
      StrataPeaks *peaks = strata_peak_cache_lookup (cache, source);

      g_assert_nonnull (peaks);
      g_assert_cmpuint (strata_peaks_get_channels (peaks), ==,
                        strata_source_get_channels (source));
      g_assert_cmpint (strata_peaks_get_frames (peaks), ==, strata_source_get_frames (source));
      n_ready++;
    }
  g_assert_cmpuint (n_ready, ==, g_list_model_get_n_items (sources));
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
test_peak_cache_missing (void)
{
  g_autoptr(StrataPeakCache) cache = strata_peak_cache_new ();
  g_autoptr(StrataSource) source = strata_source_new ("gone", "/nonexistent/strata/gone.wav", 2,
                                                      SR);
  guint ready = 0;

  g_signal_connect_swapped (cache, "ready", G_CALLBACK (count_cb), &ready);
  g_assert_null (strata_peak_cache_lookup (cache, source));
  g_test_expect_message ("strata-peak-cache", G_LOG_LEVEL_WARNING,
                         "*/nonexistent/strata/gone.wav*");
  strata_peak_cache_wait (cache);
  g_test_assert_expected_messages ();
  /* Not retried: no second warning, still nothing. */
  g_assert_null (strata_peak_cache_lookup (cache, source));
  strata_peak_cache_wait (cache);
  g_assert_cmpuint (ready, ==, 0);
}

/* The demo in a canvas: every clip has a waveform to draw, and the whole thing snapshots. */
static void
test_demo_canvas (void)
{
  const char *path = g_getenv ("STRATA_DEMO_PROJECT");
  g_autoptr(GError) error = NULL;
  StrataProject *project;
  StrataSession *session;
  GtkWidget *window, *canvas;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  gint64 end;
  double x;

  if (path == NULL)
    {
      g_test_skip ("STRATA_DEMO_PROJECT is not set");
      return;
    }
  project = strata_json_load_file (path, &error);
  g_assert_no_error (error);
  session = strata_session_new (project, NULL);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  canvas = strata_clip_canvas_new (session);
  gtk_window_set_child (GTK_WINDOW (window), canvas);
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_width (canvas) != WIDTH)
    g_main_context_iteration (NULL, TRUE);

  strata_clip_canvas_zoom_to_fit (STRATA_CLIP_CANVAS (canvas));
  end = strata_session_get_end (session);
  x = end / strata_session_get_zoom (session);
  g_assert_cmpfloat (x, <=, WIDTH);
  g_assert_cmpfloat (x, >, WIDTH / 2);
  g_assert_true (strata_clip_canvas_frame_at (STRATA_CLIP_CANVAS (canvas), x) <= end);
  g_assert_true (strata_clip_canvas_frame_at (STRATA_CLIP_CANVAS (canvas), x + 1) >= end);

  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (canvas)->snapshot (canvas, snapshot);
  strata_peak_cache_wait (strata_session_get_peak_cache (session));
  gsk_render_node_unref (gtk_snapshot_free_to_node (snapshot));
  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (canvas)->snapshot (canvas, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  {
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
    cairo_t *cr = cairo_create (surface);
    g_autofree char *png = g_build_filename (g_get_tmp_dir (), "strata-test-ui-canvas-demo.png",
                                             NULL);

    gsk_render_node_draw (node, cr);
    cairo_destroy (cr);
    cairo_surface_write_to_png (surface, png);
    g_test_message ("demo canvas rendered to %s", png);
    cairo_surface_destroy (surface);
  }
  gsk_render_node_unref (node);

  g_object_ref (canvas);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (canvas);
  g_assert_finalize_object (session);
  g_assert_finalize_object (project);
}

/* While playing, the view pages along when the playhead leaves it. */
static void
test_follow_playback (void)
{
  const char *path = g_getenv ("STRATA_DEMO_PROJECT");
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataEngine) engine = strata_engine_new ();
  StrataEngineOptions options = { .backend = STRATA_BACKEND_DUMMY, .no_fallback = TRUE };
  StrataSession *session;
  GtkWidget *window, *canvas;
  GtkAdjustment *hadj;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  double x;

  if (path == NULL)
    {
      g_test_skip ("STRATA_DEMO_PROJECT is not set");
      return;
    }
  project = strata_json_load_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (strata_engine_set_project (engine, project, &error));
  options.config.rate = strata_project_get_sample_rate (project);
  g_assert_true (strata_engine_start (engine, &options, &error));
  session = strata_session_new (project, engine);
  /* A view a quarter of a second wide. */
  strata_session_set_zoom (session, SR / 4.0 / WIDTH);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  canvas = strata_clip_canvas_new (session);
  gtk_window_set_child (GTK_WINDOW (window), canvas);
  gtk_window_present (GTK_WINDOW (window));
  g_object_get (canvas, "hadjustment", &hadj, NULL);

  strata_session_play (session);
  while (strata_session_get_position (session) < SR && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  strata_session_stop (session);
  iterate ();
  g_assert_cmpint (strata_session_get_position (session), >=, SR);
  /* A second in, four views on: the view moved with it and the playhead is in it. */
  g_assert_cmpfloat (gtk_adjustment_get_value (hadj), >, 2 * WIDTH);
  x = strata_session_get_position (session) / strata_session_get_zoom (session)
      - gtk_adjustment_get_value (hadj);
  g_assert_cmpfloat (x, >=, 0);
  g_assert_cmpfloat (x, <, WIDTH);

  g_object_unref (hadj);
  g_object_ref (canvas);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (canvas);
  strata_engine_shutdown (engine);
  g_object_unref (session);
}

int
main (int argc, char *argv[])
{
  ui_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/ui-canvas/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("beat", test_beat);
  ADD ("layout", test_layout);
  ADD ("zoom-to-fit", test_zoom_to_fit);
  ADD ("scroll", test_scroll);
  ADD ("click-select", test_click_select);
  ADD ("move", test_move);
  ADD ("move-refused", test_move_refused);
  ADD ("trim", test_trim);
  ADD ("fade", test_fade);
  ADD ("automation", test_automation);
  ADD ("effect-lanes", test_effect_lanes);
  ADD ("takes", test_takes);
  ADD ("split", test_split);
  ADD ("delete", test_delete);
  ADD ("duplicate-join", test_duplicate_join);
  ADD ("clipboard", test_clipboard);
  ADD ("unmapped", test_unmapped);
  ADD ("pixels", test_pixels);
#undef ADD
  g_test_add_func ("/ui-canvas/peak-cache/demo", test_peak_cache_demo);
  g_test_add_func ("/ui-canvas/peak-cache/missing", test_peak_cache_missing);
  g_test_add_func ("/ui-canvas/demo", test_demo_canvas);
  g_test_add_func ("/ui-canvas/follow-playback", test_follow_playback);
  return g_test_run ();
}
