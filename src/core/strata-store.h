/* strata-store.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * *.strata project files: SQLite, schema version in PRAGMA user_version, WAL, every save one
 * transaction, named snapshots inside the file, autosave beside it written off the main thread.
 */
#pragma once

#include "strata-command.h"
#include "strata-project.h"

G_BEGIN_DECLS

#define STRATA_STORE_SCHEMA_VERSION 1

typedef struct
{
  char   *name;
  gint64  created;   /* unix time, seconds */
} StrataSnapshotInfo;

void           strata_snapshot_info_free      (StrataSnapshotInfo *info);

char          *strata_store_media_dir_for     (const char         *path);
char          *strata_store_autosave_path     (const char         *path);
gboolean       strata_store_save              (StrataProject      *project,
                                               const char         *path,
                                               GError            **error);
StrataProject *strata_store_load              (const char         *path,
                                               GError            **error);
StrataProject *strata_store_load_autosave     (const char         *path,
                                               GError            **error);
gboolean       strata_store_save_snapshot     (StrataProject      *project,
                                               const char         *name,
                                               GError            **error);
GPtrArray     *strata_store_list_snapshots    (const char         *path,
                                               GError            **error);
StrataCommand *strata_store_restore_snapshot  (StrataProject      *project,
                                               const char         *name,
                                               GError            **error);
void           strata_store_autosave_async    (StrataProject      *project,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
gboolean       strata_store_autosave_finish   (GAsyncResult       *result,
                                               GError            **error);

G_END_DECLS
