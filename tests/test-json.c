/* test-json.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The JSON interchange format against docs/project-format.md. Every expected frame is worked
 * out here from the format's definition (seconds per beat = 60 / bpm, 960 ticks per beat, the
 * exact rational frame rounded half up; resampled media keeps round (frames * rate /
 * file_rate)), never taken from the code under test. Media are small WAVs written with
 * libsndfile into a temporary folder that is removed at the end.
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#include "strata-files.h"
#include "strata-error.h"
#include "strata-json.h"
#include "strata-project.h"
#include "strata-store.h"
#include "strata-test-tempo.h"

/* The folder every test works in: audio/ with the media of full.json, and full.json itself. */
static char *work_dir;

/* --- reference model (positions: strata-test-tempo.h) --------------------------------------- */

/* full.json's tempo map: 120 bpm 4/4, then 90 bpm 3/4 from bar 17. */
static const RefSegment full_map[] = { { 1, 120, 4 }, { 17, 90, 3 } };

static gint64
full_at (gint32 bar, gint32 beat, gint32 tick)
{
  return ref_frame (48000, full_map, G_N_ELEMENTS (full_map), bar, beat, tick);
}

/* round (frames * to / from), half up. */
static gint64
ref_resampled (gint64 frames, guint to, guint from)
{
  return (gint64) (((I128) 2 * frames * to + from) / ((I128) 2 * from));
}

/* The media of full.json. */
#define KICK_FRAMES   48000      /* mono, 48 kHz */
#define PAD_FRAMES    240000     /* stereo, 48 kHz */
#define LOOP_FRAMES   30005      /* stereo, 44.1 kHz: 32658.503 frames at 48 kHz */

/* --- helpers ------------------------------------------------------------------------------- */

