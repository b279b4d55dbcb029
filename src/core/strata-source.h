/* strata-source.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define STRATA_TYPE_SOURCE (strata_source_get_type ())
G_DECLARE_FINAL_TYPE (StrataSource, strata_source, STRATA, SOURCE, GObject)

/* A media pool entry: decoded audio at the project rate. `path` is the path as the project
 * writes it (relative to the media folder, or absolute for a file the user picked);
 * `file_path` is where it resolved on this machine. */
StrataSource *strata_source_new           (const char   *id,
                                           const char   *path,
                                           guint         channels,
                                           gint64        frames);
const char   *strata_source_get_id        (StrataSource *self);
const char   *strata_source_get_name      (StrataSource *self);
void          strata_source_set_name      (StrataSource *self,
                                           const char   *name);
const char   *strata_source_get_path      (StrataSource *self);
const char   *strata_source_get_file_path (StrataSource *self);
void          strata_source_set_file_path (StrataSource *self,
                                           const char   *file_path);
const char   *strata_source_get_hash      (StrataSource *self);
void          strata_source_set_hash      (StrataSource *self,
                                           const char   *hash);
guint         strata_source_get_channels  (StrataSource *self);
char         *strata_media_resolve_path   (const char   *base_dir,
                                           const char   *path,
                                           GError      **error);
gint64        strata_source_get_frames    (StrataSource *self);

G_END_DECLS
