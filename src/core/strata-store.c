/* strata-store.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project is kept as JSON documents in SQLite rows: one for the song (tempo, markers,
 * ranges, master), one per bus and track, and a media table with what the media pool knows
 * of each file. A save rewrites the rows in one transaction, so a crash at any moment leaves
 * the previous or the new project. The rows are made on the main thread (fast) and written on
 * any thread, which is what lets autosave run without blocking the UI.
 */
#define G_LOG_DOMAIN "strata-store"
#include "config.h"
#include "strata-store.h"
#include "strata-commands.h"
#include "strata-error.h"
#include "strata-json.h"

#include <errno.h>
#include <signal.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <sqlite3.h>
#include <string.h>

typedef struct
{
  char  *project;    /* the song without media, buses and tracks */
  char  *media;      /* JSON array: id, path, name, x-channels, x-frames, x-hash */
  GPtrArray *bus_ids, *buses, *track_ids, *tracks;
} Docs;

static void
docs_free (Docs *docs)
{
  g_free (docs->project);
  g_free (docs->media);
  g_ptr_array_unref (docs->bus_ids);
  g_ptr_array_unref (docs->buses);
  g_ptr_array_unref (docs->track_ids);
  g_ptr_array_unref (docs->tracks);
  g_free (docs);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Docs, docs_free)

/* Each schema version's migration from the one before; index 0 creates version 1. */
static const char *const migrations[] = {
  "CREATE TABLE project (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE media (position INTEGER PRIMARY KEY, document TEXT NOT NULL);"
  "CREATE TABLE strips (kind TEXT NOT NULL, position INTEGER NOT NULL, id TEXT NOT NULL,"
  "                     document TEXT NOT NULL, PRIMARY KEY (kind, position));"
  "CREATE TABLE snapshots (name TEXT PRIMARY KEY, created INTEGER NOT NULL,"
  "                        document TEXT NOT NULL);",
};
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == STRATA_STORE_SCHEMA_VERSION);

void
strata_snapshot_info_free (StrataSnapshotInfo *info)
{
  g_free (info->name);
  g_free (info);
}

char *
strata_store_media_dir_for (const char *path)
{
  g_autofree char *stem = g_str_has_suffix (path, ".strata")
                            ? g_strndup (path, strlen (path) - strlen (".strata"))
                            : g_strdup (path);
  return g_strconcat (stem, ".media", NULL);
}

char *
strata_store_autosave_path (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strdup_printf (".%s.autosave", base);

  return g_build_filename (dir, name, NULL);
}

static gboolean
db_fail (sqlite3 *db, const char *path, GError **error)
{
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, "%s: %s", path,
               db ? sqlite3_errmsg (db) : "out of memory");
  return FALSE;
}

static gboolean
db_exec (sqlite3 *db, const char *path, const char *sql, GError **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_fail (db, path, error);
  return TRUE;
}

