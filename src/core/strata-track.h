/* strata-track.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-clip.h"
#include "strata-strip.h"

G_BEGIN_DECLS

typedef enum
{
  STRATA_MONITORING_OFF,
  STRATA_MONITORING_AUTO,
  STRATA_MONITORING_ON,
} StrataMonitoring;

/* What a track plays, which decides the bus that strata_commands_apply_bus_presets() routes
 * it to. The JSON "role" spells it as strata_track_role_to_string() gives. */
typedef enum
{
  STRATA_TRACK_ROLE_OTHER,
  STRATA_TRACK_ROLE_DRUMS,
  STRATA_TRACK_ROLE_BASS,
  STRATA_TRACK_ROLE_VOCALS,
  STRATA_TRACK_ROLE_FX,
} StrataTrackRole;

#define STRATA_TYPE_TRACK (strata_track_get_type ())
G_DECLARE_FINAL_TYPE (StrataTrack, strata_track, STRATA, TRACK, StrataStrip)

/* A strip that plays clips. Its clip list is kept sorted by start: a clip whose start changes
 * while it is on the track moves to its sorted place. */
StrataTrack      *strata_track_new            (const char  *id,
                                               guint        channels);
StrataTrack      *strata_track_copy           (StrataTrack *self,
                                               const char  *new_id);
guint             strata_track_get_channels   (StrataTrack *self);
gboolean          strata_track_get_record_arm (StrataTrack *self);
StrataMonitoring  strata_track_get_monitoring (StrataTrack *self);
const char       *strata_track_get_input      (StrataTrack *self);
StrataTrackRole   strata_track_get_role       (StrataTrack *self);
/* "other", "drums", "bass", "vocals", "fx"; and back (FALSE for any other string). */
const char       *strata_track_role_to_string (StrataTrackRole  role);
gboolean          strata_track_role_from_string (const char     *name,
                                                 StrataTrackRole *role);
GListModel       *strata_track_get_clips      (StrataTrack *self);
void              strata_track_insert_clip    (StrataTrack *self,
                                               StrataClip  *clip);
gboolean          strata_track_remove_clip    (StrataTrack *self,
                                               StrataClip  *clip);
gboolean          strata_track_find_clip      (StrataTrack *self,
                                               StrataClip  *clip,
                                               guint       *position);
/* Take lanes: recorded takes that are not the active one. They do not sound; they may
 * overlap each other and the clips. */
GListModel       *strata_track_get_takes      (StrataTrack *self);
void              strata_track_insert_take    (StrataTrack *self,
                                               StrataClip  *take);
gboolean          strata_track_remove_take    (StrataTrack *self,
                                               StrataClip  *take);

G_END_DECLS
