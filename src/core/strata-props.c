/* strata-props.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"
#include "strata-props-private.h"

#include <string.h>

#define FIELD(instance, offset, type) (*(type *) G_STRUCT_MEMBER_P ((instance), (offset)))

gboolean
strata_set_str (char **str_pointer, const char *new_str)
{
  if (g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;
  g_free (*str_pointer);
  *str_pointer = g_strdup (new_str);
  return TRUE;
}

void
strata_prop_get (gpointer instance, gsize offset, GValue *value, GParamSpec *pspec)
{
  switch (G_TYPE_FUNDAMENTAL (pspec->value_type))
    {
    case G_TYPE_STRING: g_value_set_string (value, FIELD (instance, offset, char *)); break;
    case G_TYPE_DOUBLE: g_value_set_double (value, FIELD (instance, offset, double)); break;
    case G_TYPE_INT64: g_value_set_int64 (value, FIELD (instance, offset, gint64)); break;
    case G_TYPE_UINT: g_value_set_uint (value, FIELD (instance, offset, guint)); break;
    case G_TYPE_INT: g_value_set_int (value, FIELD (instance, offset, int)); break;
    case G_TYPE_BOOLEAN: g_value_set_boolean (value, FIELD (instance, offset, gboolean)); break;
    case G_TYPE_ENUM: g_value_set_enum (value, FIELD (instance, offset, int)); break;
    case G_TYPE_OBJECT: g_value_set_object (value, FIELD (instance, offset, GObject *)); break;
    case G_TYPE_VARIANT: g_value_set_variant (value, FIELD (instance, offset, GVariant *)); break;
    default: g_assert_not_reached ();
    }
}

gboolean
strata_prop_set (GObject *object, gpointer instance, gsize offset, const GValue *value,
                 GParamSpec *pspec)
{
  gboolean changed = FALSE;

  switch (G_TYPE_FUNDAMENTAL (pspec->value_type))
    {
    case G_TYPE_STRING:
      changed = strata_set_str (&FIELD (instance, offset, char *), g_value_get_string (value));
      break;
    case G_TYPE_DOUBLE:
      {
        double v = g_value_get_double (value);
        double *field = &FIELD (instance, offset, double);
        /* Compare bits so that -inf, -0.0 and NaN changes are seen. */
        changed = memcmp (field, &v, sizeof v) != 0;
        *field = v;
      }
      break;
    case G_TYPE_INT64:
      changed = FIELD (instance, offset, gint64) != g_value_get_int64 (value);
      FIELD (instance, offset, gint64) = g_value_get_int64 (value);
      break;
    case G_TYPE_UINT:
      changed = FIELD (instance, offset, guint) != g_value_get_uint (value);
      FIELD (instance, offset, guint) = g_value_get_uint (value);
      break;
    case G_TYPE_INT:
      changed = FIELD (instance, offset, int) != g_value_get_int (value);
      FIELD (instance, offset, int) = g_value_get_int (value);
      break;
    case G_TYPE_BOOLEAN:
      changed = FIELD (instance, offset, gboolean) != g_value_get_boolean (value);
      FIELD (instance, offset, gboolean) = g_value_get_boolean (value);
      break;
    case G_TYPE_ENUM:
      changed = FIELD (instance, offset, int) != g_value_get_enum (value);
      FIELD (instance, offset, int) = g_value_get_enum (value);
      break;
    case G_TYPE_OBJECT:
      changed = g_set_object (&FIELD (instance, offset, GObject *), g_value_get_object (value));
      break;
    case G_TYPE_VARIANT:
      {
        GVariant **field = &FIELD (instance, offset, GVariant *);
        GVariant *v = g_value_get_variant (value);
        if ((*field == NULL) != (v == NULL) || (v && !g_variant_equal (*field, v)))
          {
            g_clear_pointer (field, g_variant_unref);
            *field = v ? g_variant_ref_sink (v) : NULL;
            changed = TRUE;
          }
      }
      break;
    default:
      g_assert_not_reached ();
    }

  if (changed)
    g_object_notify_by_pspec (object, pspec);
  return changed;
}

void
strata_prop_clear (gpointer instance, gsize offset, GParamSpec *pspec)
{
  switch (G_TYPE_FUNDAMENTAL (pspec->value_type))
    {
    case G_TYPE_STRING: g_clear_pointer (&FIELD (instance, offset, char *), g_free); break;
    case G_TYPE_OBJECT: g_clear_object (&FIELD (instance, offset, GObject *)); break;
    case G_TYPE_VARIANT:
      g_clear_pointer (&FIELD (instance, offset, GVariant *), g_variant_unref);
      break;
    default: break;
    }
}
