/* strata-graph.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Compiling the model into plain arrays, and mixing a block of them by the rules of
 * project-format.md. Every per-sample value (fades, automation, pan) is a function of the
 * absolute frame alone and sums are made in one fixed order, so the output does not depend on
 * the block size or on anything but the graph: a render is bit-identical to any other.
 */
#define G_LOG_DOMAIN "strata-graph"
#include "config.h"
#include "strata-graph.h"
#include "strata-gain.h"
#include "strata-effect.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  gint64 frame;
  double value;
} Point;

typedef struct
{
  Point *points;      /* NULL when not automated */
  guint  n;
  gboolean stepped;
} Curve;

typedef struct
{
  gint64 start;
  gint64 length;
  gint64 source_start;
  gint64 fade_in;
  gint64 fade_out;
  guint  source;
  guint  track;
  float  gain;
  gboolean mute;
} Clip;

typedef struct
{
  int      target;    /* bus index in processing order */
  float    gain;
  double   level_db;  /* as the project says, for the plan and the routing hash */
  gboolean pre_fader;
  int      delay;     /* delay line (latency compensation) of this path, or -1 */
} Send;

/* Automation of effect parameters lands on this absolute grid of timeline frames (and on
 * every automation point), whatever the caller's block size. */
#define INSERT_GRID 32

/* One compiled insert: its class, bypass, static values (clamped, choices as indices) and a
 * curve per automated parameter. */
typedef struct
{
  const StrataEffectClass *klass;
  gconstpointer key;          /* the StrataInsert, compared only, never dereferenced */
  gboolean      bypass;
  double        values[STRATA_EFFECT_MAX_PARAMS];
  Curve         curves[STRATA_EFFECT_MAX_PARAMS];
  guint         n_automated;
  guint         latency;      /* frames, with the static values */
  double        tail;         /* seconds, with the static values */
} Insert;

typedef struct
{
  char    *id;
  char    *name;
  guint    channels;
  double   volume_db;
  double   pan;
  gboolean mute;
  gboolean audible;   /* not silenced by another strip's solo */
  gboolean soloed;
  Curve    volume;
  Curve    pan_curve;
  Curve    mute_curve;
  int      output;    /* bus index in processing order, or -1 for the master */
  Send    *sends;
  guint    n_sends;
  guint    first_clip;
  guint    n_clips;
  guint    stem;
  Insert  *inserts;
  guint    n_inserts;
  guint    first_fx;  /* index of its first insert among all the graph's */
  guint    latency;   /* of its inserts, bypassed ones excluded */
  double   tail;      /* seconds: the sum of its inserts' tails */
  guint    arrival;   /* the latency its input arrives with, all paths aligned */
  int      delay;     /* delay line of its output path, or -1 */
} Strip;

struct _StrataGraph
{
  gint               ref_count;
  guint              rate;
  StrataGraphSource *sources;
  guint              n_sources;
  Clip              *clips;
  guint              n_clips;
  Strip             *tracks;
  guint              n_tracks;
  Strip             *buses;      /* in processing order: a bus after every bus feeding it */
  guint              n_buses;
  Strip              master;
  StrataGraphStem   *stems;      /* tracks, then buses, in project order */
  guint              n_stems;
  gint64             default_end;
  guint              n_fx;         /* inserts over all strips */
  guint             *delay_frames; /* per delay line */
  guint              n_delays;
  guint              latency;      /* of the whole graph: the master's output */
  double             bpm;          /* of the first tempo segment, for tags and the plan */
  guint              numerator;
  guint              denominator;
};

/* A running effect, shared by every state that processes the same insert (the render's two
 * read-ahead states; the engine's old and new programs across a recompile), freed when the
 * last lets go. Refcounted on the main thread only. `applied` is what it was last told. */
typedef struct
{
  gint          ref_count;
  StrataEffect *effect;
  double        applied[STRATA_EFFECT_MAX_PARAMS];
} Fx;

typedef struct
{
  float *buffer;   /* frames * 2 */
  guint  frames;
  guint  pos;
} DelayLine;

/* The state that must carry over from block to block: effects and latency delay lines. The
 * render's two states share one. */
typedef struct
{
  gint       ref_count;
  Fx       **fx;        /* graph->n_fx */
  guint      n_fx;
  DelayLine *delays;    /* graph->n_delays */
  guint      n_delays;
  gboolean   primed;    /* automation was evaluated once since it was made */
} Dsp;

struct _StrataGraphState
{
  guint           max_block;
  StrataClipSpan *spans;
  guint           span_capacity;
  guint           n_spans;
  gint64          position;
  guint           n_frames;
  float          *span_audio;
  float          *track;      /* max_block * 2 */
  float          *bus_in;     /* n_buses * max_block * 2 */
  float          *master_in;  /* max_block * 2 */
  float          *stems;      /* n_stems * max_block * 2: own_stems or the caller's */
  float          *own_stems;
  float          *gain;       /* max_block */
  float          *mute;       /* max_block */
  float          *pan_l;      /* max_block */
  float          *pan_r;      /* max_block */
  double         *values;     /* max_block: automation values */
  gboolean        prefetch;   /* prepare muted tracks too */
  const float   **inputs;     /* n_tracks: live input for the next process, or NULL */
  guint           n_tracks;
  gboolean        keep_stems; /* keep each strip's output in its stem buffer */
  float          *scratch;    /* max_block * 2: a delayed send's contribution */
  float          *zeros;      /* max_block * 2 */
  float          *split;      /* n_tracks * max_block * 2: tracks processed apart, or NULL */
  Dsp            *dsp;
};

/* ---- compiling ------------------------------------------------------------------------ */

static void
curve_from_lane (Curve *curve, StrataStrip *strip, const char *param)
{
  StrataAutomationLane *lane = strata_strip_find_lane (strip, param);
  const StrataAutomationPoint *points;
  guint n;

  memset (curve, 0, sizeof *curve);
  if (lane == NULL || !strata_automation_lane_get_enabled (lane))
    return;
  points = strata_automation_lane_get_points (lane, &n);
  if (n == 0)
    return;
  curve->points = g_new (Point, n);
  curve->n = n;
  curve->stepped = strata_automation_lane_is_stepped (lane);
  for (guint i = 0; i < n; i++)
    curve->points[i] = (Point) { points[i].frame, points[i].value };
}

static int
bus_index_in (GPtrArray *order, const char *id)
{
  if (id == NULL || g_str_equal (id, "master"))
    return -1;
  for (guint i = 0; i < order->len; i++)
    if (g_str_equal (strata_strip_get_id (order->pdata[i]), id))
      return (int) i;
  return -1;
}

/* A parameter's static value from the insert's a{sv}: a number (clamped), a choice's name or
 * a toggle's boolean; the default when absent or not understood. */
double
strata_graph_param_value (const StrataParamDesc *desc, GVariant *params)
{
  g_autoptr(GVariant) v = params ? g_variant_lookup_value (params, desc->name, NULL) : NULL;
  double value = desc->def;

  if (v == NULL)
    return desc->def;
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_DOUBLE))
    value = g_variant_get_double (v);
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN))
    value = g_variant_get_boolean (v) ? 1.0 : 0.0;
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    {
      int i = strata_effect_choice_index (desc, g_variant_get_string (v, NULL));
      value = i >= 0 ? (double) i : desc->def;
    }
  return strata_effect_param_clamp (desc, value);
}

/* Latency and tail of an insert with its static values, from a short-lived instance. */
static void
insert_probe (Insert *insert, guint rate, guint channels)
{
  StrataEffect *effect = strata_effect_new (insert->klass, rate, channels);

  if (effect == NULL)
    return;
  for (guint p = 0; p < insert->klass->n_params; p++)
    strata_effect_set_param (effect, p, insert->values[p]);
  insert->latency = strata_effect_latency (effect);
  insert->tail = strata_effect_tail (effect);
  strata_effect_free (effect);
}

static void
inserts_compile (Strip *strip, StrataStrip *model, guint rate)
{
  GListModel *inserts = strata_strip_get_inserts (model);
  guint n = g_list_model_get_n_items (inserts);

  strip->inserts = g_new0 (Insert, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataInsert) item = g_list_model_get_item (inserts, i);
      const StrataEffectClass *klass = strata_effect_class_find (strata_insert_get_kind (item));
      Insert *insert = &strip->inserts[strip->n_inserts];

      if (klass == NULL)    /* validated projects name known types */
        continue;
      strip->n_inserts++;
      insert->klass = klass;
      insert->key = item;
      insert->bypass = strata_insert_get_bypass (item);
      for (guint p = 0; p < klass->n_params && p < STRATA_EFFECT_MAX_PARAMS; p++)
        {
          g_autofree char *lane = g_strdup_printf ("inserts[%u].%s", i, klass->params[p].name);
          insert->values[p] = strata_graph_param_value (&klass->params[p],
                                                        strata_insert_get_params (item));
          curve_from_lane (&insert->curves[p], model, lane);
          for (guint k = 0; k < insert->curves[p].n; k++)
            insert->curves[p].points[k].value =
              strata_effect_param_clamp (&klass->params[p], insert->curves[p].points[k].value);
          insert->n_automated += insert->curves[p].n > 0;
        }
      insert_probe (insert, rate, strip->channels);
      if (!insert->bypass)
        {
          strip->latency += insert->latency;
          strip->tail += insert->tail;
        }
    }
}

