/* strata-ui.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Registers the UI's resources (templates, style, shortcuts window). The application calls it
 * at startup; widget tests call it after gtk_test_init() and adw_init(). */
void strata_ui_init (void);

G_END_DECLS
