/* strata-engine.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Four threads meet here:
 * - the main thread owns the model, compiles programs (a graph with everything needed to run
 *   it) and talks to the audio thread through a command ring and one atomic program pointer;
 * - the audio thread (the backend's) runs the transport and strata_graph_process(); it never
 *   allocates, locks, logs or touches a file: clip audio comes from the butler's prefetch
 *   ring, recorded input leaves through a ring to the recorder's writer, retired programs go
 *   back to the main thread through a ring;
 * - the butler reads clip audio ahead, in the order the transport will play it (loops
 *   included), into one ring per track;
 * - the meter thread measures the master's loudness and true peak from a ring.
 */
#define G_LOG_DOMAIN "strata-engine"
#include "config.h"
#include "strata-engine.h"
#include "strata-commands.h"
#include "strata-error.h"
#include "strata-feed.h"
#include "strata-import.h"
#include "strata-true-peak.h"

#include <ebur128.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#define PREFETCH_FRAMES  (1u << 17)          /* 2.73 s at 48 kHz: at least 2 s at any rate */
#define BUTLER_CHUNK     4096
#define PRIME_FRAMES     16384               /* read before a locate resumes playback */
#define OVERWRITE_MARGIN (2 * STRATA_BACKEND_MAX_BLOCK)
#define DECLICK          128
#define HOLD_US          (2 * G_USEC_PER_SEC)
#define LOUDNESS_FRAMES  (1u << 16)

/* ---- the prefetch rings ------------------------------------------------------------------- */

/* One track's prefetch ring: frame i of the play sequence is at frames[2 * (i & mask)] (two
 * channels; a mono source uses the first), all rings advancing together (see Prefetch). A
 * ring goes by its track's id from one program to the next, so that adding, removing or
 * reordering tracks leaves what the others play untouched. Programs and the butler hold
 * rings; the last to let go (the main thread or the butler, never the audio thread) frees
 * one. */
typedef struct
{
  gatomicrefcount ref;
  char           *track_id;
  float          *frames;     /* PREFETCH_FRAMES * 2 */
} Ring;

static Ring *
ring_new (const char *track_id)
{
  Ring *ring = g_new0 (Ring, 1);

  g_atomic_ref_count_init (&ring->ref);
  ring->track_id = g_strdup (track_id);
  ring->frames = g_new (float, (gsize) PREFETCH_FRAMES * 2);
  /* Silence, mapped here rather than by a page fault on the audio thread. */
  memset (ring->frames, 0, (gsize) PREFETCH_FRAMES * 2 * sizeof (float));
  return ring;
}

static Ring *
ring_ref (Ring *ring)
{
  g_atomic_ref_count_inc (&ring->ref);
  return ring;
}

static void
ring_unref (Ring *ring)
{
  if (ring == NULL || !g_atomic_ref_count_dec (&ring->ref))
    return;
  g_free (ring->frames);
  g_free (ring->track_id);
  g_free (ring);
}

static void
rings_free (Ring **rings, guint n)
{
  for (guint t = 0; rings != NULL && t < n; t++)
    ring_unref (rings[t]);
  g_free (rings);
}

/* ---- programs ----------------------------------------------------------------------------- */

/* Everything the audio thread needs for one compiled graph; made and freed on the main
 * thread. */
typedef struct
{
  StrataGraph      *graph;
  StrataGraphState *state;
  guint             n_tracks;
  guint             n_meters;     /* stems, then the master */
  _Atomic guint32  *peak;         /* n_meters * 2: largest |sample| since read, float bits */
  _Atomic guint32  *square;       /* n_meters * 2: mean square of the last period */
  float            *accum;        /* n_meters * 2: the audio thread's running sums */
  gboolean         *monitor;      /* per track: its input is heard through its strip */
  gboolean          any_monitor;
  guint            *inputs;       /* per track, two: the device channels of its input */
  float            *monitor_buf;  /* n_tracks * MAX_BLOCK * 2 */
  Ring            **rings;        /* per track: its prefetch ring */
} Program;

static void
program_free (Program *p)
{
  if (p == NULL)
    return;
  strata_graph_state_free (p->state);
  strata_graph_unref (p->graph);
  g_free (p->peak);
  g_free (p->square);
  g_free (p->accum);
  g_free (p->monitor);
  g_free (p->inputs);
  g_free (p->monitor_buf);
  rings_free (p->rings, p->n_tracks);
  g_free (p);
}

/* The device channels of a track's input: "1" or "1+2" (1-based), else the first channels. */
static void
parse_input (const char *input, guint channels, guint out[2])
{
  out[0] = 0;
  out[1] = channels == 2 ? 1 : 0;
  if (input != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (input, "+", 2);
      for (guint i = 0; parts[i] != NULL && i < 2; i++)
        {
          guint64 v = g_ascii_strtoull (parts[i], NULL, 10);
          if (v >= 1 && v <= STRATA_BACKEND_INPUTS)
            out[i] = (guint) v - 1;
        }
      if (parts[0] != NULL && parts[1] == NULL)
        out[1] = out[0];
    }
}

/* The ring of the track with id `id`, at `t` in the new program: `prev`'s (looked for at `t`
 * first, where an edit that adds or removes no track leaves it), else a new, silent one. */
static Ring *
ring_for (const Program *prev, const char *id, guint t)
{
  for (guint k = 0; prev != NULL && k < prev->n_tracks; k++)
    {
      guint u = (t + k) % prev->n_tracks;

      if (g_str_equal (prev->rings[u]->track_id, id))
        return ring_ref (prev->rings[u]);
    }
  return ring_new (id);
}

/* A new program continues `prev`'s effects where the inserts are the same (see
 * strata_graph_state_new_after): shared instances, freed with the last program holding
 * them, on the main thread; the audio thread runs one program per period, so never one
 * instance twice at once, and the new values reach them on the new program's first period. */
static Program *
program_new (StrataProject *project, const Program *prev, GError **error)
{
  g_autoptr(StrataGraph) graph = strata_graph_compile (project, error);
  GListModel *tracks = strata_timeline_get_tracks (strata_project_get_timeline (project));
  Program *p;

  if (graph == NULL)
    return NULL;
  p = g_new0 (Program, 1);
  p->graph = g_steal_pointer (&graph);
  p->state = strata_graph_state_new_after (p->graph, STRATA_BACKEND_MAX_BLOCK,
                                           prev ? prev->graph : NULL, prev ? prev->state : NULL);
  strata_graph_state_set_stems (p->state, TRUE);
  p->n_tracks = strata_graph_get_n_tracks (p->graph);
  p->n_meters = strata_graph_get_n_stems (p->graph) + 1;
  p->peak = g_new0 (_Atomic guint32, p->n_meters * 2);
  p->square = g_new0 (_Atomic guint32, p->n_meters * 2);
  p->accum = g_new0 (float, p->n_meters * 2);
  p->monitor = g_new0 (gboolean, MAX (p->n_tracks, 1));
  p->inputs = g_new0 (guint, MAX (p->n_tracks, 1) * 2);
  p->monitor_buf = g_new0 (float, (gsize) MAX (p->n_tracks, 1) * STRATA_BACKEND_MAX_BLOCK * 2);
  p->rings = g_new0 (Ring *, MAX (p->n_tracks, 1));
  /* Mapped here, not by a page fault on the audio thread. */
  memset (p->monitor_buf, 0, (gsize) MAX (p->n_tracks, 1) * STRATA_BACKEND_MAX_BLOCK * 2
                             * sizeof (float));
  for (guint t = 0; t < p->n_tracks; t++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, t);
      StrataMonitoring m = strata_track_get_monitoring (track);

      p->monitor[t] = m == STRATA_MONITORING_ON
                      || (m == STRATA_MONITORING_AUTO && strata_track_get_record_arm (track));
      p->any_monitor |= p->monitor[t];
      parse_input (strata_track_get_input (track), strata_track_get_channels (track),
                   p->inputs + 2 * t);
      p->rings[t] = ring_for (prev, strata_strip_get_id (STRATA_STRIP (track)), t);
    }

  return p;
}

/* ---- the prefetch ring -------------------------------------------------------------------- */

/* Where the rings stand: the butler has written the sequence up to `write`, the audio
 * thread read it up to `read`. */
typedef struct
{
  _Atomic size_t  write;
  _Atomic size_t  read;
} Prefetch;

/* A new program's graph and rings, from the main thread to the butler. */
typedef struct
{
  StrataGraph *graph;
  Ring       **rings;
  guint        n_rings;
} ButlerUpdate;

static void
butler_update_free (ButlerUpdate *update)
{
  if (update == NULL)
    return;
  strata_graph_unref (update->graph);
  rings_free (update->rings, update->n_rings);
  g_free (update);
}

/* ---- the transport's sequence ------------------------------------------------------------- */

/* Where the transport starts and how it loops: the butler and the audio thread both walk it. */
typedef struct
{
  gint64   position;
  gboolean loop;
  gint64   loop_start;
  gint64   loop_end;
} Cue;

/* Frames from `pos` until the sequence jumps (the loop end), or G_MAXINT64. */
static gint64
cue_until_jump (const Cue *cue, gint64 pos)
{
  if (cue->loop && pos < cue->loop_end)
    return cue->loop_end - pos;
  return G_MAXINT64;
}

/* ---- commands to the audio thread --------------------------------------------------------- */

