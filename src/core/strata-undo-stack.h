/* strata-undo-stack.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-command.h"

G_BEGIN_DECLS

#define STRATA_TYPE_UNDO_STACK (strata_undo_stack_get_type ())
G_DECLARE_FINAL_TYPE (StrataUndoStack, strata_undo_stack, STRATA, UNDO_STACK, GObject)

/* Applies commands and keeps them for undo and redo. "changed" is emitted after every push,
 * undo and redo; the properties can-undo, can-redo, undo-label, redo-label and clean
 * (nothing changed since the last mark_clean) are notified as they change. */
StrataUndoStack *strata_undo_stack_new            (void);
void             strata_undo_stack_push           (StrataUndoStack *self,
                                                   StrataCommand   *command);
void             strata_undo_stack_seal           (StrataUndoStack *self);
gboolean         strata_undo_stack_undo           (StrataUndoStack *self);
gboolean         strata_undo_stack_redo           (StrataUndoStack *self);
gboolean         strata_undo_stack_can_undo       (StrataUndoStack *self);
gboolean         strata_undo_stack_can_redo       (StrataUndoStack *self);
const char      *strata_undo_stack_get_undo_label (StrataUndoStack *self);
const char      *strata_undo_stack_get_redo_label (StrataUndoStack *self);
guint            strata_undo_stack_get_depth      (StrataUndoStack *self);
void             strata_undo_stack_clear          (StrataUndoStack *self);
void             strata_undo_stack_mark_clean     (StrataUndoStack *self);
gboolean         strata_undo_stack_is_clean       (StrataUndoStack *self);

G_END_DECLS
