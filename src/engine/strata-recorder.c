/* strata-recorder.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-engine"
#include "config.h"
#include "strata-recorder.h"
#include "strata-backend.h"
#include "strata-commands.h"
#include "strata-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sndfile.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* ---- the state machine -------------------------------------------------------------------- */

static const char *state_names[] = {
  /* TRANSLATORS: a recorder state, as in "(the recorder is idle)" */
  N_("idle"), N_("armed"), N_("recording"), N_("stopping"),
};

/* The English name, for logs and tests: only the error message translates it. */
const char *
strata_recorder_state_name (StrataRecorderState state)
{
  return state_names[state];
}

gboolean
strata_recorder_transition (StrataRecorderState state, StrataRecorderEvent event, guint n_armed,
                            StrataRecorderState *next, GError **error)
{
  const char *why = NULL;

  switch (event)
    {
    case STRATA_RECORDER_ARM:
    case STRATA_RECORDER_DISARM:
      if (state == STRATA_RECORDER_RECORDING || state == STRATA_RECORDER_STOPPING)
        why = _("tracks cannot be armed or disarmed while a recording is running or stopping");
      else
        *next = n_armed > 0 ? STRATA_RECORDER_ARMED : STRATA_RECORDER_IDLE;
      break;
    case STRATA_RECORDER_RECORD:
      if (state == STRATA_RECORDER_IDLE)
        why = _("no track is armed for recording");
      else if (state != STRATA_RECORDER_ARMED)
        why = _("a recording is already running");
      else
        *next = STRATA_RECORDER_RECORDING;
      break;
    case STRATA_RECORDER_STOP:
      if (state == STRATA_RECORDER_STOPPING)
        why = _("the recording is already stopping");
      else if (state != STRATA_RECORDER_RECORDING)
        why = _("nothing is being recorded");
      else
        *next = STRATA_RECORDER_STOPPING;
      break;
    case STRATA_RECORDER_FINISHED:
      if (state != STRATA_RECORDER_STOPPING)
        why = _("no recording is stopping");
      else
        *next = n_armed > 0 ? STRATA_RECORDER_ARMED : STRATA_RECORDER_IDLE;
      break;
    }
  if (why != NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_STATE, _("%s (the recorder is %s)"), why,
                   _(state_names[state]));
      return FALSE;
    }
  return TRUE;
}

/* ---- placement ---------------------------------------------------------------------------- */

GArray *
strata_take_regions (const StrataPlaySegment *segments, guint n_segments, gint64 record_seq,
                     gint64 file_frames, gint64 round_trip, gboolean punch, gint64 punch_in,
                     gint64 punch_out)
{
  GArray *regions = g_array_new (FALSE, FALSE, sizeof (StrataTakeRegion));

  for (guint i = 0; i < n_segments; i++)
    {
      const StrataPlaySegment *s = &segments[i];
      /* The file frames that heard this segment, and the part of it they cover. */
      gint64 file_start = s->seq + round_trip - record_seq;
      gint64 from = MAX (0, -file_start);
      gint64 to = MIN (s->n, file_frames - file_start);
      StrataTakeRegion r;

      if (punch)
        {
          from = MAX (from, punch_in - s->position);
          to = MIN (to, punch_out - s->position);
        }
      if (to <= from)
        continue;
      r = (StrataTakeRegion) { file_start + from, s->position + from, to - from };
      if (regions->len > 0)
        {
          StrataTakeRegion *last = &g_array_index (regions, StrataTakeRegion, regions->len - 1);
          if (last->file_start + last->length == r.file_start
              && last->position + last->length == r.position)
            {
              last->length += r.length;
              continue;
            }
        }
      g_array_append_val (regions, r);
    }
  return regions;
}

/* ---- the writer --------------------------------------------------------------------------- */

#define WRITE_BLOCK 4096

typedef struct
{
  StrataTakeFile *take;
  SNDFILE        *file;
  int             lock;   /* holds the take's flock() while the recorder lives; -1: none */
} Open;

