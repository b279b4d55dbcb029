/* test-store.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SQLite project store: round trips through a .strata file compared as JSON, the file's
 * schema and journal as SQLite itself reports them, saves killed at random moments, media
 * paths that try to leave the media folder, files that are not projects, snapshots with undo,
 * and autosave off the main thread. Every project is built in code through the commands a user
 * would issue; every file is made in a fresh temporary folder that is removed afterwards.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "strata-commands.h"
#include "strata-error.h"
#include "strata-json.h"
#include "strata-store.h"
#include "strata-track.h"
#include "strata-files.h"

#define RATE 48000

typedef struct
{
  char *dir;
} Fixture;

/* Helpers */

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("strata-store-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  strata_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
fpath (Fixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static void
push (StrataProject *project, StrataCommand *command, GError *error)
{
  g_assert_no_error (error);
  g_assert_nonnull (command);
  strata_project_push (project, command);
}

#define PUSH(project, call) \
  G_STMT_START { GError *push_error = NULL; \
    StrataCommand *push_command = (call); \
    push (project, push_command, push_error); } G_STMT_END

static char *
to_json (StrataProject *project)
{
  return strata_json_to_data (project, NULL, NULL);
}

static StrataTrack *
nth_track (StrataProject *project, guint i)
{
  GListModel *tracks = strata_timeline_get_tracks (strata_project_get_timeline (project));
  g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, i);
  return track;
}

static guint
n_tracks (StrataProject *project)
{
  return g_list_model_get_n_items (strata_timeline_get_tracks (strata_project_get_timeline (project)));
}

/* A project that exercises every part of the format. `variant` changes names, positions and
 * values throughout, so that two variants never serialize alike. */
static StrataProject *
build_project (guint n_track, guint n_clip, guint variant)
{
  StrataProject *p = strata_project_new (RATE);
  GListStore *sources = G_LIST_STORE (strata_project_get_sources (p));
  g_autoptr(StrataSource) kick = strata_source_new ("kick", "kick.wav", 1, (gint64) RATE * 3600);
  g_autoptr(StrataSource) pad = strata_source_new ("pad", "takes/pad.wav", 2, (gint64) RATE * 3600);
  g_autofree char *song = g_strdup_printf ("Song %c", 'A' + variant);
  StrataBus *verb = NULL, *drums = NULL;
  const char *verb_id, *drums_id;
  GError *error = NULL;

  g_object_set (p, "name", song, NULL);
  strata_source_set_hash (kick, "3f2a9c0d1e5b7a64c8d2e0f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1");
  strata_source_set_name (pad, "Pad take 3");
  g_list_store_append (sources, kick);
  g_list_store_append (sources, pad);

  PUSH (p, strata_commands_set_tempo (p, 9, 90.0 + variant, 3, 4, &error));
  PUSH (p, strata_commands_set_tempo (p, 17, 132.5, 7, 8, &error));
  PUSH (p, strata_commands_add_marker (p, "Intro", 0));
  PUSH (p, strata_commands_add_marker (p, variant ? "Bridge" : "Chorus", (gint64) RATE * 16));
  PUSH (p, strata_commands_set_loop (p, RATE * 2, RATE * (8 + variant), TRUE, &error));
  PUSH (p, strata_commands_set_punch (p, RATE * 3, RATE * 5, variant == 0, &error));

  PUSH (p, strata_commands_add_bus (p, "Verb", 0, &verb));
  PUSH (p, strata_commands_add_bus (p, "Drums", 1, &drums));
  verb_id = strata_strip_get_id (STRATA_STRIP (verb));
  drums_id = strata_strip_get_id (STRATA_STRIP (drums));
  PUSH (p, strata_commands_set_volume (p, STRATA_STRIP (verb), -6.5, 0, &error));
  PUSH (p, strata_commands_set_output (p, STRATA_STRIP (drums), verb_id, &error));
  PUSH (p, strata_commands_add_send (p, STRATA_STRIP (drums), verb_id, -9.0, TRUE, &error));
  PUSH (p, strata_commands_add_point (p, STRATA_STRIP (verb), "pan", 0, -0.5, &error));
  PUSH (p, strata_commands_add_point (p, STRATA_STRIP (verb), "pan", RATE * 4, 0.5, &error));

  for (guint t = 0; t < n_track; t++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", variant ? "Gtr" : "Kick", t);
      StrataTrack *track = NULL;
      StrataStrip *strip;

      PUSH (p, strata_commands_add_track (p, t % 2 ? 2 : 1, name, t, &track));
      strip = STRATA_STRIP (track);
      PUSH (p, strata_commands_set_volume (p, strip, -3.0 - (t % 7) - variant, 0, &error));
      PUSH (p, strata_commands_set_pan (p, strip, (t % 5) * 0.25 - 0.5, 0, &error));
      if (t % 3 == 0)
        PUSH (p, strata_commands_set_output (p, strip, drums_id, &error));
      PUSH (p, strata_commands_add_send (p, strip, verb_id, -12.0 - t % 4, t % 2 == 0, &error));
      if (t % 5 == 0)
        {
          g_auto(GVariantBuilder) params = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
          g_variant_builder_add (&params, "{sv}", "ratio", g_variant_new_double (4.0));
          g_variant_builder_add (&params, "{sv}", "threshold_db", g_variant_new_double (-18.0));
          PUSH (p, strata_commands_add_insert (p, strip,
                                               strata_insert_new ("compressor",
                                                                  g_variant_builder_end (&params)),
                                               0));
        }
      if (t % 4 == 0)
        PUSH (p, strata_property_command_new_value (track, "record-arm", TRUE));
      if (t % 6 == 1)
        PUSH (p, strata_property_command_new_value (strip, "mute", TRUE));

      for (guint c = 0; c < n_clip; c++)
        {
          StrataSource *source = c % 2 ? pad : kick;
          g_autoptr(StrataClip) clip = strata_clip_new (source,
                                                        (gint64) c * RATE * 2 + variant * 100 + t,
                                                        (gint64) c * 1000, RATE + c);
          StrataCommand *command = strata_commands_add_clip (p, track, clip, &error);
          push (p, command, error);
          if (c % 3 == 0)
            PUSH (p, strata_commands_set_fades (p, clip, 480 + c, 4800, &error));
        }
      for (guint k = 0; k < 4; k++)
        {
          PUSH (p, strata_commands_add_point (p, strip, "volume_db", (gint64) k * RATE * 3,
                                              -20.0 + k * 5 + variant, &error));
          PUSH (p, strata_commands_add_point (p, strip, "pan", (gint64) k * RATE * 5 + 7,
                                              k % 2 ? 0.75 : -0.75, &error));
        }
    }
  PUSH (p, strata_commands_set_volume (p, STRATA_STRIP (strata_project_get_master (p)),
                                       -1.5 - variant, 0, &error));
  return p;
}

static sqlite3 *
sql_open (const char *path, int flags)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, flags, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

/* The first column of the first row of `sql`, as text (NULL when there is no row). */
static char *
sql_text (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

static gint64
sql_int (sqlite3 *db, const char *sql)
{
  g_autofree char *text = sql_text (db, sql);
  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}

static void
sql_exec (const char *path, const char *sql)
{
  sqlite3 *db = sql_open (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static void
sql_set_media_path (const char *path, const char *media_path)
{
  sqlite3 *db = sql_open (path, SQLITE_OPEN_READWRITE);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE project SET value = json_set(value, "
                                           "'$[0].path', ?) WHERE key = 'media'", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, media_path, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static char *
file_contents (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return contents;
}

/* Files in `dir` whose name starts with `prefix`. */
static guint
count_prefixed (const char *dir_path, const char *prefix)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix))
      n++;
  return n;
}

static StrataProject *
save_and_load (StrataProject *project, const char *path)
{
  g_autoptr(GError) error = NULL;
  StrataProject *loaded;

  g_assert_true (strata_store_save (project, path, &error));
  g_assert_no_error (error);
  loaded = strata_store_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  return loaded;
}

static void
assert_load_fails (const char *path, int code, const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = strata_store_load (path, &error);

  g_assert_null (project);
  g_assert_error (error, STRATA_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  if (needle)
    g_assert_nonnull (strstr (error->message, needle));
}

/* Round trips */

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(StrataProject) project = build_project (6, 5, 0);
  g_autofree char *path = fpath (f, "Song.strata");
  g_autofree char *media_dir = fpath (f, "Song.media");
  g_autofree char *before = to_json (project);
  g_autofree char *after = NULL;
  g_autofree char *mode = NULL;
  g_autoptr(StrataProject) loaded = NULL;
  StrataTrack *track;
  sqlite3 *db;

  /* The project uses every part of the format the test means to check. */
  g_assert_nonnull (strstr (before, "\"x-record-arm\""));
  g_assert_nonnull (strstr (before, "\"x-punch\""));
  g_assert_nonnull (strstr (before, "\"sends\" : [\n        {"));
  g_assert_nonnull (strstr (before, "\"compressor\""));
  g_assert_nonnull (strstr (before, "\"Chorus\""));
  g_assert_nonnull (strstr (before, "\"7/8\""));

  g_assert_true (strata_project_get_dirty (project));
  loaded = save_and_load (project, path);
  g_assert_false (strata_project_get_dirty (project));
  g_assert_false (strata_project_get_dirty (loaded));
  g_assert_true (g_file_test (media_dir, G_FILE_TEST_IS_DIR));
  g_assert_cmpstr (strata_project_get_path (project), ==, path);
  g_assert_cmpstr (strata_project_get_path (loaded), ==, path);
  g_assert_cmpstr (strata_project_get_media_dir (loaded), ==, media_dir);

  after = to_json (loaded);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (n_tracks (loaded), ==, 6);
  track = nth_track (loaded, 0);
  g_assert_true (strata_track_get_record_arm (track));
  g_assert_cmpfloat (strata_strip_get_volume_db (STRATA_STRIP (track)), ==, -3.0);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (track)), ==, 5);
  {
    g_autoptr(StrataSource) kick = g_list_model_get_item (strata_project_get_sources (loaded), 0);
    g_autofree char *kick_path = g_build_filename (media_dir, "kick.wav", NULL);
    g_assert_cmpstr (strata_source_get_file_path (kick), ==, kick_path);
    g_assert_cmpstr (strata_source_get_hash (kick), ==,
                     "3f2a9c0d1e5b7a64c8d2e0f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1");
    g_assert_cmpuint (strata_source_get_channels (kick), ==, 1);
    g_assert_cmpint (strata_source_get_frames (kick), ==, (gint64) RATE * 3600);
  }

  /* The file as SQLite sees it. */
  db = sql_open (path, SQLITE_OPEN_READONLY);
  g_assert_cmpint (sql_int (db, "PRAGMA user_version"), ==, STRATA_STORE_SCHEMA_VERSION);
  mode = sql_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM strips WHERE kind = 'track'"), ==, 6);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM strips WHERE kind = 'bus'"), ==, 2);
  sqlite3_close (db);

  /* An edit makes it dirty; saving again makes it clean. */
  PUSH (loaded, strata_commands_add_marker (loaded, "Outro", RATE * 60));
  g_assert_true (strata_project_get_dirty (loaded));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(StrataProject) again = NULL;
    g_autofree char *edited = to_json (loaded);
    g_autofree char *reloaded = NULL;

    g_assert_true (strata_store_save (loaded, path, &error));
    g_assert_no_error (error);
    g_assert_false (strata_project_get_dirty (loaded));
    again = strata_store_load (path, &error);
    g_assert_no_error (error);
    reloaded = to_json (again);
    g_assert_cmpstr (reloaded, ==, edited);
    g_assert_nonnull (strstr (reloaded, "\"Outro\""));
  }
}

