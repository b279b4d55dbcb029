/* test-ui-arrange.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Arrange page on the demo project: one header per track that follows the track list
 * and lines up with the canvas rows, header controls that edit through undoable commands,
 * tracks added, deleted, duplicated and reordered through the real actions and drag and drop,
 * the ruler driven through its gesture code (markers added, renamed, dragged and removed, loop
 * and punch edges dragged, the menu's toggles) with frames from the tempo formula and the
 * zoom, ruler labels that thin out when zoomed out, audio import onto a track (and a corrupt
 * file refused with a message), and no leaked widgets.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "strata-arrange-view.h"
#include "strata-commands.h"
#include "strata-json.h"
#include "strata-ruler.h"
#include "strata-test-audio.h"
#include "strata-test-tempo.h"
#include "strata-track-header.h"
#include "strata-test-ui.h"
#include "strata-ui.h"

typedef struct
{
  char          *media_dir;
  StrataProject *project;
  StrataSession *session;
  GtkWidget     *window;
  GtkWidget     *view;
  GPtrArray     *toasts;     /* char * */
  GArray        *toast_undo; /* gboolean: whether each toast offered Undo */
} Fixture;

static void
toast_cb (StrataSession *session, const char *message, gboolean offer_undo, Fixture *f)
{
  g_ptr_array_add (f->toasts, g_strdup (message));
  g_array_append_val (f->toast_undo, offer_undo);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->project = strata_json_load_file (g_getenv ("STRATA_DEMO_PROJECT"), &error);
  g_assert_no_error (error);
  /* Imports land in a private folder, not in the build tree's demo. */
  f->media_dir = g_dir_make_tmp ("strata-arrange-XXXXXX", &error);
  g_assert_no_error (error);
  strata_project_set_media_dir (f->project, f->media_dir);
  f->session = strata_session_new (f->project, NULL);
  f->toasts = g_ptr_array_new_with_free_func (g_free);
  f->toast_undo = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_signal_connect (f->session, "toast", G_CALLBACK (toast_cb), f);

  f->view = strata_arrange_view_new (f->session);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  gtk_window_set_child (GTK_WINDOW (f->window), f->view);
  gtk_window_present (GTK_WINDOW (f->window));
  spin (200);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  GtkWidget *view = g_object_ref (f->view);
  g_autoptr(GDir) dir = g_dir_open (f->media_dir, 0, NULL);
  const char *name;

  gtk_window_set_child (GTK_WINDOW (f->window), NULL);
  spin (50);
  g_assert_finalize_object (view);
  gtk_window_destroy (GTK_WINDOW (f->window));
  spin (20);
  g_signal_handlers_disconnect_by_func (f->session, toast_cb, f);
  g_assert_finalize_object (f->session);
  g_clear_object (&f->project);
  g_ptr_array_unref (f->toasts);
  g_array_unref (f->toast_undo);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->media_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->media_dir);
  g_free (f->media_dir);
}

static void
collect (GtkWidget *widget, GType type, GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (found, child);
      collect (child, type, found);
    }
}

static GPtrArray *
headers (Fixture *f)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (f->view, STRATA_TYPE_TRACK_HEADER, found);
  return found;
}

static GtkWidget *
named (GtkWidget *widget, const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *hit;

      if (g_strcmp0 (gtk_widget_get_name (child), name) == 0)
        return child;
      if ((hit = named (child, name)) != NULL)
        return hit;
    }
  return NULL;
}

static GListModel *
tracks (Fixture *f)
{
  return strata_timeline_get_tracks (strata_project_get_timeline (f->project));
}

static StrataTrack *
track_at (Fixture *f, guint i)
{
  g_autoptr(StrataTrack) track = g_list_model_get_item (tracks (f), i);

  return track;   /* the list keeps it */
}

static StrataUndoStack *
undo_stack (Fixture *f)
{
  return strata_project_get_undo_stack (f->project);
}

static void
push (Fixture *f, StrataCommand *command)
{
  g_assert_nonnull (command);
  strata_project_push (f->project, command);
  spin (50);
}

/* Headers in track order, with the track's name, each exactly as tall as its canvas row. */
static void
assert_headers_match (Fixture *f)
{
  g_autoptr(GPtrArray) found = headers (f);
  guint n = g_list_model_get_n_items (tracks (f));

  g_assert_cmpuint (found->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      StrataTrackHeader *header = found->pdata[i];
      StrataTrack *track = track_at (f, i);
      GtkWidget *label = named (GTK_WIDGET (header), "name");

      g_assert_true (strata_track_header_get_track (header) == track);
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (label)), ==,
                       strata_strip_get_name (STRATA_STRIP (track)));
      g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (header)), ==,
                       strata_session_get_row_height (f->session, track));
    }
  /* The canvas puts the same track at the same height: first and last pixel of each row. */
  for (guint i = 0; i < n; i++)
    {
      StrataClipCanvas *canvas = strata_arrange_view_get_canvas (STRATA_ARRANGE_VIEW (f->view));
      graphene_point_t top;

      g_assert_true (gtk_widget_compute_point (found->pdata[i], GTK_WIDGET (canvas),
                                               &GRAPHENE_POINT_INIT (0, 0), &top));
      g_assert_true (strata_clip_canvas_track_at (canvas, top.y + 1) == track_at (f, i));
      g_assert_true (strata_clip_canvas_track_at (
                       canvas, top.y + gtk_widget_get_height (found->pdata[i]) - 1)
                     == track_at (f, i));
    }
}

/* With STRATA_TEST_SHOT=path, the page as drawn, to look at. */
static void
maybe_screenshot (Fixture *f)
{
  const char *path = g_getenv ("STRATA_TEST_SHOT");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  int w = gtk_widget_get_width (f->view), h = gtk_widget_get_height (f->view);
  cairo_surface_t *surface;
  cairo_t *cr;

  if (path == NULL)
    return;
  paintable = gtk_widget_paintable_new (f->view);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
}

static void
test_headers_follow_tracks (Fixture *f, gconstpointer data)
{
  guint n = g_list_model_get_n_items (tracks (f));
  StrataTrack *added = NULL;
  g_autoptr(GPtrArray) after = NULL;

  g_assert_cmpuint (n, >, 0);
  assert_headers_match (f);
  maybe_screenshot (f);

  push (f, strata_commands_add_track (f->project, 1, "Added", 1, &added));
  after = headers (f);
  g_assert_cmpuint (after->len, ==, n + 1);
  g_assert_true (strata_track_header_get_track (after->pdata[1]) == added);
  assert_headers_match (f);

  /* A reorder moves the header. */
  push (f, strata_commands_move_track (f->project, 1, n));
  assert_headers_match (f);
  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  spin (50);

  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  spin (50);
  assert_headers_match (f);
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, n);
}

