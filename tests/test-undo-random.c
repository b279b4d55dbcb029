/* test-undo-random.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Random edit sequences drawn from every builder of strata-commands.h, with valid and invalid
 * arguments: a refused edit must change nothing, an applied one must leave a valid project,
 * undoing everything must give back the starting project byte for byte and redoing everything
 * the final one.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "strata-commands.h"
#include "strata-error.h"
#include "strata-json.h"
#include "strata-project.h"

#define SR 48000
#define N_EDITS 1000

typedef enum
{
  OP_ADD_CLIP, OP_REMOVE_CLIPS, OP_MOVE_CLIPS, OP_TRIM_START, OP_TRIM_END, OP_SET_FADES,
  OP_SPLIT, OP_JOIN, OP_DUPLICATE_CLIPS, OP_ADD_TRACK, OP_REMOVE_TRACK, OP_DUPLICATE_TRACK,
  OP_MOVE_TRACK, OP_ADD_BUS, OP_REMOVE_BUS, OP_MOVE_BUS, OP_SET_VOLUME, OP_SET_PAN,
  OP_SET_OUTPUT, OP_ADD_SEND, OP_REMOVE_SEND, OP_ADD_INSERT, OP_REMOVE_INSERT, OP_MOVE_INSERT,
  OP_ADD_POINT, OP_REMOVE_POINT, OP_MOVE_POINT, OP_SET_TEMPO, OP_REMOVE_TEMPO, OP_ADD_MARKER,
  OP_REMOVE_MARKER, OP_SET_LOOP, OP_SET_PUNCH, OP_REPLACE_CONTENT, OP_SEAL, N_OPS
} Op;

static const char *const op_names[N_OPS] = {
  "add_clip", "remove_clips", "move_clips", "trim_start", "trim_end", "set_fades", "split",
  "join", "duplicate_clips", "add_track", "remove_track", "duplicate_track", "move_track",
  "add_bus", "remove_bus", "move_bus", "set_volume", "set_pan", "set_output", "add_send",
  "remove_send", "add_insert", "remove_insert", "move_insert", "add_point", "remove_point",
  "move_point", "set_tempo", "remove_tempo", "add_marker", "remove_marker", "set_loop",
  "set_punch", "replace_content", "seal",
};

typedef struct
{
  GRand         *rand;
  StrataProject *project;
  char          *state;          /* serialization of the current state */
  GPtrArray     *snapshots;      /* earlier serializations, for replace_content */
  guint          applied[N_OPS];
  guint          refused[N_OPS];
} Run;

/* ---- media --------------------------------------------------------------------------------- */

static const struct { const char *id; guint channels; gint64 frames; } media[] = {
  { "m1", 2, 10 * SR }, { "m2", 1, 5 * SR }, { "m3", 2, 20 * SR },
};

static gboolean
media_cb (const char *id, const char *path, guint project_rate, char **file_path,
          guint *channels, gint64 *frames, char **hash, gpointer user_data, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (media); i++)
    if (g_str_equal (media[i].id, id))
      {
        *file_path = g_strdup (path);
        *channels = media[i].channels;
        *frames = media[i].frames;
        *hash = NULL;
        return TRUE;
      }
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA, "no media %s", id);
  return FALSE;
}

static StrataProject *
load (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  StrataProject *project;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  project = strata_json_load_node (json_parser_get_root (parser), media_cb, NULL, &error);
  g_assert_no_error (error);
  return project;
}

/* ---- random picks -------------------------------------------------------------------------- */

static gint64
rnd64 (Run *run, gint64 lo, gint64 hi)
{
  return lo + (gint64) (g_rand_double (run->rand) * (gdouble) (hi - lo + 1));
}

static int
rnd (Run *run, int lo, int hi)
{
  return g_rand_int_range (run->rand, lo, hi + 1);
}

static gboolean
chance (Run *run, gdouble p)
{
  return g_rand_double (run->rand) < p;
}

static GListModel *
tracks_of (StrataProject *project)
{
  return strata_timeline_get_tracks (strata_project_get_timeline (project));
}

static gpointer
pick_item (Run *run, GListModel *list)
{
  guint n = g_list_model_get_n_items (list);
  g_autoptr(GObject) item = NULL;

  if (n == 0)
    return NULL;
  item = g_list_model_get_item (list, rnd (run, 0, n - 1));
  return item;   /* the list keeps it alive */
}

