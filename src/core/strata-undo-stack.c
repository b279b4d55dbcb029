/* strata-undo-stack.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-undo"
#include "config.h"
#include "strata-undo-stack.h"

struct _StrataUndoStack
{
  GObject    parent_instance;
  GPtrArray *commands;     /* [0, position) are done, [position, len) can be redone */
  guint      position;
  gint64     clean;        /* position at the last save; -1 when that state is gone */
  gboolean   sealed;       /* the top command may not absorb the next push */
};

G_DEFINE_FINAL_TYPE (StrataUndoStack, strata_undo_stack, G_TYPE_OBJECT)

enum { PROP_0, PROP_CAN_UNDO, PROP_CAN_REDO, PROP_UNDO_LABEL, PROP_REDO_LABEL, PROP_CLEAN,
       N_PROPS };
enum { CHANGED, N_SIGNALS };
static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
strata_undo_stack_get_property (GObject *object, guint prop_id, GValue *value,
                                GParamSpec *pspec)
{
  StrataUndoStack *self = STRATA_UNDO_STACK (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO: g_value_set_boolean (value, strata_undo_stack_can_undo (self)); break;
    case PROP_CAN_REDO: g_value_set_boolean (value, strata_undo_stack_can_redo (self)); break;
    case PROP_UNDO_LABEL:
      g_value_set_string (value, strata_undo_stack_get_undo_label (self));
      break;
    case PROP_REDO_LABEL:
      g_value_set_string (value, strata_undo_stack_get_redo_label (self));
      break;
    case PROP_CLEAN: g_value_set_boolean (value, strata_undo_stack_is_clean (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_undo_stack_finalize (GObject *object)
{
  g_ptr_array_unref (STRATA_UNDO_STACK (object)->commands);
  G_OBJECT_CLASS (strata_undo_stack_parent_class)->finalize (object);
}

static void
strata_undo_stack_class_init (StrataUndoStackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = strata_undo_stack_finalize;
  object_class->get_property = strata_undo_stack_get_property;

  properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE, ro);
  properties[PROP_UNDO_LABEL] = g_param_spec_string ("undo-label", NULL, NULL, NULL, ro);
  properties[PROP_REDO_LABEL] = g_param_spec_string ("redo-label", NULL, NULL, NULL, ro);
  properties[PROP_CLEAN] = g_param_spec_boolean ("clean", NULL, NULL, TRUE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
strata_undo_stack_init (StrataUndoStack *self)
{
  self->commands = g_ptr_array_new_with_free_func (g_object_unref);
  self->sealed = TRUE;
}

StrataUndoStack *
strata_undo_stack_new (void)
{
  return g_object_new (STRATA_TYPE_UNDO_STACK, NULL);
}

/* What the properties read before a change, so that only those that changed are notified. */
typedef struct
{
  gboolean can_undo;
  gboolean can_redo;
  gboolean clean;
  char    *undo_label;
  char    *redo_label;
} State;

static void
state_take (StrataUndoStack *self, State *state)
{
  state->can_undo = strata_undo_stack_can_undo (self);
  state->can_redo = strata_undo_stack_can_redo (self);
  state->clean = strata_undo_stack_is_clean (self);
  state->undo_label = g_strdup (strata_undo_stack_get_undo_label (self));
  state->redo_label = g_strdup (strata_undo_stack_get_redo_label (self));
}

static void
notify_changes (StrataUndoStack *self, State *before, gboolean emit_changed)
{
  GObject *object = G_OBJECT (self);

  g_object_freeze_notify (object);
  if (before->can_undo != strata_undo_stack_can_undo (self))
    g_object_notify_by_pspec (object, properties[PROP_CAN_UNDO]);
  if (before->can_redo != strata_undo_stack_can_redo (self))
    g_object_notify_by_pspec (object, properties[PROP_CAN_REDO]);
  if (g_strcmp0 (before->undo_label, strata_undo_stack_get_undo_label (self)) != 0)
    g_object_notify_by_pspec (object, properties[PROP_UNDO_LABEL]);
  if (g_strcmp0 (before->redo_label, strata_undo_stack_get_redo_label (self)) != 0)
    g_object_notify_by_pspec (object, properties[PROP_REDO_LABEL]);
  if (before->clean != strata_undo_stack_is_clean (self))
    g_object_notify_by_pspec (object, properties[PROP_CLEAN]);
  g_free (before->undo_label);
  g_free (before->redo_label);
  g_object_thaw_notify (object);
  if (emit_changed)
    g_signal_emit (self, signals[CHANGED], 0);
}

/* Applies `command` and records it; takes ownership. When the top command absorbs it (a
 * continuing drag), the two become one undo step. */
void
strata_undo_stack_push (StrataUndoStack *self, StrataCommand *command)
{
  State before;

  g_return_if_fail (STRATA_IS_UNDO_STACK (self));
  g_return_if_fail (STRATA_IS_COMMAND (command));

  state_take (self, &before);
  strata_command_apply (command);

  if (self->position < self->commands->len)
    {
      if (self->clean > (gint64) self->position)
        self->clean = -1;
      g_ptr_array_set_size (self->commands, self->position);
    }

  if (!self->sealed && self->position > 0
      && (gint64) self->position != self->clean
      && strata_command_merge (g_ptr_array_index (self->commands, self->position - 1),
                               command))
    {
      g_object_unref (command);
    }
  else
    {
      g_ptr_array_add (self->commands, command);
      self->position++;
    }
  self->sealed = FALSE;
  notify_changes (self, &before, TRUE);
}

/* Ends a gesture: the next push starts a new undo step even if it could merge. */
void
strata_undo_stack_seal (StrataUndoStack *self)
{
  g_return_if_fail (STRATA_IS_UNDO_STACK (self));
  self->sealed = TRUE;
}

gboolean
strata_undo_stack_undo (StrataUndoStack *self)
{
  State before;

  g_return_val_if_fail (STRATA_IS_UNDO_STACK (self), FALSE);

  if (self->position == 0)
    return FALSE;
  state_take (self, &before);
  self->position--;
  strata_command_revert (g_ptr_array_index (self->commands, self->position));
  self->sealed = TRUE;
  notify_changes (self, &before, TRUE);
  return TRUE;
}

gboolean
strata_undo_stack_redo (StrataUndoStack *self)
{
  State before;

  g_return_val_if_fail (STRATA_IS_UNDO_STACK (self), FALSE);

  if (self->position == self->commands->len)
    return FALSE;
  state_take (self, &before);
  strata_command_apply (g_ptr_array_index (self->commands, self->position));
  self->position++;
  self->sealed = TRUE;
  notify_changes (self, &before, TRUE);
  return TRUE;
}

gboolean
strata_undo_stack_can_undo (StrataUndoStack *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_STACK (self), FALSE);
  return self->position > 0;
}

gboolean
strata_undo_stack_can_redo (StrataUndoStack *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_STACK (self), FALSE);
  return self->position < self->commands->len;
}

const char *
strata_undo_stack_get_undo_label (StrataUndoStack *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_STACK (self), NULL);
  if (self->position == 0)
    return NULL;
  return strata_command_get_label (g_ptr_array_index (self->commands, self->position - 1));
}

const char *
strata_undo_stack_get_redo_label (StrataUndoStack *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_STACK (self), NULL);
  if (self->position == self->commands->len)
    return NULL;
  return strata_command_get_label (g_ptr_array_index (self->commands, self->position));
}

guint
strata_undo_stack_get_depth (StrataUndoStack *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_STACK (self), 0);
  return self->position;
}

void
strata_undo_stack_clear (StrataUndoStack *self)
{
  State before;

  g_return_if_fail (STRATA_IS_UNDO_STACK (self));
  state_take (self, &before);
  g_ptr_array_set_size (self->commands, 0);
  self->position = 0;
  self->clean = 0;
  self->sealed = TRUE;
  notify_changes (self, &before, TRUE);
}

void
strata_undo_stack_mark_clean (StrataUndoStack *self)
{
  State before;

  g_return_if_fail (STRATA_IS_UNDO_STACK (self));
  state_take (self, &before);
  self->clean = self->position;
  self->sealed = TRUE;
  notify_changes (self, &before, FALSE);
}

gboolean
strata_undo_stack_is_clean (StrataUndoStack *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_STACK (self), TRUE);
  return self->clean == (gint64) self->position;
}