static int
db_user_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* Opens a project database, creating or migrating its schema when `writable`. */
static sqlite3 *
db_open (const char *path, gboolean create, GError **error)
{
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  int version;

  if (sqlite3_open_v2 (path, &db, flags, NULL) != SQLITE_OK)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot open: %s"), path,
                   db ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 5000);
  version = db_user_version (db);
  if (version < 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("%s: not a Strata project (%s)"),
                   path, sqlite3_errmsg (db));
      sqlite3_close (db);
      return NULL;
    }
  if (version > STRATA_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_VERSION,
                   _("%s: written by a newer Strata (file version %d, this one reads up to %d)"),
                   path, version, STRATA_STORE_SCHEMA_VERSION);
      sqlite3_close (db);
      return NULL;
    }
  /* Refuse a file that is not a project before anything is written to it (switching the
   * journal to WAL rewrites the header of another application's database). */
  if (version == 0 && !create)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("%s: not a Strata project"), path);
      sqlite3_close (db);
      return NULL;
    }
  if (!db_exec (db, path, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", error))
    {
      sqlite3_close (db);
      return NULL;
    }
  for (; version < STRATA_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *sql = g_strdup_printf ("BEGIN IMMEDIATE; %s PRAGMA user_version = %d; "
                                              "COMMIT;", migrations[version], version + 1);
      if (!db_exec (db, path, sql, error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          sqlite3_close (db);
          return NULL;
        }
    }
  return db;
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/* The whole project as one JSON tree, with what the media pool knows of each file. This is
 * the part that reads the model, so it runs on the main thread. */
static JsonNode *
docs_tree (StrataProject *project, const char *media_dir)
{
  JsonNode *root = strata_json_serialize (project, media_dir);
  JsonArray *media = json_object_get_array_member (json_node_get_object (root), "media");
  GListModel *sources = strata_project_get_sources (project);

  for (guint i = 0; i < json_array_get_length (media); i++)
    {
      g_autoptr(StrataSource) source = g_list_model_get_item (sources, i);
      JsonObject *entry = json_array_get_object_element (media, i);

      json_object_set_int_member (entry, "x-channels", strata_source_get_channels (source));
      json_object_set_int_member (entry, "x-frames", strata_source_get_frames (source));
      if (strata_source_get_hash (source))
        json_object_set_string_member (entry, "x-hash", strata_source_get_hash (source));
    }
  return root;
}

/* Splits the tree into the rows a save writes; any thread. Takes the tree. */
static Docs *
docs_from_tree (JsonNode *tree)
{
  g_autoptr(JsonNode) root = tree;
  JsonObject *object = json_node_get_object (root);
  Docs *docs = g_new0 (Docs, 1);
  struct { const char *key; GPtrArray **ids, **docs; } lists[] = {
    { "buses", &docs->bus_ids, &docs->buses },
    { "tracks", &docs->track_ids, &docs->tracks },
  };

  docs->media = node_to_string (json_object_get_member (object, "media"));

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      JsonArray *array = json_object_get_array_member (object, lists[l].key);

      *lists[l].ids = g_ptr_array_new_with_free_func (g_free);
      *lists[l].docs = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_ptr_array_add (*lists[l].ids,
                           g_strdup (json_object_get_string_member (json_node_get_object (element),
                                                                    "id")));
          g_ptr_array_add (*lists[l].docs, node_to_string (element));
        }
    }
  json_object_remove_member (object, "media");
  json_object_remove_member (object, "buses");
  json_object_remove_member (object, "tracks");
  docs->project = node_to_string (root);
  return docs;
}

/* Media paths are written relative to the media folder when the file is inside it. */
static Docs *
docs_new (StrataProject *project, const char *media_dir)
{
  return docs_from_tree (docs_tree (project, media_dir));
}

static gboolean
bind_text_step (sqlite3 *db, sqlite3_stmt *stmt, const char *path, GError **error)
{
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE;

  if (!ok)
    db_fail (db, path, error);
  sqlite3_reset (stmt);
  return ok;
}

/* Writes all rows in one transaction. */
static gboolean
docs_write (Docs *docs, sqlite3 *db, const char *path, GError **error)
{
  sqlite3_stmt *strip = NULL, *project = NULL;
  gboolean ok = FALSE;
  struct { const char *kind; GPtrArray *ids, *docs; } lists[] = {
    { "bus", docs->bus_ids, docs->buses }, { "track", docs->track_ids, docs->tracks },
  };

  if (!db_exec (db, path, "BEGIN IMMEDIATE; DELETE FROM strips; DELETE FROM media;", error))
    return FALSE;
  if (sqlite3_prepare_v2 (db, "INSERT INTO strips (kind, position, id, document) "
                              "VALUES (?, ?, ?, ?)", -1, &strip, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO project (key, value) VALUES (?, ?)",
                             -1, &project, NULL) != SQLITE_OK)
    {
      db_fail (db, path, error);
      goto out;
    }
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l].docs->len; i++)
      {
        sqlite3_bind_text (strip, 1, lists[l].kind, -1, SQLITE_STATIC);
        sqlite3_bind_int (strip, 2, i);
        sqlite3_bind_text (strip, 3, lists[l].ids->pdata[i], -1, SQLITE_STATIC);
        sqlite3_bind_text (strip, 4, lists[l].docs->pdata[i], -1, SQLITE_STATIC);
        if (!bind_text_step (db, strip, path, error))
          goto out;
      }
  sqlite3_bind_text (project, 1, "song", -1, SQLITE_STATIC);
  sqlite3_bind_text (project, 2, docs->project, -1, SQLITE_STATIC);
  if (!bind_text_step (db, project, path, error))
    goto out;
  sqlite3_bind_text (project, 1, "media", -1, SQLITE_STATIC);
  sqlite3_bind_text (project, 2, docs->media, -1, SQLITE_STATIC);
  if (!bind_text_step (db, project, path, error))
    goto out;
  ok = db_exec (db, path, "COMMIT", error);