static GPtrArray *
all_clips (StrataProject *project)
{
  GPtrArray *clips = g_ptr_array_new ();
  GListModel *tracks = tracks_of (project);

  for (guint t = 0; t < g_list_model_get_n_items (tracks); t++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, t);
      GListModel *list = strata_track_get_clips (track);
      for (guint i = 0; i < g_list_model_get_n_items (list); i++)
        {
          g_autoptr(StrataClip) clip = g_list_model_get_item (list, i);
          g_ptr_array_add (clips, clip);
        }
    }
  return clips;
}

/* 1..max distinct clips, in random order. */
static GPtrArray *
pick_clips (Run *run, guint max)
{
  g_autoptr(GPtrArray) clips = all_clips (run->project);
  GPtrArray *picked = g_ptr_array_new ();
  guint n = MIN (max, clips->len);

  if (n == 0)
    return picked;
  n = rnd (run, 1, n);
  for (guint i = 0; i < n; i++)
    {
      guint j = rnd (run, 0, clips->len - 1);
      g_ptr_array_add (picked, clips->pdata[j]);
      g_ptr_array_remove_index_fast (clips, j);
    }
  return picked;
}

static StrataClip *
pick_clip (Run *run)
{
  g_autoptr(GPtrArray) clips = all_clips (run->project);

  if (clips->len == 0)
    return NULL;
  return clips->pdata[rnd (run, 0, clips->len - 1)];
}

static StrataStrip *
pick_strip (Run *run)
{
  GListModel *tracks = tracks_of (run->project);
  GListModel *buses = strata_project_get_buses (run->project);
  guint nt = g_list_model_get_n_items (tracks), nb = g_list_model_get_n_items (buses);
  guint i = rnd (run, 0, nt + nb);
  g_autoptr(StrataStrip) strip = NULL;

  if (i == nt + nb)
    return STRATA_STRIP (strata_project_get_master (run->project));
  strip = g_list_model_get_item (i < nt ? tracks : buses, i < nt ? i : i - nt);
  return strip;
}

/* Mostly a strip whose list (sends, inserts, lanes) is not empty, if there is one. */
static StrataStrip *
pick_strip_with (Run *run, GListModel *(*list) (StrataStrip *))
{
  for (guint tries = 0; tries < 20; tries++)
    {
      StrataStrip *strip = pick_strip (run);
      if (g_list_model_get_n_items (list (strip)) > 0)
        return strip;
    }
  return pick_strip (run);
}

/* A bus id, the master, or (rarely) a name that does not exist. */
static const char *
pick_target (Run *run)
{
  StrataBus *bus;

  if (chance (run, 0.05))
    return "nope";
  if (chance (run, 0.15))
    return "master";
  bus = pick_item (run, strata_project_get_buses (run->project));
  return bus ? strata_strip_get_id (STRATA_STRIP (bus)) : "master";
}

static gdouble
pick_level (Run *run)
{
  switch (rnd (run, 0, 9))
    {
    case 0: return -INFINITY;
    case 1: return 12.5;
    case 2: return -150.0;
    case 3: return NAN;
    default: return rnd (run, -144, 12) + rnd (run, 0, 3) * 0.25 * (chance (run, 0.5) ? -1 : 0);
    }
}

static const char *
pick_param (Run *run, gdouble *value)
{
  switch (rnd (run, 0, 3))
    {
    case 0:
      *value = chance (run, 0.1) ? 20.0 : rnd (run, -144, 12);
      return "volume_db";
    case 1:
      *value = chance (run, 0.1) ? 1.5 : rnd (run, -4, 4) / 4.0;
      return "pan";
    case 2:
      *value = chance (run, 0.1) ? 0.5 : rnd (run, 0, 1);
      return "mute";
    default:
      *value = chance (run, 0.05) ? NAN : rnd (run, -24, 24) / 2.0;
      return chance (run, 0.5) ? "inserts[0].gain_db"
                               : chance (run, 0.5) ? "inserts[1].mix" : "inserts[2].gain_db";
    }
}

static gint64
pick_frame (Run *run)
{
  /* Often on a coarse grid so that edits touch and collide. */
  if (chance (run, 0.6))
    return rnd (run, 0, 40) * (SR / 2);
  return rnd64 (run, -SR, 30 * SR);
}

/* ---- independent invariant checks ---------------------------------------------------------- */

