/* test-ui-window.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window on the demo project: welcome page, title and its unsaved mark, the header
 * bar's position and snap, undo and redo through the window's actions, a bad file refused
 * with the old project kept, the autosave and the takes of a recording offered back after a
 * crash, and no leaks.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>

#include "strata-commands.h"
#include "strata-engine.h"
#include "strata-export-dialog.h"
#include "strata-json.h"
#include "strata-snapshots-dialog.h"
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

/* Runs the main loop until `path` exists (an autosave written off the main thread). */
static void
wait_for_file (const char *path)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!g_file_test (path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

static StrataWindow *
open_window (GFile *file)
{
  StrataWindow *window = strata_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (strata_window_open_file (window, file, NULL));
  spin (50);
  return window;
}

/* Closing asks about unsaved changes: Cancel keeps the window and the changes, Discard closes
 * it and drops the autosave this window wrote; a project undone back to what was saved closes
 * without a question and leaves no autosave to offer back. An autosave from an earlier run
 * that the user put off ("Not Now") is kept by a clean close. */
static void
test_close_and_autosave (void)
{
  g_autoptr(StrataProject) project = load_demo ();
  g_autofree char *dir = g_dir_make_tmp ("strata-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "Song.strata", NULL);
  g_autofree char *autosave = strata_store_autosave_path (path);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  StrataWindow *window;
  StrataProject *shown;
  AdwMessageDialog *dialog;
  guint before = n_tracks (project);

  g_assert_true (strata_store_save (project, path, &error));
  g_assert_no_error (error);

  /* Nothing to autosave while clean. */
  window = open_window (file);
  shown = strata_session_get_project (strata_window_get_session (window));
  g_assert_false (strata_window_autosave (window));

  /* Edit, autosave, undo back to clean, close: no question, no autosave left. */
  strata_project_push (shown, strata_commands_add_track (shown, 1, "Idea", 0, NULL));
  g_assert_true (strata_window_autosave (window));
  wait_for_file (autosave);
  g_action_group_activate_action (G_ACTION_GROUP (window), "undo", NULL);
  g_assert_false (strata_project_get_dirty (shown));
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  spin (50);
  g_assert_null (find_message (window));
  g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
  g_assert_finalize_object (window);

  /* Edit and close: asked. Cancel keeps everything; Discard closes and drops the autosave. */
  window = open_window (file);
  shown = strata_session_get_project (strata_window_get_session (window));
  strata_project_push (shown, strata_commands_add_track (shown, 1, "Idea", 0, NULL));
  g_assert_true (strata_window_autosave (window));
  wait_for_file (autosave);
  gtk_window_close (GTK_WINDOW (window));
  spin (50);
  dialog = find_message (window);
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, "save"));
  g_assert_true (adw_message_dialog_has_response (dialog, "discard"));
  adw_message_dialog_response (dialog, "cancel");
  spin (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpuint (n_tracks (shown), ==, before + 1);
  g_assert_true (g_file_test (autosave, G_FILE_TEST_EXISTS));

  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  spin (50);
  dialog = find_message (window);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "discard");
  spin (50);
  g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
  g_assert_finalize_object (window);

  /* An autosave from a run that stopped without saving, put off with Not Now, outlives a
   * clean close: it is offered again next time. */
  strata_project_set_path (project, path);
  strata_project_push (project, strata_commands_add_track (project, 2, "Late idea", 0, NULL));
  {
    gboolean done = FALSE;

    strata_store_autosave_async (project, NULL, autosaved_cb, &done);
    while (!done)
      g_main_context_iteration (NULL, TRUE);
  }
  window = open_window (file);
  g_assert_true (has_dialog (window));
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  spin (50);
  g_assert_null (find_message (window));
  g_assert_finalize_object (window);
  g_assert_true (g_file_test (autosave, G_FILE_TEST_EXISTS));
  remove_tree (dir);
}

/* A take as the recorder leaves it when Strata is killed: a float WAV of `frames` frames in
 * the media folder, and its sidecar naming the track and the position its first frame heard
 * (the format strata-recorder.h documents). */
