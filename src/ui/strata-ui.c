/* strata-ui.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "strata-resources.h"
#include "strata-ui.h"

void
strata_ui_init (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      strata_register_resource ();
      g_once_init_leave (&once, 1);
    }
}
