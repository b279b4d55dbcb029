/* strata-json.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The JSON interchange format of project-format.md: strict reading with errors that name the
 * JSON path of the bad value, and writing that reads back to the same project.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "strata-project.h"

G_BEGIN_DECLS

/* Describes media entry `id` at `path` (as written): fills in where the file is, its channels
 * and frames at the project rate, and its content hash if known. */
typedef gboolean (*StrataMediaFunc) (const char  *id,
                                     const char  *path,
                                     guint        project_rate,
                                     char       **file_path,
                                     guint       *channels,
                                     gint64      *frames,
                                     char       **hash,
                                     gpointer     user_data,
                                     GError     **error);

StrataProject *strata_json_load_file    (const char     *path,
                                         GError        **error);
StrataProject *strata_json_load_data    (const char     *data,
                                         gssize          length,
                                         const char     *base_dir,
                                         GError        **error);
StrataProject *strata_json_load_node    (JsonNode       *root,
                                         StrataMediaFunc media_func,
                                         gpointer        media_data,
                                         GError        **error);
gboolean       strata_json_probe_media  (const char     *id,
                                         const char     *path,
                                         guint           project_rate,
                                         char          **file_path,
                                         guint          *channels,
                                         gint64         *frames,
                                         char          **hash,
                                         gpointer        base_dir,
                                         GError        **error);

JsonNode      *strata_json_serialize    (StrataProject  *project,
                                         const char     *base_dir);
char          *strata_json_to_data      (StrataProject  *project,
                                         const char     *base_dir,
                                         gsize          *length);
gboolean       strata_json_save_file    (StrataProject  *project,
                                         const char     *path,
                                         GError        **error);

G_END_DECLS