/* Showing a track's automation lanes adds three lane heights to its header, and the rows
 * below move down with it. */
static void
test_header_heights (Fixture *f, gconstpointer data)
{
  StrataTrack *track = track_at (f, 0);
  g_autoptr(GPtrArray) found = headers (f);
  int takes = (int) strata_session_get_take_lanes (f->session, track, NULL);
  int expected = STRATA_TRACK_HEIGHT_DEFAULT + takes * STRATA_TAKE_LANE_HEIGHT;
  graphene_point_t second;

  g_assert_cmpint (gtk_widget_get_height (found->pdata[0]), ==, expected);
  strata_session_set_lanes_shown (f->session, track, TRUE);
  spin (50);
  expected += STRATA_N_STRIP_PARAMS * STRATA_LANE_HEIGHT;
  g_assert_cmpint (gtk_widget_get_height (found->pdata[0]), ==, expected);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (named (found->pdata[0],
                                                                         "lanes"))));
  g_assert_true (gtk_widget_compute_point (found->pdata[1], found->pdata[0],
                                           &GRAPHENE_POINT_INIT (0, 0), &second));
  g_assert_cmpfloat (second.y, ==, expected);
  assert_headers_match (f);

  strata_session_set_track_height (f->session, 120);
  spin (50);
  assert_headers_match (f);
}

/* The label of `header` that reads `text`, or NULL. */
static GtkWidget *
label_reading (GtkWidget *header, const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (header); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
      return child;
  return NULL;
}

/* The item of a menu (sections one deep) labelled `label` in the section titled `section`:
 * its action and target. */
static gboolean
find_menu_item (GMenuModel *menu, const char *section, const char *label, char **action,
                GVariant **target)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *title = NULL;
      g_autoptr(GMenuModel) items = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &title);
      if (items == NULL || g_strcmp0 (title, section) != 0)
        continue;
      for (int j = 0; j < g_menu_model_get_n_items (items); j++)
        {
          g_autofree char *text = NULL;

          g_menu_model_get_item_attribute (items, j, G_MENU_ATTRIBUTE_LABEL, "s", &text);
          if (g_strcmp0 (text, label) != 0)
            continue;
          g_menu_model_get_item_attribute (items, j, G_MENU_ATTRIBUTE_ACTION, "s", action);
          *target = g_menu_model_get_item_attribute_value (items, j, G_MENU_ATTRIBUTE_TARGET,
                                                           NULL);
          return TRUE;
        }
    }
  return FALSE;
}

/* "Add Lane" lists the effects' parameters; choosing one adds its lane under the others,
 * labelled with the effect, its place in the chain and the parameter. */
static void
test_header_add_lane (Fixture *f, gconstpointer data)
{
  StrataTrack *track = track_at (f, 0);
  StrataStrip *strip = STRATA_STRIP (track);
  g_autoptr(GPtrArray) found = headers (f);
  GtkWidget *header = found->pdata[0];
  GtkWidget *add = named (header, "add-lane");
  g_autoptr(StrataInsert) compressor = strata_insert_new ("compressor", NULL);
  g_autofree char *action = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autoptr(GPtrArray) lanes = NULL;
  GtkWidget *label;
  graphene_point_t at;
  int height, lanes_top;
  guint index;

  g_assert_nonnull (add);
  g_assert_false (gtk_widget_get_visible (add));
  push (f, strata_commands_add_insert (f->project, strip, compressor, 0));
  strata_session_set_lanes_shown (f->session, track, TRUE);
  spin (50);
  g_assert_true (gtk_widget_get_visible (add));
  g_assert_true (gtk_widget_get_sensitive (add));
  height = gtk_widget_get_height (header);
  g_assert_null (label_reading (header, "Compressor 1: Threshold"));

  g_assert_true (find_menu_item (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (add)),
                                 "Compressor 1", "Threshold", &action, &target));
  g_assert_cmpstr (action, ==, "header.add-lane");
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, "inserts[0].threshold_db");
  g_assert_true (gtk_widget_activate_action_variant (header, action, target));
  spin (50);

  /* One lane taller, and the label sits at the top of its lane. */
  g_assert_cmpint (gtk_widget_get_height (header), ==, height + STRATA_LANE_HEIGHT);
  label = label_reading (header, "Compressor 1: Threshold");
  g_assert_nonnull (label);
  lanes = strata_session_get_lanes (f->session, track);
  g_assert_true (g_ptr_array_find_with_equal_func (lanes, "inserts[0].threshold_db",
                                                   g_str_equal, &index));
  lanes_top = strata_session_get_track_height (f->session)
              + (int) strata_session_get_take_lanes (f->session, track, NULL)
                * STRATA_TAKE_LANE_HEIGHT;
  g_assert_true (gtk_widget_compute_point (label, header, &GRAPHENE_POINT_INIT (0, 0), &at));
  g_assert_cmpfloat (at.y, ==, lanes_top + (int) index * STRATA_LANE_HEIGHT);
  g_assert_nonnull (label_reading (header, "Volume"));
  maybe_screenshot (f);
  /* It is no longer offered; its neighbour still is. */
  g_clear_pointer (&action, g_free);
  g_clear_pointer (&target, g_variant_unref);
  g_assert_false (find_menu_item (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (add)),
                                  "Compressor 1", "Threshold", &action, &target));
  g_assert_true (find_menu_item (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (add)),
                                 "Compressor 1", "Ratio", &action, &target));
  assert_headers_match (f);

  /* The compressor goes, and its lane with it. */
  push (f, strata_commands_remove_insert (f->project, strip, compressor));
  g_assert_cmpint (gtk_widget_get_height (header), ==, height);
  g_assert_null (label_reading (header, "Compressor 1: Threshold"));
  assert_headers_match (f);
}

static void
test_header_mute (Fixture *f, gconstpointer data)
{
  StrataTrack *track = track_at (f, 0);
  g_autoptr(GPtrArray) found = headers (f);
  GtkWidget *mute = named (found->pdata[0], "mute");

  g_assert_false (strata_strip_get_mute (STRATA_STRIP (track)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (mute), TRUE);
  g_assert_true (strata_strip_get_mute (STRATA_STRIP (track)));
  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  g_assert_false (strata_strip_get_mute (STRATA_STRIP (track)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (mute)));
  g_assert_false (strata_undo_stack_undo (undo_stack (f)));
}

/* A short track keeps its name row; the controls row comes back with the room for it, and
 * the header never grows past its row. */
static void
test_header_compact (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) found = headers (f);
  GtkWidget *mute = named (found->pdata[0], "mute");
  GtkWidget *row = gtk_widget_get_parent (mute);
  int minimum, natural;

  g_assert_true (gtk_widget_get_visible (row));
  strata_session_set_track_height (f->session, STRATA_TRACK_HEIGHT_MIN);
  g_assert_false (gtk_widget_get_visible (row));
  gtk_widget_measure (found->pdata[0], GTK_ORIENTATION_VERTICAL, -1, &minimum, &natural,
                      NULL, NULL);
  g_assert_cmpint (natural, ==, STRATA_TRACK_HEIGHT_MIN);
  strata_session_set_track_height (f->session, STRATA_TRACK_HEIGHT_DEFAULT);
  g_assert_true (gtk_widget_get_visible (row));
}

