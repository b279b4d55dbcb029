/* strata-graph.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The compiled project: an immutable plain-C description of every source, clip, track, bus and
 * automation curve, made on the main thread from the model. One function renders any block of
 * it; the offline renderer and the realtime engine both call it, so what plays is what exports.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "strata-effect.h"
#include "strata-project.h"

G_BEGIN_DECLS

typedef struct _StrataGraph      StrataGraph;
typedef struct _StrataGraphState StrataGraphState;

typedef struct
{
  const char *id;
  const char *file_path;   /* where the audio is on this machine */
  const char *hash;        /* content hash when known, else NULL */
  guint       channels;
  gint64      frames;      /* at the project rate */
} StrataGraphSource;

/* A clip that sounds in the block being prepared: the driver copies `n` frames of source
 * `source` starting at `source_frame` (the source's channels, interleaved, float) into
 * `buffer` before calling strata_graph_process(). Its first frame lands at block offset
 * `offset`. */
typedef struct
{
  guint   clip;            /* index among the graph's clips, stable for the graph's life */
  guint   track;           /* index among the graph's tracks */
  guint   source;
  gint64  source_frame;
  guint   offset;
  guint   n;
  float  *buffer;
} StrataClipSpan;

typedef enum
{
  STRATA_STEM_TRACK,
  STRATA_STEM_BUS,
} StrataStemKind;

typedef struct
{
  StrataStemKind kind;
  const char    *id;
  const char    *name;
  gboolean       to_master;  /* its output is the master (so it is part of the master's sum) */
  guint          latency;    /* frames its signal lags the timeline (the inserts upstream) */
} StrataGraphStem;

StrataGraph             *strata_graph_compile          (StrataProject     *project,
                                                        GError           **error);
StrataGraph             *strata_graph_ref              (StrataGraph       *graph);
void                     strata_graph_unref            (StrataGraph       *graph);
guint                    strata_graph_get_sample_rate  (const StrataGraph *graph);
void                     strata_graph_get_tempo        (const StrataGraph *graph,
                                                        gdouble           *bpm,
                                                        guint             *numerator,
                                                        guint             *denominator);
guint                    strata_graph_get_n_sources    (const StrataGraph *graph);
const StrataGraphSource *strata_graph_get_source       (const StrataGraph *graph,
                                                        guint              index);
guint                    strata_graph_get_n_stems      (const StrataGraph *graph);
const StrataGraphStem   *strata_graph_get_stem         (const StrataGraph *graph,
                                                        guint              index);
void                     strata_graph_default_range    (const StrataGraph *graph,
                                                        gint64            *start,
                                                        gint64            *end);
JsonNode                *strata_graph_to_plan          (const StrataGraph *graph);
/* The routing as a canonical string, one line per strip and per send and insert of it:
 *   "track ID channels N output OUT" for each track in project order, then "bus ..." for
 *   each bus sorted by id, then "master master channels 2 output none"; OUT is a bus id or
 *   "master"; after each strip its sends "send BUS LEVEL_DB pre|post" and its inserts
 *   "insert TYPE active|bypass NAME=VALUE ..." with every parameter in descriptor order
 *   (numbers as printf "%.9g" in the C locale, choices by name, toggles true/false);
 *   every line ends with "\n". Faders, pans, mutes and automation are not routing. */
char                    *strata_graph_get_routing_string (const StrataGraph *graph);
/* SHA-256 (hex) of the routing string: stable across runs, machines and versions as long as
 * the routing and the effects' descriptors are the same. `strata-render --plan` prints it. */
char                    *strata_graph_get_routing_hash (const StrataGraph *graph);

/* The parameters a strip's fader, pan and mute buttons change while playing, without a
 * recompile; automation, when the strip has any for that parameter, still wins. */
typedef enum
{
  STRATA_GRAPH_PARAM_VOLUME_DB,
  STRATA_GRAPH_PARAM_PAN,
  STRATA_GRAPH_PARAM_MUTE,
} StrataGraphParam;

typedef enum
{
  STRATA_GRAPH_STRIP_TRACK,
  STRATA_GRAPH_STRIP_BUS,
  STRATA_GRAPH_STRIP_MASTER,
} StrataGraphStripKind;

guint                    strata_graph_get_n_tracks     (const StrataGraph *graph);
/* A hash of what a read-ahead thread reads: the tracks' clips and their files. Two graphs
 * with the same layout need the same clip audio (gains, fades and mixing may differ). */
guint64                  strata_graph_get_clip_layout  (const StrataGraph *graph);
/* Track t is stem t: tracks come first among the stems. */
guint                    strata_graph_get_track_channels (const StrataGraph *graph,
                                                        guint              track);
/* Where the strip with this id is, for strata_graph_set_param(); FALSE when none has it. */
gboolean                 strata_graph_find_strip       (const StrataGraph *graph,
                                                        const char        *id,
                                                        StrataGraphStripKind *kind,
                                                        guint             *index);
/* Changes one static parameter in place. Audio thread safe; only the thread that processes
 * the graph may call it while it is in use. */
void                     strata_graph_set_param        (StrataGraph       *graph,
                                                        StrataGraphStripKind kind,
                                                        guint              index,
                                                        StrataGraphParam   param,
                                                        double             value);

/* Changes the static value of parameter `param` (its index in the effect's descriptor table)
 * of insert `insert` of a strip, clamped; the effect hears it at the next process (gliding, as
 * its ramp says). Automation of that parameter still wins. Same thread rules as
 * strata_graph_set_param(). */
