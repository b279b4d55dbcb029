/* test-ui-arrange.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Arrange page on the demo project: one header per track that follows the track list
 * and lines up with the canvas rows, header controls that edit through undoable commands,
 * ruler labels that thin out when zoomed out, audio import onto a track (and a corrupt file
 * refused with a message), and no leaked widgets.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "strata-arrange-view.h"
#include "strata-commands.h"
#include "strata-json.h"
#include "strata-ruler.h"
#include "strata-test-audio.h"
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
} Fixture;

static void
toast_cb (StrataSession *session, const char *message, gboolean offer_undo, Fixture *f)
{
  g_ptr_array_add (f->toasts, g_strdup (message));
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

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  strata_ui_init ();

#define ADD(path, func) \
  g_test_add ("/ui-arrange/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("headers-follow-tracks", test_headers_follow_tracks);
  ADD ("header-heights", test_header_heights);
  ADD ("header-add-lane", test_header_add_lane);
  ADD ("header-mute", test_header_mute);
  ADD ("header-rename", test_header_rename);
  ADD ("header-compact", test_header_compact);
  ADD ("ruler-labels", test_ruler_labels);
  ADD ("import-wav", test_import_wav);
  ADD ("import-corrupt", test_import_corrupt);
#undef ADD
  return g_test_run ();
}
