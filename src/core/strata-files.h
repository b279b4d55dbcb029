/* strata-files.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes a file, or a folder with everything in it. Symlinks are removed, never followed,
 * so nothing outside `path` is touched. */
void strata_remove_tree (const char *path);

G_END_DECLS
