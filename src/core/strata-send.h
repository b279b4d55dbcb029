/* strata-send.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define STRATA_TYPE_SEND (strata_send_get_type ())
G_DECLARE_FINAL_TYPE (StrataSend, strata_send, STRATA, SEND, GObject)

StrataSend *strata_send_new           (const char *bus_id,
                                       gdouble     level_db,
                                       gboolean    pre_fader);
StrataSend *strata_send_copy          (StrataSend *self);
const char *strata_send_get_bus       (StrataSend *self);
gdouble     strata_send_get_level_db  (StrataSend *self);
gboolean    strata_send_get_pre_fader (StrataSend *self);

G_END_DECLS
