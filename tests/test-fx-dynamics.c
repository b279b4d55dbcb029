/* test-fx-dynamics.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>

#include "strata-effect.h"

static void
test_placeholder (void)
{
  g_test_skip ("not written yet");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fx-dynamics/placeholder", test_placeholder);
  return g_test_run ();
}