typedef enum
{
  CMD_PLAY,
  CMD_STOP,
  CMD_LOCATE,
  CMD_STOP_AT,
  CMD_PARAM,
  CMD_INSERT_PARAM,
  CMD_RECORD,
  CMD_RECORD_STOP,
  CMD_MEASURE,
} CmdKind;

typedef struct
{
  CmdKind              kind;
  Cue                  cue;
  gint64               end;
  guint                passes;
  Program             *program;
  StrataGraphStripKind strip_kind;
  guint                strip;
  StrataGraphParam     param;
  guint                insert;          /* CMD_INSERT_PARAM: insert and parameter index */
  guint                index;
  double               value;
  gint64               tail;
  guint                serial;          /* CMD_PLAY: acknowledged through rt_play_ack */
} Cmd;

typedef struct
{
  guint gen;
  Cue   cue;
} Refill;

struct _StrataEngine
{
  GObject          parent_instance;

  StrataProject   *project;
  guint            rate;
  Program         *program;          /* the newest, handed to the audio thread */
  StrataBackend   *backend;
  StrataBackendKind backend_kind;
  guint            tick_id;
  gulong           changed_id;
  GPtrArray       *watched;          /* strips whose fader, pan and mute notify */
  gint64           calibration;
  gboolean         playing;          /* as last published */
  gint64           position;
  guint            xruns;
  Cue              cue;              /* the main thread's idea of the loop */
  StrataMeter     *holds;            /* per meter: held peaks and when they were taken */
  gint64          *hold_time;
  guint            n_holds;
  StrataMeter      input_meter;      /* the device's input channels */
  gboolean         input_clipped[2];
  gint64           input_hold_time;

  /* shared with the audio thread */
  StrataRing      *commands;         /* Cmd, main -> audio */
  StrataRing      *retired;          /* Program *, audio -> main */
  _Atomic(Program *) pending;        /* the next program, swapped in by the audio thread */
  _Atomic gint64   rt_position;
  _Atomic gint64   rt_played;
  _Atomic gint64   rt_seq;
  _Atomic int      rt_rolling;
  _Atomic guint    rt_play_ack;      /* the serial of the last play command the audio thread ran */
  guint            play_serial;
  _Atomic guint    rt_xruns;
  _Atomic guint32  in_peak[2];
  _Atomic int      in_clip[2];
  _Atomic int      rt_record_done;
  _Atomic gint64   rt_record_seq;    /* seq of the first recorded frame, or -1 */
  _Atomic gint64   rt_round_trip;    /* of the recording: its period plus the latencies */
  _Atomic gint64   rt_measured;      /* frames from a click out to its return, or -1 */

  /* the audio thread's own */
  struct
  {
    Program *program;
    gboolean rolling;
    gboolean waiting;              /* for the butler to refill after a locate */
    Cue      cue;
    gint64   position;
    gint64   seq;                  /* frames since the engine started */
    gint64   end;
    guint    passes;
    guint    passes_done;
    guint    gen;
    gboolean fade_in;
    gboolean recording;
    gint64   record_latency;       /* frames to capture after the last one played */
    gint64   record_tail;          /* frames still to capture after the stop, or -1 */
    guint    period;               /* of the current callback */
    gint64   click_seq;            /* latency measurement: when the click goes out, or -1 */
  } rt;

  /* the butler */
  GThread         *butler;
  _Atomic int      butler_run;
  StrataRing      *refills;          /* Refill, audio -> butler */
  _Atomic guint    ready_gen;
  _Atomic(ButlerUpdate *) butler_next;
  Prefetch         prefetch;
  gint             butler_error_reported;

  /* the recorder */
  StrataRing      *record_ring;      /* captured frames, audio -> writer */
  StrataRing      *segments;         /* StrataPlaySegment, audio -> main */
  GArray          *segment_log;
  StrataRecorder  *recorder;
  StrataRecorderState record_state;
  GError          *record_error;     /* the first problem of the last recording, if any */
  gint64           record_round_trip;

  /* loudness */
  GThread         *meter_thread;
  _Atomic int      meter_run;
  _Atomic int      meter_reset;
  StrataRing      *loudness_ring;
  _Atomic guint64  loud[4];          /* momentary, short-term, integrated, true peak (double bits) */
};

G_DEFINE_FINAL_TYPE (StrataEngine, strata_engine, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PLAYING,
  PROP_POSITION,
  PROP_XRUNS,
  PROP_RECORD_STATE,
  N_PROPS
};