out:
  sqlite3_finalize (strip);
  sqlite3_finalize (project);
  if (!ok)
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

/* A save killed half way leaves its temporary file (and SQLite's -wal and -shm beside it).
 * The next save removes those of processes that are gone; the pid is in the name. */
static void
remove_stale_temp_files (const char *path)
{
  g_autofree char *dir_name = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".tmp-", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      const char *digits = name + strlen (prefix);
      g_autofree char *stale = NULL;
      char *end = NULL;
      gint64 pid;

      if (!g_str_has_prefix (name, prefix))
        continue;
      pid = g_ascii_strtoll (digits, &end, 10);
      if (end == digits || (*end != '\0' && *end != '-') || pid <= 0 || pid > G_MAXINT
          || pid == getpid () || kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
        continue;
      stale = g_build_filename (dir_name, name, NULL);
      g_unlink (stale);
    }
}

/* Writes `docs` to `path`. A file that exists is rewritten in one transaction (keeping its
 * snapshots); a new one is built beside it and renamed into place, so that no reader ever
 * sees a half-made project. The temporary name is unique to the call, as two threads may
 * save at once. */
static gboolean
docs_save (Docs *docs, const char *path, GError **error)
{
  static gint counter;
  g_autofree char *tmp = NULL;
  sqlite3 *db;
  gboolean ok;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if ((db = db_open (path, FALSE, error)) == NULL)
        return FALSE;
      ok = docs_write (docs, db, path, error);
      sqlite3_close (db);
      return ok;
    }

  remove_stale_temp_files (path);
  tmp = g_strdup_printf ("%s.tmp-%d-%d", path, (int) getpid (),
                         g_atomic_int_add (&counter, 1));
  g_unlink (tmp);
  if ((db = db_open (tmp, TRUE, error)) == NULL)
    return FALSE;
  ok = docs_write (docs, db, path, error)
       && db_exec (db, path, "PRAGMA wal_checkpoint(TRUNCATE)", error);
  sqlite3_close (db);
  if (ok && g_rename (tmp, path) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot write: %s"), path,
                   g_strerror (saved_errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  return ok;
}

/* Autosaves may overlap (a timer firing while the last one still writes): they write one at
 * a time, and one older than what its file already holds is dropped. */
static GMutex autosave_lock;
static GHashTable *autosave_written;   /* autosave path -> serial last written */
static guint64 autosave_serial;

/* A hard link where the file system allows it (instant, no space), else a copy; an existing
 * target holds the same content (media is named by its hash) and is kept. */
static gboolean
copy_file (const char *from, const char *to, GError **error)
{
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) target = NULL;
  g_autoptr(GError) local_error = NULL;

  if (g_file_test (to, G_FILE_TEST_EXISTS) || link (from, to) == 0)
    return TRUE;
  source = g_file_new_for_path (from);
  target = g_file_new_for_path (to);
  if (!g_file_copy (source, target, G_FILE_COPY_NONE, NULL, NULL, NULL, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot copy %s into %s: %s"), from, to,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* After a save the autosave beside it is older than the file: remove it, and make the
 * autosaves still running (started before this save) drop what they would write. */
static void
discard_autosave (const char *path)
{
  g_autofree char *autosave = strata_store_autosave_path (path);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&autosave_lock);
  const char *suffixes[] = { "", "-wal", "-shm" };

  if (autosave_written == NULL)
    autosave_written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (autosave_written, g_strdup (autosave),
                       g_memdup2 (&autosave_serial, sizeof autosave_serial));
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (autosave, suffixes[i], NULL);
      g_unlink (file);
    }
}

/* <hash>.peaks beside <hash>.wav */
static char *
peaks_path_for (const char *media)
{
  gsize stem = g_str_has_suffix (media, ".wav") ? strlen (media) - 4 : strlen (media);

  return g_strdup_printf ("%.*s.peaks", (int) stem, media);
}

/* Media the project keeps in a folder of its own (a never-saved project's private folder, or
 * the old Song.media/ on Save As) moves along into the new media folder; files the user
 * picked elsewhere stay where they are. */
static gboolean
gather_media (StrataProject *project, const char *media_dir, GError **error)
{
  const char *old_dir = strata_project_get_media_dir (project);
  GListModel *sources = strata_project_get_sources (project);
  g_autofree char *prefix = NULL;

  if (old_dir == NULL || g_str_equal (old_dir, media_dir))
    return TRUE;
  prefix = g_strconcat (old_dir, G_DIR_SEPARATOR_S, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(StrataSource) source = g_list_model_get_item (sources, i);
      const char *file = strata_source_get_file_path (source);
      g_autofree char *target = NULL;
      g_autofree char *target_dir = NULL;
      g_autofree char *peaks = NULL;
      g_autofree char *peaks_target = NULL;

      /* A file already missing stays a missing file where it was. */
      if (file == NULL || !g_str_has_prefix (file, prefix)
          || !g_file_test (file, G_FILE_TEST_IS_REGULAR))
        continue;
      target = g_build_filename (media_dir, file + strlen (prefix), NULL);
      target_dir = g_path_get_dirname (target);
      if (g_mkdir_with_parents (target_dir, 0755) != 0 || !copy_file (file, target, error))
        {
          if (error && *error == NULL)
            g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot create: %s"),
                         target_dir, g_strerror (errno));
          return FALSE;
        }
      /* The waveform overview travels with its media. */
      peaks = peaks_path_for (file);
      peaks_target = peaks_path_for (target);
      if (g_file_test (peaks, G_FILE_TEST_IS_REGULAR))
        copy_file (peaks, peaks_target, NULL);
      strata_source_set_file_path (source, target);
    }
  return TRUE;
}

