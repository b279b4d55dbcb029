/* strata-marker.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-marker"
#include "config.h"
#include "strata-marker.h"
#include "strata-props-private.h"

struct _StrataMarker
{
  GObject parent_instance;
  char   *name;
  gint64  frame;
};

G_DEFINE_FINAL_TYPE (StrataMarker, strata_marker, G_TYPE_OBJECT)

enum { PROP_0, PROP_NAME, PROP_FRAME, N_PROPS };
static GParamSpec *properties[N_PROPS];
static const gsize offsets[N_PROPS] = {
  [PROP_NAME] = G_STRUCT_OFFSET (StrataMarker, name),
  [PROP_FRAME] = G_STRUCT_OFFSET (StrataMarker, frame),
};

STRATA_DEFINE_PROP_ACCESSORS (strata_marker, StrataMarker, offsets)

static void
strata_marker_finalize (GObject *object)
{
  g_free (STRATA_MARKER (object)->name);
  G_OBJECT_CLASS (strata_marker_parent_class)->finalize (object);
}

static void
strata_marker_class_init (StrataMarkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_marker_finalize;
  object_class->get_property = strata_marker_get_property;
  object_class->set_property = strata_marker_set_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, STRATA_PROP_FLAGS);
  properties[PROP_FRAME] = g_param_spec_int64 ("frame", NULL, NULL, 0, G_MAXINT64, 0,
                                               STRATA_PROP_FLAGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_marker_init (StrataMarker *self)
{
}

StrataMarker *
strata_marker_new (const char *name, gint64 frame)
{
  return g_object_new (STRATA_TYPE_MARKER, "name", name, "frame", frame, NULL);
}

const char *
strata_marker_get_name (StrataMarker *self)
{
  g_return_val_if_fail (STRATA_IS_MARKER (self), NULL);
  return self->name;
}

gint64
strata_marker_get_frame (StrataMarker *self)
{
  g_return_val_if_fail (STRATA_IS_MARKER (self), 0);
  return self->frame;
}
