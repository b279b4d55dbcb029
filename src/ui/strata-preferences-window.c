/* strata-preferences-window.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-preferences-window"

#include "config.h"

#include "strata-preferences-window.h"

struct _StrataPreferencesWindow
{
  AdwPreferencesWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataPreferencesWindow, strata_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
strata_preferences_window_class_init (StrataPreferencesWindowClass *klass)
{
}

static void
strata_preferences_window_init (StrataPreferencesWindow *self)
{
}

GtkWidget *
strata_preferences_window_new (GtkWindow *parent, GSettings *settings, StrataEngine *engine)
{
  return g_object_new (STRATA_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
}
