/* strata-insert.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define STRATA_TYPE_INSERT (strata_insert_get_type ())
G_DECLARE_FINAL_TYPE (StrataInsert, strata_insert, STRATA, INSERT, GObject)

/* An effect in an insert chain: its type name, bypass, and its parameters as an a{sv}
 * dictionary (doubles, strings for choices, booleans for toggles). */
StrataInsert *strata_insert_new        (const char   *type,
                                        GVariant     *params);
StrataInsert *strata_insert_copy       (StrataInsert *self);
const char   *strata_insert_get_kind   (StrataInsert *self);
gboolean      strata_insert_get_bypass (StrataInsert *self);
GVariant     *strata_insert_get_params (StrataInsert *self);

G_END_DECLS
