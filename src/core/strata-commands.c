/* strata-commands.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-commands"
#include "config.h"
#include "strata-commands.h"
#include "strata-error.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>

/* Frames print as %lld from a (long long): xgettext cannot read a message that G_GINT64_FORMAT
 * splits in pieces. */

static StrataCommand *
add_clip_command (StrataTrack *track, StrataClip *clip, gboolean add)
{
  return strata_collection_command_new (track, clip, add,
                                        (StrataCollectionInsertFunc) strata_track_insert_clip,
                                        (StrataCollectionRemoveFunc) strata_track_remove_clip);
}

static StrataCommand *
set_int64 (gpointer object, const char *property, gint64 value)
{
  return strata_property_command_new_value (object, property, value);
}

static gboolean
is_in (StrataClip *clip, StrataClip **set, guint n)
{
  for (guint i = 0; i < n; i++)
    if (set[i] == clip)
      return TRUE;
  return FALSE;
}

/* Whether [start, end) on `track` is free of clips other than those in `ignore`. */
static gboolean
check_free (StrataProject *project, StrataTrack *track, gint64 start, gint64 end,
            StrataClip **ignore, guint n_ignore, GError **error)
{
  GListModel *clips = strata_track_get_clips (track);

  if (start < 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("a clip cannot start before the beginning of the song"));
      return FALSE;
    }
  for (guint i = 0; i < g_list_model_get_n_items (clips); i++)
    {
      g_autoptr(StrataClip) other = g_list_model_get_item (clips, i);
      if (is_in (other, ignore, n_ignore))
        continue;
      if (strata_clip_get_start (other) < end && start < strata_clip_get_end (other))
        {
          g_autofree char *name = strata_project_describe_clip (project, other);
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                       _("frames %lld..%lld overlap %s on track '%s'"), (long long) start,
                       (long long) end, name, strata_strip_get_name (STRATA_STRIP (track)));
          return FALSE;
        }
    }
  return TRUE;
}

static StrataTrack *
track_of (StrataProject *project, StrataClip *clip, guint *position)
{
  return strata_timeline_find_clip (strata_project_get_timeline (project), clip, position);
}

StrataCommand *
strata_commands_add_clip (StrataProject *project, StrataTrack *track, StrataClip *clip,
                          GError **error)
{
  StrataSource *source = strata_clip_get_source (clip);
  StrataCommand *command;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (STRATA_IS_TRACK (track) && STRATA_IS_CLIP (clip), NULL);

  if (strata_clip_get_source_start (clip) + strata_clip_get_length (clip)
      > strata_source_get_frames (source))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("the clip runs past the end of media '%s'"), strata_source_get_name (source));
      return NULL;
    }
  if (!check_free (project, track, strata_clip_get_start (clip), strata_clip_get_end (clip),
                   NULL, 0, error))
    return NULL;
  command = add_clip_command (track, clip, TRUE);
  strata_command_set_label (command, "Add Clip");
  return command;
}

/* A selection as the builders use it: each clip once, in the order first given. A clip
 * listed twice would otherwise be removed, moved or copied twice by one command. */
static GPtrArray *
unique_clips (StrataClip ***clips, guint *n_clips)
{
  GPtrArray *unique = g_ptr_array_sized_new (*n_clips);

  for (guint i = 0; i < *n_clips; i++)
    if (!g_ptr_array_find (unique, (*clips)[i], NULL))
      g_ptr_array_add (unique, (*clips)[i]);
  *clips = (StrataClip **) unique->pdata;
  *n_clips = unique->len;
  return unique;
}

StrataCommand *
strata_commands_remove_clips (StrataProject *project, StrataClip **clips, guint n_clips)
{
  g_autoptr(GPtrArray) unique = unique_clips (&clips, &n_clips);
  StrataCommand *group = strata_group_command_new (n_clips == 1 ? "Delete Clip"
                                                                : "Delete Clips");

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  for (guint i = 0; i < n_clips; i++)
    {
      StrataTrack *track = track_of (project, clips[i], NULL);
      g_return_val_if_fail (track != NULL, (g_object_unref (group), NULL));
      strata_group_command_add (group, add_clip_command (track, clips[i], FALSE));
    }
  return group;
}

/* Moves a selection in time by `delta` frames and across tracks by `track_delta`, as one
 * step. Refused if any clip would leave the song's start or the track list, or overlap a clip
 * that is not moving. */
StrataCommand *
strata_commands_move_clips (StrataProject *project, StrataClip **clips, guint n_clips,
                            gint64 delta, int track_delta, GError **error)
{
  g_autoptr(GPtrArray) unique = unique_clips (&clips, &n_clips);
  GListModel *tracks = strata_timeline_get_tracks (strata_project_get_timeline (project));
  guint n_tracks = g_list_model_get_n_items (tracks);
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) origins = g_ptr_array_new ();
  StrataCommand *group;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  for (guint i = 0; i < n_clips; i++)
    {
      guint pos;
      StrataTrack *origin = track_of (project, clips[i], &pos);
      gint64 target_pos = (gint64) pos + track_delta;

      g_return_val_if_fail (origin != NULL, NULL);
      if (target_pos < 0 || target_pos >= n_tracks)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                       _("there is no track to move the clip to"));
          return NULL;
        }
      g_ptr_array_add (origins, origin);
      g_ptr_array_add (targets, g_list_model_get_item (tracks, target_pos));
    }

  /* Check each moved clip against the clips that stay, and against the other moved clips
   * that land on the same track. */
  for (guint i = 0; i < n_clips; i++)
    {
      gint64 start = strata_clip_get_start (clips[i]) + delta;
      gint64 end = strata_clip_get_end (clips[i]) + delta;

      if (!check_free (project, targets->pdata[i], start, end, clips, n_clips, error))
        return NULL;
      for (guint j = 0; j < i; j++)
        if (targets->pdata[j] == targets->pdata[i]
            && strata_clip_get_start (clips[j]) + delta < end
            && start < strata_clip_get_end (clips[j]) + delta)
          {
            g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                         _("two of the moved clips would overlap on track '%s'"),
                         strata_strip_get_name (targets->pdata[i]));
            return NULL;
          }
    }

  group = strata_group_command_new (n_clips == 1 ? "Move Clip" : "Move Clips");
  for (guint i = 0; i < n_clips; i++)
    strata_group_command_add (group, add_clip_command (origins->pdata[i], clips[i], FALSE));
  for (guint i = 0; i < n_clips; i++)
    strata_group_command_add (group, set_int64 (clips[i], "start",
                                                strata_clip_get_start (clips[i]) + delta));
  for (guint i = 0; i < n_clips; i++)
    strata_group_command_add (group, add_clip_command (targets->pdata[i], clips[i], TRUE));
  return group;
}

