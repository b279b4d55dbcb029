/* strata-track.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-track"
#include "config.h"
#include "strata-track.h"
#include "strata-core-enums.h"
#include "strata-props-private.h"

struct _StrataTrack
{
  StrataStrip  parent_instance;
  guint        channels;
  gboolean     record_arm;
  int          monitoring;
  char        *input;
  int          role;
  GListStore  *clips;
  GListStore  *takes;        /* inactive takes: clips under the active one, in take order */
};

G_DEFINE_FINAL_TYPE (StrataTrack, strata_track, STRATA_TYPE_STRIP)

enum { PROP_0, PROP_CHANNELS, PROP_RECORD_ARM, PROP_MONITORING, PROP_INPUT, PROP_ROLE,
       N_PROPS };
static GParamSpec *properties[N_PROPS];
static const gsize offsets[N_PROPS] = {
  [PROP_CHANNELS] = G_STRUCT_OFFSET (StrataTrack, channels),
  [PROP_RECORD_ARM] = G_STRUCT_OFFSET (StrataTrack, record_arm),
  [PROP_MONITORING] = G_STRUCT_OFFSET (StrataTrack, monitoring),
  [PROP_INPUT] = G_STRUCT_OFFSET (StrataTrack, input),
  [PROP_ROLE] = G_STRUCT_OFFSET (StrataTrack, role),
};

STRATA_DEFINE_PROP_ACCESSORS (strata_track, StrataTrack, offsets)

static void
clip_start_changed_cb (StrataClip  *clip,
                       GParamSpec  *pspec,
                       StrataTrack *self)
{
  g_object_ref (clip);
  if (strata_track_remove_clip (self, clip))
    strata_track_insert_clip (self, clip);
  g_object_unref (clip);
}

static void
strata_track_dispose (GObject *object)
{
  StrataTrack *self = STRATA_TRACK (object);

  if (self->clips)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->clips));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(StrataClip) clip = g_list_model_get_item (G_LIST_MODEL (self->clips), i);
          g_signal_handlers_disconnect_by_func (clip, clip_start_changed_cb, self);
        }
      g_clear_object (&self->clips);
    }
  g_clear_object (&self->takes);
  G_OBJECT_CLASS (strata_track_parent_class)->dispose (object);
}

static void
strata_track_finalize (GObject *object)
{
  g_free (STRATA_TRACK (object)->input);
  G_OBJECT_CLASS (strata_track_parent_class)->finalize (object);
}

static void
strata_track_class_init (StrataTrackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_track_dispose;
  object_class->finalize = strata_track_finalize;
  object_class->get_property = strata_track_get_property;
  object_class->set_property = strata_track_set_property;

  properties[PROP_CHANNELS] = g_param_spec_uint ("channels", NULL, NULL, 1, 2, 2,
                                                 STRATA_PROP_FLAGS);
  properties[PROP_RECORD_ARM] = g_param_spec_boolean ("record-arm", NULL, NULL, FALSE,
                                                      STRATA_PROP_FLAGS);
  properties[PROP_MONITORING] = g_param_spec_enum ("monitoring", NULL, NULL,
                                                   STRATA_TYPE_MONITORING,
                                                   STRATA_MONITORING_AUTO, STRATA_PROP_FLAGS);
  properties[PROP_INPUT] = g_param_spec_string ("input", NULL, NULL, NULL, STRATA_PROP_FLAGS);
  properties[PROP_ROLE] = g_param_spec_enum ("role", NULL, NULL, STRATA_TYPE_TRACK_ROLE,
                                             STRATA_TRACK_ROLE_OTHER, STRATA_PROP_FLAGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_track_init (StrataTrack *self)
{
  self->channels = 2;
  self->monitoring = STRATA_MONITORING_AUTO;
  self->clips = g_list_store_new (STRATA_TYPE_CLIP);
  self->takes = g_list_store_new (STRATA_TYPE_CLIP);
}

StrataTrack *
strata_track_new (const char *id, guint channels)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (channels == 1 || channels == 2, NULL);
  return g_object_new (STRATA_TYPE_TRACK, "id", id, "channels", channels, NULL);
}

/* A copy with its own clips (sharing sources), inserts, sends and lanes. */
StrataTrack *
strata_track_copy (StrataTrack *self, const char *new_id)
{
  StrataTrack *copy;
  guint n;

  g_return_val_if_fail (STRATA_IS_TRACK (self), NULL);

  copy = strata_track_new (new_id, self->channels);
  strata_strip_copy_into (STRATA_STRIP (self), STRATA_STRIP (copy));
  g_object_set (copy, "record-arm", self->record_arm, "monitoring", self->monitoring,
                "input", self->input, "role", self->role, NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->clips));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataClip) clip = g_list_model_get_item (G_LIST_MODEL (self->clips), i);
      g_autoptr(StrataClip) dup = strata_clip_copy (clip);
      strata_track_insert_clip (copy, dup);
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->takes));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataClip) take = g_list_model_get_item (G_LIST_MODEL (self->takes), i);
      g_autoptr(StrataClip) dup = strata_clip_copy (take);
      strata_track_insert_take (copy, dup);
    }
  return copy;
}