static gboolean
graph_reaches (StrataProject *project, const char *from, const char *goal, guint depth)
{
  StrataBus *bus;
  GListModel *sends;

  if (from == NULL || g_str_equal (from, "master"))
    return FALSE;
  if (g_str_equal (from, goal))
    return TRUE;
  g_assert_cmpuint (depth, <, 1000);
  bus = strata_project_find_bus (project, from);
  g_assert_nonnull (bus);
  if (graph_reaches (project, strata_strip_get_output (STRATA_STRIP (bus)), goal, depth + 1))
    return TRUE;
  sends = strata_strip_get_sends (STRATA_STRIP (bus));
  for (guint i = 0; i < g_list_model_get_n_items (sends); i++)
    {
      g_autoptr(StrataSend) send = g_list_model_get_item (sends, i);
      if (graph_reaches (project, strata_send_get_bus (send), goal, depth + 1))
        return TRUE;
    }
  return FALSE;
}

static void
check_strip (StrataProject *project, StrataStrip *strip, GHashTable *ids)
{
  GListModel *sends = strata_strip_get_sends (strip);
  GListModel *lanes = strata_strip_get_automation (strip);
  const char *id = strata_strip_get_id (strip);
  const char *output = strata_strip_get_output (strip);

  g_assert_true (g_hash_table_add (ids, (gpointer) id));
  g_assert_nonnull (output);
  g_assert_true (g_str_equal (output, "master") || strata_project_find_bus (project, output));
  /* Nothing feeds back to this strip, through outputs or sends. */
  if (STRATA_IS_BUS (strip))
    {
      g_assert_false (graph_reaches (project, output, id, 0));
      for (guint i = 0; i < g_list_model_get_n_items (sends); i++)
        {
          g_autoptr(StrataSend) send = g_list_model_get_item (sends, i);
          g_assert_false (graph_reaches (project, strata_send_get_bus (send), id, 0));
        }
    }
  for (guint i = 0; i < g_list_model_get_n_items (sends); i++)
    {
      g_autoptr(StrataSend) send = g_list_model_get_item (sends, i);
      gdouble level = strata_send_get_level_db (send);
      g_assert_nonnull (strata_project_find_bus (project, strata_send_get_bus (send)));
      g_assert_cmpstr (strata_send_get_bus (send), !=, "master");
      g_assert_true ((level >= -144.0 && level <= 12.0) || (isinf (level) && level < 0));
    }
  for (guint i = 0; i < g_list_model_get_n_items (lanes); i++)
    {
      g_autoptr(StrataAutomationLane) lane = g_list_model_get_item (lanes, i);
      const char *param = strata_automation_lane_get_param (lane);
      guint n, index;
      const StrataAutomationPoint *p = strata_automation_lane_get_points (lane, &n);

      /* Insert automation names an insert that exists. */
      if (sscanf (param, "inserts[%u]", &index) == 1)
        g_assert_cmpuint (index, <, g_list_model_get_n_items (strata_strip_get_inserts (strip)));
      else
        g_assert_true (g_str_equal (param, "volume_db") || g_str_equal (param, "pan")
                       || g_str_equal (param, "mute"));
      for (guint k = 0; k < n; k++)
        {
          g_assert_cmpint (p[k].frame, >=, 0);
          g_assert_true (isfinite (p[k].value));
          if (k > 0)
            g_assert_cmpint (p[k].frame, >=, p[k - 1].frame);
        }
    }
}

static void
check_invariants (StrataProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *tracks = tracks_of (project);
  GListModel *buses = strata_project_get_buses (project);
  GListModel *markers = strata_timeline_get_markers (strata_project_get_timeline (project));
  StrataStrip *master = STRATA_STRIP (strata_project_get_master (project));

  if (!strata_project_validate (project, &error))
    g_error ("invalid project: %s", error->message);

  g_assert_null (strata_strip_get_output (master));
  g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_sends (master)), ==, 0);
  for (guint i = 0; i < g_list_model_get_n_items (buses); i++)
    {
      g_autoptr(StrataStrip) bus = g_list_model_get_item (buses, i);
      check_strip (project, bus, ids);
    }
  for (guint t = 0; t < g_list_model_get_n_items (tracks); t++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, t);
      GListModel *clips = strata_track_get_clips (track);
      check_strip (project, STRATA_STRIP (track), ids);
      for (guint i = 0; i < g_list_model_get_n_items (clips); i++)
        {
          g_autoptr(StrataClip) clip = g_list_model_get_item (clips, i);
          g_assert_cmpint (strata_clip_get_start (clip), >=, 0);
          g_assert_cmpint (strata_clip_get_source_start (clip), >=, 0);
          g_assert_cmpint (strata_clip_get_length (clip), >=, 1);
          g_assert_cmpint (strata_clip_get_source_start (clip) + strata_clip_get_length (clip),
                           <=, strata_source_get_frames (strata_clip_get_source (clip)));
          g_assert_cmpint (strata_clip_get_fade_in (clip), >=, 0);
          g_assert_cmpint (strata_clip_get_fade_out (clip), >=, 0);
          g_assert_cmpint (strata_clip_get_fade_in (clip) + strata_clip_get_fade_out (clip), <=,
                           strata_clip_get_length (clip));
          if (i > 0)
            {
              g_autoptr(StrataClip) prev = g_list_model_get_item (clips, i - 1);
              g_assert_cmpint (strata_clip_get_end (prev), <=, strata_clip_get_start (clip));
            }
        }
    }
  for (guint i = 1; i < g_list_model_get_n_items (markers); i++)
    {
      g_autoptr(StrataMarker) a = g_list_model_get_item (markers, i - 1);
      g_autoptr(StrataMarker) b = g_list_model_get_item (markers, i);
      g_assert_cmpint (strata_marker_get_frame (a), <=, strata_marker_get_frame (b));
    }
}