static void
write_wav (const char *path, guint rate, guint channels, gint64 frames)
{
  SF_INFO info = { .samplerate = (int) rate, .channels = (int) channels,
                   .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
  SNDFILE *sf = sf_open (path, SFM_WRITE, &info);
  g_autofree short *data = g_new (short, frames * channels);

  g_assert_nonnull (sf);
  for (gint64 i = 0; i < frames * channels; i++)
    data[i] = (short) ((i * 37) % 20000 - 10000);
  g_assert_cmpint (sf_writef_short (sf, data, frames), ==, frames);
  g_assert_cmpint (sf_close (sf), ==, 0);
}

static char *
read_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "json", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static char *
work_path (const char *name)
{
  return g_build_filename (work_dir, name, NULL);
}

static StrataProject *
load_text (const char *text, const char *base_dir, GError **error)
{
  return strata_json_load_data (text, -1, base_dir ? base_dir : work_dir, error);
}

static StrataProject *
load_ok (const char *text, const char *base_dir)
{
  g_autoptr(GError) error = NULL;
  StrataProject *project = load_text (text, base_dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

static StrataProject *
load_fixture (const char *name)
{
  g_autofree char *text = read_fixture (name);
  return load_ok (text, NULL);
}

/* An edit of a JSON document: the member at `path` ("tracks[2].clips[0].start") becomes
 * `value` (JSON text), or is removed when `value` is NULL. */
typedef struct
{
  const char *path;
  const char *value;
} Edit;

static JsonNode *
parse_value (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *wrapped = g_strdup_printf ("[%s]", text);
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  json_parser_load_from_data (parser, wrapped, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  return json_node_copy (json_array_get_element (array, 0));
}

static void
apply_edit (JsonNode *root, const Edit *edit)
{
  g_auto(GStrv) steps = g_strsplit (edit->path, ".", -1);
  JsonNode *node = root;
  guint n = g_strv_length (steps);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup (steps[i]);
      char *bracket = strchr (key, '[');
      char *indices = bracket ? g_strdup (bracket) : NULL;
      JsonObject *object;

      if (bracket)
        *bracket = '\0';
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      object = json_node_get_object (node);
      if (i + 1 == n && indices == NULL)
        {
          if (edit->value == NULL)
            {
              g_assert_true (json_object_has_member (object, key));
              json_object_remove_member (object, key);
            }
          else
            json_object_set_member (object, key, parse_value (edit->value));
          return;
        }
      node = json_object_get_member (object, key);
      g_assert_nonnull (node);
      for (char *p = indices; p && *p == '['; p = strchr (p, ']') + 1)
        {
          guint index = (guint) strtoul (p + 1, NULL, 10);
          g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
          g_assert_cmpuint (index, <, json_array_get_length (json_node_get_array (node)));
          node = json_array_get_element (json_node_get_array (node), index);
        }
      g_free (indices);
    }
  g_assert_not_reached ();
}

/* full.json with the edits applied, as text. */
static char *
edited_full (const Edit *edits, guint n_edits)
{
  g_autofree char *text = read_fixture ("full.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_edits && edits[i].path; i++)
    apply_edit (json_parser_get_root (parser), &edits[i]);
  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

/* The error names `where` first, then the problem; `contains` (if any) appears in it. */
static void
assert_error (GError *error, int code, const char *where, const char *contains)
{
  g_autofree char *prefix = g_strconcat (where, ": ", NULL);
  g_autofree char *head = NULL;

  g_assert_nonnull (error);
  g_test_message ("message: %s", error->message);
  head = g_strndup (error->message, strlen (prefix));
  g_assert_cmpstr (head, ==, prefix);
  if (contains && strstr (error->message, contains) == NULL)
    {
      g_test_message ("'%s' does not appear in the message", contains);
      g_assert_cmpstr (error->message, ==, contains);
    }
  g_assert_error (error, STRATA_ERROR, code);
}

static StrataTrack *
track_at (StrataProject *project, guint i)
{
  GListModel *tracks = strata_timeline_get_tracks (strata_project_get_timeline (project));
  g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, i);
  g_assert_nonnull (track);
  return track;   /* the timeline holds it */
}

static StrataStrip *
bus_at (StrataProject *project, guint i)
{
  g_autoptr(StrataStrip) bus = g_list_model_get_item (strata_project_get_buses (project), i);
  g_assert_nonnull (bus);
  return bus;
}

static StrataClip *
clip_at (StrataTrack *track, guint i)
{
  g_autoptr(StrataClip) clip = g_list_model_get_item (strata_track_get_clips (track), i);
  g_assert_nonnull (clip);
  return clip;
}

static StrataAutomationLane *
lane_at (StrataStrip *strip, guint i)
{
  g_autoptr(StrataAutomationLane) lane = g_list_model_get_item (strata_strip_get_automation (strip),
                                                                i);
  g_assert_nonnull (lane);
  return lane;
}

static void
assert_points (StrataAutomationLane *lane, const char *param, guint n_expected,
               const gint64 *frames, const double *values)
{
  const StrataAutomationPoint *points;
  guint n;

  g_assert_cmpstr (strata_automation_lane_get_param (lane), ==, param);
  points = strata_automation_lane_get_points (lane, &n);
  g_assert_cmpuint (n, ==, n_expected);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (points[i].frame, ==, frames[i]);
      g_assert_cmpfloat (points[i].value, ==, values[i]);
    }
}

static void
assert_send (StrataStrip *strip, guint i, const char *bus, double level, gboolean pre)
{
  g_autoptr(StrataSend) send = g_list_model_get_item (strata_strip_get_sends (strip), i);

  g_assert_nonnull (send);
  g_assert_cmpstr (strata_send_get_bus (send), ==, bus);
  if (isinf (level))
    g_assert_true (isinf (strata_send_get_level_db (send))
                   && strata_send_get_level_db (send) < 0);
  else
    g_assert_cmpfloat (strata_send_get_level_db (send), ==, level);
  g_assert_cmpint (strata_send_get_pre_fader (send), ==, pre);
}

static StrataInsert *
insert_at (StrataStrip *strip, guint i)
{
  g_autoptr(StrataInsert) insert = g_list_model_get_item (strata_strip_get_inserts (strip), i);
  g_assert_nonnull (insert);
  return insert;
}

static double
param_double (StrataInsert *insert, const char *name)
{
  double value = NAN;
  g_assert_true (g_variant_lookup (strata_insert_get_params (insert), name, "d", &value));
  return value;
}

static void
assert_clip (StrataClip *clip, const char *media, gint64 start, gint64 source_start,
             gint64 length)
{
  g_assert_cmpstr (strata_source_get_id (strata_clip_get_source (clip)), ==, media);
  g_assert_cmpint (strata_clip_get_start (clip), ==, start);
  g_assert_cmpint (strata_clip_get_source_start (clip), ==, source_start);
  g_assert_cmpint (strata_clip_get_length (clip), ==, length);
  g_assert_cmpint (strata_clip_get_end (clip), ==, start + length);
}

static void
assert_minus_inf (double v)
{
  g_assert_true (isinf (v));
  g_assert_cmpfloat (v, <, 0);
}

/* Everything full.json says, checked on a project loaded from it or from what it became. */
static void
check_full_project (StrataProject *p, gboolean paths_as_written)
{
  StrataTimeline *timeline = strata_project_get_timeline (p);
  StrataTempoMap *map = strata_timeline_get_tempo_map (timeline);
  GListModel *markers = strata_timeline_get_markers (timeline);
  GListModel *sources = strata_project_get_sources (p);
  const StrataTempoSegment *seg;
  gint64 start, end;
  gboolean enabled;

  g_assert_cmpstr (strata_project_get_name (p), ==, "Demo");
  g_assert_cmpuint (strata_project_get_sample_rate (p), ==, 48000);

  /* Tempo map */
  g_assert_cmpuint (strata_tempo_map_get_n_segments (map), ==, 2);
  seg = strata_tempo_map_get_segment (map, 0);
  g_assert_cmpint (seg->bar, ==, 1);
  g_assert_cmpfloat (seg->bpm, ==, 120.0);
  g_assert_cmpuint (seg->numerator, ==, 4);
  g_assert_cmpuint (seg->denominator, ==, 4);
  g_assert_cmpint (seg->frame, ==, 0);
  seg = strata_tempo_map_get_segment (map, 1);
  g_assert_cmpint (seg->bar, ==, 17);
  g_assert_cmpfloat (seg->bpm, ==, 90.0);
  g_assert_cmpuint (seg->numerator, ==, 3);
  g_assert_cmpuint (seg->denominator, ==, 4);
  g_assert_cmpint (seg->frame, ==, full_at (17, 1, 0));
  /* 16 bars of 4 beats at 120 bpm = 32 s */
  g_assert_cmpint (full_at (17, 1, 0), ==, 16 * 4 * 48000 / 2);

  /* Markers come sorted by position. */
  g_assert_cmpuint (g_list_model_get_n_items (markers), ==, 3);
  {
    const char *names[] = { "", "Chorus", "Bridge" };
    gint64 frames[] = { 1000, full_at (9, 1, 0), full_at (18, 3, 959) };

    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(StrataMarker) m = g_list_model_get_item (markers, i);
        g_assert_cmpstr (strata_marker_get_name (m) ? strata_marker_get_name (m) : "", ==,
                         names[i]);
        g_assert_cmpint (strata_marker_get_frame (m), ==, frames[i]);
      }
    /* 18.3.959 is 1536000 + 96000 + 2 * 32000 + 959 * 100 / 3 = 1727966.67 */
    g_assert_cmpint (frames[2], ==, 1727967);
  }

  strata_timeline_get_loop (timeline, &start, &end, &enabled);
  g_assert_cmpint (start, ==, full_at (5, 1, 0));
  g_assert_cmpint (end, ==, full_at (9, 1, 0));
  g_assert_true (enabled);

  /* Media */
  g_assert_cmpuint (g_list_model_get_n_items (sources), ==, 3);
  {
    const char *ids[] = { "kick", "pad", "loop" };
    const char *names[] = { "kick", "Warm pad", "loop" };
    const char *files[] = { "kick.wav", "pad.wav", "loop44.wav" };
    guint channels[] = { 1, 2, 2 };
    gint64 frames[] = { KICK_FRAMES, PAD_FRAMES, ref_resampled (LOOP_FRAMES, 48000, 44100) };

    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(StrataSource) s = g_list_model_get_item (sources, i);
        g_autofree char *rel = g_build_filename ("audio", files[i], NULL);
        g_autofree char *abs = g_build_filename (work_dir, "audio", files[i], NULL);
        g_autofree char *real = realpath (abs, NULL);

        g_assert_cmpstr (strata_source_get_id (s), ==, ids[i]);
        g_assert_cmpstr (strata_source_get_name (s), ==, names[i]);
        if (paths_as_written)
          g_assert_cmpstr (strata_source_get_path (s), ==, rel);
        g_assert_cmpstr (strata_source_get_file_path (s), ==, real);
        g_assert_cmpuint (strata_source_get_channels (s), ==, channels[i]);
        g_assert_cmpint (strata_source_get_frames (s), ==, frames[i]);
      }
    /* 30005 * 48000 / 44100 = 32658.503: rounded, not truncated */
    g_assert_cmpint (frames[2], ==, 32659);
  }

  /* Buses, in the order listed: drums -> group -> master. */
  g_assert_cmpuint (g_list_model_get_n_items (strata_project_get_buses (p)), ==, 3);
  {
    StrataStrip *drums = bus_at (p, 0), *verb = bus_at (p, 1), *group = bus_at (p, 2);
    StrataInsert *comp = insert_at (drums, 0);
    gint64 frames[] = { 0, full_at (2, 1, 0) };
    double values[] = { -18.0, -24.0 };

    g_assert_cmpstr (strata_strip_get_id (drums), ==, "drums");
    g_assert_cmpstr (strata_strip_get_name (drums), ==, "Drums");
    g_assert_cmpstr (strata_strip_get_color (drums), ==, "#3584e4");
    g_assert_cmpfloat (strata_strip_get_volume_db (drums), ==, -2.5);
    g_assert_cmpstr (strata_strip_get_output (drums), ==, "group");
    g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_inserts (drums)), ==, 1);
    g_assert_cmpstr (strata_insert_get_kind (comp), ==, "compressor");
    g_assert_true (strata_insert_get_bypass (comp));
    g_assert_cmpfloat (param_double (comp, "threshold_db"), ==, -18.0);
    g_assert_cmpfloat (param_double (comp, "ratio"), ==, 4.0);
    g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_sends (drums)), ==, 1);
    assert_send (drums, 0, "verb", -20.0, TRUE);
    g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_automation (drums)), ==, 1);
    assert_points (lane_at (drums, 0), "inserts[0].threshold_db", 2, frames, values);
    g_assert_true (strata_automation_lane_get_enabled (lane_at (drums, 0)));

    /* Defaults: name = id, volume 0 dB, output master, lists empty. */
    g_assert_cmpstr (strata_strip_get_id (verb), ==, "verb");
    g_assert_cmpstr (strata_strip_get_name (verb), ==, "verb");
    g_assert_null (strata_strip_get_color (verb));
    g_assert_cmpfloat (strata_strip_get_volume_db (verb), ==, 0.0);
    g_assert_cmpfloat (strata_strip_get_pan (verb), ==, 0.25);
    g_assert_true (strata_strip_get_mute (verb));
    g_assert_true (strata_strip_get_solo (verb));
    g_assert_cmpstr (strata_strip_get_output (verb), ==, "master");
    g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_inserts (verb)), ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_sends (verb)), ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_automation (verb)), ==, 0);

    g_assert_cmpstr (strata_strip_get_name (group), ==, "Group");
    assert_minus_inf (strata_strip_get_volume_db (group));
    g_assert_cmpstr (strata_strip_get_output (group), ==, "master");
    g_assert_false (strata_strip_get_mute (group));
  }

  /* Tracks */
  g_assert_cmpuint (g_list_model_get_n_items (strata_timeline_get_tracks (timeline)), ==, 4);
  {
    StrataTrack *t1 = track_at (p, 0);
    StrataStrip *s1 = STRATA_STRIP (t1);
    StrataInsert *eq = insert_at (s1, 0);
    gint64 vol_frames[] = { 0, full_at (5, 1, 0) };
    double vol_values[] = { -60.0, 0.0 };
    gint64 pan_frames[] = { 0, 192000 };
    double pan_values[] = { -1.0, 1.0 };
    gint64 mute_frames[] = { full_at (9, 1, 0), full_at (9, 1, 0), full_at (18, 1, 0) };
    double mute_values[] = { 1.0, 0.0, 1.0 };
    gint64 ins_frames[] = { full_at (17, 1, 0) };
    double ins_values[] = { -2.25 };

    g_assert_cmpstr (strata_strip_get_id (s1), ==, "t1");
    g_assert_cmpstr (strata_strip_get_name (s1), ==, "Kick");
    g_assert_cmpstr (strata_strip_get_color (s1), ==, "#e01b24");
    g_assert_cmpuint (strata_track_get_channels (t1), ==, 1);
    g_assert_cmpfloat (strata_strip_get_volume_db (s1), ==, -3.0);
    g_assert_cmpfloat (strata_strip_get_pan (s1), ==, -0.5);
    g_assert_false (strata_strip_get_mute (s1));
    g_assert_true (strata_strip_get_solo (s1));
    g_assert_cmpstr (strata_strip_get_output (s1), ==, "drums");
    g_assert_cmpstr (strata_insert_get_kind (eq), ==, "eq");
    g_assert_false (strata_insert_get_bypass (eq));
    g_assert_cmpfloat (param_double (eq, "b1_gain_db"), ==, 3.5);
    {
      const char *type = NULL;
      /* A choice is stored by name. */
      g_assert_true (g_variant_lookup (strata_insert_get_params (eq), "b1_type", "&s", &type));
      g_assert_cmpstr (type, ==, "peak");
    }
    g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_sends (s1)), ==, 2);
    assert_send (s1, 0, "verb", -12.0, FALSE);
    assert_send (s1, 1, "group", -INFINITY, TRUE);

    g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (t1)), ==, 2);
    /* "3.1.0" at 120 bpm 4/4 48 kHz: two bars of two seconds */
    g_assert_cmpint (full_at (3, 1, 0), ==, 192000);
    assert_clip (clip_at (t1, 0), "kick", full_at (3, 1, 0), 0, 24000);
    g_assert_cmpfloat (strata_clip_get_gain_db (clip_at (t1, 0)), ==, -1.5);
    g_assert_cmpint (strata_clip_get_fade_in (clip_at (t1, 0)), ==, 480);
    g_assert_cmpint (strata_clip_get_fade_out (clip_at (t1, 0)), ==, 4800);
    g_assert_false (strata_clip_get_mute (clip_at (t1, 0)));
    /* "17.2.1": 32 s + one beat at 90 bpm (2/3 s) + one tick (1/1440 s) = 1568033.33 */
    g_assert_cmpint (full_at (17, 2, 1), ==, 1568033);
    assert_clip (clip_at (t1, 1), "kick", full_at (17, 2, 1), 12000, 12000);
    g_assert_cmpfloat (strata_clip_get_gain_db (clip_at (t1, 1)), ==, 0.0);
    g_assert_cmpint (strata_clip_get_fade_in (clip_at (t1, 1)), ==, 0);
    g_assert_cmpint (strata_clip_get_fade_out (clip_at (t1, 1)), ==, 0);
    g_assert_true (strata_clip_get_mute (clip_at (t1, 1)));

    g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_automation (s1)), ==, 4);
    assert_points (lane_at (s1, 0), "volume_db", 2, vol_frames, vol_values);
    assert_points (lane_at (s1, 1), "pan", 2, pan_frames, pan_values);
    assert_points (lane_at (s1, 2), "mute", 3, mute_frames, mute_values);
    assert_points (lane_at (s1, 3), "inserts[0].b1_gain_db", 1, ins_frames, ins_values);
    g_assert_true (strata_automation_lane_is_stepped (lane_at (s1, 2)));
  }
  {
    /* Only an id and a clip: everything else defaults, length is the rest of the source and
     * the channels come from the clip's media. */
    StrataTrack *t2 = track_at (p, 1);
    StrataStrip *s2 = STRATA_STRIP (t2);
    StrataClip *clip;

    g_assert_cmpstr (strata_strip_get_name (s2), ==, "t2");
    g_assert_null (strata_strip_get_color (s2));
    g_assert_cmpuint (strata_track_get_channels (t2), ==, 2);
    g_assert_cmpfloat (strata_strip_get_volume_db (s2), ==, 0.0);
    g_assert_cmpfloat (strata_strip_get_pan (s2), ==, 0.0);
    g_assert_false (strata_strip_get_mute (s2));
    g_assert_false (strata_strip_get_solo (s2));
    g_assert_cmpstr (strata_strip_get_output (s2), ==, "master");
    g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_inserts (s2)), ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_sends (s2)), ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_automation (s2)), ==, 0);
    g_assert_false (strata_track_get_record_arm (t2));
    g_assert_cmpint (strata_track_get_monitoring (t2), ==, STRATA_MONITORING_AUTO);
    g_assert_null (strata_track_get_input (t2));
    clip = clip_at (t2, 0);
    /* "18.2.1": 32 s + a 3/4 bar (2 s) + a beat + a tick = 1664033.33 */
    g_assert_cmpint (full_at (18, 2, 1), ==, 1664033);
    assert_clip (clip, "pad", full_at (18, 2, 1), 48000, PAD_FRAMES - 48000);
    g_assert_cmpfloat (strata_clip_get_gain_db (clip), ==, 0.0);
    g_assert_cmpint (strata_clip_get_fade_in (clip), ==, 0);
    g_assert_cmpint (strata_clip_get_fade_out (clip), ==, 0);
    g_assert_false (strata_clip_get_mute (clip));
  }
  {
    /* The first *listed* clip (mono kick) gives the channels, not the first in time. */
    StrataTrack *t3 = track_at (p, 2);

    g_assert_cmpuint (strata_track_get_channels (t3), ==, 1);
    g_assert_cmpstr (strata_strip_get_output (STRATA_STRIP (t3)), ==, "group");
    g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (t3)), ==, 2);
    assert_clip (clip_at (t3, 0), "loop", 0, 0, ref_resampled (LOOP_FRAMES, 48000, 44100));
    assert_clip (clip_at (t3, 1), "kick", full_at (20, 1, 0), 0, 4800);
    g_assert_cmpint (full_at (20, 1, 0), ==, 1536000 + 3 * 96000);
  }
  {
    StrataTrack *t4 = track_at (p, 3);

    g_assert_cmpuint (strata_track_get_channels (t4), ==, 2);
    g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (t4)), ==, 0);
    assert_minus_inf (strata_strip_get_volume_db (STRATA_STRIP (t4)));
  }
  {
    StrataStrip *master = STRATA_STRIP (strata_project_get_master (p));
    StrataInsert *limiter = insert_at (master, 0);
    gint64 frames[] = { 0, full_at (33, 1, 0) };
    double values[] = { 0.0, -6.0 };

    g_assert_cmpfloat (strata_strip_get_volume_db (master), ==, -1.0);
    g_assert_cmpstr (strata_insert_get_kind (limiter), ==, "limiter");
    g_assert_false (strata_insert_get_bypass (limiter));
    g_assert_cmpfloat (param_double (limiter, "ceiling_db"), ==, -1.0);
    assert_points (lane_at (master, 0), "volume_db", 2, frames, values);
    g_assert_cmpint (full_at (33, 1, 0), ==, 2 * 1536000);
  }
}

