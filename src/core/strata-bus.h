/* strata-bus.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-strip.h"

G_BEGIN_DECLS

#define STRATA_TYPE_BUS (strata_bus_get_type ())
G_DECLARE_FINAL_TYPE (StrataBus, strata_bus, STRATA, BUS, StrataStrip)

/* A stereo strip without clips that tracks and other buses feed. The master is a bus with the
 * id "master" and no output. */
StrataBus *strata_bus_new       (const char *id);
gboolean   strata_bus_is_master (StrataBus  *self);

G_END_DECLS
