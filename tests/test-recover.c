/* test-recover.c: takes a crash left in the media folder, brought back as clips
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The takes are written by the recorder itself (strata_recorder_start on a ring filled here,
 * the origin set as the engine sets it, then closed), which leaves exactly the files a kill
 * -9 leaves: take-….wav and its .wav.json sidecar. Sample k of channel c holds
 * value (k, c) below, so a clip that starts one frame off reads the wrong value.
 *
 * Expected numbers come from what was written: a take of n frames whose first frame heard
 * position p becomes a clip at max (p, 0), skipping max (-p, 0) file frames, n - max (-p, 0)
 * frames long.
 *
 * Untitled projects keep their media under <user data>/strata/unsaved/ (XDG_DATA_HOME is a
 * temporary folder here): a folder whose project is gone (what a crash leaves: no process
 * holds its lock) is a leftover, offered again until its takes are recovered.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sndfile.h>
#include <string.h>
#include <sys/stat.h>

#include "strata-backend.h"
#include "strata-commands.h"
#include "strata-error.h"
#include "strata-files.h"
#include "strata-recorder.h"

#define RATE 48000

static float
value (gint64 k, guint c)
{
  return (float) ((k % 1000) + 1) / 2000.0f * (c == 0 ? 1.0f : -1.0f);
}

/* Records `frames` frames of value() for track `track_id` into `media_dir`, placed at
 * `position`, as the engine does, and returns the take's path. `stamp` orders the takes. */
static char *
record_take (const char *media_dir, const char *track_id, guint channels, gint64 position,
             gint64 frames, const char *stamp)
{
  g_autoptr(GPtrArray) takes = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_take_file_free);
  StrataRing *ring = strata_ring_new (sizeof (float) * STRATA_BACKEND_INPUTS, frames);
  g_autofree float *data = g_new (float, frames * STRATA_BACKEND_INPUTS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) live = NULL;
  StrataTakeFile *take = g_new0 (StrataTakeFile, 1);
  g_autofree char *name = g_strdup_printf ("take-%s-%s-1.wav", stamp, track_id);
  StrataRecorder *rec;
  char *path;

  for (gint64 k = 0; k < frames; k++)
    for (guint c = 0; c < STRATA_BACKEND_INPUTS; c++)
      data[k * STRATA_BACKEND_INPUTS + c] = value (k, c);
  g_assert_cmpuint (strata_ring_write (ring, data, frames), ==, frames);
  take->track_id = g_strdup (track_id);
  take->path = g_build_filename (media_dir, name, NULL);
  take->channels = channels;
  take->input[0] = 0;
  take->input[1] = 1;
  path = g_strdup (take->path);
  g_ptr_array_add (takes, take);

  rec = strata_recorder_start (media_dir, RATE, takes, ring, &error);
  g_assert_no_error (error);
  strata_recorder_set_origin (rec, position);
  /* A take still being written is no orphan, even to this process. */
  live = strata_recorder_find_orphans (media_dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < live->len; i++)
    g_assert_cmpstr (((StrataOrphanTake *) live->pdata[i])->path, !=, path);
  g_assert_true (strata_recorder_finish (rec, &error));
  g_assert_no_error (error);
  g_assert_cmpint (strata_recorder_get_frames (rec), ==, frames);
  strata_recorder_free (rec);
  strata_ring_free (ring);
  return path;
}

static gboolean
take_files_exist (const char *path)
{
  g_autofree char *sidecar = g_strconcat (path, ".json", NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS) || g_file_test (sidecar, G_FILE_TEST_EXISTS);
}

typedef struct
{
  char          *media_dir;
  StrataProject *project;
  StrataTrack   *tracks[2];   /* mono "Vox", stereo "Gtr" */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->media_dir = g_dir_make_tmp ("strata-recover-XXXXXX", &error);
  g_assert_no_error (error);
  f->project = strata_project_new (RATE);
  strata_project_set_media_dir (f->project, f->media_dir);
  strata_project_push (f->project, strata_commands_add_track (f->project, 1, "Vox", 0,
                                                              &f->tracks[0]));
  strata_project_push (f->project, strata_commands_add_track (f->project, 2, "Gtr", 1,
                                                              &f->tracks[1]));
  strata_project_mark_saved (f->project);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->project);
  strata_remove_tree (f->media_dir);
  g_free (f->media_dir);
}

