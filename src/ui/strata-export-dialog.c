/* strata-export-dialog.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-export-dialog"

#include "config.h"

#include "strata-export-dialog.h"

struct _StrataExportDialog
{
  AdwWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataExportDialog, strata_export_dialog, ADW_TYPE_WINDOW)

static void
strata_export_dialog_class_init (StrataExportDialogClass *klass)
{
}

static void
strata_export_dialog_init (StrataExportDialog *self)
{
}

GtkWidget *
strata_export_dialog_new (GtkWindow *parent, StrataSession *session)
{
  return g_object_new (STRATA_TYPE_EXPORT_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
}
