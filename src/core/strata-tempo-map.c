/* strata-tempo-map.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tempo map turns musical positions (bar.beat.tick) into frames and back. Every model
 * object that stores a musical position, the timeline rulers and the snapping code go through
 * it, so the conversions must agree to the frame on every machine: tempo is kept as an integer
 * number of micro-bpm and all frame <-> tick arithmetic is exact 128-bit integer arithmetic.
 *
 * Within a segment, frames_per_tick = rate * 60 / (bpm * 960) = rate * 62500 / micro_bpm, and
 * the frame of tick T (counted from the segment start) is
 *   segment.frame + round_half_up (T * frames_per_tick).
 * A segment's start frame is the previous segment's start plus the rounded length of the
 * previous segment, so the rounding never accumulates across bars.
 */
#define G_LOG_DOMAIN "strata-tempo-map"
#include "config.h"
#include "strata-tempo-map.h"
#include "strata-error.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define MICRO_PER_BPM      G_GINT64_CONSTANT (1000000)
/* 60 s * 1e6 micro-bpm per bpm / 960 ticks per beat */
#define TICK_RATE_FACTOR   G_GINT64_CONSTANT (62500)
#define DEFAULT_RATE       48000

typedef __int128 Int128;

typedef struct
{
  StrataTempoSegment pub;
  gint64             ubpm;           /* tempo in micro-bpm: the value all arithmetic uses */
  gint64             ticks_per_bar;
} Segment;

struct _StrataTempoMap
{
  GObject  parent_instance;
  guint    sample_rate;
  GArray  *segments;                 /* of Segment, never empty */
};

G_DEFINE_FINAL_TYPE (StrataTempoMap, strata_tempo_map, G_TYPE_OBJECT)

enum { PROP_0, PROP_SAMPLE_RATE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static inline Segment *
segment_at (StrataTempoMap *self,
            guint           index)
{
  return &g_array_index (self->segments, Segment, index);
}

static Int128
floor_div (Int128 a,
           Int128 b)
{
  Int128 q = a / b;

  g_assert (b > 0);
  if (a % b != 0 && a < 0)
    q--;
  return q;
}

static gint64
saturate_i64 (Int128 v)
{
  if (v > G_MAXINT64)
    return G_MAXINT64;
  if (v < G_MININT64)
    return G_MININT64;
  return (gint64) v;
}

static gint32
saturate_i32 (Int128 v)
{
  if (v > G_MAXINT32)
    return G_MAXINT32;
  if (v < G_MININT32)
    return G_MININT32;
  return (gint32) v;
}

/* round_half_up (ticks * rate * 62500 / ubpm) = floor ((2 * ticks * N + D) / (2 * D)) */
static Int128
ticks_to_offset (StrataTempoMap *self,
                 const Segment  *seg,
                 Int128          ticks)
{
  Int128 n = (Int128) self->sample_rate * TICK_RATE_FACTOR;
  Int128 d = seg->ubpm;

  return floor_div (2 * ticks * n + d, 2 * d);
}

/* The largest T whose offset is <= offset: floor ((2 * D * offset + D - 1) / (2 * N)). */
static Int128
offset_to_ticks (StrataTempoMap *self,
                 const Segment  *seg,
                 Int128          offset)
{
  Int128 n = (Int128) self->sample_rate * TICK_RATE_FACTOR;
  Int128 d = seg->ubpm;

  return floor_div (2 * d * offset + d - 1, 2 * n);
}

static gint64
tick_frame (StrataTempoMap *self,
            const Segment  *seg,
            Int128          ticks)
{
  return saturate_i64 ((Int128) seg->pub.frame + ticks_to_offset (self, seg, ticks));
}

static void
recompute_frames (StrataTempoMap *self)
{
  Segment *prev = segment_at (self, 0);

  prev->pub.frame = 0;
  for (guint i = 1; i < self->segments->len; i++)
    {
      Segment *seg = segment_at (self, i);
      Int128 ticks = (Int128) (seg->pub.bar - prev->pub.bar) * prev->ticks_per_bar;

      seg->pub.frame = tick_frame (self, prev, ticks);
      prev = seg;
    }
}

static guint
index_at_frame (StrataTempoMap *self,
                gint64          frame)
{
  guint lo = 0;
  guint hi = self->segments->len;

  /* The last segment whose start is <= frame; the first one for frames before it. */
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (segment_at (self, mid)->pub.frame <= frame)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

static guint
index_at_bar (StrataTempoMap *self,
              gint32          bar)
{
  guint lo = 0;
  guint hi = self->segments->len;

  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (segment_at (self, mid)->pub.bar <= bar)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

static gboolean
segments_equal (GArray *a,
                GArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    {
      const Segment *sa = &g_array_index (a, Segment, i);
      const Segment *sb = &g_array_index (b, Segment, i);

      if (sa->pub.bar != sb->pub.bar
          || sa->ubpm != sb->ubpm
          || sa->pub.numerator != sb->pub.numerator
          || sa->pub.denominator != sb->pub.denominator)
        return FALSE;
    }
  return TRUE;
}

static gboolean
valid_denominator (guint d)
{
  return d == 1 || d == 2 || d == 4 || d == 8 || d == 16 || d == 32;
}

static gboolean
validate_segments (const StrataTempoSegment  *segments,
                   guint                      n_segments,
                   GArray                    *out,
                   GError                   **error)
{
  if (n_segments == 0)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                           _("tempo_map: must have at least one segment"));
      return FALSE;
    }

  for (guint i = 0; i < n_segments; i++)
    {
      const StrataTempoSegment *s = &segments[i];
      Segment seg = { 0 };

      if (i == 0 && s->bar != 1)
        {
          g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                               _("tempo_map[0].at: the first segment must be at 1.1.0"));
          return FALSE;
        }
      if (i > 0 && s->bar <= segments[i - 1].bar)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                       _("tempo_map[%u].at: must be at a later bar than tempo_map[%u] (bar %d)"),
                       i, i - 1, segments[i - 1].bar);
          return FALSE;
        }
      if (!(s->bpm > 0.0 && s->bpm <= 999.0))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                       _("tempo_map[%u].bpm: must be in (0, 999]"), i);
          return FALSE;
        }
      seg.ubpm = (gint64) llround (s->bpm * (double) MICRO_PER_BPM);
      if (seg.ubpm < 1)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                       _("tempo_map[%u].bpm: must be at least 0.000001"), i);
          return FALSE;
        }
      if (s->numerator < 1 || s->numerator > 32)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                       _("tempo_map[%u].time_signature: numerator must be between 1 and 32"), i);
          return FALSE;
        }
      if (!valid_denominator (s->denominator))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                       _("tempo_map[%u].time_signature: denominator must be 1, 2, 4, 8, 16 or 32"),
                       i);
          return FALSE;
        }

      seg.pub.bar = s->bar;
      seg.pub.bpm = (double) seg.ubpm / (double) MICRO_PER_BPM;
      seg.pub.numerator = s->numerator;
      seg.pub.denominator = s->denominator;
      seg.ticks_per_bar = (gint64) s->numerator * STRATA_TICKS_PER_BEAT;
      g_array_append_val (out, seg);
    }

  return TRUE;
}

