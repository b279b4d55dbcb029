/* strata-clip.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-source.h"

G_BEGIN_DECLS

#define STRATA_TYPE_CLIP (strata_clip_get_type ())
G_DECLARE_FINAL_TYPE (StrataClip, strata_clip, STRATA, CLIP, GObject)

/* A region of a source placed on a track. Positions and lengths are frames at the project
 * rate; `source_start` is the offset into the source of the clip's first frame. */
StrataClip   *strata_clip_new              (StrataSource *source,
                                            gint64        start,
                                            gint64        source_start,
                                            gint64        length);
StrataClip   *strata_clip_copy             (StrataClip   *self);
StrataSource *strata_clip_get_source       (StrataClip   *self);
gint64        strata_clip_get_start        (StrataClip   *self);
gint64        strata_clip_get_end          (StrataClip   *self);
gint64        strata_clip_get_source_start (StrataClip   *self);
gint64        strata_clip_get_length       (StrataClip   *self);
gdouble       strata_clip_get_gain_db      (StrataClip   *self);
gint64        strata_clip_get_fade_in      (StrataClip   *self);
gint64        strata_clip_get_fade_out     (StrataClip   *self);
gboolean      strata_clip_get_mute         (StrataClip   *self);
int           strata_clip_compare_start    (gconstpointer a,
                                            gconstpointer b,
                                            gpointer      user_data);

G_END_DECLS