static void
test_header_rename (Fixture *f, gconstpointer data)
{
  StrataTrack *track = track_at (f, 0);
  g_autofree char *old = g_strdup (strata_strip_get_name (STRATA_STRIP (track)));
  g_autoptr(GPtrArray) found = headers (f);
  GtkWidget *label = named (found->pdata[0], "name");

  gtk_editable_label_start_editing (GTK_EDITABLE_LABEL (label));
  gtk_editable_set_text (GTK_EDITABLE (label), "Lead Vocal");
  gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (label), TRUE);
  spin (50);
  g_assert_cmpstr (strata_strip_get_name (STRATA_STRIP (track)), ==, "Lead Vocal");

  /* An undo shows the old name again. */
  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  g_assert_cmpstr (strata_strip_get_name (STRATA_STRIP (track)), ==, old);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (label)), ==, old);
}

/* Labelled bars are every 2^k-th bar, with k the smallest that keeps them 60 px apart; the
 * demo is 4/4 at 112 bpm and 48 kHz, so a bar is 4 * 60 / 112 * 48000 frames. */
static void
test_ruler_labels (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) rulers = g_ptr_array_new ();
  StrataTempoMap *map = strata_session_get_tempo_map (f->session);
  const double bar_frames = 4 * 60.0 / 112.0 * 48000.0;
  const double zooms[] = { 256.0, 8192.0 };

  collect (f->view, STRATA_TYPE_RULER, rulers);
  g_assert_cmpuint (rulers->len, ==, 1);
  g_assert_cmpuint (strata_project_get_sample_rate (f->project), ==, 48000);
  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      g_autoptr(GArray) labels = NULL;
      double bar_px = bar_frames / zooms[z];
      int step = 1;
      int width;

      strata_session_set_zoom (f->session, zooms[z]);
      spin (20);
      width = gtk_widget_get_width (rulers->pdata[0]);
      g_assert_cmpint (width, >, 500);
      while (step * bar_px < STRATA_RULER_LABEL_SPACING)
        step *= 2;
      labels = strata_ruler_dup_bar_labels (rulers->pdata[0]);
      g_assert_cmpuint (labels->len, >=, 2);
      /* Every labelled bar in view, and none left out. */
      g_assert_cmpuint (labels->len, ==, (guint) (width / (step * bar_px)) + 1);
      for (guint i = 0; i < labels->len; i++)
        {
          StrataBbt bbt = { g_array_index (labels, gint32, i), 1, 0 };
          double x = strata_tempo_map_bbt_to_frame (map, &bbt) / zooms[z];

          g_assert_cmpint (bbt.bar, ==, 1 + (int) i * step);
          if (i > 0)
            {
              StrataBbt prev = { g_array_index (labels, gint32, i - 1), 1, 0 };
              double px = strata_tempo_map_bbt_to_frame (map, &prev) / zooms[z];

              g_assert_cmpfloat (x - px, >=, STRATA_RULER_LABEL_SPACING);
              /* Half the step would have been too dense. */
              if (step > 1)
                g_assert_cmpfloat ((x - px) / 2, <, STRATA_RULER_LABEL_SPACING);
            }
        }
    }
}

static guint
n_clips (StrataTrack *track)
{
  return g_list_model_get_n_items (strata_track_get_clips (track));
}

static void
wait_import (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (strata_arrange_view_is_importing (STRATA_ARRANGE_VIEW (f->view)))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
    }
  spin (20);
}

/* A WAV dropped on a track at a frame lands as one clip at the snapped frame, as long as the
 * file; one undo takes it away again (with its source). */
static void
test_import_wav (Fixture *f, gconstpointer data)
{
  const gint64 frames = 30000;
  g_autofree float *samples = g_new0 (float, frames * 2);
  g_autofree char *dir = g_dir_make_tmp ("strata-wav-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "tone.wav", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  StrataTrack *track = track_at (f, 0);
  StrataTempoMap *map = strata_session_get_tempo_map (f->session);
  guint clips = n_clips (track);
  guint sources = g_list_model_get_n_items (strata_project_get_sources (f->project));
  /* Past everything, off the grid: it snaps to the nearest beat. */
  gint64 frame = strata_session_get_end (f->session) + 12345;
  gint64 snapped = strata_tempo_map_snap (map, frame, STRATA_SNAP_BEAT);
  StrataClip *clip = NULL;

  for (gint64 i = 0; i < frames * 2; i++)
    samples[i] = 0.25f * (float) ((i / 2) % 100) / 100.0f;
  write_float_wav (path, 48000, 2, samples, frames);

  g_assert_cmpint (snapped, !=, frame);
  strata_arrange_view_import (STRATA_ARRANGE_VIEW (f->view), &file, 1, track, frame);
  wait_import (f);
  g_assert_cmpuint (f->toasts->len, ==, 0);
  g_assert_cmpuint (n_clips (track), ==, clips + 1);
  for (guint i = 0; i < n_clips (track); i++)
    {
      g_autoptr(StrataClip) c = g_list_model_get_item (strata_track_get_clips (track), i);
      if (strata_clip_get_start (c) == snapped)
        clip = c;
    }
  g_assert_nonnull (clip);
  g_assert_cmpint (strata_clip_get_length (clip), ==, frames);
  g_assert_cmpuint (g_list_model_get_n_items (strata_project_get_sources (f->project)), ==,
                    sources + 1);

  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  g_assert_cmpuint (n_clips (track), ==, clips);
  g_assert_cmpuint (g_list_model_get_n_items (strata_project_get_sources (f->project)), ==,
                    sources);

  g_unlink (path);
  g_rmdir (dir);
}

/* A file that is not audio: a message naming it, and nothing added. */
static void
test_import_corrupt (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-bad-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "broken.wav", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  guint n = g_list_model_get_n_items (tracks (f));
  guint sources = g_list_model_get_n_items (strata_project_get_sources (f->project));

  g_assert_true (g_file_set_contents (path, "RIFF\x10\0\0\0WAVEnot really audio", 27, NULL));
  strata_arrange_view_import (STRATA_ARRANGE_VIEW (f->view), &file, 1, NULL, 0);
  wait_import (f);
  g_assert_cmpuint (f->toasts->len, ==, 1);
  g_assert_nonnull (strstr (f->toasts->pdata[0], "broken.wav"));
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, n);
  g_assert_cmpuint (g_list_model_get_n_items (strata_project_get_sources (f->project)), ==,
                    sources);
  g_assert_false (strata_undo_stack_undo (undo_stack (f)));

  g_unlink (path);
  g_rmdir (dir);
}

