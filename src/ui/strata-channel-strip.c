/* strata-channel-strip.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-channel-strip"

#include "config.h"

#include "strata-channel-strip.h"

struct _StrataChannelStrip
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataChannelStrip, strata_channel_strip, GTK_TYPE_WIDGET)

static void
strata_channel_strip_class_init (StrataChannelStripClass *klass)
{
}

static void
strata_channel_strip_init (StrataChannelStrip *self)
{
}

GtkWidget *
strata_channel_strip_new (StrataSession *session, StrataStrip *strip)
{
  return g_object_new (STRATA_TYPE_CHANNEL_STRIP, NULL);
}

StrataStrip *
strata_channel_strip_get_strip (StrataChannelStrip *self)
{
  return NULL;
}

void
strata_channel_strip_update_meters (StrataChannelStrip *self)
{
}
