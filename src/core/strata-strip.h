/* strata-strip.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-automation-lane.h"
#include "strata-insert.h"
#include "strata-send.h"

G_BEGIN_DECLS

#define STRATA_TYPE_STRIP (strata_strip_get_type ())
G_DECLARE_DERIVABLE_TYPE (StrataStrip, strata_strip, STRATA, STRIP, GObject)

struct _StrataStripClass
{
  GObjectClass parent_class;
};

/* What tracks and buses share: a mixer channel strip with an identity, level, pan, mute/solo,
 * an insert chain, sends, an output and automation lanes. */
const char           *strata_strip_get_id         (StrataStrip *self);
const char           *strata_strip_get_name       (StrataStrip *self);
const char           *strata_strip_get_color      (StrataStrip *self);
gdouble               strata_strip_get_volume_db  (StrataStrip *self);
gdouble               strata_strip_get_pan        (StrataStrip *self);
gboolean              strata_strip_get_mute       (StrataStrip *self);
gboolean              strata_strip_get_solo       (StrataStrip *self);
const char           *strata_strip_get_output     (StrataStrip *self);
GListModel           *strata_strip_get_inserts    (StrataStrip *self);
GListModel           *strata_strip_get_sends      (StrataStrip *self);
GListModel           *strata_strip_get_automation (StrataStrip *self);
StrataAutomationLane *strata_strip_find_lane      (StrataStrip *self,
                                                   const char  *param);
void                  strata_strip_copy_into      (StrataStrip *self,
                                                   StrataStrip *copy);

G_END_DECLS
