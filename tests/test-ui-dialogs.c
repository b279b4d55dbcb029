/* test-ui-dialogs.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dialogs on the demo project, without an engine: the export dialog's defaults and the
 * render options its rows make, an export normalized to -14 LUFS measured by ffmpeg (not by
 * our meter), Cancel leaving no file; the preferences writing their GSettings keys; snapshots
 * taken, listed and restored as one undo step; the shortcuts window's accelerators.
 */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <adwaita.h>
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>
#include <math.h>

#include "strata-commands.h"
#include "strata-export-dialog.h"
#include "strata-json.h"
#include "strata-preferences-window.h"
#include "strata-snapshots-dialog.h"
#include "strata-store.h"
#include "strata-test-ui.h"
#include "strata-ui.h"

#define DEMO_NAME "Strata Demo"

static GtkWidget *
find_named (GtkWidget *root, const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
named (gpointer root, const char *name)
{
  GtkWidget *widget = find_named (GTK_WIDGET (root), name);

  if (widget == NULL)
    g_error ("no widget named “%s”", name);
  return widget;
}

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("strata-dialogs-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (handle != NULL && g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

/* ---- export ------------------------------------------------------------------------------- */

static const char *
page_of (GtkWidget *dialog)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (named (dialog, "pages")));
}

/* Until the render is over: the dialog leaves its progress page. */
static void
wait_render (GtkWidget *dialog)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_str_equal (page_of (dialog), "progress") && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (page_of (dialog), !=, "progress");
}

