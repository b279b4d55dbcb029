/* strata-channel-strip.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One channel strip of the mixer, for a track, a bus or the master: name, input (armed
 * tracks), insert slots, sends with levels, pan, fader, meter with peak hold and clip
 * indicator, mute/solo/arm, output; the master strip adds the loudness meter.
 */
#pragma once

#include <adwaita.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_CHANNEL_STRIP (strata_channel_strip_get_type ())
G_DECLARE_FINAL_TYPE (StrataChannelStrip, strata_channel_strip, STRATA, CHANNEL_STRIP, GtkWidget)

GtkWidget   *strata_channel_strip_new       (StrataSession      *session,
                                            StrataStrip        *strip);
StrataStrip *strata_channel_strip_get_strip (StrataChannelStrip *self);
/* Reads the strip's meter (and the master's loudness) from the engine; the mix view calls it
 * once per frame. */
void         strata_channel_strip_update_meters (StrataChannelStrip *self);

G_END_DECLS
