/* strata-project.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-bus.h"
#include "strata-import.h"
#include "strata-source.h"
#include "strata-timeline.h"
#include "strata-undo-stack.h"

G_BEGIN_DECLS

#define STRATA_TYPE_PROJECT (strata_project_get_type ())
G_DECLARE_FINAL_TYPE (StrataProject, strata_project, STRATA, PROJECT, GObject)

/* The root of the model. Every edit goes through strata_project_push() (the undo stack);
 * "changed" is emitted once per main-loop iteration after any number of edits, which is what
 * the graph compiler and autosave listen to. */
StrataProject   *strata_project_new             (guint          sample_rate);
const char      *strata_project_get_name        (StrataProject *self);
guint            strata_project_get_sample_rate (StrataProject *self);
const char      *strata_project_get_path        (StrataProject *self);
void             strata_project_set_path        (StrataProject *self,
                                                 const char    *path);
const char      *strata_project_get_media_dir   (StrataProject *self);
void             strata_project_set_media_dir   (StrataProject *self,
                                                 const char    *media_dir);
gboolean         strata_project_get_dirty       (StrataProject *self);
GListModel      *strata_project_get_timelines   (StrataProject *self);
StrataTimeline  *strata_project_get_timeline    (StrataProject *self);
GListModel      *strata_project_get_buses       (StrataProject *self);
StrataBus       *strata_project_get_master      (StrataProject *self);
GListModel      *strata_project_get_sources     (StrataProject *self);
StrataUndoStack *strata_project_get_undo_stack  (StrataProject *self);

void             strata_project_push            (StrataProject *self,
                                                 StrataCommand *command);
void             strata_project_queue_changed   (StrataProject *self);
void             strata_project_mark_saved      (StrataProject *self);

StrataStrip     *strata_project_find_strip      (StrataProject *self,
                                                 const char    *id);
StrataBus       *strata_project_find_bus        (StrataProject *self,
                                                 const char    *id);
StrataSource    *strata_project_find_source     (StrataProject *self,
                                                 const char    *id);
StrataSource    *strata_project_find_source_by_hash (StrataProject *self,
                                                     const char    *hash);
char            *strata_project_new_id          (StrataProject *self,
                                                 const char    *prefix);
char            *strata_project_describe_clip   (StrataProject *self,
                                                 StrataClip    *clip);
gboolean         strata_project_check_routing   (StrataProject *self,
                                                 const char    *strip_id,
                                                 const char    *output,
                                                 GError       **error);
gboolean         strata_project_validate        (StrataProject *self,
                                                 GError       **error);
StrataSource    *strata_project_source_for_import (StrataProject            *self,
                                                   const StrataImportResult *result,
                                                   const char               *file_name);
const char      *strata_project_ensure_media_dir (StrataProject *self,
                                                  GError       **error);
/* The media folders untitled projects left when Strata stopped without closing them (a
 * crash), oldest name first; empty ones are removed on the way. */
GPtrArray       *strata_project_find_unsaved_leftovers (void);
/* Makes one of those the private media folder of this project, which has none yet: it is
 * removed with the project, or moves into Song.media/ at the first save. FALSE when it is
 * gone or another Strata took it first. */
gboolean         strata_project_adopt_media_dir (StrataProject *self,
                                                 const char    *dir,
                                                 GError       **error);
/* Lets go of the private media folder without removing it, so that a later start offers it
 * again (the user put off recovering what it holds); the project has no media folder then. */
void             strata_project_release_media_dir (StrataProject *self);
/* The private media folder holds something never added to the project (a take whose import
 * failed): it stays when the project goes, for the next start to offer. Saved projects keep
 * their folder anyway. */
void             strata_project_keep_media_dir    (StrataProject *self);
void             strata_project_swap_content    (StrataProject *self,
                                                 StrataProject *other);

G_END_DECLS
