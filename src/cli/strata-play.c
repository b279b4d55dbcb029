/* strata-play.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plays a project (and records overdubs) without a window, through the same engine, backends,
 * recorder and placement as the app. Exit status: 0 done, 1 no audio, a project or a
 * recording error, 2 a usage error.
 */
#define G_LOG_DOMAIN "strata-play"
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>

#include "strata-cli.h"
#include "strata-commands.h"
#include "strata-engine.h"

static gboolean interrupted;

static int
fail (int status, const char *message)
{
  g_printerr ("strata-play: %s\n", message);
  return status;
}

static gboolean
on_signal (gpointer data)
{
  interrupted = TRUE;
  return G_SOURCE_CONTINUE;
}

static void
on_message (StrataEngine *engine, const char *message, gpointer data)
{
  g_printerr ("strata-play: %s\n", message);
}

static void
on_error (StrataEngine *engine, const char *message, gpointer data)
{
  char **last = data;

  g_printerr ("strata-play: %s\n", message);
  g_free (*last);
  *last = g_strdup (message);
}

static StrataTrack *
find_track (StrataProject *project, const char *key)
{
  StrataTimeline *timeline = strata_project_get_timeline (project);
  GListModel *tracks = strata_timeline_get_tracks (timeline);
  StrataTrack *track = strata_timeline_find_track (timeline, key);

  for (guint i = 0; track == NULL && i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(StrataTrack) t = g_list_model_get_item (tracks, i);
      if (g_strcmp0 (strata_strip_get_name (STRATA_STRIP (t)), key) == 0)
        track = t;
    }
  return track;
}