static gboolean
parse_int (const char  *p,
           const char **end,
           gint32      *out)
{
  gboolean negative = FALSE;
  gint64 v = 0;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    {
      v = v * 10 + (*p - '0');
      if (v > G_MAXINT32)
        return FALSE;
      p++;
    }
  *out = (gint32) (negative ? -v : v);
  *end = p;
  return TRUE;
}

static GArray *
default_segments (void)
{
  GArray *segments = g_array_new (FALSE, TRUE, sizeof (Segment));
  Segment seg = { 0 };

  seg.pub.bar = 1;
  seg.pub.bpm = 120.0;
  seg.pub.numerator = 4;
  seg.pub.denominator = 4;
  seg.pub.frame = 0;
  seg.ubpm = 120 * MICRO_PER_BPM;
  seg.ticks_per_bar = 4 * STRATA_TICKS_PER_BEAT;
  g_array_append_val (segments, seg);
  return segments;
}

static void
strata_tempo_map_finalize (GObject *object)
{
  StrataTempoMap *self = STRATA_TEMPO_MAP (object);

  g_clear_pointer (&self->segments, g_array_unref);
  G_OBJECT_CLASS (strata_tempo_map_parent_class)->finalize (object);
}

static void
strata_tempo_map_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  StrataTempoMap *self = STRATA_TEMPO_MAP (object);

  switch (prop_id)
    {
    case PROP_SAMPLE_RATE:
      g_value_set_uint (value, self->sample_rate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_tempo_map_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  StrataTempoMap *self = STRATA_TEMPO_MAP (object);

  switch (prop_id)
    {
    case PROP_SAMPLE_RATE:
      strata_tempo_map_set_sample_rate (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_tempo_map_class_init (StrataTempoMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_tempo_map_finalize;
  object_class->get_property = strata_tempo_map_get_property;
  object_class->set_property = strata_tempo_map_set_property;

  properties[PROP_SAMPLE_RATE] =
    g_param_spec_uint ("sample-rate", NULL, NULL,
                       1, G_MAXINT32, DEFAULT_RATE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted after the segments or the sample rate changed, so that every frame derived from a
   * musical position must be recomputed. */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
strata_tempo_map_init (StrataTempoMap *self)
{
  self->sample_rate = DEFAULT_RATE;
  self->segments = default_segments ();
}

/**
 * strata_tempo_map_new:
 * @sample_rate: frames per second
 *
 * Returns: (transfer full): a map with one segment at bar 1: 120 bpm, 4/4.
 */
StrataTempoMap *
strata_tempo_map_new (guint sample_rate)
{
  g_return_val_if_fail (sample_rate > 0 && sample_rate <= G_MAXINT32, NULL);

  return g_object_new (STRATA_TYPE_TEMPO_MAP, "sample-rate", sample_rate, NULL);
}

/**
 * strata_tempo_map_copy:
 *
 * Returns: (transfer full): a new map with the same sample rate and segments.
 */
StrataTempoMap *
strata_tempo_map_copy (StrataTempoMap *self)
{
  StrataTempoMap *copy;

  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), NULL);

  copy = strata_tempo_map_new (self->sample_rate);
  g_clear_pointer (&copy->segments, g_array_unref);
  copy->segments = g_array_copy (self->segments);
  return copy;
}

guint
strata_tempo_map_get_sample_rate (StrataTempoMap *self)
{
  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), 0);

  return self->sample_rate;
}

void
strata_tempo_map_set_sample_rate (StrataTempoMap *self,
                                  guint           sample_rate)
{
  g_return_if_fail (STRATA_IS_TEMPO_MAP (self));
  g_return_if_fail (sample_rate > 0 && sample_rate <= G_MAXINT32);

  if (self->sample_rate == sample_rate)
    return;

  self->sample_rate = sample_rate;
  recompute_frames (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLE_RATE]);
  g_signal_emit (self, signals[CHANGED], 0);
}

guint
strata_tempo_map_get_n_segments (StrataTempoMap *self)
{
  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), 0);

  return self->segments->len;
}