/* Moves the left edge: start and source offset move together, so the audio stays in place. */
StrataCommand *
strata_commands_trim_clip_start (StrataProject *project, StrataClip *clip, gint64 new_start,
                                 GError **error)
{
  gint64 delta = new_start - strata_clip_get_start (clip);
  gint64 source_start = strata_clip_get_source_start (clip) + delta;
  gint64 length = strata_clip_get_length (clip) - delta;
  StrataTrack *track = track_of (project, clip, NULL);
  StrataCommand *group;

  g_return_val_if_fail (track != NULL, NULL);

  if (source_start < 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("the clip cannot start before the beginning of its media"));
      return NULL;
    }
  if (length < 1 || length < strata_clip_get_fade_out (clip))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("the clip would be shorter than its fade-out"));
      return NULL;
    }
  if (delta < 0 && !check_free (project, track, new_start, strata_clip_get_start (clip), NULL, 0,
                                error))
    return NULL;

  group = strata_group_command_new ("Trim Clip");
  strata_group_command_add (group, set_int64 (clip, "source-start", source_start));
  strata_group_command_add (group, set_int64 (clip, "length", length));
  if (strata_clip_get_fade_in (clip) + strata_clip_get_fade_out (clip) > length)
    strata_group_command_add (group, set_int64 (clip, "fade-in",
                                                length - strata_clip_get_fade_out (clip)));
  strata_group_command_add (group, set_int64 (clip, "start", new_start));
  return group;
}

StrataCommand *
strata_commands_trim_clip_end (StrataProject *project, StrataClip *clip, gint64 new_end,
                               GError **error)
{
  gint64 length = new_end - strata_clip_get_start (clip);
  StrataTrack *track = track_of (project, clip, NULL);
  StrataCommand *group;

  g_return_val_if_fail (track != NULL, NULL);

  if (length < 1 || length < strata_clip_get_fade_in (clip))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("the clip would be shorter than its fade-in"));
      return NULL;
    }
  if (strata_clip_get_source_start (clip) + length
      > strata_source_get_frames (strata_clip_get_source (clip)))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("the clip cannot extend past the end of its media"));
      return NULL;
    }
  if (new_end > strata_clip_get_end (clip)
      && !check_free (project, track, strata_clip_get_end (clip), new_end, NULL, 0, error))
    return NULL;

  group = strata_group_command_new ("Trim Clip");
  if (strata_clip_get_fade_in (clip) + strata_clip_get_fade_out (clip) > length)
    strata_group_command_add (group, set_int64 (clip, "fade-out",
                                                length - strata_clip_get_fade_in (clip)));
  strata_group_command_add (group, set_int64 (clip, "length", length));
  return group;
}

StrataCommand *
strata_commands_set_fades (StrataProject *project, StrataClip *clip, gint64 fade_in,
                           gint64 fade_out, GError **error)
{
  StrataCommand *group;

  if (fade_in < 0 || fade_out < 0 || fade_in + fade_out > strata_clip_get_length (clip))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("fades of %lld and %lld frames do not fit a clip of %lld"),
                   (long long) fade_in, (long long) fade_out,
                   (long long) strata_clip_get_length (clip));
      return NULL;
    }
  group = strata_group_command_new ("Change Fades");
  strata_group_command_add (group, set_int64 (clip, "fade-in", fade_in));
  strata_group_command_add (group, set_int64 (clip, "fade-out", fade_out));
  return group;
}

/* The left part keeps the fade-in, the right part the fade-out. */
StrataCommand *
strata_commands_split_clip (StrataProject *project, StrataClip *clip, gint64 frame,
                            GError **error)
{
  gint64 start = strata_clip_get_start (clip);
  gint64 end = strata_clip_get_end (clip);
  StrataTrack *track = track_of (project, clip, NULL);
  g_autoptr(StrataClip) right = NULL;
  StrataCommand *group;

  g_return_val_if_fail (track != NULL, NULL);

  if (frame <= start || frame >= end)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("frame %lld is not inside the clip (%lld..%lld)"), (long long) frame,
                   (long long) start, (long long) end);
      return NULL;
    }

  right = strata_clip_copy (clip);
  g_object_set (right, "start", frame,
                "source-start", strata_clip_get_source_start (clip) + (frame - start),
                "length", end - frame, "fade-in", (gint64) 0,
                "fade-out", MIN (strata_clip_get_fade_out (clip), end - frame), NULL);

  group = strata_group_command_new ("Split Clip");
  strata_group_command_add (group, set_int64 (clip, "fade-out", 0));
  strata_group_command_add (group, set_int64 (clip, "fade-in",
                                              MIN (strata_clip_get_fade_in (clip),
                                                   frame - start)));
  strata_group_command_add (group, set_int64 (clip, "length", frame - start));
  strata_group_command_add (group, add_clip_command (track, right, TRUE));
  return group;
}

static int
compare_clip_ptrs (gconstpointer a, gconstpointer b)
{
  return strata_clip_compare_start (*(StrataClip **) a, *(StrataClip **) b, NULL);
}

/* Joins clips of one track cut from the same media where it continues (gaps are filled from
 * the media): the first clip grows to cover them all and keeps the last one's fade-out. */