static guint
n_items (GListModel *model)
{
  return g_list_model_get_n_items (model);
}

static guint
n_tracks (StrataProject *project)
{
  return n_items (strata_timeline_get_tracks (strata_project_get_timeline (project)));
}

static StrataClip *
only_clip (StrataTrack *track)
{
  g_autoptr(StrataClip) clip = NULL;

  g_assert_cmpuint (n_items (strata_track_get_clips (track)), ==, 1);
  clip = g_list_model_get_item (strata_track_get_clips (track), 0);
  return clip;   /* the track holds it */
}

/* The clip's audio is the take's file frames from `skip` on: checked at its first and last
 * frame through the source the recovery imported. */
static void
assert_audio (StrataClip *clip, gint64 skip, guint channels)
{
  const char *path = strata_source_get_file_path (strata_clip_get_source (clip));
  SF_INFO info = { 0 };
  SNDFILE *file = sf_open (path, SFM_READ, &info);
  gint64 last = strata_clip_get_length (clip) - 1;
  float frame[2];

  g_assert_nonnull (file);
  g_assert_cmpint (info.channels, ==, channels);
  g_assert_cmpint (sf_seek (file, strata_clip_get_source_start (clip), SEEK_SET), ==, skip);
  g_assert_cmpint (sf_readf_float (file, frame, 1), ==, 1);
  for (guint c = 0; c < channels; c++)
    g_assert_cmpfloat (frame[c], ==, value (skip, c));
  sf_seek (file, strata_clip_get_source_start (clip) + last, SEEK_SET);
  g_assert_cmpint (sf_readf_float (file, frame, 1), ==, 1);
  for (guint c = 0; c < channels; c++)
    g_assert_cmpfloat (frame[c], ==, value (skip + last, c));
  sf_close (file);
}

/* Two takes on the two tracks, one placed before the timeline's start (recorded from 0 with
 * a round trip of 512 frames): both come back where they were recorded in one undo step, and
 * their files go. */
static void
test_recover_placed (Fixture *f, gconstpointer data)
{
  const char *vox_id = strata_strip_get_id (STRATA_STRIP (f->tracks[0]));
  const char *gtr_id = strata_strip_get_id (STRATA_STRIP (f->tracks[1]));
  const gint64 vox_at = 48000, vox_frames = 24000;
  const gint64 gtr_at = -512, gtr_frames = 4000;
  g_autofree char *vox = record_take (f->media_dir, vox_id, 1, vox_at, vox_frames,
                                      "20260101-100000");
  g_autofree char *gtr = record_take (f->media_dir, gtr_id, 2, gtr_at, gtr_frames,
                                      "20260101-100500");
  StrataUndoStack *undo = strata_project_get_undo_stack (f->project);
  guint depth = strata_undo_stack_get_depth (undo);
  guint sources = n_items (strata_project_get_sources (f->project));
  g_autoptr(GPtrArray) recovered = NULL;
  g_autoptr(GError) error = NULL;
  StrataRecoveredTake *take;
  StrataClip *clip;

  g_assert_cmpuint (strata_recorder_count_recoverable (f->project, STRATA_RECOVER_DEFAULT), ==,
                    2);
  g_assert_true (strata_recorder_recover_takes (f->project, STRATA_RECOVER_DEFAULT, &recovered,
                                                &error));
  g_assert_no_error (error);

  /* In the order they were recorded. */
  g_assert_cmpuint (recovered->len, ==, 2);
  take = recovered->pdata[0];
  g_assert_cmpstr (take->path, ==, vox);
  g_assert_true (take->track == f->tracks[0]);
  clip = only_clip (f->tracks[0]);
  g_assert_true (take->clip == clip);
  g_assert_cmpint (strata_clip_get_start (clip), ==, vox_at);
  g_assert_cmpint (strata_clip_get_source_start (clip), ==, 0);
  g_assert_cmpint (strata_clip_get_length (clip), ==, vox_frames);
  assert_audio (clip, 0, 1);

  take = recovered->pdata[1];
  g_assert_cmpstr (take->path, ==, gtr);
  g_assert_true (take->track == f->tracks[1]);
  clip = only_clip (f->tracks[1]);
  g_assert_cmpint (strata_clip_get_start (clip), ==, 0);
  g_assert_cmpint (strata_clip_get_source_start (clip), ==, -gtr_at);
  g_assert_cmpint (strata_clip_get_length (clip), ==, gtr_frames + gtr_at);
  assert_audio (clip, -gtr_at, 2);

  g_assert_false (take_files_exist (vox));
  g_assert_false (take_files_exist (gtr));
  g_assert_cmpuint (n_items (strata_project_get_sources (f->project)), ==, sources + 2);
  g_assert_cmpuint (strata_recorder_count_recoverable (f->project, STRATA_RECOVER_DEFAULT), ==,
                    0);

  /* One Undo takes the project back to what was opened; Redo brings both again. */
  g_assert_cmpuint (strata_undo_stack_get_depth (undo), ==, depth + 1);
  g_assert_cmpstr (strata_undo_stack_get_undo_label (undo), ==, "Recover Takes");
  g_assert_true (strata_undo_stack_undo (undo));
  g_assert_cmpuint (n_items (strata_track_get_clips (f->tracks[0])), ==, 0);
  g_assert_cmpuint (n_items (strata_track_get_clips (f->tracks[1])), ==, 0);
  g_assert_cmpuint (n_items (strata_project_get_sources (f->project)), ==, sources);
  g_assert_true (strata_undo_stack_is_clean (undo));
  g_assert_true (strata_undo_stack_redo (undo));
  g_assert_cmpint (strata_clip_get_start (only_clip (f->tracks[0])), ==, vox_at);
  g_assert_cmpint (strata_clip_get_start (only_clip (f->tracks[1])), ==, 0);
}