gboolean
strata_store_save (StrataProject *project, const char *path, GError **error)
{
  g_autofree char *media_dir = strata_store_media_dir_for (path);
  g_autofree char *real_media = g_canonicalize_filename (media_dir, NULL);
  g_autoptr(Docs) docs = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  {
    g_autofree char *folder = g_path_get_dirname (path);
    if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
      {
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot save: no folder %s"),
                     path, folder);
        return FALSE;
      }
  }
  if (g_mkdir_with_parents (media_dir, 0755) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("%s: cannot create the media folder: %s"),
                   media_dir, g_strerror (saved_errno));
      return FALSE;
    }
  if (!gather_media (project, real_media, error))
    return FALSE;
  docs = docs_new (project, real_media);
  if (!docs_save (docs, path, error))
    return FALSE;
  discard_autosave (path);
  strata_project_set_path (project, path);
  strata_project_set_media_dir (project, real_media);
  strata_project_mark_saved (project);
  return TRUE;
}

/* ---- loading ---------------------------------------------------------------------------- */

typedef struct
{
  const char *media_dir;
  GHashTable *entries;    /* id -> JsonObject */
} StoreMedia;

/* Media of a stored project: the path must stay inside the media folder (or be a file the user
 * picked), and the media pool's own record gives the channels, length and hash. */