static void
test_export_defaults (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *expected = g_build_filename (dir, DEMO_NAME ".wav", NULL);
  g_autofree char *stems = g_build_filename (dir, DEMO_NAME " stems", NULL);
  StrataProject *project = load_demo ();
  StrataSession *session = strata_session_new (project, NULL);
  StrataTrack *track = g_list_model_get_item (strata_timeline_get_tracks (
                                                strata_project_get_timeline (project)), 0);
  StrataClip *clip = g_list_model_get_item (strata_track_get_clips (track), 0);
  StrataRenderOptions options;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;
  GtkWidget *export_button;

  g_setenv ("STRATA_EXPORT_DIR", dir, TRUE);
  dialog = strata_export_dialog_new (NULL, session);
  gtk_window_present (GTK_WINDOW (dialog));

  /* Whole song, WAV 24-bit, no loudness: exactly what strata-render does without options. */
  g_assert_true (strata_export_dialog_get_options (STRATA_EXPORT_DIALOG (dialog), &options,
                                                   &error));
  g_assert_cmpstr (options.output, ==, expected);
  g_assert_cmpuint (options.bit_depth, ==, 24);
  g_assert_false (options.has_start);
  g_assert_false (options.has_end);
  g_assert_false (options.normalize);
  g_assert_null (options.stems_dir);
  strata_render_options_clear (&options);

  /* The demo has a loop range; nothing is selected yet. */
  g_assert_true (gtk_widget_is_sensitive (named (dialog, "range-loop")));
  g_assert_false (gtk_widget_is_sensitive (named (dialog, "range-selection")));

  /* Enter exports: the default widget is the button labelled Export. */
  export_button = gtk_window_get_default_widget (GTK_WINDOW (dialog));
  g_assert_nonnull (export_button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (export_button)), ==,
                   "export.start");
  g_assert_true (gtk_widget_get_sensitive (export_button));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (dialog)) == export_button);

  /* FLAC 16 renames the file; stems go to a folder beside it; -16 LUFS normalizes. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (named (dialog, "format")), 3);
  gtk_switch_set_active (GTK_SWITCH (named (dialog, "stems")), TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (named (dialog, "loudness")),
                              STRATA_EXPORT_LOUDNESS_PODCAST);
  g_assert_true (strata_export_dialog_get_options (STRATA_EXPORT_DIALOG (dialog), &options,
                                                   &error));
  g_assert_true (g_str_has_suffix (options.output, DEMO_NAME ".flac"));
  g_assert_cmpuint (options.bit_depth, ==, 16);
  g_assert_cmpstr (options.stems_dir, ==, stems);
  g_assert_true (options.track_stems && options.bus_stems);
  g_assert_true (options.normalize);
  g_assert_cmpfloat (options.target_lufs, ==, -16.0);
  g_assert_cmpfloat (options.true_peak_dbtp, ==, -1.0);
  strata_render_options_clear (&options);

  /* Stems of the buses only, or the tracks only; the choice is off without stems. */
  g_assert_true (gtk_widget_get_sensitive (named (dialog, "stem-kinds")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (named (dialog, "stem-kinds")), 2);
  g_assert_true (strata_export_dialog_get_options (STRATA_EXPORT_DIALOG (dialog), &options,
                                                   &error));
  g_assert_true (!options.track_stems && options.bus_stems);
  strata_render_options_clear (&options);
  adw_combo_row_set_selected (ADW_COMBO_ROW (named (dialog, "stem-kinds")), 1);
  g_assert_true (strata_export_dialog_get_options (STRATA_EXPORT_DIALOG (dialog), &options,
                                                   &error));
  g_assert_true (options.track_stems && !options.bus_stems);
  strata_render_options_clear (&options);
  gtk_switch_set_active (GTK_SWITCH (named (dialog, "stems")), FALSE);
  g_assert_false (gtk_widget_get_sensitive (named (dialog, "stem-kinds")));
  gtk_switch_set_active (GTK_SWITCH (named (dialog, "stems")), TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (named (dialog, "stem-kinds")), 0);

  /* No name: refused with a message, no options. */
  gtk_editable_set_text (GTK_EDITABLE (named (dialog, "name")), "  ");
  g_assert_false (strata_export_dialog_get_options (STRATA_EXPORT_DIALOG (dialog), &options,
                                                    &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
  destroy_window (dialog);

  /* With a clip selected, the Selection range is that clip. */
  strata_session_select (session, clip, STRATA_SELECT_REPLACE);
  dialog = strata_export_dialog_new (NULL, session);
  g_assert_true (gtk_widget_is_sensitive (named (dialog, "range-selection")));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (named (dialog, "range-selection")), TRUE);
  g_assert_true (strata_export_dialog_get_options (STRATA_EXPORT_DIALOG (dialog), &options,
                                                   NULL));
  g_assert_true (options.has_start && options.has_end);
  g_assert_cmpint (options.start, ==, strata_clip_get_start (clip));
  g_assert_cmpint (options.end, ==, strata_clip_get_end (clip));
  strata_render_options_clear (&options);
  destroy_window (dialog);

  g_unsetenv ("STRATA_EXPORT_DIR");
  g_object_unref (clip);
  g_object_unref (track);
  g_assert_finalize_object (session);
  g_assert_finalize_object (project);
  g_assert_cmpuint (count_files (dir), ==, 0);
  remove_tree (dir);
}

static gboolean
measure_file (const char *path, double *integrated, double *true_peak)
{
  const char *argv[] = { "ffmpeg", "-hide_banner", "-nostats", "-i", path,
                         "-af", "ebur128=peak=true", "-f", "null", "-", NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *summary, *i, *peak;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  summary = strstr (err, "Summary:");
  if (summary == NULL)
    return FALSE;
  i = strstr (summary, "I:");
  peak = strstr (summary, "Peak:");
  g_assert_nonnull (i);
  g_assert_nonnull (peak);
  *integrated = g_ascii_strtod (i + 2, NULL);
  *true_peak = g_ascii_strtod (peak + 5, NULL);
  return TRUE;
}

static double
label_value (GtkWidget *dialog, const char *name)
{
  return g_ascii_strtod (gtk_label_get_text (GTK_LABEL (named (dialog, name))), NULL);
}

static void
test_export_loudness (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *expected = g_build_filename (dir, DEMO_NAME ".wav", NULL);
  StrataProject *project = load_demo ();
  StrataSession *session = strata_session_new (project, NULL);
  g_autofree char *ffmpeg = g_find_program_in_path ("ffmpeg");
  double integrated = 0.0, true_peak = 0.0;
  GtkWidget *dialog;

  if (ffmpeg == NULL)
    {
      g_test_skip ("ffmpeg is needed to measure the export independently");
      return;
    }
  g_setenv ("STRATA_EXPORT_DIR", dir, TRUE);
  dialog = strata_export_dialog_new (NULL, session);
  gtk_window_present (GTK_WINDOW (dialog));
  adw_combo_row_set_selected (ADW_COMBO_ROW (named (dialog, "loudness")),
                              STRATA_EXPORT_LOUDNESS_STREAMING);
  /* Enter; a button clicks a moment after it is activated. */
  gtk_widget_activate_default (named (dialog, "name"));
  for (guint i = 0; i < 100 && g_str_equal (page_of (dialog), "settings"); i++)
    spin (10);
  g_assert_cmpstr (page_of (dialog), ==, "progress");
  wait_render (dialog);
  g_assert_cmpstr (page_of (dialog), ==, "done");

  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  g_assert_true (measure_file (expected, &integrated, &true_peak));
  g_test_message ("ffmpeg: I = %.2f LUFS, true peak = %.2f dBTP", integrated, true_peak);
  g_assert_cmpfloat_with_epsilon (integrated, -14.0, 0.5);
  g_assert_cmpfloat (true_peak, <=, -1.0 + 0.05);
  /* The dialog shows what it measured, which agrees with ffmpeg. */
  g_assert_cmpfloat_with_epsilon (label_value (dialog, "integrated"), integrated, 0.5);
  g_assert_cmpfloat (label_value (dialog, "true-peak-result"), <=, -1.0);
  g_assert_true (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (named (dialog, "files"))),
                         DEMO_NAME ".wav") != NULL);
  destroy_window (dialog);

  g_unsetenv ("STRATA_EXPORT_DIR");
  g_assert_finalize_object (session);
  g_assert_finalize_object (project);
  remove_tree (dir);
}