StrataCommand *
strata_commands_join_clips (StrataProject *project, StrataClip **clips, guint n_clips,
                            GError **error)
{
  g_autoptr(GPtrArray) unique = unique_clips (&clips, &n_clips);
  g_autofree StrataClip **sorted = g_memdup2 (clips, n_clips * sizeof *clips);
  StrataTrack *track;
  StrataClip *first, *last;
  StrataCommand *group;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  if (n_clips < 2)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("select two clips or more to join"));
      return NULL;
    }

  qsort (sorted, n_clips, sizeof *sorted, compare_clip_ptrs);
  first = sorted[0];
  last = sorted[n_clips - 1];
  track = track_of (project, first, NULL);
  for (guint i = 1; i < n_clips; i++)
    {
      if (track_of (project, sorted[i], NULL) != track
          || strata_clip_get_source (sorted[i]) != strata_clip_get_source (first)
          || strata_clip_get_source_start (sorted[i]) - strata_clip_get_source_start (first)
             != strata_clip_get_start (sorted[i]) - strata_clip_get_start (first))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                       _("only clips on one track that continue the same recording can be joined"));
          return NULL;
        }
    }
  if (!check_free (project, track, strata_clip_get_start (first), strata_clip_get_end (last),
                   sorted, n_clips, error))
    return NULL;

  group = strata_group_command_new ("Join Clips");
  for (guint i = 1; i < n_clips; i++)
    strata_group_command_add (group, add_clip_command (track, sorted[i], FALSE));
  strata_group_command_add (group, set_int64 (first, "length",
                                              strata_clip_get_end (last)
                                              - strata_clip_get_start (first)));
  strata_group_command_add (group, set_int64 (first, "fade-out",
                                              strata_clip_get_fade_out (last)));
  return group;
}

/* Copies the selection right after itself on the same tracks. */
StrataCommand *
strata_commands_duplicate_clips (StrataProject *project, StrataClip **clips, guint n_clips,
                                 GError **error)
{
  g_autoptr(GPtrArray) unique = unique_clips (&clips, &n_clips);
  gint64 first = G_MAXINT64, last = G_MININT64;
  StrataCommand *group;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (n_clips > 0, NULL);

  for (guint i = 0; i < n_clips; i++)
    {
      first = MIN (first, strata_clip_get_start (clips[i]));
      last = MAX (last, strata_clip_get_end (clips[i]));
    }
  for (guint i = 0; i < n_clips; i++)
    if (!check_free (project, track_of (project, clips[i], NULL),
                     strata_clip_get_start (clips[i]) + (last - first),
                     strata_clip_get_end (clips[i]) + (last - first), NULL, 0, error))
      return NULL;

  group = strata_group_command_new (n_clips == 1 ? "Duplicate Clip" : "Duplicate Clips");
  for (guint i = 0; i < n_clips; i++)
    {
      g_autoptr(StrataClip) copy = strata_clip_copy (clips[i]);
      g_object_set (copy, "start", strata_clip_get_start (clips[i]) + (last - first), NULL);
      strata_group_command_add (group,
                                add_clip_command (track_of (project, clips[i], NULL), copy, TRUE));
    }
  return group;
}

/* ---- tracks and buses ----------------------------------------------------------------- */

static GListStore *
tracks_store (StrataProject *project)
{
  return G_LIST_STORE (strata_timeline_get_tracks (strata_project_get_timeline (project)));
}

static GListStore *
buses_store (StrataProject *project)
{
  return G_LIST_STORE (strata_project_get_buses (project));
}

StrataCommand *
strata_commands_add_track (StrataProject *project, guint channels, const char *name,
                           guint position, StrataTrack **track_out)
{
  g_autofree char *id = strata_project_new_id (project, "t");
  g_autoptr(StrataTrack) track = strata_track_new (id, channels);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (tracks_store (project)));
  StrataCommand *command;

  if (name)
    g_object_set (track, "name", name, NULL);
  command = strata_list_insert_command_new (tracks_store (project), MIN (position, n), track);
  strata_command_set_label (command, "Add Track");
  if (track_out)
    *track_out = track;
  return command;
}

StrataCommand *
strata_commands_remove_track (StrataProject *project, StrataTrack *track)
{
  StrataCommand *command = strata_list_remove_command_new (tracks_store (project), track);

  strata_command_set_label (command, "Delete Track");
  return command;
}

StrataCommand *
strata_commands_duplicate_track (StrataProject *project, StrataTrack *track,
                                 StrataTrack **copy_out)
{
  g_autofree char *id = strata_project_new_id (project, "t");
  g_autoptr(StrataTrack) copy = strata_track_copy (track, id);
  g_autofree char *name = g_strdup_printf ("%s copy",
                                           strata_strip_get_name (STRATA_STRIP (track)));
  guint pos = 0;
  StrataCommand *command;

  g_list_store_find (tracks_store (project), track, &pos);
  g_object_set (copy, "name", name, NULL);
  command = strata_list_insert_command_new (tracks_store (project), pos + 1, copy);
  strata_command_set_label (command, "Duplicate Track");
  if (copy_out)
    *copy_out = copy;
  return command;
}

StrataCommand *
strata_commands_move_track (StrataProject *project, guint from, guint to)
{
  StrataCommand *command = strata_list_move_command_new (tracks_store (project), from, to);

  if (command)
    strata_command_set_label (command, "Reorder Tracks");
  return command;
}

StrataCommand *
strata_commands_add_bus (StrataProject *project, const char *name, guint position,
                         StrataBus **bus_out)
{
  g_autofree char *id = strata_project_new_id (project, "bus");
  g_autoptr(StrataBus) bus = strata_bus_new (id);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (buses_store (project)));
  StrataCommand *command;

  if (name)
    g_object_set (bus, "name", name, NULL);
  command = strata_list_insert_command_new (buses_store (project), MIN (position, n), bus);
  strata_command_set_label (command, "Add Bus");
  if (bus_out)
    *bus_out = bus;
  return command;
}

static void
unroute_strip (StrataStrip *strip, const char *bus_id, StrataCommand *group)
{
  GListModel *sends = strata_strip_get_sends (strip);

  if (g_strcmp0 (strata_strip_get_output (strip), bus_id) == 0)
    strata_group_command_add (group, strata_property_command_new_value (strip, "output",
                                                                        "master"));
  for (guint i = 0; i < g_list_model_get_n_items (sends); i++)
    {
      g_autoptr(StrataSend) send = g_list_model_get_item (sends, i);
      if (g_str_equal (strata_send_get_bus (send), bus_id))
        strata_group_command_add (group,
                                  strata_list_remove_command_new (G_LIST_STORE (sends), send));
    }
}