struct _StrataRecorder
{
  GPtrArray  *takes;
  Open       *open;
  guint       rate;
  StrataRing *input;
  GThread    *thread;
  gint        stop;        /* atomic */
  gint64      frames;      /* atomic via g_atomic_pointer? guarded by `lock` */
  GMutex      lock;        /* the writer's own: never taken by the audio thread */
  GError     *error;
};

void
strata_take_file_free (StrataTakeFile *take)
{
  g_free (take->track_id);
  g_free (take->path);
  g_free (take);
}

static char *
sidecar_path (const char *take_path)
{
  return g_strconcat (take_path, ".json", NULL);
}

static gboolean
write_sidecar (const StrataTakeFile *take, guint rate, gint64 placement, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = sidecar_path (take->path);
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "track");
  json_builder_add_string_value (b, take->track_id);
  json_builder_set_member_name (b, "rate");
  json_builder_add_int_value (b, rate);
  json_builder_set_member_name (b, "channels");
  json_builder_add_int_value (b, take->channels);
  json_builder_set_member_name (b, "position");
  json_builder_add_int_value (b, placement);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  if (!json_generator_to_file (gen, tmp, error))
    return FALSE;
  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot write '%s': %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static void
fail (StrataRecorder *rec, const char *path, const char *why)
{
  g_mutex_lock (&rec->lock);
  if (rec->error == NULL)
    rec->error = g_error_new (STRATA_ERROR, STRATA_ERROR_IO,
                              _("recording stopped: cannot write '%s': %s; everything recorded "
                                "until then is kept"), path, why);
  g_mutex_unlock (&rec->lock);
}

/* Writes n captured frames into every take file; FALSE once a write fails. */
static gboolean
write_frames (StrataRecorder *rec, const float *frames, guint n, float *scratch)
{
  for (guint t = 0; t < rec->takes->len; t++)
    {
      Open *o = &rec->open[t];
      guint ch = o->take->channels;

      for (guint k = 0; k < n; k++)
        for (guint c = 0; c < ch; c++)
          scratch[k * ch + c] = frames[k * STRATA_BACKEND_INPUTS + o->take->input[c]];
      if (sf_writef_float (o->file, scratch, n) != (sf_count_t) n)
        {
          fail (rec, o->take->path, sf_strerror (o->file));
          return FALSE;
        }
    }
  g_mutex_lock (&rec->lock);
  rec->frames += n;
  g_mutex_unlock (&rec->lock);
  return TRUE;
}

static gpointer
writer_thread (gpointer data)
{
  StrataRecorder *rec = data;
  g_autofree float *frames = g_new (float, WRITE_BLOCK * STRATA_BACKEND_INPUTS);
  g_autofree float *scratch = g_new (float, WRITE_BLOCK * 2);
  gint64 last_header = g_get_monotonic_time ();
  gboolean ok = TRUE;

  for (;;)
    {
      gboolean stopping = g_atomic_int_get (&rec->stop);
      size_t n;

      while ((n = strata_ring_read (rec->input, frames, WRITE_BLOCK)) > 0)
        if (ok)
          ok = write_frames (rec, frames, (guint) n, scratch);
      /* Rewrite the headers twice a second: a crash loses at most the last half second. */
      if (ok && (stopping || g_get_monotonic_time () - last_header >= G_USEC_PER_SEC / 2))
        {
          for (guint t = 0; t < rec->takes->len; t++)
            sf_command (rec->open[t].file, SFC_UPDATE_HEADER_NOW, NULL, 0);
          last_header = g_get_monotonic_time ();
        }
      if (stopping)
        break;
      g_usleep (10000);
    }
  return NULL;
}