static void
test_export_cancel (void)
{
  g_autofree char *dir = make_temp_dir ();
  StrataProject *project = load_demo ();
  StrataSession *session = strata_session_new (project, NULL);
  StrataTrack *track = g_list_model_get_item (strata_timeline_get_tracks (
                                                strata_project_get_timeline (project)), 0);
  StrataClip *clip = g_list_model_get_item (strata_track_get_clips (track), 0);
  GtkProgressBar *bar;
  GtkWidget *dialog;
  GError *error = NULL;
  gint64 end;

  /* A long song: one clip twenty minutes in. */
  g_assert_true (strata_session_apply (session,
                                       strata_commands_move_clips (project, &clip, 1,
                                                                   20 * 60 * 48000, 0, &error),
                                       error));
  g_setenv ("STRATA_EXPORT_DIR", dir, TRUE);
  dialog = strata_export_dialog_new (NULL, session);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_switch_set_active (GTK_SWITCH (named (dialog, "stems")), TRUE);
  gtk_widget_activate_action (dialog, "export.start", NULL);
  g_assert_cmpstr (page_of (dialog), ==, "progress");

  /* Cancel once it is under way. */
  bar = GTK_PROGRESS_BAR (gtk_widget_get_first_child (gtk_widget_get_parent (
                                                        named (dialog, "remaining"))));
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (gtk_progress_bar_get_fraction (bar) <= 0.0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), >, 0.0);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), <, 0.5);
  gtk_widget_activate_action (dialog, "export.cancel", NULL);
  wait_render (dialog);
  g_assert_cmpstr (page_of (dialog), ==, "settings");
  g_assert_true (gtk_widget_is_visible (named (dialog, "error")));
  g_assert_cmpuint (count_files (dir), ==, 0);
  destroy_window (dialog);

  g_unsetenv ("STRATA_EXPORT_DIR");
  g_object_unref (clip);
  g_object_unref (track);
  g_assert_finalize_object (session);
  g_assert_finalize_object (project);
  remove_tree (dir);
}

/* An unwritable folder: the dialog says so, naming the file, and stays usable. */
static void
test_export_error (void)
{
  StrataProject *project = load_demo ();
  StrataSession *session = strata_session_new (project, NULL);
  GtkWidget *dialog;
  const char *message;

  g_setenv ("STRATA_EXPORT_DIR", "/proc/strata-nowhere", TRUE);
  dialog = strata_export_dialog_new (NULL, session);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_activate_action (dialog, "export.start", NULL);
  wait_render (dialog);
  g_assert_cmpstr (page_of (dialog), ==, "settings");
  message = gtk_label_get_text (GTK_LABEL (named (dialog, "error")));
  g_test_message ("%s", message);
  g_assert_true (strstr (message, "/proc/strata-nowhere/" DEMO_NAME ".wav") != NULL);
  destroy_window (dialog);

  g_unsetenv ("STRATA_EXPORT_DIR");
  g_assert_finalize_object (session);
  g_assert_finalize_object (project);
}