/* ---- the ruler, driven through its gesture code ------------------------------------------ */

/* The demo's tempo (project-format.md's definition, computed by the tests' own oracle): one
 * segment, 112 bpm in 4/4 from bar 1 at 48 kHz. The ruler is looked at 512 frames a pixel,
 * unscrolled, so that x = frame / RULER_ZOOM (and a press at x is frame llround (x * zoom)). */
#define RATE        48000
#define RULER_ZOOM  512.0
#define LOOP_Y      (STRATA_RULER_BAND_HEIGHT / 2.0)
#define PUNCH_Y     (STRATA_RULER_BAND_HEIGHT * 1.5)
#define MARKER_Y    (STRATA_RULER_BAND_HEIGHT * 2 + 10.0)

static const RefSegment demo_tempo[] = { { 1, 112, 4 } };

/* The frame of the b-th beat after 1.1.0. */
static gint64
beat_frame (gint64 b)
{
  return ref_frame (RATE, demo_tempo, 1, 1 + (gint32) (b / 4), 1 + (gint32) (b % 4), 0);
}

/* The frame snapped to the nearest beat (snap is on beats in these tests). */
static gint64
snap_beat (gint64 frame)
{
  gint64 b = frame * 112 / (60 * RATE);
  gint64 lower = beat_frame (b), upper = beat_frame (b + 1);

  /* No test presses exactly between two beats, where the rounding of the tie would count. */
  g_assert_cmpint (upper - frame, !=, frame - lower);
  return upper - frame < frame - lower ? upper : lower;
}

/* The frame a press at ruler x lands on, before snapping. */
static gint64
frame_at_x (double x)
{
  return (gint64) llround (x * RULER_ZOOM);
}

static StrataRuler *
ruler_setup (Fixture *f)
{
  g_autoptr(GPtrArray) rulers = g_ptr_array_new ();
  GtkAdjustment *hadj = gtk_scrolled_window_get_hadjustment (
    GTK_SCROLLED_WINDOW (gtk_widget_get_parent (
      GTK_WIDGET (strata_arrange_view_get_canvas (STRATA_ARRANGE_VIEW (f->view))))));
  StrataBbt bar5 = { 5, 1, 0 };

  collect (f->view, STRATA_TYPE_RULER, rulers);
  g_assert_cmpuint (rulers->len, ==, 1);
  /* The premises of the formulas: the demo's rate and tempo, beat snap, no scroll. */
  g_assert_cmpuint (strata_project_get_sample_rate (f->project), ==, RATE);
  g_assert_cmpint (strata_tempo_map_bbt_to_frame (strata_session_get_tempo_map (f->session),
                                                  &bar5), ==, beat_frame (16));
  strata_session_set_snap (f->session, STRATA_SNAP_BEAT);
  strata_session_set_zoom (f->session, RULER_ZOOM);
  spin (20);
  g_assert_cmpfloat (gtk_adjustment_get_value (hadj), ==, 0.0);
  g_assert_cmpint (gtk_widget_get_width (rulers->pdata[0]), >, beat_frame (16) / RULER_ZOOM + 50);
  return rulers->pdata[0];
}

static GListModel *
markers (Fixture *f)
{
  return strata_timeline_get_markers (strata_project_get_timeline (f->project));
}

/* The marker called `name` (NULL if none); the list keeps it. */
static StrataMarker *
marker_named (Fixture *f, const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (markers (f)); i++)
    {
      g_autoptr(StrataMarker) marker = g_list_model_get_item (markers (f), i);

      if (g_strcmp0 (strata_marker_get_name (marker), name) == 0)
        return marker;
    }
  return NULL;
}

static gint64
loop_end (Fixture *f, gint64 *start, gboolean *enabled)
{
  gint64 end;

  strata_timeline_get_loop (strata_project_get_timeline (f->project), start, &end, enabled);
  return end;
}

static gint64
punch_start (Fixture *f, gint64 *end, gboolean *enabled)
{
  gint64 start;

  strata_timeline_get_punch (strata_project_get_timeline (f->project), &start, end, enabled);
  return start;
}

static guint
depth (Fixture *f)
{
  return strata_undo_stack_get_depth (undo_stack (f));
}

static gboolean
ruler_menu_shown (StrataRuler *ruler)
{
  g_autoptr(GPtrArray) menus = g_ptr_array_new ();

  collect (GTK_WIDGET (ruler), GTK_TYPE_POPOVER_MENU, menus);
  return gtk_widget_get_visible (menus->pdata[0]);
}

/* The item of the ruler's context menu labelled `label` (with its mnemonic), or NULL when the
 * menu leaves it out. */
static GtkWidget *
menu_item (StrataRuler *ruler, const char *label)
{
  g_autoptr(GPtrArray) menus = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect (GTK_WIDGET (ruler), GTK_TYPE_POPOVER_MENU, menus);
  g_assert_cmpuint (menus->len, ==, 1);
  collect (menus->pdata[0], GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_label (labels->pdata[i]), label) == 0
        && gtk_widget_get_visible (labels->pdata[i]))
      return gtk_widget_get_parent (labels->pdata[i]);
  return NULL;
}

/* Clicks the item of the open context menu labelled `label`, as a person does. */
static void
click_menu_item (StrataRuler *ruler, const char *label)
{
  GtkWidget *item = menu_item (ruler, label);

  g_assert_nonnull (item);
  g_assert_true (gtk_widget_is_sensitive (item));
  g_assert_true (gtk_widget_activate (item));
  spin (20);
}

/* A double-click on empty ruler adds a marker at the snapped frame (its first press locates
 * there too); one undo takes it away. */
static void
test_ruler_add_marker (Fixture *f, gconstpointer data)
{
  StrataRuler *ruler = ruler_setup (f);
  const double x = 330;
  gint64 expected = snap_beat (frame_at_x (x));
  guint steps = depth (f);
  StrataMarker *added;

  g_assert_cmpuint (g_list_model_get_n_items (markers (f)), ==, 2);
  g_assert_cmpint (expected, !=, frame_at_x (x));
  strata_ruler_click (ruler, GDK_BUTTON_PRIMARY, 2, x, MARKER_Y);
  g_assert_cmpuint (g_list_model_get_n_items (markers (f)), ==, 3);
  added = marker_named (f, "Marker 3");
  g_assert_nonnull (added);
  g_assert_cmpint (strata_marker_get_frame (added), ==, expected);
  g_assert_cmpint (strata_session_get_position (f->session), ==, expected);
  g_assert_cmpuint (depth (f), ==, steps + 1);

  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  g_assert_cmpuint (g_list_model_get_n_items (markers (f)), ==, 2);
  g_assert_null (marker_named (f, "Marker 3"));
}

