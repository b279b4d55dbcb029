/* test-render-cache.c: an identical render is reused, anything that changes its bytes is not
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>

#include "strata-files.h"
#include "strata-json.h"
#include "strata-render.h"

static char *dir;

static void
write_tone (const char *path, double freq)
{
  SF_INFO info = { .samplerate = 48000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);
  float data[48000];

  g_assert_nonnull (file);
  for (int i = 0; i < 48000; i++)
    data[i] = 0.25f * sinf (2.0f * G_PI * freq * i / 48000.0f);
  g_assert_cmpint (sf_writef_float (file, data, 48000), ==, 48000);
  sf_close (file);
}

static StrataRenderReport *
render (const char *output, const char *stems, gboolean normalize)
{
  g_autofree char *json = g_build_filename (dir, "song.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = strata_json_load_file (json, &error);
  g_autoptr(StrataGraph) graph = NULL;
  StrataRenderOptions options;
  StrataRenderReport *report;

  g_assert_no_error (error);
  graph = strata_graph_compile (project, &error);
  g_assert_no_error (error);
  strata_render_options_init (&options);
  options.use_cache = TRUE;
  options.output = g_strdup (output);
  options.stems_dir = g_strdup (stems);
  options.normalize = normalize;
  options.target_lufs = -20.0;
  report = strata_render_graph (graph, &options, NULL, NULL, NULL, &error);
  strata_render_options_clear (&options);
  g_assert_no_error (error);
  return report;
}

static char *
contents (const char *path)
{
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  return data;
}

static void
test_cache (void)
{
  g_autofree char *tone = g_build_filename (dir, "tone.wav", NULL);
  g_autofree char *json = g_build_filename (dir, "song.json", NULL);
  g_autofree char *a = g_build_filename (dir, "a.wav", NULL);
  g_autofree char *b = g_build_filename (dir, "b.wav", NULL);
  g_autofree char *stems = g_build_filename (dir, "stems", NULL);
  g_autofree char *stem = g_build_filename (stems, "Tone.wav", NULL);
  g_autoptr(StrataRenderReport) first = NULL;
  g_autoptr(StrataRenderReport) second = NULL;
  g_autoptr(StrataRenderReport) other = NULL;
  g_autoptr(StrataRenderReport) changed = NULL;
  g_autofree char *bytes_a = NULL, *bytes_b = NULL, *bytes_c = NULL;
  gsize len_a, len_b;

  write_tone (tone, 440.0);
  g_assert_true (g_file_set_contents (json,
    "{\"format\": \"strata-project\", \"version\": 1, \"sample_rate\": 48000,"
    " \"tempo_map\": [{\"at\": \"1.1.0\", \"bpm\": 120}],"
    " \"media\": [{\"id\": \"tone\", \"path\": \"tone.wav\"}],"
    " \"tracks\": [{\"id\": \"t1\", \"name\": \"Tone\", \"clips\": [{\"media\": \"tone\", \"start\": 0}]}]}",
    -1, NULL));

  first = render (a, stems, TRUE);
  g_assert_false (first->cache_hit);
  g_assert_cmpuint (first->files->len, ==, 2);

  /* The same render to another name: a hit, the same bytes, the same figures. */
  second = render (b, stems, TRUE);
  g_assert_true (second->cache_hit);
  g_assert_cmpstr (second->files->pdata[0], ==, b);
  g_assert_true (g_file_get_contents (a, &bytes_a, &len_a, NULL));
  g_assert_true (g_file_get_contents (b, &bytes_b, &len_b, NULL));
  g_assert_cmpmem (bytes_a, len_a, bytes_b, len_b);
  g_assert_cmpfloat (second->integrated_lufs, ==, first->integrated_lufs);
  g_assert_cmpfloat (second->true_peak_dbtp, ==, first->true_peak_dbtp);
  g_assert_cmpint (second->frames, ==, first->frames);
  g_assert_true (g_file_test (stem, G_FILE_TEST_IS_REGULAR));

  /* Another option (no normalisation) is another render. */
  other = render (b, stems, FALSE);
  g_assert_false (other->cache_hit);
  bytes_c = contents (b);
  g_assert_true (memcmp (bytes_c, bytes_a, MIN (len_a, 64000)) != 0);

  /* The media changed on disk: the cached render is not reused. */
  g_usleep (1100 * 1000);   /* a new modification time, at whole-second resolution */
  write_tone (tone, 220.0);
  changed = render (a, stems, TRUE);
  g_assert_false (changed->cache_hit);
  g_free (bytes_c);
  bytes_c = contents (a);
  g_assert_true (memcmp (bytes_c, bytes_a, MIN (len_a, 64000)) != 0);
}

typedef struct
{
  GMainLoop          *loop;
  StrataRenderReport *report;
  GError             *error;
  GThread            *main_thread;
  guint               progress_calls;
  gboolean            progress_off_main;
  double              last_fraction;
} AsyncWait;

static void
async_progress_cb (gdouble fraction, gpointer data)
{
  AsyncWait *wait = data;

  wait->progress_calls++;
  wait->last_fraction = fraction;
  if (g_thread_self () != wait->main_thread)
    wait->progress_off_main = TRUE;
}

static void
async_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncWait *wait = data;

  wait->report = strata_render_finish (result, &wait->error);
  g_main_loop_quit (wait->loop);
}

/* The export dialog's way: compile on the main thread, render on a worker, progress and the
 * result on the caller's main context; a cancel leaves nothing behind. */
static void
test_async (void)
{
  g_autofree char *json = g_build_filename (dir, "song.json", NULL);
  g_autofree char *out_dir = g_build_filename (dir, "async", NULL);
  g_autofree char *output = g_build_filename (out_dir, "async.wav", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = strata_json_load_file (json, &error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncWait wait = { g_main_loop_new (NULL, FALSE), NULL, NULL, g_thread_self () };
  StrataRenderOptions options;
  g_autoptr(GDir) listing = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (out_dir, 0755), ==, 0);
  strata_render_options_init (&options);
  options.output = g_strdup (output);

  strata_render_async (project, &options, NULL, async_progress_cb, &wait, async_done_cb, &wait);
  g_main_loop_run (wait.loop);
  g_assert_no_error (wait.error);
  g_assert_nonnull (wait.report);
  g_assert_cmpint (wait.report->frames, ==, 48000);
  g_assert_cmpuint (wait.progress_calls, >, 0);
  g_assert_false (wait.progress_off_main);
  g_assert_cmpfloat (wait.last_fraction, ==, 1.0);
  g_assert_true (g_file_test (output, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&wait.report, strata_render_report_free);
  g_unlink (output);

  /* Cancelled: an error and an empty folder (cancelling mid-render is test-render's). */
  g_cancellable_cancel (cancellable);
  strata_render_async (project, &options, cancellable, async_progress_cb, &wait, async_done_cb,
                       &wait);
  g_main_loop_run (wait.loop);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (wait.report);
  g_clear_error (&wait.error);
  listing = g_dir_open (out_dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));

  strata_render_options_clear (&options);
  g_main_loop_unref (wait.loop);
}

int
main (int argc, char *argv[])
{
  int status;

  dir = g_dir_make_tmp ("strata-cache-XXXXXX", NULL);
  {
    /* A private cache, set before GLib reads the variable. */
    g_autofree char *cache = g_build_filename (dir, "cache", NULL);
    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/cache", test_cache);
  g_test_add_func ("/render/async", test_async);
  status = g_test_run ();
  strata_remove_tree (dir);
  g_free (dir);
  return status;
}
