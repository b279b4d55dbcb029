/* strata-cli.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"
#include "strata-cli.h"
#include "strata-json.h"
#include "strata-store.h"

#include <glib/gi18n.h>

StrataProject *
strata_cli_load_project (const char *path, GError **error)
{
  if (g_str_has_suffix (path, ".json"))
    return strata_json_load_file (path, error);
  return strata_store_load (path, error);
}

gboolean
strata_cli_save_project (StrataProject *project, const char *path, GError **error)
{
  if (g_str_has_suffix (path, ".json"))
    return strata_json_save_file (project, path, error);
  if (g_str_has_suffix (path, ".strata"))
    return strata_store_save (project, path, error);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("%s: the project file must end in .strata or .json"), path);
  return FALSE;
}

gboolean
strata_cli_parse_position (StrataProject *project, const char *option, const char *text,
                           gint64 *frame, char **message)
{
  StrataTempoMap *map = strata_timeline_get_tempo_map (strata_project_get_timeline (project));
  g_autoptr(GError) error = NULL;
  char *rest = NULL;
  gint64 value = g_ascii_strtoll (text, &rest, 10);

  if (rest != text && *rest == '\0' && value >= 0)
    {
      *frame = value;
      return TRUE;
    }
  if (strata_tempo_map_parse_position (map, text, frame, &error))
    return TRUE;
  *message = g_strdup_printf ("--%s: %s", option, error->message);
  return FALSE;
}