/* --- loading ------------------------------------------------------------------------------- */

static void
test_reference (void)
{
  /* The reference itself, against numbers worked out by hand. */
  static const RefSegment r44[] = { { 1, 120, 4 }, { 3, 100, 6 } };

  g_assert_cmpint (full_at (1, 1, 0), ==, 0);
  g_assert_cmpint (full_at (2, 1, 0), ==, 96000);
  g_assert_cmpint (full_at (1, 1, 1), ==, 25);
  /* 44.1 kHz, 120 bpm: a tick is 22.96875 frames; 16 ticks are 367.5, rounded up */
  g_assert_cmpint (ref_frame (44100, r44, 2, 1, 1, 16), ==, 368);
  /* at 100 bpm a tick is 27.5625 frames: 176400 + 26460 + 8 * 27.5625 = 203080.5 */
  g_assert_cmpint (ref_frame (44100, r44, 2, 3, 2, 8), ==, 203081);
  g_assert_cmpint (ref_resampled (30005, 48000, 44100), ==, 32659);
  g_assert_cmpint (ref_resampled (44100, 48000, 44100), ==, 48000);
}

static void
test_load_full (void)
{
  g_autoptr(StrataProject) p = load_fixture ("full.json");

  check_full_project (p, TRUE);
  g_assert_true (strata_project_validate (p, NULL));
}