static gboolean
store_media_cb (const char *id, const char *path, guint project_rate, char **file_path,
                guint *channels, gint64 *frames, char **hash, gpointer data, GError **error)
{
  StoreMedia *media = data;
  JsonObject *entry = g_hash_table_lookup (media->entries, id);
  gint64 n_channels;

  *file_path = strata_media_resolve_path (media->media_dir, path, error);
  if (*file_path == NULL)
    return FALSE;
  n_channels = entry ? json_object_get_int_member_with_default (entry, "x-channels", 0) : 0;
  *frames = entry ? json_object_get_int_member_with_default (entry, "x-frames", -1) : -1;
  if ((n_channels != 1 && n_channels != 2) || *frames < 0)
    {
      g_clear_pointer (file_path, g_free);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("the record of media '%s' is damaged"), id);
      return FALSE;
    }
  *channels = (guint) n_channels;
  *hash = g_strdup (json_object_get_string_member_with_default (entry, "x-hash", NULL));
  return TRUE;
}

static StrataProject *
load_document (JsonNode *root, const char *where, const char *media_dir, GError **error)
{
  StoreMedia media = { media_dir, g_hash_table_new (g_str_hash, g_str_equal) };
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *entries = object && json_object_has_member (object, "media")
                         ? json_object_get_array_member (object, "media") : NULL;
  g_autoptr(GError) local_error = NULL;
  StrataProject *project;

  for (guint i = 0; entries && i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *entry = json_node_get_object (node);
          const char *id = json_object_get_string_member_with_default (entry, "id", NULL);
          if (id)
            g_hash_table_insert (media.entries, (gpointer) id, entry);
        }
    }
  project = strata_json_load_node (root, store_media_cb, &media, &local_error);
  g_hash_table_unref (media.entries);
  if (project == NULL)
    g_set_error (error, STRATA_ERROR, local_error->code, "%s: %s", where, local_error->message);
  return project;
}

static JsonNode *
parse (const char *text, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

/* Rebuilds the whole JSON document from the rows. */
static JsonNode *
read_document (sqlite3 *db, const char *path, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) media = NULL;
  JsonArray *buses = json_array_new (), *tracks = json_array_new ();
  g_autoptr(GError) local_error = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT key, value FROM project", -1, &stmt, NULL) != SQLITE_OK)
    goto db_error;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      JsonNode **slot = g_strcmp0 (key, "song") == 0 ? &root
                        : g_strcmp0 (key, "media") == 0 ? &media : NULL;
      if (slot && (*slot = parse ((const char *) sqlite3_column_text (stmt, 1), &local_error))
                    == NULL)
        goto parse_error;
    }
  if (rc != SQLITE_DONE)
    goto db_error;
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) || media == NULL
      || !JSON_NODE_HOLDS_ARRAY (media))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("%s: the project record is missing"),
                   path);
      goto fail;
    }

  if (sqlite3_prepare_v2 (db, "SELECT kind, document FROM strips ORDER BY kind, position", -1,
                          &stmt, NULL) != SQLITE_OK)
    goto db_error;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *kind = (const char *) sqlite3_column_text (stmt, 0);
      JsonNode *doc = parse ((const char *) sqlite3_column_text (stmt, 1), &local_error);
      if (doc == NULL)
        goto parse_error;
      json_array_add_element (g_strcmp0 (kind, "bus") == 0 ? buses : tracks, doc);
    }
  if (rc != SQLITE_DONE)
    goto db_error;
  sqlite3_finalize (stmt);

  json_object_set_member (json_node_get_object (root), "media", g_steal_pointer (&media));
  json_object_set_array_member (json_node_get_object (root), "buses", buses);
  json_object_set_array_member (json_node_get_object (root), "tracks", tracks);
  return g_steal_pointer (&root);

parse_error:
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("%s: a record is damaged: %s"), path,
               local_error ? local_error->message : "empty");
  goto fail;
db_error:
  db_fail (db, path, error);
fail:
  sqlite3_finalize (stmt);
  json_array_unref (buses);
  json_array_unref (tracks);
  return NULL;
}