/* ---- the edits ----------------------------------------------------------------------------- */

static StrataInsert *
new_insert (Run *run)
{
  /* Types and parameters of docs/effects.md, so that a saved project loads back. */
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  if (chance (run, 0.5))
    {
      g_variant_dict_insert (&dict, "gain_db", "d", (gdouble) rnd (run, -12, 12));
      return strata_insert_new ("utility", g_variant_dict_end (&dict));
    }
  g_variant_dict_insert (&dict, "mix", "d", rnd (run, 0, 4) / 4.0);
  return strata_insert_new (chance (run, 0.5) ? "delay" : "hall_reverb",
                            g_variant_dict_end (&dict));
}

static StrataSource *
pick_source (Run *run)
{
  return pick_item (run, strata_project_get_sources (run->project));
}

/* Builds one random edit. Returns NULL when it was refused (with *error set) or when there is
 * nothing to edit (*skipped). */
static StrataCommand *
build (Run *run, Op op, gboolean *skipped, GError **error)
{
  StrataProject *p = run->project;
  GListModel *tracks = tracks_of (p);
  GListModel *buses = strata_project_get_buses (p);
  guint nt = g_list_model_get_n_items (tracks), nb = g_list_model_get_n_items (buses);
  StrataTempoMap *map = strata_timeline_get_tempo_map (strata_project_get_timeline (p));
  GListModel *markers = strata_timeline_get_markers (strata_project_get_timeline (p));
  g_autoptr(GPtrArray) clips = NULL;
  StrataClip *clip;
  StrataStrip *strip;
  StrataTrack *track;
  gdouble value;

  *skipped = FALSE;
  switch (op)
    {
    case OP_ADD_CLIP:
      {
        StrataSource *source = pick_source (run);
        gint64 frames = strata_source_get_frames (source);
        gint64 source_start = chance (run, 0.5) ? 0 : rnd64 (run, 0, frames - 1);
        gint64 length = chance (run, 0.8) ? rnd64 (run, 1, MIN (4 * SR, frames - source_start))
                                          : rnd64 (run, 1, frames);
        g_autoptr(StrataClip) new_clip = NULL;

        track = pick_item (run, tracks);
        if (track == NULL)
          break;
        gint64 start = pick_frame (run);

        new_clip = strata_clip_new (source, MAX (start, 0), source_start, length);
        return strata_commands_add_clip (p, track, new_clip, error);
      }
    case OP_REMOVE_CLIPS:
      clips = pick_clips (run, 3);
      if (clips->len == 0)
        break;
      return strata_commands_remove_clips (p, (StrataClip **) clips->pdata, clips->len);
    case OP_MOVE_CLIPS:
      clips = pick_clips (run, 3);
      if (clips->len == 0)
        break;
      return strata_commands_move_clips (p, (StrataClip **) clips->pdata, clips->len,
                                         rnd (run, -8, 8) * (SR / 2) + (chance (run, 0.2)
                                                                         ? rnd (run, -99, 99)
                                                                         : 0),
                                         chance (run, 0.6) ? 0 : rnd (run, -2, 2), error);
    case OP_TRIM_START:
      if (!(clip = pick_clip (run)))
        break;
      return strata_commands_trim_clip_start (p, clip, strata_clip_get_start (clip)
                                                       + rnd64 (run, -2 * SR, 2 * SR), error);
    case OP_TRIM_END:
      if (!(clip = pick_clip (run)))
        break;
      return strata_commands_trim_clip_end (p, clip, strata_clip_get_end (clip)
                                                     + rnd64 (run, -2 * SR, 2 * SR), error);
    case OP_SET_FADES:
      if (!(clip = pick_clip (run)))
        break;
      return strata_commands_set_fades (p, clip,
                                        rnd64 (run, -10, strata_clip_get_length (clip) / 2 + 10),
                                        rnd64 (run, -10, strata_clip_get_length (clip) / 2 + 10),
                                        error);
    case OP_SPLIT:
      if (!(clip = pick_clip (run)))
        break;
      return strata_commands_split_clip (p, clip,
                                         rnd64 (run, strata_clip_get_start (clip) - 10,
                                                 strata_clip_get_end (clip) + 10), error);
    case OP_JOIN:
      {
        StrataClip *pair[2];
        guint pos;

        if (!(clip = pick_clip (run)))
          break;
        /* Mostly a clip and its right neighbour (joinable after a split), else any two. */
        track = strata_timeline_find_clip (strata_project_get_timeline (p), clip, NULL);
        strata_track_find_clip (track, clip, &pos);
        pair[0] = clip;
        if (chance (run, 0.8) && pos + 1 < g_list_model_get_n_items (strata_track_get_clips (track)))
          {
            g_autoptr(StrataClip) next = g_list_model_get_item (strata_track_get_clips (track),
                                                                pos + 1);
            pair[1] = next;
          }
        else
          pair[1] = pick_clip (run);
        if (pair[1] == pair[0])
          return strata_commands_join_clips (p, pair, 1, error);
        return strata_commands_join_clips (p, pair, 2, error);
      }
    case OP_DUPLICATE_CLIPS:
      clips = pick_clips (run, 3);
      if (clips->len == 0)
        break;
      return strata_commands_duplicate_clips (p, (StrataClip **) clips->pdata, clips->len,
                                              error);
    case OP_ADD_TRACK:
      if (nt >= 8)
        break;
      return strata_commands_add_track (p, rnd (run, 1, 2), chance (run, 0.5) ? "Track" : NULL,
                                        rnd (run, 0, nt + 1), NULL);
    case OP_REMOVE_TRACK:
      if (nt <= 1)
        break;
      return strata_commands_remove_track (p, pick_item (run, tracks));
    case OP_DUPLICATE_TRACK:
      if (nt == 0 || nt >= 8)
        break;
      return strata_commands_duplicate_track (p, pick_item (run, tracks), NULL);
    case OP_MOVE_TRACK:
      if (nt == 0)
        break;
      return strata_commands_move_track (p, rnd (run, 0, nt - 1), rnd (run, 0, nt - 1));
    case OP_ADD_BUS:
      if (nb >= 6)
        break;
      return strata_commands_add_bus (p, chance (run, 0.5) ? "Bus" : NULL, rnd (run, 0, nb + 1),
                                      NULL);
    case OP_REMOVE_BUS:
      if (nb == 0)
        break;
      return strata_commands_remove_bus (p, pick_item (run, buses));
    case OP_MOVE_BUS:
      if (nb == 0)
        break;
      return strata_commands_move_bus (p, rnd (run, 0, nb - 1), rnd (run, 0, nb - 1));
    case OP_SET_VOLUME:
      return strata_commands_set_volume (p, pick_strip (run), pick_level (run), rnd (run, 0, 2),
                                         error);
    case OP_SET_PAN:
      value = chance (run, 0.1) ? (chance (run, 0.5) ? NAN : 1.25) : rnd (run, -8, 8) / 8.0;
      return strata_commands_set_pan (p, pick_strip (run), value, rnd (run, 0, 2), error);
    case OP_SET_OUTPUT:
      return strata_commands_set_output (p, pick_strip (run), pick_target (run), error);
    case OP_ADD_SEND:
      return strata_commands_add_send (p, pick_strip (run), pick_target (run), pick_level (run),
                                       chance (run, 0.5), error);
    case OP_REMOVE_SEND:
      {
        StrataSend *send;
        strip = pick_strip_with (run, strata_strip_get_sends);
        if (!(send = pick_item (run, strata_strip_get_sends (strip))))
          break;
        return strata_commands_remove_send (p, strip, send);
      }
    case OP_ADD_INSERT:
      {
        g_autoptr(StrataInsert) insert = new_insert (run);
        strip = pick_strip (run);
        return strata_commands_add_insert (p, strip, insert, rnd (run, 0, 4));
      }
    case OP_REMOVE_INSERT:
      {
        StrataInsert *insert;
        strip = pick_strip_with (run, strata_strip_get_inserts);
        if (!(insert = pick_item (run, strata_strip_get_inserts (strip))))
          break;
        return strata_commands_remove_insert (p, strip, insert);
      }
    case OP_MOVE_INSERT:
      {
        guint n;
        strip = pick_strip_with (run, strata_strip_get_inserts);
        if ((n = g_list_model_get_n_items (strata_strip_get_inserts (strip))) == 0)
          break;
        return strata_commands_move_insert (p, strip, rnd (run, 0, n - 1), rnd (run, 0, n - 1));
      }
    case OP_ADD_POINT:
      {
        const char *param = pick_param (run, &value);
        return strata_commands_add_point (p, pick_strip (run), param,
                                          chance (run, 0.05) ? -1 : pick_frame (run), value,
                                          error);
      }
    case OP_REMOVE_POINT:
    case OP_MOVE_POINT:
      {
        StrataAutomationLane *lane;
        guint n;
        strip = pick_strip_with (run, strata_strip_get_automation);
        if (!(lane = pick_item (run, strata_strip_get_automation (strip))))
          break;
        strata_automation_lane_get_points (lane, &n);
        if (n == 0)
          break;
        if (op == OP_REMOVE_POINT)
          return strata_commands_remove_point (p, lane, rnd (run, 0, n - 1));
        pick_param (run, &value);
        if (g_str_equal (strata_automation_lane_get_param (lane), "mute"))
          value = chance (run, 0.9) ? rnd (run, 0, 1) : 0.5;
        else if (g_str_equal (strata_automation_lane_get_param (lane), "pan"))
          value = chance (run, 0.9) ? rnd (run, -4, 4) / 4.0 : -3.0;
        return strata_commands_move_point (p, lane, rnd (run, 0, n - 1),
                                           chance (run, 0.05) ? -5 : pick_frame (run), value,
                                           error);
      }
    case OP_SET_TEMPO:
      {
        static const guint denominators[] = { 1, 2, 4, 4, 4, 8, 8, 16, 3, 64 };
        return strata_commands_set_tempo (p, rnd (run, chance (run, 0.05) ? -1 : 1, 40),
                                          chance (run, 0.05) ? rnd (run, -10, 0)
                                          : chance (run, 0.03) ? 1200.0
                                          : rnd (run, 40, 240) + rnd (run, 0, 3) * 0.25,
                                          chance (run, 0.05) ? (guint) rnd (run, 0, 300)
                                                             : (guint) rnd (run, 1, 12),
                                          denominators[rnd (run, 0, G_N_ELEMENTS (denominators)
                                                                      - 1)],
                                          error);
      }
    case OP_REMOVE_TEMPO:
      {
        guint n = strata_tempo_map_get_n_segments (map);
        gint32 bar = chance (run, 0.7) ? strata_tempo_map_get_segment (map, rnd (run, 0, n - 1))->bar
                                       : rnd (run, 1, 40);
        return strata_commands_remove_tempo (p, bar, error);
      }
    case OP_ADD_MARKER:
      {
        static const char *const names[] = { "Intro", "Verse", "Chorus", "Bridge", "Outro" };
        return strata_commands_add_marker (p, names[rnd (run, 0, G_N_ELEMENTS (names) - 1)],
                                           chance (run, 0.5) ? rnd (run, 0, 4) * SR
                                                             : pick_frame (run));
      }
    case OP_REMOVE_MARKER:
      {
        StrataMarker *marker = pick_item (run, markers);
        if (marker == NULL)
          break;
        return strata_commands_remove_marker (p, marker);
      }
    case OP_SET_LOOP:
    case OP_SET_PUNCH:
      {
        gint64 start = pick_frame (run);
        gint64 end = chance (run, 0.8) ? start + rnd64 (run, 1, 8 * SR)
                                       : start - rnd64 (run, 0, SR);
        gboolean enabled = chance (run, 0.5);
        if (op == OP_SET_LOOP)
          return strata_commands_set_loop (p, start, end, enabled, error);
        return strata_commands_set_punch (p, start, end, enabled, error);
      }
    case OP_REPLACE_CONTENT:
      {
        g_autoptr(StrataProject) content = NULL;
        const char *json = run->snapshots->pdata[rnd (run, 0, run->snapshots->len - 1)];
        content = load (json);
        return strata_commands_replace_content (p, content);
      }
    case OP_SEAL:
    case N_OPS:
      break;
    }
  *skipped = TRUE;
  return NULL;
}

