/* strata-render.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Renders a .strata or .json project to audio files without a window: the master, stems,
 * loudness normalisation, a JSON report; or prints the render plan; or converts the project.
 * Exit status: 0 done, 1 a project, media or I/O error (nothing left behind), 2 a usage error.
 */
#define G_LOG_DOMAIN "strata-render"
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "strata-cli.h"
#include "strata-json.h"
#include "strata-render.h"

static gboolean quiet;

static int
fail (int status, const char *message)
{
  g_printerr ("strata-render: %s\n", message);
  return status;
}

static gboolean
parse_number (const char *text, double *value)
{
  char *end = NULL;

  if (text == NULL)
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*value);
}

static void
progress_cb (gdouble fraction, gpointer data)
{
  int width = 40, filled = (int) (fraction * width + 0.5);

  g_printerr ("\r[%.*s%*s] %3d%%", filled, "########################################",
              width - filled, "", (int) (fraction * 100 + 0.5));
  if (fraction >= 1.0)
    g_printerr ("\n");
}

static void
print_json (JsonNode *node, FILE *out)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  fprintf (out, "%s\n", text);
}

int
main (int argc, char *argv[])
{
  g_autofree char *output = NULL, *convert = NULL, *stems = NULL, *report_path = NULL;
  g_autofree char *bit_depth = NULL, *start = NULL, *end = NULL, *loudness = NULL;
  g_autofree char *true_peak = NULL, *stem_kinds = NULL;
  gboolean plan = FALSE, no_cache = FALSE;
  g_auto(GStrv) args = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRenderReport) report = NULL;
  g_autoptr(GError) error = NULL;
  StrataRenderOptions options;
  FILE *report_file = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Master file; the format follows the extension (.wav, .flac)"), N_("FILE") },
    { "bit-depth", 0, 0, G_OPTION_ARG_STRING, &bit_depth, N_("16, 24 or 32f (default 24)"),
      N_("BITS") },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start,
      N_("Start of the range: frames or BAR.BEAT.TICK"), N_("POS") },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end, N_("End of the range (exclusive)"), N_("POS") },
    { "stems", 0, 0, G_OPTION_ARG_FILENAME, &stems,
      N_("Also write one file per bus and per track into DIR"), N_("DIR") },
    { "stem-kinds", 0, 0, G_OPTION_ARG_STRING, &stem_kinds,
      N_("Which stems --stems writes: tracks, buses or tracks,buses (the default)"),
      N_("KINDS") },
    { "loudness", 0, 0, G_OPTION_ARG_STRING, &loudness,
      N_("Normalise the master's integrated loudness to LUFS"), N_("LUFS") },
    { "true-peak", 0, 0, G_OPTION_ARG_STRING, &true_peak,
      N_("True-peak ceiling (default -1.0 with --loudness)"), N_("DBTP") },
    { "plan", 0, 0, G_OPTION_ARG_NONE, &plan,
      N_("Print the render plan as JSON and write nothing"), NULL },
    { "report", 0, 0, G_OPTION_ARG_FILENAME, &report_path,
      N_("Write a JSON report to FILE (- for standard output)"), N_("FILE") },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &no_cache,
      N_("Render even if an identical render is cached"), NULL },
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
  g_option_context_set_summary (context, _("PROJECT is a .strata file or a .json project."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (2, error->message);
  if (args == NULL || args[0] == NULL || args[1] != NULL)
    return fail (2, _("give exactly one project (see --help)"));

  strata_render_options_init (&options);
  options.use_cache = !no_cache;
  if (bit_depth)
    {
      if (g_str_equal (bit_depth, "16") || g_str_equal (bit_depth, "24"))
        options.bit_depth = (guint) atoi (bit_depth);
      else if (g_str_equal (bit_depth, "32f") || g_str_equal (bit_depth, "32"))
        options.bit_depth = 32;
      else
        return fail (2, _("--bit-depth must be 16, 24 or 32f"));
    }
  if (loudness)
    {
      options.normalize = TRUE;
      if (!parse_number (loudness, &options.target_lufs) || options.target_lufs > 0
          || options.target_lufs < -70)
        return fail (2, _("--loudness must be a level in LUFS between -70 and 0"));
    }
  if (true_peak)
    {
      if (!loudness)
        return fail (2, _("--true-peak goes with --loudness"));
      if (!parse_number (true_peak, &options.true_peak_dbtp) || options.true_peak_dbtp > 0
          || options.true_peak_dbtp < -20)
        return fail (2, _("--true-peak must be a level in dBTP between -20 and 0"));
    }
  if (stem_kinds)
    {
      g_auto(GStrv) kinds = g_strsplit (stem_kinds, ",", -1);

      if (!stems)
        return fail (2, _("--stem-kinds goes with --stems"));
      options.track_stems = g_strv_contains ((const char *const *) kinds, "tracks");
      options.bus_stems = g_strv_contains ((const char *const *) kinds, "buses");
      if (g_strv_length (kinds) != (guint) options.track_stems + (guint) options.bus_stems
          || g_strv_length (kinds) == 0)
        return fail (2, _("--stem-kinds must be tracks, buses or tracks,buses"));
    }
  if (!plan && !convert && !output && !stems)
    return fail (2, _("nothing to do: give -o FILE, --stems DIR, --plan or --convert FILE"));

  project = strata_cli_load_project (args[0], &error);
  if (project == NULL)
    return fail (1, error->message);

  if (convert)
    {
      if (!strata_cli_save_project (project, convert, &error))
        return fail (1, error->message);
      if (!quiet)
        g_print (_("saved %s\n"), convert);
      return 0;
    }

  if (start || end)
    {
      const char *texts[] = { start, end };
      const char *names[] = { "start", "end" };
      gint64 *frames[] = { &options.start, &options.end };
      gboolean *has[] = { &options.has_start, &options.has_end };

      for (guint i = 0; i < 2; i++)
        {
          g_autofree char *message = NULL;

          if (texts[i] == NULL)
            continue;
          if (!strata_cli_parse_position (project, names[i], texts[i], frames[i], &message))
            return fail (2, message);
          *has[i] = TRUE;
        }
    }
  options.output = g_steal_pointer (&output);
  options.stems_dir = g_steal_pointer (&stems);

  if (plan)
    {
      g_autoptr(JsonNode) node = strata_render_plan (project, &options, &error);
      strata_render_options_clear (&options);
      if (node == NULL)
        {
          g_autofree char *message = g_strdup_printf ("%s: %s", args[0], error->message);
          return fail (1, message);
        }
      print_json (node, stdout);
      return 0;
    }

  /* The report's file is opened first, so that a path that cannot be written stops the render
   * before it makes anything. */
  if (report_path && !g_str_equal (report_path, "-")
      && (report_file = fopen (report_path, "w")) == NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s: cannot write: %s", report_path,
                                                  g_strerror (errno));
      strata_render_options_clear (&options);
      return fail (1, message);
    }

  {
    g_autoptr(StrataGraph) graph = strata_graph_compile (project, &error);
    if (graph)
      report = strata_render_graph (graph, &options, NULL,
                                    !quiet && isatty (STDERR_FILENO) ? progress_cb : NULL, NULL,
                                    &error);
  }
  strata_render_options_clear (&options);
  if (report == NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", args[0], error->message);
      if (report_file)
        {
          fclose (report_file);
          g_unlink (report_path);
        }
      return fail (1, message);
    }
  if (report_path)
    {
      g_autoptr(JsonNode) node = strata_render_report_to_json (report);
      print_json (node, report_file ? report_file : stdout);
      if (report_file && fclose (report_file) != 0)
        {
          g_autofree char *message = g_strdup_printf ("%s: cannot write: %s", report_path,
                                                      g_strerror (errno));
          return fail (1, message);
        }
    }
  if (!quiet && g_strcmp0 (report_path, "-") != 0)
    g_print (_("%.3f s rendered in %.3f s (%.0fx realtime): %.1f LUFS, %.1f LU, %.1f dBTP\n"),
             report->seconds, report->render_seconds, report->realtime_factor,
             report->integrated_lufs, report->loudness_range_lu, report->true_peak_dbtp);
  return 0;
}
