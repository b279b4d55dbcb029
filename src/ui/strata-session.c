/* strata-session.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-session"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "strata-commands.h"
#include "strata-core-enums.h"
#include "strata-error.h"
#include "strata-session.h"

struct _StrataSession
{
  GObject          parent_instance;
  StrataProject   *project;
  StrataEngine    *engine;
  StrataPeakCache *peak_cache;
  StrataSnap       snap;
  gdouble          zoom;
  int              track_height;
  GHashTable      *lanes_shown;   /* StrataTrack * (weak) set */
  GHashTable      *added_lanes;   /* StrataTrack * (weak) -> GPtrArray of AddedLane */
  GPtrArray       *selection;     /* StrataClip * (strong) */
  gint64           position;      /* without an engine */
  gint64           loop[2];       /* what the engine was told, enabled or -1 */
};

G_DEFINE_FINAL_TYPE (StrataSession, strata_session, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PROJECT,
  PROP_ENGINE,
  PROP_SNAP,
  PROP_ZOOM,
  PROP_POSITION,
  PROP_PLAYING,
  N_PROPS
};

enum
{
  SIGNAL_TOAST,
  SIGNAL_LAYOUT_CHANGED,
  SIGNAL_SELECTION_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

const char * const strata_automation_params[STRATA_N_STRIP_PARAMS] = {
  "volume_db", "pan", "mute",
};

/* The value axes of the strip's own parameters, as the effects describe theirs. */
static const StrataParamDesc strip_params[STRATA_N_STRIP_PARAMS] = {
  { "volume_db", N_("Volume"), "dB", STRATA_PARAM_CONTINUOUS, -60.0, 6.0, 0.0, NULL,
    STRATA_PARAM_LINEAR },
  { "pan", N_("Pan"), "", STRATA_PARAM_CONTINUOUS, -1.0, 1.0, 0.0, NULL, STRATA_PARAM_LINEAR },
  { "mute", N_("Mute"), "", STRATA_PARAM_TOGGLE, 0.0, 1.0, 0.0, NULL, STRATA_PARAM_LINEAR },
};

/* A lane the user added: held by its effect rather than by index, so that it follows the
 * effect through a reorder and goes when the effect goes. */
typedef struct
{
  StrataInsert *insert;
  char         *name;
} AddedLane;

static void
added_lane_free (AddedLane *added)
{
  g_object_unref (added->insert);
  g_free (added->name);
  g_free (added);
}

/* The insert index and parameter name of an inserts[N].NAME param; -1 for any other. */
static int
parse_insert_param (const char *param, const char **name)
{
  guint index;
  int consumed = 0;

  if (sscanf (param, "inserts[%u]%n", &index, &consumed) == 1 && consumed > 0
      && param[consumed] == '.' && param[consumed + 1] != '\0' && index <= G_MAXINT)
    {
      *name = param + consumed + 1;
      return (int) index;
    }
  return -1;
}

static gboolean
lane_has_points (StrataStrip *strip, const char *param)
{
  StrataAutomationLane *lane = strata_strip_find_lane (strip, param);
  guint n = 0;

  if (lane != NULL)
    strata_automation_lane_get_points (lane, &n);
  return n > 0;
}

static gboolean
is_added (StrataSession *self, StrataTrack *track, StrataInsert *insert, const char *name,
          guint *index)
{
  GPtrArray *added = g_hash_table_lookup (self->added_lanes, track);

  for (guint i = 0; added != NULL && i < added->len; i++)
    {
      AddedLane *lane = added->pdata[i];

      if (lane->insert == insert && g_str_equal (lane->name, name))
        {
          if (index != NULL)
            *index = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Added lanes of effects that left their chain, or of tracks that left the project, go. */
static void
prune_added_lanes (StrataSession *self)
{
  GListModel *tracks = strata_timeline_get_tracks (strata_session_get_timeline (self));
  g_autoptr(GHashTable) alive = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer track, value;

  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(StrataTrack) item = g_list_model_get_item (tracks, i);
      g_hash_table_add (alive, item);
    }
  g_hash_table_iter_init (&iter, self->added_lanes);
  while (g_hash_table_iter_next (&iter, &track, &value))
    {
      GPtrArray *added = value;
      GListStore *inserts;

      if (!g_hash_table_contains (alive, track))
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }
      inserts = G_LIST_STORE (strata_strip_get_inserts (STRATA_STRIP (track)));
      for (guint i = added->len; i > 0; i--)
        if (!g_list_store_find (inserts, ((AddedLane *) added->pdata[i - 1])->insert, NULL))
          g_ptr_array_remove_index (added, i - 1);
    }
}

static gboolean
clip_is_in_project (StrataSession *self, StrataClip *clip)
{
  return strata_timeline_find_clip (strata_session_get_timeline (self), clip, NULL) != NULL;
}

/* The engine loops what the timeline says, however it changed (a ruler drag, an undo). */
static void
sync_loop (StrataSession *self)
{
  gint64 start, end;
  gboolean enabled;

  if (self->engine == NULL)
    return;
  strata_timeline_get_loop (strata_session_get_timeline (self), &start, &end, &enabled);
  enabled = enabled && end > start;
  if (!enabled)
    start = end = -1;
  if (self->loop[0] == start && self->loop[1] == end)
    return;
  self->loop[0] = start;
  self->loop[1] = end;
  strata_engine_set_loop (self->engine, enabled, MAX (0, start), MAX (0, end));
}

/* An undo or a removal can take selected clips out of the project: they leave the selection. */
static void
project_changed_cb (StrataSession *self)
{
  gboolean changed = FALSE;

  for (guint i = self->selection->len; i > 0; i--)
    if (!clip_is_in_project (self, self->selection->pdata[i - 1]))
      {
        g_ptr_array_remove_index (self->selection, i - 1);
        changed = TRUE;
      }
  if (changed)
    g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
  sync_loop (self);
  prune_added_lanes (self);
  /* Takes come and go with recordings and take switches; the rows follow. */
  g_signal_emit (self, signals[SIGNAL_LAYOUT_CHANGED], 0);
}

static void
engine_notify_cb (StrataSession *self, GParamSpec *pspec)
{
  if (g_str_equal (pspec->name, "position"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
  else if (g_str_equal (pspec->name, "playing"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

static void
strata_session_constructed (GObject *object)
{
  StrataSession *self = STRATA_SESSION (object);

  G_OBJECT_CLASS (strata_session_parent_class)->constructed (object);
  g_assert (self->project != NULL);
  g_signal_connect_object (self->project, "changed", G_CALLBACK (project_changed_cb), self,
                           G_CONNECT_SWAPPED);
  if (self->engine != NULL)
    {
      g_signal_connect_object (self->engine, "notify::position", G_CALLBACK (engine_notify_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->engine, "notify::playing", G_CALLBACK (engine_notify_cb),
                               self, G_CONNECT_SWAPPED);
      sync_loop (self);
    }
}

static void
strata_session_dispose (GObject *object)
{
  StrataSession *self = STRATA_SESSION (object);

  g_clear_object (&self->project);
  g_clear_object (&self->engine);
  g_clear_object (&self->peak_cache);
  g_clear_pointer (&self->lanes_shown, g_hash_table_unref);
  g_clear_pointer (&self->added_lanes, g_hash_table_unref);
  g_clear_pointer (&self->selection, g_ptr_array_unref);
  G_OBJECT_CLASS (strata_session_parent_class)->dispose (object);
}

static void
strata_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  StrataSession *self = STRATA_SESSION (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_SNAP:
      g_value_set_enum (value, self->snap);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_POSITION:
      g_value_set_int64 (value, strata_session_get_position (self));
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, strata_session_get_playing (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_session_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  StrataSession *self = STRATA_SESSION (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    case PROP_SNAP:
      strata_session_set_snap (self, g_value_get_enum (value));
      break;
    case PROP_ZOOM:
      strata_session_set_zoom (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_session_class_init (StrataSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = strata_session_constructed;
  object_class->dispose = strata_session_dispose;
  object_class->get_property = strata_session_get_property;
  object_class->set_property = strata_session_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, STRATA_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, STRATA_TYPE_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SNAP] =
    g_param_spec_enum ("snap", NULL, NULL, STRATA_TYPE_SNAP, STRATA_SNAP_BEAT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, STRATA_ZOOM_MIN, STRATA_ZOOM_MAX, 256.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POSITION] =
    g_param_spec_int64 ("position", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Something to tell the user (an edit refused and why, a track deleted), and whether to
   * offer Undo. */
  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  /* Row heights may have changed (track height, lanes shown, take lanes, tracks). */
  signals[SIGNAL_LAYOUT_CHANGED] =
    g_signal_new ("layout-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
}

static void
strata_session_init (StrataSession *self)
{
  self->peak_cache = strata_peak_cache_new ();
  self->snap = STRATA_SNAP_BEAT;
  self->zoom = 256.0;
  self->track_height = STRATA_TRACK_HEIGHT_DEFAULT;
  self->lanes_shown = g_hash_table_new (NULL, NULL);
  self->added_lanes = g_hash_table_new_full (NULL, NULL, NULL,
                                             (GDestroyNotify) g_ptr_array_unref);
  self->selection = g_ptr_array_new_with_free_func (g_object_unref);
  self->loop[0] = self->loop[1] = -1;
}

StrataSession *
strata_session_new (StrataProject *project, StrataEngine *engine)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (engine == NULL || STRATA_IS_ENGINE (engine), NULL);

  return g_object_new (STRATA_TYPE_SESSION, "project", project, "engine", engine, NULL);
}

StrataProject *
strata_session_get_project (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  return self->project;
}

StrataTimeline *
strata_session_get_timeline (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  return strata_project_get_timeline (self->project);
}

StrataTempoMap *
strata_session_get_tempo_map (StrataSession *self)
{
  return strata_timeline_get_tempo_map (strata_session_get_timeline (self));
}

StrataEngine *
strata_session_get_engine (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  return self->engine;
}

StrataPeakCache *
strata_session_get_peak_cache (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  return self->peak_cache;
}

gboolean
strata_session_apply (StrataSession *self, StrataCommand *command, GError *error)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);

  if (command == NULL)
    {
      strata_session_toast (self, error != NULL ? error->message : _("The edit is not possible"),
                            FALSE);
      g_clear_error (&error);
      return FALSE;
    }
  g_clear_error (&error);
  strata_project_push (self->project, command);
  return TRUE;
}

void
strata_session_toast (StrataSession *self, const char *message, gboolean offer_undo)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, message, offer_undo);
}

StrataSnap
strata_session_get_snap (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), STRATA_SNAP_OFF);
  return self->snap;
}

void
strata_session_set_snap (StrataSession *self, StrataSnap snap)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  if (self->snap == snap)
    return;
  self->snap = snap;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAP]);
}

gint64
strata_session_snap (StrataSession *self, gint64 frame)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), frame);
  if (self->snap == STRATA_SNAP_OFF)
    return MAX (0, frame);
  return strata_tempo_map_snap (strata_session_get_tempo_map (self), MAX (0, frame), self->snap);
}