/**
 * strata_tempo_map_get_segment:
 *
 * Returns: (transfer none): the segment, valid until the map next changes. Its bpm is the
 * quantised value (a multiple of 1e-6) the map computes with.
 */
const StrataTempoSegment *
strata_tempo_map_get_segment (StrataTempoMap *self,
                              guint           index)
{
  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), NULL);
  g_return_val_if_fail (index < self->segments->len, NULL);

  return &segment_at (self, index)->pub;
}

/* The segments as an array of StrataTempoSegment, for commands that keep the old ones. */
GArray *
strata_tempo_map_dup_segments (StrataTempoMap *self)
{
  GArray *segments;

  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), NULL);
  segments = g_array_sized_new (FALSE, FALSE, sizeof (StrataTempoSegment), self->segments->len);
  for (guint i = 0; i < self->segments->len; i++)
    g_array_append_vals (segments, &segment_at (self, i)->pub, 1);
  return segments;
}

/**
 * strata_tempo_map_set_segments:
 * @segments: (array length=n_segments): the new segments; their `frame` is ignored
 *
 * Replaces the segments after checking them, then emits #StrataTempoMap::changed if anything
 * differs. On error the map is left as it was.
 */
gboolean
strata_tempo_map_set_segments (StrataTempoMap            *self,
                               const StrataTempoSegment  *segments,
                               guint                      n_segments,
                               GError                   **error)
{
  g_autoptr(GArray) validated = NULL;

  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), FALSE);
  g_return_val_if_fail (segments != NULL || n_segments == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  validated = g_array_sized_new (FALSE, TRUE, sizeof (Segment), MAX (n_segments, 1));
  if (!validate_segments (segments, n_segments, validated, error))
    return FALSE;

  if (segments_equal (self->segments, validated))
    return TRUE;

  g_array_unref (self->segments);
  self->segments = g_steal_pointer (&validated);
  recompute_frames (self);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

gboolean
strata_tempo_map_equal (StrataTempoMap *a,
                        StrataTempoMap *b)
{
  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (a), FALSE);
  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (b), FALSE);

  return a->sample_rate == b->sample_rate && segments_equal (a->segments, b->segments);
}