static void
strip_compile (Strip *strip, StrataStrip *model, guint channels, GPtrArray *bus_order,
               guint rate)
{
  GListModel *sends = strata_strip_get_sends (model);

  strip->id = g_strdup (strata_strip_get_id (model));
  strip->name = g_strdup (strata_strip_get_name (model));
  strip->channels = channels;
  strip->volume_db = strata_strip_get_volume_db (model);
  strip->pan = strata_strip_get_pan (model);
  strip->mute = strata_strip_get_mute (model);
  strip->soloed = strata_strip_get_solo (model);
  strip->audible = TRUE;
  strip->output = bus_index_in (bus_order, strata_strip_get_output (model));
  curve_from_lane (&strip->volume, model, "volume_db");
  curve_from_lane (&strip->pan_curve, model, "pan");
  curve_from_lane (&strip->mute_curve, model, "mute");
  inserts_compile (strip, model, rate);
  strip->delay = -1;
  strip->n_sends = g_list_model_get_n_items (sends);
  strip->sends = g_new0 (Send, MAX (strip->n_sends, 1));
  for (guint i = 0; i < strip->n_sends; i++)
    {
      g_autoptr(StrataSend) send = g_list_model_get_item (sends, i);
      strip->sends[i].target = bus_index_in (bus_order, strata_send_get_bus (send));
      strip->sends[i].level_db = strata_send_get_level_db (send);
      strip->sends[i].gain = strata_db_to_gain (strip->sends[i].level_db);
      strip->sends[i].pre_fader = strata_send_get_pre_fader (send);
      strip->sends[i].delay = -1;
    }
}

static void
strip_clear (Strip *strip)
{
  g_free (strip->id);
  g_free (strip->name);
  g_free (strip->volume.points);
  g_free (strip->pan_curve.points);
  g_free (strip->mute_curve.points);
  g_free (strip->sends);
  for (guint i = 0; i < strip->n_inserts; i++)
    for (guint p = 0; p < STRATA_EFFECT_MAX_PARAMS; p++)
      g_free (strip->inserts[i].curves[p].points);
  g_free (strip->inserts);
}

/* Buses ordered so that each comes after every bus that feeds it (by output or send). */
static GPtrArray *
order_buses (StrataProject *project)
{
  GListModel *buses = strata_project_get_buses (project);
  guint n = g_list_model_get_n_items (buses);
  GPtrArray *order = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree guint *feeders = g_new0 (guint, MAX (n, 1));
  g_autofree gboolean *done = g_new0 (gboolean, MAX (n, 1));
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataStrip) bus = g_list_model_get_item (buses, i);
      g_hash_table_insert (index, (gpointer) strata_strip_get_id (bus), GUINT_TO_POINTER (i + 1));
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataStrip) bus = g_list_model_get_item (buses, i);
      GListModel *sends = strata_strip_get_sends (bus);
      guint target = GPOINTER_TO_UINT (g_hash_table_lookup (index, strata_strip_get_output (bus)));

      if (target)
        feeders[target - 1]++;
      for (guint s = 0; s < g_list_model_get_n_items (sends); s++)
        {
          g_autoptr(StrataSend) send = g_list_model_get_item (sends, s);
          target = GPOINTER_TO_UINT (g_hash_table_lookup (index, strata_send_get_bus (send)));
          if (target)
            feeders[target - 1]++;
        }
    }
  /* Kahn's algorithm, always taking the first ready bus in project order. */
  while (order->len < n)
    {
      guint i = 0;
      StrataStrip *bus;
      GListModel *sends;
      guint target;

      while (i < n && (done[i] || feeders[i] > 0))
        i++;
      g_assert (i < n);  /* validated projects have no cycles */
      done[i] = TRUE;
      bus = g_list_model_get_item (buses, i);
      g_ptr_array_add (order, bus);
      target = GPOINTER_TO_UINT (g_hash_table_lookup (index, strata_strip_get_output (bus)));
      if (target)
        feeders[target - 1]--;
      sends = strata_strip_get_sends (bus);
      for (guint s = 0; s < g_list_model_get_n_items (sends); s++)
        {
          g_autoptr(StrataSend) send = g_list_model_get_item (sends, s);
          target = GPOINTER_TO_UINT (g_hash_table_lookup (index, strata_send_get_bus (send)));
          if (target)
            feeders[target - 1]--;
        }
    }
  return order;
}

/* Whether `strip` reaches a soloed bus through outputs and sends. */
static gboolean
feeds_soloed (const StrataGraph *graph, const Strip *strip, guint depth)
{
  if (depth > graph->n_buses)
    return FALSE;
  if (strip->output >= 0)
    {
      const Strip *bus = &graph->buses[strip->output];
      if (bus->soloed || feeds_soloed (graph, bus, depth + 1))
        return TRUE;
    }
  for (guint s = 0; s < strip->n_sends; s++)
    {
      const Strip *bus = &graph->buses[strip->sends[s].target];
      if (bus->soloed || feeds_soloed (graph, bus, depth + 1))
        return TRUE;
    }
  return FALSE;
}

/* Solo: with anything soloed, a track sounds only if it is soloed or feeds a soloed bus,
 * directly or through other buses (outputs and sends alike). Buses are never silenced. */
static void
resolve_solo (StrataGraph *graph)
{
  gboolean any = FALSE;

  for (guint i = 0; i < graph->n_tracks; i++)
    any |= graph->tracks[i].soloed;
  for (guint i = 0; i < graph->n_buses; i++)
    any |= graph->buses[i].soloed;
  for (guint i = 0; any && i < graph->n_tracks; i++)
    graph->tracks[i].audible = graph->tracks[i].soloed
                               || feeds_soloed (graph, &graph->tracks[i], 0);
}

/* The strip that the path from `strip` (output -1, else send s) leads to. */
static Strip *
path_target (StrataGraph *graph, const Strip *strip, int s)
{
  int target = s < 0 ? strip->output : strip->sends[s].target;
  return target < 0 ? &graph->master : &graph->buses[target];
}

static void
strip_arrivals (StrataGraph *graph, const Strip *strip, double *tails, const double *tail)
{
  for (int s = -1; s < (int) strip->n_sends; s++)
    {
      Strip *target = path_target (graph, strip, s);
      double *target_tail = &tails[target == &graph->master ? graph->n_buses
                                                            : (guint) (target - graph->buses)];
      target->arrival = MAX (target->arrival, strip->arrival + strip->latency);
      *target_tail = MAX (*target_tail, *tail + strip->tail);
    }
}

static void
strip_delays (StrataGraph *graph, Strip *strip, GArray *frames)
{
  for (int s = -1; s < (int) strip->n_sends; s++)
    {
      guint d = path_target (graph, strip, s)->arrival - (strip->arrival + strip->latency);
      int *slot = s < 0 ? &strip->delay : &strip->sends[s].delay;

      if (d == 0)
        continue;
      *slot = (int) frames->len;
      g_array_append_val (frames, d);
    }
}

/* Latency compensation: every input of a bus (or of the master) arrives with the latency of
 * its slowest path, the others being delayed to it by a delay line on their path (output or
 * send); the graph's latency is the master's input arrival plus the master's own. The
 * longest tail over the paths, and the latency, extend the default range. Buses are in
 * processing order, so a bus's arrival is final when it is reached. */
static void
compensate_latency (StrataGraph *graph)
{
  g_autofree double *tails = g_new0 (double, graph->n_buses + 1);
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (guint));
  double zero = 0.0, tail;
  guint fx = 0;

  for (guint t = 0; t < graph->n_tracks; t++)
    strip_arrivals (graph, &graph->tracks[t], tails, &zero);
  for (guint b = 0; b < graph->n_buses; b++)
    strip_arrivals (graph, &graph->buses[b], tails, &tails[b]);
  for (guint t = 0; t < graph->n_tracks; t++)
    strip_delays (graph, &graph->tracks[t], frames);
  for (guint b = 0; b < graph->n_buses; b++)
    strip_delays (graph, &graph->buses[b], frames);
  graph->latency = graph->master.arrival + graph->master.latency;
  /* A stem is taken after its strip's inserts, before its path's delay line. */
  for (guint t = 0; t < graph->n_tracks; t++)
    graph->stems[t].latency = graph->tracks[t].arrival + graph->tracks[t].latency;
  for (guint b = 0; b < graph->n_buses; b++)
    graph->stems[graph->buses[b].stem].latency = graph->buses[b].arrival + graph->buses[b].latency;
  graph->n_delays = frames->len;
  graph->delay_frames = (guint *) g_array_free (frames, FALSE);

  for (guint t = 0; t < graph->n_tracks; t++)
    graph->tracks[t].first_fx = fx, fx += graph->tracks[t].n_inserts;
  for (guint b = 0; b < graph->n_buses; b++)
    graph->buses[b].first_fx = fx, fx += graph->buses[b].n_inserts;
  graph->master.first_fx = fx, fx += graph->master.n_inserts;
  graph->n_fx = fx;

  tail = tails[graph->n_buses] + graph->master.tail;
  if (graph->default_end > 0 && (tail > 0.0 || graph->latency > 0))
    graph->default_end += (gint64) ceil (tail * graph->rate) + graph->latency;
}

