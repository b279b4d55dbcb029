/* strata-timeline.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-marker.h"
#include "strata-tempo-map.h"
#include "strata-track.h"

G_BEGIN_DECLS

#define STRATA_TYPE_TIMELINE (strata_timeline_get_type ())
G_DECLARE_FINAL_TYPE (StrataTimeline, strata_timeline, STRATA, TIMELINE, GObject)

/* A song's time: tempo map, markers (sorted by frame), loop and punch ranges, and tracks. */
StrataTimeline *strata_timeline_new               (guint           sample_rate);
StrataTempoMap *strata_timeline_get_tempo_map     (StrataTimeline *self);
GListModel     *strata_timeline_get_tracks        (StrataTimeline *self);
GListModel     *strata_timeline_get_markers       (StrataTimeline *self);
void            strata_timeline_insert_marker     (StrataTimeline *self,
                                                   StrataMarker   *marker);
gboolean        strata_timeline_remove_marker     (StrataTimeline *self,
                                                   StrataMarker   *marker);
void            strata_timeline_get_loop          (StrataTimeline *self,
                                                   gint64         *start,
                                                   gint64         *end,
                                                   gboolean       *enabled);
void            strata_timeline_get_punch         (StrataTimeline *self,
                                                   gint64         *start,
                                                   gint64         *end,
                                                   gboolean       *enabled);
StrataTrack    *strata_timeline_find_track        (StrataTimeline *self,
                                                   const char     *id);
StrataTrack    *strata_timeline_find_clip         (StrataTimeline *self,
                                                   StrataClip     *clip,
                                                   guint          *track_position);

G_END_DECLS