void                     strata_graph_set_insert_param (StrataGraph       *graph,
                                                        StrataGraphStripKind kind,
                                                        guint              index,
                                                        guint              insert,
                                                        guint              param,
                                                        double             value);
/* A parameter's value from an insert's a{sv} params as the graph uses it: a number clamped
 * to the descriptor's range, a choice's name as its index, a toggle's boolean as 0 or 1; the
 * default when absent or not understood. */
double                   strata_graph_param_value      (const StrataParamDesc *desc,
                                                        GVariant          *params);
/* Frames the master output lags the timeline: the slowest path's insert latencies (the
 * limiter's look-ahead), every other path being delayed to match it. A renderer drops this
 * many frames from the start of its output and renders as many more at the end. */
guint                    strata_graph_get_latency      (const StrataGraph *graph);

/* State for running a graph: every buffer processing needs, allocated here, never while
 * processing. `max_block` is the largest n_frames the caller will ask for. */
StrataGraphState        *strata_graph_state_new        (const StrataGraph *graph,
                                                        guint              max_block);
/* Like strata_graph_state_new(), continuing `prev` (a state of `prev_graph`): with the same
 * graph the two share every effect and delay line (for states used by turns on one thread,
 * like a renderer's read-ahead pair); with another graph, the effect instances of inserts
 * that `prev_graph` also has (the same StrataInsert, else the same type at the same position,
 * on the strip of the same id) are shared, so a recompile while playing keeps reverb tails
 * and compressor states; the new values reach them on the new state's first process. Only
 * one of the two states may be processed at a time. Main thread. */
StrataGraphState        *strata_graph_state_new_after  (const StrataGraph *graph,
                                                        guint              max_block,
                                                        const StrataGraph *prev_graph,
                                                        StrataGraphState  *prev);
/* A state for strata_graph_prepare() alone, in prefetch mode (see below), for a read-ahead
 * thread: it has no effect instances and must not be processed. */
StrataGraphState        *strata_graph_state_new_prefetch (const StrataGraph *graph,
                                                        guint              max_block);
/* Whether strata_graph_state_get_stem() will be asked for (default TRUE); without stems the
 * strips add straight into their outputs. */
void                     strata_graph_state_set_stems  (StrataGraphState  *state,
                                                        gboolean           stems);
/* Where processing leaves the stems from now on: `stems` (n_stems x max_block x 2 floats,
 * stem i at i x max_block x 2), or the state's own buffer for NULL. A renderer hands each
 * block's stems to a writer thread this way without copying them. */
void                     strata_graph_state_set_stem_buffer (StrataGraphState *state,
                                                        float             *stems);
/* For a read-ahead thread: prepare the spans of muted tracks too (their mute buttons may be
 * released while the audio it reads plays), without reading the mute state the audio thread
 * changes. */
void                     strata_graph_state_set_prefetch (StrataGraphState *state,
                                                        gboolean           prefetch);
void                     strata_graph_state_free       (StrataGraphState  *state);

/* Live input heard through track `track`'s strip in the next process (input monitoring):
 * n_frames of the track's channels, interleaved, added to its clips before the fader; NULL
 * for none. Cleared by every process. Audio thread safe. */
void                     strata_graph_state_set_input  (StrataGraphState  *state,
                                                        guint              track,
                                                        const float       *input);

/* Step 1 of a block: the clips that sound in [position, position + n_frames) and where their
 * audio must go. No allocation, no I/O. */
const StrataClipSpan    *strata_graph_prepare          (const StrataGraph *graph,
                                                        StrataGraphState  *state,
                                                        gint64             position,
                                                        guint              n_frames,
                                                        guint             *n_spans);
/* Instead of step 1 while the transport stands: no clips sound, only live input (through
 * strata_graph_state_set_input) and whatever automation says at `position`. */
void                     strata_graph_prepare_inputs_only (const StrataGraph *graph,
                                                        StrataGraphState  *state,
                                                        gint64             position,
                                                        guint              n_frames);
/* Step 2: mixes the prepared block into `out` (n_frames stereo frames, interleaved). Audio
 * thread safe: no allocation, no locks, no I/O, no GLib. */
void                     strata_graph_process          (const StrataGraph *graph,
                                                        StrataGraphState  *state,
                                                        gint64             position,
                                                        guint              n_frames,
                                                        float             *out);
/* Splitting a block over threads (offline renders): with split on, each block takes a call
 * of strata_graph_process_tracks() for every track before strata_graph_process(). The first
 * runs what belongs to each track alone (its clips, live input and inserts: nearly all the
 * work) for the tracks [first, last); several threads may run it at once on disjoint ranges
 * of one state. The second then does the rest (faders, sends, buses, master) from what they
 * left, in track order, so the output is bit for bit the same as without the split. Setting
 * it allocates: main thread. */
/* Whether any track that can sound runs an insert: the work worth splitting (clips alone
 * mix faster than threads take turns). */
gboolean                 strata_graph_tracks_have_inserts (const StrataGraph *graph);
void                     strata_graph_state_set_split  (StrataGraphState  *state,
                                                        gboolean           split);
void                     strata_graph_process_tracks   (const StrataGraph *graph,
                                                        StrataGraphState  *state,
                                                        gint64             position,
                                                        guint              n_frames,
                                                        guint              first,
                                                        guint              last);
/* After a process: stem `index`'s stereo signal for that block (n_frames, interleaved). */
const float             *strata_graph_state_get_stem   (StrataGraphState  *state,
                                                        guint              index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataGraph, strata_graph_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataGraphState, strata_graph_state_free)

G_END_DECLS
