/* strata-insert.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-insert"
#include "config.h"
#include "strata-insert.h"
#include "strata-error.h"
#include "strata-props-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>

struct _StrataInsert
{
  GObject   parent_instance;
  char     *kind;
  gboolean  bypass;
  GVariant *params;
};

G_DEFINE_FINAL_TYPE (StrataInsert, strata_insert, G_TYPE_OBJECT)

enum { PROP_0, PROP_KIND, PROP_BYPASS, PROP_PARAMS, N_PROPS };
static GParamSpec *properties[N_PROPS];
static const gsize offsets[N_PROPS] = {
  [PROP_KIND] = G_STRUCT_OFFSET (StrataInsert, kind),
  [PROP_BYPASS] = G_STRUCT_OFFSET (StrataInsert, bypass),
  [PROP_PARAMS] = G_STRUCT_OFFSET (StrataInsert, params),
};

STRATA_DEFINE_PROP_ACCESSORS (strata_insert, StrataInsert, offsets)

static void
strata_insert_finalize (GObject *object)
{
  StrataInsert *self = STRATA_INSERT (object);

  g_free (self->kind);
  g_clear_pointer (&self->params, g_variant_unref);
  G_OBJECT_CLASS (strata_insert_parent_class)->finalize (object);
}

static void
strata_insert_class_init (StrataInsertClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_insert_finalize;
  object_class->get_property = strata_insert_get_property;
  object_class->set_property = strata_insert_set_property;

  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL,
                                               G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                               G_PARAM_STATIC_STRINGS);
  properties[PROP_BYPASS] = g_param_spec_boolean ("bypass", NULL, NULL, FALSE,
                                                  STRATA_PROP_FLAGS);
  properties[PROP_PARAMS] = g_param_spec_variant ("params", NULL, NULL,
                                                  G_VARIANT_TYPE_VARDICT, NULL,
                                                  STRATA_PROP_FLAGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_insert_init (StrataInsert *self)
{
}

StrataInsert *
strata_insert_new (const char *type, GVariant *params)
{
  g_autoptr(GVariant) empty = NULL;

  g_return_val_if_fail (type != NULL, NULL);

  if (params == NULL)
    params = empty = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  return g_object_new (STRATA_TYPE_INSERT, "kind", type, "params", params, NULL);
}

StrataInsert *
strata_insert_copy (StrataInsert *self)
{
  StrataInsert *copy;

  g_return_val_if_fail (STRATA_IS_INSERT (self), NULL);
  copy = strata_insert_new (self->kind, self->params);
  copy->bypass = self->bypass;
  return copy;
}

const char *
strata_insert_get_kind (StrataInsert *self)
{
  g_return_val_if_fail (STRATA_IS_INSERT (self), NULL);
  return self->kind;
}

gboolean
strata_insert_get_bypass (StrataInsert *self)
{
  g_return_val_if_fail (STRATA_IS_INSERT (self), FALSE);
  return self->bypass;
}

GVariant *
strata_insert_get_params (StrataInsert *self)
{
  g_return_val_if_fail (STRATA_IS_INSERT (self), NULL);
  return self->params;
}

const StrataEffectClass *
strata_insert_get_class (StrataInsert *self)
{
  g_return_val_if_fail (STRATA_IS_INSERT (self), NULL);
  return strata_effect_class_find (self->kind);
}

int
strata_insert_get_value (StrataInsert *self, const char *name, double *value)
{
  const StrataEffectClass *klass = strata_insert_get_class (self);
  g_autoptr(GVariant) stored = NULL;
  int index;

  if (klass == NULL || (index = strata_effect_param_index (klass, name)) < 0)
    return -1;
  stored = g_variant_lookup_value (self->params, name, NULL);
  if (stored == NULL || !strata_param_from_variant (&klass->params[index], stored, value, NULL))
    *value = klass->params[index].def;
  return index;
}

GVariant *
strata_insert_params_with (StrataInsert *self, const StrataParamDesc *param, double value)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (self->params);

  g_variant_dict_insert_value (&dict, param->name, strata_param_to_variant (param, value));
  return g_variant_dict_end (&dict);
}

static char *
join_names (const char *const *names, guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    /* TRANSLATORS: what stands before the last of a list of names, as in "a, b or c" */
    g_string_append_printf (s, "%s%s", i == 0 ? "" : i + 1 == n ? _(" or ") : ", ", names[i]);
  return g_string_free (s, FALSE);
}

char *
strata_effect_types_list (void)
{
  const char *names[64];
  guint n = MIN (strata_effect_n_classes (), G_N_ELEMENTS (names));

  for (guint i = 0; i < n; i++)
    names[i] = strata_effect_class_get (i)->type;
  return join_names (names, n);
}

char *
strata_param_choices_list (const StrataParamDesc *param)
{
  guint n = 0;

  while (param->choices && param->choices[n])
    n++;
  return join_names ((const char *const *) param->choices, n);
}

gboolean
strata_param_check_value (const StrataParamDesc *param, double value, GError **error)
{
  if (param->kind != STRATA_PARAM_CONTINUOUS && value != floor (value))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID, _("%g is not a whole number"), value);
      return FALSE;
    }
  if (!(value >= param->min && value <= param->max))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID, _("%g is out of range %g..%g"),
                   value, param->min, param->max);
      return FALSE;
    }
  return TRUE;
}

gboolean
strata_param_from_variant (const StrataParamDesc *param, GVariant *stored, double *value,
                           GError **error)
{
  switch (param->kind)
    {
    case STRATA_PARAM_CONTINUOUS:
      if (!g_variant_is_of_type (stored, G_VARIANT_TYPE_DOUBLE))
        break;
      *value = g_variant_get_double (stored);
      return strata_param_check_value (param, *value, error);
    case STRATA_PARAM_TOGGLE:
      if (!g_variant_is_of_type (stored, G_VARIANT_TYPE_BOOLEAN))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("expected true or false"));
          return FALSE;
        }
      *value = g_variant_get_boolean (stored) ? 1.0 : 0.0;
      return TRUE;
    case STRATA_PARAM_CHOICE:
      if (g_variant_is_of_type (stored, G_VARIANT_TYPE_STRING))
        {
          const char *name = g_variant_get_string (stored, NULL);
          int index = strata_effect_choice_index (param, name);
          g_autofree char *list = NULL;

          if (index >= 0)
            {
              *value = index;
              return TRUE;
            }
          list = strata_param_choices_list (param);
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID, _("'%s' is not %s"), name, list);
          return FALSE;
        }
      {
        g_autofree char *list = strata_param_choices_list (param);
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("expected one of %s as a string"),
                     list);
        return FALSE;
      }
    }
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("expected a number"));
  return FALSE;
}

GVariant *
strata_param_to_variant (const StrataParamDesc *param, double value)
{
  value = strata_effect_param_clamp (param, value);
  switch (param->kind)
    {
    case STRATA_PARAM_TOGGLE:
      return g_variant_new_boolean (value >= 0.5);
    case STRATA_PARAM_CHOICE:
      return g_variant_new_string (param->choices[(int) value]);
    case STRATA_PARAM_CONTINUOUS:
    default:
      return g_variant_new_double (value);
    }
}
