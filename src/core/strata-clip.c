/* strata-clip.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-clip"
#include "config.h"
#include "strata-clip.h"
#include "strata-props-private.h"

struct _StrataClip
{
  GObject       parent_instance;
  StrataSource *source;
  gint64        start;
  gint64        source_start;
  gint64        length;
  double        gain_db;
  gint64        fade_in;
  gint64        fade_out;
  gboolean      mute;
};

G_DEFINE_FINAL_TYPE (StrataClip, strata_clip, G_TYPE_OBJECT)

enum { PROP_0, PROP_SOURCE, PROP_START, PROP_SOURCE_START, PROP_LENGTH, PROP_GAIN_DB,
       PROP_FADE_IN, PROP_FADE_OUT, PROP_MUTE, N_PROPS };
static GParamSpec *properties[N_PROPS];
static const gsize offsets[N_PROPS] = {
  [PROP_SOURCE] = G_STRUCT_OFFSET (StrataClip, source),
  [PROP_START] = G_STRUCT_OFFSET (StrataClip, start),
  [PROP_SOURCE_START] = G_STRUCT_OFFSET (StrataClip, source_start),
  [PROP_LENGTH] = G_STRUCT_OFFSET (StrataClip, length),
  [PROP_GAIN_DB] = G_STRUCT_OFFSET (StrataClip, gain_db),
  [PROP_FADE_IN] = G_STRUCT_OFFSET (StrataClip, fade_in),
  [PROP_FADE_OUT] = G_STRUCT_OFFSET (StrataClip, fade_out),
  [PROP_MUTE] = G_STRUCT_OFFSET (StrataClip, mute),
};

STRATA_DEFINE_PROP_ACCESSORS (strata_clip, StrataClip, offsets)

static void
strata_clip_dispose (GObject *object)
{
  g_clear_object (&STRATA_CLIP (object)->source);
  G_OBJECT_CLASS (strata_clip_parent_class)->dispose (object);
}

static void
strata_clip_class_init (StrataClipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_clip_dispose;
  object_class->get_property = strata_clip_get_property;
  object_class->set_property = strata_clip_set_property;

  properties[PROP_SOURCE] = g_param_spec_object ("source", NULL, NULL, STRATA_TYPE_SOURCE,
                                                 STRATA_PROP_FLAGS);
  properties[PROP_START] = g_param_spec_int64 ("start", NULL, NULL, 0, G_MAXINT64, 0,
                                               STRATA_PROP_FLAGS);
  properties[PROP_SOURCE_START] = g_param_spec_int64 ("source-start", NULL, NULL, 0,
                                                      G_MAXINT64, 0, STRATA_PROP_FLAGS);
  properties[PROP_LENGTH] = g_param_spec_int64 ("length", NULL, NULL, 1, G_MAXINT64, 1,
                                                STRATA_PROP_FLAGS);
  properties[PROP_GAIN_DB] = g_param_spec_double ("gain-db", NULL, NULL, -144.0, 24.0, 0.0,
                                                  STRATA_PROP_FLAGS);
  properties[PROP_FADE_IN] = g_param_spec_int64 ("fade-in", NULL, NULL, 0, G_MAXINT64, 0,
                                                 STRATA_PROP_FLAGS);
  properties[PROP_FADE_OUT] = g_param_spec_int64 ("fade-out", NULL, NULL, 0, G_MAXINT64, 0,
                                                  STRATA_PROP_FLAGS);
  properties[PROP_MUTE] = g_param_spec_boolean ("mute", NULL, NULL, FALSE, STRATA_PROP_FLAGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_clip_init (StrataClip *self)
{
  self->length = 1;
}

StrataClip *
strata_clip_new (StrataSource *source, gint64 start, gint64 source_start, gint64 length)
{
  g_return_val_if_fail (STRATA_IS_SOURCE (source), NULL);

  return g_object_new (STRATA_TYPE_CLIP, "source", source, "start", start,
                       "source-start", source_start, "length", length, NULL);
}

StrataClip *
strata_clip_copy (StrataClip *self)
{
  StrataClip *copy;

  g_return_val_if_fail (STRATA_IS_CLIP (self), NULL);

  copy = strata_clip_new (self->source, self->start, self->source_start, self->length);
  copy->gain_db = self->gain_db;
  copy->fade_in = self->fade_in;
  copy->fade_out = self->fade_out;
  copy->mute = self->mute;
  return copy;
}

StrataSource *
strata_clip_get_source (StrataClip *self)
{
  g_return_val_if_fail (STRATA_IS_CLIP (self), NULL);
  return self->source;
}

gint64
strata_clip_get_start (StrataClip *self)
{
  g_return_val_if_fail (STRATA_IS_CLIP (self), 0);
  return self->start;
}

gint64
strata_clip_get_end (StrataClip *self)
{
  g_return_val_if_fail (STRATA_IS_CLIP (self), 0);
  return self->start + self->length;
}

gint64
strata_clip_get_source_start (StrataClip *self)
{
  g_return_val_if_fail (STRATA_IS_CLIP (self), 0);
  return self->source_start;
}

gint64
strata_clip_get_length (StrataClip *self)
{
  g_return_val_if_fail (STRATA_IS_CLIP (self), 0);
  return self->length;
}

gdouble
strata_clip_get_gain_db (StrataClip *self)
{
  g_return_val_if_fail (STRATA_IS_CLIP (self), 0);
  return self->gain_db;
}

gint64
strata_clip_get_fade_in (StrataClip *self)
{
  g_return_val_if_fail (STRATA_IS_CLIP (self), 0);
  return self->fade_in;
}

gint64
strata_clip_get_fade_out (StrataClip *self)
{
  g_return_val_if_fail (STRATA_IS_CLIP (self), 0);
  return self->fade_out;
}

gboolean
strata_clip_get_mute (StrataClip *self)
{
  g_return_val_if_fail (STRATA_IS_CLIP (self), FALSE);
  return self->mute;
}

int
strata_clip_compare_start (gconstpointer a, gconstpointer b, gpointer user_data)
{
  gint64 sa = STRATA_CLIP ((gpointer) a)->start;
  gint64 sb = STRATA_CLIP ((gpointer) b)->start;

  return (sa > sb) - (sa < sb);
}
