/* test-effects-format.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>

static void
test_placeholder (void)
{
  g_test_skip ("not written yet");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/effects-format/placeholder", test_placeholder);
  return g_test_run ();
}
