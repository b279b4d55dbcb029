/* strata-clip-canvas.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The arranger's clip area: every track's clips (waveforms from the peak cache, fades with
 * handles), take lanes and automation lanes, drawn with GtkSnapshot, and the direct
 * manipulation on them (select, move, trim, fade, split, join, delete, duplicate, clipboard,
 * automation points, zoom). It is GtkScrollable: the ruler shares its hadjustment and the
 * track headers its vadjustment.
 */
#pragma once

#include <adwaita.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_CLIP_CANVAS (strata_clip_canvas_get_type ())
G_DECLARE_FINAL_TYPE (StrataClipCanvas, strata_clip_canvas, STRATA, CLIP_CANVAS, GtkWidget)

GtkWidget *strata_clip_canvas_new          (StrataSession  *session);
/* Zooms so that the whole song fits the visible width. */
void       strata_clip_canvas_zoom_to_fit (StrataClipCanvas *self);
/* The track whose row contains widget coordinate `y` (NULL below the last one); the scroll
 * is accounted for. */
StrataTrack *strata_clip_canvas_track_at  (StrataClipCanvas *self,
                                           double            y);
/* The frame at widget coordinate `x`, the scroll accounted for. */
gint64     strata_clip_canvas_frame_at    (StrataClipCanvas *self,
                                           double            x);

/* Presses the primary button at (x, y), moves the pointer by (dx, dy) and releases it with
 * `state` held: the same code a pointer drag runs (a click when dx and dy are 0). For scripted
 * use and tests. */
void       strata_clip_canvas_drag        (StrataClipCanvas *self,
                                           double            x,
                                           double            y,
                                           double            dx,
                                           double            dy,
                                           GdkModifierType   state);
/* A scroll of (dx, dy) with the pointer at x and `state` held, as the wheel does: Ctrl zooms
 * time around x, Shift scrolls time, Ctrl+Shift changes the track height. Returns whether the
 * canvas took it (plain scrolling is left to the scrolled window). */
gboolean   strata_clip_canvas_scroll      (StrataClipCanvas *self,
                                           double            x,
                                           double            dx,
                                           double            dy,
                                           GdkModifierType   state);

G_END_DECLS