/* The entry of the rename popover, and whether the popover shows. */
static GtkWidget *
rename_entry (StrataRuler *ruler, gboolean *shown)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  GtkWidget *popover;

  collect (GTK_WIDGET (ruler), GTK_TYPE_ENTRY, entries);
  g_assert_cmpuint (entries->len, ==, 1);
  popover = gtk_widget_get_ancestor (entries->pdata[0], GTK_TYPE_POPOVER);
  *shown = gtk_widget_get_visible (popover);
  return entries->pdata[0];
}

/* A double-click on a marker opens the rename popover on its name, and so does Rename in its
 * context menu; Enter renames it in one undo step. Neither moves the playhead. */
static void
test_ruler_rename_marker (Fixture *f, gconstpointer data)
{
  StrataRuler *ruler = ruler_setup (f);
  StrataMarker *groove = marker_named (f, "Groove");
  double x = beat_frame (16) / RULER_ZOOM + 1;
  guint steps = depth (f);
  GtkWidget *entry;
  gboolean shown;

  g_assert_nonnull (groove);
  g_assert_cmpint (strata_marker_get_frame (groove), ==, beat_frame (16));
  strata_session_locate (f->session, 1000);
  entry = rename_entry (ruler, &shown);
  g_assert_false (shown);

  strata_ruler_click (ruler, GDK_BUTTON_PRIMARY, 2, x, MARKER_Y);
  spin (20);
  entry = rename_entry (ruler, &shown);
  g_assert_true (shown);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Groove");
  gtk_editable_set_text (GTK_EDITABLE (entry), "Chorus");
  g_signal_emit_by_name (entry, "activate");
  spin (20);
  rename_entry (ruler, &shown);
  g_assert_false (shown);
  g_assert_cmpstr (strata_marker_get_name (groove), ==, "Chorus");
  g_assert_cmpint (strata_marker_get_frame (groove), ==, beat_frame (16));
  g_assert_cmpuint (depth (f), ==, steps + 1);
  g_assert_cmpint (strata_session_get_position (f->session), ==, 1000);
  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  g_assert_cmpstr (strata_marker_get_name (groove), ==, "Groove");

  /* From the context menu. */
  strata_ruler_click (ruler, GDK_BUTTON_SECONDARY, 1, x, MARKER_Y);
  click_menu_item (ruler, "_Rename Marker…");
  entry = rename_entry (ruler, &shown);
  g_assert_true (shown);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Groove");
  gtk_editable_set_text (GTK_EDITABLE (entry), "Bridge");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (strata_marker_get_name (groove), ==, "Bridge");
  g_assert_cmpuint (depth (f), ==, steps + 1);
  g_assert_cmpint (strata_session_get_position (f->session), ==, 1000);
}

/* Dragging a marker moves it to the snapped frame under the pointer, as one undo step, and
 * leaves the playhead alone. */
static void
test_ruler_drag_marker (Fixture *f, gconstpointer data)
{
  StrataRuler *ruler = ruler_setup (f);
  double x = beat_frame (16) / RULER_ZOOM + 1;
  const double dx = -130;
  gint64 expected = snap_beat (frame_at_x (x + dx));
  guint steps = depth (f);

  g_assert_cmpint (expected, !=, frame_at_x (x + dx));
  strata_session_locate (f->session, 1000);
  strata_ruler_drag (ruler, x, MARKER_Y, dx);
  g_assert_cmpuint (g_list_model_get_n_items (markers (f)), ==, 2);
  g_assert_cmpint (strata_marker_get_frame (marker_named (f, "Groove")), ==, expected);
  g_assert_cmpint (strata_marker_get_frame (marker_named (f, "Intro")), ==, 0);
  g_assert_cmpuint (depth (f), ==, steps + 1);
  g_assert_cmpint (strata_session_get_position (f->session), ==, 1000);

  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  g_assert_cmpuint (g_list_model_get_n_items (markers (f)), ==, 2);
  g_assert_cmpint (strata_marker_get_frame (marker_named (f, "Groove")), ==, beat_frame (16));
  g_assert_cmpuint (depth (f), ==, steps);
}

/* The loop's end edge dragged left lands on the snapped frame, its start and switch as they
 * were; one undo puts it back. The playhead stays. */
static void
test_ruler_loop_edge (Fixture *f, gconstpointer data)
{
  StrataRuler *ruler = ruler_setup (f);
  double x = beat_frame (16) / RULER_ZOOM;
  const double dx = -150;
  gint64 expected = snap_beat (frame_at_x (x + dx));
  guint steps = depth (f);
  gint64 start;
  gboolean enabled;

  g_assert_cmpint (loop_end (f, &start, &enabled), ==, beat_frame (16));
  g_assert_cmpint (start, ==, 0);
  g_assert_false (enabled);
  strata_session_locate (f->session, 1000);
  strata_ruler_drag (ruler, x + 2, LOOP_Y, dx);
  g_assert_cmpint (loop_end (f, &start, &enabled), ==, expected);
  g_assert_cmpint (start, ==, 0);
  g_assert_false (enabled);
  g_assert_cmpuint (depth (f), ==, steps + 1);
  g_assert_cmpint (strata_session_get_position (f->session), ==, 1000);

  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  g_assert_cmpint (loop_end (f, &start, &enabled), ==, beat_frame (16));
  g_assert_cmpuint (depth (f), ==, steps);
}

/* A drag in the punch band draws a punch range (on), without moving the playhead; its start
 * edge dragged right lands on the snapped frame; each is one undo step. */
