/* strata-render.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The headless tool: loads a .strata or .json project, converts between the two, and prints a
 * summary of what a render would cover. Rendering audio lands with the offline renderer.
 */
#define G_LOG_DOMAIN "strata-render"
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "strata-json.h"
#include "strata-render-range.h"
#include "strata-store.h"

static StrataProject *
load_project (const char *path, GError **error)
{
  if (g_str_has_suffix (path, ".json"))
    return strata_json_load_file (path, error);
  return strata_store_load (path, error);
}

static gboolean
save_project (StrataProject *project, const char *path, GError **error)
{
  if (g_str_has_suffix (path, ".json"))
    return strata_json_save_file (project, path, error);
  if (g_str_has_suffix (path, ".strata"))
    return strata_store_save (project, path, error);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("%s: the project file must end in .strata or .json"), path);
  return FALSE;
}

static void
print_summary (StrataProject *project)
{
  StrataTimeline *timeline = strata_project_get_timeline (project);
  StrataTempoMap *map = strata_timeline_get_tempo_map (timeline);
  const StrataTempoSegment *first = strata_tempo_map_get_segment (map, 0);
  GListModel *tracks = strata_timeline_get_tracks (timeline);
  gint64 start, end;
  StrataBbt bbt;
  g_autofree char *end_bbt = NULL;

  strata_render_default_range (project, &start, &end);
  strata_tempo_map_frame_to_bbt (map, end, &bbt);
  end_bbt = strata_tempo_map_format_bbt (&bbt);
  g_print (_("%s: %u Hz, %g bpm %u/%u, %u tracks, %u buses, %u media files\n"),
           strata_project_get_name (project), strata_project_get_sample_rate (project),
           first->bpm, first->numerator, first->denominator, g_list_model_get_n_items (tracks),
           g_list_model_get_n_items (strata_project_get_buses (project)),
           g_list_model_get_n_items (strata_project_get_sources (project)));
  g_print (_("range: frames %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " (%.3f s, ends at %s)\n"),
           start, end, strata_tempo_map_frames_to_seconds (map, end - start), end_bbt);
  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, i);
      g_print ("  %-16s -> %-10s %u clips\n", strata_strip_get_name (STRATA_STRIP (track)),
               strata_strip_get_output (STRATA_STRIP (track)),
               g_list_model_get_n_items (strata_track_get_clips (track)));
    }
}

int
main (int argc, char *argv[])
{
  g_autofree char *convert = NULL;
  g_autofree char *output = NULL;
  gboolean quiet = FALSE;
  g_auto(GStrv) args = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Master file (.wav, .flac)"),
      N_("FILE") },
    { "convert", 0, 0, G_OPTION_ARG_FILENAME, &convert,
      N_("Save the project as FILE (.strata or .json) instead of rendering"), N_("FILE") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print nothing but errors"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, N_("PROJECT") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("PROJECT — render a Strata project"));
  g_option_context_set_summary (context,
                                _("PROJECT is a .strata file or a .json project."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("strata-render: %s\n", error->message);
      return 2;
    }
  if (args == NULL || args[0] == NULL || args[1] != NULL)
    {
      g_printerr ("strata-render: %s\n", _("give exactly one project (see --help)"));
      return 2;
    }

  project = load_project (args[0], &error);
  if (project == NULL)
    {
      g_printerr ("strata-render: %s\n", error->message);
      return 1;
    }
  if (convert)
    {
      if (!save_project (project, convert, &error))
        {
          g_printerr ("strata-render: %s\n", error->message);
          return 1;
        }
      if (!quiet)
        g_print (_("saved %s\n"), convert);
      return 0;
    }
  if (output)
    {
      g_printerr ("strata-render: %s\n",
                  _("rendering audio is not available in this version; use --convert"));
      return 1;
    }
  if (!quiet)
    print_summary (project);
  return 0;
}