static void
test_load_defaults (void)
{
  g_autoptr(StrataProject) p = load_fixture ("minimal.json");
  StrataTempoMap *map = strata_timeline_get_tempo_map (strata_project_get_timeline (p));
  const StrataTempoSegment *seg;
  StrataTrack *track = track_at (p, 0);
  StrataStrip *strip = STRATA_STRIP (track);
  StrataStrip *bus = bus_at (p, 0);
  GListModel *markers = strata_timeline_get_markers (strata_project_get_timeline (p));

  g_assert_cmpuint (strata_tempo_map_get_n_segments (map), ==, 1);
  seg = strata_tempo_map_get_segment (map, 0);
  g_assert_cmpuint (seg->numerator, ==, 4);
  g_assert_cmpuint (seg->denominator, ==, 4);
  g_assert_cmpfloat (seg->bpm, ==, 120.0);
  g_assert_cmpuint (g_list_model_get_n_items (markers), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (strata_project_get_sources (p)), ==, 0);

  g_assert_cmpstr (strata_strip_get_name (strip), ==, "a");
  g_assert_cmpuint (strata_track_get_channels (track), ==, 2);
  g_assert_cmpfloat (strata_strip_get_volume_db (strip), ==, 0.0);
  g_assert_cmpfloat (strata_strip_get_pan (strip), ==, 0.0);
  g_assert_false (strata_strip_get_mute (strip));
  g_assert_false (strata_strip_get_solo (strip));
  g_assert_cmpstr (strata_strip_get_output (strip), ==, "master");
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (track)), ==, 0);

  g_assert_cmpstr (strata_strip_get_name (bus), ==, "b");
  g_assert_cmpfloat (strata_strip_get_volume_db (bus), ==, 0.0);
  g_assert_cmpstr (strata_strip_get_output (bus), ==, "master");

  g_assert_cmpfloat (strata_strip_get_volume_db (STRATA_STRIP (strata_project_get_master (p))),
                     ==, 0.0);
}

/* Musical positions at 44.1 kHz, where ticks are fractions of a frame: half rounds up. */
static void
test_load_rounding (void)
{
  static const RefSegment map[] = { { 1, 120, 4 }, { 3, 100, 6 } };
  static const struct { gint32 bar, beat, tick; } at[] = {
    { 1, 1, 1 }, { 1, 1, 16 }, { 2, 4, 959 }, { 3, 2, 8 }, { 4, 6, 959 },
  };
  g_autoptr(StrataProject) p = load_fixture ("rounding-44100.json");
  StrataTimeline *timeline = strata_project_get_timeline (p);
  GListModel *markers = strata_timeline_get_markers (timeline);
  const StrataTempoSegment *seg;

  seg = strata_tempo_map_get_segment (strata_timeline_get_tempo_map (timeline), 1);
  g_assert_cmpuint (seg->numerator, ==, 6);
  g_assert_cmpuint (seg->denominator, ==, 8);
  g_assert_cmpint (seg->frame, ==, ref_frame (44100, map, 2, 3, 1, 0));

  g_assert_cmpuint (g_list_model_get_n_items (markers), ==, G_N_ELEMENTS (at));
  for (guint i = 0; i < G_N_ELEMENTS (at); i++)
    {
      g_autoptr(StrataMarker) m = g_list_model_get_item (markers, i);
      g_assert_cmpint (strata_marker_get_frame (m), ==,
                       ref_frame (44100, map, 2, at[i].bar, at[i].beat, at[i].tick));
    }
}

/* A segment that starts between two frames: 4 beats at 130 bpm are 81415.38 frames at 44.1 kHz.
 * Positions inside a segment count from its whole-frame start. */
static void
test_load_exact_rational (void)
{
  static const RefSegment map[] = { { 1, 130, 4 }, { 2, 120, 4 } };
  g_autoptr(StrataProject) p =
    load_ok ("{\"format\": \"strata-project\", \"version\": 1, \"sample_rate\": 44100,"
             " \"tempo_map\": [{\"at\": \"1.1.0\", \"bpm\": 130},"
             "               {\"at\": \"2.1.0\", \"bpm\": 120}],"
             " \"markers\": [{\"at\": \"2.1.17\"}]}", NULL);
  GListModel *markers = strata_timeline_get_markers (strata_project_get_timeline (p));
  g_autoptr(StrataMarker) m = g_list_model_get_item (markers, 0);
  gint64 expected = ref_frame (44100, map, 2, 2, 1, 17);

  /* The exact rational frame from the song's start is 81805.85 (81806). Strata starts each
   * tempo segment on a whole frame (its exact start rounded half up: 81415) and resolves
   * positions exactly from there: 81415 + 17 * 22.96875 = 81805.47, so 81805. Exact sums
   * across segments would overflow 128-bit rationals after a handful of tempo changes. */
  g_assert_cmpint (expected, ==, 81806);
  g_assert_cmpint (strata_marker_get_frame (m), ==, 81415 + (17 * 44100 * 60 * 2 + 120 * 960)
                                                          / (2 * 120 * 960));
  g_assert_cmpint (strata_marker_get_frame (m), ==, 81805);
}

/* A frame number is taken as it is; a musical string and its frame give the same clip. */
static void
test_load_frames_equal_positions (void)
{
  Edit edits[] = { { "tracks[0].clips[0].start", "192000" },
                   { "tracks[1].clips[0].start", "1664033" },
                   { "tempo_map[1].at", "1536000" } };
  g_autofree char *text = edited_full (edits, G_N_ELEMENTS (edits));
  g_autoptr(StrataProject) p = load_ok (text, NULL);

  check_full_project (p, TRUE);
}