static void
refresh_state (Run *run)
{
  g_free (run->state);
  run->state = strata_json_to_data (run->project, NULL, NULL);
}

static void
assert_state (Run *run, const char *expected, const char *what)
{
  g_autofree char *now = strata_json_to_data (run->project, NULL, NULL);

  if (g_strcmp0 (now, expected) != 0)
    {
      g_autofree char *a = g_build_filename (g_get_tmp_dir (), "strata-expected.json", NULL);
      g_autofree char *b = g_build_filename (g_get_tmp_dir (), "strata-actual.json", NULL);
      g_file_set_contents (a, expected, -1, NULL);
      g_file_set_contents (b, now, -1, NULL);
      g_error ("%s: the project differs (diff %s %s)", what, a, b);
    }
}

static void
one_edit (Run *run, guint step)
{
  Op op = rnd (run, 0, N_OPS - 1);
  g_autoptr(GError) error = NULL;
  gboolean skipped;
  StrataCommand *command;

  if (op == OP_SEAL)
    {
      strata_undo_stack_seal (strata_project_get_undo_stack (run->project));
      run->applied[op]++;
      return;
    }
  command = build (run, op, &skipped, &error);
  if (skipped)
    return;
  if (command == NULL)
    {
      g_autofree char *what = g_strdup_printf ("step %u: refused %s", step, op_names[op]);
      g_assert_nonnull (error);
      g_assert_true (error->domain == STRATA_ERROR);
      g_assert_cmpuint (strlen (error->message), >, 0);
      assert_state (run, run->state, what);
      run->refused[op]++;
      return;
    }
  g_assert_no_error (error);
  strata_project_push (run->project, command);
  check_invariants (run->project);
  refresh_state (run);
  /* What the edit made can be saved and loaded back as it is. */
  {
    g_autoptr(StrataProject) loaded = load (run->state);
    g_autofree char *what = g_strdup_printf ("step %u: %s, saved and loaded", step,
                                             op_names[op]);
    g_autofree char *again = strata_json_to_data (loaded, NULL, NULL);
    if (g_strcmp0 (again, run->state) != 0)
      {
        StrataProject *saved = run->project;
        run->project = loaded;
        assert_state (run, saved == NULL ? NULL : run->state, what);
        run->project = saved;
      }
  }
  run->applied[op]++;
  if (step % 50 == 0)
    g_ptr_array_add (run->snapshots, g_strdup (run->state));
}