/* A take whose track is gone stays in the folder by default; with NEW_TRACKS all the takes of
 * one lost track go to one new track, named so and with the take's channels. */
static void
test_recover_missing_track (Fixture *f, gconstpointer data)
{
  g_autofree char *first = record_take (f->media_dir, "t-gone", 2, 1000, 6000,
                                        "20260101-100000");
  g_autofree char *second = record_take (f->media_dir, "t-gone", 2, 96000, 3000,
                                         "20260101-100100");
  StrataUndoStack *undo = strata_project_get_undo_stack (f->project);
  guint before = n_tracks (f->project);
  guint depth = strata_undo_stack_get_depth (undo);
  g_autoptr(GPtrArray) recovered = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataTrack) made = NULL;
  GListModel *clips;

  g_assert_cmpuint (strata_recorder_count_recoverable (f->project, STRATA_RECOVER_DEFAULT), ==,
                    0);
  g_assert_true (strata_recorder_recover_takes (f->project, STRATA_RECOVER_DEFAULT, &none,
                                                &error));
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_true (take_files_exist (first) && take_files_exist (second));
  g_assert_cmpuint (strata_undo_stack_get_depth (undo), ==, depth);

  g_assert_cmpuint (strata_recorder_count_recoverable (f->project, STRATA_RECOVER_NEW_TRACKS),
                    ==, 2);
  g_assert_true (strata_recorder_recover_takes (f->project, STRATA_RECOVER_NEW_TRACKS,
                                                &recovered, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (recovered->len, ==, 2);
  g_assert_cmpuint (n_tracks (f->project), ==, before + 1);
  made = g_list_model_get_item (strata_timeline_get_tracks (strata_project_get_timeline (f->project)),
                                before);
  g_assert_cmpstr (strata_strip_get_name (STRATA_STRIP (made)), ==, "Recovered take");
  g_assert_cmpuint (strata_track_get_channels (made), ==, 2);
  clips = strata_track_get_clips (made);
  g_assert_cmpuint (n_items (clips), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      StrataRecoveredTake *take = recovered->pdata[i];
      g_assert_true (take->track == made);
      g_assert_cmpint (strata_clip_get_start (take->clip), ==, i == 0 ? 1000 : 96000);
      g_assert_cmpint (strata_clip_get_length (take->clip), ==, i == 0 ? 6000 : 3000);
    }
  g_assert_false (take_files_exist (first) || take_files_exist (second));

  g_assert_true (strata_undo_stack_undo (undo));
  g_assert_cmpuint (n_tracks (f->project), ==, before);
  g_assert_true (strata_undo_stack_is_clean (undo));
}

/* A take that cannot be imported is named in the error and stays for the next attempt; the
 * others come back all the same. The bad one is a file libsndfile reads (so it is listed as
 * an orphan) but GStreamer, which imports, does not. */
static void
test_recover_unreadable (Fixture *f, gconstpointer data)
{
  const char *vox_id = strata_strip_get_id (STRATA_STRIP (f->tracks[0]));
  g_autofree char *good = record_take (f->media_dir, vox_id, 1, 2000, 5000, "20260101-100000");
  g_autofree char *bad = g_build_filename (f->media_dir, "take-20260101-100100-t2-1.wav", NULL);
  g_autofree char *sidecar = g_strconcat (bad, ".json", NULL);
  g_autofree char *json = g_strdup_printf ("{\"track\": \"%s\", \"rate\": %d, \"channels\": 1, "
                                           "\"position\": 0}",
                                           strata_strip_get_id (STRATA_STRIP (f->tracks[1])),
                                           RATE);
  SF_INFO info = { .samplerate = RATE, .channels = 1, .format = SF_FORMAT_HTK | SF_FORMAT_PCM_16 };
  SNDFILE *file = sf_open (bad, SFM_WRITE, &info);
  short samples[4800] = { 0 };
  g_autoptr(GPtrArray) recovered = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (file);
  g_assert_cmpint (sf_write_short (file, samples, G_N_ELEMENTS (samples)), ==, 4800);
  sf_close (file);
  g_assert_true (g_file_set_contents (sidecar, json, -1, NULL));

  g_assert_cmpuint (strata_recorder_count_recoverable (f->project, STRATA_RECOVER_DEFAULT), ==,
                    2);
  g_assert_false (strata_recorder_recover_takes (f->project, STRATA_RECOVER_DEFAULT, &recovered,
                                                 &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, bad));
  g_assert_cmpuint (recovered->len, ==, 1);
  g_assert_cmpint (strata_clip_get_start (only_clip (f->tracks[0])), ==, 2000);
  g_assert_cmpuint (n_items (strata_track_get_clips (f->tracks[1])), ==, 0);
  g_assert_false (take_files_exist (good));
  g_assert_true (g_file_test (bad, G_FILE_TEST_EXISTS) && g_file_test (sidecar, G_FILE_TEST_EXISTS));
}

static gboolean
has_path (GPtrArray *paths, const char *path)
{
  for (guint i = 0; i < paths->len; i++)
    if (g_str_equal (paths->pdata[i], path))
      return TRUE;
  return FALSE;
}

static char *
make_leftover (const char *base, const char *name)
{
  char *dir = g_build_filename (base, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

/* An untitled project's folder lives under the user data folder, private to the user, and
 * is never a leftover while the project lives, even empty; after a crash it is: one holding
 * files is offered (a take, or audio recorded and stopped before the crash, which is kept),
 * an empty one is removed. A folder is taken by one project at a time, goes with it, and
 * stays when the project lets go of it. */
static void
test_unsaved_folders (void)
{
  g_autofree char *base = g_build_filename (g_get_user_data_dir (), "strata", "unsaved", NULL);
  g_autoptr(StrataProject) live = strata_project_new (RATE);
  g_autoptr(StrataProject) adopter = strata_project_new (RATE);
  g_autoptr(StrataProject) second = strata_project_new (RATE);
  g_autoptr(StrataProject) putter = strata_project_new (RATE);
  g_autofree char *live_dir = NULL;
  g_autofree char *crashed = NULL, *empty = NULL, *stopped = NULL;
  g_autofree char *take = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(GPtrArray) leftovers = NULL;
  g_autoptr(GPtrArray) recovered = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  live_dir = g_strdup (strata_project_ensure_media_dir (live, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (live_dir, base));
  g_assert_cmpint (g_stat (live_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  crashed = make_leftover (base, "project-crash1");
  take = record_take (crashed, "t-lost", 2, 4800, 9600, "20260101-100000");
  empty = make_leftover (base, "project-crash2");
  stopped = make_leftover (base, "project-crash3");
  kept = g_build_filename (stopped, "0123abcd.wav", NULL);
  g_assert_true (g_file_set_contents (kept, "RIFF", -1, NULL));

  leftovers = strata_project_find_unsaved_leftovers ();
  g_assert_cmpuint (leftovers->len, ==, 2);
  g_assert_cmpstr (leftovers->pdata[0], ==, crashed);
  g_assert_cmpstr (leftovers->pdata[1], ==, stopped);
  g_assert_false (g_file_test (empty, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live_dir, G_FILE_TEST_IS_DIR));

  /* Taken by one project, not by a second one meanwhile. */
  g_assert_true (strata_project_adopt_media_dir (adopter, crashed, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (strata_project_get_media_dir (adopter), ==, crashed);
  g_assert_false (strata_project_adopt_media_dir (second, crashed, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IO);
  g_clear_error (&error);
  g_assert_null (strata_project_get_media_dir (second));
  g_clear_pointer (&leftovers, g_ptr_array_unref);
  leftovers = strata_project_find_unsaved_leftovers ();
  g_assert_false (has_path (leftovers, crashed));

  g_assert_true (strata_recorder_recover_takes (adopter, STRATA_RECOVER_NEW_TRACKS, &recovered,
                                                &error));
  g_assert_no_error (error);
  g_assert_cmpuint (recovered->len, ==, 1);
  g_assert_cmpint (strata_clip_get_start (((StrataRecoveredTake *) recovered->pdata[0])->clip),
                   ==, 4800);
  g_assert_cmpint (strata_clip_get_length (((StrataRecoveredTake *) recovered->pdata[0])->clip),
                   ==, 9600);
  g_assert_false (take_files_exist (take));

  /* Let go of: kept, and offered again. */
  g_assert_true (strata_project_adopt_media_dir (putter, stopped, &error));
  g_assert_no_error (error);
  strata_project_release_media_dir (putter);
  g_assert_null (strata_project_get_media_dir (putter));
  g_clear_object (&putter);
  g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
  g_clear_pointer (&leftovers, g_ptr_array_unref);
  leftovers = strata_project_find_unsaved_leftovers ();
  g_assert_true (has_path (leftovers, stopped));

  /* Closed normally, a project takes its folder along ... */
  g_clear_pointer (&recovered, g_ptr_array_unref);
  g_clear_object (&adopter);
  g_assert_false (g_file_test (crashed, G_FILE_TEST_EXISTS));
  g_clear_object (&live);
  g_assert_false (g_file_test (live_dir, G_FILE_TEST_EXISTS));
  strata_remove_tree (stopped);

  /* ... unless it holds a take that never became a clip (its import failed): then the next
   * start offers it. */
  {
    g_autoptr(StrataProject) failed = strata_project_new (RATE);
    g_autofree char *failed_dir = g_strdup (strata_project_ensure_media_dir (failed, &error));
    g_autofree char *left = NULL;

    g_assert_no_error (error);
    left = record_take (failed_dir, "t-failed", 2, 0, 4800, "20260101-110000");
    strata_project_keep_media_dir (failed);
    g_clear_object (&failed);
    g_assert_true (take_files_exist (left));
    g_clear_pointer (&leftovers, g_ptr_array_unref);
    leftovers = strata_project_find_unsaved_leftovers ();
    g_assert_true (has_path (leftovers, failed_dir));
    strata_remove_tree (failed_dir);
  }
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("strata-recover-home-XXXXXX", NULL);
  int status;

  /* Before anything asks GLib for the user data folder. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/recover/placed", Fixture, NULL, fixture_set_up, test_recover_placed,
              fixture_tear_down);
  g_test_add ("/recover/missing-track", Fixture, NULL, fixture_set_up,
              test_recover_missing_track, fixture_tear_down);
  g_test_add ("/recover/unreadable", Fixture, NULL, fixture_set_up, test_recover_unreadable,
              fixture_tear_down);
  g_test_add_func ("/recover/unsaved-folders", test_unsaved_folders);
  status = g_test_run ();
  strata_remove_tree (home);
  return status;
}
