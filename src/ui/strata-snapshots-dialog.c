/* strata-snapshots-dialog.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Snapshots live inside the .strata file (strata-store.c), so the dialog only offers them for
 * a project saved as one. Taking a snapshot writes the project as it is now, saved or not;
 * restoring is one command, so Ctrl+Z in the window brings back what was there before.
 */
#define G_LOG_DOMAIN "strata-snapshots-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-snapshots-dialog.h"
#include "strata-ui.h"
#include "strata-store.h"

struct _StrataSnapshotsDialog
{
  AdwWindow      parent_instance;

  StrataSession *session;
  GtkWidget     *error_group;
  GtkWidget     *name_row;
  GtkWidget     *list_group;
  GPtrArray     *rows;            /* the snapshot rows now in list_group */
};

G_DEFINE_FINAL_TYPE (StrataSnapshotsDialog, strata_snapshots_dialog, ADW_TYPE_WINDOW)

/* ---- helpers ------------------------------------------------------------------------------ */

static void
set_label (GtkWidget *widget, const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static const char *
project_path (StrataSnapshotsDialog *self)
{
  return strata_project_get_path (strata_session_get_project (self->session));
}

static GtkWidget *
snapshot_row_new (const StrataSnapshotInfo *info)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_label (_("Restore"));
  g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (info->created);
  g_autofree char *when = created != NULL ? g_date_time_format (created, "%x %X") : NULL;
  g_autofree char *name = g_strconcat ("snapshot:", info->name, NULL);
  g_autofree char *label = g_strdup_printf (_("Restore “%s”"), info->name);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when != NULL ? when : "");
  gtk_widget_set_name (row, name);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Bring the project back to this snapshot (undoable)"));
  set_label (button, label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "snapshots.restore");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", info->name);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
refresh (StrataSnapshotsDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = strata_store_list_snapshots (project_path (self), &error);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->list_group),
                                  g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  if (list == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not read the snapshots: %s"),
                                                  error->message);
      strata_ui_error_group_show (self->error_group, message);
      return;
    }
  for (guint i = 0; i < list->len; i++)
    {
      GtkWidget *row = snapshot_row_new (g_ptr_array_index (list, i));
      g_ptr_array_add (self->rows, row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->list_group), row);
    }
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->list_group),
                                         list->len == 0 ? _("No snapshots yet.") : NULL);
}

/* ---- actions ------------------------------------------------------------------------------ */

static void
take_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  StrataSnapshotsDialog *self = STRATA_SNAPSHOTS_DIALOG (widget);
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  if (self->name_row == NULL)
    return;
  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  if (*name == '\0')
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_free (name);
      /* Translators: the name of a snapshot taken without one; strftime format */
      name = g_date_time_format (now, _("Snapshot %Y-%m-%d %H:%M:%S"));
    }
  if (!strata_store_save_snapshot (strata_session_get_project (self->session), name, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not take the snapshot “%s”: %s"),
                                                  name, error->message);
      strata_ui_error_group_show (self->error_group, message);
      return;
    }
  strata_ui_error_group_show (self->error_group, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  refresh (self);
}

static void
restore_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  StrataSnapshotsDialog *self = STRATA_SNAPSHOTS_DIALOG (widget);
  const char *name = g_variant_get_string (param, NULL);
  g_autoptr(GError) error = NULL;
  StrataCommand *command;
  g_autofree char *message = NULL;

  command = strata_store_restore_snapshot (strata_session_get_project (self->session), name,
                                           &error);
  if (command == NULL)
    {
      message = g_strdup_printf (_("Could not restore the snapshot “%s”: %s"), name,
                                 error->message);
      strata_ui_error_group_show (self->error_group, message);
      return;
    }
  if (strata_session_apply (self->session, command, NULL))
    {
      strata_ui_error_group_show (self->error_group, NULL);
      message = g_strdup_printf (_("Snapshot “%s” restored"), name);
      strata_session_toast (self->session, message, TRUE);
    }
}

/* ---- building ----------------------------------------------------------------------------- */

static GtkWidget *
build_save_first (void)
{
  GtkWidget *status = adw_status_page_new ();

  gtk_widget_set_name (status, "save-first");
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "document-save-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("Save the Project First"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
    _("Snapshots are kept inside the project file. Save the project as a .strata file, then "
      "come back here to take snapshots of it."));
  return status;
}

static GtkWidget *
build_list (StrataSnapshotsDialog *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group;
  GtkWidget *button;

  self->error_group = strata_ui_error_group_new (page);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("New Snapshot"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
    _("A snapshot keeps the song as it is now, inside the project file. A snapshot with the "
      "same name is replaced."));
  self->name_row = adw_entry_row_new ();
  gtk_widget_set_name (self->name_row, "name");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("Snapshot Name"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->name_row), FALSE);
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (self->name_row), TRUE);
  gtk_widget_set_tooltip_text (self->name_row,
                               _("A name such as “Before the new chorus”; empty uses the time"));
  button = gtk_button_new_with_mnemonic (_("_Take Snapshot"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_tooltip_text (button, _("Keep the project as it is now under this name"));
  set_label (button, _("Take Snapshot"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "snapshots.take");
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->name_row), button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->name_row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_window_set_default_widget (GTK_WINDOW (self), button);

  self->list_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->list_group), _("Snapshots"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (self->list_group));
  refresh (self);
  return page;
}

/* ---- overrides ---------------------------------------------------------------------------- */

static void
strata_snapshots_dialog_dispose (GObject *object)
{
  StrataSnapshotsDialog *self = STRATA_SNAPSHOTS_DIALOG (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (strata_snapshots_dialog_parent_class)->dispose (object);
}

static void
strata_snapshots_dialog_class_init (StrataSnapshotsDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = strata_snapshots_dialog_dispose;
  gtk_widget_class_install_action (widget_class, "snapshots.take", NULL, take_cb);
  gtk_widget_class_install_action (widget_class, "snapshots.restore", "s", restore_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
strata_snapshots_dialog_init (StrataSnapshotsDialog *self)
{
  self->rows = g_ptr_array_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Snapshots"));
  gtk_window_set_default_size (GTK_WINDOW (self), 480, 560);
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
strata_snapshots_dialog_new (GtkWindow *parent, StrataSession *session)
{
  StrataSnapshotsDialog *self;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  const char *path;

  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);

  self = g_object_new (STRATA_TYPE_SNAPSHOTS_DIALOG, "transient-for", parent, "modal", TRUE,
                       NULL);
  strata_ui_dialog_setup (GTK_WINDOW (self), parent, "projects-media");
  self->session = g_object_ref (session);
  path = project_path (self);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  if (path != NULL && g_str_has_suffix (path, ".strata"))
    gtk_box_append (GTK_BOX (box), build_list (self));
  else
    gtk_box_append (GTK_BOX (box), build_save_first ());
  gtk_widget_set_vexpand (gtk_widget_get_last_child (box), TRUE);
  adw_window_set_content (ADW_WINDOW (self), box);
  return GTK_WIDGET (self);
}