static char *
write_orphan_take (const char *media_dir, const char *track_id, guint channels, guint rate,
                   gint64 position, gint64 frames)
{
  g_autofree char *name = g_strdup_printf ("take-20260101-120000-%s-1.wav", track_id);
  char *path = g_build_filename (media_dir, name, NULL);
  g_autofree char *sidecar = g_strconcat (path, ".json", NULL);
  g_autofree char *json = g_strdup_printf ("{ \"track\": \"%s\", \"rate\": %u, "
                                           "\"channels\": %u, \"position\": %" G_GINT64_FORMAT
                                           " }", track_id, rate, channels, position);
  g_autofree float *data = g_new (float, frames * channels);
  SF_INFO info = { .samplerate = (int) rate, .channels = (int) channels,
                   .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
  SNDFILE *file;

  for (gint64 k = 0; k < frames * channels; k++)
    data[k] = 0.25f * sinf ((float) k * 0.01f);
  g_assert_cmpint (g_mkdir_with_parents (media_dir, 0755), ==, 0);
  file = sf_open (path, SFM_WRITE, &info);
  g_assert_nonnull (file);
  g_assert_cmpint (sf_writef_float (file, data, frames), ==, frames);
  sf_close (file);
  g_assert_true (g_file_set_contents (sidecar, json, -1, NULL));
  return path;
}

static gboolean
orphan_exists (const char *path)
{
  g_autofree char *sidecar = g_strconcat (path, ".json", NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS) && g_file_test (sidecar, G_FILE_TEST_EXISTS);
}

/* The clip on `track` that starts at `start`, or NULL. */
static StrataClip *
clip_at (StrataTrack *track, gint64 start)
{
  GListModel *clips = strata_track_get_clips (track);

  for (guint i = 0; i < g_list_model_get_n_items (clips); i++)
    {
      g_autoptr(StrataClip) clip = g_list_model_get_item (clips, i);

      if (strata_clip_get_start (clip) == start)
        return clip;   /* the track holds it */
    }
  return NULL;
}

static StrataTrack *
shown_track (StrataWindow *window, const char *id)
{
  StrataProject *shown = strata_session_get_project (strata_window_get_session (window));

  return strata_timeline_find_track (strata_project_get_timeline (shown), id);
}

/* Answers the message dialog over `window`, which must have this heading, and closes it as
 * its button would. */
static void
answer (StrataWindow *window, const char *heading, const char *response)
{
  AdwMessageDialog *dialog = find_message (window);

  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin (50);
}

/* A take killed mid-recording in a saved project's media folder: opening the project asks;
 * Not Now leaves the files and the project as they are and the question comes back at the
 * next open; Recover puts the clip where the take was recorded, in one undo step. */
static void
test_takes_offered (void)
{
  g_autoptr(StrataProject) project = load_demo ();
  g_autofree char *dir = g_dir_make_tmp ("strata-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "Song.strata", NULL);
  g_autofree char *media_dir = strata_store_media_dir_for (path);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataTrack) track = g_list_model_get_item (
    strata_timeline_get_tracks (strata_project_get_timeline (project)), 0);
  g_autofree char *id = g_strdup (strata_strip_get_id (STRATA_STRIP (track)));
  guint rate = strata_project_get_sample_rate (project);
  /* Recorded from 20 s in, for a tenth of a second; no demo clip starts there. */
  const gint64 position = 20 * (gint64) rate, frames = rate / 10;
  g_autofree char *take = NULL;
  guint n_clips;
  StrataWindow *window;
  StrataTrack *shown;
  StrataClip *clip;

  g_assert_true (strata_store_save (project, path, &error));
  g_assert_no_error (error);
  n_clips = g_list_model_get_n_items (strata_track_get_clips (track));
  g_assert_null (clip_at (track, position));
  take = write_orphan_take (media_dir, id, strata_track_get_channels (track), rate, position,
                            frames);

  /* Not Now: nothing changes. */
  window = open_window (file);
  answer (window, "Recover Recorded Takes?", "ignore");
  g_assert_null (find_message (window));
  shown = shown_track (window, id);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (shown)), ==, n_clips);
  g_assert_null (clip_at (shown, position));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "undo"));
  g_assert_false (strata_project_get_dirty (strata_session_get_project (
                                              strata_window_get_session (window))));
  g_assert_true (orphan_exists (take));
  destroy_window (window);

  /* Asked again; Recover. */
  window = open_window (file);
  answer (window, "Recover Recorded Takes?", "recover");
  shown = shown_track (window, id);
  clip = clip_at (shown, position);
  g_assert_nonnull (clip);
  g_assert_cmpint (strata_clip_get_source_start (clip), ==, 0);
  g_assert_cmpint (strata_clip_get_length (clip), ==, frames);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (shown)), ==, n_clips + 1);
  g_assert_false (orphan_exists (take));
  g_assert_true (strata_project_get_dirty (strata_session_get_project (
                                             strata_window_get_session (window))));
  g_action_group_activate_action (G_ACTION_GROUP (window), "undo", NULL);
  spin (50);
  g_assert_null (clip_at (shown, position));
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (shown)), ==, n_clips);
  destroy_window (window);

  /* Nothing left to offer. */
  window = open_window (file);
  g_assert_null (find_message (window));
  destroy_window (window);
  remove_tree (dir);
}

