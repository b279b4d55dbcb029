/* strata-direct-file.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file for libsndfile's virtual I/O that sends its long run of appended audio to the disk
 * with O_DIRECT, past the page cache (engine-internal; the offline render's writers).
 */
#pragma once

#include <glib.h>
#include <sndfile.h>

G_BEGIN_DECLS

typedef struct _StrataDirectFile StrataDirectFile;

/* Creates (or truncates) `path`, naming it `name` in errors. A file system without O_DIRECT
 * gets ordinary writes. */
StrataDirectFile *strata_direct_file_new   (const char        *path,
                                            const char        *name,
                                            GError           **error);
/* The callbacks for sf_open_virtual, whose user data is the StrataDirectFile. */
SF_VIRTUAL_IO    *strata_direct_file_vio   (void);
/* errno of the first write that failed, 0 if none. */
int               strata_direct_file_get_error (StrataDirectFile *self);
/* Writes out what is held back and closes the file (call after sf_close); FALSE with the
 * first error any write met. */
gboolean          strata_direct_file_close (StrataDirectFile  *self,
                                            GError           **error);
void              strata_direct_file_free  (StrataDirectFile  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataDirectFile, strata_direct_file_free)

G_END_DECLS