enum
{
  SIGNAL_MESSAGE,
  SIGNAL_ERROR,
  SIGNAL_TAKES_ADDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static inline guint32
float_bits (float v)
{
  guint32 u;
  memcpy (&u, &v, sizeof u);
  return u;
}

static inline float
bits_float (guint32 u)
{
  float v;
  memcpy (&v, &u, sizeof v);
  return v;
}

static inline void
store_double (_Atomic guint64 *slot, double v)
{
  guint64 u;
  memcpy (&u, &v, sizeof u);
  atomic_store (slot, u);
}

static inline double
load_double (_Atomic guint64 *slot)
{
  guint64 u = atomic_load (slot);
  double v;
  memcpy (&v, &u, sizeof v);
  return v;
}

/* Raises a non-negative float held as bits: such floats order like their bit patterns. */
static inline void
raise_peak (_Atomic guint32 *slot, float v)
{
  guint32 bits = float_bits (v);
  guint32 old = atomic_load_explicit (slot, memory_order_relaxed);
  while (bits > old
         && !atomic_compare_exchange_weak_explicit (slot, &old, bits, memory_order_relaxed,
                                                    memory_order_relaxed))
    ;
}

/* ---- the audio thread --------------------------------------------------------------------- */

static void
rt_send_refill (StrataEngine *self)
{
  Refill r = { ++self->rt.gen, self->rt.cue };

  r.cue.position = self->rt.position;
  self->rt.waiting = TRUE;
  strata_ring_write (self->refills, &r, 1);
}

static void
rt_command (StrataEngine *self, const Cmd *cmd)
{
  switch (cmd->kind)
    {
    case CMD_PLAY:
      if (!self->rt.rolling)
        {
          self->rt.rolling = TRUE;
          self->rt.passes_done = 0;
        }
      atomic_store (&self->rt_play_ack, cmd->serial);
      break;
    case CMD_STOP:
      self->rt.rolling = FALSE;
      break;
    case CMD_LOCATE:
      self->rt.cue = cmd->cue;
      self->rt.position = cmd->cue.position;
      self->rt.passes_done = 0;
      self->rt.fade_in = self->rt.rolling;
      rt_send_refill (self);
      break;
    case CMD_STOP_AT:
      self->rt.end = cmd->end;
      self->rt.passes = cmd->passes;
      break;
    case CMD_PARAM:
      if (cmd->program == self->rt.program)
        strata_graph_set_param (self->rt.program->graph, cmd->strip_kind, cmd->strip,
                                cmd->param, cmd->value);
      break;
    case CMD_INSERT_PARAM:
      if (cmd->program == self->rt.program)
        strata_graph_set_insert_param (self->rt.program->graph, cmd->strip_kind, cmd->strip,
                                       cmd->insert, cmd->index, cmd->value);
      break;
    case CMD_RECORD:
      /* Output reaches input one period later plus what the devices add, plus the graph's
       * latency (limiter look-ahead): timeline frame p is heard that much after it is
       * processed, so what is played along with it is placed that much earlier. The
       * transport position itself is not shifted: meters and the playhead run ahead of what
       * is heard by that latency (5 ms for a limiter), within a period or two. */
      self->rt.recording = TRUE;
      self->rt.record_latency = cmd->tail + self->rt.period
                                + (self->rt.program ? strata_graph_get_latency (self->rt.program->graph)
                                                    : 0);
      atomic_store (&self->rt_round_trip, self->rt.record_latency);
      self->rt.record_tail = -1;
      atomic_store (&self->rt_record_seq, self->rt.seq);
      break;
    case CMD_RECORD_STOP:
      self->rt.rolling = FALSE;
      break;
    case CMD_MEASURE:
      self->rt.click_seq = self->rt.seq + 4 * self->rt.period;
      atomic_store (&self->rt_measured, -1);
      break;
    }
}

/* Copies a span's source audio out of its track's prefetch ring. */
static void
rt_fill_span (StrataEngine *self, const StrataClipSpan *span, size_t at)
{
  Program *p = self->rt.program;
  guint ch = strata_graph_get_source (p->graph, span->source)->channels;
  size_t mask = PREFETCH_FRAMES - 1;
  const float *buf = span->track < p->n_tracks ? p->rings[span->track]->frames : NULL;

  if (buf == NULL)
    {
      memset (span->buffer, 0, (gsize) span->n * ch * sizeof (float));
      return;
    }
  for (guint k = 0; k < span->n; k++)
    {
      const float *f = buf + 2 * ((at + span->offset + k) & mask);
      span->buffer[k * ch] = f[0];
      if (ch == 2)
        span->buffer[k * ch + 1] = f[1];
    }
}

static void
rt_meter (Program *p, guint meter, const float *frames, guint n)
{
  for (guint c = 0; c < 2; c++)
    {
      float peak = 0.0f, sq = 0.0f;
      for (guint k = 0; k < n; k++)
        {
          float v = frames[2 * k + c];
          peak = fmaxf (peak, fabsf (v));
          sq += v * v;
        }
      raise_peak (&p->peak[meter * 2 + c], peak);
      p->accum[meter * 2 + c] += sq;
    }
}

/* Hands frames [from, from + n) of the input to the monitored tracks' strips. */
static void
rt_set_inputs (Program *p, const float *input, guint from, guint n)
{
  for (guint t = 0; t < p->n_tracks; t++)
    if (p->monitor[t])
      {
        guint ch = strata_graph_get_track_channels (p->graph, t);
        float *buf = p->monitor_buf + (gsize) t * STRATA_BACKEND_MAX_BLOCK * 2;
        for (guint k = 0; k < n; k++)
          for (guint c = 0; c < ch; c++)
            buf[k * ch + c] = input[(from + k) * STRATA_BACKEND_INPUTS + p->inputs[2 * t + c]];
        strata_graph_state_set_input (p->state, t, buf);
      }
}

/* Plays `n` frames of the sequence into `out` (which already holds silence). */
static void
rt_roll (StrataEngine *self, const float *input, float *out, guint n)
{
  Program *p = self->rt.program;
  guint done = 0;
  size_t read = atomic_load_explicit (&self->prefetch.read, memory_order_relaxed);
  size_t avail = atomic_load_explicit (&self->prefetch.write, memory_order_acquire) - read;

  if (avail < n || (gint64) avail < 0)
    {
      atomic_fetch_add (&self->rt_xruns, 1);   /* the butler fell behind: play silence */
      return;
    }
  while (done < n && self->rt.rolling)
    {
      gint64 pos = self->rt.position;
      guint seg = (guint) MIN ((gint64) (n - done), cue_until_jump (&self->rt.cue, pos));
      guint n_spans;
      const StrataClipSpan *spans;

      if (self->rt.end >= 0 && pos < self->rt.end)
        seg = (guint) MIN ((gint64) seg, self->rt.end - pos);
      spans = strata_graph_prepare (p->graph, p->state, pos, seg, &n_spans);
      for (guint s = 0; s < n_spans; s++)
        rt_fill_span (self, &spans[s], read + done);
      rt_set_inputs (p, input, done, seg);
      strata_graph_process (p->graph, p->state, pos, seg, out + 2 * done);
      for (guint m = 0; m + 1 < p->n_meters; m++)
        rt_meter (p, m, strata_graph_state_get_stem (p->state, m), seg);
      rt_meter (p, p->n_meters - 1, out + 2 * done, seg);
      if (self->rt.recording)
        {
          StrataPlaySegment ps = { self->rt.seq + done, pos, seg };
          strata_ring_write (self->segments, &ps, 1);
        }

      done += seg;
      pos += seg;
      if (self->rt.cue.loop && pos == self->rt.cue.loop_end)
        {
          self->rt.passes_done++;
          if (self->rt.passes > 0 && self->rt.passes_done >= self->rt.passes)
            self->rt.rolling = FALSE;
          else
            pos = self->rt.cue.loop_start;
        }
      else if (self->rt.end >= 0 && pos >= self->rt.end)
        self->rt.rolling = FALSE;
      self->rt.position = pos;
    }
  atomic_store_explicit (&self->prefetch.read, read + n, memory_order_release);
  atomic_fetch_add (&self->rt_played, done);
  /* Stopped by itself mid-period (at the end, or after the last loop pass): what the butler
   * read next no longer follows the position, so read again from there. */
  if (!self->rt.rolling)
    rt_send_refill (self);

  if (self->rt.fade_in)
    {
      for (guint k = 0; k < MIN (n, DECLICK); k++)
        for (guint c = 0; c < 2; c++)
          out[2 * k + c] *= (float) k / DECLICK;
      self->rt.fade_in = FALSE;
    }
}

static void
rt_process (gpointer data, const float *input, float *output, guint n)
{
  StrataEngine *self = data;
  Program *next = atomic_exchange (&self->pending, NULL);
  Cmd cmd;
  gboolean was_rolling;

  self->rt.period = n;
  if (next != NULL)
    {
      if (self->rt.program != NULL)
        strata_ring_write (self->retired, &self->rt.program, 1);
      self->rt.program = next;
    }
  /* A locate while rolling first plays one faded block from where it was. */
  while (strata_ring_peek (self->commands, 0, &cmd, 1) == 1)
    {
      if (cmd.kind == CMD_LOCATE && self->rt.rolling && !self->rt.waiting && !self->rt.fade_in)
        break;
      strata_ring_advance (self->commands, 1);
      rt_command (self, &cmd);
    }
  if (self->rt.waiting
      && atomic_load_explicit (&self->ready_gen, memory_order_acquire) == self->rt.gen)
    self->rt.waiting = FALSE;

  memset (output, 0, (gsize) n * 2 * sizeof (float));
  was_rolling = self->rt.rolling;
  if (self->rt.program != NULL && self->rt.rolling && !self->rt.waiting)
    rt_roll (self, input, output, n);
  else if (self->rt.program != NULL && self->rt.program->any_monitor)
    {
      /* Standing still, the monitored inputs are still heard through their strips. */
      Program *p = self->rt.program;
      strata_graph_prepare_inputs_only (p->graph, p->state, self->rt.position, n);
      rt_set_inputs (p, input, 0, n);
      strata_graph_process (p->graph, p->state, self->rt.position, n, output);
    }
  if (was_rolling && strata_ring_peek (self->commands, 0, &cmd, 1) == 1 && cmd.kind == CMD_LOCATE)
    for (guint k = 0; k < n; k++)
      {
        float g = k < DECLICK ? 1.0f - (float) k / DECLICK : 0.0f;
        output[2 * k] *= g;
        output[2 * k + 1] *= g;
      }

  /* Meters: the mean square of this period, the input's peaks. */
  if (self->rt.program != NULL)
    {
      Program *p = self->rt.program;
      for (guint m = 0; m < p->n_meters * 2; m++)
        {
          atomic_store_explicit (&p->square[m], float_bits (p->accum[m] / n),
                                 memory_order_relaxed);
          p->accum[m] = 0.0f;
        }
    }
  for (guint c = 0; c < STRATA_BACKEND_INPUTS; c++)
    {
      float peak = 0.0f;
      for (guint k = 0; k < n; k++)
        peak = fmaxf (peak, fabsf (input[k * STRATA_BACKEND_INPUTS + c]));
      raise_peak (&self->in_peak[c], peak);
      if (peak >= 1.0f)
        atomic_store (&self->in_clip[c], TRUE);
    }
  if (was_rolling)
    strata_ring_write (self->loudness_ring, output, n);

  /* Latency measurement: one click out, then the first input frame above -12 dBFS. */
  if (self->rt.click_seq >= 0)
    {
      gint64 click = self->rt.click_seq;
      if (click >= self->rt.seq && click < self->rt.seq + n)
        {
          output[2 * (click - self->rt.seq)] = 0.5f;
          output[2 * (click - self->rt.seq) + 1] = 0.5f;
        }
      for (guint k = 0; k < n; k++)
        if (self->rt.seq + k >= click
            && (fabsf (input[k * STRATA_BACKEND_INPUTS]) > 0.25f
                || fabsf (input[k * STRATA_BACKEND_INPUTS + 1]) > 0.25f))
          {
            atomic_store (&self->rt_measured, self->rt.seq + k - click);
            self->rt.click_seq = -1;
            break;
          }
      if (self->rt.seq > click + self->rate)
        self->rt.click_seq = -1;   /* nothing came back within a second */
    }

  /* Recording: every input frame from the record start until the tail after the stop. */
  if (self->rt.recording)
    {
      if (strata_ring_write (self->record_ring, input, n) < n)
        atomic_fetch_add (&self->rt_xruns, 1);
      if (!self->rt.rolling)
        {
          /* The period the transport stopped in was captured whole; the tail counts on. */
          if (self->rt.record_tail < 0)
            self->rt.record_tail = self->rt.record_latency;
          else
            self->rt.record_tail -= n;
          if (self->rt.record_tail <= 0)
            {
              self->rt.recording = FALSE;
              atomic_store (&self->rt_record_done, TRUE);
            }
        }
    }

  self->rt.seq += n;
  atomic_store (&self->rt_seq, self->rt.seq);
  atomic_store (&self->rt_position, self->rt.position);
  atomic_store (&self->rt_rolling, self->rt.rolling);
}

/* ---- the butler --------------------------------------------------------------------------- */

typedef struct
{
  StrataGraph      *graph;
  StrataGraphState *state;
  StrataFeed        feed;
  gboolean          feed_ok;
  Ring            **rings;         /* the graph's tracks' */
  guint             n_rings;
  Cue               cue;
  gint64            seq0;          /* ring index where the cue's position sits */
} Butler;

static void
butler_drop_graph (Butler *b)
{
  strata_feed_clear (&b->feed);
  memset (&b->feed, 0, sizeof b->feed);
  strata_graph_state_free (g_steal_pointer (&b->state));
  strata_graph_unref (g_steal_pointer (&b->graph));
  rings_free (g_steal_pointer (&b->rings), b->n_rings);
  b->n_rings = 0;
  b->feed_ok = FALSE;
}

/* The timeline position of ring index `i`. */
static gint64
butler_position_at (const Butler *b, gint64 i)
{
  gint64 d = i - b->seq0, pos = b->cue.position;

  if (!b->cue.loop || pos >= b->cue.loop_end)
    return pos + d;
  if (d < b->cue.loop_end - pos)
    return pos + d;
  d -= b->cue.loop_end - pos;
  return b->cue.loop_start + d % (b->cue.loop_end - b->cue.loop_start);
}

/* Reads ring frames [from, from + n) of every track. */
static void
butler_read (StrataEngine *self, Butler *b, size_t from, guint n)
{
  size_t mask = PREFETCH_FRAMES - 1;
  guint done = 0;

  for (guint t = 0; t < b->n_rings; t++)
    for (guint k = 0; k < n; k++)
      {
        float *f = b->rings[t]->frames + 2 * ((from + k) & mask);
        f[0] = f[1] = 0.0f;
      }
  while (done < n && b->graph != NULL && b->feed_ok)
    {
      gint64 pos = butler_position_at (b, (gint64) (from + done));
      guint seg = (guint) MIN ((gint64) (n - done), cue_until_jump (&b->cue, pos));
      guint n_spans;
      const StrataClipSpan *spans = strata_graph_prepare (b->graph, b->state, pos, seg, &n_spans);
      g_autoptr(GError) error = NULL;

      if (!strata_feed_block (&b->feed, spans, n_spans, &error))
        {
          if (!g_atomic_int_get (&self->butler_error_reported))
            {
              g_atomic_int_set (&self->butler_error_reported, TRUE);
              g_warning ("%s", error->message);
            }
        }
      else
        for (guint s = 0; s < n_spans; s++)
          {
            const StrataClipSpan *sp = &spans[s];
            guint ch = strata_graph_get_source (b->graph, sp->source)->channels;
            float *buf = sp->track < b->n_rings ? b->rings[sp->track]->frames : NULL;
            if (buf == NULL)
              continue;
            for (guint k = 0; k < sp->n; k++)
              {
                float *f = buf + 2 * ((from + done + sp->offset + k) & mask);
                f[0] = sp->buffer[k * ch];
                f[1] = ch == 2 ? sp->buffer[k * ch + 1] : 0.0f;
              }
          }
      done += seg;
    }
}

static gpointer
butler_thread (gpointer data)
{
  StrataEngine *self = data;
  Butler b = { 0 };
  guint64 layout = 0;

  while (atomic_load (&self->butler_run))
    {
      ButlerUpdate *update = atomic_exchange (&self->butler_next, NULL);
      Refill refill;
      gboolean refilled = FALSE;

      if (update != NULL)
        {
          StrataGraph *graph = g_steal_pointer (&update->graph);
          guint64 new_layout = strata_graph_get_clip_layout (graph);
          gboolean had_graph = b.graph != NULL;

          butler_drop_graph (&b);
          b.graph = graph;
          b.rings = g_steal_pointer (&update->rings);
          b.n_rings = update->n_rings;
          butler_update_free (update);
          b.state = strata_graph_state_new_prefetch (graph, BUTLER_CHUNK);
          b.feed_ok = strata_feed_init (&b.feed, graph, BUTLER_CHUNK, NULL, NULL);
          /* Each track keeps its ring (a new one starts silent); with other clips or other
           * tracks, what lies ahead is read again. */
          if (had_graph && new_layout != layout)
            {
              /* Rewrite what lies ahead with the new clips, a safe margin past the reader. */
              size_t read = atomic_load (&self->prefetch.read);
              size_t write = atomic_load (&self->prefetch.write);
              if (write > read + OVERWRITE_MARGIN)
                atomic_store (&self->prefetch.write, read + OVERWRITE_MARGIN);
            }
          layout = new_layout;
        }

      while (strata_ring_read (self->refills, &refill, 1) == 1)
        {
          /* The audio thread reads nothing until ready_gen says so: the ring is ours. */
          b.cue = refill.cue;
          b.seq0 = 0;
          atomic_store (&self->prefetch.read, 0);
          atomic_store (&self->prefetch.write, 0);
          for (size_t at = 0; at < PRIME_FRAMES; at += BUTLER_CHUNK)
            butler_read (self, &b, at, BUTLER_CHUNK);
          atomic_store_explicit (&self->prefetch.write, PRIME_FRAMES, memory_order_release);
          atomic_store_explicit (&self->ready_gen, refill.gen, memory_order_release);
          refilled = TRUE;
        }

      /* Keep the ring full. */
      for (;;)
        {
          size_t read = atomic_load_explicit (&self->prefetch.read, memory_order_acquire);
          size_t write = atomic_load_explicit (&self->prefetch.write, memory_order_relaxed);
          if (b.n_rings == 0 || write - read + BUTLER_CHUNK > PREFETCH_FRAMES)
            break;
          butler_read (self, &b, write, BUTLER_CHUNK);
          atomic_store_explicit (&self->prefetch.write, write + BUTLER_CHUNK,
                                 memory_order_release);
          if (strata_ring_read_space (self->refills) > 0)
            break;
        }
      if (!refilled)
        g_usleep (5000);
    }
  butler_drop_graph (&b);
  return NULL;
}

/* ---- loudness ----------------------------------------------------------------------------- */

static gpointer
meter_thread (gpointer data)
{
  StrataEngine *self = data;
  guint rate = self->rate;
  ebur128_state *st = NULL;
  StrataTruePeak *tp = NULL;
  g_autofree float *frames = g_new (float, 4096 * 2);

  while (atomic_load (&self->meter_run))
    {
      size_t n;

      if (atomic_exchange (&self->meter_reset, FALSE) || st == NULL)
        {
          if (st != NULL)
            ebur128_destroy (&st);
          strata_true_peak_free (tp);
          st = ebur128_init (2, rate, EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I);
          tp = strata_true_peak_new (rate, 2);
          for (guint i = 0; i < 4; i++)
            store_double (&self->loud[i], -INFINITY);
        }
      while ((n = strata_ring_read (self->loudness_ring, frames, 4096)) > 0)
        {
          double v;
          double peak;

          ebur128_add_frames_float (st, frames, n);
          strata_true_peak_process (tp, frames, n);
          if (ebur128_loudness_momentary (st, &v) == EBUR128_SUCCESS)
            store_double (&self->loud[0], v);
          if (ebur128_loudness_shortterm (st, &v) == EBUR128_SUCCESS)
            store_double (&self->loud[1], v);
          if (ebur128_loudness_global (st, &v) == EBUR128_SUCCESS)
            store_double (&self->loud[2], v);
          peak = strata_true_peak_get (tp);
          store_double (&self->loud[3], peak > 0.0 ? 20.0 * log10 (peak) : -INFINITY);
        }
      g_usleep (20000);
    }
  if (st != NULL)
    ebur128_destroy (&st);
  strata_true_peak_free (tp);
  return NULL;
}

/* ---- the main thread ---------------------------------------------------------------------- */

static void
send (StrataEngine *self, const Cmd *cmd)
{
  /* The audio thread drains the ring every period; a full ring means it is not running. */
  if (strata_ring_write (self->commands, cmd, 1) == 0 && self->backend == NULL)
    g_warning ("engine command dropped: no audio running");
}

/* Programs the audio thread let go of, and the one it never took. */
static void
collect_retired (StrataEngine *self)
{
  Program *p;

  while (strata_ring_read (self->retired, &p, 1) == 1)
    program_free (p);
}

static void
update_meter (StrataMeter *m, gint64 *hold_time, float peak[2], float rms[2], gint64 now)
{
  for (guint c = 0; c < 2; c++)
    {
      m->peak[c] = peak[c];
      m->rms[c] = rms[c];
      if (peak[c] >= m->hold[c] || now - *hold_time > HOLD_US)
        {
          m->hold[c] = peak[c];
          *hold_time = now;
        }
      if (peak[c] >= 1.0f)
        m->clipped = TRUE;
    }
}

static void finish_recording_takes (StrataEngine *self);

/* A recording problem: said at once, and kept for strata_engine_finish_recording(). */
static void
record_failed (StrataEngine *self, const char *message)
{
  if (self->record_error == NULL)
    self->record_error = g_error_new_literal (STRATA_ERROR, STRATA_ERROR_IO, message);
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, message);
}