gdouble
strata_session_get_zoom (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), 1.0);
  return self->zoom;
}

void
strata_session_set_zoom (StrataSession *self, gdouble frames_per_pixel)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  frames_per_pixel = CLAMP (frames_per_pixel, STRATA_ZOOM_MIN, STRATA_ZOOM_MAX);
  if (self->zoom == frames_per_pixel)
    return;
  self->zoom = frames_per_pixel;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

int
strata_session_get_track_height (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), STRATA_TRACK_HEIGHT_DEFAULT);
  return self->track_height;
}

void
strata_session_set_track_height (StrataSession *self, int height)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  height = CLAMP (height, STRATA_TRACK_HEIGHT_MIN, STRATA_TRACK_HEIGHT_MAX);
  if (self->track_height == height)
    return;
  self->track_height = height;
  g_signal_emit (self, signals[SIGNAL_LAYOUT_CHANGED], 0);
}

gboolean
strata_session_get_lanes_shown (StrataSession *self, StrataTrack *track)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  return g_hash_table_contains (self->lanes_shown, track);
}

void
strata_session_set_lanes_shown (StrataSession *self, StrataTrack *track, gboolean shown)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (STRATA_IS_TRACK (track));

  if (strata_session_get_lanes_shown (self, track) == shown)
    return;
  /* Keyed by pointer only: a removed track that comes back through undo keeps its lanes. */
  if (shown)
    g_hash_table_add (self->lanes_shown, track);
  else
    g_hash_table_remove (self->lanes_shown, track);
  g_signal_emit (self, signals[SIGNAL_LAYOUT_CHANGED], 0);
}