/* What fed the bus goes to the master instead, and sends to it go away, in the same step. */
StrataCommand *
strata_commands_remove_bus (StrataProject *project, StrataBus *bus)
{
  const char *id = strata_strip_get_id (STRATA_STRIP (bus));
  GListModel *lists[] = { G_LIST_MODEL (tracks_store (project)),
                          G_LIST_MODEL (buses_store (project)) };
  StrataCommand *group = strata_group_command_new ("Delete Bus");

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < g_list_model_get_n_items (lists[l]); i++)
      {
        g_autoptr(StrataStrip) strip = g_list_model_get_item (lists[l], i);
        if (strip != STRATA_STRIP (bus))
          unroute_strip (strip, id, group);
      }
  strata_group_command_add (group, strata_list_remove_command_new (buses_store (project), bus));
  return group;
}

StrataCommand *
strata_commands_move_bus (StrataProject *project, guint from, guint to)
{
  StrataCommand *command = strata_list_move_command_new (buses_store (project), from, to);

  if (command)
    strata_command_set_label (command, "Reorder Buses");
  return command;
}

/* ---- strip properties, routing, sends, inserts ---------------------------------------- */

StrataCommand *
strata_commands_set_volume (StrataProject *project, StrataStrip *strip, gdouble volume_db,
                            guint merge_key, GError **error)
{
  StrataCommand *command;

  if (!(volume_db >= -144.0 && volume_db <= 12.0) && !(isinf (volume_db) && volume_db < 0))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("volume %g dB is outside -144..+12 dB"), volume_db);
      return NULL;
    }
  command = strata_property_command_new_value (strip, "volume-db", volume_db);
  strata_property_command_set_merge_key (command, merge_key);
  strata_command_set_label (command, "Change Volume");
  return command;
}

StrataCommand *
strata_commands_set_pan (StrataProject *project, StrataStrip *strip, gdouble pan,
                         guint merge_key, GError **error)
{
  StrataCommand *command;

  if (!(pan >= -1.0 && pan <= 1.0))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID, _("pan %g is outside -1..+1"), pan);
      return NULL;
    }
  command = strata_property_command_new_value (strip, "pan", pan);
  strata_property_command_set_merge_key (command, merge_key);
  strata_command_set_label (command, "Change Pan");
  return command;
}

StrataCommand *
strata_commands_set_output (StrataProject *project, StrataStrip *strip, const char *output,
                            GError **error)
{
  StrataCommand *command;

  if (!strata_project_check_routing (project, strata_strip_get_id (strip), output, error))
    return NULL;
  command = strata_property_command_new_value (strip, "output", output);
  strata_command_set_label (command, "Change Output");
  return command;
}

StrataCommand *
strata_commands_add_send (StrataProject *project, StrataStrip *strip, const char *bus_id,
                          gdouble level_db, gboolean pre_fader, GError **error)
{
  g_autoptr(StrataSend) send = NULL;
  GListModel *sends = strata_strip_get_sends (strip);
  StrataCommand *command;

  if (g_strcmp0 (bus_id, "master") == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("a send goes to a bus, not the master"));
      return NULL;
    }
  if (!(level_db >= -144.0 && level_db <= 12.0) && !(isinf (level_db) && level_db < 0))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("send level %g dB is outside -144..+12 dB"), level_db);
      return NULL;
    }
  if (!strata_project_check_routing (project, strata_strip_get_id (strip), bus_id, error))
    return NULL;
  send = strata_send_new (bus_id, level_db, pre_fader);
  command = strata_list_insert_command_new (G_LIST_STORE (sends),
                                            g_list_model_get_n_items (sends), send);
  strata_command_set_label (command, "Add Send");
  return command;
}

StrataCommand *
strata_commands_remove_send (StrataProject *project, StrataStrip *strip, StrataSend *send)
{
  StrataCommand *command =
    strata_list_remove_command_new (G_LIST_STORE (strata_strip_get_sends (strip)), send);

  strata_command_set_label (command, "Remove Send");
  return command;
}

StrataCommand *
strata_commands_add_insert (StrataProject *project, StrataStrip *strip, StrataInsert *insert,
                            guint position)
{
  GListModel *inserts = strata_strip_get_inserts (strip);
  StrataCommand *command;

  command = strata_list_insert_command_new (G_LIST_STORE (inserts),
                                            MIN (position, g_list_model_get_n_items (inserts)),
                                            insert);
  strata_command_set_label (command, "Add Effect");
  return command;
}

/* The insert an automation param (`inserts[N].NAME`) targets, or -1; `name` gets NAME. */
static int
param_insert_index (const char *param, const char **name)
{
  guint index;
  int consumed = 0;

  if (sscanf (param, "inserts[%u]%n", &index, &consumed) == 1 && consumed > 0
      && param[consumed] == '.' && param[consumed + 1] != '\0' && index <= G_MAXINT)
    {
      /* The parameter name as the JSON format spells it. */
      for (const char *c = param + consumed + 1; *c; c++)
        if (!g_ascii_isalnum (*c) && *c != '_')
          return -1;
      *name = param + consumed + 1;
      return (int) index;
    }
  return -1;
}

/* Adds to `group` what keeps the strip's insert automation pointing at the same effects once
 * its inserts are reordered: `map[i]` is the new index of insert i, -1 if it goes. A lane's
 * param is fixed, so a re-pointed lane is replaced by a copy with the new param, in place. */
static void
remap_lanes (StrataStrip *strip, const int *map, guint n_map, StrataCommand *group)
{
  GListStore *lanes = G_LIST_STORE (strata_strip_get_automation (strip));

  /* Last to first, so that each position is still right when the step before it runs. */
  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (lanes)); i > 0; i--)
    {
      g_autoptr(StrataAutomationLane) lane = g_list_model_get_item (G_LIST_MODEL (lanes), i - 1);
      const char *name = NULL;
      int index = param_insert_index (strata_automation_lane_get_param (lane), &name);
      g_autofree char *param = NULL;
      g_autoptr(StrataAutomationLane) moved = NULL;
      const StrataAutomationPoint *points;
      guint n_points;

      if (index < 0 || (guint) index >= n_map || map[index] == index)
        continue;
      strata_group_command_add (group, strata_list_remove_command_new (lanes, lane));
      if (map[index] < 0)
        continue;
      param = g_strdup_printf ("inserts[%d].%s", map[index], name);
      moved = strata_automation_lane_new (param);
      g_object_set (moved, "enabled", strata_automation_lane_get_enabled (lane), NULL);
      points = strata_automation_lane_get_points (lane, &n_points);
      strata_automation_lane_set_points (moved, points, n_points);
      strata_group_command_add (group, strata_list_insert_command_new (lanes, i - 1, moved));
    }
}