static gboolean
tick (gpointer data)
{
  StrataEngine *self = data;
  Program *p = self->program;
  gint64 now = g_get_monotonic_time ();
  gboolean playing = strata_engine_get_playing (self);
  gint64 position = atomic_load (&self->rt_position);
  guint xruns = strata_engine_get_xruns (self);
  StrataPlaySegment seg;

  collect_retired (self);
  if (p != NULL && p->n_meters == self->n_holds)
    for (guint m = 0; m < p->n_meters; m++)
      {
        float peak[2], rms[2];
        for (guint c = 0; c < 2; c++)
          {
            peak[c] = bits_float (atomic_exchange (&p->peak[m * 2 + c], 0));
            rms[c] = sqrtf (bits_float (atomic_load (&p->square[m * 2 + c])));
          }
        update_meter (&self->holds[m], &self->hold_time[m], peak, rms, now);
      }
  {
    float peak[2], rms[2] = { 0, 0 };
    for (guint c = 0; c < 2; c++)
      peak[c] = bits_float (atomic_exchange (&self->in_peak[c], 0));
    update_meter (&self->input_meter, &self->input_hold_time, peak, rms, now);
    for (guint c = 0; c < 2; c++)
      self->input_clipped[c] |= atomic_load (&self->in_clip[c]);
    self->input_meter.clipped = self->input_clipped[0] || self->input_clipped[1];
  }

  while (strata_ring_read (self->segments, &seg, 1) == 1)
    {
      if (self->segment_log->len == 0 && self->recorder != NULL)
        {
          gint64 record_seq = atomic_load (&self->rt_record_seq);
          /* File frame k heard the output of seq record_seq + k - round trip. */
          self->record_round_trip = atomic_load (&self->rt_round_trip);
          strata_recorder_set_origin (self->recorder,
                                      seg.position - (seg.seq + self->record_round_trip
                                                      - record_seq));
        }
      g_array_append_val (self->segment_log, seg);
    }

  if (self->recorder != NULL && self->record_state == STRATA_RECORDER_RECORDING)
    {
      /* A failed write is reported when the takes are finished, with what was kept. */
      if (!playing || strata_recorder_failed (self->recorder, NULL))
        strata_engine_stop_recording (self, NULL);
    }
  if (self->record_state == STRATA_RECORDER_STOPPING && atomic_load (&self->rt_record_done))
    finish_recording_takes (self);

  if (playing != self->playing)
    {
      self->playing = playing;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
    }
  if (position != self->position)
    {
      self->position = position;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
    }
  if (xruns != self->xruns)
    {
      self->xruns = xruns;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_XRUNS]);
    }
  return G_SOURCE_CONTINUE;
}