guint
strata_track_get_channels (StrataTrack *self)
{
  g_return_val_if_fail (STRATA_IS_TRACK (self), 0);
  return self->channels;
}

gboolean
strata_track_get_record_arm (StrataTrack *self)
{
  g_return_val_if_fail (STRATA_IS_TRACK (self), FALSE);
  return self->record_arm;
}

StrataMonitoring
strata_track_get_monitoring (StrataTrack *self)
{
  g_return_val_if_fail (STRATA_IS_TRACK (self), STRATA_MONITORING_OFF);
  return self->monitoring;
}

const char *
strata_track_get_input (StrataTrack *self)
{
  g_return_val_if_fail (STRATA_IS_TRACK (self), NULL);
  return self->input;
}

GListModel *
strata_track_get_clips (StrataTrack *self)
{
  g_return_val_if_fail (STRATA_IS_TRACK (self), NULL);
  return G_LIST_MODEL (self->clips);
}

/* Inserts at the sorted place; among clips with the same start, after them. */
void
strata_track_insert_clip (StrataTrack *self, StrataClip *clip)
{
  GListModel *clips;
  guint lo, hi;
  gint64 start;

  g_return_if_fail (STRATA_IS_TRACK (self));
  g_return_if_fail (STRATA_IS_CLIP (clip));

  clips = G_LIST_MODEL (self->clips);
  start = strata_clip_get_start (clip);
  lo = 0;
  hi = g_list_model_get_n_items (clips);
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      g_autoptr(StrataClip) other = g_list_model_get_item (clips, mid);
      if (strata_clip_get_start (other) <= start)
        lo = mid + 1;
      else
        hi = mid;
    }
  g_list_store_insert (self->clips, lo, clip);
  g_signal_connect_object (clip, "notify::start", G_CALLBACK (clip_start_changed_cb), self, 0);
}

gboolean
strata_track_find_clip (StrataTrack *self, StrataClip *clip, guint *position)
{
  g_return_val_if_fail (STRATA_IS_TRACK (self), FALSE);
  return g_list_store_find (self->clips, clip, position);
}

gboolean
strata_track_remove_clip (StrataTrack *self, StrataClip *clip)
{
  guint position;

  g_return_val_if_fail (STRATA_IS_TRACK (self), FALSE);

  if (!g_list_store_find (self->clips, clip, &position))
    return FALSE;
  g_signal_handlers_disconnect_by_func (clip, clip_start_changed_cb, self);
  g_list_store_remove (self->clips, position);
  return TRUE;
}

GListModel *
strata_track_get_takes (StrataTrack *self)
{
  g_return_val_if_fail (STRATA_IS_TRACK (self), NULL);
  return G_LIST_MODEL (self->takes);
}

void
strata_track_insert_take (StrataTrack *self, StrataClip *take)
{
  g_return_if_fail (STRATA_IS_TRACK (self));
  g_return_if_fail (STRATA_IS_CLIP (take));
  g_list_store_append (self->takes, take);
}

gboolean
strata_track_remove_take (StrataTrack *self, StrataClip *take)
{
  guint position;

  g_return_val_if_fail (STRATA_IS_TRACK (self), FALSE);
  if (!g_list_store_find (self->takes, take, &position))
    return FALSE;
  g_list_store_remove (self->takes, position);
  return TRUE;
}

StrataTrackRole
strata_track_get_role (StrataTrack *self)
{
  g_return_val_if_fail (STRATA_IS_TRACK (self), STRATA_TRACK_ROLE_OTHER);
  return self->role;
}

static const char *const role_names[] = { "other", "drums", "bass", "vocals", "fx" };

const char *
strata_track_role_to_string (StrataTrackRole role)
{
  g_return_val_if_fail (role < G_N_ELEMENTS (role_names), "other");
  return role_names[role];
}

gboolean
strata_track_role_from_string (const char *name, StrataTrackRole *role)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (name, role_names[i]))
      {
        *role = i;
        return TRUE;
      }
  return FALSE;
}
