/* strata-project.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-project"
#include "config.h"
#include "strata-project.h"
#include "strata-error.h"
#include "strata-files.h"
#include "strata-props-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct _StrataProject
{
  GObject          parent_instance;
  char            *name;
  guint            sample_rate;
  char            *path;
  char            *media_dir;
  char            *private_media_dir;   /* made for a never-saved project; removed with it */
  int              private_lock;        /* flock()ed on it while the project lives; -1: none */
  gboolean         keep_private;        /* holds a take still to offer: left for the next start */
  GListStore      *timelines;
  GListStore      *buses;
  StrataBus       *master;
  GListStore      *sources;
  StrataUndoStack *undo_stack;
  guint            changed_source;
};

G_DEFINE_FINAL_TYPE (StrataProject, strata_project, G_TYPE_OBJECT)

enum { PROP_0, PROP_NAME, PROP_SAMPLE_RATE, PROP_PATH, PROP_MEDIA_DIR, PROP_DIRTY, N_PROPS };
enum { CHANGED, N_SIGNALS };
static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static const gsize offsets[N_PROPS] = {
  [PROP_NAME] = G_STRUCT_OFFSET (StrataProject, name),
  [PROP_SAMPLE_RATE] = G_STRUCT_OFFSET (StrataProject, sample_rate),
  [PROP_PATH] = G_STRUCT_OFFSET (StrataProject, path),
  [PROP_MEDIA_DIR] = G_STRUCT_OFFSET (StrataProject, media_dir),
};

static void
strata_project_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  if (prop_id == PROP_DIRTY)
    g_value_set_boolean (value, strata_project_get_dirty (STRATA_PROJECT (object)));
  else
    strata_prop_get (object, offsets[prop_id], value, pspec);
}

static void
strata_project_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  strata_prop_set (object, object, offsets[prop_id], value, pspec);
  if (prop_id == PROP_SAMPLE_RATE)
    strata_tempo_map_set_sample_rate (
      strata_timeline_get_tempo_map (strata_project_get_timeline (STRATA_PROJECT (object))),
      g_value_get_uint (value));
}

static gboolean
emit_changed_cb (gpointer data)
{
  StrataProject *self = data;

  self->changed_source = 0;
  g_signal_emit (self, signals[CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
undo_stack_changed_cb (StrataUndoStack *stack, StrataProject *self)
{
  strata_project_queue_changed (self);
}

static void
undo_stack_clean_cb (StrataUndoStack *stack, GParamSpec *pspec, StrataProject *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
}

static void
strata_project_dispose (GObject *object)
{
  StrataProject *self = STRATA_PROJECT (object);

  g_clear_handle_id (&self->changed_source, g_source_remove);
  if (self->undo_stack)
    g_signal_handlers_disconnect_by_data (self->undo_stack, self);
  g_clear_object (&self->undo_stack);
  g_clear_object (&self->timelines);
  g_clear_object (&self->buses);
  g_clear_object (&self->master);
  g_clear_object (&self->sources);
  G_OBJECT_CLASS (strata_project_parent_class)->dispose (object);
}

static void
strata_project_finalize (GObject *object)
{
  StrataProject *self = STRATA_PROJECT (object);

  g_free (self->name);
  g_free (self->path);
  g_free (self->media_dir);
  if (self->private_media_dir && !self->keep_private)
    strata_remove_tree (self->private_media_dir);
  g_free (self->private_media_dir);
  if (self->private_lock >= 0)
    close (self->private_lock);
  G_OBJECT_CLASS (strata_project_parent_class)->finalize (object);
}

static void
strata_project_class_init (StrataProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_project_dispose;
  object_class->finalize = strata_project_finalize;
  object_class->get_property = strata_project_get_property;
  object_class->set_property = strata_project_set_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, STRATA_PROP_FLAGS);
  properties[PROP_SAMPLE_RATE] = g_param_spec_uint ("sample-rate", NULL, NULL, 8000, 384000,
                                                    48000, STRATA_PROP_FLAGS);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, STRATA_PROP_FLAGS);
  properties[PROP_MEDIA_DIR] = g_param_spec_string ("media-dir", NULL, NULL, NULL,
                                                    STRATA_PROP_FLAGS);
  properties[PROP_DIRTY] = g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
strata_project_init (StrataProject *self)
{
  self->sample_rate = 48000;
  self->private_lock = -1;
  self->timelines = g_list_store_new (STRATA_TYPE_TIMELINE);
  self->buses = g_list_store_new (STRATA_TYPE_BUS);
  self->sources = g_list_store_new (STRATA_TYPE_SOURCE);
  self->master = strata_bus_new ("master");
  g_object_set (self->master, "name", "Master", "output", NULL, NULL);
  self->undo_stack = strata_undo_stack_new ();
  g_signal_connect (self->undo_stack, "changed", G_CALLBACK (undo_stack_changed_cb), self);
  g_signal_connect (self->undo_stack, "notify::clean", G_CALLBACK (undo_stack_clean_cb), self);
}

StrataProject *
strata_project_new (guint sample_rate)
{
  StrataProject *self = g_object_new (STRATA_TYPE_PROJECT, NULL);
  g_autoptr(StrataTimeline) timeline = strata_timeline_new (sample_rate);

  g_list_store_append (self->timelines, timeline);
  g_object_set (self, "sample-rate", sample_rate, NULL);
  return self;
}

const char *
strata_project_get_name (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->name ? self->name : "Untitled";
}

guint
strata_project_get_sample_rate (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), 0);
  return self->sample_rate;
}

