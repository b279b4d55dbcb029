/* strata-session.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the views of one open project share: the project and its engine, the editing state
 * (snap, zoom, selection, automation lanes shown, track height), the playhead, and one place
 * to push edits so that a refused one is shown to the user the same way everywhere.
 */
#pragma once

#include <gtk/gtk.h>

#include "strata-engine.h"
#include "strata-peak-cache.h"
#include "strata-project.h"

G_BEGIN_DECLS

/* Row geometry of the arranger, in pixels; shared by the track headers and the canvas so that
 * they line up. */
#define STRATA_TRACK_HEIGHT_MIN     40
#define STRATA_TRACK_HEIGHT_DEFAULT 80
#define STRATA_TRACK_HEIGHT_MAX     320
#define STRATA_LANE_HEIGHT          48    /* one automation lane */
#define STRATA_TAKE_LANE_HEIGHT     36    /* one take lane */

#define STRATA_ZOOM_MIN   1.0             /* frames per pixel */
#define STRATA_ZOOM_MAX   65536.0

#define STRATA_TYPE_SESSION (strata_session_get_type ())
G_DECLARE_FINAL_TYPE (StrataSession, strata_session, STRATA, SESSION, GObject)

typedef enum
{
  STRATA_SELECT_REPLACE,   /* click */
  STRATA_SELECT_ADD,       /* Shift+click */
  STRATA_SELECT_TOGGLE,    /* Ctrl+click */
} StrataSelectMode;

/* The strip's own automation parameters, shown on every track before its effects' ones. */
#define STRATA_N_STRIP_PARAMS 3
extern const char * const strata_automation_params[STRATA_N_STRIP_PARAMS];

/* What an automation param (volume_db, pan, mute or inserts[N].NAME) of `strip` means: the
 * descriptor of its value axis (range, unit, kind, log scale; the strip's own three have
 * theirs), NULL when it names no parameter (its insert is gone). */
const StrataParamDesc *strata_lane_param_desc   (StrataStrip            *strip,
                                                 const char             *param);
/* The insert an inserts[N].NAME param targets (a new reference), or NULL; `desc` (may be
 * NULL) receives the parameter's descriptor. */
StrataInsert          *strata_lane_param_insert (StrataStrip            *strip,
                                                 const char             *param,
                                                 const StrataParamDesc **desc);
/* For people: "Volume", "Compressor 1: Threshold" (effect, its place in the chain from 1,
 * parameter); NULL when the param names no parameter. */
char                  *strata_lane_param_label  (StrataStrip            *strip,
                                                 const char             *param);

StrataSession   *strata_session_new              (StrataProject    *project,
                                                  StrataEngine     *engine);
StrataProject   *strata_session_get_project      (StrataSession    *self);
StrataTimeline  *strata_session_get_timeline     (StrataSession    *self);
StrataTempoMap  *strata_session_get_tempo_map    (StrataSession    *self);
StrataEngine    *strata_session_get_engine       (StrataSession    *self);
StrataPeakCache *strata_session_get_peak_cache   (StrataSession    *self);

/* Edits. `command` is what a strata_commands_*() builder returned (consumed); NULL means the
 * builder refused the edit, and `error` (consumed) says why, in a toast. Returns whether the
 * edit was applied. */
gboolean         strata_session_apply            (StrataSession    *self,
                                                  StrataCommand    *command,
                                                  GError           *error);

/* Tells the user something in a toast ("toast" signal: message, offer_undo); with
 * `offer_undo` the toast has an Undo button, for destructive edits ("Track deleted  Undo"). */
void             strata_session_toast            (StrataSession    *self,
                                                  const char       *message,
                                                  gboolean          offer_undo);

/* Snap ("snap" property) */
StrataSnap       strata_session_get_snap         (StrataSession    *self);
void             strata_session_set_snap         (StrataSession    *self,
                                                  StrataSnap        snap);
gint64           strata_session_snap             (StrataSession    *self,
                                                  gint64            frame);

/* Horizontal zoom in frames per pixel ("zoom" property, clamped to STRATA_ZOOM_MIN..MAX) */
gdouble          strata_session_get_zoom         (StrataSession    *self);
void             strata_session_set_zoom         (StrataSession    *self,
                                                  gdouble           frames_per_pixel);

/* Row layout ("layout-changed" when any of it changes) */
int              strata_session_get_track_height (StrataSession    *self);
void             strata_session_set_track_height (StrataSession    *self,
                                                  int               height);
gboolean         strata_session_get_lanes_shown  (StrataSession    *self,
                                                  StrataTrack      *track);
void             strata_session_set_lanes_shown  (StrataSession    *self,
                                                  StrataTrack      *track,
                                                  gboolean          shown);
/* Take lanes of a track: its takes packed greedily (by start) into lanes where they do not
 * overlap; `lane_of` (may be NULL) receives each take's lane, in the order of
 * strata_track_get_takes(). */
guint            strata_session_get_take_lanes   (StrataSession    *self,
                                                  StrataTrack      *track,
                                                  GArray           *lane_of);
/* The automation lanes a track shows when its lanes are shown, as params in order: volume_db,
 * pan, mute, then its effects' parameters that have points or that were added with
 * strata_session_add_lane(), in chain order and each effect's parameter order (so that a lane
 * stays where it is when its first point goes in). A new array of strings. */
GPtrArray       *strata_session_get_lanes        (StrataSession    *self,
                                                  StrataTrack      *track);
/* Shows a lane for an effect parameter (inserts[N].NAME) even without points, and the track's
 * lanes; it follows its effect when the chain is reordered and goes with it. FALSE when the
 * param names no effect parameter of the track. */
gboolean         strata_session_add_lane         (StrataSession    *self,
                                                  StrataTrack      *track,
                                                  const char       *param);
/* Takes back strata_session_add_lane(); FALSE (nothing done) when the lane was not added or
 * has points. */
gboolean         strata_session_remove_lane      (StrataSession    *self,
                                                  StrataTrack      *track,
                                                  const char       *param);
/* The whole row of a track: clips, then take lanes, then automation lanes when shown. */
int              strata_session_get_row_height   (StrataSession    *self,
                                                  StrataTrack      *track);

/* Clip selection ("selection-changed") */
GPtrArray       *strata_session_get_selection    (StrataSession    *self);
gboolean         strata_session_is_selected      (StrataSession    *self,
                                                  StrataClip       *clip);
void             strata_session_select           (StrataSession    *self,
                                                  StrataClip       *clip,
                                                  StrataSelectMode  mode);
void             strata_session_select_clips     (StrataSession    *self,
                                                  StrataClip      **clips,
                                                  guint             n_clips,
                                                  StrataSelectMode  mode);
void             strata_session_clear_selection  (StrataSession    *self);

/* Transport: the playhead ("position", "playing"), through the engine when there is one. */
gint64           strata_session_get_position     (StrataSession    *self);
gboolean         strata_session_get_playing      (StrataSession    *self);
void             strata_session_locate           (StrataSession    *self,
                                                  gint64            frame);
void             strata_session_play             (StrataSession    *self);
void             strata_session_stop             (StrataSession    *self);
void             strata_session_toggle_play      (StrataSession    *self);
gboolean         strata_session_record           (StrataSession    *self,
                                                  GError          **error);
/* Turns the timeline's loop range on or off (one undo step) and tells the engine. */
void             strata_session_toggle_loop      (StrataSession    *self);
/* The end of the last clip (0 for an empty project). */
gint64           strata_session_get_end          (StrataSession    *self);

G_END_DECLS