/* An absolute media path outside the JSON's folder loads and is kept as written. */
static void
test_load_absolute_media (void)
{
  g_autofree char *other = g_dir_make_tmp ("strata-json-abs-XXXXXX", NULL);
  g_autofree char *wav = g_build_filename (other, "hit.wav", NULL);
  g_autofree char *quoted = NULL;
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expect = NULL;
  g_autoptr(StrataProject) p = NULL;
  g_autoptr(StrataSource) source = NULL;
  Edit edit = { "media[0].path", NULL };

  g_assert_nonnull (other);
  write_wav (wav, 48000, 1, KICK_FRAMES);
  quoted = g_strdup_printf ("\"%s\"", wav);
  edit.value = quoted;
  text = edited_full (&edit, 1);
  p = load_ok (text, NULL);
  source = g_list_model_get_item (strata_project_get_sources (p), 0);
  g_assert_cmpstr (strata_source_get_path (source), ==, wav);
  g_assert_cmpint (strata_source_get_frames (source), ==, KICK_FRAMES);
  g_assert_cmpuint (strata_source_get_channels (source), ==, 1);

  out = strata_json_to_data (p, work_dir, NULL);
  expect = g_strdup_printf ("\"path\" : \"%s\"", wav);
  g_assert_nonnull (strstr (out, expect));
  strata_remove_tree (other);
}

/* Values on the edge of their range, and x- keys anywhere, are accepted. */
typedef struct
{
  const char *name;
  Edit        edits[3];
} GoodCase;

static const GoodCase good_cases[] = {
  { "volume-12", { { "tracks[0].volume_db", "12" } } },
  { "volume-144", { { "tracks[0].volume_db", "-144" } } },
  { "pan-edges", { { "tracks[0].pan", "-1" }, { "buses[1].pan", "1.0" } } },
  { "bpm-999", { { "tempo_map[0].bpm", "999" } } },
  { "tick-959", { { "markers[0].at", "\"1.4.959\"" } } },
  { "beat-numerator-3-4", { { "markers[0].at", "\"18.3.0\"" } } },
  { "fades-fill-clip", { { "tracks[0].clips[0].fade_in", "19200" },
                         { "tracks[0].clips[0].fade_out", "4800" } } },
  { "clips-touch", { { "tracks[2].clips[0].start", "32659" } } },
  { "clip-to-end-of-source", { { "tracks[1].clips[0].length", "192000" } } },
  { "x-keys", { { "media[0].x-anything", "null" }, { "tracks[0].clips[0].x-take", "3" },
                { "master.x-meter", "{\"k\": [true]}" } } },
  { "x-keys-deep", { { "tracks[0].sends[0].x-a", "1" },
                     { "tracks[0].automation[0].points[0].x-b", "1" },
                     { "buses[0].inserts[0].x-c", "\"c\"" } } },
  { "x-key-loop", { { "loop.x-colour", "\"red\"" } } },
  { "send-to-later-bus", { { "buses[0].sends[0].bus", "\"group\"" } } },
  { "signature-6-8", { { "tempo_map[1].time_signature", "\"6/8\"" },
                       { "markers[0].at", "\"18.6.0\"" } } },
};

static void
test_good_case (gconstpointer data)
{
  const GoodCase *c = data;
  g_autofree char *text = edited_full (c->edits, G_N_ELEMENTS (c->edits));
  g_autoptr(StrataProject) p = load_ok (text, NULL);

  g_assert_true (STRATA_IS_PROJECT (p));
}

/* --- round trips --------------------------------------------------------------------------- */

static void
test_roundtrip_json (void)
{
  g_autoptr(StrataProject) p1 = load_fixture ("full.json");
  g_autoptr(StrataProject) p2 = NULL;
  g_autoptr(StrataProject) p3 = NULL;
  g_autofree char *d1 = strata_json_to_data (p1, work_dir, NULL);
  g_autofree char *d2 = NULL;
  g_autofree char *d3 = NULL;

  /* What it writes is the format: frames for positions, bars for tempo segments, no x- keys
   * for state the format has a key for. */
  g_assert_nonnull (strstr (d1, "\"format\" : \"strata-project\""));
  g_assert_nonnull (strstr (d1, "\"at\" : \"17.1.0\""));
  g_assert_nonnull (strstr (d1, "\"start\" : 192000"));
  g_assert_nonnull (strstr (d1, "\"path\" : \"audio/kick.wav\""));
  g_assert_null (strstr (d1, "x-"));

  p2 = load_ok (d1, NULL);
  check_full_project (p2, TRUE);
  d2 = strata_json_to_data (p2, work_dir, NULL);
  g_assert_cmpstr (d1, ==, d2);

  /* The same through a file next to the media. */
  {
    g_autofree char *path = work_path ("saved.json");
    g_autoptr(GError) error = NULL;

    g_assert_true (strata_json_save_file (p2, path, &error));
    g_assert_no_error (error);
    p3 = strata_json_load_file (path, &error);
    g_assert_no_error (error);
    check_full_project (p3, TRUE);
    d3 = strata_json_to_data (p3, work_dir, NULL);
    g_assert_cmpstr (d1, ==, d3);
    g_unlink (path);
  }
}

static void
test_roundtrip_store (void)
{
  g_autoptr(StrataProject) p1 = load_fixture ("full.json");
  g_autoptr(StrataProject) p2 = NULL;
  g_autofree char *dir = g_build_filename (work_dir, "store", NULL);
  g_autofree char *path = g_build_filename (dir, "Song.strata", NULL);
  g_autofree char *d1 = strata_json_to_data (p1, work_dir, NULL);
  g_autofree char *d2 = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (strata_store_save (p1, path, &error));
  g_assert_no_error (error);
  p2 = strata_store_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p2);
  check_full_project (p2, FALSE);
  d2 = strata_json_to_data (p2, work_dir, NULL);
  g_assert_cmpstr (d1, ==, d2);
  strata_remove_tree (dir);
}

/* State the format has no key for travels as x- keys and comes back. */
static void
test_roundtrip_extensions (void)
{
  g_autoptr(StrataProject) p1 = load_fixture ("full.json");
  g_autoptr(StrataProject) p2 = NULL;
  StrataTrack *t2;
  g_autofree char *d1 = NULL;
  g_autofree char *d2 = NULL;
  gint64 start, end;
  gboolean enabled;

  g_object_set (track_at (p1, 1), "record-arm", TRUE, "monitoring", STRATA_MONITORING_ON,
                "input", "system:capture_1", NULL);
  g_object_set (lane_at (STRATA_STRIP (track_at (p1, 0)), 1), "enabled", FALSE, NULL);
  g_object_set (strata_project_get_timeline (p1), "punch-start", (gint64) 48000,
                "punch-end", (gint64) 96000, "punch-enabled", TRUE, NULL);

  d1 = strata_json_to_data (p1, work_dir, NULL);
  g_assert_nonnull (strstr (d1, "\"x-record-arm\" : true"));
  g_assert_nonnull (strstr (d1, "\"x-monitoring\" : \"on\""));
  g_assert_nonnull (strstr (d1, "\"x-input\" : \"system:capture_1\""));
  g_assert_nonnull (strstr (d1, "\"x-enabled\" : false"));
  g_assert_nonnull (strstr (d1, "\"x-punch\""));

  p2 = load_ok (d1, NULL);
  t2 = track_at (p2, 1);
  g_assert_true (strata_track_get_record_arm (t2));
  g_assert_cmpint (strata_track_get_monitoring (t2), ==, STRATA_MONITORING_ON);
  g_assert_cmpstr (strata_track_get_input (t2), ==, "system:capture_1");
  g_assert_false (strata_automation_lane_get_enabled (lane_at (STRATA_STRIP (track_at (p2, 0)),
                                                               1)));
  g_assert_true (strata_automation_lane_get_enabled (lane_at (STRATA_STRIP (track_at (p2, 0)),
                                                              0)));
  strata_timeline_get_punch (strata_project_get_timeline (p2), &start, &end, &enabled);
  g_assert_cmpint (start, ==, 48000);
  g_assert_cmpint (end, ==, 96000);
  g_assert_true (enabled);
  d2 = strata_json_to_data (p2, work_dir, NULL);
  g_assert_cmpstr (d1, ==, d2);
}

/* --- errors -------------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  Edit        edits[3];
  int         code;
  const char *where;       /* the JSON path the message starts with */
  const char *contains;    /* and something it must say, or NULL */
} ErrorCase;

