/* strata-clip-canvas.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-clip-canvas"

#include "config.h"

#include "strata-clip-canvas.h"

struct _StrataClipCanvas
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataClipCanvas, strata_clip_canvas, GTK_TYPE_WIDGET)

static void
strata_clip_canvas_class_init (StrataClipCanvasClass *klass)
{
}

static void
strata_clip_canvas_init (StrataClipCanvas *self)
{
}

GtkWidget *
strata_clip_canvas_new (StrataSession *session)
{
  return g_object_new (STRATA_TYPE_CLIP_CANVAS, NULL);
}

void
strata_clip_canvas_zoom_to_fit (StrataClipCanvas *self)
{
}

StrataTrack *
strata_clip_canvas_track_at (StrataClipCanvas *self, double y)
{
  return NULL;
}

gint64
strata_clip_canvas_frame_at (StrataClipCanvas *self, double x)
{
  return 0;
}