const char *
strata_project_get_path (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->path;
}

void
strata_project_set_path (StrataProject *self, const char *path)
{
  g_return_if_fail (STRATA_IS_PROJECT (self));
  g_object_set (self, "path", path, NULL);
}

const char *
strata_project_get_media_dir (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->media_dir;
}

void
strata_project_set_media_dir (StrataProject *self, const char *media_dir)
{
  g_return_if_fail (STRATA_IS_PROJECT (self));
  g_object_set (self, "media-dir", media_dir, NULL);
}

gboolean
strata_project_get_dirty (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);
  return !strata_undo_stack_is_clean (self->undo_stack);
}

GListModel *
strata_project_get_timelines (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return G_LIST_MODEL (self->timelines);
}

/* The project's first timeline, the one every view and the render use today. */
StrataTimeline *
strata_project_get_timeline (StrataProject *self)
{
  g_autoptr(StrataTimeline) timeline = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  /* Borrowed: the list keeps its reference. */
  timeline = g_list_model_get_item (G_LIST_MODEL (self->timelines), 0);
  return timeline;
}

GListModel *
strata_project_get_buses (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return G_LIST_MODEL (self->buses);
}

StrataBus *
strata_project_get_master (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->master;
}

GListModel *
strata_project_get_sources (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return G_LIST_MODEL (self->sources);
}

StrataUndoStack *
strata_project_get_undo_stack (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->undo_stack;
}

/* Applies an edit as one undo step; takes ownership of `command`. */
void
strata_project_push (StrataProject *self, StrataCommand *command)
{
  g_return_if_fail (STRATA_IS_PROJECT (self));
  g_return_if_fail (STRATA_IS_COMMAND (command));
  strata_undo_stack_push (self->undo_stack, command);
}

void
strata_project_queue_changed (StrataProject *self)
{
  g_return_if_fail (STRATA_IS_PROJECT (self));
  if (self->changed_source == 0)
    {
      self->changed_source = g_idle_add_full (G_PRIORITY_DEFAULT, emit_changed_cb, self, NULL);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->changed_source),
                                "[strata] project changed");
    }
}

void
strata_project_mark_saved (StrataProject *self)
{
  g_return_if_fail (STRATA_IS_PROJECT (self));
  strata_undo_stack_mark_clean (self->undo_stack);
}

static gpointer
find_in (GListModel *list, const char *id, const char *(*get_id) (gpointer))
{
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);
      if (g_strcmp0 (get_id (item), id) == 0)
        return item;
    }
  return NULL;
}

StrataBus *
strata_project_find_bus (StrataProject *self, const char *id)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  if (g_strcmp0 (id, "master") == 0)
    return self->master;
  return find_in (G_LIST_MODEL (self->buses), id, (gpointer) strata_strip_get_id);
}

StrataStrip *
strata_project_find_strip (StrataProject *self, const char *id)
{
  StrataBus *bus;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  bus = strata_project_find_bus (self, id);
  if (bus)
    return STRATA_STRIP (bus);
  return (StrataStrip *) strata_timeline_find_track (strata_project_get_timeline (self), id);
}

StrataSource *
strata_project_find_source (StrataProject *self, const char *id)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return find_in (G_LIST_MODEL (self->sources), id, (gpointer) strata_source_get_id);
}

