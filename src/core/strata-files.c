/* strata-files.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"
#include "strata-files.h"

#include <glib/gstdio.h>

void
strata_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_if_fail (path != NULL);

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || (dir = g_dir_open (path, 0, NULL)) == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      strata_remove_tree (child);
    }
  g_rmdir (path);
}
