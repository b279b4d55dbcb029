/* strata-window.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window: one open project at a time (or the welcome page), the transport and
 * editing state in the header bar, the Arrange and Mix pages, and the project's life cycle:
 * open, save, autosave and its recovery, and asking before unsaved changes are dropped.
 */
#pragma once

#include <adwaita.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_WINDOW (strata_window_get_type ())
G_DECLARE_FINAL_TYPE (StrataWindow, strata_window, STRATA, WINDOW, AdwApplicationWindow)

StrataWindow  *strata_window_new          (GtkApplication *application);
/* Opens a .strata or .json project; a failure shows a dialog naming the file and keeps what
 * was open. */
gboolean       strata_window_open_file    (StrataWindow   *self,
                                           GFile          *file,
                                           GError        **error);
/* Shows a project that is already loaded (tests, New). */
void           strata_window_set_project  (StrataWindow   *self,
                                           StrataProject  *project);
StrataSession *strata_window_get_session  (StrataWindow   *self);
/* The help page for what the window shows (F1), or NULL for the index. */
const char    *strata_window_get_help_page (StrataWindow  *self);
void           strata_window_show_toast   (StrataWindow   *self,
                                           const char     *message);
/* Offers the changes autosaved for the project at `path` when they are newer than it; after
 * the answer, the takes a crash while recording left in the shown project's media folder. */
void           strata_window_offer_recovery (StrataWindow *self,
                                             const char   *path);
/* Starts an autosave of a saved project's unsaved changes (the window does this on its
 * interval); FALSE when there is nothing to autosave. */
gboolean       strata_window_autosave     (StrataWindow   *self);
/* Shows a new untitled project on `media_dir`, a folder an untitled project left when Strata
 * stopped (strata_project_find_unsaved_leftovers), and offers the takes recorded into it;
 * FALSE, showing nothing, when it holds none or another Strata took it. */
gboolean       strata_window_recover_unsaved (StrataWindow *self,
                                              const char   *media_dir);
/* The most recent project left with an autosave newer than itself (a crash), or NULL. */
char          *strata_window_find_crashed_project (void);
/* The demo project's path, or NULL when it is not installed or built. */
char          *strata_window_find_demo    (void);

G_END_DECLS
