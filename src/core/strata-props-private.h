/* strata-props-private.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model classes keep their properties as plain struct fields. These helpers read and write
 * a field by its offset according to the property's type, and notify only when the value
 * actually changed, so each class's get_property/set_property is a table lookup.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define STRATA_PROP_FLAGS (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

void     strata_prop_get (gpointer      base,
                          gsize         offset,
                          GValue       *value,
                          GParamSpec   *pspec);
gboolean strata_prop_set (GObject      *object,
                          gpointer      base,
                          gsize         offset,
                          const GValue *value,
                          GParamSpec   *pspec);
void     strata_prop_clear (gpointer    instance,
                            gsize       offset,
                            GParamSpec *pspec);

/* Like g_set_str (GLib 2.76), which our 2.74 floor does not have. */
gboolean strata_set_str (char      **str_pointer,
                         const char *new_str);

/* Properties of GObject-typed model classes whose values are set through commands. */
#define STRATA_DEFINE_PROP_ACCESSORS(prefix, Type, offsets)                              \
  static void                                                                            \
  prefix##_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) \
  {                                                                                      \
    strata_prop_get (object, offsets[prop_id], value, pspec);                            \
  }                                                                                      \
  static void                                                                            \
  prefix##_set_property (GObject *object, guint prop_id, const GValue *value,            \
                         GParamSpec *pspec)                                              \
  {                                                                                      \
    strata_prop_set (object, object, offsets[prop_id], value, pspec);                            \
  }

G_END_DECLS