StrataSource *
strata_project_find_source_by_hash (StrataProject *self, const char *hash)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return find_in (G_LIST_MODEL (self->sources), hash, (gpointer) strata_source_get_hash);
}

/* A fresh id ("t1", "t2", ...) used by no track, bus or source. */
char *
strata_project_new_id (StrataProject *self, const char *prefix)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);

  for (guint n = 1;; n++)
    {
      char *id = g_strdup_printf ("%s%u", prefix, n);
      if (!strata_project_find_strip (self, id) && !strata_project_find_source (self, id))
        return id;
      g_free (id);
    }
}

/* "tracks[2].clips[0]", the JSON path that names a clip in messages. */
char *
strata_project_describe_clip (StrataProject *self, StrataClip *clip)
{
  guint track_pos, clip_pos;
  StrataTrack *track;

  track = strata_timeline_find_clip (strata_project_get_timeline (self), clip, &track_pos);
  if (track == NULL || !strata_track_find_clip (track, clip, &clip_pos))
    return g_strdup (_("clip"));
  return g_strdup_printf ("tracks[%u].clips[%u]", track_pos, clip_pos);
}

/* Whether the routing leads from `from` (through outputs and sends) to `goal`; `path`
 * collects the way there. */
static gboolean
routing_reaches (StrataProject *self, const char *from, const char *goal, GHashTable *seen,
                 GString *path)
{
  StrataBus *bus;
  GListModel *sends;
  gsize len = path->len;

  if (from == NULL || g_str_equal (from, "master"))
    return FALSE;
  g_string_append_printf (path, " -> %s", from);
  if (g_str_equal (from, goal))
    return TRUE;
  bus = strata_project_find_bus (self, from);
  if (bus != NULL && g_hash_table_add (seen, (gpointer) from))
    {
      sends = strata_strip_get_sends (STRATA_STRIP (bus));
      if (routing_reaches (self, strata_strip_get_output (STRATA_STRIP (bus)), goal, seen, path))
        return TRUE;
      for (guint i = 0; i < g_list_model_get_n_items (sends); i++)
        {
          g_autoptr(StrataSend) send = g_list_model_get_item (sends, i);
          if (routing_reaches (self, strata_send_get_bus (send), goal, seen, path))
            return TRUE;
        }
    }
  g_string_truncate (path, len);
  return FALSE;
}

/* Whether strip `strip_id` may feed `target` (by its output or a send): the target must be
 * the master or an existing bus, and the mix graph (outputs and sends alike) must not lead
 * from the target back to the strip. The master feeds nothing. */