/* The effect's automation goes with it; lanes of the effects after it follow them. */
StrataCommand *
strata_commands_remove_insert (StrataProject *project, StrataStrip *strip,
                               StrataInsert *insert)
{
  GListStore *inserts = G_LIST_STORE (strata_strip_get_inserts (strip));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (inserts));
  g_autofree int *map = g_new (int, n + 1);
  StrataCommand *group;
  guint pos;

  g_return_val_if_fail (g_list_store_find (inserts, insert, &pos), NULL);
  for (guint i = 0; i < n; i++)
    map[i] = i < pos ? (int) i : i == pos ? -1 : (int) i - 1;
  group = strata_group_command_new ("Remove Effect");
  strata_group_command_add (group, strata_list_remove_command_new (inserts, insert));
  remap_lanes (strip, map, n, group);
  return group;
}

StrataCommand *
strata_commands_move_insert (StrataProject *project, StrataStrip *strip, guint from, guint to)
{
  GListStore *inserts = G_LIST_STORE (strata_strip_get_inserts (strip));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (inserts));
  StrataCommand *move = strata_list_move_command_new (inserts, from, to);
  g_autofree int *map = NULL;
  StrataCommand *group;

  if (move == NULL)
    return NULL;
  map = g_new (int, n);
  for (guint i = 0; i < n; i++)
    {
      if (i == from)
        map[i] = to;
      else if (from < to && i > from && i <= to)
        map[i] = i - 1;
      else if (from > to && i >= to && i < from)
        map[i] = i + 1;
      else
        map[i] = i;
    }
  group = strata_group_command_new ("Reorder Effects");
  strata_group_command_add (group, move);
  remap_lanes (strip, map, n, group);
  return group;
}

StrataCommand *
strata_commands_set_insert_param (StrataProject *project, StrataInsert *insert,
                                  const char *name, gdouble value, guint merge_key,
                                  GError **error)
{
  const StrataEffectClass *klass = strata_insert_get_class (insert);
  int index = klass ? strata_effect_param_index (klass, name) : -1;
  g_autoptr(GError) local_error = NULL;
  StrataCommand *command;

  if (index < 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID, _("'%s' is not a parameter of %s"),
                   name, strata_insert_get_kind (insert));
      return NULL;
    }
  if (!strata_param_check_value (&klass->params[index], value, &local_error))
    {
      g_set_error (error, STRATA_ERROR, local_error->code, "%s: %s", name,
                   local_error->message);
      return NULL;
    }
  command = strata_property_command_new_value (insert, "params",
                                               strata_insert_params_with (insert,
                                                                          &klass->params[index],
                                                                          value));
  strata_property_command_set_merge_key (command, merge_key);
  strata_command_set_label (command, "Change Effect Parameter");
  return command;
}

StrataCommand *
strata_commands_set_insert_bypass (StrataProject *project, StrataInsert *insert,
                                   gboolean bypass)
{
  StrataCommand *command = strata_property_command_new_value (insert, "bypass", bypass);

  strata_command_set_label (command, bypass ? "Bypass Effect" : "Enable Effect");
  return command;
}

/* ---- automation ----------------------------------------------------------------------- */

/* The strip whose automation holds `lane`. */
static StrataStrip *
lane_strip (StrataProject *project, StrataAutomationLane *lane)
{
  GListModel *lists[] = { G_LIST_MODEL (tracks_store (project)),
                          G_LIST_MODEL (buses_store (project)) };
  StrataStrip *master = STRATA_STRIP (strata_project_get_master (project));

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < g_list_model_get_n_items (lists[l]); i++)
      {
        g_autoptr(StrataStrip) strip = g_list_model_get_item (lists[l], i);
        if (g_list_store_find (G_LIST_STORE (strata_strip_get_automation (strip)), lane, NULL))
          return strip;   /* the project keeps it */
      }
  return master;
}

/* A point of `inserts[N].NAME` lies in the range of NAME's descriptor; NAME must be one. */
static gboolean
check_insert_point (StrataStrip *strip, const char *param, gdouble value, GError **error)
{
  const char *name = NULL;
  int index = param_insert_index (param, &name);
  g_autoptr(StrataInsert) insert = NULL;
  g_autoptr(GError) local_error = NULL;
  const StrataEffectClass *klass;
  int p;

  if (index < 0)
    return TRUE;
  insert = g_list_model_get_item (strata_strip_get_inserts (strip), index);
  klass = insert ? strata_insert_get_class (insert) : NULL;
  if (klass == NULL || (p = strata_effect_param_index (klass, name)) < 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("'%s' is not a parameter of insert %d"), name, index);
      return FALSE;
    }
  if (!strata_param_check_value (&klass->params[p], value, &local_error))
    {
      g_set_error (error, STRATA_ERROR, local_error->code, "%s: %s", param,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_point (const char *param, gint64 frame, gdouble value, GError **error)
{
  gboolean ok = frame >= 0 && isfinite (value);

  if (ok && g_str_equal (param, "volume_db"))
    ok = value >= -144.0 && value <= 12.0;
  else if (ok && g_str_equal (param, "pan"))
    ok = value >= -1.0 && value <= 1.0;
  else if (ok && g_str_equal (param, "mute"))
    ok = value == 0.0 || value == 1.0;
  if (!ok)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                 _("%g at frame %lld is not a valid point for %s"), value, (long long) frame,
                 param);
  return ok;
}

static GArray *
copy_points (StrataAutomationLane *lane)
{
  guint n;
  const StrataAutomationPoint *points = strata_automation_lane_get_points (lane, &n);
  GArray *array = g_array_sized_new (FALSE, FALSE, sizeof (StrataAutomationPoint), n + 1);

  g_array_append_vals (array, points, n);
  return array;
}

/* Inserts after the points at the same frame, so that adding twice at one frame makes a step. */
static void
insert_point (GArray *points, gint64 frame, gdouble value)
{
  StrataAutomationPoint point = { frame, value };
  guint i = 0;

  while (i < points->len && g_array_index (points, StrataAutomationPoint, i).frame <= frame)
    i++;
  g_array_insert_val (points, i, point);
}

StrataCommand *
strata_commands_add_point (StrataProject *project, StrataStrip *strip, const char *param,
                           gint64 frame, gdouble value, GError **error)
{
  StrataAutomationLane *lane = strata_strip_find_lane (strip, param);
  g_autoptr(StrataAutomationLane) new_lane = NULL;
  g_autoptr(GArray) points = NULL;
  StrataCommand *group;
  const char *name;
  int insert = param_insert_index (param, &name);

  if (!g_str_equal (param, "volume_db") && !g_str_equal (param, "pan")
      && !g_str_equal (param, "mute")
      && (insert < 0
          || (guint) insert >= g_list_model_get_n_items (strata_strip_get_inserts (strip))))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("'%s' is not a parameter of '%s' that can be automated"), param,
                   strata_strip_get_name (strip));
      return NULL;
    }
  if (!check_point (param, frame, value, error)
      || !check_insert_point (strip, param, value, error))
    return NULL;

  group = strata_group_command_new ("Add Automation Point");
  if (lane == NULL)
    {
      GListModel *lanes = strata_strip_get_automation (strip);
      lane = new_lane = strata_automation_lane_new (param);
      strata_group_command_add (group,
                                strata_list_insert_command_new (G_LIST_STORE (lanes),
                                                                g_list_model_get_n_items (lanes),
                                                                lane));
    }
  points = copy_points (lane);
  insert_point (points, frame, value);
  strata_group_command_add (group, strata_points_command_new (lane,
                                                              (gpointer) points->data,
                                                              points->len));
  return group;
}