static StrataProject *
load_file (const char *file, const char *path, GError **error)
{
  g_autofree char *media_dir = NULL;
  g_autofree char *real_media = NULL;
  g_autoptr(JsonNode) root = NULL;
  StrataProject *project;
  sqlite3 *db;

  if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: no such project file"), file);
      return NULL;
    }
  if ((db = db_open (file, FALSE, error)) == NULL)
    return NULL;
  root = read_document (db, file, error);
  sqlite3_close (db);
  if (root == NULL)
    return NULL;

  media_dir = strata_store_media_dir_for (path);
  real_media = g_canonicalize_filename (media_dir, NULL);
  project = load_document (root, file, real_media, error);
  if (project == NULL)
    return NULL;
  strata_project_set_path (project, path);
  strata_project_set_media_dir (project, real_media);
  return project;
}

StrataProject *
strata_store_load (const char *path, GError **error)
{
  StrataProject *project;

  g_return_val_if_fail (path != NULL, NULL);
  project = load_file (path, path, error);
  if (project)
    strata_project_mark_saved (project);
  return project;
}

/* The autosaved state of the project at `path`, as unsaved changes to it, or NULL with
 * G_IO_ERROR_NOT_FOUND when there is none. */
StrataProject *
strata_store_load_autosave (const char *path, GError **error)
{
  g_autofree char *autosave = strata_store_autosave_path (path);
  StrataProject *project;

  g_return_val_if_fail (path != NULL, NULL);
  if (!g_file_test (autosave, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s: no autosave"), path);
      return NULL;
    }
  project = load_file (autosave, path, error);
  if (project)
    {
      /* Make it dirty: what was recovered is not saved yet. */
      strata_undo_stack_mark_clean (strata_project_get_undo_stack (project));
      strata_project_push (project, strata_group_command_new ("Recover Autosave"));
    }
  return project;
}

/* ---- snapshots -------------------------------------------------------------------------- */

static char *
docs_assemble (Docs *docs)
{
  g_autoptr(GString) text = g_string_new (NULL);
  struct { const char *key; GPtrArray *docs; } lists[] = {
    { "buses", docs->buses }, { "tracks", docs->tracks },
  };

  /* The song document is an object: splice the lists in before its closing brace. */
  g_string_append_len (text, docs->project, strlen (docs->project) - 1);
  g_string_append_printf (text, ",\"media\":%s", docs->media);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      g_string_append_printf (text, ",\"%s\":[", lists[l].key);
      for (guint i = 0; i < lists[l].docs->len; i++)
        g_string_append_printf (text, "%s%s", i ? "," : "", (char *) lists[l].docs->pdata[i]);
      g_string_append_c (text, ']');
    }
  g_string_append_c (text, '}');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
require_path (StrataProject *project, GError **error)
{
  const char *path = strata_project_get_path (project);

  if (path == NULL)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_STATE,
                 _("save the project before using snapshots"));
  return path;
}

/* Stores the current state (saved or not) under `name`, replacing a snapshot of that name. */
gboolean
strata_store_save_snapshot (StrataProject *project, const char *name, GError **error)
{
  const char *path = require_path (project, error);
  g_autoptr(Docs) docs = NULL;
  g_autofree char *document = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok;
  sqlite3 *db;

  if (path == NULL)
    return FALSE;
  if (name == NULL || *name == '\0')
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID, _("a snapshot needs a name"));
      return FALSE;
    }
  docs = docs_new (project, strata_project_get_media_dir (project));
  document = docs_assemble (docs);
  if ((db = db_open (path, FALSE, error)) == NULL)
    return FALSE;
  ok = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO snapshots (name, created, document) "
                               "VALUES (?, ?, ?)", -1, &stmt, NULL) == SQLITE_OK;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
      sqlite3_bind_text (stmt, 3, document, -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
    }
  if (!ok)
    db_fail (db, path, error);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}

/* Newest first; an array of StrataSnapshotInfo. */
GPtrArray *
strata_store_list_snapshots (const char *path, GError **error)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_snapshot_info_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  if ((db = db_open (path, FALSE, error)) == NULL)
    return (g_ptr_array_unref (list), NULL);
  if (sqlite3_prepare_v2 (db, "SELECT name, created FROM snapshots "
                              "ORDER BY created DESC, rowid DESC", -1, &stmt, NULL) == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        StrataSnapshotInfo *info = g_new0 (StrataSnapshotInfo, 1);
        info->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        info->created = sqlite3_column_int64 (stmt, 1);
        g_ptr_array_add (list, info);
      }
  else
    rc = SQLITE_ERROR;
  if (rc != SQLITE_DONE)
    {
      db_fail (db, path, error);
      g_clear_pointer (&list, g_ptr_array_unref);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return list;
}