guint
strata_session_get_take_lanes (StrataSession *self, StrataTrack *track, GArray *lane_of)
{
  GListModel *takes = strata_track_get_takes (track);
  guint n = g_list_model_get_n_items (takes);
  g_autoptr(GArray) lane_end = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (STRATA_IS_SESSION (self), 0);

  if (lane_of != NULL)
    g_array_set_size (lane_of, 0);
  /* Takes are kept sorted by start, so first fit packs them tightly. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataClip) take = g_list_model_get_item (takes, i);
      guint lane;

      for (lane = 0; lane < lane_end->len; lane++)
        if (g_array_index (lane_end, gint64, lane) <= strata_clip_get_start (take))
          break;
      if (lane == lane_end->len)
        g_array_set_size (lane_end, lane + 1);
      g_array_index (lane_end, gint64, lane) = strata_clip_get_end (take);
      if (lane_of != NULL)
        g_array_append_val (lane_of, lane);
    }
  return lane_end->len;
}

const StrataParamDesc *
strata_lane_param_desc (StrataStrip *strip, const char *param)
{
  const StrataParamDesc *desc = NULL;
  g_autoptr(StrataInsert) insert = NULL;

  g_return_val_if_fail (STRATA_IS_STRIP (strip), NULL);
  g_return_val_if_fail (param != NULL, NULL);

  for (guint i = 0; i < STRATA_N_STRIP_PARAMS; i++)
    if (g_str_equal (param, strip_params[i].name))
      return &strip_params[i];
  insert = strata_lane_param_insert (strip, param, &desc);
  return desc;
}

StrataInsert *
strata_lane_param_insert (StrataStrip *strip, const char *param, const StrataParamDesc **desc)
{
  const char *name = NULL;
  int index = parse_insert_param (param, &name);
  g_autoptr(StrataInsert) insert = NULL;
  const StrataEffectClass *klass;
  int p;

  g_return_val_if_fail (STRATA_IS_STRIP (strip), NULL);

  if (desc != NULL)
    *desc = NULL;
  if (index < 0)
    return NULL;
  insert = g_list_model_get_item (strata_strip_get_inserts (strip), index);
  klass = insert != NULL ? strata_insert_get_class (insert) : NULL;
  if (klass == NULL || (p = strata_effect_param_index (klass, name)) < 0)
    return NULL;
  if (desc != NULL)
    *desc = &klass->params[p];
  return g_steal_pointer (&insert);
}

char *
strata_lane_param_label (StrataStrip *strip, const char *param)
{
  const StrataParamDesc *desc = NULL;
  g_autoptr(StrataInsert) insert = strata_lane_param_insert (strip, param, &desc);
  const char *name = NULL;

  if (insert == NULL)
    {
      desc = strata_lane_param_desc (strip, param);
      return desc != NULL ? g_strdup (_(desc->label)) : NULL;
    }
  /* Translators: an automation lane: effect, its place in the chain, parameter */
  return g_strdup_printf (_("%s %d: %s"), _(strata_insert_get_class (insert)->label),
                          parse_insert_param (param, &name) + 1, _(desc->label));
}

