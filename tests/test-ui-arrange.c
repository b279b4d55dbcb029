/* test-ui-arrange.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "strata-ui.h"

static void
test_placeholder (void)
{
  g_test_skip ("not written yet");
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  strata_ui_init ();
  g_test_add_func ("/ui-arrange/placeholder", test_placeholder);
  return g_test_run ();
}