/* A command that brings back snapshot `name`; pushing it restores, undoing it returns to the
 * state before. */
StrataCommand *
strata_store_restore_snapshot (StrataProject *project, const char *name, GError **error)
{
  const char *path = require_path (project, error);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(StrataProject) content = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *where = NULL;
  sqlite3_stmt *stmt = NULL;
  StrataCommand *command;
  sqlite3 *db;

  if (path == NULL || (db = db_open (path, FALSE, error)) == NULL)
    return NULL;
  if (sqlite3_prepare_v2 (db, "SELECT document FROM snapshots WHERE name = ?", -1, &stmt,
                          NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        root = parse ((const char *) sqlite3_column_text (stmt, 0), &local_error);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  if (root == NULL)
    {
      g_set_error (error, STRATA_ERROR, local_error ? STRATA_ERROR_PARSE : STRATA_ERROR_NOT_FOUND,
                   local_error ? _("%s: damaged snapshot '%s'") : _("%s: no snapshot '%s'"), path,
                   name);
      return NULL;
    }
  where = g_strdup_printf (_("%s (snapshot '%s')"), path, name);
  content = load_document (root, where, strata_project_get_media_dir (project), error);
  if (content == NULL)
    return NULL;
  command = strata_commands_replace_content (project, content);
  {
    g_autofree char *label = g_strdup_printf ("Restore Snapshot “%s”", name);
    strata_command_set_label (command, label);
  }
  return command;
}

/* ---- autosave --------------------------------------------------------------------------- */

typedef struct
{
  JsonNode *tree;
  char     *path;
  guint64   serial;    /* order of the autosave_async() calls */
} AutosaveJob;


static void
autosave_job_free (AutosaveJob *job)
{
  g_clear_pointer (&job->tree, json_node_unref);
  g_free (job->path);
  g_free (job);
}

static void
autosave_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AutosaveJob *job = data;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(Docs) docs = NULL;
  GError *error = NULL;
  gpointer written;

  if (g_task_return_error_if_cancelled (task))
    return;
  locker = g_mutex_locker_new (&autosave_lock);
  if (autosave_written == NULL)
    autosave_written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  written = g_hash_table_lookup (autosave_written, job->path);
  if (written != NULL && *(guint64 *) written >= job->serial)
    g_task_return_boolean (task, TRUE);
  else if (docs_save ((docs = docs_from_tree (g_steal_pointer (&job->tree))), job->path,
                      &error))
    {
      g_hash_table_insert (autosave_written, g_strdup (job->path),
                           g_memdup2 (&job->serial, sizeof job->serial));
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

/* Builds the project's JSON tree on the calling thread and turns it into rows and writes the
 * autosave file beside the project on a worker thread. A project never saved autosaves
 * nowhere; a save makes every autosave started before it obsolete. */
void
strata_store_autosave_async (StrataProject *project, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (project, cancellable, callback, user_data);
  const char *path = strata_project_get_path (project);
  AutosaveJob *job;

  g_task_set_source_tag (task, strata_store_autosave_async);
  if (path == NULL)
    {
      g_task_return_new_error (task, STRATA_ERROR, STRATA_ERROR_STATE,
                               _("the project has not been saved yet"));
      return;
    }
  job = g_new0 (AutosaveJob, 1);
  job->tree = docs_tree (project, strata_project_get_media_dir (project));
  job->path = strata_store_autosave_path (path);
  g_mutex_lock (&autosave_lock);
  job->serial = ++autosave_serial;
  g_mutex_unlock (&autosave_lock);
  g_task_set_task_data (task, job, (GDestroyNotify) autosave_job_free);
  g_task_run_in_thread (task, autosave_thread);
}

gboolean
strata_store_autosave_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
