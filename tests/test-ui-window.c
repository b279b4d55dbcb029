/* test-ui-window.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window on the demo project: welcome page, title and its unsaved mark, the header
 * bar's position and snap, undo and redo through the window's actions, a bad file refused
 * with the old project kept, the autosave offered back after a crash, and no leaks.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "strata-commands.h"
#include "strata-json.h"
#include "strata-store.h"
#include "strata-test-ui.h"
#include "strata-ui.h"
#include "strata-window.h"

static gpointer
child (StrataWindow *window, const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (window), STRATA_TYPE_WINDOW, name);
}

static guint
n_tracks (StrataProject *project)
{
  return g_list_model_get_n_items (strata_timeline_get_tracks (
                                     strata_project_get_timeline (project)));
}

static void
test_welcome (void)
{
  StrataWindow *window = strata_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (window, "main_stack")), ==,
                   "welcome");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Strata");
  g_assert_null (strata_window_get_session (window));
  /* Nothing to save or play without a project. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "save"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "play"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "open-demo"));
  destroy_window (window);
}

static void
test_title_and_undo (void)
{
  StrataWindow *window = strata_window_new (NULL);
  g_autoptr(StrataProject) project = load_demo ();
  guint before = n_tracks (project);
  AdwViewStack *pages;

  gtk_window_present (GTK_WINDOW (window));
  strata_window_set_project (window, project);
  spin (50);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (window, "main_stack")), ==,
                   "project");
  pages = child (window, "view_stack");
  g_assert_nonnull (adw_view_stack_get_child_by_name (pages, "arrange"));
  g_assert_nonnull (adw_view_stack_get_child_by_name (pages, "mix"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Strata Demo — Strata");
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "undo"));

  strata_project_push (project, strata_commands_add_track (project, 1, "Vox", before, NULL));
  spin (50);
  g_assert_cmpuint (n_tracks (project), ==, before + 1);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "• Strata Demo — Strata");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "undo"));

  g_action_group_activate_action (G_ACTION_GROUP (window), "undo", NULL);
  spin (50);
  g_assert_cmpuint (n_tracks (project), ==, before);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Strata Demo — Strata");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "redo"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "redo", NULL);
  spin (50);
  g_assert_cmpuint (n_tracks (project), ==, before + 1);

  destroy_window (window);
}

static void
test_position_and_snap (void)
{
  StrataWindow *window = strata_window_new (NULL);
  g_autoptr(StrataProject) project = load_demo ();
  StrataSession *session;
  StrataTempoMap *map;
  StrataBbt bbt = { 3, 2, 0 };
  GtkLabel *label;
  gint64 frame;

  gtk_window_present (GTK_WINDOW (window));
  strata_window_set_project (window, project);
  session = strata_window_get_session (window);
  map = strata_session_get_tempo_map (session);
  label = child (window, "position_label");

  frame = strata_tempo_map_bbt_to_frame (map, &bbt);
  strata_session_locate (session, frame);
  spin (50);
  g_assert_cmpstr (gtk_label_get_label (label), ==, "3.2.000");

  /* Bar 3 beat 2 at 112 BPM in 4/4: 9 beats of 60/112 s. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "toggle-position-format", NULL);
  {
    gint64 ms = (gint64) (9 * 60.0 / 112.0 * 1000.0 + 0.5);
    g_autofree char *expected = g_strdup_printf ("00:%02d.%03d", (int) (ms / 1000),
                                                 (int) (ms % 1000));

    g_assert_cmpstr (gtk_label_get_label (label), ==, expected);
  }

  g_action_group_activate_action (G_ACTION_GROUP (window), "snap", g_variant_new_string ("bar"));
  g_assert_cmpint (strata_session_get_snap (session), ==, STRATA_SNAP_BAR);
  g_assert_cmpstr (gtk_menu_button_get_label (child (window, "snap_button")), ==, "Snap: Bar");

  /* Home returns to the start. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "return-to-start", NULL);
  g_assert_cmpint (strata_session_get_position (session), ==, 0);
  destroy_window (window);
}

static void
test_bad_file_keeps_project (void)
{
  StrataWindow *window = strata_window_new (NULL);
  g_autoptr(StrataProject) project = load_demo ();
  g_autofree char *dir = g_dir_make_tmp ("strata-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "Broken.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "{ \"format\": \"strata-project\", ", -1, NULL));
  gtk_window_present (GTK_WINDOW (window));
  strata_window_set_project (window, project);
  g_assert_false (strata_window_open_file (window, file, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "Broken.json"));
  g_assert_true (strata_session_get_project (strata_window_get_session (window)) == project);
  g_unlink (path);
  g_rmdir (dir);
  destroy_window (window);
}

static void
autosaved_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_store_autosave_finish (result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
has_dialog (StrataWindow *window)
{
  AdwMessageDialog *dialog = find_message (window);

  if (dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  return dialog != NULL;
}

static void
test_autosave_offered (void)
{
  g_autoptr(StrataProject) project = load_demo ();
  g_autofree char *dir = g_dir_make_tmp ("strata-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "Song.strata", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  StrataWindow *window;

  g_assert_true (strata_store_save (project, path, &error));
  g_assert_no_error (error);

  /* A clean project opens without a question. */
  window = strata_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (strata_window_open_file (window, file, NULL));
  spin (50);
  g_assert_false (has_dialog (window));
  destroy_window (window);

  /* Unsaved changes that reached the autosave, then no save (a crash): offered back. */
  strata_project_set_path (project, path);
  strata_project_push (project, strata_commands_add_track (project, 2, "Late idea", 0, NULL));
  strata_store_autosave_async (project, NULL, autosaved_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  window = strata_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (strata_window_open_file (window, file, NULL));
  spin (50);
  g_assert_true (has_dialog (window));
  destroy_window (window);
  spin (50);
  remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  strata_ui_init ();
  g_test_add_func ("/ui-window/welcome", test_welcome);
  g_test_add_func ("/ui-window/title-and-undo", test_title_and_undo);
  g_test_add_func ("/ui-window/position-and-snap", test_position_and_snap);
  g_test_add_func ("/ui-window/bad-file-keeps-project", test_bad_file_keeps_project);
  g_test_add_func ("/ui-window/autosave-offered", test_autosave_offered);
  return g_test_run ();
}