#define INVALID STRATA_ERROR_INVALID
#define PARSE STRATA_ERROR_PARSE
#define NOT_FOUND STRATA_ERROR_NOT_FOUND

static const ErrorCase error_cases[] = {
  /* Positions */
  { "bar-0", { { "tracks[2].clips[0].start", "\"0.1.0\"" } }, INVALID,
    "tracks[2].clips[0].start", "bar must be >= 1" },
  { "beat-past-numerator", { { "tracks[0].clips[0].start", "\"3.5.0\"" } }, INVALID,
    "tracks[0].clips[0].start", "beat" },
  { "beat-past-numerator-3-4", { { "markers[1].at", "\"18.4.0\"" } }, INVALID,
    "markers[1].at", "beat" },
  { "beat-0", { { "markers[1].at", "\"2.0.0\"" } }, INVALID, "markers[1].at", "beat" },
  { "tick-960", { { "tracks[0].clips[0].start", "\"3.1.960\"" } }, INVALID,
    "tracks[0].clips[0].start", "tick" },
  { "position-two-parts", { { "tracks[0].clips[0].start", "\"3.1\"" } }, PARSE,
    "tracks[0].clips[0].start", "3.1" },
  { "position-four-parts", { { "loop.end", "\"9.1.0.0\"" } }, PARSE, "loop.end", NULL },
  { "position-letters", { { "markers[0].at", "\"a.b.c\"" } }, PARSE, "markers[0].at", NULL },
  { "position-trailing", { { "markers[0].at", "\"3.1.0 \"" } }, PARSE, "markers[0].at", NULL },
  { "position-empty", { { "markers[0].at", "\"\"" } }, PARSE, "markers[0].at", NULL },
  { "position-float", { { "markers[0].at", "96000.5" } }, PARSE, "markers[0].at", NULL },
  { "position-negative", { { "markers[0].at", "-1" } }, INVALID, "markers[0].at", NULL },
  { "position-bool", { { "tracks[0].automation[0].points[0].at", "true" } }, PARSE,
    "tracks[0].automation[0].points[0].at", NULL },

  /* Unknown keys; x- keys are fine (see the good cases) */
  { "unknown-key-track", { { "tracks[0].colour", "\"#e01b24\"" } }, PARSE,
    "tracks[0].colour", "unknown key" },
  { "unknown-key-top", { { "tempo", "120" } }, PARSE, "tempo", "unknown key" },
  { "unknown-key-clip", { { "tracks[1].clips[0].gain", "0" } }, PARSE,
    "tracks[1].clips[0].gain", "unknown key" },
  { "unknown-key-send", { { "tracks[0].sends[1].level", "0" } }, PARSE,
    "tracks[0].sends[1].level", "unknown key" },
  { "unknown-key-master", { { "master.solo", "true" } }, PARSE, "master.solo",
    "unknown key" },
  { "unknown-key-master-sends", { { "master.sends", "[]" } }, PARSE, "master.sends",
    "unknown key" },
  { "unknown-key-bus-clips", { { "buses[1].clips", "[]" } }, PARSE, "buses[1].clips",
    "unknown key" },
  { "unknown-key-point", { { "tracks[0].automation[1].points[0].curve", "1" } }, PARSE,
    "tracks[0].automation[1].points[0].curve", "unknown key" },
  { "unknown-key-tempo", { { "tempo_map[0].meter", "\"4/4\"" } }, PARSE,
    "tempo_map[0].meter", "unknown key" },
  { "unknown-key-media", { { "media[2].rate", "44100" } }, PARSE, "media[2].rate",
    "unknown key" },
  { "unknown-key-insert", { { "buses[0].inserts[0].kind", "\"eq\"" } }, PARSE,
    "buses[0].inserts[0].kind", "unknown key" },

  /* Missing required keys */
  { "missing-format", { { "format", NULL } }, PARSE, "format", NULL },
  { "missing-version", { { "version", NULL } }, PARSE, "version", NULL },
  { "missing-sample-rate", { { "sample_rate", NULL } }, PARSE, "sample_rate", NULL },
  { "missing-tempo-map", { { "tempo_map", NULL } }, PARSE, "tempo_map", NULL },
  { "missing-tempo-at", { { "tempo_map[1].at", NULL } }, PARSE, "tempo_map[1].at", NULL },
  { "missing-tempo-bpm", { { "tempo_map[0].bpm", NULL } }, PARSE, "tempo_map[0].bpm", NULL },
  { "missing-track-id", { { "tracks[1].id", NULL } }, PARSE, "tracks[1].id", NULL },
  { "missing-bus-id", { { "buses[1].id", NULL } }, PARSE, "buses[1].id", NULL },
  { "missing-media-id", { { "media[1].id", NULL } }, PARSE, "media[1].id", NULL },
  { "missing-media-path", { { "media[0].path", NULL } }, PARSE, "media[0].path", NULL },
  { "missing-clip-media", { { "tracks[0].clips[1].media", NULL } }, PARSE,
    "tracks[0].clips[1].media", NULL },
  { "missing-clip-start", { { "tracks[1].clips[0].start", NULL } }, PARSE,
    "tracks[1].clips[0].start", NULL },
  { "missing-send-bus", { { "tracks[0].sends[1].bus", NULL } }, PARSE,
    "tracks[0].sends[1].bus", NULL },
  { "missing-lane-param", { { "tracks[0].automation[2].param", NULL } }, PARSE,
    "tracks[0].automation[2].param", NULL },
  { "missing-lane-points", { { "master.automation[0].points", NULL } }, PARSE,
    "master.automation[0].points", NULL },
  { "missing-point-at", { { "tracks[0].automation[0].points[1].at", NULL } }, PARSE,
    "tracks[0].automation[0].points[1].at", NULL },
  { "missing-point-value", { { "buses[0].automation[0].points[0].value", NULL } }, PARSE,
    "buses[0].automation[0].points[0].value", NULL },

  /* Wrong types */
  { "type-version", { { "version", "\"1\"" } }, PARSE, "version", NULL },
  { "type-sample-rate", { { "sample_rate", "\"48000\"" } }, PARSE, "sample_rate", NULL },
  { "type-format", { { "format", "1" } }, PARSE, "format", NULL },
  { "type-tracks", { { "tracks", "{}" } }, PARSE, "tracks", NULL },
  { "type-track", { { "tracks", "[[]]" } }, PARSE, "tracks[0]", NULL },
  { "type-clips", { { "tracks[0].clips", "{}" } }, PARSE, "tracks[0].clips", NULL },
  { "type-volume", { { "tracks[0].volume_db", "\"loud\"" } }, PARSE, "tracks[0].volume_db",
    NULL },
  { "type-mute", { { "tracks[0].mute", "1" } }, PARSE, "tracks[0].mute", NULL },
  { "type-name", { { "buses[0].name", "3" } }, PARSE, "buses[0].name", NULL },
  { "type-length", { { "tracks[0].clips[0].length", "1.5" } }, PARSE,
    "tracks[0].clips[0].length", NULL },
  { "type-channels", { { "tracks[0].channels", "\"mono\"" } }, PARSE, "tracks[0].channels",
    NULL },
  { "type-bpm", { { "tempo_map[0].bpm", "\"fast\"" } }, PARSE, "tempo_map[0].bpm", NULL },
  { "type-point-value", { { "tracks[0].automation[1].points[0].value", "\"left\"" } }, PARSE,
    "tracks[0].automation[1].points[0].value", NULL },
  { "type-params", { { "tracks[0].inserts[0].params", "[]" } }, PARSE,
    "tracks[0].inserts[0].params", NULL },
  { "type-param-value", { { "tracks[0].inserts[0].params.gain_db", "[1]" } }, PARSE,
    "tracks[0].inserts[0].params.gain_db", NULL },
  { "type-master", { { "master", "[]" } }, PARSE, "master", NULL },
  { "type-loop", { { "loop", "true" } }, PARSE, "loop", NULL },
  { "type-media-entry", { { "media", "[\"audio/kick.wav\"]" } }, PARSE, "media[0]", NULL },

  /* Top level values */
  { "format-other", { { "format", "\"strata-session\"" } }, PARSE, "format", NULL },
  { "version-0", { { "version", "0" } }, INVALID, "version", NULL },
  { "version-2", { { "version", "2" } }, STRATA_ERROR_VERSION, "version", NULL },
  { "sample-rate-22050", { { "sample_rate", "22050" } }, INVALID, "sample_rate", "22050" },

  /* Tempo map */
  { "bpm-0", { { "tempo_map[0].bpm", "0" } }, INVALID, "tempo_map[0].bpm", NULL },
  { "bpm-1000", { { "tempo_map[1].bpm", "1000" } }, INVALID, "tempo_map[1].bpm", NULL },
  { "bpm-negative", { { "tempo_map[0].bpm", "-120" } }, INVALID, "tempo_map[0].bpm", NULL },
  { "tempo-empty", { { "tempo_map", "[]" } }, INVALID, "tempo_map", NULL },
  { "tempo-not-on-bar", { { "tempo_map[1].at", "\"17.2.0\"" } }, INVALID,
    "tempo_map[1].at", "bar line" },
  { "tempo-not-on-bar-tick", { { "tempo_map[1].at", "\"17.1.1\"" } }, INVALID,
    "tempo_map[1].at", "bar line" },
  { "tempo-not-on-bar-frames", { { "tempo_map[1].at", "1536001" } }, INVALID,
    "tempo_map[1].at", "bar line" },
  { "tempo-first-not-at-start", { { "tempo_map[0].at", "\"2.1.0\"" } }, INVALID,
    "tempo_map[0].at", "1.1.0" },
  { "tempo-out-of-order", { { "tempo_map[1].at", "\"1.1.0\"" } }, INVALID,
    "tempo_map[1].at", NULL },
  { "time-signature-bad", { { "tempo_map[1].time_signature", "\"3/5\"" } }, INVALID,
    "tempo_map[1].time_signature", NULL },
  { "time-signature-text", { { "tempo_map[0].time_signature", "\"common\"" } }, INVALID,
    "tempo_map[0].time_signature", NULL },

  /* Clips */
  { "overlap-listed-out-of-order", { { "tracks[2].clips[0].start", "1000" } }, INVALID,
    "tracks[2].clips[0]", "tracks[2].clips[1]" },
  { "overlap-listed-in-order", { { "tracks[0].clips[1].start", "\"3.1.1\"" } }, INVALID,
    "tracks[0].clips[1]", "tracks[0].clips[0]" },
  { "clip-past-source", { { "tracks[1].clips[0].length", "192001" } }, INVALID,
    "tracks[1].clips[0]", "past the end" },
  { "clip-source-start-past-source", { { "tracks[1].clips[0].source_start", "240000" } },
    INVALID, "tracks[1].clips[0]", NULL },
  { "clip-length-0", { { "tracks[0].clips[0].length", "0" } }, INVALID,
    "tracks[0].clips[0].length", NULL },
  { "clip-source-start-negative", { { "tracks[0].clips[0].source_start", "-1" } }, INVALID,
    "tracks[0].clips[0].source_start", NULL },
  { "fades-longer-than-clip", { { "tracks[0].clips[0].fade_in", "19201" } }, INVALID,
    "tracks[0].clips[0]", "fade" },
  { "fade-negative", { { "tracks[0].clips[0].fade_out", "-1" } }, INVALID,
    "tracks[0].clips[0].fade_out", NULL },
  { "unknown-media", { { "tracks[0].clips[1].media", "\"snare\"" } }, NOT_FOUND,
    "tracks[0].clips[1].media", "snare" },

  /* Mixer values */
  { "volume-13", { { "tracks[0].volume_db", "13" } }, INVALID, "tracks[0].volume_db", NULL },
  { "volume-below-144", { { "buses[0].volume_db", "-144.5" } }, INVALID,
    "buses[0].volume_db", NULL },
  { "volume-master-13", { { "master.volume_db", "13.0" } }, INVALID, "master.volume_db", NULL },
  { "pan-1.5", { { "tracks[0].pan", "1.5" } }, INVALID, "tracks[0].pan", NULL },
  { "pan-bus", { { "buses[1].pan", "-1.01" } }, INVALID, "buses[1].pan", NULL },
  { "send-level-13", { { "tracks[0].sends[0].level_db", "13" } }, INVALID,
    "tracks[0].sends[0].level_db", NULL },
  { "channels-3", { { "tracks[0].channels", "3" } }, INVALID, "tracks[0].channels", NULL },
  { "channels-0", { { "tracks[0].channels", "0" } }, INVALID, "tracks[0].channels", NULL },
  { "color-bad", { { "tracks[0].color", "\"red\"" } }, INVALID, "tracks[0].color", NULL },

  /* Routing */
  { "unknown-output", { { "tracks[1].output", "\"fx\"" } }, NOT_FOUND, "tracks[1].output",
    "fx" },
  { "unknown-bus-output", { { "buses[1].output", "\"fx\"" } }, NOT_FOUND, "buses[1].output",
    "fx" },
  { "bus-cycle", { { "buses[2].output", "\"drums\"" } }, INVALID, "buses[0].output",
    "drums -> group -> drums" },
  { "bus-self-cycle", { { "buses[1].output", "\"verb\"" } }, INVALID, "buses[1].output",
    "verb -> verb" },
  { "track-output-track", { { "tracks[1].output", "\"t1\"" } }, NOT_FOUND,
    "tracks[1].output", NULL },
  { "send-to-master", { { "tracks[0].sends[0].bus", "\"master\"" } }, INVALID,
    "tracks[0].sends[0].bus", "master" },
  { "send-unknown-bus", { { "tracks[0].sends[1].bus", "\"fx\"" } }, NOT_FOUND,
    "tracks[0].sends[1].bus", "fx" },
  /* Outputs and sends are checked in order, so the first edge of the loop is named. */
  { "send-cycle", { { "buses[1].sends", "[{\"bus\": \"drums\"}]" } }, INVALID,
    "buses[0].sends[0].bus", "routing cycle: drums -> verb -> drums" },

  /* Automation */
  { "points-out-of-order", { { "tracks[0].automation[0].points[0].at", "\"6.1.0\"" } },
    INVALID, "tracks[0].automation[0].points[1].at", NULL },
  { "unknown-param", { { "tracks[0].automation[1].param", "\"balance\"" } }, INVALID,
    "tracks[0].automation[1].param", "balance" },
  { "no-such-insert", { { "tracks[0].automation[3].param", "\"inserts[5].x\"" } }, INVALID,
    "tracks[0].automation[3].param", "5" },
  { "insert-param-on-master-without-inserts", { { "master.inserts", "[]" },
                                                { "master.automation[0].param",
                                                  "\"inserts[0].ceiling_db\"" } },
    INVALID, "master.automation[0].param", NULL },
  { "two-lanes-one-param", { { "tracks[0].automation[1].param", "\"volume_db\"" } }, INVALID,
    "tracks[0].automation[1].param", NULL },
  { "pan-point-out-of-range", { { "tracks[0].automation[1].points[1].value", "1.5" } },
    INVALID, "tracks[0].automation[1].points[1].value", NULL },
  { "volume-point-13", { { "master.automation[0].points[0].value", "13" } }, INVALID,
    "master.automation[0].points[0].value", NULL },

  /* Ids */
  { "duplicate-track-id", { { "tracks[3].id", "\"t1\"" } }, INVALID, "tracks[3].id", "t1" },
  { "track-id-of-bus", { { "tracks[3].id", "\"verb\"" } }, INVALID, "tracks[3].id", "verb" },
  { "duplicate-bus-id", { { "buses[1].id", "\"drums\"" } }, INVALID, "buses[1].id", "drums" },
  { "bus-id-master", { { "buses[1].id", "\"master\"" } }, INVALID, "buses[1].id", "master" },
  { "duplicate-media-id", { { "media[2].id", "\"kick\"" } }, INVALID, "media[2].id", "kick" },
  { "empty-track-id", { { "tracks[3].id", "\"\"" } }, INVALID, "tracks[3].id", NULL },

  /* Ranges */
  { "loop-end-before-start", { { "loop.end", "\"4.1.0\"" } }, INVALID, "loop.end", NULL },
};