GPtrArray *
strata_session_get_lanes (StrataSession *self, StrataTrack *track)
{
  StrataStrip *strip = STRATA_STRIP (track);
  GListModel *inserts = strata_strip_get_inserts (strip);
  GPtrArray *lanes = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (STRATA_IS_SESSION (self), lanes);

  for (guint i = 0; i < STRATA_N_STRIP_PARAMS; i++)
    g_ptr_array_add (lanes, g_strdup (strata_automation_params[i]));
  for (guint i = 0; i < g_list_model_get_n_items (inserts); i++)
    {
      g_autoptr(StrataInsert) insert = g_list_model_get_item (inserts, i);
      const StrataEffectClass *klass = strata_insert_get_class (insert);

      for (guint p = 0; klass != NULL && p < klass->n_params; p++)
        {
          char *param = g_strdup_printf ("inserts[%u].%s", i, klass->params[p].name);

          if (lane_has_points (strip, param)
              || is_added (self, track, insert, klass->params[p].name, NULL))
            g_ptr_array_add (lanes, param);
          else
            g_free (param);
        }
    }
  return lanes;
}

gboolean
strata_session_add_lane (StrataSession *self, StrataTrack *track, const char *param)
{
  g_autoptr(StrataInsert) insert = NULL;
  const StrataParamDesc *desc;
  GPtrArray *added;
  AddedLane *lane;

  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  g_return_val_if_fail (STRATA_IS_TRACK (track), FALSE);
  g_return_val_if_fail (param != NULL, FALSE);

  insert = strata_lane_param_insert (STRATA_STRIP (track), param, &desc);
  if (insert == NULL)
    return FALSE;
  if (!is_added (self, track, insert, desc->name, NULL))
    {
      added = g_hash_table_lookup (self->added_lanes, track);
      if (added == NULL)
        {
          added = g_ptr_array_new_with_free_func ((GDestroyNotify) added_lane_free);
          g_hash_table_insert (self->added_lanes, track, added);
        }
      lane = g_new (AddedLane, 1);
      lane->insert = g_steal_pointer (&insert);
      lane->name = g_strdup (desc->name);
      g_ptr_array_add (added, lane);
    }
  /* One asks for a lane to see it. */
  g_hash_table_add (self->lanes_shown, track);
  g_signal_emit (self, signals[SIGNAL_LAYOUT_CHANGED], 0);
  return TRUE;
}