static void
test_ruler_punch_edge (Fixture *f, gconstpointer data)
{
  StrataRuler *ruler = ruler_setup (f);
  const double x0 = 201, width = 400, dx = 60;
  gint64 start0 = snap_beat (frame_at_x (x0)), end0 = snap_beat (frame_at_x (x0 + width));
  gint64 expected;
  guint steps = depth (f);
  gint64 end;
  gboolean enabled;

  g_assert_cmpint (punch_start (f, &end, &enabled), >=, end);
  strata_session_locate (f->session, 1000);
  strata_ruler_drag (ruler, x0, PUNCH_Y, width);
  g_assert_cmpint (punch_start (f, &end, &enabled), ==, start0);
  g_assert_cmpint (end, ==, end0);
  g_assert_true (enabled);
  g_assert_cmpuint (depth (f), ==, steps + 1);
  g_assert_cmpint (strata_session_get_position (f->session), ==, 1000);

  expected = snap_beat (frame_at_x (start0 / RULER_ZOOM + dx));
  g_assert_cmpint (expected, !=, frame_at_x (start0 / RULER_ZOOM + dx));
  strata_ruler_drag (ruler, start0 / RULER_ZOOM - 1, PUNCH_Y, dx);
  g_assert_cmpint (punch_start (f, &end, &enabled), ==, expected);
  g_assert_cmpint (end, ==, end0);
  g_assert_true (enabled);
  g_assert_cmpuint (depth (f), ==, steps + 2);
  g_assert_cmpint (strata_session_get_position (f->session), ==, 1000);

  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  g_assert_cmpint (punch_start (f, &end, &enabled), ==, start0);
  g_assert_cmpint (end, ==, end0);
  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  g_assert_cmpint (punch_start (f, &end, &enabled), >=, end);
}

/* A plain click locates at the snapped frame, on the numbers and in a band alike, and edits
 * nothing. */
static void
test_ruler_click_locates (Fixture *f, gconstpointer data)
{
  StrataRuler *ruler = ruler_setup (f);
  guint steps = depth (f);
  gint64 start;
  gboolean enabled;

  strata_ruler_drag (ruler, 450, MARKER_Y, 0);
  g_assert_cmpint (strata_session_get_position (f->session), ==, snap_beat (frame_at_x (450)));
  strata_ruler_drag (ruler, 610, LOOP_Y, 0);
  g_assert_cmpint (strata_session_get_position (f->session), ==, snap_beat (frame_at_x (610)));
  strata_ruler_drag (ruler, 130, PUNCH_Y, 0);
  g_assert_cmpint (strata_session_get_position (f->session), ==, snap_beat (frame_at_x (130)));
  g_assert_cmpuint (depth (f), ==, steps);
  g_assert_cmpint (loop_end (f, &start, &enabled), ==, beat_frame (16));
  g_assert_cmpuint (g_list_model_get_n_items (markers (f)), ==, 2);
}

/* The context menu's Loop and Punch toggles turn the ranges on and off (their extent kept),
 * each one undo step; Punch has nothing to turn on before a punch range is drawn. */
static void
test_ruler_menu_toggles (Fixture *f, gconstpointer data)
{
  StrataRuler *ruler = ruler_setup (f);
  guint steps = depth (f);
  gint64 start, end;
  gboolean enabled, checked;

  /* Opened anywhere, on a marker or not. */
  strata_ruler_click (ruler, GDK_BUTTON_SECONDARY, 1, 450, MARKER_Y);
  spin (20);
  g_assert_true (ruler_menu_shown (ruler));
  g_object_get (menu_item (ruler, "_Loop"), "active", &checked, NULL);
  g_assert_false (checked);
  click_menu_item (ruler, "_Loop");
  g_assert_false (ruler_menu_shown (ruler));
  g_assert_cmpint (loop_end (f, &start, &enabled), ==, beat_frame (16));
  g_assert_cmpint (start, ==, 0);
  g_assert_true (enabled);
  g_assert_cmpuint (depth (f), ==, steps + 1);

  strata_ruler_click (ruler, GDK_BUTTON_SECONDARY, 1, 1, MARKER_Y);
  g_object_get (menu_item (ruler, "_Loop"), "active", &checked, NULL);
  g_assert_true (checked);
  click_menu_item (ruler, "_Loop");
  g_assert_cmpint (loop_end (f, &start, &enabled), ==, beat_frame (16));
  g_assert_false (enabled);
  g_assert_cmpuint (depth (f), ==, steps + 2);
  /* The check mark follows an undo too. */
  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  loop_end (f, &start, &enabled);
  g_assert_true (enabled);
  spin (20);
  g_object_get (menu_item (ruler, "_Loop"), "active", &checked, NULL);
  g_assert_true (checked);
  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  g_assert_cmpuint (depth (f), ==, steps);

  /* No punch range yet: nothing to turn on. */
  strata_ruler_click (ruler, GDK_BUTTON_SECONDARY, 1, 450, MARKER_Y);
  g_assert_nonnull (menu_item (ruler, "_Punch"));
  g_assert_false (gtk_widget_is_sensitive (menu_item (ruler, "_Punch")));
  g_assert_cmpint (punch_start (f, &end, &enabled), >=, end);

  push (f, strata_commands_set_punch (f->project, beat_frame (4), beat_frame (12), TRUE, NULL));
  steps = depth (f);
  strata_ruler_click (ruler, GDK_BUTTON_SECONDARY, 1, 450, MARKER_Y);
  g_object_get (menu_item (ruler, "_Punch"), "active", &checked, NULL);
  g_assert_true (checked);
  click_menu_item (ruler, "_Punch");
  g_assert_cmpint (punch_start (f, &end, &enabled), ==, beat_frame (4));
  g_assert_cmpint (end, ==, beat_frame (12));
  g_assert_false (enabled);
  g_assert_cmpuint (depth (f), ==, steps + 1);
  /* Off, the range is still there to turn on again. */
  strata_ruler_click (ruler, GDK_BUTTON_SECONDARY, 1, 450, MARKER_Y);
  g_assert_true (gtk_widget_is_sensitive (menu_item (ruler, "_Punch")));
  g_object_get (menu_item (ruler, "_Punch"), "active", &checked, NULL);
  g_assert_false (checked);
  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  punch_start (f, &end, &enabled);
  g_assert_true (enabled);
}

/* Remove Marker in the context menu of a marker removes it, with a toast that offers Undo;
 * the undo brings it back where it was. Over empty ruler the menu removes nothing. */