gboolean
strata_project_check_routing (StrataProject *self, const char *strip_id, const char *target,
                              GError **error)
{
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GString) path = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);

  if (g_strcmp0 (strip_id, "master") == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("the master has no output and no sends"));
      return FALSE;
    }
  if (target == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID, _("must go to a bus or the master"));
      return FALSE;
    }
  if (!g_str_equal (target, "master") && strata_project_find_bus (self, target) == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_NOT_FOUND, _("no bus with id '%s'"), target);
      return FALSE;
    }
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  path = g_string_new (strip_id);
  if (routing_reaches (self, target, strip_id, seen, path))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID, _("routing cycle: %s"), path->str);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_strip (StrataProject *self, StrataStrip *strip, const char *where, GError **error)
{
  GListModel *sends = strata_strip_get_sends (strip);
  double volume = strata_strip_get_volume_db (strip);
  const char *output = strata_strip_get_output (strip);
  g_autoptr(GError) local_error = NULL;

  if (!(volume >= -144.0 && volume <= 12.0) && !(isinf (volume) && volume < 0))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("%s.volume_db: %g is outside [-144, 12]"), where, volume);
      return FALSE;
    }
  if (!(STRATA_IS_BUS (strip) && strata_bus_is_master (STRATA_BUS (strip)))
      && !strata_project_check_routing (self, strata_strip_get_id (strip), output, &local_error))
    {
      g_set_error (error, STRATA_ERROR, local_error->code, _("%s.output: %s"), where,
                   local_error->message);
      return FALSE;
    }
  for (guint i = 0; i < g_list_model_get_n_items (sends); i++)
    {
      g_autoptr(StrataSend) send = g_list_model_get_item (sends, i);
      const char *bus = strata_send_get_bus (send);

      if (g_str_equal (bus, "master") ||
          !strata_project_check_routing (self, strata_strip_get_id (strip), bus, &local_error))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID, _("%s.sends[%u].bus: %s"),
                       where, i, local_error ? local_error->message
                                             : "a send goes to a bus, not the master");
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
validate_clips (StrataProject *self, StrataTrack *track, guint t, GError **error)
{
  GListModel *clips = strata_track_get_clips (track);
  guint n = g_list_model_get_n_items (clips);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataClip) clip = g_list_model_get_item (clips, i);
      StrataSource *source = strata_clip_get_source (clip);
      gint64 length = strata_clip_get_length (clip);

      if (strata_clip_get_source_start (clip) + length > strata_source_get_frames (source))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                       _("tracks[%u].clips[%u]: source_start + length (%lld) is past the end "
                         "of media '%s' (%lld frames)"),
                       t, i, (long long) (strata_clip_get_source_start (clip) + length),
                       strata_source_get_id (source),
                       (long long) strata_source_get_frames (source));
          return FALSE;
        }
      if (strata_clip_get_fade_in (clip) + strata_clip_get_fade_out (clip) > length)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                       _("tracks[%u].clips[%u]: fade_in + fade_out (%lld) is longer than the "
                         "clip (%lld)"), t, i,
                       (long long) (strata_clip_get_fade_in (clip)
                                    + strata_clip_get_fade_out (clip)),
                       (long long) length);
          return FALSE;
        }
      if (i > 0)
        {
          g_autoptr(StrataClip) prev = g_list_model_get_item (clips, i - 1);
          if (strata_clip_get_end (prev) > strata_clip_get_start (clip))
            {
              g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                           _("tracks[%u].clips[%u] overlaps tracks[%u].clips[%u] on track '%s' "
                             "(frames %lld..%lld and %lld..%lld)"),
                           t, i, t, i - 1, strata_strip_get_name (STRATA_STRIP (track)),
                           (long long) strata_clip_get_start (clip),
                           (long long) strata_clip_get_end (clip),
                           (long long) strata_clip_get_start (prev),
                           (long long) strata_clip_get_end (prev));
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* Checks the rules of the project format that commands and loaders must keep: clips within
 * their sources and not overlapping, fades within clips, levels in range, routing to existing
 * buses without cycles. The error names the object by its JSON path. */
gboolean
strata_project_validate (StrataProject *self, GError **error)
{
  GListModel *tracks, *buses = G_LIST_MODEL (self->buses);
  char where[64];

  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);

  for (guint i = 0; i < g_list_model_get_n_items (buses); i++)
    {
      g_autoptr(StrataStrip) bus = g_list_model_get_item (buses, i);
      g_snprintf (where, sizeof where, "buses[%u]", i);
      if (!validate_strip (self, bus, where, error))
        return FALSE;
    }
  tracks = strata_timeline_get_tracks (strata_project_get_timeline (self));
  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, i);
      g_snprintf (where, sizeof where, "tracks[%u]", i);
      if (!validate_strip (self, STRATA_STRIP (track), where, error)
          || !validate_clips (self, track, i, error))
        return FALSE;
    }
  return TRUE;
}

static void
swap_stores (GListModel *a, GListModel *b)
{
  guint na = g_list_model_get_n_items (a), nb = g_list_model_get_n_items (b);
  g_autoptr(GPtrArray) items_a = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) items_b = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < na; i++)
    g_ptr_array_add (items_a, g_list_model_get_item (a, i));
  for (guint i = 0; i < nb; i++)
    g_ptr_array_add (items_b, g_list_model_get_item (b, i));
  g_list_store_splice (G_LIST_STORE (a), 0, na, items_b->pdata, nb);
  g_list_store_splice (G_LIST_STORE (b), 0, nb, items_a->pdata, na);
}

static void
swap_properties (gpointer a, gpointer b, const char *const *names)
{
  for (guint i = 0; names[i]; i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (a), names[i]);
      GValue va = G_VALUE_INIT, vb = G_VALUE_INIT;

      g_value_init (&va, pspec->value_type);
      g_value_init (&vb, pspec->value_type);
      g_object_get_property (a, names[i], &va);
      g_object_get_property (b, names[i], &vb);
      g_object_set_property (a, names[i], &vb);
      g_object_set_property (b, names[i], &va);
      g_value_unset (&va);
      g_value_unset (&vb);
    }
}