StrataRecorder *
strata_recorder_start (const char *media_dir, guint rate, GPtrArray *takes, StrataRing *input,
                       GError **error)
{
  StrataRecorder *rec = g_new0 (StrataRecorder, 1);

  g_mutex_init (&rec->lock);
  rec->takes = g_ptr_array_ref (takes);
  rec->rate = rate;
  rec->input = input;
  rec->open = g_new0 (Open, takes->len);
  for (guint t = 0; t < takes->len; t++)
    rec->open[t].lock = -1;
  for (guint t = 0; t < takes->len; t++)
    {
      StrataTakeFile *take = takes->pdata[t];
      SF_INFO info = { .samplerate = (int) rate, .channels = (int) take->channels,
                       .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };

      rec->open[t].take = take;
      rec->open[t].file = sf_open (take->path, SFM_WRITE, &info);
      if (rec->open[t].file == NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot record into '%s': %s"),
                       take->path, sf_strerror (NULL));
          strata_recorder_free (rec);
          return NULL;
        }
      /* A take being written is no orphan: the lock tells strata_recorder_find_orphans() in
       * this process or another (a second window on the same project) to leave it alone,
       * and goes with the process when it crashes. */
      rec->open[t].lock = open (take->path, O_RDONLY | O_CLOEXEC);
      if (rec->open[t].lock >= 0)
        flock (rec->open[t].lock, LOCK_EX | LOCK_NB);
      if (!write_sidecar (take, rate, 0, error))
        {
          strata_recorder_free (rec);
          return NULL;
        }
    }
  rec->thread = g_thread_new ("strata-recorder", writer_thread, rec);
  return rec;
}

void
strata_recorder_set_origin (StrataRecorder *rec, gint64 placement)
{
  for (guint t = 0; t < rec->takes->len; t++)
    {
      g_autoptr(GError) error = NULL;
      if (!write_sidecar (rec->takes->pdata[t], rec->rate, placement, &error))
        g_warning ("%s", error->message);
    }
}

gint64
strata_recorder_get_frames (StrataRecorder *rec)
{
  gint64 frames;

  g_mutex_lock (&rec->lock);
  frames = rec->frames;
  g_mutex_unlock (&rec->lock);
  return frames;
}

gboolean
strata_recorder_failed (StrataRecorder *rec, GError **error)
{
  gboolean failed;

  g_mutex_lock (&rec->lock);
  failed = rec->error != NULL;
  if (failed && error != NULL)
    *error = g_error_copy (rec->error);
  g_mutex_unlock (&rec->lock);
  return failed;
}

gboolean
strata_recorder_finish (StrataRecorder *rec, GError **error)
{
  gboolean ok = TRUE;

  if (rec->thread != NULL)
    {
      g_atomic_int_set (&rec->stop, TRUE);
      g_thread_join (g_steal_pointer (&rec->thread));
    }
  for (guint t = 0; t < rec->takes->len; t++)
    if (rec->open[t].file != NULL && sf_close (g_steal_pointer (&rec->open[t].file)) != 0)
      {
        fail (rec, rec->open[t].take->path, "closing failed");
      }
  if (strata_recorder_failed (rec, error))
    ok = FALSE;
  return ok;
}

GPtrArray *
strata_recorder_get_takes (StrataRecorder *rec)
{
  return rec->takes;
}

void
strata_recorder_free (StrataRecorder *rec)
{
  if (rec == NULL)
    return;
  if (rec->thread != NULL)
    strata_recorder_finish (rec, NULL);
  for (guint t = 0; t < rec->takes->len; t++)
    {
      if (rec->open[t].file != NULL)
        sf_close (rec->open[t].file);
      if (rec->open[t].lock >= 0)
        close (rec->open[t].lock);
    }
  g_free (rec->open);
  g_ptr_array_unref (rec->takes);
  g_clear_error (&rec->error);
  g_mutex_clear (&rec->lock);
  g_free (rec);
}

/* ---- recovery ----------------------------------------------------------------------------- */

void
strata_orphan_take_free (StrataOrphanTake *orphan)
{
  g_free (orphan->path);
  g_free (orphan->track_id);
  g_free (orphan);
}

void
strata_recorder_remove_take (const char *path)
{
  g_autofree char *sidecar = sidecar_path (path);

  g_unlink (path);
  g_unlink (sidecar);
}