/**
 * strata_tempo_map_segment_at_frame:
 *
 * Returns: (transfer none): the segment holding @frame; the first one for frames before 0.
 */
const StrataTempoSegment *
strata_tempo_map_segment_at_frame (StrataTempoMap *self,
                                   gint64          frame)
{
  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), NULL);

  return &segment_at (self, index_at_frame (self, frame))->pub;
}

/**
 * strata_tempo_map_bbt_to_frame:
 *
 * The frame of a musical position, rounded half up. Bars before 1 extrapolate the first
 * segment. The position is not checked (see strata_tempo_map_check_bbt()): a beat or tick
 * past the end of its bar simply counts on from the bar line.
 */
gint64
strata_tempo_map_bbt_to_frame (StrataTempoMap  *self,
                               const StrataBbt *bbt)
{
  const Segment *seg;
  Int128 ticks;

  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), 0);
  g_return_val_if_fail (bbt != NULL, 0);

  seg = segment_at (self, index_at_bar (self, bbt->bar));
  ticks = (Int128) ((gint64) bbt->bar - seg->pub.bar) * seg->ticks_per_bar
          + ((Int128) bbt->beat - 1) * STRATA_TICKS_PER_BEAT
          + bbt->tick;
  return tick_frame (self, seg, ticks);
}

/**
 * strata_tempo_map_frame_to_bbt:
 *
 * The latest musical position whose frame is <= @frame. Negative frames give bars <= 0.
 * As long as a tick lasts at least one frame (true for every supported rate and tempo),
 * strata_tempo_map_bbt_to_frame() of the result gives back the same position.
 */
void
strata_tempo_map_frame_to_bbt (StrataTempoMap *self,
                               gint64          frame,
                               StrataBbt      *bbt)
{
  const Segment *seg;
  Int128 ticks;
  Int128 bars;
  Int128 rest;

  g_return_if_fail (STRATA_IS_TEMPO_MAP (self));
  g_return_if_fail (bbt != NULL);

  seg = segment_at (self, index_at_frame (self, frame));
  ticks = offset_to_ticks (self, seg, (Int128) frame - seg->pub.frame);
  bars = floor_div (ticks, seg->ticks_per_bar);
  rest = ticks - bars * seg->ticks_per_bar;

  bbt->bar = saturate_i32 (bars + seg->pub.bar);
  bbt->beat = (gint32) (rest / STRATA_TICKS_PER_BEAT) + 1;
  bbt->tick = (gint32) (rest % STRATA_TICKS_PER_BEAT);
}

/**
 * strata_tempo_map_check_bbt:
 *
 * Checks that @bbt names a position in the song: bar >= 1, a beat of that bar's time
 * signature and a tick 0..959. The message names the field only; callers prefix the place
 * the position came from.
 */
gboolean
strata_tempo_map_check_bbt (StrataTempoMap   *self,
                            const StrataBbt  *bbt,
                            GError          **error)
{
  const Segment *seg;

  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), FALSE);
  g_return_val_if_fail (bbt != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (bbt->bar < 1)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_INVALID, _("bar must be >= 1"));
      return FALSE;
    }

  seg = segment_at (self, index_at_bar (self, bbt->bar));
  if (bbt->beat < 1 || bbt->beat > seg->pub.numerator)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("beat must be between 1 and %u"), seg->pub.numerator);
      return FALSE;
    }

  if (bbt->tick < 0 || bbt->tick >= STRATA_TICKS_PER_BEAT)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("tick must be between 0 and %d"), STRATA_TICKS_PER_BEAT - 1);
      return FALSE;
    }

  return TRUE;
}

/**
 * strata_tempo_map_parse_position:
 * @text: "BAR.BEAT.TICK": three integers separated by dots, nothing else
 * @frame: (out) (optional): the position's frame
 *
 * A malformed string is %STRATA_ERROR_PARSE, a position outside the song
 * %STRATA_ERROR_INVALID (see strata_tempo_map_check_bbt()).
 */
gboolean
strata_tempo_map_parse_position (StrataTempoMap  *self,
                                 const char      *text,
                                 gint64          *frame,
                                 GError         **error)
{
  StrataBbt bbt;
  const char *p;

  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  p = text;
  if (!parse_int (p, &p, &bbt.bar)
      || *p++ != '.'
      || !parse_int (p, &p, &bbt.beat)
      || *p++ != '.'
      || !parse_int (p, &p, &bbt.tick)
      || *p != '\0')
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("'%s' is not a position (BAR.BEAT.TICK)"), text);
      return FALSE;
    }

  if (!strata_tempo_map_check_bbt (self, &bbt, error))
    return FALSE;

  if (frame != NULL)
    *frame = strata_tempo_map_bbt_to_frame (self, &bbt);
  return TRUE;
}