StrataGraph *
strata_graph_compile (StrataProject *project, GError **error)
{
  g_autoptr(StrataGraph) graph = g_new0 (StrataGraph, 1);

  GListModel *sources = strata_project_get_sources (project);
  GListModel *tracks = strata_timeline_get_tracks (strata_project_get_timeline (project));
  GListModel *buses = strata_project_get_buses (project);
  g_autoptr(GPtrArray) bus_order = NULL;
  g_autoptr(GHashTable) source_index = g_hash_table_new (NULL, NULL);
  GArray *clips = g_array_new (FALSE, TRUE, sizeof (Clip));
  guint stem = 0;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  graph->ref_count = 1;
  if (!strata_project_validate (project, error))
    {
      g_array_unref (clips);
      return NULL;
    }

  graph->rate = strata_project_get_sample_rate (project);
  {
    StrataTempoMap *map = strata_timeline_get_tempo_map (strata_project_get_timeline (project));
    const StrataTempoSegment *first = strata_tempo_map_get_segment (map, 0);
    graph->bpm = first->bpm;
    graph->numerator = first->numerator;
    graph->denominator = first->denominator;
  }
  graph->n_sources = g_list_model_get_n_items (sources);
  graph->sources = g_new0 (StrataGraphSource, MAX (graph->n_sources, 1));
  for (guint i = 0; i < graph->n_sources; i++)
    {
      g_autoptr(StrataSource) source = g_list_model_get_item (sources, i);
      graph->sources[i].id = g_strdup (strata_source_get_id (source));
      graph->sources[i].file_path = g_strdup (strata_source_get_file_path (source));
      graph->sources[i].hash = g_strdup (strata_source_get_hash (source));
      graph->sources[i].channels = strata_source_get_channels (source);
      graph->sources[i].frames = strata_source_get_frames (source);
      g_hash_table_insert (source_index, source, GUINT_TO_POINTER (i));
    }

  bus_order = order_buses (project);
  graph->n_buses = bus_order->len;
  graph->buses = g_new0 (Strip, MAX (graph->n_buses, 1));
  for (guint i = 0; i < graph->n_buses; i++)
    strip_compile (&graph->buses[i], bus_order->pdata[i], 2, bus_order, graph->rate);

  graph->n_tracks = g_list_model_get_n_items (tracks);
  graph->tracks = g_new0 (Strip, MAX (graph->n_tracks, 1));
  for (guint t = 0; t < graph->n_tracks; t++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, t);
      GListModel *track_clips = strata_track_get_clips (track);
      Strip *strip = &graph->tracks[t];

      strip_compile (strip, STRATA_STRIP (track), strata_track_get_channels (track), bus_order,
                     graph->rate);
      strip->first_clip = clips->len;
      strip->n_clips = g_list_model_get_n_items (track_clips);
      strip->stem = stem++;
      for (guint c = 0; c < strip->n_clips; c++)
        {
          g_autoptr(StrataClip) model = g_list_model_get_item (track_clips, c);
          Clip clip = {
            .start = strata_clip_get_start (model),
            .length = strata_clip_get_length (model),
            .source_start = strata_clip_get_source_start (model),
            .fade_in = strata_clip_get_fade_in (model),
            .fade_out = strata_clip_get_fade_out (model),
            .source = GPOINTER_TO_UINT (g_hash_table_lookup (source_index,
                                                             strata_clip_get_source (model))),
            .track = t,
            .gain = strata_db_to_gain (strata_clip_get_gain_db (model)),
            .mute = strata_clip_get_mute (model),
          };
          g_array_append_val (clips, clip);
        }
    }
  graph->n_clips = clips->len;
  graph->clips = (Clip *) g_array_free (clips, FALSE);

  strip_compile (&graph->master, STRATA_STRIP (strata_project_get_master (project)), 2,
                 bus_order, graph->rate);
  graph->master.output = -1;
  resolve_solo (graph);

  /* Stems: tracks, then buses in project order. */
  graph->n_stems = graph->n_tracks + graph->n_buses;
  graph->stems = g_new0 (StrataGraphStem, MAX (graph->n_stems, 1));
  for (guint t = 0; t < graph->n_tracks; t++)
    graph->stems[t] = (StrataGraphStem) { STRATA_STEM_TRACK, graph->tracks[t].id,
                                          graph->tracks[t].name, graph->tracks[t].output < 0, 0 };
  for (guint b = 0; b < g_list_model_get_n_items (buses); b++)
    {
      g_autoptr(StrataStrip) model = g_list_model_get_item (buses, b);
      int i = bus_index_in (bus_order, strata_strip_get_id (model));
      graph->buses[i].stem = stem;
      graph->stems[stem++] = (StrataGraphStem) { STRATA_STEM_BUS, graph->buses[i].id,
                                                 graph->buses[i].name,
                                                 graph->buses[i].output < 0, 0 };
    }

  for (guint c = 0; c < graph->n_clips; c++)
    {
      const Clip *clip = &graph->clips[c];
      const Strip *track = &graph->tracks[clip->track];
      if (!clip->mute && !track->mute)
        graph->default_end = MAX (graph->default_end, clip->start + clip->length);
    }
  compensate_latency (graph);
  return g_steal_pointer (&graph);
}

StrataGraph *
strata_graph_ref (StrataGraph *graph)
{
  g_atomic_int_inc (&graph->ref_count);
  return graph;
}

/* Frees on whichever thread lets go last: never the audio thread, which hands its graphs back
 * to the main thread instead. */
void
strata_graph_unref (StrataGraph *graph)
{
  if (graph == NULL || !g_atomic_int_dec_and_test (&graph->ref_count))
    return;
  for (guint i = 0; i < graph->n_sources; i++)
    {
      g_free ((char *) graph->sources[i].id);
      g_free ((char *) graph->sources[i].file_path);
      g_free ((char *) graph->sources[i].hash);
    }
  for (guint i = 0; i < graph->n_tracks; i++)
    strip_clear (&graph->tracks[i]);
  for (guint i = 0; i < graph->n_buses; i++)
    strip_clear (&graph->buses[i]);
  strip_clear (&graph->master);
  g_free (graph->sources);
  g_free (graph->clips);
  g_free (graph->tracks);
  g_free (graph->buses);
  g_free (graph->stems);
  g_free (graph->delay_frames);
  g_free (graph);
}

guint
strata_graph_get_sample_rate (const StrataGraph *graph)
{
  return graph->rate;
}

void
strata_graph_get_tempo (const StrataGraph *graph, gdouble *bpm, guint *numerator,
                        guint *denominator)
{
  *bpm = graph->bpm;
  *numerator = graph->numerator;
  *denominator = graph->denominator;
}

guint64
strata_graph_get_clip_layout (const StrataGraph *graph)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  guint64 layout;

  g_checksum_update (sum, (const guchar *) &graph->n_tracks, sizeof graph->n_tracks);
  for (guint c = 0; c < graph->n_clips; c++)
    {
      const Clip *clip = &graph->clips[c];
      const char *file = graph->sources[clip->source].file_path;
      gint64 v[4] = { clip->track, clip->start, clip->length, clip->source_start };

      g_checksum_update (sum, (const guchar *) v, sizeof v);
      g_checksum_update (sum, (const guchar *) (file ? file : ""), -1);
    }
  g_checksum_get_digest (sum, digest, &len);
  g_checksum_free (sum);
  memcpy (&layout, digest, sizeof layout);
  return layout;
}

guint
strata_graph_get_n_tracks (const StrataGraph *graph)
{
  return graph->n_tracks;
}

guint
strata_graph_get_track_channels (const StrataGraph *graph, guint track)
{
  g_return_val_if_fail (track < graph->n_tracks, 0);
  return graph->tracks[track].channels;
}

gboolean
strata_graph_find_strip (const StrataGraph *graph, const char *id, StrataGraphStripKind *kind,
                         guint *index)
{
  for (guint t = 0; t < graph->n_tracks; t++)
    if (g_strcmp0 (graph->tracks[t].id, id) == 0)
      return *kind = STRATA_GRAPH_STRIP_TRACK, *index = t, TRUE;
  for (guint b = 0; b < graph->n_buses; b++)
    if (g_strcmp0 (graph->buses[b].id, id) == 0)
      return *kind = STRATA_GRAPH_STRIP_BUS, *index = b, TRUE;
  if (g_strcmp0 (graph->master.id, id) == 0)
    return *kind = STRATA_GRAPH_STRIP_MASTER, *index = 0, TRUE;
  return FALSE;
}