static JsonNode *
report_json (StrataEngine *engine, GPtrArray *armed)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint in, out, period;
  StrataLoudness loud;

  strata_engine_get_latency (engine, &in, &out, &period);
  strata_engine_get_loudness (engine, &loud);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "backend");
  json_builder_add_string_value (b, strata_engine_get_backend_name (engine));
  json_builder_set_member_name (b, "frames_played");
  json_builder_add_int_value (b, strata_engine_get_frames_played (engine));
  json_builder_set_member_name (b, "xruns");
  json_builder_add_int_value (b, strata_engine_get_xruns (engine));
  {
    guint device, late;
    strata_engine_get_xrun_counts (engine, &device, &late);
    json_builder_set_member_name (b, "xruns_device");
    json_builder_add_int_value (b, device);
    json_builder_set_member_name (b, "xruns_engine");
    json_builder_add_int_value (b, late);
  }
  json_builder_set_member_name (b, "period");
  json_builder_add_int_value (b, period);
  json_builder_set_member_name (b, "latency");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "input");
  json_builder_add_int_value (b, in);
  json_builder_set_member_name (b, "output");
  json_builder_add_int_value (b, out);
  json_builder_set_member_name (b, "round_trip");
  json_builder_add_int_value (b, strata_engine_get_round_trip (engine));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "integrated_lufs");
  if (isfinite (loud.integrated))
    json_builder_add_double_value (b, loud.integrated);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "takes");
  json_builder_begin_array (b);
  for (guint i = 0; armed && i < armed->len; i++)
    {
      StrataTrack *track = armed->pdata[i];
      GListModel *lists[2] = { strata_track_get_clips (track), strata_track_get_takes (track) };
      for (guint l = 0; l < 2; l++)
        for (guint c = 0; c < g_list_model_get_n_items (lists[l]); c++)
          {
            g_autoptr(StrataClip) clip = g_list_model_get_item (lists[l], c);
            if (!g_object_get_data (G_OBJECT (clip), "strata-play-new"))
              continue;
            json_builder_begin_object (b);
            json_builder_set_member_name (b, "track");
            json_builder_add_string_value (b, strata_strip_get_id (STRATA_STRIP (track)));
            json_builder_set_member_name (b, "media");
            json_builder_add_string_value (b, strata_source_get_id (strata_clip_get_source (clip)));
            json_builder_set_member_name (b, "start");
            json_builder_add_int_value (b, strata_clip_get_start (clip));
            json_builder_set_member_name (b, "source_start");
            json_builder_add_int_value (b, strata_clip_get_source_start (clip));
            json_builder_set_member_name (b, "length");
            json_builder_add_int_value (b, strata_clip_get_length (clip));
            json_builder_set_member_name (b, "active");
            json_builder_add_boolean_value (b, l == 0);
            json_builder_end_object (b);
          }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Flags every clip and take of the armed tracks; called before recording and again after, the
 * second call flips the flags, so that only the new takes end up flagged for the report. */
static void
flip_marks (GPtrArray *armed)
{
  for (guint i = 0; i < armed->len; i++)
    {
      GListModel *lists[2] = { strata_track_get_clips (armed->pdata[i]),
                               strata_track_get_takes (armed->pdata[i]) };
      for (guint l = 0; l < 2; l++)
        for (guint c = 0; c < g_list_model_get_n_items (lists[l]); c++)
          {
            g_autoptr(GObject) clip = g_list_model_get_item (lists[l], c);
            gboolean old = g_object_get_data (clip, "strata-play-new") != NULL;
            g_object_set_data (clip, "strata-play-new", GINT_TO_POINTER (!old));
          }
    }
}

int
main (int argc, char *argv[])
{
  g_autofree char *from = NULL, *to = NULL, *record = NULL, *punch_in = NULL;
  g_autofree char *punch_out = NULL, *input_device = NULL, *output_device = NULL;
  g_autofree char *output = NULL, *report_path = NULL, *dummy_file = NULL, *last_error = NULL;
  g_auto(GStrv) args = NULL;
  gboolean loop = FALSE, save = FALSE, recover = FALSE, dummy_loopback = FALSE;
  gboolean list_devices = FALSE, measure = FALSE;
  gint passes = 1, period = 0;
  gint64 calibration = 0;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Start here (frames, bars|beats, or time)"), N_("POS") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Stop here (default: the end of the project)"), N_("POS") },
    { "loop", 0, 0, G_OPTION_ARG_NONE, &loop, N_("Loop the range"), NULL },
    { "passes", 0, 0, G_OPTION_ARG_INT, &passes, N_("Loop passes to play (default 1)"), N_("N") },
    { "record", 0, 0, G_OPTION_ARG_STRING, &record, N_("Arm these tracks and record while playing"), N_("TRACK[,TRACK]") },
    { "punch-in", 0, 0, G_OPTION_ARG_STRING, &punch_in, N_("Keep recorded audio from here"), N_("POS") },
    { "punch-out", 0, 0, G_OPTION_ARG_STRING, &punch_out, N_("…until here"), N_("POS") },
    { "input-device", 0, 0, G_OPTION_ARG_STRING, &input_device, N_("A PipeWire node (a sink's monitor is allowed) or GStreamer device"), N_("NAME") },
    { "output-device", 0, 0, G_OPTION_ARG_STRING, &output_device, N_("A PipeWire node or GStreamer device"), N_("NAME") },
    { "period", 0, 0, G_OPTION_ARG_INT, &period, N_("Frames per period (default: the server's)"), N_("N") },
    { "latency-offset", 0, 0, G_OPTION_ARG_INT64, &calibration, N_("Calibration added to the reported round trip"), N_("FRAMES") },
    { "save", 0, 0, G_OPTION_ARG_NONE, &save, N_("Save the project with the new takes"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Save to this file instead"), N_("FILE") },
    { "recover", 0, 0, G_OPTION_ARG_NONE, &recover, N_("Add takes a crash left in the media folder"), NULL },
    { "measure-latency", 0, 0, G_OPTION_ARG_NONE, &measure, N_("Play a click through a loopback, print the calibration offset and exit"), NULL },
    { "list-devices", 0, 0, G_OPTION_ARG_NONE, &list_devices, N_("List the PipeWire and GStreamer audio devices and exit"), NULL },
    { "report", 0, 0, G_OPTION_ARG_FILENAME, &report_path, N_("Write a JSON report (- for standard output)"), N_("FILE|-") },
    { "dummy-output", 0, 0, G_OPTION_ARG_FILENAME, &dummy_file, N_("Dummy backend: write what plays to this WAV"), N_("FILE") },
    { "dummy-loopback", 0, 0, G_OPTION_ARG_NONE, &dummy_loopback, N_("Dummy backend: record what plays, one period late"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, N_("PROJECT") },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataEngine) engine = NULL;
  g_autoptr(GPtrArray) armed = g_ptr_array_new ();
  g_autofree char *message = NULL;
  StrataEngineOptions options = { STRATA_BACKEND_PIPEWIRE };
  const char *env_backend = g_getenv ("STRATA_AUDIO_BACKEND");
  gint64 start = 0, end = -1, in = -1, out = -1, loop_start, loop_end;
  gboolean loop_on;
  const char *save_path;
  int status = 0;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Plays a Strata project and records overdubs, without a window."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (2, error->message);
  if (list_devices)
    {
      GPtrArray *(*listers[]) (GError **) = { strata_backend_pipewire_devices,
                                              strata_backend_gstreamer_devices };
      const char *names[] = { "PipeWire", "GStreamer" };
      for (guint b = 0; b < 2; b++)
        {
          g_autoptr(GPtrArray) devices = listers[b] (&error);
          if (devices == NULL)
            {
              g_print ("%s: %s\n", names[b], error->message);
              g_clear_error (&error);
              continue;
            }
          for (guint i = 0; i < devices->len; i++)
            {
              StrataAudioDevice *d = devices->pdata[i];
              g_print ("%s\t%s%s\t%s\t%s\n", names[b], d->input ? "in" : "",
                       d->output ? (d->input ? "+out" : "out") : "", d->name, d->description);
            }
        }
      return 0;
    }
  if (args == NULL || g_strv_length (args) != 1)
    return fail (2, _("give exactly one PROJECT (.strata or .json)"));
  if (passes < 1)
    return fail (2, _("--passes must be at least 1"));
  if (env_backend != NULL && *env_backend != '\0'
      && !strata_backend_kind_parse (env_backend, &options.backend))
    {
      message = g_strdup_printf (_("STRATA_AUDIO_BACKEND=%s: use pipewire, gstreamer or dummy"),
                                 env_backend);
      return fail (2, message);
    }
  save_path = output ? output : (save ? args[0] : NULL);
  if (save && output == NULL && g_str_has_suffix (args[0], ".json"))
    return fail (2, _("--save on a .json project needs -o FILE.strata"));
  /* Known before anything plays or records: a take must not wait on a bad file name. */
  if (output && !g_str_has_suffix (output, ".strata") && !g_str_has_suffix (output, ".json"))
    return fail (2, _("-o: the project file must end in .strata or .json"));

  project = strata_cli_load_project (args[0], &error);
  if (project == NULL)
    return fail (1, error->message);
  if (recover)
    {
      g_autoptr(GPtrArray) recovered = NULL;
      gboolean ok = strata_recorder_recover_takes (project, STRATA_RECOVER_DEFAULT, &recovered,
                                                   &error);

      for (guint i = 0; i < recovered->len; i++)
        {
          StrataRecoveredTake *take = recovered->pdata[i];
          g_print (_("recovered a take of %lld frames on track '%s' from %s\n"),
                   (long long) strata_clip_get_length (take->clip),
                   strata_strip_get_name (STRATA_STRIP (take->track)), take->path);
        }
      if (!ok)
        return fail (1, error->message);
    }

  if ((from && !strata_cli_parse_position (project, "from", from, &start, &message))
      || (to && !strata_cli_parse_position (project, "to", to, &end, &message))
      || (punch_in && !strata_cli_parse_position (project, "punch-in", punch_in, &in, &message))
      || (punch_out && !strata_cli_parse_position (project, "punch-out", punch_out, &out, &message)))
    return fail (2, message);
  if (end < 0)
    {
      gint64 s;
      g_autoptr(StrataGraph) graph = strata_graph_compile (project, &error);
      if (graph == NULL)
        return fail (1, error->message);
      strata_graph_default_range (graph, &s, &end);
    }
  if (end <= start)
    return fail (2, _("nothing to play: --to must come after --from"));
  if ((punch_in != NULL) != (punch_out != NULL) || (punch_in && out <= in))
    return fail (2, _("give both --punch-in and --punch-out, in order"));
  if (punch_in && record == NULL)
    return fail (2, _("--punch-in goes with --record"));
  if (punch_in)
    strata_undo_stack_push (strata_project_get_undo_stack (project),
                            strata_commands_set_punch (project, in, out, TRUE, NULL));

  engine = strata_engine_new ();
  g_signal_connect (engine, "message", G_CALLBACK (on_message), NULL);
  g_signal_connect (engine, "error", G_CALLBACK (on_error), &last_error);
  if (!strata_engine_set_project (engine, project, &error))
    return fail (1, error->message);

  if (record)
    {
      g_auto(GStrv) names = g_strsplit (record, ",", -1);
      for (guint i = 0; names[i]; i++)
        {
          StrataTrack *track = find_track (project, g_strstrip (names[i]));
          if (track == NULL)
            {
              message = g_strdup_printf (_("--record: no track with id or name '%s'"), names[i]);
              return fail (2, message);
            }
          if (!strata_engine_arm (engine, track, TRUE, &error))
            return fail (1, error->message);
          g_ptr_array_add (armed, track);
        }
      flip_marks (armed);
    }

  options.config.rate = strata_project_get_sample_rate (project);
  options.config.period = (guint) MAX (period, 0);
  options.config.output_device = output_device;
  options.config.input_device = input_device;
  options.config.capture = record != NULL || input_device != NULL || measure;
  options.config.dummy_file = dummy_file;
  options.config.dummy_loopback = dummy_loopback;
  if (!strata_engine_start (engine, &options, &error))
    {
      message = g_strdup_printf (_("no audio: %s"), error->message);
      return fail (1, message);
    }
  strata_engine_set_calibration (engine, calibration);
  if (measure)
    {
      gint64 offset;
      if (!strata_engine_measure_latency (engine, &offset, &error))
        return fail (1, error->message);
      g_print (_("round trip %lld frames, calibration offset %lld frames "
                 "(use --latency-offset=%lld)\n"),
               (long long) (strata_engine_get_round_trip (engine) - calibration + offset),
               (long long) offset, (long long) offset);
      return 0;
    }

  loop_on = loop;
  loop_start = start;
  loop_end = end;
  strata_engine_set_loop (engine, loop_on, loop_start, loop_end);
  strata_engine_locate (engine, start);
  strata_engine_set_stop_at (engine, loop ? -1 : end, loop ? (guint) passes : 0);
  g_unix_signal_add (SIGINT, on_signal, NULL);
  g_unix_signal_add (SIGTERM, on_signal, NULL);

  if (record)
    {
      if (!strata_engine_record (engine, &error))
        return fail (1, error->message);
    }
  else
    strata_engine_play (engine);

  while (!interrupted && !strata_engine_wait_stopped (engine, 100))
    if (strata_engine_get_backend_name (engine) == NULL)
      break;
  if (interrupted)
    strata_engine_stop (engine);
  if (record)
    strata_engine_finish_recording (engine, NULL);
  if (last_error != NULL)
    status = 1;

  if (record)
    flip_marks (armed);
  if (report_path)
    {
      g_autoptr(JsonNode) node = report_json (engine, armed);
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      json_generator_set_pretty (gen, TRUE);
      json_generator_set_root (gen, node);
      if (g_str_equal (report_path, "-"))
        {
          g_autofree char *text = json_generator_to_data (gen, NULL);
          g_print ("%s\n", text);
        }
      else if (!json_generator_to_file (gen, report_path, &error))
        return fail (1, error->message);
    }
  strata_engine_shutdown (engine);

  if (save_path != NULL)
    {
      if (!strata_cli_save_project (project, save_path, &error))
        return fail (1, error->message);
    }
  return status;
}