StrataCommand *
strata_commands_remove_point (StrataProject *project, StrataAutomationLane *lane, guint index)
{
  g_autoptr(GArray) points = copy_points (lane);
  StrataCommand *command;

  g_return_val_if_fail (index < points->len, NULL);
  g_array_remove_index (points, index);
  command = strata_points_command_new (lane, (gpointer) points->data, points->len);
  strata_command_set_label (command, "Delete Automation Point");
  return command;
}

StrataCommand *
strata_commands_move_point (StrataProject *project, StrataAutomationLane *lane, guint index,
                            gint64 frame, gdouble value, GError **error)
{
  g_autoptr(GArray) points = copy_points (lane);
  StrataCommand *command;

  g_return_val_if_fail (index < points->len, NULL);
  if (!check_point (strata_automation_lane_get_param (lane), frame, value, error)
      || !check_insert_point (lane_strip (project, lane), strata_automation_lane_get_param (lane),
                              value, error))
    return NULL;
  g_array_remove_index (points, index);
  insert_point (points, frame, value);
  command = strata_points_command_new (lane, (gpointer) points->data, points->len);
  strata_command_set_label (command, "Move Automation Point");
  return command;
}

/* ---- tempo, markers, loop, punch ------------------------------------------------------- */

/* Sets tempo and metre from `bar` on: replaces the segment starting there or adds one. */
StrataCommand *
strata_commands_set_tempo (StrataProject *project, gint32 bar, gdouble bpm, guint numerator,
                           guint denominator, GError **error)
{
  StrataTempoMap *map = strata_timeline_get_tempo_map (strata_project_get_timeline (project));
  g_autoptr(GArray) segments = strata_tempo_map_dup_segments (map);
  StrataTempoSegment segment = { bar, bpm, numerator, denominator, 0 };
  guint i = 0;

  if (numerator > 255 || denominator > 255)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID, _("%u/%u is not a time signature"),
                   numerator, denominator);
      return NULL;
    }
  while (i < segments->len && g_array_index (segments, StrataTempoSegment, i).bar < bar)
    i++;
  if (i < segments->len && g_array_index (segments, StrataTempoSegment, i).bar == bar)
    g_array_index (segments, StrataTempoSegment, i) = segment;
  else
    g_array_insert_val (segments, i, segment);
  return strata_tempo_command_new (map, (gpointer) segments->data, segments->len, error);
}

StrataCommand *
strata_commands_remove_tempo (StrataProject *project, gint32 bar, GError **error)
{
  StrataTempoMap *map = strata_timeline_get_tempo_map (strata_project_get_timeline (project));
  g_autoptr(GArray) segments = strata_tempo_map_dup_segments (map);

  for (guint i = 1; i < segments->len; i++)
    if (g_array_index (segments, StrataTempoSegment, i).bar == bar)
      {
        g_array_remove_index (segments, i);
        return strata_tempo_command_new (map, (gpointer) segments->data, segments->len, error);
      }
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_NOT_FOUND,
               _("no tempo change to remove at bar %d"), bar);
  return NULL;
}

static StrataCommand *
marker_command (StrataProject *project, StrataMarker *marker, gboolean add)
{
  return strata_collection_command_new (strata_project_get_timeline (project), marker, add,
                                        (StrataCollectionInsertFunc) strata_timeline_insert_marker,
                                        (StrataCollectionRemoveFunc) strata_timeline_remove_marker);
}

StrataCommand *
strata_commands_add_marker (StrataProject *project, const char *name, gint64 frame)
{
  g_autoptr(StrataMarker) marker = strata_marker_new (name, MAX (frame, 0));
  StrataCommand *command = marker_command (project, marker, TRUE);

  strata_command_set_label (command, "Add Marker");
  return command;
}

StrataCommand *
strata_commands_remove_marker (StrataProject *project, StrataMarker *marker)
{
  StrataCommand *command = marker_command (project, marker, FALSE);

  strata_command_set_label (command, "Delete Marker");
  return command;
}