gboolean
strata_session_remove_lane (StrataSession *self, StrataTrack *track, const char *param)
{
  g_autoptr(StrataInsert) insert = NULL;
  const StrataParamDesc *desc;
  guint index;

  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  g_return_val_if_fail (STRATA_IS_TRACK (track), FALSE);
  g_return_val_if_fail (param != NULL, FALSE);

  insert = strata_lane_param_insert (STRATA_STRIP (track), param, &desc);
  if (insert == NULL || lane_has_points (STRATA_STRIP (track), param)
      || !is_added (self, track, insert, desc->name, &index))
    return FALSE;
  g_ptr_array_remove_index (g_hash_table_lookup (self->added_lanes, track), index);
  g_signal_emit (self, signals[SIGNAL_LAYOUT_CHANGED], 0);
  return TRUE;
}

int
strata_session_get_row_height (StrataSession *self, StrataTrack *track)
{
  int height = self->track_height;

  height += strata_session_get_take_lanes (self, track, NULL) * STRATA_TAKE_LANE_HEIGHT;
  if (strata_session_get_lanes_shown (self, track))
    {
      g_autoptr(GPtrArray) lanes = strata_session_get_lanes (self, track);
      height += (int) lanes->len * STRATA_LANE_HEIGHT;
    }
  return height;
}

GPtrArray *
strata_session_get_selection (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  return self->selection;
}

