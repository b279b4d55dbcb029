/* strata-marker.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define STRATA_TYPE_MARKER (strata_marker_get_type ())
G_DECLARE_FINAL_TYPE (StrataMarker, strata_marker, STRATA, MARKER, GObject)

StrataMarker *strata_marker_new            (const char   *name,
                                            gint64        frame);
const char   *strata_marker_get_name       (StrataMarker *self);
gint64        strata_marker_get_frame      (StrataMarker *self);

G_END_DECLS
