/* strata-insert.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-insert"
#include "config.h"
#include "strata-insert.h"
#include "strata-props-private.h"

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