/* The strip strata_graph_find_strip() located, or NULL. */
static Strip *
strip_at (const StrataGraph *graph, StrataGraphStripKind kind, guint index)
{
  if (kind == STRATA_GRAPH_STRIP_TRACK && index < graph->n_tracks)
    return &graph->tracks[index];
  if (kind == STRATA_GRAPH_STRIP_BUS && index < graph->n_buses)
    return &graph->buses[index];
  if (kind == STRATA_GRAPH_STRIP_MASTER)
    return (Strip *) &graph->master;
  return NULL;
}

void
strata_graph_set_param (StrataGraph *graph, StrataGraphStripKind kind, guint index,
                        StrataGraphParam param, double value)
{
  Strip *strip = strip_at (graph, kind, index);

  if (strip == NULL)
    return;
  switch (param)
    {
    case STRATA_GRAPH_PARAM_VOLUME_DB:
      strip->volume_db = value;
      break;
    case STRATA_GRAPH_PARAM_PAN:
      strip->pan = CLAMP (value, -1.0, 1.0);
      break;
    case STRATA_GRAPH_PARAM_MUTE:
      strip->mute = value >= 0.5;
      break;
    }
}

void
strata_graph_set_insert_param (StrataGraph *graph, StrataGraphStripKind kind, guint index,
                               guint insert, guint param, double value)
{
  Strip *strip = strip_at (graph, kind, index);

  if (strip != NULL && insert < strip->n_inserts && param < strip->inserts[insert].klass->n_params)
    strip->inserts[insert].values[param] =
      strata_effect_param_clamp (&strip->inserts[insert].klass->params[param], value);
}

guint
strata_graph_get_latency (const StrataGraph *graph)
{
  return graph->latency;
}

guint
strata_graph_get_n_sources (const StrataGraph *graph)
{
  return graph->n_sources;
}

const StrataGraphSource *
strata_graph_get_source (const StrataGraph *graph, guint index)
{
  g_return_val_if_fail (index < graph->n_sources, NULL);
  return &graph->sources[index];
}

guint
strata_graph_get_n_stems (const StrataGraph *graph)
{
  return graph->n_stems;
}

const StrataGraphStem *
strata_graph_get_stem (const StrataGraph *graph, guint index)
{
  g_return_val_if_fail (index < graph->n_stems, NULL);
  return &graph->stems[index];
}

/* Frame 0 to the end of the last unmuted clip on an unmuted track. */
void
strata_graph_default_range (const StrataGraph *graph, gint64 *start, gint64 *end)
{
  *start = 0;
  *end = graph->default_end;
}

/* ---- state -------------------------------------------------------------------------------- */

/* Whether a strip can make no sound at all: a static mute without a mute lane, or silenced by a
 * solo elsewhere (a silent track's clips need not even be read). */
static gboolean
strip_silent (const Strip *strip)
{
  return !strip->audible || (strip->mute && strip->mute_curve.n == 0);
}

/* The most clips of one track that any window of `block` frames can touch: clips do not
 * overlap, so a window starting at a clip's last frame reaches the most that follow it. */
static guint
track_span_capacity (const StrataGraph *graph, const Strip *track, guint block)
{
  const Clip *clips = graph->clips + track->first_clip;
  guint best = 0, j = 0;

  for (guint i = 0; i < track->n_clips; i++)
    {
      gint64 window_end = clips[i].start + clips[i].length - 1 + block;
      j = MAX (j, i);
      while (j < track->n_clips && clips[j].start < window_end)
        j++;
      best = MAX (best, j - i);
    }
  return best;
}

/* A new instance for `insert`, its static values applied before any process (so at once). */
static Fx *
fx_new (const StrataGraph *graph, const Strip *strip, const Insert *insert)
{
  Fx *fx = g_new0 (Fx, 1);

  fx->ref_count = 1;
  fx->effect = strata_effect_new (insert->klass, graph->rate, strip->channels);
  if (fx->effect == NULL)
    g_error ("out of memory creating a '%s' effect", insert->klass->type);
  for (guint p = 0; p < insert->klass->n_params; p++)
    {
      strata_effect_set_param (fx->effect, p, insert->values[p]);
      fx->applied[p] = insert->values[p];
    }
  return fx;
}

static void
fx_unref (Fx *fx)
{
  if (fx == NULL || !g_atomic_int_dec_and_test (&fx->ref_count))
    return;
  strata_effect_free (fx->effect);
  g_free (fx);
}

static const Strip *
strip_by_id (const StrataGraph *graph, const char *id)
{
  StrataGraphStripKind kind;
  guint index;

  if (graph == NULL || !strata_graph_find_strip (graph, id, &kind, &index))
    return NULL;
  return strip_at (graph, kind, index);
}

/* The running instance of `prev`'s that `strip`'s insert i continues, or -1: the same
 * StrataInsert (pass 0), or the same type at the same position (pass 1), on the strip of the
 * same id with as many channels, not taken by another insert already. */
static int
fx_match (const Strip *strip, guint i, const Strip *prev, const Dsp *prev_dsp,
          const gboolean *taken, guint pass)
{
  const Insert *insert = &strip->inserts[i];

  if (prev == NULL || prev->channels != strip->channels)
    return -1;
  for (guint j = 0; j < prev->n_inserts; j++)
    {
      guint slot = prev->first_fx + j;
      gboolean same = pass == 0 ? prev->inserts[j].key == insert->key : j == i;

      if (same && prev->inserts[j].klass == insert->klass && !taken[slot]
          && slot < prev_dsp->n_fx && prev_dsp->fx[slot] != NULL)
        return (int) slot;
    }
  return -1;
}

static void
dsp_fill_strip (Dsp *dsp, const StrataGraph *graph, const Strip *strip,
                const StrataGraph *prev_graph, const Dsp *prev_dsp, gboolean *taken)
{
  const Strip *prev = prev_dsp ? strip_by_id (prev_graph, strip->id) : NULL;

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < strip->n_inserts; i++)
      {
        int slot;

        if (dsp->fx[strip->first_fx + i] != NULL)
          continue;
        slot = fx_match (strip, i, prev, prev_dsp, taken, pass);
        if (slot < 0)
          continue;
        taken[slot] = TRUE;
        dsp->fx[strip->first_fx + i] = prev_dsp->fx[slot];
        g_atomic_int_inc (&prev_dsp->fx[slot]->ref_count);
      }
  for (guint i = 0; i < strip->n_inserts; i++)
    if (dsp->fx[strip->first_fx + i] == NULL)
      dsp->fx[strip->first_fx + i] = fx_new (graph, strip, &strip->inserts[i]);
}

static Dsp *
dsp_new (const StrataGraph *graph, const StrataGraph *prev_graph, const Dsp *prev_dsp)
{
  Dsp *dsp = g_new0 (Dsp, 1);
  g_autofree gboolean *taken = g_new0 (gboolean, prev_dsp ? MAX (prev_dsp->n_fx, 1) : 1);

  dsp->ref_count = 1;
  dsp->n_fx = graph->n_fx;
  dsp->fx = g_new0 (Fx *, MAX (graph->n_fx, 1));
  for (guint t = 0; t < graph->n_tracks; t++)
    dsp_fill_strip (dsp, graph, &graph->tracks[t], prev_graph, prev_dsp, taken);
  for (guint b = 0; b < graph->n_buses; b++)
    dsp_fill_strip (dsp, graph, &graph->buses[b], prev_graph, prev_dsp, taken);
  dsp_fill_strip (dsp, graph, &graph->master, prev_graph, prev_dsp, taken);

  dsp->n_delays = graph->n_delays;
  dsp->delays = g_new0 (DelayLine, MAX (graph->n_delays, 1));
  for (guint i = 0; i < graph->n_delays; i++)
    {
      dsp->delays[i].frames = graph->delay_frames[i];
      dsp->delays[i].buffer = g_new0 (float, (gsize) graph->delay_frames[i] * 2);
      memset (dsp->delays[i].buffer, 0, (gsize) graph->delay_frames[i] * 2 * sizeof (float));
    }
  return dsp;
}

static void
dsp_unref (Dsp *dsp)
{
  if (dsp == NULL || !g_atomic_int_dec_and_test (&dsp->ref_count))
    return;
  for (guint i = 0; i < dsp->n_fx; i++)
    fx_unref (dsp->fx[i]);
  for (guint i = 0; i < dsp->n_delays; i++)
    g_free (dsp->delays[i].buffer);
  g_free (dsp->fx);
  g_free (dsp->delays);
  g_free (dsp);
}

StrataGraphState *
strata_graph_state_new (const StrataGraph *graph, guint max_block)
{
  return strata_graph_state_new_after (graph, max_block, NULL, NULL);
}

static StrataGraphState *state_new (const StrataGraph *graph, guint max_block);

StrataGraphState *
strata_graph_state_new_after (const StrataGraph *graph, guint max_block,
                              const StrataGraph *prev_graph, StrataGraphState *prev)
{
  StrataGraphState *state = state_new (graph, max_block);

  if (prev != NULL && prev_graph == graph)
    {
      state->dsp = prev->dsp;
      g_atomic_int_inc (&state->dsp->ref_count);
    }
  else
    state->dsp = dsp_new (graph, prev_graph, prev ? prev->dsp : NULL);
  return state;
}