/* Undoes up to `n` steps, checking each state, and either redoes them (which must give back
 * the same project) or leaves them undone for the next edit to drop. */
static void
undo_some (Run *run, guint n, guint step)
{
  StrataUndoStack *stack = strata_project_get_undo_stack (run->project);
  g_autofree char *before = g_strdup (run->state);
  g_autofree char *what = g_strdup_printf ("step %u: undo %u then redo", step, n);
  guint done = 0;

  while (done < n && strata_undo_stack_undo (stack))
    {
      check_invariants (run->project);
      done++;
    }
  if (chance (run, 0.5))
    {
      for (guint i = 0; i < done; i++)
        {
          g_assert_true (strata_undo_stack_redo (stack));
          check_invariants (run->project);
        }
      assert_state (run, before, what);
    }
  refresh_state (run);
}

/* ---- the starting project ------------------------------------------------------------------ */

static void
push_ok (StrataProject *project, StrataCommand *command)
{
  g_assert_nonnull (command);
  strata_project_push (project, command);
}

static StrataProject *
starting_project (void)
{
  StrataProject *project = strata_project_new (SR);
  GListStore *sources = G_LIST_STORE (strata_project_get_sources (project));
  StrataSource *src[G_N_ELEMENTS (media)];
  StrataTrack *t[3];
  StrataBus *drums, *verb;

  for (guint i = 0; i < G_N_ELEMENTS (media); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s.wav", media[i].id);
      g_autoptr(StrataSource) source = strata_source_new (media[i].id, path, media[i].channels,
                                                          media[i].frames);
      g_list_store_append (sources, source);
      src[i] = source;
    }
  for (guint i = 0; i < 3; i++)
    push_ok (project, strata_commands_add_track (project, i == 1 ? 1 : 2, NULL, i, &t[i]));
  push_ok (project, strata_commands_add_bus (project, "Drums", 0, &drums));
  push_ok (project, strata_commands_add_bus (project, "Verb", 1, &verb));
  for (guint i = 0; i < 3; i++)
    for (guint k = 0; k < 3; k++)
      {
        g_autoptr(StrataClip) clip = strata_clip_new (src[(i + k) % 3], k * 3 * SR, k * SR, 2 * SR);
        push_ok (project, strata_commands_add_clip (project, t[i], clip, NULL));
      }
  push_ok (project, strata_commands_set_output (project, STRATA_STRIP (t[0]), "bus1", NULL));
  push_ok (project, strata_commands_add_send (project, STRATA_STRIP (t[1]), "bus2", -12, FALSE,
                                              NULL));
  push_ok (project, strata_commands_add_send (project, STRATA_STRIP (drums), "bus2", -6, TRUE,
                                              NULL));
  push_ok (project, strata_commands_add_point (project, STRATA_STRIP (t[2]), "volume_db", 0,
                                               -20, NULL));
  push_ok (project, strata_commands_add_point (project, STRATA_STRIP (t[2]), "volume_db", SR,
                                               0, NULL));
  push_ok (project, strata_commands_add_point (project, STRATA_STRIP (verb), "pan", SR, 0.5,
                                               NULL));
  push_ok (project, strata_commands_add_marker (project, "Verse", 2 * SR));
  push_ok (project, strata_commands_set_tempo (project, 9, 96, 3, 4, NULL));
  push_ok (project, strata_commands_set_loop (project, 0, 4 * SR, TRUE, NULL));
  /* The starting point is a loaded project: no history. */
  strata_undo_stack_clear (strata_project_get_undo_stack (project));
  strata_project_mark_saved (project);
  check_invariants (project);
  return project;
}

