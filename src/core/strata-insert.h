/* strata-insert.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "strata-effect.h"

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

/* The insert's effect in the registry; NULL when its type is not a registry type. */
const StrataEffectClass *strata_insert_get_class (StrataInsert *self);
/* A parameter's value as the effect takes it (a choice's index, 0 or 1 for a toggle): the
 * stored one, else the descriptor's default. -1 when the effect has no such parameter. */
int           strata_insert_get_value  (StrataInsert *self,
                                        const char   *name,
                                        double       *value);
/* The params dictionary with `name` set to `value` (in the descriptor's units), as stored:
 * a double, a choice's name or a boolean. A new floating reference. */
GVariant     *strata_insert_params_with (StrataInsert          *self,
                                         const StrataParamDesc *param,
                                         double                 value);

/* One stored value as the JSON format holds it, for a stored dictionary's entry or a JSON
 * value: checks its kind and range against the descriptor and gives the value the effect
 * takes. The error is STRATA_ERROR_PARSE for a wrong kind, STRATA_ERROR_INVALID out of range,
 * with a message such as "80 is out of range 1..50". */
gboolean      strata_param_from_variant (const StrataParamDesc *param,
                                         GVariant              *stored,
                                         double                *value,
                                         GError               **error);
GVariant     *strata_param_to_variant   (const StrataParamDesc *param,
                                         double                 value);
/* Checks an automation value (a choice's index, 0 or 1 for a toggle) against the range. */
gboolean      strata_param_check_value  (const StrataParamDesc *param,
                                         double                 value,
                                         GError               **error);
/* "a, b or c": the registry's types, or a choice's names, for messages. */
char         *strata_effect_types_list  (void);
char         *strata_param_choices_list (const StrataParamDesc *param);

G_END_DECLS
