/* strata-track-header.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The header of one track in the arranger: name (renamed inline), colour, mute, solo, record
 * arm, input, a small volume control and the button that shows its automation lanes. Its
 * height follows strata_session_get_row_height().
 */
#pragma once

#include <adwaita.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_TRACK_HEADER (strata_track_header_get_type ())
G_DECLARE_FINAL_TYPE (StrataTrackHeader, strata_track_header, STRATA, TRACK_HEADER, GtkWidget)

GtkWidget   *strata_track_header_new       (StrataSession     *session,
                                           StrataTrack       *track);
StrataTrack *strata_track_header_get_track (StrataTrackHeader *self);

G_END_DECLS