static void
run_seed (guint32 seed, gboolean check_coverage)
{
  Run run = { 0 };
  StrataUndoStack *stack;
  g_autofree char *s0 = NULL;
  g_autofree char *s1 = NULL;
  guint n_applied = 0, n_refused = 0, depth;

  g_test_message ("seed %u", seed);
  run.rand = g_rand_new_with_seed (seed);
  run.project = starting_project ();
  run.snapshots = g_ptr_array_new_with_free_func (g_free);
  stack = strata_project_get_undo_stack (run.project);
  refresh_state (&run);
  s0 = g_strdup (run.state);
  g_ptr_array_add (run.snapshots, g_strdup (s0));

  for (guint step = 0; step < N_EDITS; step++)
    {
      one_edit (&run, step);
      if (chance (&run, 0.05))
        undo_some (&run, rnd (&run, 1, 4), step);
    }

  /* The last undos may have been left undone: the end state is the top of the stack. */
  while (strata_undo_stack_redo (stack))
    check_invariants (run.project);
  refresh_state (&run);
  s1 = g_strdup (run.state);
  depth = strata_undo_stack_get_depth (stack);
  for (guint i = 0; i < N_OPS; i++)
    {
      g_test_message ("%-16s applied %4u refused %4u", op_names[i], run.applied[i],
                      run.refused[i]);
      n_applied += run.applied[i];
      n_refused += run.refused[i];
    }
  g_test_message ("applied %u, refused %u, undo depth %u", n_applied, n_refused, depth);
  g_assert_cmpuint (n_applied, >=, N_EDITS / 2);
  g_assert_cmpuint (n_refused, >=, N_EDITS / 20);
  g_assert_cmpuint (depth, >=, N_EDITS / 4);
  /* Every kind of edit was really exercised (checked for the fixed seed, where it is known
   * to hold; a random seed may by chance never apply a rare one). */
  for (Op op = OP_ADD_CLIP; op <= OP_SET_PUNCH && check_coverage; op++)
    if (run.applied[op] == 0)
      g_error ("%s was never applied", op_names[op]);

  /* Undo everything: byte for byte the start. */
  while (strata_undo_stack_undo (stack))
    check_invariants (run.project);
  assert_state (&run, s0, "after undoing everything");
  g_assert_false (strata_project_get_dirty (run.project));

  /* Redo everything: byte for byte the end. */
  while (strata_undo_stack_redo (stack))
    check_invariants (run.project);
  assert_state (&run, s1, "after redoing everything");
  g_assert_cmpuint (strata_undo_stack_get_depth (stack), ==, depth);

  g_ptr_array_unref (run.snapshots);
  g_free (run.state);
  g_rand_free (run.rand);
  g_assert_finalize_object (run.project);
}

static void
test_fixed_seed (void)
{
  run_seed (20240229, TRUE);
}

static void
test_random_seed (void)
{
  const char *env = g_getenv ("STRATA_TEST_SEED");
  guint32 seed = env ? (guint32) g_ascii_strtoull (env, NULL, 10) : (guint32) g_test_rand_int ();

  /* Rerun a failure with STRATA_TEST_SEED=<seed>. */
  g_test_message ("STRATA_TEST_SEED=%u", seed);
  run_seed (seed, FALSE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/undo/random/fixed-seed", test_fixed_seed);
  g_test_add_func ("/undo/random/random-seed", test_random_seed);
  return g_test_run ();
}