StrataGraphState *
strata_graph_state_new_prefetch (const StrataGraph *graph, guint max_block)
{
  StrataGraphState *state = state_new (graph, max_block);

  state->prefetch = TRUE;
  return state;
}

/* Everything but the effects and delay lines. */
static StrataGraphState *
state_new (const StrataGraph *graph, guint max_block)
{
  StrataGraphState *state = g_new0 (StrataGraphState, 1);
  gsize block2 = (gsize) max_block * 2;

  g_return_val_if_fail (max_block > 0, NULL);

  state->max_block = max_block;
  state->keep_stems = TRUE;
  for (guint t = 0; t < graph->n_tracks; t++)
    if (graph->tracks[t].audible)     /* a muted track may be unmuted while playing */
      state->span_capacity += track_span_capacity (graph, &graph->tracks[t], max_block);
  state->spans = g_new0 (StrataClipSpan, MAX (state->span_capacity, 1));
  state->span_audio = g_new0 (float, MAX (state->span_capacity, 1) * block2);
  state->track = g_new0 (float, block2);
  state->bus_in = g_new0 (float, MAX (graph->n_buses, 1) * block2);
  state->master_in = g_new0 (float, block2);
  state->stems = state->own_stems = g_new0 (float, MAX (graph->n_stems, 1) * block2);
  state->gain = g_new0 (float, max_block);
  state->mute = g_new0 (float, max_block);
  state->values = g_new0 (double, max_block);
  state->pan_l = g_new0 (float, max_block);
  state->pan_r = g_new0 (float, max_block);
  state->n_tracks = graph->n_tracks;
  state->inputs = g_new0 (const float *, MAX (graph->n_tracks, 1));
  state->scratch = g_new0 (float, block2);
  state->zeros = g_new0 (float, block2);
  memset (state->scratch, 0, block2 * sizeof (float));
  /* Touch every page now: calloc'd memory is mapped on first write, and the first write may
   * come from the audio thread, where a page fault is a stall. */
  memset (state->span_audio, 0, MAX (state->span_capacity, 1) * block2 * sizeof (float));
  memset (state->bus_in, 0, MAX (graph->n_buses, 1) * block2 * sizeof (float));
  memset (state->stems, 0, MAX (graph->n_stems, 1) * block2 * sizeof (float));
  return state;
}

void
strata_graph_state_free (StrataGraphState *state)
{
  if (state == NULL)
    return;
  g_free (state->spans);
  g_free (state->span_audio);
  g_free (state->track);
  g_free (state->bus_in);
  g_free (state->master_in);
  g_free (state->own_stems);
  g_free (state->gain);
  g_free (state->mute);
  g_free (state->values);
  g_free (state->pan_l);
  g_free (state->pan_r);
  g_free (state->inputs);
  g_free (state->scratch);
  g_free (state->zeros);
  g_free (state->split);
  dsp_unref (state->dsp);
  g_free (state);
}

const StrataClipSpan *
strata_graph_prepare (const StrataGraph *graph, StrataGraphState *state, gint64 position,
                      guint n_frames, guint *n_spans)
{
  gint64 block_end = position + n_frames;

  state->n_spans = 0;
  state->position = position;
  state->n_frames = n_frames;
  for (guint t = 0; t < graph->n_tracks; t++)
    {
      const Strip *track = &graph->tracks[t];
      const Clip *clips = graph->clips + track->first_clip;
      guint lo = 0, hi = track->n_clips;

      if (!track->audible || (!state->prefetch && strip_silent (track)))
        continue;
      /* The first clip that ends after the block starts. */
      while (lo < hi)
        {
          guint mid = (lo + hi) / 2;
          if (clips[mid].start + clips[mid].length <= position)
            lo = mid + 1;
          else
            hi = mid;
        }
      for (guint c = lo; c < track->n_clips && clips[c].start < block_end; c++)
        {
          const Clip *clip = &clips[c];
          gint64 from = MAX (position, clip->start);
          gint64 to = MIN (block_end, clip->start + clip->length);
          StrataClipSpan *span;

          if (clip->mute || to <= from)
            continue;
          span = &state->spans[state->n_spans];
          span->clip = track->first_clip + c;
          span->track = t;
          span->source = clip->source;
          span->source_frame = clip->source_start + (from - clip->start);
          span->offset = (guint) (from - position);
          span->n = (guint) (to - from);
          span->buffer = state->span_audio + (gsize) state->n_spans * state->max_block * 2;
          state->n_spans++;
        }
    }
  *n_spans = state->n_spans;
  return state->spans;
}

void
strata_graph_state_set_input (StrataGraphState *state, guint track, const float *input)
{
  if (track < state->n_tracks)
    state->inputs[track] = input;
}

void
strata_graph_prepare_inputs_only (const StrataGraph *graph, StrataGraphState *state,
                                  gint64 position, guint n_frames)
{
  state->n_spans = 0;
  state->position = position;
  state->n_frames = n_frames;
}

void
strata_graph_state_set_prefetch (StrataGraphState *state, gboolean prefetch)
{
  state->prefetch = prefetch;
}

gboolean
strata_graph_tracks_have_inserts (const StrataGraph *graph)
{
  for (guint t = 0; t < graph->n_tracks; t++)
    if (!strip_silent (&graph->tracks[t]))
      for (guint i = 0; i < graph->tracks[t].n_inserts; i++)
        if (!graph->tracks[t].inserts[i].bypass)
          return TRUE;
  return FALSE;
}

void
strata_graph_state_set_split (StrataGraphState *state, gboolean split)
{
  g_clear_pointer (&state->split, g_free);
  if (split)
    state->split = g_new0 (float, MAX (state->n_tracks, 1) * (gsize) state->max_block * 2);
}

void
strata_graph_state_set_stem_buffer (StrataGraphState *state, float *stems)
{
  state->stems = stems ? stems : state->own_stems;
}

void
strata_graph_state_set_stems (StrataGraphState *state, gboolean stems)
{
  state->keep_stems = stems;
}

const float *
strata_graph_state_get_stem (StrataGraphState *state, guint index)
{
  return state->stems + (gsize) index * state->max_block * 2;
}

/* ---- processing --------------------------------------------------------------------------- */

/* The curve's value at each frame of the block: linear between points (or held, for a
 * stepped curve), held before the first and after the last; at two points on one frame the
 * later wins. */
static void
curve_values (const Curve *curve, gint64 position, guint n, double *values)
{
  const Point *p = curve->points;
  guint j = 0, lo = 0, hi = curve->n;

  /* j: the number of points at or before the frame. */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      if (p[mid].frame <= position)
        lo = mid + 1;
      else
        hi = mid;
    }
  j = lo;
  for (guint k = 0; k < n; k++)
    {
      gint64 frame = position + k;

      while (j < curve->n && p[j].frame <= frame)
        j++;
      if (j == 0)
        values[k] = p[0].value;
      else if (j == curve->n || curve->stepped)
        values[k] = p[j - 1].value;
      else
        values[k] = p[j - 1].value + (p[j].value - p[j - 1].value)
                                     * (double) (frame - p[j - 1].frame)
                                     / (double) (p[j].frame - p[j - 1].frame);
    }
}

/* 1 where the strip sounds, 0 where mute (static or automated) or another's solo silences
 * it: this silences its sends too. */
static void
strip_mute (const Strip *strip, StrataGraphState *state, gint64 position, guint n, float *mute)
{
  if (strip_silent (strip))
    memset (mute, 0, n * sizeof *mute);
  else if (strip->mute_curve.n > 0)
    {
      curve_values (&strip->mute_curve, position, n, state->values);
      for (guint k = 0; k < n; k++)
        mute[k] = state->values[k] >= 0.5 ? 0.0f : 1.0f;
    }
  else
    for (guint k = 0; k < n; k++)
      mute[k] = 1.0f;
}

/* The fader, interpolated in dB when automated, times `mute`. */
static void
strip_fader (const Strip *strip, StrataGraphState *state, gint64 position, guint n,
             const float *mute, float *gain)
{
  if (strip->volume.n > 0)
    {
      curve_values (&strip->volume, position, n, state->values);
      for (guint k = 0; k < n; k++)
        gain[k] = strata_db_to_gain (state->values[k]) * mute[k];
    }
  else
    {
      float g = strata_db_to_gain (strip->volume_db);
      for (guint k = 0; k < n; k++)
        gain[k] = g * mute[k];
    }
}

/* Pan gains per frame: constant power for a mono strip, balance for a stereo one. */
static void
strip_pans (const Strip *strip, StrataGraphState *state, gint64 position, guint n)
{
  void (*law) (double, float *, float *) = strip->channels == 1 ? strata_pan_mono
                                                                 : strata_pan_balance;

  if (strip->pan_curve.n == 0)
    {
      float l, r;
      law (strip->pan, &l, &r);
      for (guint k = 0; k < n; k++)
        {
          state->pan_l[k] = l;
          state->pan_r[k] = r;
        }
      return;
    }
  curve_values (&strip->pan_curve, position, n, state->values);
  for (guint k = 0; k < n; k++)
    law (state->values[k], &state->pan_l[k], &state->pan_r[k]);
}

