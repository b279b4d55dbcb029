/* strata-recorder.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Recording overdubs: the state machine, the writer thread that streams captured input to
 * float WAV files in the media folder (header rewritten every second, so a crash keeps all but
 * the last second), and the arithmetic that turns a recording into takes placed where the
 * performer heard the music.
 */
#pragma once

#include <gio/gio.h>

#include "strata-project.h"
#include "strata-ring.h"

G_BEGIN_DECLS

typedef enum
{
  STRATA_RECORDER_IDLE,
  STRATA_RECORDER_ARMED,
  STRATA_RECORDER_RECORDING,
  STRATA_RECORDER_STOPPING,
} StrataRecorderState;

const char *strata_recorder_state_name (StrataRecorderState state);

typedef enum
{
  STRATA_RECORDER_ARM,        /* a track is armed (n_armed > 0 after it) */
  STRATA_RECORDER_DISARM,     /* a track is disarmed */
  STRATA_RECORDER_RECORD,
  STRATA_RECORDER_STOP,
  STRATA_RECORDER_FINISHED,   /* the writer has closed the takes */
} StrataRecorderEvent;

/* The state after `event` in `state` with `n_armed` tracks armed afterwards, or FALSE with a
 * STRATA_ERROR_STATE error that says why the transition is illegal. */
gboolean strata_recorder_transition (StrataRecorderState  state,
                                     StrataRecorderEvent  event,
                                     guint                n_armed,
                                     StrataRecorderState *next,
                                     GError             **error);

/* `n` frames the audio thread played starting at its frame counter `seq`, from timeline
 * position `position` onwards (a loop wrap starts a new segment). */
typedef struct
{
  gint64 seq;
  gint64 position;
  gint64 n;
} StrataPlaySegment;

/* A stretch of a take's file that becomes a clip: file frames [file_start, file_start +
 * length) heard the timeline from `position`. */
typedef struct
{
  gint64 file_start;
  gint64 position;
  gint64 length;
} StrataTakeRegion;

/* The regions of a recording whose first file frame was captured at the audio thread's frame
 * `record_seq`, with `file_frames` frames, when input lags output by `round_trip` frames: each
 * input frame captured at seq q heard the output played at seq q - round_trip. Contiguous
 * stretches merge; a loop wrap starts a new region (one take per pass); with `punch`, only
 * [punch_in, punch_out) of the timeline is kept. */
GArray *strata_take_regions (const StrataPlaySegment *segments,
                             guint                    n_segments,
                             gint64                   record_seq,
                             gint64                   file_frames,
                             gint64                   round_trip,
                             gboolean                 punch,
                             gint64                   punch_in,
                             gint64                   punch_out);

/* ---- the writer ---------------------------------------------------------------------------- */

typedef struct _StrataRecorder StrataRecorder;

/* One armed track's take file. */
typedef struct
{
  char  *track_id;
  char  *path;            /* <media_dir>/take-….wav */
  guint  channels;
  guint  input[2];        /* device channels feeding the file */
} StrataTakeFile;

/* Opens one float WAV per armed track (and a sidecar <path>.take.json saying which track and
 * where it plays) and starts the thread that drains `input` (STRATA_BACKEND_INPUTS channels,
 * interleaved) into them. `input_seq` is the audio thread's frame counter of the first frame
 * the ring will carry; `placement` is the timeline position the file's first frame heard (for
 * recovering the take after a crash). */
StrataRecorder *strata_recorder_start      (const char      *media_dir,
                                            guint            rate,
                                            GPtrArray       *takes,        /* StrataTakeFile */
                                            StrataRing      *input,
                                            GError         **error);
/* Tells the writer where the files' first frame sits (from the audio thread, via the engine). */
void            strata_recorder_set_origin (StrataRecorder  *recorder,
                                            gint64           placement);
/* Frames written so far; the write error, if any (the writer stops at the first). */
gint64          strata_recorder_get_frames (StrataRecorder  *recorder);
gboolean        strata_recorder_failed     (StrataRecorder  *recorder,
                                            GError         **error);
/* Drains what is left, closes the files and joins the thread. */
gboolean        strata_recorder_finish     (StrataRecorder  *recorder,
                                            GError         **error);
GPtrArray      *strata_recorder_get_takes  (StrataRecorder  *recorder);
void            strata_recorder_free       (StrataRecorder  *recorder);
void            strata_take_file_free      (StrataTakeFile  *take);

/* Takes a crash left in `media_dir`: take files with their sidecars that no project
 * references yet. Each: (StrataOrphanTake). */
typedef struct
{
  char   *path;
  char   *track_id;
  gint64  position;
  gint64  frames;
  guint   channels;
  guint   rate;       /* the rate it was recorded at (its project's) */
} StrataOrphanTake;

GPtrArray *strata_recorder_find_orphans (const char       *media_dir,
                                         GError          **error);
void       strata_orphan_take_free      (StrataOrphanTake *orphan);
/* Removes a take file and its sidecar once it has been imported (or discarded). */
void       strata_recorder_remove_take  (const char       *path);

/* ---- recovery ------------------------------------------------------------------------------ */

typedef enum
{
  STRATA_RECOVER_DEFAULT    = 0,       /* a take whose track is gone stays in the folder */
  STRATA_RECOVER_NEW_TRACKS = 1 << 0,  /* ...or goes to a new track, one per missing track */
} StrataRecoverFlags;

/* A take brought back: the file it came from (removed by now), the track and the clip. */
typedef struct
{
  char        *path;
  StrataTrack *track;
  StrataClip  *clip;
} StrataRecoveredTake;

void       strata_recovered_take_free        (StrataRecoveredTake *take);
/* How many orphaned takes of the project's media folder strata_recorder_recover_takes()
 * would add with `flags`: the question a window asks before it adds them. */
guint      strata_recorder_count_recoverable (StrataProject       *project,
                                              StrataRecoverFlags   flags);
/* Adds the takes a crash left in the project's media folder as clips where they were
 * recorded (a part before the timeline's start is trimmed), as one undo step, and removes
 * their files. `recovered` (optional) receives a StrataRecoveredTake per clip added, in the
 * order they were recorded. FALSE with an error naming the file when a take could not be
 * read: the others are still added, and the files that failed stay for the next attempt. */
gboolean   strata_recorder_recover_takes     (StrataProject       *project,
                                              StrataRecoverFlags   flags,
                                              GPtrArray          **recovered,
                                              GError             **error);

G_END_DECLS
