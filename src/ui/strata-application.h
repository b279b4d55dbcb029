/* strata-application.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STRATA_TYPE_APPLICATION (strata_application_get_type ())
G_DECLARE_FINAL_TYPE (StrataApplication, strata_application, STRATA, APPLICATION, AdwApplication)

StrataApplication *strata_application_new          (void);
GSettings         *strata_application_get_settings (StrataApplication *self);

G_END_DECLS
