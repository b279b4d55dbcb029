/* strata-timeline.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-timeline"
#include "config.h"
#include "strata-timeline.h"
#include "strata-props-private.h"

struct _StrataTimeline
{
  GObject         parent_instance;
  StrataTempoMap *tempo_map;
  GListStore     *tracks;
  GListStore     *markers;
  gint64          loop_start;
  gint64          loop_end;
  gboolean        loop_enabled;
  gint64          punch_start;
  gint64          punch_end;
  gboolean        punch_enabled;
};

G_DEFINE_FINAL_TYPE (StrataTimeline, strata_timeline, G_TYPE_OBJECT)

enum { PROP_0, PROP_LOOP_START, PROP_LOOP_END, PROP_LOOP_ENABLED, PROP_PUNCH_START,
       PROP_PUNCH_END, PROP_PUNCH_ENABLED, N_PROPS };
static GParamSpec *properties[N_PROPS];
static const gsize offsets[N_PROPS] = {
  [PROP_LOOP_START] = G_STRUCT_OFFSET (StrataTimeline, loop_start),
  [PROP_LOOP_END] = G_STRUCT_OFFSET (StrataTimeline, loop_end),
  [PROP_LOOP_ENABLED] = G_STRUCT_OFFSET (StrataTimeline, loop_enabled),
  [PROP_PUNCH_START] = G_STRUCT_OFFSET (StrataTimeline, punch_start),
  [PROP_PUNCH_END] = G_STRUCT_OFFSET (StrataTimeline, punch_end),
  [PROP_PUNCH_ENABLED] = G_STRUCT_OFFSET (StrataTimeline, punch_enabled),
};

STRATA_DEFINE_PROP_ACCESSORS (strata_timeline, StrataTimeline, offsets)

static void
marker_frame_changed_cb (StrataMarker *marker, GParamSpec *pspec, StrataTimeline *self)
{
  g_object_ref (marker);
  if (strata_timeline_remove_marker (self, marker))
    strata_timeline_insert_marker (self, marker);
  g_object_unref (marker);
}

static void
strata_timeline_dispose (GObject *object)
{
  StrataTimeline *self = STRATA_TIMELINE (object);

  if (self->markers)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->markers));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(StrataMarker) m = g_list_model_get_item (G_LIST_MODEL (self->markers), i);
          g_signal_handlers_disconnect_by_func (m, marker_frame_changed_cb, self);
        }
    }
  g_clear_object (&self->markers);
  g_clear_object (&self->tracks);
  g_clear_object (&self->tempo_map);
  G_OBJECT_CLASS (strata_timeline_parent_class)->dispose (object);
}

static void
strata_timeline_class_init (StrataTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_timeline_dispose;
  object_class->get_property = strata_timeline_get_property;
  object_class->set_property = strata_timeline_set_property;

  properties[PROP_LOOP_START] = g_param_spec_int64 ("loop-start", NULL, NULL, 0, G_MAXINT64, 0,
                                                    STRATA_PROP_FLAGS);
  properties[PROP_LOOP_END] = g_param_spec_int64 ("loop-end", NULL, NULL, 0, G_MAXINT64, 0,
                                                  STRATA_PROP_FLAGS);
  properties[PROP_LOOP_ENABLED] = g_param_spec_boolean ("loop-enabled", NULL, NULL, FALSE,
                                                        STRATA_PROP_FLAGS);
  properties[PROP_PUNCH_START] = g_param_spec_int64 ("punch-start", NULL, NULL, 0, G_MAXINT64,
                                                     0, STRATA_PROP_FLAGS);
  properties[PROP_PUNCH_END] = g_param_spec_int64 ("punch-end", NULL, NULL, 0, G_MAXINT64, 0,
                                                   STRATA_PROP_FLAGS);
  properties[PROP_PUNCH_ENABLED] = g_param_spec_boolean ("punch-enabled", NULL, NULL, FALSE,
                                                         STRATA_PROP_FLAGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_timeline_init (StrataTimeline *self)
{
  self->tracks = g_list_store_new (STRATA_TYPE_TRACK);
  self->markers = g_list_store_new (STRATA_TYPE_MARKER);
}

StrataTimeline *
strata_timeline_new (guint sample_rate)
{
  StrataTimeline *self = g_object_new (STRATA_TYPE_TIMELINE, NULL);

  self->tempo_map = strata_tempo_map_new (sample_rate);
  return self;
}

StrataTempoMap *
strata_timeline_get_tempo_map (StrataTimeline *self)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE (self), NULL);
  return self->tempo_map;
}

GListModel *
strata_timeline_get_tracks (StrataTimeline *self)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE (self), NULL);
  return G_LIST_MODEL (self->tracks);
}

GListModel *
strata_timeline_get_markers (StrataTimeline *self)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE (self), NULL);
  return G_LIST_MODEL (self->markers);
}

/* Markers stay sorted by frame, ties by name, full ties in insertion order. The order is a
 * function of the markers alone, not of their history, so that removing a marker and undoing
 * (which inserts it again) gives back the same list. */
