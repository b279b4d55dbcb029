/* strata-command.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The base command and the few generic commands every edit is made of. Higher-level edits
 * (split a clip, move clips across tracks) are built from these in strata-commands.c.
 */
#define G_LOG_DOMAIN "strata-command"
#include "config.h"
#include "strata-command.h"

#include <gobject/gvaluecollector.h>

typedef struct
{
  char *label;
} StrataCommandPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (StrataCommand, strata_command, G_TYPE_OBJECT)

static void
strata_command_finalize (GObject *object)
{
  StrataCommandPrivate *priv = strata_command_get_instance_private (STRATA_COMMAND (object));

  g_free (priv->label);
  G_OBJECT_CLASS (strata_command_parent_class)->finalize (object);
}

static gboolean
strata_command_real_merge (StrataCommand *self, StrataCommand *next)
{
  return FALSE;
}

static void
strata_command_class_init (StrataCommandClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_command_finalize;
  klass->merge = strata_command_real_merge;
}

static void
strata_command_init (StrataCommand *self)
{
}

const char *
strata_command_get_label (StrataCommand *self)
{
  StrataCommandPrivate *priv;

  g_return_val_if_fail (STRATA_IS_COMMAND (self), NULL);
  priv = strata_command_get_instance_private (self);
  return priv->label ? priv->label : "";
}

void
strata_command_set_label (StrataCommand *self, const char *label)
{
  StrataCommandPrivate *priv;

  g_return_if_fail (STRATA_IS_COMMAND (self));
  priv = strata_command_get_instance_private (self);
  g_free (priv->label);
  priv->label = g_strdup (label);
}

void
strata_command_apply (StrataCommand *self)
{
  g_return_if_fail (STRATA_IS_COMMAND (self));
  STRATA_COMMAND_GET_CLASS (self)->apply (self);
}

void
strata_command_revert (StrataCommand *self)
{
  g_return_if_fail (STRATA_IS_COMMAND (self));
  STRATA_COMMAND_GET_CLASS (self)->revert (self);
}

gboolean
strata_command_merge (StrataCommand *self, StrataCommand *next)
{
  g_return_val_if_fail (STRATA_IS_COMMAND (self), FALSE);
  g_return_val_if_fail (STRATA_IS_COMMAND (next), FALSE);
  return STRATA_COMMAND_GET_CLASS (self)->merge (self, next);
}

/* ---- property ------------------------------------------------------------------------- */

#define STRATA_TYPE_PROPERTY_COMMAND (strata_property_command_get_type ())
G_DECLARE_FINAL_TYPE (StrataPropertyCommand, strata_property_command, STRATA,
                      PROPERTY_COMMAND, StrataCommand)

struct _StrataPropertyCommand
{
  StrataCommand parent_instance;
  GObject      *object;
  GParamSpec   *pspec;
  GValue        old_value;
  GValue        new_value;
  guint         merge_key;
};

G_DEFINE_FINAL_TYPE (StrataPropertyCommand, strata_property_command, STRATA_TYPE_COMMAND)

static void
strata_property_command_apply (StrataCommand *command)
{
  StrataPropertyCommand *self = STRATA_PROPERTY_COMMAND (command);

  g_object_set_property (self->object, self->pspec->name, &self->new_value);
}

static void
strata_property_command_revert (StrataCommand *command)
{
  StrataPropertyCommand *self = STRATA_PROPERTY_COMMAND (command);

  g_object_set_property (self->object, self->pspec->name, &self->old_value);
}

static gboolean
strata_property_command_merge (StrataCommand *command, StrataCommand *next_command)
{
  StrataPropertyCommand *self = STRATA_PROPERTY_COMMAND (command);
  StrataPropertyCommand *next;

  if (!STRATA_IS_PROPERTY_COMMAND (next_command))
    return FALSE;
  next = STRATA_PROPERTY_COMMAND (next_command);
  if (self->merge_key == 0 || self->merge_key != next->merge_key
      || self->object != next->object || self->pspec != next->pspec)
    return FALSE;
  g_value_copy (&next->new_value, &self->new_value);
  return TRUE;
}

static void
strata_property_command_finalize (GObject *object)
{
  StrataPropertyCommand *self = STRATA_PROPERTY_COMMAND (object);

  g_clear_object (&self->object);
  g_value_unset (&self->old_value);
  g_value_unset (&self->new_value);
  G_OBJECT_CLASS (strata_property_command_parent_class)->finalize (object);
}

