/* strata-commands.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The edits a user makes, as commands ready for strata_project_push(). Each builder checks the
 * edit against the project's rules first and returns NULL with a GError when it would break
 * one (an overlap, a cycle, a clip past its source), so a refused edit changes nothing.
 */
#pragma once

#include "strata-project.h"

G_BEGIN_DECLS

/* Clips */
StrataCommand *strata_commands_add_clip        (StrataProject  *project,
                                                StrataTrack    *track,
                                                StrataClip     *clip,
                                                GError        **error);
StrataCommand *strata_commands_remove_clips    (StrataProject  *project,
                                                StrataClip    **clips,
                                                guint           n_clips);
StrataCommand *strata_commands_move_clips      (StrataProject  *project,
                                                StrataClip    **clips,
                                                guint           n_clips,
                                                gint64          delta,
                                                int             track_delta,
                                                GError        **error);
StrataCommand *strata_commands_trim_clip_start (StrataProject  *project,
                                                StrataClip     *clip,
                                                gint64          new_start,
                                                GError        **error);
StrataCommand *strata_commands_trim_clip_end   (StrataProject  *project,
                                                StrataClip     *clip,
                                                gint64          new_end,
                                                GError        **error);
StrataCommand *strata_commands_set_fades       (StrataProject  *project,
                                                StrataClip     *clip,
                                                gint64          fade_in,
                                                gint64          fade_out,
                                                GError        **error);
StrataCommand *strata_commands_split_clip      (StrataProject  *project,
                                                StrataClip     *clip,
                                                gint64          frame,
                                                GError        **error);
StrataCommand *strata_commands_join_clips      (StrataProject  *project,
                                                StrataClip    **clips,
                                                guint           n_clips,
                                                GError        **error);
StrataCommand *strata_commands_duplicate_clips (StrataProject  *project,
                                                StrataClip    **clips,
                                                guint           n_clips,
                                                GError        **error);

/* Take lanes. Recorded takes, oldest first: each becomes the active clip where it lies, and
 * whatever it covers (earlier takes, older clips) moves to the take lanes. */
StrataCommand *strata_commands_record_takes    (StrataProject  *project,
                                                StrataTrack    *track,
                                                StrataClip    **takes,
                                                guint           n_takes);
/* Makes a take from the lanes the active clip; the clips it overlaps go to the lanes. */
StrataCommand *strata_commands_set_active_take (StrataProject  *project,
                                                StrataTrack    *track,
                                                StrataClip     *take,
                                                GError        **error);

/* Media pool */
StrataCommand *strata_commands_add_source      (StrataProject  *project,
                                                StrataSource   *source);

/* Tracks and buses */
StrataCommand *strata_commands_add_track       (StrataProject  *project,
                                                guint           channels,
                                                const char     *name,
                                                guint           position,
                                                StrataTrack   **track);
StrataCommand *strata_commands_remove_track    (StrataProject  *project,
                                                StrataTrack    *track);
StrataCommand *strata_commands_duplicate_track (StrataProject  *project,
                                                StrataTrack    *track,
                                                StrataTrack   **copy);
StrataCommand *strata_commands_move_track      (StrataProject  *project,
                                                guint           from,
                                                guint           to);
StrataCommand *strata_commands_add_bus         (StrataProject  *project,
                                                const char     *name,
                                                guint           position,
                                                StrataBus     **bus);
StrataCommand *strata_commands_remove_bus      (StrataProject  *project,
                                                StrataBus      *bus);
StrataCommand *strata_commands_move_bus        (StrataProject  *project,
                                                guint           from,
                                                guint           to);

/* Strip properties, routing, sends and inserts */
StrataCommand *strata_commands_set_volume      (StrataProject  *project,
                                                StrataStrip    *strip,
                                                gdouble         volume_db,
                                                guint           merge_key,
                                                GError        **error);
StrataCommand *strata_commands_set_pan         (StrataProject  *project,
                                                StrataStrip    *strip,
                                                gdouble         pan,
                                                guint           merge_key,
                                                GError        **error);
StrataCommand *strata_commands_set_output      (StrataProject  *project,
                                                StrataStrip    *strip,
                                                const char     *output,
                                                GError        **error);