/**
 * strata_tempo_map_format_bbt:
 *
 * Returns: (transfer full): "BAR.BEAT.TICK", e.g. "3.1.0".
 */
char *
strata_tempo_map_format_bbt (const StrataBbt *bbt)
{
  g_return_val_if_fail (bbt != NULL, NULL);

  return g_strdup_printf ("%d.%d.%d", bbt->bar, bbt->beat, bbt->tick);
}

/* The grid spacing in ticks; a whole note is 960 * denominator ticks since a tick counts
 * denominator notes. 960 = 2^6 * 15, so every spacing down to a 1/64 triplet is whole. */
static gint64
snap_ticks (const Segment *seg,
            StrataSnap     snap)
{
  gint64 whole = (gint64) STRATA_TICKS_PER_BEAT * seg->pub.denominator;

  switch (snap)
    {
    case STRATA_SNAP_BAR: return seg->ticks_per_bar;
    case STRATA_SNAP_BEAT: return STRATA_TICKS_PER_BEAT;
    case STRATA_SNAP_1_2: return whole / 2;
    case STRATA_SNAP_1_4: return whole / 4;
    case STRATA_SNAP_1_8: return whole / 8;
    case STRATA_SNAP_1_16: return whole / 16;
    case STRATA_SNAP_1_32: return whole / 32;
    case STRATA_SNAP_1_64: return whole / 64;
    case STRATA_SNAP_1_2_TRIPLET: return whole * 2 / (3 * 2);
    case STRATA_SNAP_1_4_TRIPLET: return whole * 2 / (3 * 4);
    case STRATA_SNAP_1_8_TRIPLET: return whole * 2 / (3 * 8);
    case STRATA_SNAP_1_16_TRIPLET: return whole * 2 / (3 * 16);
    case STRATA_SNAP_1_32_TRIPLET: return whole * 2 / (3 * 32);
    case STRATA_SNAP_1_64_TRIPLET: return whole * 2 / (3 * 64);
    case STRATA_SNAP_OFF:
    default:
      g_assert_not_reached ();
    }
  return STRATA_TICKS_PER_BEAT;
}

/**
 * strata_tempo_map_snap:
 *
 * The frame of the grid line nearest to @frame; on a tie, the later line. Each segment's grid
 * starts at the segment's first bar, and a segment's start is a line of the grid, so near a
 * tempo or metre change the candidates come from both segments.
 */
gint64
strata_tempo_map_snap (StrataTempoMap *self,
                       gint64          frame,
                       StrataSnap      snap)
{
  guint index;
  const Segment *seg;
  Int128 ticks;
  Int128 step;
  Int128 lower;
  gint64 lower_frame;
  gint64 upper_frame;

  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), frame);
  g_return_val_if_fail (snap <= STRATA_SNAP_1_64_TRIPLET, frame);

  if (snap == STRATA_SNAP_OFF)
    return frame;

  index = index_at_frame (self, frame);
  seg = segment_at (self, index);
  step = snap_ticks (seg, snap);
  ticks = offset_to_ticks (self, seg, (Int128) frame - seg->pub.frame);
  lower = floor_div (ticks, step) * step;
  lower_frame = tick_frame (self, seg, lower);
  upper_frame = tick_frame (self, seg, lower + step);

  if (index + 1 < self->segments->len)
    upper_frame = MIN (upper_frame, segment_at (self, index + 1)->pub.frame);

  g_assert (lower_frame <= frame);
  if ((Int128) upper_frame - frame <= (Int128) frame - lower_frame)
    return upper_frame;
  return lower_frame;
}

/* Rounded half away from zero. */
gint64
strata_tempo_map_seconds_to_frames (StrataTempoMap *self,
                                    gdouble         seconds)
{
  double frames;

  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), 0);
  g_return_val_if_fail (isfinite (seconds), 0);

  frames = round (seconds * (double) self->sample_rate);
  if (frames >= 9223372036854775807.0)
    return G_MAXINT64;
  if (frames <= -9223372036854775808.0)
    return G_MININT64;
  return (gint64) frames;
}

gdouble
strata_tempo_map_frames_to_seconds (StrataTempoMap *self,
                                    gint64          frames)
{
  g_return_val_if_fail (STRATA_IS_TEMPO_MAP (self), 0.0);

  return (double) frames / (double) self->sample_rate;
}