/* Adds frames [from, to) of a span into the track buffer with gain g(f) for clip frame f; the
 * loops are written out per channel layout so the compiler can vectorise the common ones. */
#define MIX_LOOP(GAIN)                                                                        \
  if (source_channels == 1 && channels == 1)                                                  \
    for (guint k = from; k < to; k++) { gint64 f = first + k; (void) f;                       \
        out[k] += in[k] * (GAIN); }                                                           \
  else if (source_channels == 1)                                                              \
    for (guint k = from; k < to; k++) { gint64 f = first + k; (void) f;                       \
        float v = in[k] * (GAIN); out[2 * k] += v; out[2 * k + 1] += v; }                      \
  else if (channels == 1)                                                                     \
    for (guint k = from; k < to; k++) { gint64 f = first + k; (void) f; float g = (GAIN);     \
        out[k] += (in[2 * k] * g + in[2 * k + 1] * g) * 0.5f; }                                \
  else                                                                                        \
    for (guint k = from; k < to; k++) { gint64 f = first + k; (void) f; float g = (GAIN);     \
        out[2 * k] += in[2 * k] * g; out[2 * k + 1] += in[2 * k + 1] * g; }

/* Adds a clip's audio (gain and fades applied) into the track buffer: the fade-in frames, the
 * frames at full gain, then the fade-out frames. Each frame's gain depends on its clip frame
 * alone, whichever block it falls in. */
static void
mix_span (const StrataGraph *graph, const StrataClipSpan *span, gint64 position, guint channels,
          float *track)
{
  const Clip *clip = &graph->clips[span->clip];
  guint source_channels = graph->sources[clip->source].channels;
  gint64 first = position + span->offset - clip->start;    /* clip frame of the span start */
  gint64 fade_out_from = clip->length - clip->fade_out;
  const float *restrict in = span->buffer;
  float *restrict out = track + (gsize) span->offset * channels;
  float gain = clip->gain;
  float fade_in = (float) clip->fade_in, fade_out = (float) clip->fade_out;
  guint in_end = (guint) CLAMP (clip->fade_in - first, 0, (gint64) span->n);
  guint out_start = (guint) CLAMP (fade_out_from - first, (gint64) in_end, (gint64) span->n);
  guint from, to;

  from = 0, to = in_end;
  MIX_LOOP (gain * ((float) f / fade_in))
  from = in_end, to = out_start;
  MIX_LOOP (gain)
  from = out_start, to = span->n;
  MIX_LOOP (gain * ((float) (clip->fade_out - 1 - (f - fade_out_from)) / fade_out))
}

#undef MIX_LOOP

static float *
target_buffer (StrataGraphState *state, int target)
{
  if (target < 0)
    return state->master_in;
  return state->bus_in + (gsize) target * state->max_block * 2;
}

/* Adds `in` (stereo) into `out` through the delay line: out gets what went in `frames`
 * frames ago. */
static void
delay_add (DelayLine *line, const float *in, float *out, guint n)
{
  for (guint k = 0; k < n; k++)
    {
      float *cell = line->buffer + 2 * (gsize) line->pos;
      out[2 * k] += cell[0];
      out[2 * k + 1] += cell[1];
      cell[0] = in[2 * k];
      cell[1] = in[2 * k + 1];
      if (++line->pos == line->frames)
        line->pos = 0;
    }
}

/* Where a send adds its contribution: its bus, or when its path is delayed the scratch buffer
 * (cleared), which send_done() passes through the delay line into the bus. */
static float *
send_buffer (StrataGraphState *state, const Send *send, guint n)
{
  if (send->delay < 0)
    return target_buffer (state, send->target);
  memset (state->scratch, 0, (gsize) n * 2 * sizeof (float));
  return state->scratch;
}

static void
send_done (StrataGraphState *state, const Send *send, guint n)
{
  if (send->delay >= 0)
    delay_add (&state->dsp->delays[send->delay], state->scratch,
               target_buffer (state, send->target), n);
}

/* The strip's stereo output `stem` into its output, delayed when its path is. */
static void
strip_emit (const Strip *strip, StrataGraphState *state, const float *stem, float *out, guint n)
{
  if (strip->delay >= 0)
    delay_add (&state->dsp->delays[strip->delay], stem, out, n);
  else
    for (guint k = 0; k < 2 * n; k++)
      out[k] += stem[k];
}

/* A silent strip still empties its delay lines, so that nothing stale comes out later. */
static void
strip_flush_delays (const Strip *strip, StrataGraphState *state, guint n)
{
  if (strip->delay >= 0)
    delay_add (&state->dsp->delays[strip->delay], state->zeros,
               target_buffer (state, strip->output), n);
  for (guint s = 0; s < strip->n_sends; s++)
    if (strip->sends[s].delay >= 0)
      delay_add (&state->dsp->delays[strip->sends[s].delay], state->zeros,
                 target_buffer (state, strip->sends[s].target), n);
}

static gint64
grid_mod (gint64 frame)
{
  return ((frame % INSERT_GRID) + INSERT_GRID) % INSERT_GRID;
}

/* The first automation point of the insert after `frame`, or G_MAXINT64. */
static gint64
insert_next_point (const Insert *insert, gint64 frame)
{
  gint64 next = G_MAXINT64;

  for (guint p = 0; p < insert->klass->n_params; p++)
    {
      const Curve *curve = &insert->curves[p];
      guint lo = 0, hi = curve->n;

      while (lo < hi)
        {
          guint mid = (lo + hi) / 2;
          if (curve->points[mid].frame <= frame)
            lo = mid + 1;
          else
            hi = mid;
        }
      if (lo < curve->n)
        next = MIN (next, curve->points[lo].frame);
    }
  return next;
}

/* The automated parameters' values at `frame`, set where they changed. */
static void
insert_automate (const Insert *insert, Fx *fx, gint64 frame)
{
  for (guint p = 0; p < insert->klass->n_params; p++)
    {
      double v;

      if (insert->curves[p].n == 0)
        continue;
      curve_values (&insert->curves[p], frame, 1, &v);
      if (v != fx->applied[p])
        {
          strata_effect_set_param (fx->effect, p, v);
          fx->applied[p] = v;
        }
    }
}

/* The strip's chain, in place on `buf` (the strip's channels). Static values that changed
 * (strata_graph_set_insert_param, or a new program continuing an instance) are set at the
 * block's start. Automated ones are set on the absolute INSERT_GRID and at every automation
 * point, the block being split there; a split that the caller's block size makes elsewhere
 * sets nothing, so the output does not depend on the block size. */
static void
run_inserts (const Strip *strip, StrataGraphState *state, gint64 position, guint n, float *buf)
{
  for (guint i = 0; i < strip->n_inserts; i++)
    {
      const Insert *insert = &strip->inserts[i];
      Fx *fx = state->dsp->fx[strip->first_fx + i];

      if (insert->bypass)
        continue;
      for (guint p = 0; p < insert->klass->n_params; p++)
        if (insert->curves[p].n == 0 && insert->values[p] != fx->applied[p])
          {
            strata_effect_set_param (fx->effect, p, insert->values[p]);
            fx->applied[p] = insert->values[p];
          }
      if (insert->n_automated == 0)
        {
          strata_effect_process (fx->effect, buf, n);
          continue;
        }
      for (guint k = 0; k < n;)
        {
          gint64 frame = position + k;
          gint64 next = MIN (frame - grid_mod (frame) + INSERT_GRID,
                             insert_next_point (insert, frame));
          guint m = (guint) MIN ((gint64) (n - k), next - frame);

          if (!state->dsp->primed || grid_mod (frame) == 0
              || insert_next_point (insert, frame - 1) == frame)
            insert_automate (insert, fx, frame);
          strata_effect_process (fx->effect, buf + (gsize) k * strip->channels, m);
          k += m;
        }
    }
}

/* Sends tap `in` (mono or stereo) into their buses, the pre-fader ones or the post-fader
 * ones; a mono signal feeds both channels. `gain` is per frame (mute, or fader and mute). */
static void
run_sends (const Strip *strip, StrataGraphState *state, const float *in, guint channels,
           guint n, gboolean pre, const float *gain)
{
  for (guint s = 0; s < strip->n_sends; s++)
    {
      const Send *send = &strip->sends[s];
      float *bus;

      if (send->pre_fader != pre)
        continue;
      bus = send_buffer (state, send, n);
      for (guint k = 0; k < n; k++)
        {
          float g = send->gain * gain[k];
          float l = channels == 1 ? in[k] : in[2 * k];
          float r = channels == 1 ? in[k] : in[2 * k + 1];
          bus[2 * k] += l * g;
          bus[2 * k + 1] += r * g;
        }
      send_done (state, send, n);
    }
}

/* Sends of a strip without automation: the same sums as run_sends with every gain[k] = gain. */
static void
run_sends_const (const Strip *strip, StrataGraphState *state, const float *in, guint channels,
                 guint n, gboolean pre, float gain)
{
  for (guint s = 0; s < strip->n_sends; s++)
    {
      const Send *send = &strip->sends[s];
      float g = send->gain * gain;
      float *bus;

      if (send->pre_fader != pre)
        continue;
      bus = send_buffer (state, send, n);
      if (channels == 1)
        for (guint k = 0; k < n; k++)
          {
            bus[2 * k] += in[k] * g;
            bus[2 * k + 1] += in[k] * g;
          }
      else
        for (guint k = 0; k < 2 * n; k++)
          bus[k] += in[k] * g;
      send_done (state, send, n);
    }
}