static StrataCommand *
set_range (StrataProject *project, const char *what, gint64 start, gint64 end,
           gboolean enabled, const char *label, GError **error)
{
  StrataTimeline *timeline = strata_project_get_timeline (project);
  g_autofree char *p_start = g_strdup_printf ("%s-start", what);
  g_autofree char *p_end = g_strdup_printf ("%s-end", what);
  g_autofree char *p_enabled = g_strdup_printf ("%s-enabled", what);
  StrataCommand *group;

  if (start < 0 || end <= start)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   g_str_equal (what, "loop")
                     ? _("the loop range must end after it starts (%lld..%lld)")
                     : _("the punch range must end after it starts (%lld..%lld)"),
                   (long long) start, (long long) end);
      return NULL;
    }
  group = strata_group_command_new (label);
  strata_group_command_add (group, set_int64 (timeline, p_start, start));
  strata_group_command_add (group, set_int64 (timeline, p_end, end));
  strata_group_command_add (group, strata_property_command_new_value (timeline, p_enabled,
                                                                      enabled));
  return group;
}

StrataCommand *
strata_commands_set_loop (StrataProject *project, gint64 start, gint64 end, gboolean enabled,
                          GError **error)
{
  return set_range (project, "loop", start, end, enabled, "Change Loop Range", error);
}

StrataCommand *
strata_commands_set_punch (StrataProject *project, gint64 start, gint64 end, gboolean enabled,
                           GError **error)
{
  return set_range (project, "punch", start, end, enabled, "Change Punch Range", error);
}

/* ---- whole-project replacement --------------------------------------------------------- */

#define STRATA_TYPE_SWAP_COMMAND (strata_swap_command_get_type ())
G_DECLARE_FINAL_TYPE (StrataSwapCommand, strata_swap_command, STRATA, SWAP_COMMAND,
                      StrataCommand)

struct _StrataSwapCommand
{
  StrataCommand  parent_instance;
  StrataProject *project;
  StrataProject *other;    /* holds whichever content is not in the project */
};

G_DEFINE_FINAL_TYPE (StrataSwapCommand, strata_swap_command, STRATA_TYPE_COMMAND)

static void
strata_swap_command_swap (StrataCommand *command)
{
  StrataSwapCommand *self = STRATA_SWAP_COMMAND (command);

  strata_project_swap_content (self->project, self->other);
}

static void
strata_swap_command_dispose (GObject *object)
{
  StrataSwapCommand *self = STRATA_SWAP_COMMAND (object);

  g_clear_object (&self->other);
  self->project = NULL;
  G_OBJECT_CLASS (strata_swap_command_parent_class)->dispose (object);
}

static void
strata_swap_command_class_init (StrataSwapCommandClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = strata_swap_command_dispose;
  STRATA_COMMAND_CLASS (klass)->apply = strata_swap_command_swap;
  STRATA_COMMAND_CLASS (klass)->revert = strata_swap_command_swap;
}

static void
strata_swap_command_init (StrataSwapCommand *self)
{
}

StrataCommand *
strata_commands_replace_content (StrataProject *project, StrataProject *content)
{
  StrataSwapCommand *self;

  g_return_val_if_fail (STRATA_IS_PROJECT (project) && STRATA_IS_PROJECT (content), NULL);

  self = g_object_new (STRATA_TYPE_SWAP_COMMAND, NULL);
  /* The project owns its undo stack, which owns this command: no reference back. */
  self->project = project;
  self->other = g_object_ref (content);
  strata_command_set_label (STRATA_COMMAND (self), "Replace Project");
  return STRATA_COMMAND (self);
}

/* ---- media pool ----------------------------------------------------------------------- */

StrataCommand *
strata_commands_add_source (StrataProject *project, StrataSource *source)
{
  GListModel *sources = strata_project_get_sources (project);
  StrataCommand *command;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (strata_project_find_source (project, strata_source_get_id (source))
                        == NULL, NULL);

  command = strata_list_insert_command_new (G_LIST_STORE (sources),
                                            g_list_model_get_n_items (sources), source);
  strata_command_set_label (command, "Import Audio");
  return command;
}

/* ---- take lanes --------------------------------------------------------------------------- */

static StrataCommand *
take_command (StrataTrack *track, StrataClip *take, gboolean add)
{
  return strata_collection_command_new (track, take, add,
                                        (StrataCollectionInsertFunc) strata_track_insert_take,
                                        (StrataCollectionRemoveFunc) strata_track_remove_take);
}

static gboolean
overlaps (StrataClip *a, StrataClip *b)
{
  return strata_clip_get_start (a) < strata_clip_get_end (b)
         && strata_clip_get_start (b) < strata_clip_get_end (a);
}

/* Makes `clip` active on `track`: the clips it overlaps (in `active`, which tracks what the
 * group will have done) move to the take lanes. */
static void
activate (StrataCommand *group, StrataTrack *track, GPtrArray *active, StrataClip *clip)
{
  for (guint i = active->len; i > 0; i--)
    {
      StrataClip *other = active->pdata[i - 1];
      if (overlaps (other, clip))
        {
          strata_group_command_add (group, add_clip_command (track, other, FALSE));
          strata_group_command_add (group, take_command (track, other, TRUE));
          g_ptr_array_remove_index (active, i - 1);
        }
    }
  strata_group_command_add (group, add_clip_command (track, clip, TRUE));
  g_ptr_array_add (active, clip);
}

static GPtrArray *
active_clips (StrataTrack *track)
{
  GListModel *clips = strata_track_get_clips (track);
  GPtrArray *active = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (clips); i++)
    {
      g_autoptr(StrataClip) clip = g_list_model_get_item (clips, i);
      g_ptr_array_add (active, clip);   /* the track keeps them alive */
    }
  return active;
}

StrataCommand *
strata_commands_record_takes (StrataProject *project, StrataTrack *track, StrataClip **takes,
                              guint n_takes)
{
  StrataCommand *group = strata_group_command_new ("Record");
  g_autoptr(GPtrArray) active = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (STRATA_IS_TRACK (track), NULL);

  active = active_clips (track);
  for (guint i = 0; i < n_takes; i++)
    activate (group, track, active, takes[i]);
  return group;
}

StrataCommand *
strata_commands_set_active_take (StrataProject *project, StrataTrack *track, StrataClip *take,
                                 GError **error)
{
  StrataCommand *group;
  g_autoptr(GPtrArray) active = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (STRATA_IS_TRACK (track) && STRATA_IS_CLIP (take), NULL);

  if (!g_list_store_find (G_LIST_STORE (strata_track_get_takes (track)), take, NULL))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_NOT_FOUND,
                   _("the take is not on track '%s'"),
                   strata_strip_get_name (STRATA_STRIP (track)));
      return NULL;
    }
  group = strata_group_command_new ("Switch Take");
  active = active_clips (track);
  strata_group_command_add (group, take_command (track, take, FALSE));
  activate (group, track, active, take);
  return group;
}