/* With an autosave and takes both left, the autosave is asked first: the track the take was
 * recorded on was added after the last save and exists only in the autosave. Restored, the
 * take goes onto it. */
static void
test_autosave_then_takes (void)
{
  g_autoptr(StrataProject) project = load_demo ();
  g_autofree char *dir = g_dir_make_tmp ("strata-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "Song.strata", NULL);
  g_autofree char *media_dir = strata_store_media_dir_for (path);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  guint rate = strata_project_get_sample_rate (project);
  const gint64 position = 3 * (gint64) rate, frames = rate / 5;
  StrataTrack *late = NULL;
  g_autofree char *id = NULL;
  g_autofree char *take = NULL;
  gboolean done = FALSE;
  guint before = n_tracks (project);
  StrataWindow *window;
  StrataTrack *shown;
  StrataClip *clip;

  g_assert_true (strata_store_save (project, path, &error));
  g_assert_no_error (error);
  strata_project_set_path (project, path);
  strata_project_push (project, strata_commands_add_track (project, 1, "Late idea", before,
                                                           &late));
  id = g_strdup (strata_strip_get_id (STRATA_STRIP (late)));
  strata_store_autosave_async (project, NULL, autosaved_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  take = write_orphan_take (media_dir, id, 1, rate, position, frames);

  window = open_window (file);
  g_assert_null (shown_track (window, id));
  answer (window, "Restore Unsaved Changes?", "restore");
  answer (window, "Recover Recorded Takes?", "recover");
  g_assert_null (find_message (window));
  g_assert_cmpuint (n_tracks (strata_session_get_project (strata_window_get_session (window))),
                    ==, before + 1);
  shown = shown_track (window, id);
  g_assert_nonnull (shown);
  clip = clip_at (shown, position);
  g_assert_nonnull (clip);
  g_assert_cmpint (strata_clip_get_length (clip), ==, frames);
  g_assert_false (orphan_exists (take));
  destroy_window (window);
  remove_tree (dir);
}

static gboolean
in_leftovers (const char *dir)
{
  g_autoptr(GPtrArray) leftovers = strata_project_find_unsaved_leftovers ();

  for (guint i = 0; i < leftovers->len; i++)
    if (g_str_equal (leftovers->pdata[i], dir))
      return TRUE;
  return FALSE;
}

/* An untitled project's folder left by a crash while recording a vocal and a guitar together
 * (the headless harness gives the test its own user data folder): it opens untitled. Not Now
 * keeps the folder for the next start and shows nothing of it; Recover puts each take on a
 * new track of its own, at the frame it was recorded at; closing without saving then removes
 * the folder, as for any untitled project. */
static void
test_unsaved_takes (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "strata", "unsaved",
                                           "project-crashed", NULL);
  const guint rate = 44100;
  const gint64 position = 2 * (gint64) rate, frames = rate / 4;
  g_autofree char *vox = NULL;
  g_autofree char *gtr = NULL;
  StrataWindow *window;
  StrataProject *shown;
  GListModel *tracks;

  vox = write_orphan_take (dir, "t7", 1, rate, position, frames);
  gtr = write_orphan_take (dir, "t8", 2, rate, position, frames);
  g_assert_true (in_leftovers (dir));

  window = strata_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (strata_window_recover_unsaved (window, dir));
  spin (50);
  shown = strata_session_get_project (strata_window_get_session (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Untitled — Strata");
  g_assert_cmpuint (strata_project_get_sample_rate (shown), ==, rate);
  g_assert_false (in_leftovers (dir));   /* this window has it */
  answer (window, "Recover Recorded Takes?", "ignore");
  g_assert_cmpuint (n_tracks (shown), ==, 0);
  g_assert_null (strata_project_get_media_dir (shown));
  g_assert_true (orphan_exists (vox) && orphan_exists (gtr));
  g_assert_true (in_leftovers (dir));
  destroy_window (window);
  g_assert_true (orphan_exists (vox) && orphan_exists (gtr));

  window = strata_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (strata_window_recover_unsaved (window, dir));
  spin (50);
  answer (window, "Recover Recorded Takes?", "recover");
  shown = strata_session_get_project (strata_window_get_session (window));
  tracks = strata_timeline_get_tracks (strata_project_get_timeline (shown));
  g_assert_cmpuint (g_list_model_get_n_items (tracks), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, i);
      StrataClip *clip = clip_at (track, position);

      g_assert_cmpstr (strata_strip_get_name (STRATA_STRIP (track)), ==, "Recovered take");
      /* In the order they were recorded: the names sort the vox (t7) first. */
      g_assert_cmpuint (strata_track_get_channels (track), ==, i == 0 ? 1 : 2);
      g_assert_nonnull (clip);
      g_assert_cmpint (strata_clip_get_length (clip), ==, frames);
    }
  g_assert_false (orphan_exists (vox) || orphan_exists (gtr));
  g_assert_true (strata_project_get_dirty (shown));
  g_assert_cmpstr (strata_project_get_media_dir (shown), ==, dir);
  destroy_window (window);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  /* Nothing there: nothing to show. */
  window = strata_window_new (NULL);
  g_assert_false (strata_window_recover_unsaved (window, dir));
  g_assert_null (strata_window_get_session (window));
  destroy_window (window);
}

/* The tempo popover edits the segment it opened on: what is typed stays while the playhead
 * moves, and Apply sets it in one undo step. */
static void
test_tempo_edit (void)
{
  StrataWindow *window = strata_window_new (NULL);
  g_autoptr(StrataProject) project = load_demo ();
  StrataSession *session;
  StrataTempoMap *map;
  const StrataTempoSegment *seg;
  GtkSpinButton *bpm;
  GtkEditable *metre;
  double old_bpm;
  guint old_num;

  gtk_window_present (GTK_WINDOW (window));
  strata_window_set_project (window, project);
  session = strata_window_get_session (window);
  map = strata_session_get_tempo_map (session);
  seg = strata_tempo_map_segment_at_frame (map, 0);
  old_bpm = seg->bpm;
  old_num = seg->numerator;
  g_assert_cmpfloat (old_bpm, !=, 90.0);
  bpm = child (window, "bpm_spin");
  metre = child (window, "metre_entry");

  gtk_menu_button_popup (child (window, "tempo_button"));
  spin (50);
  g_assert_cmpfloat (gtk_spin_button_get_value (bpm), ==, old_bpm);
  gtk_spin_button_set_value (bpm, 90.0);
  gtk_editable_set_text (metre, "3/4");
  for (gint64 frame = 1000; frame < 200000; frame += 48000)
    {
      strata_session_locate (session, frame);
      spin (20);
    }
  g_assert_cmpfloat (gtk_spin_button_get_value (bpm), ==, 90.0);
  g_assert_cmpstr (gtk_editable_get_text (metre), ==, "3/4");

  g_action_group_activate_action (G_ACTION_GROUP (window), "apply-tempo", NULL);
  spin (50);
  map = strata_session_get_tempo_map (session);
  seg = strata_tempo_map_segment_at_frame (map, 0);
  g_assert_cmpfloat (seg->bpm, ==, 90.0);
  g_assert_cmpuint (seg->numerator, ==, 3);
  g_assert_cmpuint (seg->denominator, ==, 4);
  g_assert_cmpstr (gtk_menu_button_get_label (child (window, "tempo_button")), ==,
                   "90 BPM  3/4");

  g_action_group_activate_action (G_ACTION_GROUP (window), "undo", NULL);
  spin (50);
  seg = strata_tempo_map_segment_at_frame (strata_session_get_tempo_map (session), 0);
  g_assert_cmpfloat (seg->bpm, ==, old_bpm);
  g_assert_cmpuint (seg->numerator, ==, old_num);
  destroy_window (window);
}

/* Open Demo opens the demo untitled, named after the project, so Save asks where to keep it
 * and the installed copy is never written. */
static void
test_demo_untitled (void)
{
  StrataWindow *window = strata_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "open-demo", NULL);
  spin (50);
  g_assert_nonnull (strata_window_get_session (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Strata Demo — Strata");
  g_assert_false (strata_window_autosave (window));
  destroy_window (window);
}

/* F1 opens the help page of what the user is doing: the view shown, recording while a track
 * is armed, and a dialog's own page while it is in front. */
static void
test_help_pages (void)
{
  StrataWindow *window = strata_window_new (NULL);
  g_autoptr(StrataProject) project = load_demo ();
  StrataSession *session;
  StrataEngine *engine;
  g_autoptr(StrataTrack) track = NULL;
  GtkWidget *dialog;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_null (strata_window_get_help_page (window));
  strata_window_set_project (window, project);
  session = strata_window_get_session (window);
  g_assert_cmpstr (strata_window_get_help_page (window), ==, "arranging");
  g_action_group_activate_action (G_ACTION_GROUP (window), "view", g_variant_new_string ("mix"));
  g_assert_cmpstr (strata_window_get_help_page (window), ==, "mixing");

  engine = strata_session_get_engine (session);
  g_assert_nonnull (engine);
  track = g_list_model_get_item (strata_timeline_get_tracks (strata_project_get_timeline (project)),
                                 0);
  g_assert_true (strata_engine_arm (engine, track, TRUE, NULL));
  g_assert_cmpstr (strata_window_get_help_page (window), ==, "recording");
  g_assert_true (strata_engine_arm (engine, track, FALSE, NULL));
  g_assert_cmpstr (strata_window_get_help_page (window), ==, "mixing");

  dialog = strata_export_dialog_new (GTK_WINDOW (window), session);
  g_assert_cmpstr (strata_ui_dialog_help_page (GTK_WINDOW (dialog)), ==, "exporting");
  gtk_window_destroy (GTK_WINDOW (dialog));
  dialog = strata_snapshots_dialog_new (GTK_WINDOW (window), session);
  g_assert_cmpstr (strata_ui_dialog_help_page (GTK_WINDOW (dialog)), ==, "projects-media");
  gtk_window_destroy (GTK_WINDOW (dialog));
  destroy_window (window);
}

int
main (int argc, char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add_func ("/ui-window/welcome", test_welcome);
  g_test_add_func ("/ui-window/title-and-undo", test_title_and_undo);
  g_test_add_func ("/ui-window/position-and-snap", test_position_and_snap);
  g_test_add_func ("/ui-window/bad-file-keeps-project", test_bad_file_keeps_project);
  g_test_add_func ("/ui-window/autosave-offered", test_autosave_offered);
  g_test_add_func ("/ui-window/close-and-autosave", test_close_and_autosave);
  g_test_add_func ("/ui-window/takes-offered", test_takes_offered);
  g_test_add_func ("/ui-window/autosave-then-takes", test_autosave_then_takes);
  g_test_add_func ("/ui-window/unsaved-takes", test_unsaved_takes);
  g_test_add_func ("/ui-window/tempo-edit", test_tempo_edit);
  g_test_add_func ("/ui-window/demo-untitled", test_demo_untitled);
  g_test_add_func ("/ui-window/help-pages", test_help_pages);
  return g_test_run ();
}
