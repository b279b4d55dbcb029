/* strata-render-range.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-render"
#include "config.h"
#include "strata-render-range.h"

void
strata_render_default_range (StrataProject *project, gint64 *start, gint64 *end)
{
  GListModel *tracks;
  gint64 last = 0;

  g_return_if_fail (STRATA_IS_PROJECT (project));

  tracks = strata_timeline_get_tracks (strata_project_get_timeline (project));
  for (guint t = 0; t < g_list_model_get_n_items (tracks); t++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, t);
      GListModel *clips = strata_track_get_clips (track);

      if (strata_strip_get_mute (STRATA_STRIP (track)))
        continue;
      for (guint c = 0; c < g_list_model_get_n_items (clips); c++)
        {
          g_autoptr(StrataClip) clip = g_list_model_get_item (clips, c);
          if (!strata_clip_get_mute (clip))
            last = MAX (last, strata_clip_get_end (clip));
        }
    }
  *start = 0;
  *end = last;
}