static void
test_ruler_remove_marker (Fixture *f, gconstpointer data)
{
  StrataRuler *ruler = ruler_setup (f);
  guint steps = depth (f);

  /* A menu opened on a marker, then one opened on empty ruler: the second has no marker
   * items (and its action removes nothing). */
  strata_ruler_click (ruler, GDK_BUTTON_SECONDARY, 1, 1, MARKER_Y);
  g_assert_nonnull (menu_item (ruler, "Re_move Marker"));
  strata_ruler_click (ruler, GDK_BUTTON_SECONDARY, 1, 450, MARKER_Y);
  spin (20);
  g_assert_true (ruler_menu_shown (ruler));
  g_assert_null (menu_item (ruler, "Re_move Marker"));
  g_assert_null (menu_item (ruler, "_Rename Marker…"));
  g_assert_nonnull (menu_item (ruler, "_Loop"));
  gtk_widget_activate_action (GTK_WIDGET (ruler), "ruler.remove-marker", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (markers (f)), ==, 2);
  g_assert_cmpuint (depth (f), ==, steps);
  g_assert_cmpuint (f->toasts->len, ==, 0);

  strata_session_locate (f->session, 1000);
  strata_ruler_click (ruler, GDK_BUTTON_SECONDARY, 1, beat_frame (16) / RULER_ZOOM + 2,
                      MARKER_Y);
  click_menu_item (ruler, "Re_move Marker");
  g_assert_cmpuint (g_list_model_get_n_items (markers (f)), ==, 1);
  g_assert_null (marker_named (f, "Groove"));
  g_assert_nonnull (marker_named (f, "Intro"));
  g_assert_cmpuint (depth (f), ==, steps + 1);
  g_assert_cmpuint (f->toasts->len, ==, 1);
  g_assert_cmpstr (f->toasts->pdata[0], ==, "Marker deleted");
  g_assert_true (g_array_index (f->toast_undo, gboolean, 0));
  g_assert_cmpint (strata_session_get_position (f->session), ==, 1000);

  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  g_assert_cmpuint (g_list_model_get_n_items (markers (f)), ==, 2);
  g_assert_cmpint (strata_marker_get_frame (marker_named (f, "Groove")), ==, beat_frame (16));
}

/* ---- track management through the real actions ----------------------------------------- */

static GListModel *
buses (Fixture *f)
{
  return strata_project_get_buses (f->project);
}

/* Add Track's menu items (arrange.add-track::mono, ::stereo, ::bus): a mono and a stereo
 * track come in at the end, each with its header and canvas row; a bus goes to the buses
 * (the mixer), not to the arranger's rows. One undo step each. */
static void
test_add_tracks (Fixture *f, gconstpointer data)
{
  const char *kinds[] = { "mono", "stereo" };
  const guint channels[] = { 1, 2 };
  const guint inputs[] = { 0, 2 };   /* Input 1, Inputs 1+2: what each records by default */
  guint n = g_list_model_get_n_items (tracks (f));
  guint n_buses = g_list_model_get_n_items (buses (f));
  guint steps = depth (f);
  g_autoptr(GPtrArray) found = NULL;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      StrataTrack *track;

      g_assert_true (gtk_widget_activate_action (f->view, "arrange.add-track", "s", kinds[k]));
      spin (50);
      g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, n + k + 1);
      g_assert_cmpuint (depth (f), ==, steps + k + 1);
      track = track_at (f, n + k);
      g_assert_cmpuint (strata_track_get_channels (track), ==, channels[k]);
      assert_headers_match (f);
      g_clear_pointer (&found, g_ptr_array_unref);
      found = headers (f);
      g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (named (found->pdata[n + k],
                                                                          "input"))),
                        ==, inputs[k]);
    }

  g_assert_true (gtk_widget_activate_action (f->view, "arrange.add-track", "s", "bus"));
  spin (50);
  g_assert_cmpuint (g_list_model_get_n_items (buses (f)), ==, n_buses + 1);
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, n + 2);
  g_assert_cmpuint (depth (f), ==, steps + 3);
  assert_headers_match (f);

  for (guint i = 0; i < 3; i++)
    g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  spin (50);
  g_assert_cmpuint (g_list_model_get_n_items (buses (f)), ==, n_buses);
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, n);
  assert_headers_match (f);
}

/* The track's clips, in order (a new array of borrowed pointers). */
static GPtrArray *
clips_of (StrataTrack *track)
{
  GListModel *list = strata_track_get_clips (track);
  GPtrArray *clips = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(StrataClip) clip = g_list_model_get_item (list, i);

      g_ptr_array_add (clips, clip);
    }
  return clips;
}

/* Delete in a header's menu removes its track and its header, with a toast "Track deleted"
 * that offers Undo; the undo brings the same track back at the same index with its clips. */
static void
test_header_delete (Fixture *f, gconstpointer data)
{
  guint n = g_list_model_get_n_items (tracks (f));
  g_autoptr(StrataTrack) track = g_object_ref (track_at (f, 1));
  g_autoptr(GPtrArray) clips = clips_of (track);
  g_autoptr(GPtrArray) found = headers (f);
  g_autoptr(GPtrArray) after = NULL;
  guint steps = depth (f), index;

  g_assert_cmpuint (clips->len, >, 0);
  g_assert_true (gtk_widget_activate_action (found->pdata[1], "header.delete", NULL));
  spin (50);
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, n - 1);
  g_assert_false (g_list_store_find (G_LIST_STORE (tracks (f)), track, NULL));
  assert_headers_match (f);
  g_assert_cmpuint (depth (f), ==, steps + 1);
  g_assert_cmpuint (f->toasts->len, ==, 1);
  g_assert_cmpstr (f->toasts->pdata[0], ==, "Track deleted");
  g_assert_true (g_array_index (f->toast_undo, gboolean, 0));

  /* The toast's Undo is the window's undo: one step. */
  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  spin (50);
  g_assert_true (g_list_store_find (G_LIST_STORE (tracks (f)), track, &index));
  g_assert_cmpuint (index, ==, 1);
  after = clips_of (track);
  g_assert_cmpuint (after->len, ==, clips->len);
  for (guint i = 0; i < clips->len; i++)
    g_assert_true (after->pdata[i] == clips->pdata[i]);
  assert_headers_match (f);
}

/* Duplicate in a header's menu puts a copy right below: the same clips (start, length,
 * source, source start) and the same settings; one undo takes it away. */