/* A save over an existing file replaces everything in it, in one transaction: a reader in the
 * middle of a read keeps seeing the old project whole, the next read sees the new one whole. */
static void
test_second_save (Fixture *f, gconstpointer data)
{
  g_autoptr(StrataProject) a = build_project (12, 3, 0);
  g_autoptr(StrataProject) b = build_project (5, 2, 1);
  g_autofree char *path = fpath (f, "Two.strata");
  g_autofree char *json_b = to_json (b);
  g_autofree char *name = NULL;
  g_autofree char *loaded_json = NULL;
  g_autoptr(StrataProject) loaded = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *reader;

  g_assert_true (strata_store_save (a, path, &error));
  g_assert_no_error (error);

  reader = sql_open (path, SQLITE_OPEN_READONLY);
  g_assert_cmpint (sqlite3_exec (reader, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sql_int (reader, "SELECT count(*) FROM strips WHERE kind = 'track'"), ==, 12);

  g_assert_true (strata_store_save (b, path, &error));
  g_assert_no_error (error);

  /* Still inside the read transaction: all of A, none of B. */
  g_assert_cmpint (sql_int (reader, "SELECT count(*) FROM strips WHERE kind = 'track'"), ==, 12);
  name = sql_text (reader, "SELECT json_extract(value, '$.name') FROM project WHERE key = 'song'");
  g_assert_cmpstr (name, ==, "Song A");
  g_assert_cmpint (sql_int (reader, "SELECT count(*) FROM strips WHERE instr(document, '\"Gtr ') > 0"),
                   ==, 0);
  g_assert_cmpint (sqlite3_exec (reader, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);

  /* A fresh read: all of B, none of A. */
  g_clear_pointer (&name, g_free);
  g_assert_cmpint (sql_int (reader, "SELECT count(*) FROM strips WHERE kind = 'track'"), ==, 5);
  name = sql_text (reader, "SELECT json_extract(value, '$.name') FROM project WHERE key = 'song'");
  g_assert_cmpstr (name, ==, "Song B");
  g_assert_cmpint (sql_int (reader, "SELECT count(*) FROM strips WHERE instr(document, '\"Kick ') > 0"),
                   ==, 0);
  sqlite3_close (reader);

  loaded = strata_store_load (path, &error);
  g_assert_no_error (error);
  loaded_json = to_json (loaded);
  g_assert_cmpstr (loaded_json, ==, json_b);
  g_assert_cmpuint (count_prefixed (f->dir, "Two.strata.tmp"), ==, 0);
}

/* Crashes */

static gdouble
time_save (StrataProject *project, const char *path)
{
  gint64 t0 = g_get_monotonic_time ();
  g_assert_true (strata_store_save (project, path, NULL));
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static void
kill_child (pid_t pid)
{
  int status = 0;

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
}

/* A child saves A and B over one file forever; it is killed at a random moment, and the file
 * must then hold exactly A or exactly B. */
static void
test_crash_during_save (Fixture *f, gconstpointer data)
{
  g_autoptr(StrataProject) a = build_project (100, 20, 0);
  g_autoptr(StrataProject) b = build_project (100, 20, 1);
  g_autofree char *json_a = to_json (a);
  g_autofree char *json_b = to_json (b);
  g_autofree char *path = fpath (f, "Crash.strata");
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611);
  guint seen_a = 0, seen_b = 0;
  gboolean on_disk_is_a = TRUE;
  gint64 start = g_get_monotonic_time ();
  int window_us;
  gdouble ms;
  guint i;

  g_assert_cmpstr (json_a, !=, json_b);
  ms = time_save (b, path);
  ms = MAX (ms, time_save (a, path));
  /* 0-30 ms, or longer when a save is slower (a debug or sanitizer build), so that kills
   * land in every phase of a save. */
  window_us = MAX (30000, (int) (ms * 2500));
  g_test_message ("one save of 100 tracks x 20 clips: %.1f ms; kill window %d ms", ms,
                  window_us / 1000);

  for (i = 0; i < 200 && (i < 50 || g_get_monotonic_time () - start < 20 * G_USEC_PER_SEC); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataProject) loaded = NULL;
      g_autofree char *json = NULL;
      pid_t pid = fork ();

      g_assert_cmpint (pid, >=, 0);
      /* The child starts with the state the file does not hold, so that every kill after
       * its first commit changes the file. */
      if (pid == 0)
        for (;;)
          {
            strata_store_save (on_disk_is_a ? b : a, path, NULL);
            strata_store_save (on_disk_is_a ? a : b, path, NULL);
          }
      g_usleep (g_rand_int_range (rand, 0, window_us + 1));
      kill_child (pid);

      loaded = strata_store_load (path, &error);
      g_assert_no_error (error);
      json = to_json (loaded);
      if (g_str_equal (json, json_a))
        seen_a++, on_disk_is_a = TRUE;
      else if (g_str_equal (json, json_b))
        seen_b++, on_disk_is_a = FALSE;
      else
        {
          g_test_message ("kill %u: the file loads as neither A nor B (%u tracks, %"
                          G_GSIZE_FORMAT " bytes of JSON)", i, n_tracks (loaded), strlen (json));
          g_assert_not_reached ();
        }
      if (i >= 50 && seen_a > 0 && seen_b > 0)
        break;
    }
  g_test_message ("%u kills: %u times A, %u times B", seen_a + seen_b, seen_a, seen_b);
  g_assert_cmpuint (seen_a + seen_b, >=, 50);
  /* The kills landed while saves were under way, both states were reached. */
  g_assert_cmpuint (seen_a, >, 0);
  g_assert_cmpuint (seen_b, >, 0);
  g_assert_cmpuint (count_prefixed (f->dir, "Crash.strata.tmp"), ==, 0);
}

/* A kill during the very first save to a path: the path is absent or a whole project; the
 * temporary file of the interrupted save must not disturb the next save or a load. */
static void
test_crash_during_first_save (Fixture *f, gconstpointer data)
{
  g_autoptr(StrataProject) a = build_project (100, 20, 0);
  g_autofree char *json_a = to_json (a);
  g_autoptr(GRand) rand = g_rand_new_with_seed (77);
  g_autofree char *probe = fpath (f, "probe.strata");
  guint absent = 0, whole = 0, leftovers = 0;
  gdouble ms;

  ms = time_save (a, probe);
  g_unlink (probe);
  ms = MAX (ms, time_save (a, probe));

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *base = g_strdup_printf ("First%u.strata", i);
      g_autofree char *tmp_prefix = g_strconcat (base, ".tmp", NULL);
      g_autofree char *path = fpath (f, base);
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataProject) loaded = NULL;
      g_autofree char *json = NULL;
      pid_t pid = fork ();

      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          strata_store_save (a, path, NULL);
          pause ();
          _exit (0);
        }
      /* Serializing comes first and touches no file: wait for the first file of the save
       * to appear, then kill somewhere in the writing. */
      for (guint waited = 0; count_prefixed (f->dir, base) == 0 && waited < 50000; waited++)
        g_usleep (100);
      g_usleep (g_rand_int_range (rand, 0, (int) (ms * 500) + 1));
      kill_child (pid);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          loaded = strata_store_load (path, &error);
          g_assert_no_error (error);
          json = to_json (loaded);
          g_assert_cmpstr (json, ==, json_a);
          whole++;
          g_clear_object (&loaded);
          g_clear_pointer (&json, g_free);
        }
      else
        absent++;
      if (count_prefixed (f->dir, tmp_prefix) > 0)
        leftovers++;

      /* The next save, by another process, succeeds and leaves no temporary file. */
      g_assert_true (strata_store_save (a, path, &error));
      g_assert_no_error (error);
      loaded = strata_store_load (path, &error);
      g_assert_no_error (error);
      json = to_json (loaded);
      g_assert_cmpstr (json, ==, json_a);
      g_assert_cmpuint (count_prefixed (f->dir, tmp_prefix), ==, 0);
    }
  g_test_message ("first save killed 30 times: %u absent, %u whole, %u left a temporary file",
                  absent, whole, leftovers);
  g_assert_cmpuint (absent + whole, ==, 30);
}