/* An earlier export is not overwritten without asking: Cancel keeps it byte for byte,
 * Replace writes the new one. */
static void
test_export_replace (void)
{
  StrataProject *project = load_demo ();
  StrataSession *session = strata_session_new (project, NULL);
  g_autofree char *dir = g_dir_make_tmp ("strata-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, DEMO_NAME ".wav", NULL);
  g_autofree char *contents = NULL;
  GtkWidget *dialog;
  AdwMessageDialog *message;

  g_assert_true (g_file_set_contents (path, "an earlier mix", -1, NULL));
  g_setenv ("STRATA_EXPORT_DIR", dir, TRUE);
  dialog = strata_export_dialog_new (NULL, session);
  gtk_window_present (GTK_WINDOW (dialog));

  gtk_widget_activate_action (dialog, "export.start", NULL);
  message = find_message (dialog);
  g_assert_nonnull (message);
  g_assert_cmpstr (page_of (dialog), ==, "settings");
  adw_message_dialog_response (message, "cancel");
  gtk_window_destroy (GTK_WINDOW (message));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "an earlier mix");

  gtk_widget_activate_action (dialog, "export.start", NULL);
  message = find_message (dialog);
  g_assert_nonnull (message);
  adw_message_dialog_response (message, "replace");
  gtk_window_destroy (GTK_WINDOW (message));
  wait_render (dialog);
  g_assert_cmpstr (page_of (dialog), ==, "done");
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "RIFF"));
  destroy_window (dialog);

  g_unsetenv ("STRATA_EXPORT_DIR");
  g_assert_finalize_object (session);
  g_assert_finalize_object (project);
  remove_tree (dir);
}

/* ---- preferences -------------------------------------------------------------------------- */

static gboolean
key_equals (GSettings *settings, const char *key, const char *expected)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  return g_str_equal (value, expected);
}

static void
test_preferences (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  GSettings *settings = g_settings_new_with_backend ("io.github.stratadaw.Strata", backend);
  GtkWidget *window = strata_preferences_window_new (NULL, settings, NULL);
  AdwComboRow *buffer, *scheme, *rate;

  gtk_window_present (GTK_WINDOW (window));
  buffer = ADW_COMBO_ROW (named (window, "buffer-size"));
  scheme = ADW_COMBO_ROW (named (window, "color-scheme"));
  rate = ADW_COMBO_ROW (named (window, "sample-rate"));

  /* The rows start at the keys' defaults: 256 frames (the third), dark, 48 kHz. */
  g_assert_cmpuint (adw_combo_row_get_selected (buffer), ==, 2);
  g_assert_cmpuint (adw_combo_row_get_selected (scheme), ==, 1);
  g_assert_cmpuint (adw_combo_row_get_selected (rate), ==, 1);

  /* Rows write keys ... */
  adw_combo_row_set_selected (buffer, 4);
  g_assert_cmpuint (g_settings_get_uint (settings, "buffer-size"), ==, 1024);
  adw_combo_row_set_selected (scheme, 2);
  g_assert_cmpint (key_equals (settings, "color-scheme", "light"), ==, TRUE);
  g_assert_cmpint (g_settings_get_enum (settings, "color-scheme"), ==, 2);
  adw_combo_row_set_selected (rate, 3);
  g_assert_cmpuint (g_settings_get_uint (settings, "sample-rate"), ==, 96000);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (named (window, "latency-calibration-frames")), 37);
  g_assert_cmpint (g_settings_get_int (settings, "latency-calibration-frames"), ==, 37);

  /* ... and keys move rows. */
  g_settings_set_uint (settings, "buffer-size", 64);
  g_assert_cmpuint (adw_combo_row_get_selected (buffer), ==, 0);
  g_settings_set_string (settings, "color-scheme", "default");
  g_assert_cmpuint (adw_combo_row_get_selected (scheme), ==, 0);

  /* Without an engine there is nothing to measure with; "System default" is "". */
  g_assert_false (gtk_widget_get_sensitive (named (window, "measure")));
  g_settings_set_string (settings, "audio-backend", "dummy");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (named (window, "output-device"))),
                    ==, 0);
  g_assert_cmpint (key_equals (settings, "output-device", ""), ==, TRUE);

  destroy_window (window);
  g_assert_finalize_object (settings);
}