static void
strata_property_command_class_init (StrataPropertyCommandClass *klass)
{
  StrataCommandClass *command_class = STRATA_COMMAND_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = strata_property_command_finalize;
  command_class->apply = strata_property_command_apply;
  command_class->revert = strata_property_command_revert;
  command_class->merge = strata_property_command_merge;
}

static void
strata_property_command_init (StrataPropertyCommand *self)
{
}

StrataCommand *
strata_property_command_new (gpointer object, const char *property, const GValue *value)
{
  StrataPropertyCommand *self;
  GParamSpec *pspec;
  g_autofree char *label = NULL;

  g_return_val_if_fail (G_IS_OBJECT (object), NULL);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);
  g_return_val_if_fail (pspec != NULL && (pspec->flags & G_PARAM_WRITABLE), NULL);
  g_return_val_if_fail (!(pspec->flags & G_PARAM_CONSTRUCT_ONLY), NULL);

  self = g_object_new (STRATA_TYPE_PROPERTY_COMMAND, NULL);
  self->object = g_object_ref (object);
  self->pspec = pspec;
  g_value_init (&self->old_value, pspec->value_type);
  g_object_get_property (object, property, &self->old_value);
  g_value_init (&self->new_value, pspec->value_type);
  if (!g_value_type_transformable (G_VALUE_TYPE (value), pspec->value_type)
      || !g_value_transform (value, &self->new_value))
    {
      g_critical ("cannot set %s.%s from a %s", G_OBJECT_TYPE_NAME (object), property,
                  G_VALUE_TYPE_NAME (value));
      g_object_unref (self);
      return NULL;
    }
  label = g_strdup_printf ("Change %s", property);
  strata_command_set_label (STRATA_COMMAND (self), label);
  return STRATA_COMMAND (self);
}

/* The value is passed as for g_object_set: a gdouble for a double property, and so on. */
StrataCommand *
strata_property_command_new_value (gpointer object, const char *property, ...)
{
  GParamSpec *pspec;
  GValue value = G_VALUE_INIT;
  g_autofree char *error = NULL;
  StrataCommand *command;
  va_list args;

  g_return_val_if_fail (G_IS_OBJECT (object), NULL);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);
  g_return_val_if_fail (pspec != NULL, NULL);

  va_start (args, property);
  G_VALUE_COLLECT_INIT (&value, pspec->value_type, args, 0, &error);
  va_end (args);
  g_return_val_if_fail (error == NULL, NULL);

  command = strata_property_command_new (object, property, &value);
  g_value_unset (&value);
  return command;
}

void
strata_property_command_set_merge_key (StrataCommand *self, guint merge_key)
{
  g_return_if_fail (STRATA_IS_PROPERTY_COMMAND (self));
  STRATA_PROPERTY_COMMAND (self)->merge_key = merge_key;
}

/* ---- group ---------------------------------------------------------------------------- */

#define STRATA_TYPE_GROUP_COMMAND (strata_group_command_get_type ())
G_DECLARE_FINAL_TYPE (StrataGroupCommand, strata_group_command, STRATA, GROUP_COMMAND,
                      StrataCommand)

struct _StrataGroupCommand
{
  StrataCommand parent_instance;
  GPtrArray    *children;
};

G_DEFINE_FINAL_TYPE (StrataGroupCommand, strata_group_command, STRATA_TYPE_COMMAND)

static void
strata_group_command_apply (StrataCommand *command)
{
  StrataGroupCommand *self = STRATA_GROUP_COMMAND (command);

  for (guint i = 0; i < self->children->len; i++)
    strata_command_apply (g_ptr_array_index (self->children, i));
}

static void
strata_group_command_revert (StrataCommand *command)
{
  StrataGroupCommand *self = STRATA_GROUP_COMMAND (command);

  for (guint i = self->children->len; i > 0; i--)
    strata_command_revert (g_ptr_array_index (self->children, i - 1));
}

static void
strata_group_command_finalize (GObject *object)
{
  g_ptr_array_unref (STRATA_GROUP_COMMAND (object)->children);
  G_OBJECT_CLASS (strata_group_command_parent_class)->finalize (object);
}

static void
strata_group_command_class_init (StrataGroupCommandClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_group_command_finalize;
  STRATA_COMMAND_CLASS (klass)->apply = strata_group_command_apply;
  STRATA_COMMAND_CLASS (klass)->revert = strata_group_command_revert;
}

static void
strata_group_command_init (StrataGroupCommand *self)
{
  self->children = g_ptr_array_new_with_free_func (g_object_unref);
}

StrataCommand *
strata_group_command_new (const char *label)
{
  StrataCommand *self = g_object_new (STRATA_TYPE_GROUP_COMMAND, NULL);

  strata_command_set_label (self, label);
  return self;
}