static void
swap_markers (StrataTimeline *a, StrataTimeline *b)
{
  g_autoptr(GPtrArray) from_a = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) from_b = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *ma = strata_timeline_get_markers (a), *mb = strata_timeline_get_markers (b);

  while (g_list_model_get_n_items (ma) > 0)
    {
      StrataMarker *m = g_list_model_get_item (ma, 0);
      strata_timeline_remove_marker (a, m);
      g_ptr_array_add (from_a, m);
    }
  while (g_list_model_get_n_items (mb) > 0)
    {
      StrataMarker *m = g_list_model_get_item (mb, 0);
      strata_timeline_remove_marker (b, m);
      g_ptr_array_add (from_b, m);
    }
  for (guint i = 0; i < from_b->len; i++)
    strata_timeline_insert_marker (a, from_b->pdata[i]);
  for (guint i = 0; i < from_a->len; i++)
    strata_timeline_insert_marker (b, from_a->pdata[i]);
}

/* Exchanges everything a project holds with `other` while every object a view may be bound to
 * (the project, its timeline, stores and master) stays the same: restoring a snapshot is a
 * swap, and undoing it is the same swap again. */
void
strata_project_swap_content (StrataProject *self, StrataProject *other)
{
  static const char *const project_props[] = { "name", "sample-rate", NULL };
  static const char *const range_props[] = { "loop-start", "loop-end", "loop-enabled",
                                             "punch-start", "punch-end", "punch-enabled", NULL };
  static const char *const master_props[] = { "volume-db", "pan", "mute", NULL };
  StrataTimeline *ta, *tb;
  StrataTempoMap *ma, *mb;
  g_autoptr(GArray) saved = NULL;
  g_autoptr(GArray) other_segments = NULL;

  g_return_if_fail (STRATA_IS_PROJECT (self) && STRATA_IS_PROJECT (other));

  swap_properties (self, other, project_props);
  ta = strata_project_get_timeline (self);
  tb = strata_project_get_timeline (other);
  ma = strata_timeline_get_tempo_map (ta);
  mb = strata_timeline_get_tempo_map (tb);
  saved = strata_tempo_map_dup_segments (ma);
  other_segments = strata_tempo_map_dup_segments (mb);
  strata_tempo_map_set_segments (ma, (gpointer) other_segments->data, other_segments->len, NULL);
  strata_tempo_map_set_segments (mb, (gpointer) saved->data, saved->len, NULL);
  swap_properties (ta, tb, range_props);
  swap_markers (ta, tb);
  swap_stores (strata_timeline_get_tracks (ta), strata_timeline_get_tracks (tb));
  swap_stores (G_LIST_MODEL (self->sources), G_LIST_MODEL (other->sources));
  swap_stores (G_LIST_MODEL (self->buses), G_LIST_MODEL (other->buses));
  swap_properties (self->master, other->master, master_props);
  swap_stores (strata_strip_get_inserts (STRATA_STRIP (self->master)),
               strata_strip_get_inserts (STRATA_STRIP (other->master)));
  swap_stores (strata_strip_get_automation (STRATA_STRIP (self->master)),
               strata_strip_get_automation (STRATA_STRIP (other->master)));
  strata_project_queue_changed (self);
}

/* The media pool entry for an import: the source that already holds that content (the same
 * audio imported twice is one entry), or a new source, not yet in the pool, named after the
 * file the user picked. Its path is relative to the media folder when it was stored there. */
StrataSource *
strata_project_source_for_import (StrataProject            *self,
                                  const StrataImportResult *result,
                                  const char               *file_name)
{
  StrataSource *existing;
  g_autofree char *id = NULL;
  g_autofree char *base = NULL;
  g_autofree char *prefix = NULL;
  const char *path = result->media_path;
  StrataSource *source;
  char *dot;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (result != NULL, NULL);

  existing = strata_project_find_source_by_hash (self, result->hash);
  if (existing)
    return g_object_ref (existing);

  if (self->media_dir)
    {
      prefix = g_strconcat (self->media_dir, G_DIR_SEPARATOR_S, NULL);
      if (g_str_has_prefix (path, prefix))
        path += strlen (prefix);
    }
  id = strata_project_new_id (self, "m");
  source = strata_source_new (id, path, result->channels, result->frames);
  strata_source_set_file_path (source, result->media_path);
  strata_source_set_hash (source, result->hash);
  if (file_name)
    {
      base = g_path_get_basename (file_name);
      if ((dot = strrchr (base, '.')) != NULL && dot != base)
        *dot = '\0';
      strata_source_set_name (source, base);
    }
  return source;
}

/* ---- the media folders of untitled projects --------------------------------------------- */