static void
install_program (StrataEngine *self, Program *p)
{
  ButlerUpdate *update = g_new0 (ButlerUpdate, 1);
  Program *old;

  g_free (self->holds);
  g_free (self->hold_time);
  self->holds = g_new0 (StrataMeter, p->n_meters);
  self->hold_time = g_new0 (gint64, p->n_meters);
  self->n_holds = p->n_meters;

  update->graph = strata_graph_ref (p->graph);
  update->rings = g_new (Ring *, MAX (p->n_tracks, 1));
  update->n_rings = p->n_tracks;
  for (guint t = 0; t < p->n_tracks; t++)
    update->rings[t] = ring_ref (p->rings[t]);
  /* One the butler had not taken yet goes. */
  butler_update_free (atomic_exchange (&self->butler_next, update));
  self->program = p;
  old = atomic_exchange (&self->pending, p);
  /* Never taken: the audio thread had not run since. */
  program_free (old);
}

static gboolean
recompile (StrataEngine *self, GError **error)
{
  Program *p = program_new (self->project, self->program, error);

  if (p == NULL)
    return FALSE;
  install_program (self, p);
  return TRUE;
}

static void
project_changed (StrataProject *project, StrataEngine *self)
{
  g_autoptr(GError) error = NULL;

  if (!recompile (self, &error))
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, error->message);
}

/* A fader, pan or mute move: heard at once, before the recompile that follows it. */
static void
strip_param_changed (StrataStrip *strip, GParamSpec *pspec, StrataEngine *self)
{
  Cmd cmd = { .kind = CMD_PARAM, .program = self->program };

  if (self->program == NULL
      || !strata_graph_find_strip (self->program->graph, strata_strip_get_id (strip),
                                   &cmd.strip_kind, &cmd.strip))
    return;
  if (g_str_equal (pspec->name, "volume-db"))
    cmd.param = STRATA_GRAPH_PARAM_VOLUME_DB, cmd.value = strata_strip_get_volume_db (strip);
  else if (g_str_equal (pspec->name, "pan"))
    cmd.param = STRATA_GRAPH_PARAM_PAN, cmd.value = strata_strip_get_pan (strip);
  else
    cmd.param = STRATA_GRAPH_PARAM_MUTE, cmd.value = strata_strip_get_mute (strip);
  send (self, &cmd);
}

typedef struct
{
  StrataEngine *engine;
  StrataStrip  *strip;     /* not a reference: the watch goes before the strip does */
  GVariant     *last;      /* the params the engine last saw */
} InsertWatch;

static void
insert_watch_free (gpointer data, GClosure *closure)
{
  InsertWatch *watch = data;

  g_clear_pointer (&watch->last, g_variant_unref);
  g_free (watch);
}

/* A knob turn on an insert: each parameter that changed goes through the command ring, heard
 * at once (gliding), before the recompile that follows it. */
static void
insert_params_changed (StrataInsert *insert, GParamSpec *pspec, InsertWatch *watch)
{
  StrataEngine *self = watch->engine;
  GListModel *inserts = strata_strip_get_inserts (watch->strip);
  const StrataEffectClass *klass = strata_effect_class_find (strata_insert_get_kind (insert));
  GVariant *params = strata_insert_get_params (insert);
  Cmd cmd = { .kind = CMD_INSERT_PARAM, .program = self->program, .insert = G_MAXUINT };

  for (guint i = 0; i < g_list_model_get_n_items (inserts); i++)
    {
      g_autoptr(StrataInsert) item = g_list_model_get_item (inserts, i);
      if (item == insert)
        cmd.insert = i;
    }
  if (klass != NULL && self->program != NULL && cmd.insert != G_MAXUINT
      && strata_graph_find_strip (self->program->graph, strata_strip_get_id (watch->strip),
                                  &cmd.strip_kind, &cmd.strip))
    for (guint p = 0; p < klass->n_params; p++)
      {
        cmd.index = p;
        cmd.value = strata_graph_param_value (&klass->params[p], params);
        if (cmd.value != strata_graph_param_value (&klass->params[p], watch->last))
          send (self, &cmd);
      }
  g_clear_pointer (&watch->last, g_variant_unref);
  watch->last = params ? g_variant_ref (params) : NULL;
}

static void lists_changed (GListModel *list, guint position, guint removed, guint added,
                           StrataEngine *self);

static void
watch_strip (StrataEngine *self, gpointer strip)
{
  GListModel *inserts = strata_strip_get_inserts (strip);

  g_signal_connect_object (strip, "notify::volume-db", G_CALLBACK (strip_param_changed), self, 0);
  g_signal_connect_object (strip, "notify::pan", G_CALLBACK (strip_param_changed), self, 0);
  g_signal_connect_object (strip, "notify::mute", G_CALLBACK (strip_param_changed), self, 0);
  g_ptr_array_add (self->watched, g_object_ref (strip));
  /* An insert added, removed or moved: watch the chain anew. */
  g_signal_connect (inserts, "items-changed", G_CALLBACK (lists_changed), self);
  g_ptr_array_add (self->watched, g_object_ref (inserts));
  for (guint i = 0; i < g_list_model_get_n_items (inserts); i++)
    {
      g_autoptr(StrataInsert) insert = g_list_model_get_item (inserts, i);
      InsertWatch *watch = g_new0 (InsertWatch, 1);
      GVariant *params = strata_insert_get_params (insert);

      watch->engine = self;
      watch->strip = strip;
      watch->last = params ? g_variant_ref (params) : NULL;
      g_signal_connect_data (insert, "notify::params", G_CALLBACK (insert_params_changed), watch,
                             insert_watch_free, 0);
      g_ptr_array_add (self->watched, g_object_ref (insert));
    }
}

static void
unwatch_strips (StrataEngine *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    {
      gpointer object = self->watched->pdata[i];
      g_signal_handlers_disconnect_by_func (object, strip_param_changed, self);
      g_signal_handlers_disconnect_by_func (object, lists_changed, self);
      g_signal_handlers_disconnect_matched (object, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                            insert_params_changed, NULL);
    }
  g_ptr_array_set_size (self->watched, 0);
}

static void
watch_strips (StrataEngine *self)
{
  GListModel *lists[2] = {
    strata_timeline_get_tracks (strata_project_get_timeline (self->project)),
    strata_project_get_buses (self->project),
  };

  unwatch_strips (self);
  for (guint l = 0; l < 2; l++)
    for (guint i = 0; i < g_list_model_get_n_items (lists[l]); i++)
      {
        g_autoptr(GObject) strip = g_list_model_get_item (lists[l], i);
        watch_strip (self, strip);
      }
  watch_strip (self, strata_project_get_master (self->project));
}

static void
lists_changed (GListModel *list, guint position, guint removed, guint added, StrataEngine *self)
{
  watch_strips (self);
}

gboolean
strata_engine_set_project (StrataEngine *self, StrataProject *project, GError **error)
{
  GListModel *tracks;

  g_return_val_if_fail (STRATA_IS_ENGINE (self), FALSE);

  if (self->project != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->project);
      g_signal_handlers_disconnect_by_func (strata_timeline_get_tracks (strata_project_get_timeline (self->project)),
                                            lists_changed, self);
      g_signal_handlers_disconnect_by_func (strata_project_get_buses (self->project),
                                            lists_changed, self);
      unwatch_strips (self);
      g_clear_object (&self->project);
    }
  self->project = g_object_ref (project);
  if (!recompile (self, error))
    {
      g_clear_object (&self->project);
      return FALSE;
    }
  self->changed_id = g_signal_connect (project, "changed", G_CALLBACK (project_changed), self);
  tracks = strata_timeline_get_tracks (strata_project_get_timeline (project));
  g_signal_connect (tracks, "items-changed", G_CALLBACK (lists_changed), self);
  g_signal_connect (strata_project_get_buses (project), "items-changed",
                    G_CALLBACK (lists_changed), self);
  watch_strips (self);
  strata_engine_locate (self, self->position);
  return TRUE;
}