typedef float v4sf __attribute__ ((vector_size (16)));

/* dst[2k] (+)= src[2k] * gl, dst[2k+1] (+)= src[2k+1] * gr, four samples at a time. */
static void
scale_stereo (float *restrict dst, const float *restrict src, float gl, float gr, guint n,
              gboolean add)
{
  const v4sf g = { gl, gr, gl, gr };
  guint k = 0;

  for (; k + 2 <= n; k += 2)
    {
      v4sf x, y;
      memcpy (&x, src + 2 * k, sizeof x);
      x *= g;
      if (add)
        {
          memcpy (&y, dst + 2 * k, sizeof y);
          x += y;
        }
      memcpy (dst + 2 * k, &x, sizeof x);
    }
  for (; k < n; k++)
    {
      dst[2 * k] = (add ? dst[2 * k] : 0.0f) + src[2 * k] * gl;
      dst[2 * k + 1] = (add ? dst[2 * k + 1] : 0.0f) + src[2 * k + 1] * gr;
    }
}

/* dst[2k] (+)= src[k] * gl, dst[2k+1] (+)= src[k] * gr: a mono signal spread by its pan. */
static void
spread_mono (float *restrict dst, const float *restrict src, float gl, float gr, guint n,
             gboolean add)
{
  for (guint k = 0; k < n; k++)
    {
      dst[2 * k] = (add ? dst[2 * k] : 0.0f) + src[k] * gl;
      dst[2 * k + 1] = (add ? dst[2 * k + 1] : 0.0f) + src[k] * gr;
    }
}

/* A strip without automation: fader and pan fold into one gain per channel, and without
 * stems or post-fader sends of a stereo strip the signal goes straight into the output. */
static void
run_static_strip (const Strip *strip, StrataGraphState *state, guint n, const float *in,
                  float *stem, float *out)
{
  float mute = strip->audible && !strip->mute ? 1.0f : 0.0f;
  float gain = strata_db_to_gain (strip->volume_db) * mute;
  gboolean direct = !state->keep_stems && strip->delay < 0
                    && (strip->channels == 1 || strip->n_sends == 0);
  float pl, pr;

  (strip->channels == 1 ? strata_pan_mono : strata_pan_balance) (strip->pan, &pl, &pr);
  run_sends_const (strip, state, in, strip->channels, n, TRUE, mute);
  if (strip->channels == 1)
    run_sends_const (strip, state, in, 1, n, FALSE, gain);

  if (direct)
    {
      if (strip->channels == 1)
        spread_mono (out, in, gain * pl, gain * pr, n, TRUE);
      else
        scale_stereo (out, in, gain * pl, gain * pr, n, TRUE);
      return;
    }
  if (strip->channels == 1)
    spread_mono (stem, in, gain * pl, gain * pr, n, FALSE);
  else
    {
      scale_stereo (stem, in, gain * pl, gain * pr, n, FALSE);
      run_sends_const (strip, state, stem, 2, n, FALSE, 1.0f);
    }
  strip_emit (strip, state, stem, out, n);
}

/* Fader, pan, sends, stem and output of one strip whose input `in` has been through its
 * inserts: pre-fader sends tap the inserts' output, a mono strip's post-fader sends take the
 * signal before the pan, a stereo strip's after it. */
static void
run_strip_mix (const Strip *strip, StrataGraphState *state, gint64 position, guint n, float *in)
{
  float *stem = state->stems + (gsize) strip->stem * state->max_block * 2;
  float *out = target_buffer (state, strip->output);
  float *gain = state->gain;

  if (strip->volume.n == 0 && strip->pan_curve.n == 0 && strip->mute_curve.n == 0)
    {
      run_static_strip (strip, state, n, in, stem, out);
      return;
    }

  strip_mute (strip, state, position, n, state->mute);
  run_sends (strip, state, in, strip->channels, n, TRUE, state->mute);
  strip_fader (strip, state, position, n, state->mute, gain);
  strip_pans (strip, state, position, n);

  if (strip->channels == 1)
    {
      run_sends (strip, state, in, 1, n, FALSE, gain);
      for (guint k = 0; k < n; k++)
        {
          float x = in[k] * gain[k];
          stem[2 * k] = x * state->pan_l[k];
          stem[2 * k + 1] = x * state->pan_r[k];
        }
    }
  else
    {
      for (guint k = 0; k < n; k++)
        {
          stem[2 * k] = in[2 * k] * gain[k] * state->pan_l[k];
          stem[2 * k + 1] = in[2 * k + 1] * gain[k] * state->pan_r[k];
        }
      for (guint k = 0; k < n; k++)
        state->mute[k] = 1.0f;
      run_sends (strip, state, stem, 2, n, FALSE, state->mute);
    }
  strip_emit (strip, state, stem, out, n);
}

/* The whole strip, inserts (in place on `in`) first. */
static void
run_strip (const Strip *strip, StrataGraphState *state, gint64 position, guint n, float *in)
{
  run_inserts (strip, state, position, n, in);
  run_strip_mix (strip, state, position, n, in);
}

static float *
track_split_buffer (StrataGraphState *state, guint t)
{
  return state->split + (gsize) t * state->max_block * 2;
}

