/* strata-track-header.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-track-header"

#include "config.h"

#include "strata-track-header.h"

struct _StrataTrackHeader
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataTrackHeader, strata_track_header, GTK_TYPE_WIDGET)

static void
strata_track_header_class_init (StrataTrackHeaderClass *klass)
{
}

static void
strata_track_header_init (StrataTrackHeader *self)
{
}

GtkWidget *
strata_track_header_new (StrataSession *session, StrataTrack *track)
{
  return g_object_new (STRATA_TYPE_TRACK_HEADER, NULL);
}

StrataTrack *
strata_track_header_get_track (StrataTrackHeader *self)
{
  return NULL;
}
