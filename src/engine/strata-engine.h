/* strata-engine.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The realtime engine: a GObject on the main thread (transport, position, meters, recording)
 * in front of an audio callback that a backend drives. The callback runs the same
 * strata_graph_process() as the export, so what plays is what exports.
 */
#pragma once

#include <gio/gio.h>

#include "strata-backend.h"
#include "strata-graph.h"
#include "strata-recorder.h"

G_BEGIN_DECLS

#define STRATA_TYPE_ENGINE (strata_engine_get_type ())
G_DECLARE_FINAL_TYPE (StrataEngine, strata_engine, STRATA, ENGINE, GObject)

/* Linear amplitudes per channel (left, right); peak hold lasts two seconds. */
typedef struct
{
  float    peak[2];
  float    rms[2];
  float    hold[2];
  gboolean clipped;   /* a sample reached full scale since the last strata_engine_reset_clip() */
} StrataMeter;

typedef struct
{
  double momentary;    /* LUFS, -inf when silent */
  double short_term;
  double integrated;
  double true_peak;    /* dBTP */
} StrataLoudness;

typedef struct
{
  StrataBackendKind   backend;     /* tried first; the others follow when it cannot start */
  StrataBackendConfig config;
  gboolean            no_fallback;
} StrataEngineOptions;

StrataEngine       *strata_engine_new             (void);

/* Opens and starts audio. Tries options->backend, then the others in order (PipeWire,
 * GStreamer, dummy), emitting "message" for each that failed. */
gboolean            strata_engine_start           (StrataEngine               *self,
                                                   const StrataEngineOptions  *options,
                                                   GError                    **error);
void                strata_engine_shutdown        (StrataEngine               *self);
const char         *strata_engine_get_backend_name (StrataEngine              *self);

/* Follows the project: recompiles on every change, sends fader, pan and mute moves without
 * recompiling. */
gboolean            strata_engine_set_project     (StrataEngine               *self,
                                                   StrataProject              *project,
                                                   GError                    **error);

void                strata_engine_play            (StrataEngine               *self);
void                strata_engine_stop            (StrataEngine               *self);
void                strata_engine_locate          (StrataEngine               *self,
                                                   gint64                      position);
/* Loops [start, end) seamlessly while enabled. */
void                strata_engine_set_loop        (StrataEngine               *self,
                                                   gboolean                    enabled,
                                                   gint64                      start,
                                                   gint64                      end);
/* Stops by itself at `end` (-1: never), or in a loop after `passes` passes (0: never). */
void                strata_engine_set_stop_at     (StrataEngine               *self,
                                                   gint64                      end,
                                                   guint                       passes);
gboolean            strata_engine_get_playing     (StrataEngine               *self);
gint64              strata_engine_get_position    (StrataEngine               *self);
guint               strata_engine_get_xruns       (StrataEngine               *self);
/* The xruns by cause: cycles the device or server lost, and periods the engine could not
 * fill (the butler late, a recording ring full). */
void                strata_engine_get_xrun_counts (StrataEngine               *self,
                                                   guint                      *device,
                                                   guint                      *engine);
gint64              strata_engine_get_frames_played (StrataEngine             *self);
/* Until the transport stops (or `timeout_ms` passes), iterating the thread-default context. */
gboolean            strata_engine_wait_stopped    (StrataEngine               *self,
                                                   guint                       timeout_ms);

/* Latency, in frames: what the backend reports on each side, the period, the calibration
 * offset, and the round trip used to place takes (period + input + output + calibration). */
void                strata_engine_get_latency     (StrataEngine               *self,
                                                   guint                      *input,
                                                   guint                      *output,
                                                   guint                      *period);
void                strata_engine_set_calibration (StrataEngine               *self,
                                                   gint64                      frames);
gint64              strata_engine_get_round_trip  (StrataEngine               *self);
/* "Measure latency": plays one click and listens for it on the input (through a loopback)
 * for up to 3 s; `calibration` is what the round trip misses (the value for
 * strata_engine_set_calibration). The transport must be stopped. The plain call blocks; the
 * async one listens from the thread-default main context, for a window. */
gboolean            strata_engine_measure_latency (StrataEngine               *self,
                                                   gint64                     *calibration,
                                                   GError                    **error);
void                strata_engine_measure_latency_async  (StrataEngine        *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            strata_engine_measure_latency_finish (StrataEngine        *self,
                                                          GAsyncResult        *result,
                                                          gint64              *calibration,
                                                          GError             **error);

gboolean            strata_engine_get_meter       (StrataEngine               *self,
                                                   const char                 *strip_id,
                                                   StrataMeter                *meter);
void                strata_engine_get_input_meter (StrataEngine               *self,
                                                   StrataMeter                *meter);
/* An armed track's input meter: the device channels its input names, with their clip
 * indicators. */
void                strata_engine_get_track_input_meter (StrataEngine         *self,
                                                   StrataTrack                *track,
                                                   StrataMeter                *meter);
void                strata_engine_reset_clip      (StrataEngine               *self);
void                strata_engine_get_loudness    (StrataEngine               *self,
                                                   StrataLoudness             *loudness);

/* Recording. Arming goes through the project's undo stack; the recorder refuses it while a
 * recording runs or stops. */
StrataRecorderState strata_engine_get_record_state (StrataEngine              *self);
gboolean            strata_engine_arm             (StrataEngine               *self,
                                                   StrataTrack                *track,
                                                   gboolean                    armed,
                                                   GError                    **error);
/* Starts recording every armed track (and the transport, when stopped). */
gboolean            strata_engine_record          (StrataEngine               *self,
                                                   GError                    **error);
/* Stops the transport and the recording; the takes arrive with "takes-added". */
gboolean            strata_engine_stop_recording  (StrataEngine               *self,
                                                   GError                    **error);
/* Blocks until a stopping recording has become clips (or failed). */
gboolean            strata_engine_finish_recording (StrataEngine              *self,
                                                   GError                    **error);

G_END_DECLS
