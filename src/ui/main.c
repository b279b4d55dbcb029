/* main.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr(StrataApplication) app = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Without its schema GSettings aborts; say what is wrong instead. */
  schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (),
                                            APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_printerr (_("strata: the settings schema %s is not installed; run Strata from its "
                    "installation, or set GSETTINGS_SCHEMA_DIR to the build's data folder\n"),
                  APPLICATION_ID);
      return 1;
    }
  app = strata_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