/* ---- audio -------------------------------------------------------------------------------- */

static void
backend_lost (gpointer data, const char *message)
{
  StrataEngine *self = data;

  atomic_store (&self->rt_rolling, FALSE);
  atomic_store (&self->rt_play_ack, self->play_serial);   /* nothing will run it now */
  if (self->record_state == STRATA_RECORDER_RECORDING
      || self->record_state == STRATA_RECORDER_STOPPING)
    {
      /* Nothing more will be captured: keep what was. */
      self->record_state = STRATA_RECORDER_STOPPING;
      atomic_store (&self->rt_record_done, TRUE);
      finish_recording_takes (self);
    }
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, message);
  tick (self);
}

gboolean
strata_engine_start (StrataEngine *self, const StrataEngineOptions *options, GError **error)
{
  StrataBackendKind order[3] = { options->backend, STRATA_BACKEND_PIPEWIRE,
                                 STRATA_BACKEND_GSTREAMER };
  g_autoptr(GString) failures = g_string_new (NULL);

  g_return_val_if_fail (STRATA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (self->backend == NULL, FALSE);

  self->rate = options->config.rate;
  for (guint i = 0; i < 4; i++)
    {
      StrataBackendKind kind = i < 3 ? order[i] : STRATA_BACKEND_DUMMY;
      g_autoptr(GError) local_error = NULL;
      StrataBackend *backend;

      if ((i > 0 && kind == options->backend) || (i > 0 && options->no_fallback))
        continue;
      backend = strata_backend_new (kind, &options->config, rt_process, backend_lost, self);
      if (backend->klass->open (backend, &local_error)
          && backend->klass->start (backend, &local_error))
        {
          self->backend = backend;
          self->backend_kind = kind;
          if (failures->len > 0)
            g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, failures->str);
          break;
        }
      if (failures->len > 0)
        g_string_append (failures, "; ");
      /* TRANSLATORS: a backend's name as the command line spells it, then why it failed */
      g_string_append_printf (failures, _("%s audio could not start: %s"),
                              strata_backend_kind_name (kind), local_error->message);
      strata_backend_free (backend);
    }
  if (self->backend == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE, "%s", failures->str);
      return FALSE;
    }
  /* The first period tells the real period size (and that audio flows). */
  {
    gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
    while (atomic_load (&self->rt_seq) == 0 && g_get_monotonic_time () < deadline)
      g_usleep (1000);
  }
  atomic_store (&self->meter_run, TRUE);
  self->meter_thread = g_thread_new ("strata-meter", meter_thread, self);
  return TRUE;
}

void
strata_engine_shutdown (StrataEngine *self)
{
  if (self->backend != NULL)
    {
      if (self->record_state == STRATA_RECORDER_RECORDING)
        strata_engine_stop_recording (self, NULL);
      strata_backend_free (g_steal_pointer (&self->backend));
      if (self->record_state == STRATA_RECORDER_STOPPING)
        {
          atomic_store (&self->rt_record_done, TRUE);
          finish_recording_takes (self);
        }
    }
  if (self->meter_thread != NULL)
    {
      atomic_store (&self->meter_run, FALSE);
      g_thread_join (g_steal_pointer (&self->meter_thread));
    }
}

const char *
strata_engine_get_backend_name (StrataEngine *self)
{
  return self->backend ? strata_backend_kind_name (self->backend_kind) : NULL;
}

/* ---- transport ---------------------------------------------------------------------------- */

void
strata_engine_play (StrataEngine *self)
{
  Cmd cmd = { .kind = CMD_PLAY, .serial = ++self->play_serial };

  atomic_store (&self->meter_reset, TRUE);
  send (self, &cmd);
}

void
strata_engine_stop (StrataEngine *self)
{
  Cmd cmd = { .kind = CMD_STOP };

  if (self->record_state == STRATA_RECORDER_RECORDING)
    {
      strata_engine_stop_recording (self, NULL);
      return;
    }
  send (self, &cmd);
}

void
strata_engine_locate (StrataEngine *self, gint64 position)
{
  Cmd cmd = { .kind = CMD_LOCATE, .cue = self->cue };

  cmd.cue.position = MAX (0, position);
  self->position = cmd.cue.position;
  atomic_store (&self->rt_position, cmd.cue.position);
  send (self, &cmd);
}

void
strata_engine_set_loop (StrataEngine *self, gboolean enabled, gint64 start, gint64 end)
{
  self->cue.loop = enabled && end > start;
  self->cue.loop_start = start;
  self->cue.loop_end = end;
  /* The butler's read order changes: refill from where the transport is. */
  strata_engine_locate (self, atomic_load (&self->rt_position));
}

void
strata_engine_set_stop_at (StrataEngine *self, gint64 end, guint passes)
{
  Cmd cmd = { .kind = CMD_STOP_AT, .end = end, .passes = passes };
  send (self, &cmd);
}

/* Rolling, or asked to roll and the audio thread has not run the command yet. */
gboolean
strata_engine_get_playing (StrataEngine *self)
{
  return atomic_load (&self->rt_rolling) || atomic_load (&self->rt_play_ack) != self->play_serial;
}

gint64
strata_engine_get_position (StrataEngine *self)
{
  return atomic_load (&self->rt_position);
}

guint
strata_engine_get_xruns (StrataEngine *self)
{
  guint device, engine;

  strata_engine_get_xrun_counts (self, &device, &engine);
  return device + engine;
}

void
strata_engine_get_xrun_counts (StrataEngine *self, guint *device, guint *engine)
{
  *device = self->backend ? (guint) g_atomic_int_get (&self->backend->xruns) : 0;
  *engine = atomic_load (&self->rt_xruns);
}

gint64
strata_engine_get_frames_played (StrataEngine *self)
{
  return atomic_load (&self->rt_played);
}

gboolean
strata_engine_wait_stopped (StrataEngine *self, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  GMainContext *context = g_main_context_get_thread_default ();

  while (g_get_monotonic_time () < deadline)
    {
      tick (self);
      if (!self->playing && self->record_state != STRATA_RECORDER_STOPPING
          && self->record_state != STRATA_RECORDER_RECORDING)
        return TRUE;
      if (self->backend == NULL)
        return FALSE;
      g_main_context_iteration (context, FALSE);
      g_usleep (2000);
    }
  return FALSE;
}

void
strata_engine_get_latency (StrataEngine *self, guint *input, guint *output, guint *period)
{
  *input = *output = *period = 0;
  if (self->backend == NULL)
    return;
  self->backend->klass->latency (self->backend, input, output);
  *period = (guint) g_atomic_int_get (&self->backend->period);
}

void
strata_engine_set_calibration (StrataEngine *self, gint64 frames)
{
  self->calibration = frames;
}

gint64
strata_engine_get_round_trip (StrataEngine *self)
{
  guint in, out, period;

  strata_engine_get_latency (self, &in, &out, &period);
  return (gint64) period + in + out + self->calibration;
}

/* ---- meters ------------------------------------------------------------------------------- */

gboolean
strata_engine_get_meter (StrataEngine *self, const char *strip_id, StrataMeter *meter)
{
  StrataGraphStripKind kind;
  guint index;

  if (self->program == NULL || self->n_holds != self->program->n_meters
      || !strata_graph_find_strip (self->program->graph, strip_id, &kind, &index))
    return FALSE;
  if (kind == STRATA_GRAPH_STRIP_MASTER)
    index = self->n_holds - 1;
  else if (kind == STRATA_GRAPH_STRIP_BUS)
    {
      /* Bus stems follow the tracks, in project order. */
      guint n = strata_graph_get_n_stems (self->program->graph);
      for (index = strata_graph_get_n_tracks (self->program->graph); index < n; index++)
        if (g_strcmp0 (strata_graph_get_stem (self->program->graph, index)->id, strip_id) == 0)
          break;
    }
  *meter = self->holds[index];
  return TRUE;
}

void
strata_engine_get_input_meter (StrataEngine *self, StrataMeter *meter)
{
  *meter = self->input_meter;
}

void
strata_engine_get_track_input_meter (StrataEngine *self, StrataTrack *track, StrataMeter *meter)
{
  guint channels = strata_track_get_channels (track);
  guint in[2];

  parse_input (strata_track_get_input (track), channels, in);
  for (guint c = 0; c < 2; c++)
    {
      guint from = in[channels == 2 ? c : 0];
      meter->peak[c] = self->input_meter.peak[from];
      meter->rms[c] = self->input_meter.rms[from];
      meter->hold[c] = self->input_meter.hold[from];
    }
  meter->clipped = self->input_clipped[in[0]] || self->input_clipped[in[1]];
}

void
strata_engine_reset_clip (StrataEngine *self)
{
  for (guint c = 0; c < 2; c++)
    {
      atomic_store (&self->in_clip[c], FALSE);
      self->input_clipped[c] = FALSE;
    }
  self->input_meter.clipped = FALSE;
  for (guint m = 0; m < self->n_holds; m++)
    self->holds[m].clipped = FALSE;
}

void
strata_engine_get_loudness (StrataEngine *self, StrataLoudness *loudness)
{
  loudness->momentary = load_double (&self->loud[0]);
  loudness->short_term = load_double (&self->loud[1]);
  loudness->integrated = load_double (&self->loud[2]);
  loudness->true_peak = load_double (&self->loud[3]);
}

