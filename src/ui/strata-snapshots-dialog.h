/* strata-snapshots-dialog.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Snapshots of a saved project: the list (name, when), "Take Snapshot" with a name, and
 * Restore, which is one undo step (strata_store_restore_snapshot).
 */
#pragma once

#include <adwaita.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SNAPSHOTS_DIALOG (strata_snapshots_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StrataSnapshotsDialog, strata_snapshots_dialog, STRATA, SNAPSHOTS_DIALOG,
                      AdwWindow)

GtkWidget *strata_snapshots_dialog_new (GtkWindow     *parent,
                                        StrataSession *session);

G_END_DECLS