/* The index of track t's first span (spans were prepared track by track, in order). */
static guint
first_span (const StrataGraphState *state, guint t)
{
  guint lo = 0, hi = state->n_spans;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      if (state->spans[mid].track < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* What belongs to track t alone: its clips and live input mixed into `buf` (the track's
 * channels), then its inserts. FALSE, touching nothing, when the track can make no sound.
 * It touches no state but `buf` and the track's own effects, so tracks can run on threads. */
static gboolean
run_track_own (const StrataGraph *graph, StrataGraphState *state, guint t, gint64 position,
               guint n, float *buf)
{
  const Strip *track = &graph->tracks[t];
  const float *input = state->inputs[t];

  if (strip_silent (track))
    return FALSE;
  memset (buf, 0, (gsize) n * track->channels * sizeof (float));
  for (guint span = first_span (state, t);
       span < state->n_spans && state->spans[span].track == t; span++)
    mix_span (graph, &state->spans[span], position, track->channels, buf);
  if (input != NULL)
    for (gsize k = 0; k < (gsize) n * track->channels; k++)
      buf[k] += input[k];
  run_inserts (track, state, position, n, buf);
  return TRUE;
}

void
strata_graph_process_tracks (const StrataGraph *graph, StrataGraphState *state, gint64 position,
                             guint n_frames, guint first, guint last)
{
  g_assert (state->split != NULL && state->dsp != NULL);
  g_assert (position == state->position && n_frames == state->n_frames);

  for (guint t = first; t < MIN (last, graph->n_tracks); t++)
    run_track_own (graph, state, t, position, n_frames, track_split_buffer (state, t));
}

void
strata_graph_process (const StrataGraph *graph, StrataGraphState *state, gint64 position,
                      guint n_frames, float *out)
{
  gsize block2 = (gsize) n_frames * 2;

  g_assert (n_frames <= state->max_block);
  g_assert (position == state->position && n_frames == state->n_frames);
  g_assert (state->dsp != NULL);   /* not a prefetch state */

  memset (state->master_in, 0, block2 * sizeof (float));
  for (guint b = 0; b < graph->n_buses; b++)
    memset (target_buffer (state, b), 0, block2 * sizeof (float));

  for (guint t = 0; t < graph->n_tracks; t++)
    {
      const Strip *track = &graph->tracks[t];
      float *buf = state->split ? track_split_buffer (state, t) : state->track;

      if (state->split ? strip_silent (track)
                       : !run_track_own (graph, state, t, position, n_frames, buf))
        {
          if (state->keep_stems)
            memset (state->stems + (gsize) track->stem * state->max_block * 2, 0,
                    block2 * sizeof (float));
          strip_flush_delays (track, state, n_frames);
        }
      else
        run_strip_mix (track, state, position, n_frames, buf);
      state->inputs[t] = NULL;
    }
  for (guint b = 0; b < graph->n_buses; b++)
    {
      /* Copy the bus input: its own sends may not feed it, but run_strip writes outputs. */
      memcpy (state->track, target_buffer (state, b), block2 * sizeof (float));
      run_strip (&graph->buses[b], state, position, n_frames, state->track);
    }

  /* The master: inserts, fader and balance. */
  run_inserts (&graph->master, state, position, n_frames, state->master_in);
  state->dsp->primed = TRUE;
  strip_mute (&graph->master, state, position, n_frames, state->mute);
  strip_fader (&graph->master, state, position, n_frames, state->mute, state->gain);
  strip_pans (&graph->master, state, position, n_frames);
  for (guint k = 0; k < n_frames; k++)
    {
      out[2 * k] = state->master_in[2 * k] * state->gain[k] * state->pan_l[k];
      out[2 * k + 1] = state->master_in[2 * k + 1] * state->gain[k] * state->pan_r[k];
    }
}

/* ---- the plan ----------------------------------------------------------------------------- */

static void
plan_curve (JsonBuilder *b, const char *param, const Curve *curve)
{
  if (curve->n == 0)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "param");
  json_builder_add_string_value (b, param);
  json_builder_set_member_name (b, "points");
  json_builder_begin_array (b);
  for (guint i = 0; i < curve->n; i++)
    {
      json_builder_begin_array (b);
      json_builder_add_int_value (b, curve->points[i].frame);
      json_builder_add_double_value (b, curve->points[i].value);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
plan_strip (const StrataGraph *graph, JsonBuilder *b, const Strip *strip)
{
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, strip->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, strip->name);
  json_builder_set_member_name (b, "channels");
  json_builder_add_int_value (b, strip->channels);
  json_builder_set_member_name (b, "output");
  if (strip == &graph->master)
    json_builder_add_null_value (b);
  else
    json_builder_add_string_value (b, strip->output < 0 ? "master"
                                                        : graph->buses[strip->output].id);
  json_builder_set_member_name (b, "volume_db");
  if (isinf (strip->volume_db))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, strip->volume_db);
  json_builder_set_member_name (b, "pan");
  json_builder_add_double_value (b, strip->pan);
  json_builder_set_member_name (b, "mute");
  json_builder_add_boolean_value (b, strip->mute);
  json_builder_set_member_name (b, "audible");
  json_builder_add_boolean_value (b, strip->audible);
  json_builder_set_member_name (b, "sends");
  json_builder_begin_array (b);
  for (guint s = 0; s < strip->n_sends; s++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "bus");
      json_builder_add_string_value (b, graph->buses[strip->sends[s].target].id);
      json_builder_set_member_name (b, "gain");
      json_builder_add_double_value (b, strip->sends[s].gain);
      json_builder_set_member_name (b, "pre_fader");
      json_builder_add_boolean_value (b, strip->sends[s].pre_fader);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "inserts");
  json_builder_begin_array (b);
  for (guint i = 0; i < strip->n_inserts; i++)
    {
      const Insert *insert = &strip->inserts[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, insert->klass->type);
      json_builder_set_member_name (b, "bypass");
      json_builder_add_boolean_value (b, insert->bypass);
      json_builder_set_member_name (b, "latency");
      json_builder_add_int_value (b, insert->latency);
      json_builder_set_member_name (b, "tail_seconds");
      json_builder_add_double_value (b, insert->tail);
      json_builder_set_member_name (b, "params");
      json_builder_begin_object (b);
      for (guint p = 0; p < insert->klass->n_params; p++)
        {
          const StrataParamDesc *desc = &insert->klass->params[p];

          json_builder_set_member_name (b, desc->name);
          if (desc->kind == STRATA_PARAM_CHOICE)
            json_builder_add_string_value (b, desc->choices[(guint) insert->values[p]]);
          else if (desc->kind == STRATA_PARAM_TOGGLE)
            json_builder_add_boolean_value (b, insert->values[p] >= 0.5);
          else
            json_builder_add_double_value (b, insert->values[p]);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "latency");
  json_builder_add_int_value (b, strip->latency);
  json_builder_set_member_name (b, "automation");
  json_builder_begin_array (b);
  plan_curve (b, "volume_db", &strip->volume);
  plan_curve (b, "pan", &strip->pan_curve);
  plan_curve (b, "mute", &strip->mute_curve);
  for (guint i = 0; i < strip->n_inserts; i++)
    for (guint p = 0; p < strip->inserts[i].klass->n_params; p++)
      if (strip->inserts[i].curves[p].n > 0)
        {
          g_autofree char *name = g_strdup_printf ("inserts[%u].%s", i,
                                                   strip->inserts[i].klass->params[p].name);
          plan_curve (b, name, &strip->inserts[i].curves[p]);
        }
  json_builder_end_array (b);
}

static void
canon_number (GString *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.9g", value));
}

/* One strip of the canonical routing string (see strata_graph_get_routing_hash). */
static void
canon_strip (const StrataGraph *graph, GString *out, const char *kind, const Strip *strip)
{
  g_string_append_printf (out, "%s %s channels %u output %s\n", kind, strip->id,
                          strip->channels,
                          strip == &graph->master ? "none"
                          : strip->output < 0 ? "master" : graph->buses[strip->output].id);
  for (guint s = 0; s < strip->n_sends; s++)
    {
      g_string_append_printf (out, "send %s ", graph->buses[strip->sends[s].target].id);
      canon_number (out, strip->sends[s].level_db);
      g_string_append (out, strip->sends[s].pre_fader ? " pre\n" : " post\n");
    }
  for (guint i = 0; i < strip->n_inserts; i++)
    {
      const Insert *insert = &strip->inserts[i];

      g_string_append_printf (out, "insert %s %s", insert->klass->type,
                              insert->bypass ? "bypass" : "active");
      for (guint p = 0; p < insert->klass->n_params; p++)
        {
          const StrataParamDesc *desc = &insert->klass->params[p];

          g_string_append_printf (out, " %s=", desc->name);
          if (desc->kind == STRATA_PARAM_CHOICE)
            g_string_append (out, desc->choices[(guint) insert->values[p]]);
          else if (desc->kind == STRATA_PARAM_TOGGLE)
            g_string_append (out, insert->values[p] >= 0.5 ? "true" : "false");
          else
            canon_number (out, insert->values[p]);
        }
      g_string_append_c (out, '\n');
    }
}

static int
compare_bus_ids (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(const Strip *const *) a)->id, (*(const Strip *const *) b)->id);
}

char *
strata_graph_get_routing_string (const StrataGraph *graph)
{
  GString *out = g_string_new (NULL);
  g_autofree const Strip **buses = g_new (const Strip *, MAX (graph->n_buses, 1));

  for (guint t = 0; t < graph->n_tracks; t++)
    canon_strip (graph, out, "track", &graph->tracks[t]);
  for (guint b = 0; b < graph->n_buses; b++)
    buses[b] = &graph->buses[b];
  qsort (buses, graph->n_buses, sizeof *buses, compare_bus_ids);
  for (guint b = 0; b < graph->n_buses; b++)
    canon_strip (graph, out, "bus", buses[b]);
  canon_strip (graph, out, "master", &graph->master);
  return g_string_free (out, FALSE);
}

char *
strata_graph_get_routing_hash (const StrataGraph *graph)
{
  g_autofree char *canon = strata_graph_get_routing_string (graph);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, canon, -1);
}

/* The compiled graph as JSON: sources, tracks with their clips in frames, buses in the order
 * they are processed, the master and the stems. */
JsonNode *
strata_graph_to_plan (const StrataGraph *graph)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *routing_hash = strata_graph_get_routing_hash (graph);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sample_rate");
  json_builder_add_int_value (b, graph->rate);

  json_builder_set_member_name (b, "media");
  json_builder_begin_array (b);
  for (guint i = 0; i < graph->n_sources; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, graph->sources[i].id);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, graph->sources[i].file_path);
      json_builder_set_member_name (b, "channels");
      json_builder_add_int_value (b, graph->sources[i].channels);
      json_builder_set_member_name (b, "frames");
      json_builder_add_int_value (b, graph->sources[i].frames);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "tracks");
  json_builder_begin_array (b);
  for (guint t = 0; t < graph->n_tracks; t++)
    {
      const Strip *track = &graph->tracks[t];

      json_builder_begin_object (b);
      plan_strip (graph, b, track);
      json_builder_set_member_name (b, "clips");
      json_builder_begin_array (b);
      for (guint c = 0; c < track->n_clips; c++)
        {
          const Clip *clip = &graph->clips[track->first_clip + c];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "media");
          json_builder_add_string_value (b, graph->sources[clip->source].id);
          json_builder_set_member_name (b, "start");
          json_builder_add_int_value (b, clip->start);
          json_builder_set_member_name (b, "end");
          json_builder_add_int_value (b, clip->start + clip->length);
          json_builder_set_member_name (b, "source_start");
          json_builder_add_int_value (b, clip->source_start);
          json_builder_set_member_name (b, "length");
          json_builder_add_int_value (b, clip->length);
          json_builder_set_member_name (b, "gain");
          json_builder_add_double_value (b, clip->gain);
          json_builder_set_member_name (b, "fade_in");
          json_builder_add_int_value (b, clip->fade_in);
          json_builder_set_member_name (b, "fade_out");
          json_builder_add_int_value (b, clip->fade_out);
          json_builder_set_member_name (b, "mute");
          json_builder_add_boolean_value (b, clip->mute);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "buses");
  json_builder_begin_array (b);
  for (guint i = 0; i < graph->n_buses; i++)
    {
      json_builder_begin_object (b);
      plan_strip (graph, b, &graph->buses[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "master");
  json_builder_begin_object (b);
  plan_strip (graph, b, &graph->master);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "latency");
  json_builder_add_int_value (b, graph->latency);
  json_builder_set_member_name (b, "routing_hash");
  json_builder_add_string_value (b, routing_hash);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
