/* strata-command.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-automation-lane.h"
#include "strata-tempo-map.h"

G_BEGIN_DECLS

#define STRATA_TYPE_COMMAND (strata_command_get_type ())
G_DECLARE_DERIVABLE_TYPE (StrataCommand, strata_command, STRATA, COMMAND, GObject)

/* One user edit: applied and reverted by the undo stack, strictly last-in first-out.
 * `merge` lets a continuous gesture (a fader drag) fold into one undo step: it is asked of
 * the command on top of the stack with the newly pushed one, and returns TRUE when it has
 * absorbed it. */
struct _StrataCommandClass
{
  GObjectClass parent_class;

  void     (*apply)  (StrataCommand *self);
  void     (*revert) (StrataCommand *self);
  gboolean (*merge)  (StrataCommand *self,
                      StrataCommand *next);
};

const char    *strata_command_get_label (StrataCommand *self);
void           strata_command_set_label (StrataCommand *self,
                                         const char    *label);
void           strata_command_apply     (StrataCommand *self);
void           strata_command_revert    (StrataCommand *self);
gboolean       strata_command_merge     (StrataCommand *self,
                                         StrataCommand *next);

/* Sets one property of a model object. With a non-zero merge key, consecutive commands on the
 * same object and property with the same key merge into one. */
StrataCommand *strata_property_command_new       (gpointer      object,
                                                  const char   *property,
                                                  const GValue *value);
StrataCommand *strata_property_command_new_value (gpointer      object,
                                                  const char   *property,
                                                  ...);
void           strata_property_command_set_merge_key (StrataCommand *self,
                                                      guint          merge_key);

/* Several commands as one undo step: applied in order, reverted in reverse. */
StrataCommand *strata_group_command_new          (const char    *label);
void           strata_group_command_add          (StrataCommand *group,
                                                  StrataCommand *child);

/* Inserts an item into, removes one from, or moves one within a plain ordered list. */
StrataCommand *strata_list_insert_command_new    (GListStore    *store,
                                                  guint          position,
                                                  gpointer       item);
StrataCommand *strata_list_remove_command_new    (GListStore    *store,
                                                  gpointer       item);
StrataCommand *strata_list_move_command_new      (GListStore    *store,
                                                  guint          from,
                                                  guint          to);

/* Adds an item to, or removes one from, a collection that keeps its own order (clips on a
 * track, markers on a timeline) through the owner's insert and remove functions. */
typedef void     (*StrataCollectionInsertFunc) (gpointer owner,
                                                gpointer item);
typedef gboolean (*StrataCollectionRemoveFunc) (gpointer owner,
                                                gpointer item);
StrataCommand *strata_collection_command_new     (gpointer                   owner,
                                                  gpointer                   item,
                                                  gboolean                   add,
                                                  StrataCollectionInsertFunc insert_func,
                                                  StrataCollectionRemoveFunc remove_func);

/* Replaces the points of an automation lane. */
StrataCommand *strata_points_command_new         (StrataAutomationLane        *lane,
                                                  const StrataAutomationPoint *points,
                                                  guint                        n_points);

/* Replaces the segments of a tempo map; NULL with an error when they are invalid. */
StrataCommand *strata_tempo_command_new          (StrataTempoMap           *map,
                                                  const StrataTempoSegment *segments,
                                                  guint                     n_segments,
                                                  GError                  **error);

G_END_DECLS