StrataCommand *strata_commands_add_send        (StrataProject  *project,
                                                StrataStrip    *strip,
                                                const char     *bus_id,
                                                gdouble         level_db,
                                                gboolean        pre_fader,
                                                GError        **error);
StrataCommand *strata_commands_remove_send     (StrataProject  *project,
                                                StrataStrip    *strip,
                                                StrataSend     *send);
StrataCommand *strata_commands_add_insert      (StrataProject  *project,
                                                StrataStrip    *strip,
                                                StrataInsert   *insert,
                                                guint           position);
StrataCommand *strata_commands_remove_insert   (StrataProject  *project,
                                                StrataStrip    *strip,
                                                StrataInsert   *insert);
StrataCommand *strata_commands_move_insert     (StrataProject  *project,
                                                StrataStrip    *strip,
                                                guint           from,
                                                guint           to);
/* Sets one parameter of an insert, `value` as the effect takes it (a choice's index, 0 or 1
 * for a toggle); refused when the effect has no such parameter or the value is out of its
 * range. With a non-zero merge key, consecutive changes of the same parameter merge (a drag
 * is one undo step). */
StrataCommand *strata_commands_set_insert_param (StrataProject *project,
                                                 StrataInsert  *insert,
                                                 const char    *name,
                                                 gdouble        value,
                                                 guint          merge_key,
                                                 GError       **error);
StrataCommand *strata_commands_set_insert_bypass (StrataProject *project,
                                                  StrataInsert  *insert,
                                                  gboolean       bypass);

/* Track roles and the bus presets. In one undo step: creates the buses the tracks' roles
 * need, each with its default chain (ids "drums" and "bass": eq + compressor; "vocals":
 * eq + compressor and a post-fader send at -12 dB to "fx"; "fx": a fully wet hall_reverb),
 * and routes every track with a role to its bus. A bus that already has the id is reused as
 * it is (an empty chain gets the preset one). A track without a role that fed one of those
 * buses goes to the master; one routed elsewhere keeps its output. Refused when an id is a
 * track's or when the routing would close a loop (the error names it). */
StrataCommand *strata_commands_set_role        (StrataProject  *project,
                                                StrataTrack    *track,
                                                StrataTrackRole role);
StrataCommand *strata_commands_apply_bus_presets (StrataProject *project,
                                                  GError       **error);

/* Automation */
StrataCommand *strata_commands_add_point       (StrataProject  *project,
                                                StrataStrip    *strip,
                                                const char     *param,
                                                gint64          frame,
                                                gdouble         value,
                                                GError        **error);
StrataCommand *strata_commands_remove_point    (StrataProject  *project,
                                                StrataAutomationLane *lane,
                                                guint           index);
StrataCommand *strata_commands_move_point      (StrataProject  *project,
                                                StrataAutomationLane *lane,
                                                guint           index,
                                                gint64          frame,
                                                gdouble         value,
                                                GError        **error);

/* Tempo, metre, markers, loop and punch */
StrataCommand *strata_commands_set_tempo       (StrataProject  *project,
                                                gint32          bar,
                                                gdouble         bpm,
                                                guint           numerator,
                                                guint           denominator,
                                                GError        **error);
StrataCommand *strata_commands_remove_tempo    (StrataProject  *project,
                                                gint32          bar,
                                                GError        **error);
StrataCommand *strata_commands_add_marker      (StrataProject  *project,
                                                const char     *name,
                                                gint64          frame);
StrataCommand *strata_commands_remove_marker   (StrataProject  *project,
                                                StrataMarker   *marker);
StrataCommand *strata_commands_set_loop        (StrataProject  *project,
                                                gint64          start,
                                                gint64          end,
                                                gboolean        enabled,
                                                GError        **error);
StrataCommand *strata_commands_set_punch       (StrataProject  *project,
                                                gint64          start,
                                                gint64          end,
                                                gboolean        enabled,
                                                GError        **error);

/* Whole-project state (restoring a snapshot): swaps the project's content with `content`. */
StrataCommand *strata_commands_replace_content (StrataProject  *project,
                                                StrataProject  *content);

G_END_DECLS