/* ---- track roles and bus presets ------------------------------------------------------- */

StrataCommand *
strata_commands_set_role (StrataProject *project, StrataTrack *track, StrataTrackRole role)
{
  StrataCommand *command = strata_property_command_new_value (track, "role", role);

  strata_command_set_label (command, "Change Track Role");
  return command;
}

/* The preset buses, in the order they are added: entry `role - 1` is that role's bus. */
static const struct
{
  StrataTrackRole role;
  const char     *id;
  const char     *name;
} presets[] = {
  { STRATA_TRACK_ROLE_DRUMS, "drums", "Drums" },
  { STRATA_TRACK_ROLE_BASS, "bass", "Bass" },
  { STRATA_TRACK_ROLE_VOCALS, "vocals", "Vocals" },
  { STRATA_TRACK_ROLE_FX, "fx", "FX" },
};

#define VOCALS_SEND_DB -12.0

/* Applies `child` at once and keeps it in `group`, so that each next step is checked against
 * the project as the steps before it leave it. NULL child: refused, `error` is set. */
static gboolean
step (StrataCommand *group, StrataCommand *child)
{
  if (child == NULL)
    return FALSE;
  strata_command_apply (child);
  strata_group_command_add (group, child);
  return TRUE;
}

static void
add_preset_chain (StrataStrip *bus, StrataTrackRole role, StrataCommand *group)
{
  GListStore *inserts = G_LIST_STORE (strata_strip_get_inserts (bus));

  if (role == STRATA_TRACK_ROLE_FX)
    {
      const StrataEffectClass *reverb = strata_effect_class_find ("hall_reverb");
      int mix = strata_effect_param_index (reverb, "mix");
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
      g_autoptr(StrataInsert) insert = NULL;

      /* Fully wet: the bus is fed by sends, the dry signal goes its own way. */
      if (mix >= 0)
        g_variant_dict_insert_value (&dict, "mix",
                                     strata_param_to_variant (&reverb->params[mix], 1.0));
      insert = strata_insert_new ("hall_reverb", g_variant_dict_end (&dict));
      step (group, strata_list_insert_command_new (inserts, 0, insert));
      return;
    }
  {
    g_autoptr(StrataInsert) eq = strata_insert_new ("eq", NULL);
    g_autoptr(StrataInsert) comp = strata_insert_new ("compressor", NULL);

    step (group, strata_list_insert_command_new (inserts, 0, eq));
    step (group, strata_list_insert_command_new (inserts, 1, comp));
  }
}

StrataCommand *
strata_commands_apply_bus_presets (StrataProject *project, GError **error)
{
  GListModel *tracks = G_LIST_MODEL (tracks_store (project));
  g_autoptr(StrataCommand) group = strata_group_command_new ("Apply Bus Presets");
  gboolean needed[G_N_ELEMENTS (presets) + 1] = { FALSE };
  gboolean ok = TRUE;

  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, i);
      needed[strata_track_get_role (track)] = TRUE;
    }
  /* The vocals bus sends to the fx bus. */
  needed[STRATA_TRACK_ROLE_FX] |= needed[STRATA_TRACK_ROLE_VOCALS];

  for (guint p = 0; ok && p < G_N_ELEMENTS (presets); p++)
    {
      StrataStrip *existing = strata_project_find_strip (project, presets[p].id);
      StrataStrip *bus = existing;
      g_autoptr(StrataBus) created = NULL;

      if (!needed[presets[p].role])
        continue;
      if (existing != NULL && !STRATA_IS_BUS (existing))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                       _("the %s bus cannot be made: a track has the id '%s'"), presets[p].name,
                       presets[p].id);
          ok = FALSE;
          break;
        }
      if (existing == NULL)
        {
          GListStore *buses = buses_store (project);
          guint n_buses = g_list_model_get_n_items (G_LIST_MODEL (buses));

          created = strata_bus_new (presets[p].id);
          g_object_set (created, "name", presets[p].name, NULL);
          step (group, strata_list_insert_command_new (buses, n_buses, created));
          bus = STRATA_STRIP (created);
        }
      if (g_list_model_get_n_items (strata_strip_get_inserts (bus)) == 0)
        add_preset_chain (bus, presets[p].role, group);
    }

  /* The vocals bus's send to fx, unless it has one. */
  if (ok && needed[STRATA_TRACK_ROLE_VOCALS])
    {
      StrataStrip *vocals = strata_project_find_strip (project, "vocals");
      GListModel *sends = strata_strip_get_sends (vocals);
      gboolean has_send = FALSE;

      for (guint s = 0; s < g_list_model_get_n_items (sends); s++)
        {
          g_autoptr(StrataSend) send = g_list_model_get_item (sends, s);
          has_send |= g_str_equal (strata_send_get_bus (send), "fx");
        }
      if (!has_send)
        ok = step (group, strata_commands_add_send (project, vocals, "fx", VOCALS_SEND_DB, FALSE,
                                                    error));
    }

  for (guint i = 0; ok && i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, i);
      StrataTrackRole role = strata_track_get_role (track);
      const char *output = strata_strip_get_output (STRATA_STRIP (track));
      const char *target = "master";

      if (role != STRATA_TRACK_ROLE_OTHER)
        target = presets[role - 1].id;
      else
        for (guint p = 0; p < G_N_ELEMENTS (presets); p++)
          if (g_strcmp0 (output, presets[p].id) == 0)
            output = NULL;    /* fed a preset bus: back to the master */
      if (role == STRATA_TRACK_ROLE_OTHER && output != NULL)
        continue;
      if (g_strcmp0 (strata_strip_get_output (STRATA_STRIP (track)), target) == 0)
        continue;
      ok = step (group, strata_commands_set_output (project, STRATA_STRIP (track), target,
                                                    error));
    }

  /* Checked as it went; the undo stack applies it again when it is pushed. */
  strata_command_revert (group);
  return ok ? g_steal_pointer (&group) : NULL;
}
