/* strata-mix-view.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Mix page: one channel strip per track and per bus, then the master, following the
 * project's track and bus lists; meters refresh at the display rate.
 */
#pragma once

#include <adwaita.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_MIX_VIEW (strata_mix_view_get_type ())
G_DECLARE_FINAL_TYPE (StrataMixView, strata_mix_view, STRATA, MIX_VIEW, GtkWidget)

GtkWidget *strata_mix_view_new (StrataSession *session);

G_END_DECLS