/* Measure Latency through the dummy backend's loopback, whose input is its output exactly one
 * period later: the round trip (period + reported latencies, 0 for the dummy) already counts
 * that, so the calibration the button stores replaces the stale 37 with 0. */
static void
test_preferences_measure (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  GSettings *settings = g_settings_new_with_backend ("io.github.stratadaw.Strata", backend);
  StrataEngineOptions options = { .backend = STRATA_BACKEND_DUMMY, .no_fallback = TRUE };
  StrataProject *project = load_demo ();
  StrataEngine *engine = strata_engine_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *window;
  GtkWidget *button;
  guint input, output, period;

  options.config.rate = strata_project_get_sample_rate (project);
  options.config.period = 256;
  options.config.capture = TRUE;
  options.config.dummy_loopback = TRUE;
  g_assert_true (strata_engine_set_project (engine, project, &error));
  g_assert_true (strata_engine_start (engine, &options, &error));
  g_assert_no_error (error);
  g_settings_set_int (settings, "latency-calibration-frames", 37);
  strata_engine_set_calibration (engine, 37);

  window = strata_preferences_window_new (NULL, settings, engine);
  gtk_window_present (GTK_WINDOW (window));
  button = named (window, "measure");
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  /* The click returns at once: the window listens while it keeps drawing. */
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_cmpint (g_settings_get_int (settings, "latency-calibration-frames"), ==, 37);
  for (gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
       !gtk_widget_get_sensitive (button) && g_get_monotonic_time () < deadline;)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_sensitive (button));
  strata_engine_get_latency (engine, &input, &output, &period);
  g_test_message ("period %u, input %u, output %u, calibration %d", period, input, output,
                  g_settings_get_int (settings, "latency-calibration-frames"));
  g_assert_cmpint (g_settings_get_int (settings, "latency-calibration-frames"), ==, 0);
  g_assert_cmpint (strata_engine_get_round_trip (engine), ==, period + input + output);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (
                       named (window, "latency-calibration-frames"))), ==, 0.0);

  destroy_window (window);
  strata_engine_shutdown (engine);
  g_assert_finalize_object (engine);
  g_assert_finalize_object (settings);
  g_assert_finalize_object (project);
}

/* ---- snapshots ---------------------------------------------------------------------------- */

static void
test_snapshots_unsaved (void)
{
  StrataProject *project = load_demo ();
  StrataSession *session = strata_session_new (project, NULL);
  GtkWidget *dialog = strata_snapshots_dialog_new (NULL, session);

  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (gtk_widget_get_visible (named (dialog, "save-first")));
  g_assert_null (find_named (dialog, "name"));
  destroy_window (dialog);
  g_assert_finalize_object (session);
  g_assert_finalize_object (project);
}

static void
test_snapshots_saved (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "song.strata", NULL);
  StrataProject *project = load_demo ();
  StrataSession *session = strata_session_new (project, NULL);
  GListModel *tracks = strata_timeline_get_tracks (strata_project_get_timeline (project));
  StrataUndoStack *undo = strata_project_get_undo_stack (project);
  guint n_tracks = g_list_model_get_n_items (tracks);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataTrack) first = g_list_model_get_item (tracks, 0);
  GtkWidget *dialog;
  GtkWidget *row;

  g_assert_true (strata_store_save (project, path, &error));
  g_assert_no_error (error);
  dialog = strata_snapshots_dialog_new (NULL, session);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_null (find_named (dialog, "save-first"));

  /* Take one: the list shows it, with its name. */
  g_assert_null (find_named (dialog, "snapshot:Verse idea"));
  gtk_editable_set_text (GTK_EDITABLE (named (dialog, "name")), "Verse idea");
  gtk_widget_activate_action (dialog, "snapshots.take", NULL);
  row = named (dialog, "snapshot:Verse idea");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Verse idea");
  g_assert_false (gtk_widget_is_visible (named (dialog, "error")));

  /* Edit, then restore: the track is back, and one undo removes it again. */
  g_assert_true (strata_session_apply (session, strata_commands_remove_track (project, first),
                                       NULL));
  g_assert_cmpuint (g_list_model_get_n_items (tracks), ==, n_tracks - 1);
  gtk_widget_activate_action (dialog, "snapshots.restore", "s", "Verse idea");
  g_assert_cmpuint (g_list_model_get_n_items (tracks), ==, n_tracks);
  g_assert_true (strata_undo_stack_undo (undo));
  g_assert_cmpuint (g_list_model_get_n_items (tracks), ==, n_tracks - 1);

  /* A snapshot that is not there: said in the dialog, nothing changes. */
  gtk_widget_activate_action (dialog, "snapshots.restore", "s", "No such snapshot");
  g_assert_true (gtk_widget_is_visible (named (dialog, "error")));
  g_assert_true (strstr (gtk_label_get_text (GTK_LABEL (named (dialog, "error"))),
                         "No such snapshot") != NULL);
  g_assert_cmpuint (g_list_model_get_n_items (tracks), ==, n_tracks - 1);

  destroy_window (dialog);
  g_clear_object (&first);
  g_assert_finalize_object (session);
  g_assert_finalize_object (project);
  remove_tree (dir);
}