/* Takes ownership of `child`. A group is built before it is applied. */
void
strata_group_command_add (StrataCommand *group, StrataCommand *child)
{
  g_return_if_fail (STRATA_IS_GROUP_COMMAND (group));
  g_return_if_fail (STRATA_IS_COMMAND (child));
  g_ptr_array_add (STRATA_GROUP_COMMAND (group)->children, child);
}

/* ---- list ----------------------------------------------------------------------------- */

#define STRATA_TYPE_LIST_COMMAND (strata_list_command_get_type ())
G_DECLARE_FINAL_TYPE (StrataListCommand, strata_list_command, STRATA, LIST_COMMAND,
                      StrataCommand)

typedef enum { LIST_INSERT, LIST_REMOVE, LIST_MOVE } ListOp;

struct _StrataListCommand
{
  StrataCommand parent_instance;
  GListStore   *store;
  GObject      *item;
  ListOp        op;
  guint         from;
  guint         to;
};

G_DEFINE_FINAL_TYPE (StrataListCommand, strata_list_command, STRATA_TYPE_COMMAND)

static void
list_move (GListStore *store, guint from, guint to)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), from);

  g_list_store_remove (store, from);
  g_list_store_insert (store, to, item);
}

static void
strata_list_command_apply (StrataCommand *command)
{
  StrataListCommand *self = STRATA_LIST_COMMAND (command);

  switch (self->op)
    {
    case LIST_INSERT:
      g_list_store_insert (self->store, self->to, self->item);
      break;
    case LIST_REMOVE:
      if (!g_list_store_find (self->store, self->item, &self->from))
        g_return_if_reached ();
      g_list_store_remove (self->store, self->from);
      break;
    case LIST_MOVE:
      list_move (self->store, self->from, self->to);
      break;
    }
}

static void
strata_list_command_revert (StrataCommand *command)
{
  StrataListCommand *self = STRATA_LIST_COMMAND (command);

  switch (self->op)
    {
    case LIST_INSERT:
      g_list_store_remove (self->store, self->to);
      break;
    case LIST_REMOVE:
      g_list_store_insert (self->store, self->from, self->item);
      break;
    case LIST_MOVE:
      list_move (self->store, self->to, self->from);
      break;
    }
}

static void
strata_list_command_finalize (GObject *object)
{
  StrataListCommand *self = STRATA_LIST_COMMAND (object);

  g_clear_object (&self->store);
  g_clear_object (&self->item);
  G_OBJECT_CLASS (strata_list_command_parent_class)->finalize (object);
}

static void
strata_list_command_class_init (StrataListCommandClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_list_command_finalize;
  STRATA_COMMAND_CLASS (klass)->apply = strata_list_command_apply;
  STRATA_COMMAND_CLASS (klass)->revert = strata_list_command_revert;
}

static void
strata_list_command_init (StrataListCommand *self)
{
}

static StrataListCommand *
list_command_new (GListStore *store, ListOp op, const char *label)
{
  StrataListCommand *self = g_object_new (STRATA_TYPE_LIST_COMMAND, NULL);

  self->store = g_object_ref (store);
  self->op = op;
  strata_command_set_label (STRATA_COMMAND (self), label);
  return self;
}

StrataCommand *
strata_list_insert_command_new (GListStore *store, guint position, gpointer item)
{
  StrataListCommand *self;

  g_return_val_if_fail (G_IS_LIST_STORE (store), NULL);
  g_return_val_if_fail (G_IS_OBJECT (item), NULL);

  self = list_command_new (store, LIST_INSERT, "Add");
  self->item = g_object_ref (item);
  self->to = position;
  return STRATA_COMMAND (self);
}

StrataCommand *
strata_list_remove_command_new (GListStore *store, gpointer item)
{
  StrataListCommand *self;

  g_return_val_if_fail (G_IS_LIST_STORE (store), NULL);
  g_return_val_if_fail (G_IS_OBJECT (item), NULL);

  self = list_command_new (store, LIST_REMOVE, "Remove");
  self->item = g_object_ref (item);
  return STRATA_COMMAND (self);
}