static void
test_header_duplicate (Fixture *f, gconstpointer data)
{
  guint n = g_list_model_get_n_items (tracks (f));
  StrataTrack *track = track_at (f, 1);
  StrataStrip *strip = STRATA_STRIP (track);
  g_autoptr(GPtrArray) clips = clips_of (track);
  g_autoptr(GPtrArray) found = headers (f);
  g_autoptr(GPtrArray) copies = NULL;
  g_autofree char *name = g_strdup_printf ("%s copy", strata_strip_get_name (strip));
  StrataTrack *copy;
  guint steps;

  /* Settings away from the defaults, so that the copy has something to keep. */
  push (f, strata_commands_set_volume (f->project, strip, -7.5, 0, NULL));
  push (f, strata_commands_set_pan (f->project, strip, 0.25, 0, NULL));
  push (f, strata_property_command_new_value (track, "mute", TRUE, NULL));
  push (f, strata_property_command_new_value (track, "color", "#26a269", NULL));
  steps = depth (f);
  g_assert_cmpuint (clips->len, >, 0);

  g_assert_true (gtk_widget_activate_action (found->pdata[1], "header.duplicate", NULL));
  spin (50);
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, n + 1);
  g_assert_cmpuint (depth (f), ==, steps + 1);
  g_assert_true (track_at (f, 1) == track);
  copy = track_at (f, 2);
  g_assert_true (copy != track);
  g_assert_cmpstr (strata_strip_get_name (STRATA_STRIP (copy)), ==, name);
  g_assert_cmpuint (strata_track_get_channels (copy), ==, strata_track_get_channels (track));
  g_assert_cmpfloat (strata_strip_get_volume_db (STRATA_STRIP (copy)), ==, -7.5);
  g_assert_cmpfloat (strata_strip_get_pan (STRATA_STRIP (copy)), ==, 0.25);
  g_assert_true (strata_strip_get_mute (STRATA_STRIP (copy)));
  g_assert_cmpstr (strata_strip_get_color (STRATA_STRIP (copy)), ==, "#26a269");
  copies = clips_of (copy);
  g_assert_cmpuint (copies->len, ==, clips->len);
  for (guint i = 0; i < clips->len; i++)
    {
      StrataClip *a = clips->pdata[i], *b = copies->pdata[i];

      g_assert_true (a != b);
      g_assert_true (strata_clip_get_source (a) == strata_clip_get_source (b));
      g_assert_cmpint (strata_clip_get_start (b), ==, strata_clip_get_start (a));
      g_assert_cmpint (strata_clip_get_length (b), ==, strata_clip_get_length (a));
      g_assert_cmpint (strata_clip_get_source_start (b), ==, strata_clip_get_source_start (a));
    }
  assert_headers_match (f);

  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  spin (50);
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, n);
  g_assert_true (track_at (f, 2) != copy);
  assert_headers_match (f);
}

static GtkEventController *
controller_of (GtkWidget *widget, GType type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;   /* the widget keeps it */
    }
  return NULL;
}

/* Drags the header of track `from` and drops it at `y` in the header column, through the
 * header's drag source and the column's drop target: what GTK runs for a real drag. */
static gboolean
drag_header (Fixture *f, guint from, double y)
{
  g_autoptr(GPtrArray) found = headers (f);
  GtkWidget *header = found->pdata[from];
  GtkEventController *source = controller_of (header, GTK_TYPE_DRAG_SOURCE);
  GtkEventController *target = controller_of (gtk_widget_get_parent (header),
                                              GTK_TYPE_DROP_TARGET);
  g_autoptr(GdkContentProvider) content = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  gboolean dropped = FALSE;

  g_assert_nonnull (source);
  g_assert_nonnull (target);
  g_signal_emit_by_name (source, "prepare", 10.0, 10.0, &content);
  g_assert_nonnull (content);
  g_value_init (&value, STRATA_TYPE_TRACK);
  g_assert_true (gdk_content_provider_get_value (content, &value, &error));
  g_assert_no_error (error);
  g_assert_true (g_value_get_object (&value) == track_at (f, from));
  g_signal_emit_by_name (target, "drop", &value, 10.0, y, &dropped);
  spin (50);
  return dropped;
}

/* The top of row `i` in the header column, and its height: the rows stack from 0. */
static double
row_top (Fixture *f, guint i, double *height)
{
  double top = 0;

  for (guint r = 0; r < i; r++)
    top += strata_session_get_row_height (f->session, track_at (f, r));
  *height = strata_session_get_row_height (f->session, track_at (f, i));
  return top;
}

/* A header dropped lands before the row whose upper half is under the pointer: the first
 * track dropped on the lower half of the third row goes third; the fourth dropped on the
 * upper half of the first row goes first. One undo step each; a drop where it already is
 * changes nothing. */
static void
test_header_reorder (Fixture *f, gconstpointer data)
{
  guint n = g_list_model_get_n_items (tracks (f));
  g_autoptr(GPtrArray) before = g_ptr_array_new ();
  guint steps = depth (f);
  double top, height;

  g_assert_cmpuint (n, >=, 4);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (before, track_at (f, i));

  top = row_top (f, 2, &height);
  g_assert_true (drag_header (f, 0, top + 0.75 * height));
  g_assert_true (track_at (f, 0) == before->pdata[1]);
  g_assert_true (track_at (f, 1) == before->pdata[2]);
  g_assert_true (track_at (f, 2) == before->pdata[0]);
  g_assert_true (track_at (f, 3) == before->pdata[3]);
  g_assert_cmpuint (depth (f), ==, steps + 1);
  assert_headers_match (f);
  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  spin (50);
  for (guint i = 0; i < n; i++)
    g_assert_true (track_at (f, i) == before->pdata[i]);

  top = row_top (f, 0, &height);
  g_assert_true (drag_header (f, 3, top + 0.25 * height));
  g_assert_true (track_at (f, 0) == before->pdata[3]);
  g_assert_true (track_at (f, 1) == before->pdata[0]);
  g_assert_true (track_at (f, 3) == before->pdata[2]);
  g_assert_cmpuint (depth (f), ==, steps + 1);
  assert_headers_match (f);
  g_assert_true (strata_undo_stack_undo (undo_stack (f)));
  spin (50);

  /* Onto itself (the lower half of its own row is before the next one): nothing. */
  top = row_top (f, 1, &height);
  g_assert_true (drag_header (f, 1, top + 0.75 * height));
  for (guint i = 0; i < n; i++)
    g_assert_true (track_at (f, i) == before->pdata[i]);
  g_assert_cmpuint (depth (f), ==, steps);
  assert_headers_match (f);
}

int
main (int argc, char *argv[])
{
  ui_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/ui-arrange/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("headers-follow-tracks", test_headers_follow_tracks);
  ADD ("header-heights", test_header_heights);
  ADD ("header-add-lane", test_header_add_lane);
  ADD ("header-mute", test_header_mute);
  ADD ("header-rename", test_header_rename);
  ADD ("header-compact", test_header_compact);
  ADD ("ruler-labels", test_ruler_labels);
  ADD ("ruler-add-marker", test_ruler_add_marker);
  ADD ("ruler-rename-marker", test_ruler_rename_marker);
  ADD ("ruler-drag-marker", test_ruler_drag_marker);
  ADD ("ruler-loop-edge", test_ruler_loop_edge);
  ADD ("ruler-punch-edge", test_ruler_punch_edge);
  ADD ("ruler-click-locates", test_ruler_click_locates);
  ADD ("ruler-menu-toggles", test_ruler_menu_toggles);
  ADD ("ruler-remove-marker", test_ruler_remove_marker);
  ADD ("add-tracks", test_add_tracks);
  ADD ("header-delete", test_header_delete);
  ADD ("header-duplicate", test_header_duplicate);
  ADD ("header-reorder", test_header_reorder);
  ADD ("import-wav", test_import_wav);
  ADD ("import-corrupt", test_import_corrupt);
#undef ADD
  return g_test_run ();
}
