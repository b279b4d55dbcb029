/* test-media-pool.c: importing audio into a project's media pool
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#include "strata-commands.h"
#include "strata-files.h"
#include "strata-store.h"

static char *
write_tone (const char *dir, const char *name, double freq, int rate, gint64 frames)
{
  char *path = g_build_filename (dir, name, NULL);
  SF_INFO info = { .samplerate = rate, .channels = 1,
                   .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);
  g_autofree float *data = g_new (float, frames);

  g_assert_nonnull (file);
  for (gint64 i = 0; i < frames; i++)
    data[i] = 0.5f * sinf (2.0f * G_PI * freq * i / rate);
  g_assert_cmpint (sf_writef_float (file, data, frames), ==, frames);
  sf_close (file);
  return path;
}

typedef struct
{
  GMainLoop          *loop;
  StrataImportResult *result;
  GError             *error;
  GThread            *main_thread;
  guint               progress_calls;
  gboolean            progress_off_main;
} Wait;

static void
progress_cb (gdouble fraction, gpointer data)
{
  Wait *wait = data;

  wait->progress_calls++;
  if (g_thread_self () != wait->main_thread)
    wait->progress_off_main = TRUE;
}

static void
imported_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *wait = data;

  wait->result = strata_import_file_finish (result, &wait->error);
  g_main_loop_quit (wait->loop);
}

static StrataImportResult *
import (const char *file, const char *media_dir, guint *progress_calls)
{
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL, NULL, g_thread_self (), 0, FALSE };

  strata_import_file_async (file, media_dir, 48000, NULL, progress_cb, &wait, imported_cb,
                            &wait);
  g_main_loop_run (wait.loop);
  g_main_loop_unref (wait.loop);
  g_assert_no_error (wait.error);
  g_assert_false (wait.progress_off_main);
  if (progress_calls)
    *progress_calls = wait.progress_calls;
  return wait.result;
}

static void
test_import_into_pool (void)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-pool-XXXXXX", NULL);
  g_autofree char *tone = write_tone (dir, "Bass DI.wav", 220.0, 44100, 44100);
  g_autofree char *copy = write_tone (dir, "copy.wav", 220.0, 44100, 44100);
  g_autofree char *other = write_tone (dir, "other.wav", 330.0, 44100, 44100);
  g_autofree char *song = g_build_filename (dir, "Song.strata", NULL);
  g_autoptr(StrataProject) project = strata_project_new (48000);
  g_autoptr(StrataProject) loaded = NULL;
  g_autoptr(StrataImportResult) first = NULL;
  g_autoptr(StrataImportResult) again = NULL;
  g_autoptr(StrataImportResult) third = NULL;
  g_autoptr(StrataSource) source = NULL;
  g_autoptr(StrataSource) same = NULL;
  g_autoptr(StrataSource) different = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *sources = strata_project_get_sources (project);
  const char *media_dir;
  guint progress_calls = 0;

  /* Saved first, so imports land in Song.media/. */
  g_assert_true (strata_store_save (project, song, &error));
  g_assert_no_error (error);
  media_dir = strata_project_ensure_media_dir (project, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (media_dir, "Song.media"));

  first = import (tone, media_dir, &progress_calls);
  g_assert_cmpuint (progress_calls, >, 0);
  g_assert_cmpint (first->frames, ==, 48000);   /* round (44100 * 48000 / 44100) */
  source = strata_project_source_for_import (project, first, tone);
  g_assert_cmpstr (strata_source_get_name (source), ==, "Bass DI");
  g_assert_true (g_str_has_suffix (strata_source_get_path (source), ".wav"));
  g_assert_false (g_path_is_absolute (strata_source_get_path (source)));
  g_assert_cmpint (strlen (strata_source_get_path (source)), ==, 64 + 4);
  strata_project_push (project, strata_commands_add_source (project, source));
  g_assert_cmpuint (g_list_model_get_n_items (sources), ==, 1);
  g_assert_true (strata_project_get_dirty (project));

  /* The same audio in another file is the same pool entry; other audio is a new one. */
  again = import (copy, media_dir, NULL);
  g_assert_true (again->reused);
  same = strata_project_source_for_import (project, again, copy);
  g_assert_true (same == source);
  third = import (other, media_dir, NULL);
  g_assert_false (third->reused);
  different = strata_project_source_for_import (project, third, other);
  g_assert_true (different != source);
  g_assert_cmpstr (strata_source_get_id (different), !=, strata_source_get_id (source));

  /* Undo takes the entry out of the pool (the file stays for redo). */
  g_assert_true (strata_undo_stack_undo (strata_project_get_undo_stack (project)));
  g_assert_cmpuint (g_list_model_get_n_items (sources), ==, 0);
  g_assert_true (g_file_test (first->media_path, G_FILE_TEST_EXISTS));
  g_assert_true (strata_undo_stack_redo (strata_project_get_undo_stack (project)));

  /* Saved and reopened, the entry resolves into the media folder with its hash. */
  g_assert_true (strata_store_save (project, song, &error));
  loaded = strata_store_load (song, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  {
    StrataSource *back = strata_project_find_source (loaded, strata_source_get_id (source));
    g_assert_nonnull (back);
    g_assert_cmpstr (strata_source_get_hash (back), ==, first->hash);
    g_assert_cmpstr (strata_source_get_file_path (back), ==, first->media_path);
    g_assert_cmpint (strata_source_get_frames (back), ==, 48000);
  }
  strata_remove_tree (dir);
}