/* Media paths */

static void
test_media_escape (Fixture *f, gconstpointer data)
{
  g_autoptr(StrataProject) project = build_project (1, 1, 0);
  g_autofree char *path = fpath (f, "Esc.strata");
  g_autofree char *media_dir = fpath (f, "Esc.media");
  g_autofree char *outside = fpath (f, "outside");
  g_autofree char *outside_wav = fpath (f, "outside/x.wav");
  g_autofree char *link = g_build_filename (media_dir, "link", NULL);
  g_autofree char *inside_link = g_build_filename (media_dir, "here", NULL);
  g_autofree char *sub = g_build_filename (media_dir, "sub", NULL);
  g_autoptr(GError) error = NULL;
  const char *escapes[] = { "../../etc/passwd", "../other.media/x.wav", "link/x.wav",
                            "sub/../../outside/x.wav" };

  g_assert_true (strata_store_save (project, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (outside, 0755), ==, 0);
  g_assert_true (g_file_set_contents (outside_wav, "RIFF", 4, NULL));
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_cmpint (symlink (outside, link), ==, 0);
  g_assert_cmpint (symlink (sub, inside_link), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (escapes); i++)
    {
      g_autofree char *quoted = g_strdup_printf ("'%s'", escapes[i]);
      sql_set_media_path (path, escapes[i]);
      assert_load_fails (path, STRATA_ERROR_PATH_ESCAPE, quoted);
    }

  /* Inside the media folder, through a link that stays inside, and a file the user picked. */
  {
    const char *fine[] = { "sub/y.wav", "here/y.wav", "sub/../kick.wav", outside_wav };
    g_autofree char *in_sub = g_build_filename (media_dir, "sub", "y.wav", NULL);
    g_autofree char *in_root = g_build_filename (media_dir, "kick.wav", NULL);
    const char *expect[] = { in_sub, in_sub, in_root, outside_wav };

    for (guint i = 0; i < G_N_ELEMENTS (fine); i++)
      {
        g_autoptr(StrataProject) loaded = NULL;
        g_autoptr(StrataSource) source = NULL;

        sql_set_media_path (path, fine[i]);
        loaded = strata_store_load (path, &error);
        g_assert_no_error (error);
        source = g_list_model_get_item (strata_project_get_sources (loaded), 0);
        g_assert_cmpstr (strata_source_get_path (source), ==, fine[i]);
        g_assert_cmpstr (strata_source_get_file_path (source), ==, expect[i]);
      }
  }
}

/* Files that are not (whole) projects */

static void
test_bad_files (Fixture *f, gconstpointer data)
{
  g_autoptr(StrataProject) project = build_project (20, 5, 0);
  g_autofree char *real = fpath (f, "Real.strata");
  g_autofree char *text = fpath (f, "x.strata");
  g_autofree char *empty = fpath (f, "empty.strata");
  g_autofree char *truncated = fpath (f, "truncated.strata");
  g_autofree char *other = fpath (f, "other.strata");
  g_autofree char *other_tables = fpath (f, "other-tables.strata");
  g_autofree char *newer = fpath (f, "newer.strata");
  g_autofree char *missing = fpath (f, "missing.strata");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_assert_true (strata_store_save (project, real, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_set_contents (text, "This is not a project.\n", -1, NULL));
  assert_load_fails (text, STRATA_ERROR_PARSE, "not a Strata project");

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  assert_load_fails (empty, STRATA_ERROR_PARSE, "not a Strata project");
  g_clear_pointer (&contents, g_free);
  contents = file_contents (empty);
  g_assert_cmpstr (contents, ==, "");
  g_clear_pointer (&contents, g_free);
  contents = file_contents (text);
  g_assert_cmpstr (contents, ==, "This is not a project.\n");
  g_clear_pointer (&contents, g_free);

  g_assert_true (g_file_get_contents (real, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 4096);
  g_assert_true (g_file_set_contents (truncated, contents, 1024, NULL));
  assert_load_fails (truncated, STRATA_ERROR_PARSE, NULL);

  sql_exec (other, "PRAGMA user_version = 0; VACUUM;");
  assert_load_fails (other, STRATA_ERROR_PARSE, "not a Strata project");

  /* Another application's database is refused without being changed. */
  sql_exec (other_tables, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
                          "INSERT INTO notes (body) VALUES ('keep me');");
  assert_load_fails (other_tables, STRATA_ERROR_PARSE, "not a Strata project");
  {
    sqlite3 *db = sql_open (other_tables, SQLITE_OPEN_READONLY);
    g_autofree char *mode = sql_text (db, "PRAGMA journal_mode");
    g_autofree char *body = sql_text (db, "SELECT body FROM notes");
    g_assert_cmpstr (mode, ==, "delete");
    g_assert_cmpstr (body, ==, "keep me");
    g_assert_cmpint (sql_int (db, "SELECT count(*) FROM sqlite_master"), ==, 1);
    sqlite3_close (db);
  }

  sql_exec (newer, "CREATE TABLE future (x); PRAGMA user_version = 99;");
  assert_load_fails (newer, STRATA_ERROR_VERSION, "newer");

  {
    g_autoptr(StrataProject) none = strata_store_load (missing, &error);
    g_assert_null (none);
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IO);
    g_assert_nonnull (strstr (error->message, missing));
    g_clear_error (&error);
  }

  /* Damaged rows in an otherwise good file. */
  {
    static const char *const damage[][2] = {
      { "UPDATE strips SET document = '{\"id\": \"t1\", \"name\": ' "
        "WHERE kind = 'track' AND position = 3", "damaged" },
      { "UPDATE strips SET document = '42' WHERE kind = 'track' AND position = 0", NULL },
      { "UPDATE strips SET document = '[]' WHERE kind = 'bus' AND position = 0", NULL },
      { "UPDATE project SET value = 'nonsense' WHERE key = 'song'", "damaged" },
      { "UPDATE project SET value = '{}' WHERE key = 'song'", NULL },
      { "UPDATE project SET value = '{\"a\": 1}' WHERE key = 'media'", "missing" },
      { "UPDATE project SET value = '[{\"id\": \"kick\", \"path\": \"kick.wav\", "
        "\"x-channels\": \"one\"}, {\"id\": \"pad\", \"path\": \"p.wav\"}]' WHERE key = 'media'",
        "damaged" },
      { "UPDATE project SET value = '[17, null]' WHERE key = 'media'", NULL },
      { "DELETE FROM project WHERE key = 'media'", "missing" },
      { "DROP TABLE strips", NULL },
      { "UPDATE strips SET document = json_set(document, '$.volume_db', 'loud') "
        "WHERE kind = 'track' AND position = 1", "volume_db" },
      { "UPDATE project SET value = json_set(value, '$.sample_rate', 12345) WHERE key = 'song'",
        "sample_rate" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (damage); i++)
      {
        g_autofree char *name = g_strdup_printf ("damaged-%u.strata", i);
        g_autofree char *copy = fpath (f, name);
        g_autoptr(StrataProject) loaded = NULL;

        g_assert_true (g_file_set_contents (copy, contents, length, NULL));
        sql_exec (copy, damage[i][0]);
        loaded = strata_store_load (copy, &error);
        g_assert_null (loaded);
        g_assert_nonnull (error);
        g_test_message ("%s -> %s", damage[i][0], error->message);
        g_assert_true (error->domain == STRATA_ERROR);
        g_assert_nonnull (strstr (error->message, copy));
        if (damage[i][1])
          g_assert_nonnull (strstr (error->message, damage[i][1]));
        g_clear_error (&error);
      }
  }

  /* Saving over a file that is not a project refuses rather than destroying it. */
  g_assert_false (strata_store_save (project, text, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_pointer (&contents, g_free);
  contents = file_contents (text);
  g_assert_cmpstr (contents, ==, "This is not a project.\n");
}

/* Schema versions */

static void
test_migration (Fixture *f, gconstpointer data)
{
  g_autoptr(StrataProject) project = build_project (2, 2, 0);
  g_autofree char *zero = fpath (f, "zero.strata");
  g_autofree char *fresh = fpath (f, "fresh.strata");
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  sql_exec (zero, "PRAGMA user_version = 0; VACUUM;");
  db = sql_open (zero, SQLITE_OPEN_READONLY);
  g_assert_cmpint (sql_int (db, "PRAGMA user_version"), ==, 0);
  sqlite3_close (db);
  assert_load_fails (zero, STRATA_ERROR_PARSE, "not a Strata project");

  g_assert_true (strata_store_save (project, fresh, &error));
  g_assert_no_error (error);
  db = sql_open (fresh, SQLITE_OPEN_READONLY);
  g_assert_cmpint (sql_int (db, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                "name IN ('project', 'media', 'strips', 'snapshots')"), ==, 4);
  sqlite3_close (db);
}

/* Snapshots */

static int
snapshot_count (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = strata_store_list_snapshots (path, &error);
  g_assert_no_error (error);
  return list->len;
}

static void
test_snapshots (Fixture *f, gconstpointer data)
{
  g_autoptr(StrataProject) project = build_project (4, 3, 0);
  g_autofree char *path = fpath (f, "Snap.strata");
  g_autofree char *other = fpath (f, "Other.strata");
  g_autofree char *verse = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *now = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  StrataUndoStack *stack = strata_project_get_undo_stack (project);
  StrataCommand *command;
  gint64 t0, t1;

  /* Not before the first save. */
  g_assert_false (strata_store_save_snapshot (project, "early", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
  g_clear_error (&error);
  g_assert_null (strata_store_restore_snapshot (project, "early", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
  g_clear_error (&error);

  g_assert_true (strata_store_save (project, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (snapshot_count (path), ==, 0);

  t0 = g_get_real_time () / G_USEC_PER_SEC;
  verse = to_json (project);
  g_assert_true (strata_store_save_snapshot (project, "verse idea", &error));
  g_assert_no_error (error);
  /* Taking a snapshot is not an edit. */
  g_assert_false (strata_project_get_dirty (project));

  PUSH (project, strata_commands_remove_track (project, nth_track (project, 1)));
  PUSH (project, strata_commands_add_marker (project, "After", RATE * 30));
  PUSH (project, strata_commands_set_tempo (project, 1, 77.0, 4, 4, &error));
  edited = to_json (project);
  g_assert_cmpstr (edited, !=, verse);
  g_assert_true (strata_store_save_snapshot (project, "chorus idea", &error));
  g_assert_no_error (error);
  t1 = g_get_real_time () / G_USEC_PER_SEC;

  list = strata_store_list_snapshots (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  {
    StrataSnapshotInfo *newest = list->pdata[0], *oldest = list->pdata[1];
    g_assert_cmpstr (newest->name, ==, "chorus idea");
    g_assert_cmpstr (oldest->name, ==, "verse idea");
    g_assert_cmpint (oldest->created, >=, t0);
    g_assert_cmpint (oldest->created, <=, newest->created);
    g_assert_cmpint (newest->created, <=, t1);
  }

  /* Restore, undo, redo. */
  command = strata_store_restore_snapshot (project, "verse idea", &error);
  g_assert_no_error (error);
  g_assert_nonnull (command);
  strata_project_push (project, command);
  now = to_json (project);
  g_assert_cmpstr (now, ==, verse);
  g_assert_true (strata_project_get_dirty (project));
  g_assert_cmpuint (n_tracks (project), ==, 4);

  g_assert_true (strata_undo_stack_undo (stack));
  g_clear_pointer (&now, g_free);
  now = to_json (project);
  g_assert_cmpstr (now, ==, edited);

  g_assert_true (strata_undo_stack_redo (stack));
  g_clear_pointer (&now, g_free);
  now = to_json (project);
  g_assert_cmpstr (now, ==, verse);

  g_assert_null (strata_store_restore_snapshot (project, "no such idea", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no such idea"));
  g_clear_error (&error);

  /* Later saves (and a Save As to another file) keep the snapshots of the file. */
  PUSH (project, strata_commands_add_marker (project, "Later", RATE * 40));
  g_assert_true (strata_store_save (project, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (snapshot_count (path), ==, 2);
  {
    g_autoptr(StrataProject) loaded = strata_store_load (path, &error);
    g_autofree char *restored = NULL;
    g_assert_no_error (error);
    command = strata_store_restore_snapshot (loaded, "chorus idea", &error);
    g_assert_no_error (error);
    strata_project_push (loaded, command);
    restored = to_json (loaded);
    g_assert_cmpstr (restored, ==, edited);
  }

  /* A snapshot of the same name replaces the old one. */
  g_assert_true (strata_store_save_snapshot (project, "verse idea", &error));
  g_assert_no_error (error);
  g_assert_cmpint (snapshot_count (path), ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = strata_store_list_snapshots (path, &error);
  g_assert_cmpstr (((StrataSnapshotInfo *) list->pdata[0])->name, ==, "verse idea");

  g_assert_true (strata_store_save (project, other, &error));
  g_assert_no_error (error);
  g_assert_cmpint (snapshot_count (other), ==, 0);
  g_assert_cmpint (snapshot_count (path), ==, 2);
}

/* Autosave */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} AutosaveResult;

static void
autosave_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AutosaveResult *r = data;

  r->ok = strata_store_autosave_finish (result, &r->error);
  r->done = TRUE;
}

static void
wait_for (AutosaveResult *r)
{
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_autosave (Fixture *f, gconstpointer data)
{
  g_autoptr(StrataProject) project = build_project (200, 20, 0);
  g_autofree char *path = fpath (f, "Auto.strata");
  g_autofree char *autosave = strata_store_autosave_path (path);
  g_autofree char *expected_autosave = fpath (f, ".Auto.strata.autosave");
  g_autofree char *saved_json = NULL;
  g_autofree char *edited_json = NULL;
  g_autofree char *main_before = NULL;
  g_autofree char *main_after = NULL;
  g_autoptr(StrataProject) recovered = NULL;
  g_autoptr(StrataProject) main_loaded = NULL;
  g_autoptr(GError) error = NULL;
  AutosaveResult r = { 0 };
  gint64 t0, t_call, t_done;

  g_assert_cmpstr (autosave, ==, expected_autosave);

  /* A project never saved has nowhere to autosave. */
  {
    g_autoptr(StrataProject) fresh = build_project (1, 1, 0);
    AutosaveResult rf = { 0 };
    strata_store_autosave_async (fresh, NULL, autosave_cb, &rf);
    wait_for (&rf);
    g_assert_false (rf.ok);
    g_assert_error (rf.error, STRATA_ERROR, STRATA_ERROR_STATE);
    g_clear_error (&rf.error);
  }
  g_assert_null (strata_store_load_autosave (path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (strata_store_save (project, path, &error));
  g_assert_no_error (error);
  saved_json = to_json (project);
  main_before = file_contents (path);

  PUSH (project, strata_commands_add_marker (project, "Unsaved", RATE * 50));
  PUSH (project, strata_commands_remove_track (project, nth_track (project, 0)));
  edited_json = to_json (project);

  t0 = g_get_monotonic_time ();
  strata_store_autosave_async (project, NULL, autosave_cb, &r);
  t_call = g_get_monotonic_time ();
  /* The write happens elsewhere: the call is back before it is done. */
  g_assert_false (r.done);
  wait_for (&r);
  t_done = g_get_monotonic_time ();
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_test_message ("autosave of 200 tracks: call returned after %.1f ms, done after %.1f ms",
                  (t_call - t0) / 1000.0, (t_done - t0) / 1000.0);

  g_assert_true (g_file_test (autosave, G_FILE_TEST_IS_REGULAR));
  main_after = file_contents (path);
  g_assert_true (g_str_equal (main_before, main_after));
  g_assert_true (strata_project_get_dirty (project));
  g_assert_cmpuint (count_prefixed (f->dir, ".Auto.strata.autosave.tmp"), ==, 0);

  main_loaded = strata_store_load (path, &error);
  g_assert_no_error (error);
  {
    g_autofree char *json = to_json (main_loaded);
    g_assert_cmpstr (json, ==, saved_json);
  }

  recovered = strata_store_load_autosave (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (recovered);
  g_assert_true (strata_project_get_dirty (recovered));
  g_assert_cmpstr (strata_project_get_path (recovered), ==, path);
  {
    g_autofree char *json = to_json (recovered);
    g_assert_cmpstr (json, ==, edited_json);
  }

  /* A second autosave over the first one. */
  PUSH (project, strata_commands_add_marker (project, "Second", RATE * 51));
  g_clear_pointer (&edited_json, g_free);
  edited_json = to_json (project);
  r = (AutosaveResult) { 0 };
  strata_store_autosave_async (project, NULL, autosave_cb, &r);
  wait_for (&r);
  g_assert_no_error (r.error);
  g_clear_object (&recovered);
  recovered = strata_store_load_autosave (path, &error);
  g_assert_no_error (error);
  {
    g_autofree char *json = to_json (recovered);
    g_assert_cmpstr (json, ==, edited_json);
  }

  /* Saving makes the autosave stale: it goes, and an autosave that was already running when
   * the save happened does not bring it back. */
  PUSH (project, strata_commands_add_marker (project, "Third", RATE * 52));
  r = (AutosaveResult) { 0 };
  strata_store_autosave_async (project, NULL, autosave_cb, &r);
  g_assert_true (strata_store_save (project, path, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
  wait_for (&r);
  g_assert_no_error (r.error);
  g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
  g_clear_object (&recovered);
  g_assert_null (strata_store_load_autosave (path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

/* Autosaves in flight at once (a timer firing while the last one still writes, on a slow
 * disk) must not trample each other's files, and the newest state must be the one kept. A
 * small project makes the write, not the serialization, the long part. */
static void
test_autosave_overlap (Fixture *f, gconstpointer data)
{
  g_autoptr(StrataProject) project = build_project (2, 2, 0);
  g_autofree char *path = fpath (f, "Overlap.strata");
  g_autofree char *autosave = strata_store_autosave_path (path);
  g_autoptr(GError) error = NULL;
  guint newest = 0, older = 0;

  g_assert_true (strata_store_save (project, path, &error));
  g_assert_no_error (error);

  for (guint round = 0; round < 20; round++)
    {
      AutosaveResult r[4] = { { 0 } };
      char *states[G_N_ELEMENTS (r)] = { NULL };
      g_autoptr(StrataProject) recovered = NULL;
      g_autofree char *json = NULL;
      guint which = G_MAXUINT;

      /* Half the rounds start from no autosave file, half rewrite one. */
      if (round % 2 == 0)
        g_unlink (autosave);
      for (guint i = 0; i < G_N_ELEMENTS (r); i++)
        {
          g_autofree char *name = g_strdup_printf ("Edit %u.%u", round, i);
          PUSH (project, strata_commands_add_marker (project, name, RATE * (60 + i)));
          states[i] = to_json (project);
          strata_store_autosave_async (project, NULL, autosave_cb, &r[i]);
        }
      for (guint i = 0; i < G_N_ELEMENTS (r); i++)
        {
          wait_for (&r[i]);
          g_assert_no_error (r[i].error);
          g_assert_true (r[i].ok);
        }
      recovered = strata_store_load_autosave (path, &error);
      g_assert_no_error (error);
      json = to_json (recovered);
      for (guint i = 0; i < G_N_ELEMENTS (r); i++)
        if (g_str_equal (json, states[i]))
          which = i;
      for (guint i = 0; i < G_N_ELEMENTS (r); i++)
        g_free (states[i]);
      g_assert_cmpuint (which, !=, G_MAXUINT);
      if (which == G_N_ELEMENTS (r) - 1)
        newest++;
      else
        older++;
      g_assert_cmpuint (count_prefixed (f->dir, ".Overlap.strata.autosave.tmp"), ==, 0);
    }
  g_test_message ("overlapping autosaves: newest state kept %u times, an older one %u times",
                  newest, older);
  g_assert_cmpuint (older, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/store/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("round-trip", test_round_trip);
  ADD ("second-save", test_second_save);
  ADD ("crash-during-save", test_crash_during_save);
  ADD ("crash-during-first-save", test_crash_during_first_save);
  ADD ("media-escape", test_media_escape);
  ADD ("bad-files", test_bad_files);
  ADD ("migration", test_migration);
  ADD ("snapshots", test_snapshots);
  ADD ("autosave", test_autosave);
  ADD ("autosave-overlap", test_autosave_overlap);
#undef ADD

  return g_test_run ();
}