/* TRUE while a recorder (of this process or another) still writes the take. */
static gboolean
take_in_use (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gboolean busy;

  if (fd < 0)
    return FALSE;
  busy = flock (fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close (fd);
  return busy;
}

GPtrArray *
strata_recorder_find_orphans (const char *media_dir, GError **error)
{
  g_autoptr(GPtrArray) orphans = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_orphan_take_free);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (media_dir == NULL || !g_file_test (media_dir, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&orphans);
  dir = g_dir_open (media_dir, 0, error);
  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *sidecar = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;
      StrataOrphanTake *orphan;
      SF_INFO info = { 0 };
      SNDFILE *file;

      if (!g_str_has_prefix (name, "take-") || !g_str_has_suffix (name, ".wav"))
        continue;
      path = g_build_filename (media_dir, name, NULL);
      if (take_in_use (path))
        continue;
      sidecar = sidecar_path (path);
      if (!json_parser_load_from_file (parser, sidecar, NULL)
          || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        continue;
      object = json_node_get_object (json_parser_get_root (parser));
      file = sf_open (path, SFM_READ, &info);
      if (file == NULL)
        continue;
      sf_close (file);
      if (info.frames <= 0)
        {
          strata_recorder_remove_take (path);   /* nothing was recorded */
          continue;
        }
      orphan = g_new0 (StrataOrphanTake, 1);
      orphan->path = g_steal_pointer (&path);
      orphan->track_id = g_strdup (json_object_get_string_member_with_default (object, "track", ""));
      orphan->position = json_object_get_int_member_with_default (object, "position", 0);
      orphan->frames = info.frames;
      orphan->channels = (guint) info.channels;
      orphan->rate = (guint) info.samplerate;
      g_ptr_array_add (orphans, orphan);
    }
  return g_steal_pointer (&orphans);
}

/* ---- recovery into a project -------------------------------------------------------------- */

void
strata_recovered_take_free (StrataRecoveredTake *take)
{
  g_free (take->path);
  g_clear_object (&take->track);
  g_clear_object (&take->clip);
  g_free (take);
}

/* Take files are named take-<date>-<time>-…, so by path is the order they were recorded in:
 * where two overlap, the newer one ends up active, as after a recording. */
static int
orphan_cmp (gconstpointer a, gconstpointer b)
{
  const StrataOrphanTake *x = *(StrataOrphanTake *const *) a;
  const StrataOrphanTake *y = *(StrataOrphanTake *const *) b;

  return g_strcmp0 (x->path, y->path);
}

/* File frames heard before the timeline's start (the round trip at a record from 0), which
 * are trimmed off the clip. */
static gint64
orphan_skip (const StrataOrphanTake *orphan)
{
  return MAX (0, -orphan->position);
}

static gboolean
recoverable (StrataProject *project, const StrataOrphanTake *orphan, StrataRecoverFlags flags)
{
  StrataTimeline *timeline = strata_project_get_timeline (project);

  return orphan->frames > orphan_skip (orphan)
         && ((flags & STRATA_RECOVER_NEW_TRACKS) != 0
             || strata_timeline_find_track (timeline, orphan->track_id) != NULL);
}

guint
strata_recorder_count_recoverable (StrataProject *project, StrataRecoverFlags flags)
{
  g_autoptr(GPtrArray) orphans = NULL;
  guint n = 0;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), 0);

  orphans = strata_recorder_find_orphans (strata_project_get_media_dir (project), NULL);
  for (guint i = 0; orphans != NULL && i < orphans->len; i++)
    n += recoverable (project, orphans->pdata[i], flags);
  return n;
}

/* The command that adds one take (its track when that is gone and `new_tracks` maps it, its
 * source, its clip), built against the project as it is now. */