/* ---- recording ---------------------------------------------------------------------------- */

static GPtrArray *
armed_tracks (StrataEngine *self)
{
  GListModel *tracks = strata_timeline_get_tracks (strata_project_get_timeline (self->project));
  GPtrArray *armed = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint t = 0; t < g_list_model_get_n_items (tracks); t++)
    {
      StrataTrack *track = g_list_model_get_item (tracks, t);
      if (strata_track_get_record_arm (track))
        g_ptr_array_add (armed, track);
      else
        g_object_unref (track);
    }
  return armed;
}

static void
set_record_state (StrataEngine *self, StrataRecorderState state)
{
  if (self->record_state == state)
    return;
  self->record_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORD_STATE]);
}

StrataRecorderState
strata_engine_get_record_state (StrataEngine *self)
{
  if (self->record_state == STRATA_RECORDER_IDLE || self->record_state == STRATA_RECORDER_ARMED)
    {
      g_autoptr(GPtrArray) armed = self->project ? armed_tracks (self) : NULL;
      set_record_state (self, armed && armed->len ? STRATA_RECORDER_ARMED : STRATA_RECORDER_IDLE);
    }
  return self->record_state;
}

gboolean
strata_engine_arm (StrataEngine *self, StrataTrack *track, gboolean armed, GError **error)
{
  g_autoptr(GPtrArray) tracks = armed_tracks (self);
  gboolean was = strata_track_get_record_arm (track);
  guint n = tracks->len + (armed && !was) - (!armed && was);
  StrataRecorderState next;

  if (!strata_recorder_transition (strata_engine_get_record_state (self),
                                   armed ? STRATA_RECORDER_ARM : STRATA_RECORDER_DISARM, n,
                                   &next, error))
    return FALSE;
  if (armed != was)
    {
      StrataCommand *command = strata_property_command_new_value (track, "record-arm", armed);
      strata_command_set_label (command, armed ? "Arm Track" : "Disarm Track");
      strata_undo_stack_push (strata_project_get_undo_stack (self->project), command);
    }
  set_record_state (self, next);
  return TRUE;
}

gboolean
strata_engine_record (StrataEngine *self, GError **error)
{
  g_autoptr(GPtrArray) armed = NULL;
  g_autoptr(GPtrArray) takes = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_take_file_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  StrataRecorderState next;
  const char *media_dir;
  Cmd cmd = { .kind = CMD_RECORD };

  g_return_val_if_fail (STRATA_IS_ENGINE (self), FALSE);

  if (self->project == NULL || self->backend == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_STATE,
                   _("cannot record: no project or no audio is running"));
      return FALSE;
    }
  armed = armed_tracks (self);
  if (!strata_recorder_transition (strata_engine_get_record_state (self), STRATA_RECORDER_RECORD,
                                   armed->len, &next, error))
    return FALSE;
  media_dir = strata_project_ensure_media_dir (self->project, error);
  if (media_dir == NULL)
    return FALSE;
  for (guint i = 0; i < armed->len; i++)
    {
      StrataTrack *track = armed->pdata[i];
      StrataTakeFile *take = g_new0 (StrataTakeFile, 1);
      g_autofree char *name = g_strdup_printf ("take-%s-%s-%u.wav", stamp,
                                               strata_strip_get_id (STRATA_STRIP (track)),
                                               g_random_int_range (0, 1000000));
      take->track_id = g_strdup (strata_strip_get_id (STRATA_STRIP (track)));
      take->path = g_build_filename (media_dir, name, NULL);
      take->channels = strata_track_get_channels (track);
      parse_input (strata_track_get_input (track), take->channels, take->input);
      g_ptr_array_add (takes, take);
    }

  strata_ring_reset (self->record_ring);    /* the audio thread writes it only when recording */
  g_array_set_size (self->segment_log, 0);
  atomic_store (&self->rt_record_done, FALSE);
  self->record_round_trip = strata_engine_get_round_trip (self);
  atomic_store (&self->rt_round_trip, self->record_round_trip);
  g_clear_error (&self->record_error);
  self->recorder = strata_recorder_start (media_dir, self->rate, takes, self->record_ring, error);
  if (self->recorder == NULL)
    return FALSE;
  cmd.tail = self->record_round_trip - g_atomic_int_get (&self->backend->period);
  send (self, &cmd);
  if (!strata_engine_get_playing (self))
    strata_engine_play (self);
  set_record_state (self, next);
  return TRUE;
}

gboolean
strata_engine_stop_recording (StrataEngine *self, GError **error)
{
  StrataRecorderState next;
  Cmd cmd = { .kind = CMD_RECORD_STOP };

  if (!strata_recorder_transition (self->record_state, STRATA_RECORDER_STOP, 0, &next, error))
    return FALSE;
  send (self, &cmd);
  set_record_state (self, next);
  return TRUE;
}

gboolean
strata_engine_finish_recording (StrataEngine *self, GError **error)
{
  while (self->record_state == STRATA_RECORDER_STOPPING && self->backend != NULL)
    {
      tick (self);
      if (self->record_state == STRATA_RECORDER_STOPPING)
        g_usleep (2000);
    }
  if (self->record_state == STRATA_RECORDER_STOPPING)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_STATE,
                   _("audio stopped before the recording could finish"));
      return FALSE;
    }
  if (self->record_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->record_error));
      return FALSE;
    }
  return TRUE;
}

/* The source for an imported take. The group adds sources only when it is pushed, so the
 * ones this recording adds (`added`) are checked too: by hash (one source per content) and by
 * id (no two new sources with one id). */
static StrataSource *
take_source (StrataEngine *self, const StrataImportResult *result, const char *name,
             GPtrArray *added, StrataCommand *group)
{
  StrataSource *source = strata_project_source_for_import (self->project, result, name);

  if (strata_project_find_source_by_hash (self->project, result->hash) != NULL)
    return source;
  for (guint i = 0; i < added->len; i++)
    if (g_strcmp0 (strata_source_get_hash (added->pdata[i]), result->hash) == 0)
      {
        g_object_unref (source);
        return g_object_ref (added->pdata[i]);
      }
  for (guint n = 1;; n++)
    {
      const char *id = strata_source_get_id (source);
      gboolean clash = strata_project_find_source (self->project, id) != NULL
                       || strata_project_find_strip (self->project, id) != NULL;
      g_autofree char *other = NULL;
      StrataSource *renamed;

      for (guint i = 0; i < added->len; i++)
        clash |= g_strcmp0 (strata_source_get_id (added->pdata[i]), id) == 0;
      if (!clash)
        break;
      other = g_strdup_printf ("take%u", n);
      renamed = strata_source_new (other, strata_source_get_path (source),
                                   strata_source_get_channels (source),
                                   strata_source_get_frames (source));
      strata_source_set_file_path (renamed, strata_source_get_file_path (source));
      strata_source_set_hash (renamed, strata_source_get_hash (source));
      strata_source_set_name (renamed, strata_source_get_name (source));
      g_object_unref (source);
      source = renamed;
    }
  g_ptr_array_add (added, g_object_ref (source));
  strata_group_command_add (group, strata_commands_add_source (self->project, source));
  return source;
}

/* Adds one take file to the project as a source, and its regions as clips: all but the
 * newest go to the track's take lanes, and clips the newest covers move there too. */
static gboolean
add_takes (StrataEngine *self, StrataTakeFile *take, GArray *regions, GPtrArray *added,
           StrataCommand *group, GError **error)
{
  StrataTrack *track = strata_timeline_find_track (strata_project_get_timeline (self->project),
                                                   take->track_id);
  g_autoptr(StrataImportResult) result = NULL;
  g_autoptr(StrataSource) source = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GPtrArray) clips = g_ptr_array_new_with_free_func (g_object_unref);
  StrataCommand *command;

  if (regions->len == 0)
    return TRUE;
  result = strata_import_file (take->path, strata_project_get_media_dir (self->project),
                               self->rate, NULL, NULL, NULL, error);
  if (result == NULL)
    return FALSE;
  if (track != NULL)
    name = g_strdup_printf ("%s take", strata_strip_get_name (STRATA_STRIP (track)));
  else
    {
      /* The track was deleted while it recorded: the take gets a track of its own rather
       * than going with it. */
      name = g_strdup (_("Recorded take"));
      strata_group_command_add (group,
                                strata_commands_add_track (self->project,
                                                           CLAMP (take->channels, 1, 2), name,
                                                           G_MAXUINT, &track));
    }
  source = take_source (self, result, name, added, group);
  for (guint r = 0; r < regions->len; r++)
    {
      const StrataTakeRegion *region = &g_array_index (regions, StrataTakeRegion, r);
      gint64 length = MIN (region->length, result->frames - region->file_start);
      if (length > 0)
        g_ptr_array_add (clips, strata_clip_new (source, region->position, region->file_start,
                                                 length));
    }
  if (clips->len == 0)
    return TRUE;
  command = strata_commands_record_takes (self->project, track, (StrataClip **) clips->pdata,
                                          clips->len);
  strata_group_command_add (group, command);
  return TRUE;
}

