/* strata-ui.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Registers the UI's resources (templates, style, shortcuts window). The application calls it
 * at startup; widget tests call it after gtk_test_init() and adw_init(). */
void strata_ui_init (void);

/* A dialog's error line: a preferences group holding one wrapped label (styled "error", named
 * "error" for tests), added to the AdwPreferencesPage `page` and hidden until
 * strata_ui_error_group_show() gives it a message (NULL hides it again). */
GtkWidget *strata_ui_error_group_new  (GtkWidget  *page);
void       strata_ui_error_group_show (GtkWidget  *group,
                                       const char *message);

/* A dialog of the application: it takes the application's shortcuts (F1, Ctrl+Q), and F1 over
 * it opens help page `help_page` (a page of help/C without its extension). */
void        strata_ui_dialog_setup      (GtkWindow  *dialog,
                                         GtkWindow  *parent,
                                         const char *help_page);
/* The help page strata_ui_dialog_setup() gave `dialog`, or NULL. */
const char *strata_ui_dialog_help_page  (GtkWindow  *dialog);

G_END_DECLS
