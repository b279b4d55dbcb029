/* strata-ui.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "strata-resources.h"
#include "strata-ui.h"

void
strata_ui_init (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      strata_register_resource ();
      g_once_init_leave (&once, 1);
    }
}

GtkWidget *
strata_ui_error_group_new (GtkWidget *page)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "error");
  gtk_widget_set_name (label, "error");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), label);
  gtk_widget_set_visible (group, FALSE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  g_object_set_data (G_OBJECT (group), "strata-error-label", label);
  return group;
}

void
strata_ui_error_group_show (GtkWidget *group, const char *message)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (group), "strata-error-label");

  gtk_label_set_text (GTK_LABEL (label), message);
  gtk_widget_set_visible (group, message != NULL);
}

void
strata_ui_dialog_setup (GtkWindow *dialog, GtkWindow *parent, const char *help_page)
{
  g_return_if_fail (GTK_IS_WINDOW (dialog));

  if (parent != NULL && gtk_window_get_application (parent) != NULL)
    gtk_window_set_application (dialog, gtk_window_get_application (parent));
  g_object_set_data (G_OBJECT (dialog), "strata-help-page", (gpointer) help_page);
}

const char *
strata_ui_dialog_help_page (GtkWindow *dialog)
{
  return g_object_get_data (G_OBJECT (dialog), "strata-help-page");
}