static void
test_error_case (gconstpointer data)
{
  const ErrorCase *c = data;
  g_autofree char *text = edited_full (c->edits, G_N_ELEMENTS (c->edits));
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) p = load_text (text, NULL, &error);

  g_assert_null (p);
  assert_error (error, c->code, c->where, c->contains);
}

static void
test_error_not_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) p = load_text ("this is not JSON {", NULL, &error);

  g_assert_null (p);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "JSON"));
  g_clear_error (&error);
  p = load_text ("", NULL, &error);
  g_assert_null (p);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
}

static void
test_error_not_object (void)
{
  const char *texts[] = { "[1, 2, 3]", "\"strata-project\"", "42", "null" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataProject) p = load_text (texts[i], NULL, &error);

      g_assert_null (p);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, "object"));
    }
}

/* The message quotes the path as the project writes it, after the JSON path. */
static void
test_error_media_missing (void)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-json-empty-XXXXXX", NULL);
  g_autofree char *text = read_fixture ("full.json");
  g_autofree char *file = g_build_filename (dir, "song.json", NULL);
  g_autofree char *expect = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) p = NULL;

  p = load_text (text, dir, &error);
  g_assert_null (p);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IO);
  g_assert_cmpstr (error->message, ==,
                   "media[0].path: cannot open 'audio/kick.wav': No such file or directory");
  g_clear_error (&error);

  /* From a file, the file's path comes first (what strata-render prints after its name). */
  g_assert_true (g_file_set_contents (file, text, -1, NULL));
  p = strata_json_load_file (file, &error);
  g_assert_null (p);
  expect = g_strdup_printf ("%s: media[0].path: cannot open 'audio/kick.wav': "
                            "No such file or directory", file);
  g_assert_cmpstr (error->message, ==, expect);
  strata_remove_tree (dir);
}