/* ---- shortcuts window ----------------------------------------------------------------------- */

static void
test_shortcuts (void)
{
  GtkBuilder *builder = gtk_builder_new_from_resource ("/io/github/stratadaw/Strata/gtk/"
                                                       "help-overlay.ui");
  GtkWidget *window = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  g_autoptr(GHashTable) accels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  static const char *expected[] = { "space", "r", "l", "Home", "End", "s", "<Ctrl>j", "Delete",
                                    "<Ctrl>d", "<Ctrl>c", "<Ctrl>x", "<Ctrl>v", "<Ctrl>a",
                                    "<Ctrl>z", "<Ctrl>n", "<Ctrl>o", "<Ctrl>s",
                                    "<Ctrl><Shift>s", "<Ctrl>i", "<Ctrl>e", "<Ctrl>comma",
                                    "F1", "<Ctrl>question", "<Ctrl>q" };

  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (window));
  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        g_autofree char *accelerator = NULL;
        g_autofree char *title = NULL;
        g_auto(GStrv) each = NULL;

        g_object_get (l->data, "accelerator", &accelerator, "title", &title, NULL);
        g_assert_nonnull (title);
        if (accelerator == NULL)   /* a gesture: Ctrl+scroll and the like */
          continue;
        each = g_strsplit (accelerator, " ", -1);
        for (guint i = 0; each[i] != NULL; i++)
          {
            guint key;
            GdkModifierType mods;
            /* Each one parses, and the same key is not listed twice. */
            g_assert_true (gtk_accelerator_parse (each[i], &key, &mods));
            g_assert_false (g_hash_table_contains (accels, each[i]));
            g_hash_table_insert (accels, g_strdup (each[i]), g_strdup (title));
          }
      }
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (!g_hash_table_contains (accels, expected[i]))
      g_error ("the shortcuts window does not list %s", expected[i]);
  g_assert_cmpstr (g_hash_table_lookup (accels, "space"), ==, "Play or stop");
  g_assert_cmpstr (g_hash_table_lookup (accels, "<Ctrl>z"), ==, "Undo");

  gtk_window_present (GTK_WINDOW (window));
  g_object_unref (builder);
  destroy_window (window);
}

int
main (int argc, char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add_func ("/ui-dialogs/export/defaults", test_export_defaults);
  g_test_add_func ("/ui-dialogs/export/loudness", test_export_loudness);
  g_test_add_func ("/ui-dialogs/export/cancel", test_export_cancel);
  g_test_add_func ("/ui-dialogs/export/error", test_export_error);
  g_test_add_func ("/ui-dialogs/export/replace", test_export_replace);
  g_test_add_func ("/ui-dialogs/preferences", test_preferences);
  g_test_add_func ("/ui-dialogs/preferences-measure", test_preferences_measure);
  g_test_add_func ("/ui-dialogs/snapshots/unsaved", test_snapshots_unsaved);
  g_test_add_func ("/ui-dialogs/snapshots/saved", test_snapshots_saved);
  g_test_add_func ("/ui-dialogs/shortcuts", test_shortcuts);
  return g_test_run ();
}
