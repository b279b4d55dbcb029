/* strata-test-ui.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the widget tests share: running the main loop for a while, the demo project, a window
 * destroyed and checked for leaks, the message dialog a window shows, and a temporary folder
 * removed with what it holds.
 */
#pragma once

#include <adwaita.h>
#include <glib/gstdio.h>

#include "strata-json.h"
#include "strata-ui.h"

/* GTK, libadwaita and the UI's resources, as a widget test's main() starts them. */
static inline void
ui_test_init (int *argc, char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  strata_ui_init ();
}

/* Runs the main loop for `ms` milliseconds: GTK delivers some of its work from idles. */
static inline void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* The built demo project (STRATA_DEMO_PROJECT, set by meson). */
static inline StrataProject *
load_demo (void)
{
  g_autoptr(GError) error = NULL;
  StrataProject *project = strata_json_load_file (g_getenv ("STRATA_DEMO_PROJECT"), &error);

  g_assert_no_error (error);
  return project;
}

static inline void
destroy_window (gpointer window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (50);
  g_assert_finalize_object (window);
}

/* The AdwMessageDialog shown over `parent`, or NULL. */
static inline AdwMessageDialog *
find_message (gpointer parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w)
          && gtk_window_get_transient_for (GTK_WINDOW (w)) == GTK_WINDOW (parent))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static inline void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child_path = g_build_filename (path, name, NULL);

          remove_tree (child_path);
        }
    }
  g_remove (path);
}