static void
finish_recording_takes (StrataEngine *self)
{
  g_autoptr(GError) error = NULL;
  StrataRecorder *rec = g_steal_pointer (&self->recorder);
  GPtrArray *takes;
  gint64 frames;
  gint64 punch_in, punch_out;
  gboolean punch;
  StrataCommand *group;
  StrataRecorderState next;
  StrataPlaySegment seg;
  g_autoptr(GPtrArray) armed = armed_tracks (self);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_clips = 0;

  if (rec == NULL)
    return;
  while (strata_ring_read (self->segments, &seg, 1) == 1)
    g_array_append_val (self->segment_log, seg);
  if (!strata_recorder_finish (rec, &error))
    record_failed (self, error->message);
  g_clear_error (&error);
  frames = strata_recorder_get_frames (rec);
  self->record_round_trip = atomic_load (&self->rt_round_trip);
  takes = strata_recorder_get_takes (rec);
  strata_timeline_get_punch (strata_project_get_timeline (self->project), &punch_in, &punch_out,
                             &punch);
  group = strata_group_command_new ("Record");
  for (guint t = 0; t < takes->len; t++)
    {
      StrataTakeFile *take = takes->pdata[t];
      g_autoptr(GArray) regions = strata_take_regions ((StrataPlaySegment *) self->segment_log->data,
                                                       self->segment_log->len,
                                                       atomic_load (&self->rt_record_seq),
                                                       frames, self->record_round_trip, punch,
                                                       punch_in, punch_out);
      if (!add_takes (self, take, regions, added, group, &error))
        {
          /* The take file stays in the media folder, to be recovered: an untitled
           * project's folder too, when the project closes. */
          g_autofree char *message = g_strdup_printf (_("the take in '%s' could not be added: %s"),
                                                      take->path, error->message);
          record_failed (self, message);
          g_clear_error (&error);
          strata_project_keep_media_dir (self->project);
          continue;
        }
      n_clips += regions->len;
      strata_recorder_remove_take (take->path);
    }
  if (n_clips > 0)
    strata_undo_stack_push (strata_project_get_undo_stack (self->project), group);
  else
    g_object_unref (group);
  strata_recorder_free (rec);
  strata_recorder_transition (STRATA_RECORDER_STOPPING, STRATA_RECORDER_FINISHED, armed->len,
                              &next, NULL);
  set_record_state (self, next);
  g_signal_emit (self, signals[SIGNAL_TAKES_ADDED], 0, n_clips);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
strata_engine_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  StrataEngine *self = STRATA_ENGINE (object);

  switch (prop_id)
    {
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    case PROP_POSITION:
      g_value_set_int64 (value, self->position);
      break;
    case PROP_XRUNS:
      g_value_set_uint (value, self->xruns);
      break;
    case PROP_RECORD_STATE:
      g_value_set_int (value, self->record_state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_engine_dispose (GObject *object)
{
  StrataEngine *self = STRATA_ENGINE (object);

  strata_engine_shutdown (self);
  if (self->butler != NULL)
    {
      atomic_store (&self->butler_run, FALSE);
      g_thread_join (g_steal_pointer (&self->butler));
    }
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->project != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->project);
      g_signal_handlers_disconnect_by_data (strata_timeline_get_tracks (strata_project_get_timeline (self->project)), self);
      g_signal_handlers_disconnect_by_data (strata_project_get_buses (self->project), self);
      unwatch_strips (self);
      g_clear_object (&self->project);
    }
  G_OBJECT_CLASS (strata_engine_parent_class)->dispose (object);
}

static void
strata_engine_finalize (GObject *object)
{
  StrataEngine *self = STRATA_ENGINE (object);
  Program *p;

  collect_retired (self);
  p = atomic_exchange (&self->pending, NULL);
  if (p != NULL && p != self->rt.program)
    program_free (p);
  program_free (self->rt.program);
  butler_update_free (atomic_exchange (&self->butler_next, NULL));
  strata_recorder_free (self->recorder);
  g_clear_error (&self->record_error);
  strata_ring_free (self->commands);
  strata_ring_free (self->retired);
  strata_ring_free (self->refills);
  strata_ring_free (self->record_ring);
  strata_ring_free (self->segments);
  strata_ring_free (self->loudness_ring);
  g_array_unref (self->segment_log);
  g_ptr_array_unref (self->watched);
  g_free (self->holds);
  g_free (self->hold_time);
  G_OBJECT_CLASS (strata_engine_parent_class)->finalize (object);
}

static void
strata_engine_class_init (StrataEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = strata_engine_get_property;
  object_class->dispose = strata_engine_dispose;
  object_class->finalize = strata_engine_finalize;

  properties[PROP_PLAYING] = g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                                   | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_POSITION] = g_param_spec_int64 ("position", NULL, NULL, 0, G_MAXINT64, 0,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                                  | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_XRUNS] = g_param_spec_uint ("xruns", NULL, NULL, 0, G_MAXUINT, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                              | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RECORD_STATE] = g_param_spec_int ("record-state", NULL, NULL, 0, 3, 0,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                                    | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A backend fell back to another: the message says which and why. */
  signals[SIGNAL_MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The device went away, a recording failed, the project could not compile. */
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* A recording became clips: how many. */
  signals[SIGNAL_TAKES_ADDED] = g_signal_new ("takes-added", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
strata_engine_init (StrataEngine *self)
{
  self->commands = strata_ring_new (sizeof (Cmd), 256);
  self->retired = strata_ring_new (sizeof (Program *), 256);
  self->refills = strata_ring_new (sizeof (Refill), 64);
  self->record_ring = strata_ring_new (STRATA_BACKEND_INPUTS * sizeof (float), 1u << 20);
  self->segments = strata_ring_new (sizeof (StrataPlaySegment), 1u << 14);
  self->loudness_ring = strata_ring_new (2 * sizeof (float), LOUDNESS_FRAMES);
  self->segment_log = g_array_new (FALSE, FALSE, sizeof (StrataPlaySegment));
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->rate = 48000;
  self->rt.end = -1;
  self->rt.click_seq = -1;
  atomic_store (&self->rt_measured, -1);
  atomic_store (&self->rt_record_seq, -1);
  atomic_store (&self->butler_run, TRUE);
  self->butler = g_thread_new ("strata-butler", butler_thread, self);
  self->tick_id = g_timeout_add (33, tick, self);
}

StrataEngine *
strata_engine_new (void)
{
  return g_object_new (STRATA_TYPE_ENGINE, NULL);
}

/* ---- latency calibration ------------------------------------------------------------------ */

#define MEASURE_TIMEOUT_US (3 * G_USEC_PER_SEC)   /* the click has this long to come back */

/* Sends the click, or says why it cannot. */
static gboolean
measure_start (StrataEngine *self, GError **error)
{
  Cmd cmd = { .kind = CMD_MEASURE };

  if (self->backend == NULL || strata_engine_get_playing (self)
      || self->record_state == STRATA_RECORDER_RECORDING
      || self->record_state == STRATA_RECORDER_STOPPING)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_STATE,
                   _("latency can be measured only while audio runs and the transport is stopped"));
      return FALSE;
    }
  atomic_store (&self->rt_measured, -2);
  send (self, &cmd);
  return TRUE;
}

/* The calibration from the click's measured return, or why there is none. */
static gboolean
measure_result (StrataEngine *self, gint64 measured, gint64 *calibration, GError **error)
{
  if (measured < 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                   _("the click did not come back: connect the output to the input (a loopback "
                     "cable, or record the output device's monitor) and try again"));
      return FALSE;
    }
  *calibration = measured - (strata_engine_get_round_trip (self) - self->calibration);
  return TRUE;
}

typedef struct
{
  gint64 deadline;
  gint64 calibration;
} Measuring;

static gboolean
measure_poll_cb (gpointer data)
{
  GTask *task = data;
  StrataEngine *self = g_task_get_source_object (task);
  Measuring *measuring = g_task_get_task_data (task);
  gint64 measured = atomic_load (&self->rt_measured);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;
  if (measured < 0 && g_get_monotonic_time () < measuring->deadline)
    return G_SOURCE_CONTINUE;
  if (measure_result (self, measured, &measuring->calibration, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  return G_SOURCE_REMOVE;
}

void
strata_engine_measure_latency_async (StrataEngine        *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GSource) source = g_timeout_source_new (5);
  Measuring *measuring = g_new0 (Measuring, 1);
  GError *error = NULL;

  g_return_if_fail (STRATA_IS_ENGINE (self));

  g_task_set_source_tag (task, strata_engine_measure_latency_async);
  measuring->deadline = g_get_monotonic_time () + MEASURE_TIMEOUT_US;
  g_task_set_task_data (task, measuring, g_free);
  if (!measure_start (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_source_set_callback (source, measure_poll_cb, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
}

gboolean
strata_engine_measure_latency_finish (StrataEngine  *self,
                                      GAsyncResult  *result,
                                      gint64        *calibration,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  *calibration = ((Measuring *) g_task_get_task_data (G_TASK (result)))->calibration;
  return TRUE;
}

static void
keep_result_cb (GObject *engine, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* The async measurement, waited for in a main context of its own. */
gboolean
strata_engine_measure_latency (StrataEngine *self, gint64 *calibration, GError **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (STRATA_IS_ENGINE (self), FALSE);

  g_main_context_push_thread_default (context);
  strata_engine_measure_latency_async (self, NULL, keep_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  return strata_engine_measure_latency_finish (self, result, calibration, error);
}