/* A project that was never saved keeps its media in a folder of its own under
 * <user data>/strata/unsaved/, not in /tmp: a recording into it survives a crash (and a boot
 * that wipes /tmp), to be offered back at the next start. The project holds a flock() on its
 * folder while it lives, which a crash releases: an unlocked folder there is a leftover. A
 * lock on the .lock file beside the folders keeps one Strata from taking a folder another has
 * just made and not locked yet for an empty leftover. */

static char *
unsaved_base (void)
{
  return g_build_filename (g_get_user_data_dir (), "strata", "unsaved", NULL);
}

/* Opens `dir` and takes its lock without waiting; -1 when it is gone or locked by a project
 * that lives (here or in another Strata). */
static int
lock_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* Serialises making, taking and clearing folders between Strata processes; -1 on failure
 * (then each step still relies on the folders' own locks). */
static int
lock_base (const char *base)
{
  g_autofree char *path = g_build_filename (base, ".lock", NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd >= 0)
    flock (fd, LOCK_EX);
  return fd;
}

static void
unlock_base (int fd)
{
  if (fd >= 0)
    close (fd);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static void
take_private_dir (StrataProject *self, const char *dir, int lock)
{
  self->private_media_dir = g_strdup (dir);
  self->private_lock = lock;
  strata_project_set_media_dir (self, dir);
}

/* The folder imports go to. A project that was never saved gets a private one, whose media
 * moves into Song.media/ at the first save; it goes away with the project (what was never
 * saved is gone when the project is closed without saving). */
const char *
strata_project_ensure_media_dir (StrataProject *self, GError **error)
{
  g_autofree char *base = NULL;
  g_autofree char *dir = NULL;
  int guard, lock, saved_errno;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  if (self->media_dir)
    return self->media_dir;
  base = unsaved_base ();
  if (g_mkdir_with_parents (base, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot create the folder '%s': %s"),
                   base, g_strerror (saved));
      return NULL;
    }
  guard = lock_base (base);
  dir = g_build_filename (base, "project-XXXXXX", NULL);
  if (g_mkdtemp_full (dir, 0700) == NULL)
    {
      int saved = errno;
      unlock_base (guard);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot create the folder '%s': %s"),
                   dir, g_strerror (saved));
      return NULL;
    }
  lock = lock_dir (dir);
  saved_errno = errno;
  unlock_base (guard);
  if (lock < 0)
    {
      int saved = saved_errno;
      g_rmdir (dir);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot open the folder '%s': %s"),
                   dir, g_strerror (saved));
      return NULL;
    }
  take_private_dir (self, dir, lock);
  return self->media_dir;
}

GPtrArray *
strata_project_find_unsaved_leftovers (void)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *base = unsaved_base ();
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int guard;

  if (!g_file_test (base, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&found);
  guard = lock_base (base);
  dir = g_dir_open (base, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (base, name, NULL);
      int lock;

      if (name[0] == '.' || (lock = lock_dir (path)) < 0)
        continue;
      /* Nothing in it: nothing to offer or keep. */
      if (g_rmdir (path) != 0)
        g_ptr_array_add (found, g_steal_pointer (&path));
      close (lock);
    }
  unlock_base (guard);
  g_ptr_array_sort (found, compare_paths);
  return g_steal_pointer (&found);
}

gboolean
strata_project_adopt_media_dir (StrataProject *self, const char *dir, GError **error)
{
  g_autofree char *base = NULL;
  int guard, lock;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (self->media_dir == NULL, FALSE);

  base = unsaved_base ();
  guard = lock_base (base);
  lock = lock_dir (dir);
  unlock_base (guard);
  if (lock < 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("the folder '%s' is gone or in use by another Strata"), dir);
      return FALSE;
    }
  take_private_dir (self, dir, lock);
  return TRUE;
}

void
strata_project_keep_media_dir (StrataProject *self)
{
  g_return_if_fail (STRATA_IS_PROJECT (self));
  self->keep_private = TRUE;
}

void
strata_project_release_media_dir (StrataProject *self)
{
  g_autofree char *dir = NULL;

  g_return_if_fail (STRATA_IS_PROJECT (self));
  if (self->private_media_dir == NULL)
    return;
  dir = g_steal_pointer (&self->private_media_dir);
  if (self->private_lock >= 0)
    close (self->private_lock);
  self->private_lock = -1;
  if (g_strcmp0 (self->media_dir, dir) == 0)
    strata_project_set_media_dir (self, NULL);
}