static void
test_error_media_escape (void)
{
  const char *paths[] = { "\"../../etc/passwd\"", "\"audio/../../x.wav\"", "\"\"" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      Edit edit = { "media[1].path", paths[i] };
      g_autofree char *text = edited_full (&edit, 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataProject) p = load_text (text, NULL, &error);

      g_assert_null (p);
      assert_error (error, i == 2 ? STRATA_ERROR_INVALID : STRATA_ERROR_PATH_ESCAPE,
                    "media[1].path", NULL);
    }
}

/* A file that is not audio gives an error that says which file and that it is not audio. */
static void
test_error_media_not_audio (void)
{
  g_autofree char *txt = work_path ("notes.txt");
  Edit edit = { "media[2].path", "\"notes.txt\"" };
  g_autofree char *text = edited_full (&edit, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) p = NULL;

  g_assert_true (g_file_set_contents (txt, "These are not the droids you are looking for.\n"
                                      "Just a text file, a few lines long.\n", -1, NULL));
  p = load_text (text, NULL, &error);
  g_assert_null (p);
  assert_error (error, STRATA_ERROR_MEDIA, "media[2].path", "cannot open 'notes.txt': ");
  /* Something more than the bare prefix explains it. */
  g_assert_cmpuint (strlen (error->message), >,
                    strlen ("media[2].path: cannot open 'notes.txt': ") + 5);
  g_unlink (txt);
}

/* strata_json_load_file prefixes every message with the file's path. */
static void
test_error_load_file_prefix (void)
{
  Edit edit = { "tracks[2].clips[0].start", "\"0.1.0\"" };
  g_autofree char *text = edited_full (&edit, 1);
  g_autofree char *file = work_path ("bad.json");
  g_autofree char *missing = work_path ("no-such.json");
  g_autofree char *expect = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) p = NULL;

  g_assert_true (g_file_set_contents (file, text, -1, NULL));
  p = strata_json_load_file (file, &error);
  g_assert_null (p);
  expect = g_strdup_printf ("%s: tracks[2].clips[0].start: bar must be >= 1", file);
  g_assert_cmpstr (error->message, ==, expect);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (file, "{ nope", -1, NULL));
  p = strata_json_load_file (file, &error);
  g_assert_null (p);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, file));
  g_assert_true (g_str_has_prefix (error->message + strlen (file), ": "));
  g_clear_error (&error);

  p = strata_json_load_file (missing, &error);
  g_assert_null (p);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, missing));
  g_assert_true (g_str_has_prefix (error->message + strlen (missing), ": "));
  g_unlink (file);
}

/* --- main ---------------------------------------------------------------------------------- */

static void
make_work_dir (void)
{
  g_autofree char *audio = NULL;
  g_autofree char *kick = NULL, *pad = NULL, *loop = NULL;
  g_autoptr(GError) error = NULL;

  work_dir = g_dir_make_tmp ("strata-test-json-XXXXXX", &error);
  g_assert_no_error (error);
  audio = g_build_filename (work_dir, "audio", NULL);
  g_assert_cmpint (g_mkdir (audio, 0700), ==, 0);
  kick = g_build_filename (audio, "kick.wav", NULL);
  pad = g_build_filename (audio, "pad.wav", NULL);
  loop = g_build_filename (audio, "loop44.wav", NULL);
  write_wav (kick, 48000, 1, KICK_FRAMES);
  write_wav (pad, 48000, 2, PAD_FRAMES);
  write_wav (loop, 44100, 2, LOOP_FRAMES);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  make_work_dir ();

  g_test_add_func ("/json/reference", test_reference);
  g_test_add_func ("/json/load/full", test_load_full);
  g_test_add_func ("/json/load/defaults", test_load_defaults);
  g_test_add_func ("/json/load/rounding-44100", test_load_rounding);
  g_test_add_func ("/json/load/exact-rational", test_load_exact_rational);
  g_test_add_func ("/json/load/frames-equal-positions", test_load_frames_equal_positions);
  g_test_add_func ("/json/load/absolute-media", test_load_absolute_media);
  for (guint i = 0; i < G_N_ELEMENTS (good_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/json/load/accepts/%s", good_cases[i].name);
      g_test_add_data_func (name, &good_cases[i], test_good_case);
    }
  g_test_add_func ("/json/roundtrip/json", test_roundtrip_json);
  g_test_add_func ("/json/roundtrip/store", test_roundtrip_store);
  g_test_add_func ("/json/roundtrip/extensions", test_roundtrip_extensions);
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/json/error/%s", error_cases[i].name);
      g_test_add_data_func (name, &error_cases[i], test_error_case);
    }
  g_test_add_func ("/json/error/not-json", test_error_not_json);
  g_test_add_func ("/json/error/not-object", test_error_not_object);
  g_test_add_func ("/json/error/media-missing", test_error_media_missing);
  g_test_add_func ("/json/error/media-escape", test_error_media_escape);
  g_test_add_func ("/json/error/media-not-audio", test_error_media_not_audio);
  g_test_add_func ("/json/error/load-file-prefix", test_error_load_file_prefix);

  status = g_test_run ();
  strata_remove_tree (work_dir);
  g_free (work_dir);
  return status;
}
