/* strata-snapshots-dialog.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-snapshots-dialog"

#include "config.h"

#include "strata-snapshots-dialog.h"

struct _StrataSnapshotsDialog
{
  AdwWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataSnapshotsDialog, strata_snapshots_dialog, ADW_TYPE_WINDOW)

static void
strata_snapshots_dialog_class_init (StrataSnapshotsDialogClass *klass)
{
}

static void
strata_snapshots_dialog_init (StrataSnapshotsDialog *self)
{
}

GtkWidget *
strata_snapshots_dialog_new (GtkWindow *parent, StrataSession *session)
{
  return g_object_new (STRATA_TYPE_SNAPSHOTS_DIALOG, "transient-for", parent, "modal", TRUE,
                       NULL);
}