gboolean
strata_session_is_selected (StrataSession *self, StrataClip *clip)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  return g_ptr_array_find (self->selection, clip, NULL);
}

static void
select_one (StrataSession *self, StrataClip *clip, StrataSelectMode mode)
{
  guint index;

  if (g_ptr_array_find (self->selection, clip, &index))
    {
      if (mode == STRATA_SELECT_TOGGLE)
        g_ptr_array_remove_index (self->selection, index);
    }
  else
    g_ptr_array_add (self->selection, g_object_ref (clip));
}

void
strata_session_select_clips (StrataSession *self, StrataClip **clips, guint n_clips,
                             StrataSelectMode mode)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  if (mode == STRATA_SELECT_REPLACE)
    g_ptr_array_set_size (self->selection, 0);
  for (guint i = 0; i < n_clips; i++)
    select_one (self, clips[i], mode);
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

void
strata_session_select (StrataSession *self, StrataClip *clip, StrataSelectMode mode)
{
  g_return_if_fail (STRATA_IS_CLIP (clip));
  strata_session_select_clips (self, &clip, 1, mode);
}

void
strata_session_clear_selection (StrataSession *self)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  if (self->selection->len == 0)
    return;
  g_ptr_array_set_size (self->selection, 0);
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

gint64
strata_session_get_position (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), 0);
  return self->engine != NULL ? strata_engine_get_position (self->engine) : self->position;
}

gboolean
strata_session_get_playing (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  return self->engine != NULL && strata_engine_get_playing (self->engine);
}

void
strata_session_locate (StrataSession *self, gint64 frame)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  frame = MAX (0, frame);
  self->position = frame;
  if (self->engine != NULL)
    strata_engine_locate (self->engine, frame);
  /* The engine publishes the new position on its next tick; the views move now. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

void
strata_session_play (StrataSession *self)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  if (self->engine != NULL)
    strata_engine_play (self->engine);
}

void
strata_session_stop (StrataSession *self)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  if (self->engine == NULL)
    return;
  if (strata_engine_get_record_state (self->engine) == STRATA_RECORDER_RECORDING)
    {
      g_autoptr(GError) error = NULL;

      if (!strata_engine_stop_recording (self->engine, &error))
        strata_session_toast (self, error->message, FALSE);
    }
  else
    strata_engine_stop (self->engine);
}

void
strata_session_toggle_play (StrataSession *self)
{
  if (strata_session_get_playing (self))
    strata_session_stop (self);
  else
    strata_session_play (self);
}

gboolean
strata_session_record (StrataSession *self, GError **error)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);

  if (self->engine == NULL)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                           _("There is no audio device to record from"));
      return FALSE;
    }
  return strata_engine_record (self->engine, error);
}

void
strata_session_toggle_loop (StrataSession *self)
{
  StrataTimeline *timeline = strata_session_get_timeline (self);
  gint64 start, end;
  gboolean enabled;
  GError *error = NULL;
  StrataCommand *command;

  g_return_if_fail (STRATA_IS_SESSION (self));

  strata_timeline_get_loop (timeline, &start, &end, &enabled);
  if (end <= start)
    {
      /* No range yet: loop the first four bars, as a starting point to drag from. */
      StrataBbt bbt = { 5, 1, 0 };

      start = 0;
      end = strata_tempo_map_bbt_to_frame (strata_session_get_tempo_map (self), &bbt);
    }
  command = strata_commands_set_loop (self->project, start, end, !enabled, &error);
  strata_session_apply (self, command, error);
}

gint64
strata_session_get_end (StrataSession *self)
{
  GListModel *tracks = strata_timeline_get_tracks (strata_session_get_timeline (self));
  gint64 end = 0;

  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, i);
      GListModel *clips = strata_track_get_clips (track);
      guint n = g_list_model_get_n_items (clips);

      for (guint j = 0; j < n; j++)
        {
          g_autoptr(StrataClip) clip = g_list_model_get_item (clips, j);
          end = MAX (end, strata_clip_get_end (clip));
        }
    }
  return end;
}