/* Audio imported before the first save lives in a private folder and moves into Song.media/
 * when the project is saved; saving elsewhere (Save As) takes it along again. */
static void
test_first_save_gathers_media (void)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-pool-XXXXXX", NULL);
  g_autofree char *tone = write_tone (dir, "keys.wav", 440.0, 48000, 4800);
  g_autofree char *song = g_build_filename (dir, "Song.strata", NULL);
  g_autofree char *other = g_build_filename (dir, "Other.strata", NULL);
  g_autoptr(StrataProject) project = strata_project_new (48000);
  g_autoptr(StrataProject) loaded = NULL;
  g_autoptr(StrataImportResult) result = NULL;
  g_autoptr(StrataSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *private_dir = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *real_dir = realpath (dir, NULL);

  private_dir = g_strdup (strata_project_ensure_media_dir (project, &error));
  g_assert_no_error (error);
  g_assert_false (g_str_has_prefix (private_dir, real_dir));
  result = import (tone, private_dir, NULL);
  source = strata_project_source_for_import (project, result, tone);
  strata_project_push (project, strata_commands_add_source (project, source));

  g_assert_true (strata_store_save (project, song, &error));
  g_assert_no_error (error);
  expected = g_strdup_printf ("%s/Song.media/%s.wav", real_dir, result->hash);
  g_assert_cmpstr (strata_source_get_file_path (source), ==, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%s/Song.media/%s.peaks", real_dir, result->hash);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));

  loaded = strata_store_load (song, &error);
  g_assert_no_error (error);
  {
    StrataSource *back = strata_project_find_source (loaded, strata_source_get_id (source));
    g_assert_cmpstr (strata_source_get_path (back), ==,
                     strrchr (strata_source_get_file_path (source), '/') + 1);
  }

  g_assert_true (strata_store_save (project, other, &error));
  g_assert_no_error (error);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%s/Other.media/%s.wav", real_dir, result->hash);
  g_assert_cmpstr (strata_source_get_file_path (source), ==, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));

  /* The private folder goes with the project; the saved media stays. */
  g_assert_true (g_file_test (private_dir, G_FILE_TEST_IS_DIR));
  g_clear_object (&project);
  g_assert_false (g_file_test (private_dir, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  strata_remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media-pool/import", test_import_into_pool);
  g_test_add_func ("/media-pool/first-save-gathers-media", test_first_save_gathers_media);
  return g_test_run ();
}
