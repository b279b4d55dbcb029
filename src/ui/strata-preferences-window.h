/* strata-preferences-window.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preferences: audio backend, input and output devices, buffer size, sample rate of new
 * projects, latency calibration with "Measure latency", and the colour scheme. Everything is
 * stored in GSettings; the engine (when given) is restarted or recalibrated to match.
 */
#pragma once

#include <adwaita.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_PREFERENCES_WINDOW (strata_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (StrataPreferencesWindow, strata_preferences_window, STRATA, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *strata_preferences_window_new (GtkWindow     *parent,
                                          GSettings     *settings,
                                          StrataEngine  *engine);

G_END_DECLS