void
strata_timeline_insert_marker (StrataTimeline *self, StrataMarker *marker)
{
  GListModel *markers;
  guint pos = 0, n;

  g_return_if_fail (STRATA_IS_TIMELINE (self));
  markers = G_LIST_MODEL (self->markers);
  n = g_list_model_get_n_items (markers);
  while (pos < n)
    {
      g_autoptr(StrataMarker) other = g_list_model_get_item (markers, pos);
      gint64 a = strata_marker_get_frame (other), b = strata_marker_get_frame (marker);
      if (a > b || (a == b && g_strcmp0 (strata_marker_get_name (other),
                                         strata_marker_get_name (marker)) > 0))
        break;
      pos++;
    }
  g_list_store_insert (self->markers, pos, marker);
  g_signal_connect_object (marker, "notify::frame", G_CALLBACK (marker_frame_changed_cb), self,
                           0);
  g_signal_connect_object (marker, "notify::name", G_CALLBACK (marker_frame_changed_cb), self,
                           0);
}

gboolean
strata_timeline_remove_marker (StrataTimeline *self, StrataMarker *marker)
{
  guint pos;

  g_return_val_if_fail (STRATA_IS_TIMELINE (self), FALSE);
  if (!g_list_store_find (self->markers, marker, &pos))
    return FALSE;
  g_signal_handlers_disconnect_by_func (marker, marker_frame_changed_cb, self);
  g_list_store_remove (self->markers, pos);
  return TRUE;
}

void
strata_timeline_get_loop (StrataTimeline *self, gint64 *start, gint64 *end, gboolean *enabled)
{
  g_return_if_fail (STRATA_IS_TIMELINE (self));
  if (start) *start = self->loop_start;
  if (end) *end = self->loop_end;
  if (enabled) *enabled = self->loop_enabled;
}

void
strata_timeline_get_punch (StrataTimeline *self, gint64 *start, gint64 *end, gboolean *enabled)
{
  g_return_if_fail (STRATA_IS_TIMELINE (self));
  if (start) *start = self->punch_start;
  if (end) *end = self->punch_end;
  if (enabled) *enabled = self->punch_enabled;
}

StrataTrack *
strata_timeline_find_track (StrataTimeline *self, const char *id)
{
  GListModel *tracks;

  g_return_val_if_fail (STRATA_IS_TIMELINE (self), NULL);
  tracks = G_LIST_MODEL (self->tracks);
  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, i);
      if (g_strcmp0 (strata_strip_get_id (STRATA_STRIP (track)), id) == 0)
        return track;
    }
  return NULL;
}

/* The track holding `clip`, or NULL. */
StrataTrack *
strata_timeline_find_clip (StrataTimeline *self, StrataClip *clip, guint *track_position)
{
  GListModel *tracks;

  g_return_val_if_fail (STRATA_IS_TIMELINE (self), NULL);
  tracks = G_LIST_MODEL (self->tracks);
  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, i);
      if (strata_track_find_clip (track, clip, NULL))
        {
          if (track_position)
            *track_position = i;
          return track;
        }
    }
  return NULL;
}