static StrataCommand *
recover_one (StrataProject *project, const StrataOrphanTake *orphan, GHashTable *new_tracks,
             StrataRecoveredTake **out, GError **error)
{
  const char *media_dir = strata_project_get_media_dir (project);
  StrataTrack *track = strata_timeline_find_track (strata_project_get_timeline (project),
                                                   orphan->track_id);
  gint64 skip = orphan_skip (orphan);
  g_autoptr(StrataImportResult) result = NULL;
  g_autoptr(StrataSource) source = NULL;
  g_autoptr(StrataClip) clip = NULL;
  StrataRecoveredTake *take;
  StrataCommand *group;

  result = strata_import_file (orphan->path, media_dir, strata_project_get_sample_rate (project),
                               NULL, NULL, NULL, error);
  if (result == NULL)
    return NULL;
  if (result->frames <= skip)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                   _("the take in '%s' ends before the start of the timeline"), orphan->path);
      return NULL;
    }
  group = strata_group_command_new ("Recover Take");
  if (track == NULL)
    track = g_hash_table_lookup (new_tracks, orphan->track_id);
  if (track == NULL)
    {
      /* Every take of one lost track goes to one new track, as they were recorded. */
      strata_group_command_add (group,
                                strata_commands_add_track (project,
                                                           CLAMP (orphan->channels, 1, 2),
                                                           _("Recovered take"), G_MAXUINT,
                                                           &track));
      g_hash_table_insert (new_tracks, g_strdup (orphan->track_id), track);
    }
  source = strata_project_source_for_import (project, result, "Recovered take");
  if (strata_project_find_source_by_hash (project, result->hash) == NULL)
    strata_group_command_add (group, strata_commands_add_source (project, source));
  clip = strata_clip_new (source, orphan->position + skip, skip, result->frames - skip);
  strata_group_command_add (group, strata_commands_record_takes (project, track, &clip, 1));

  take = g_new0 (StrataRecoveredTake, 1);
  take->path = g_strdup (orphan->path);
  take->track = g_object_ref (track);
  take->clip = g_object_ref (clip);
  *out = take;
  return group;
}

/* Shared by the window (after asking) and strata-play --recover. */
gboolean
strata_recorder_recover_takes (StrataProject *project, StrataRecoverFlags flags,
                               GPtrArray **recovered, GError **error)
{
  g_autoptr(GPtrArray) orphans = NULL;
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) done = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_recovered_take_free);
  /* sidecar track id -> the track made for it (owned by its command in `steps`) */
  g_autoptr(GHashTable) new_tracks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            NULL);
  g_autoptr(GError) first_error = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (recovered != NULL)
    *recovered = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_recovered_take_free);
  orphans = strata_recorder_find_orphans (strata_project_get_media_dir (project), error);
  if (orphans == NULL)
    return FALSE;
  g_ptr_array_sort (orphans, orphan_cmp);
  for (guint i = 0; i < orphans->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      StrataRecoveredTake *take = NULL;
      StrataCommand *step;

      if (!recoverable (project, orphans->pdata[i], flags))
        continue;
      step = recover_one (project, orphans->pdata[i], new_tracks, &take, &local_error);
      if (step == NULL)
        {
          if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
          continue;
        }
      /* Applied at once, so that the next take finds this one's source (same content, one
       * source), new track and clips (an overlap moves the older take to a lane) and new ids
       * do not clash. */
      strata_command_apply (step);
      g_ptr_array_add (steps, step);
      g_ptr_array_add (done, take);
    }
  if (steps->len > 0)
    {
      StrataCommand *group = strata_group_command_new (steps->len == 1 ? "Recover Take"
                                                                       : "Recover Takes");

      /* One answer to "Recover" is one undo step: undone here and pushed again as a group,
       * which applies the same commands in the same order from the same state. */
      for (guint i = steps->len; i-- > 0;)
        strata_command_revert (steps->pdata[i]);
      for (guint i = 0; i < steps->len; i++)
        strata_group_command_add (group, g_object_ref (steps->pdata[i]));
      strata_project_push (project, group);
      for (guint i = 0; i < done->len; i++)
        strata_recorder_remove_take (((StrataRecoveredTake *) done->pdata[i])->path);
    }
  if (recovered != NULL)
    g_ptr_array_extend_and_steal (*recovered, g_steal_pointer (&done));
  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  return TRUE;
}