StrataCommand *
strata_list_move_command_new (GListStore *store, guint from, guint to)
{
  StrataListCommand *self;
  guint n;

  g_return_val_if_fail (G_IS_LIST_STORE (store), NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_return_val_if_fail (from < n && to < n, NULL);

  self = list_command_new (store, LIST_MOVE, "Reorder");
  self->from = from;
  self->to = to;
  return STRATA_COMMAND (self);
}

/* ---- sorted collections ---------------------------------------------------------------- */

#define STRATA_TYPE_COLLECTION_COMMAND (strata_collection_command_get_type ())
G_DECLARE_FINAL_TYPE (StrataCollectionCommand, strata_collection_command, STRATA,
                      COLLECTION_COMMAND, StrataCommand)

struct _StrataCollectionCommand
{
  StrataCommand              parent_instance;
  GObject                   *owner;
  GObject                   *item;
  gboolean                   add;
  StrataCollectionInsertFunc insert_func;
  StrataCollectionRemoveFunc remove_func;
};

G_DEFINE_FINAL_TYPE (StrataCollectionCommand, strata_collection_command, STRATA_TYPE_COMMAND)

static void
collection_do (StrataCollectionCommand *self, gboolean add)
{
  if (add)
    self->insert_func (self->owner, self->item);
  else if (!self->remove_func (self->owner, self->item))
    g_critical ("%s is not in its %s", G_OBJECT_TYPE_NAME (self->item),
                G_OBJECT_TYPE_NAME (self->owner));
}

static void
strata_collection_command_apply (StrataCommand *command)
{
  StrataCollectionCommand *self = STRATA_COLLECTION_COMMAND (command);

  collection_do (self, self->add);
}

static void
strata_collection_command_revert (StrataCommand *command)
{
  StrataCollectionCommand *self = STRATA_COLLECTION_COMMAND (command);

  collection_do (self, !self->add);
}

static void
strata_collection_command_finalize (GObject *object)
{
  StrataCollectionCommand *self = STRATA_COLLECTION_COMMAND (object);

  g_clear_object (&self->owner);
  g_clear_object (&self->item);
  G_OBJECT_CLASS (strata_collection_command_parent_class)->finalize (object);
}

static void
strata_collection_command_class_init (StrataCollectionCommandClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_collection_command_finalize;
  STRATA_COMMAND_CLASS (klass)->apply = strata_collection_command_apply;
  STRATA_COMMAND_CLASS (klass)->revert = strata_collection_command_revert;
}

static void
strata_collection_command_init (StrataCollectionCommand *self)
{
}

StrataCommand *
strata_collection_command_new (gpointer                   owner,
                               gpointer                   item,
                               gboolean                   add,
                               StrataCollectionInsertFunc insert_func,
                               StrataCollectionRemoveFunc remove_func)
{
  StrataCollectionCommand *self;

  g_return_val_if_fail (G_IS_OBJECT (owner) && G_IS_OBJECT (item), NULL);

  self = g_object_new (STRATA_TYPE_COLLECTION_COMMAND, NULL);
  self->owner = g_object_ref (owner);
  self->item = g_object_ref (item);
  self->add = add;
  self->insert_func = insert_func;
  self->remove_func = remove_func;
  strata_command_set_label (STRATA_COMMAND (self), add ? "Add" : "Remove");
  return STRATA_COMMAND (self);
}

/* ---- automation points ---------------------------------------------------------------- */

#define STRATA_TYPE_POINTS_COMMAND (strata_points_command_get_type ())
G_DECLARE_FINAL_TYPE (StrataPointsCommand, strata_points_command, STRATA, POINTS_COMMAND,
                      StrataCommand)

struct _StrataPointsCommand
{
  StrataCommand         parent_instance;
  StrataAutomationLane *lane;
  GArray               *old_points;
  GArray               *new_points;
};

G_DEFINE_FINAL_TYPE (StrataPointsCommand, strata_points_command, STRATA_TYPE_COMMAND)

static void
points_set (StrataPointsCommand *self, GArray *points)
{
  strata_automation_lane_set_points (self->lane, (StrataAutomationPoint *) points->data,
                                     points->len);
}

static void
strata_points_command_apply (StrataCommand *command)
{
  points_set (STRATA_POINTS_COMMAND (command), STRATA_POINTS_COMMAND (command)->new_points);
}

static void
strata_points_command_revert (StrataCommand *command)
{
  points_set (STRATA_POINTS_COMMAND (command), STRATA_POINTS_COMMAND (command)->old_points);
}

static void
strata_points_command_finalize (GObject *object)
{
  StrataPointsCommand *self = STRATA_POINTS_COMMAND (object);

  g_clear_object (&self->lane);
  g_array_unref (self->old_points);
  g_array_unref (self->new_points);
  G_OBJECT_CLASS (strata_points_command_parent_class)->finalize (object);
}

static void
strata_points_command_class_init (StrataPointsCommandClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_points_command_finalize;
  STRATA_COMMAND_CLASS (klass)->apply = strata_points_command_apply;
  STRATA_COMMAND_CLASS (klass)->revert = strata_points_command_revert;
}

static void
strata_points_command_init (StrataPointsCommand *self)
{
  self->old_points = g_array_new (FALSE, FALSE, sizeof (StrataAutomationPoint));
  self->new_points = g_array_new (FALSE, FALSE, sizeof (StrataAutomationPoint));
}

StrataCommand *
strata_points_command_new (StrataAutomationLane        *lane,
                           const StrataAutomationPoint *points,
                           guint                        n_points)
{
  StrataPointsCommand *self;
  const StrataAutomationPoint *old;
  guint n_old;

  g_return_val_if_fail (STRATA_IS_AUTOMATION_LANE (lane), NULL);
  for (guint i = 1; i < n_points; i++)
    g_return_val_if_fail (points[i].frame >= points[i - 1].frame, NULL);

  self = g_object_new (STRATA_TYPE_POINTS_COMMAND, NULL);
  self->lane = g_object_ref (lane);
  old = strata_automation_lane_get_points (lane, &n_old);
  g_array_append_vals (self->old_points, old, n_old);
  g_array_append_vals (self->new_points, points, n_points);
  strata_command_set_label (STRATA_COMMAND (self), "Edit Automation");
  return STRATA_COMMAND (self);
}

/* ---- tempo map ------------------------------------------------------------------------ */

#define STRATA_TYPE_TEMPO_COMMAND (strata_tempo_command_get_type ())
G_DECLARE_FINAL_TYPE (StrataTempoCommand, strata_tempo_command, STRATA, TEMPO_COMMAND,
                      StrataCommand)

struct _StrataTempoCommand
{
  StrataCommand   parent_instance;
  StrataTempoMap *map;
  GArray         *old_segments;
  GArray         *new_segments;
};

G_DEFINE_FINAL_TYPE (StrataTempoCommand, strata_tempo_command, STRATA_TYPE_COMMAND)

static void
tempo_set (StrataTempoCommand *self, GArray *segments)
{
  g_autoptr(GError) error = NULL;

  if (!strata_tempo_map_set_segments (self->map, (StrataTempoSegment *) segments->data,
                                      segments->len, &error))
    g_critical ("tempo map rejected segments it accepted before: %s", error->message);
}

static void
strata_tempo_command_apply (StrataCommand *command)
{
  tempo_set (STRATA_TEMPO_COMMAND (command), STRATA_TEMPO_COMMAND (command)->new_segments);
}

static void
strata_tempo_command_revert (StrataCommand *command)
{
  tempo_set (STRATA_TEMPO_COMMAND (command), STRATA_TEMPO_COMMAND (command)->old_segments);
}

static void
strata_tempo_command_finalize (GObject *object)
{
  StrataTempoCommand *self = STRATA_TEMPO_COMMAND (object);

  g_clear_object (&self->map);
  g_array_unref (self->old_segments);
  g_array_unref (self->new_segments);
  G_OBJECT_CLASS (strata_tempo_command_parent_class)->finalize (object);
}

static void
strata_tempo_command_class_init (StrataTempoCommandClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_tempo_command_finalize;
  STRATA_COMMAND_CLASS (klass)->apply = strata_tempo_command_apply;
  STRATA_COMMAND_CLASS (klass)->revert = strata_tempo_command_revert;
}

static void
strata_tempo_command_init (StrataTempoCommand *self)
{
  self->old_segments = g_array_new (FALSE, FALSE, sizeof (StrataTempoSegment));
  self->new_segments = g_array_new (FALSE, FALSE, sizeof (StrataTempoSegment));
}

StrataCommand *
strata_tempo_command_new (StrataTempoMap           *map,
                          const StrataTempoSegment *segments,
                          guint                     n_segments,
                          GError                  **error)
{
  g_autoptr(StrataTempoMap) check = NULL;
  StrataTempoCommand *self;

  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (map), NULL);

  check = strata_tempo_map_copy (map);
  if (!strata_tempo_map_set_segments (check, segments, n_segments, error))
    return NULL;

  self = g_object_new (STRATA_TYPE_TEMPO_COMMAND, NULL);
  self->map = g_object_ref (map);
  g_array_unref (self->old_segments);
  self->old_segments = strata_tempo_map_dup_segments (map);
  g_array_append_vals (self->new_segments, segments, n_segments);
  strata_command_set_label (STRATA_COMMAND (self), "Change Tempo");
  return STRATA_COMMAND (self);
}
