/* test-tempo.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tempo map against numbers worked out here from first principles: every expected frame
 * comes from the definition in docs/project-format.md (seconds per beat = 60 / bpm, 960 ticks
 * per beat, rounded half up, segment starts rounded), computed with this file's own exact
 * rational arithmetic or long double, never from the code under test.
 */
#include "config.h"

#include <math.h>

#include "strata-error.h"
#include "strata-tempo-map.h"

typedef __int128 I128;

/* --- reference model ----------------------------------------------------------------------- */

typedef struct
{
  gint32 bar;
  double bpm;
  guint  num;
  guint  den;
} Spec;

typedef struct
{
  guint  rate;
  guint  n;
  Spec   spec[8];
  gint64 start[8];      /* the segments' first frames, worked out by ref_init */
} Ref;

static I128
ref_floor_div (I128 a,
               I128 b)
{
  I128 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

/* Tempo in millionths of a bpm, as the map stores it. */
static gint64
ref_ubpm (double bpm)
{
  return (gint64) llroundl ((long double) bpm * 1000000.0L);
}

/* round_half_up (ticks * seconds_per_tick * rate), seconds_per_tick = 60 / (bpm * 960),
 * evaluated as the exact fraction (ticks * rate * 60 * 1e6) / (ubpm * 960). */
static gint64
ref_ticks_to_frames (const Spec *s,
                     guint       rate,
                     gint64      ticks)
{
  I128 num = (I128) ticks * rate * 60 * 1000000;
  I128 den = (I128) ref_ubpm (s->bpm) * 960;

  return (gint64) ref_floor_div (2 * num + den, 2 * den);
}

static void
ref_init (Ref *ref)
{
  ref->start[0] = 0;
  for (guint i = 1; i < ref->n; i++)
    {
      const Spec *p = &ref->spec[i - 1];
      gint64 ticks = (gint64) (ref->spec[i].bar - p->bar) * p->num * 960;

      ref->start[i] = ref->start[i - 1] + ref_ticks_to_frames (p, ref->rate, ticks);
    }
}

static guint
ref_seg_for_bar (const Ref *ref,
                 gint32     bar)
{
  guint i = 0;

  while (i + 1 < ref->n && ref->spec[i + 1].bar <= bar)
    i++;
  return i;
}

static gint64
ref_frame (const Ref *ref,
           StrataBbt  b)
{
  guint i = ref_seg_for_bar (ref, b.bar);
  const Spec *s = &ref->spec[i];
  gint64 ticks = (gint64) (b.bar - s->bar) * s->num * 960 + (gint64) (b.beat - 1) * 960 + b.tick;

  return ref->start[i] + ref_ticks_to_frames (s, ref->rate, ticks);
}

static StrataBbt
ref_next_tick (const Ref *ref,
               StrataBbt  b)
{
  guint num = ref->spec[ref_seg_for_bar (ref, b.bar)].num;

  if (++b.tick == 960)
    {
      b.tick = 0;
      if ((guint) ++b.beat > num)
        {
          b.beat = 1;
          b.bar++;
        }
    }
  return b;
}

static StrataTempoMap *
map_from_ref (Ref *ref)
{
  StrataTempoSegment segs[8] = { 0 };
  g_autoptr(GError) error = NULL;
  StrataTempoMap *map = strata_tempo_map_new (ref->rate);

  for (guint i = 0; i < ref->n; i++)
    {
      segs[i].bar = ref->spec[i].bar;
      segs[i].bpm = ref->spec[i].bpm;
      segs[i].numerator = ref->spec[i].num;
      segs[i].denominator = ref->spec[i].den;
      segs[i].frame = -12345;   /* must be ignored */
    }
  g_assert_true (strata_tempo_map_set_segments (map, segs, ref->n, &error));
  g_assert_no_error (error);
  ref_init (ref);
  return map;
}

/* 120 4/4 -> bar 17 90 3/4 -> bar 33 140.5 6/8 -> bar 40 137.3 5/4 */
static Ref
changes_ref (guint rate)
{
  Ref ref = {
    .rate = rate,
    .n = 4,
    .spec = {
      { 1, 120.0, 4, 4 },
      { 17, 90.0, 3, 4 },
      { 33, 140.5, 6, 8 },
      { 40, 137.3, 5, 4 },
    },
  };

  return ref;
}

static StrataBbt
bbt (gint32 bar, gint32 beat, gint32 tick)
{
  StrataBbt b = { bar, beat, tick };

  return b;
}

static void
assert_bbt (StrataTempoMap *map,
            gint64          frame,
            gint32          bar,
            gint32          beat,
            gint32          tick)
{
  StrataBbt b;
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;

  strata_tempo_map_frame_to_bbt (map, frame, &b);
  got = g_strdup_printf ("frame %" G_GINT64_FORMAT " = %d.%d.%d", frame, b.bar, b.beat, b.tick);
  want = g_strdup_printf ("frame %" G_GINT64_FORMAT " = %d.%d.%d", frame, bar, beat, tick);
  g_assert_cmpstr (got, ==, want);
}

static gint64
frame_of (StrataTempoMap *map,
          gint32          bar,
          gint32          beat,
          gint32          tick)
{
  StrataBbt b = bbt (bar, beat, tick);

  return strata_tempo_map_bbt_to_frame (map, &b);
}

/* --- tests ---------------------------------------------------------------------------------- */

static void
test_default (void)
{
  g_autoptr(StrataTempoMap) map = strata_tempo_map_new (48000);
  const StrataTempoSegment *seg;
  guint rate = 0;

  g_assert_cmpuint (strata_tempo_map_get_sample_rate (map), ==, 48000);
  g_object_get (map, "sample-rate", &rate, NULL);
  g_assert_cmpuint (rate, ==, 48000);
  g_assert_cmpuint (strata_tempo_map_get_n_segments (map), ==, 1);
  seg = strata_tempo_map_get_segment (map, 0);
  g_assert_cmpint (seg->bar, ==, 1);
  g_assert_cmpfloat (seg->bpm, ==, 120.0);
  g_assert_cmpuint (seg->numerator, ==, 4);
  g_assert_cmpuint (seg->denominator, ==, 4);
  g_assert_cmpint (seg->frame, ==, 0);
  g_assert_true (strata_tempo_map_segment_at_frame (map, 123456789) == seg);
  g_assert_true (strata_tempo_map_segment_at_frame (map, -5) == seg);
  g_assert_finalize_object (g_steal_pointer (&map));
}

static void
test_120_48k (void)
{
  g_autoptr(StrataTempoMap) map = strata_tempo_map_new (48000);
  /* 120 bpm: a beat is 0.5 s = 24000 frames, a tick 24000 / 960 = 25 frames. */
  const gint64 beat = 48000 * 60 / 120;
  const gint64 tick = beat / 960;

  g_assert_cmpint (tick * 960, ==, beat);
  g_assert_cmpint (frame_of (map, 1, 1, 0), ==, 0);
  g_assert_cmpint (frame_of (map, 1, 1, 1), ==, tick);
  g_assert_cmpint (frame_of (map, 1, 2, 0), ==, beat);
  g_assert_cmpint (frame_of (map, 2, 1, 0), ==, 4 * beat);
  g_assert_cmpint (frame_of (map, 3, 1, 0), ==, 192000);
  g_assert_cmpint (frame_of (map, 5, 3, 480), ==, 4 * 4 * beat + 2 * beat + 480 * tick);
  g_assert_cmpint (frame_of (map, 10001, 1, 0), ==, 10000 * 4 * beat);

  assert_bbt (map, 0, 1, 1, 0);
  assert_bbt (map, tick - 1, 1, 1, 0);
  assert_bbt (map, tick, 1, 1, 1);
  assert_bbt (map, beat - 1, 1, 1, 959);
  assert_bbt (map, beat, 1, 2, 0);
  assert_bbt (map, 192000, 3, 1, 0);
  assert_bbt (map, 192000 - 1, 2, 4, 959);
  assert_bbt (map, 4 * 4 * beat + 2 * beat + 480 * tick + 3, 5, 3, 480);

  /* Negative frames extrapolate the first segment into bar 0 and before. */
  assert_bbt (map, -1, 0, 4, 959);
  assert_bbt (map, -tick, 0, 4, 959);
  assert_bbt (map, -tick - 1, 0, 4, 958);
  assert_bbt (map, -4 * beat, 0, 1, 0);
  assert_bbt (map, -4 * beat - 1, -1, 4, 959);
  g_assert_cmpint (frame_of (map, 0, 1, 0), ==, -4 * beat);
  g_assert_cmpint (frame_of (map, -1, 3, 10), ==, -8 * beat + 2 * beat + 10 * tick);
}

static void
test_no_drift (void)
{
  g_autoptr(StrataTempoMap) map = strata_tempo_map_new (48000);
  StrataTempoSegment seg = { 1, 137.3, 4, 4, 0 };
  g_autoptr(GError) error = NULL;
  long double approx;
  gint64 expected;

  g_assert_true (strata_tempo_map_set_segments (map, &seg, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (strata_tempo_map_get_segment (map, 0)->bpm, ==, 137.3);

  /* Bar 1001 = 4000 beats of 60 / 137.3 s: 4000 * 60 * 48000 * 10 / 1373 frames, exactly. */
  expected = (gint64) ((2 * (I128) 4000 * 60 * 48000 * 10 + 1373) / (2 * 1373));
  approx = floorl (4000.0L * 60.0L / 137.3L * 48000.0L + 0.5L);
  g_assert_cmpint (expected, ==, (gint64) approx);
  g_assert_cmpint (expected, ==, 83903860);
  g_assert_cmpint (frame_of (map, 1001, 1, 0), ==, expected);
  assert_bbt (map, expected, 1001, 1, 0);
  assert_bbt (map, expected - 1, 1000, 4, 959);

  /* Every bar on the way, against the same closed form. */
  for (gint32 bar = 1; bar <= 1001; bar++)
    {
      I128 num = (I128) (bar - 1) * 4 * 60 * 48000 * 10;
      gint64 want = (gint64) ((2 * num + 1373) / (2 * 1373));

      g_assert_cmpint (frame_of (map, bar, 1, 0), ==, want);
      assert_bbt (map, want, bar, 1, 0);
    }
}

static void
test_44k1 (void)
{
  g_autoptr(StrataTempoMap) map = strata_tempo_map_new (44100);

  /* 120 bpm at 44.1 kHz: 22050 frames a beat, 22050 / 960 = 22.96875 frames a tick. */
  g_assert_cmpint (frame_of (map, 2, 1, 0), ==, 88200);
  g_assert_cmpint (frame_of (map, 1, 2, 0), ==, 22050);
  g_assert_cmpint (frame_of (map, 1, 1, 1), ==, 23);
  /* 16 ticks = 367.5 frames: half rounds up */
  g_assert_cmpint (frame_of (map, 1, 1, 16), ==, 368);
  assert_bbt (map, 367, 1, 1, 15);
  assert_bbt (map, 368, 1, 1, 16);

  strata_tempo_map_set_sample_rate (map, 48000);
  g_assert_cmpint (frame_of (map, 2, 1, 0), ==, 96000);
  strata_tempo_map_set_sample_rate (map, 44100);
  g_assert_cmpint (frame_of (map, 2, 1, 0), ==, 88200);
}

static void
test_round_half_up (void)
{
  g_autoptr(StrataTempoMap) map = strata_tempo_map_new (48000);
  StrataTempoSegment seg = { 1, 240.0, 4, 4, 0 };
  /* 240 bpm at 48 kHz: 12000 frames a beat, 12.5 frames a tick: every odd tick is a tie. */
  const long double fpt = 48000.0L * 60.0L / (240.0L * 960.0L);

  g_assert_true (fpt == 12.5L);
  g_assert_true (strata_tempo_map_set_segments (map, &seg, 1, NULL));

  for (gint32 t = -40; t < 40; t++)
    {
      gint64 want = (gint64) floorl (t * fpt + 0.5L);
      StrataBbt b;

      strata_tempo_map_frame_to_bbt (map, want, &b);
      g_assert_cmpint (strata_tempo_map_bbt_to_frame (map, &b), ==, want);
      if (t >= 0)
        {
          g_assert_cmpint (frame_of (map, 1, 1 + t / 960, t % 960), ==, want);
          g_assert_cmpint (b.tick, ==, t);
        }
    }
  g_assert_cmpint (frame_of (map, 1, 1, 1), ==, 13);
  g_assert_cmpint (frame_of (map, 1, 1, 3), ==, 38);
  g_assert_cmpint (frame_of (map, 0, 4, 959), ==, -12);
  assert_bbt (map, 12, 1, 1, 0);
  assert_bbt (map, 13, 1, 1, 1);
  assert_bbt (map, 37, 1, 1, 2);
  assert_bbt (map, 38, 1, 1, 3);
  assert_bbt (map, -12, 0, 4, 959);
  assert_bbt (map, -13, 0, 4, 958);
}

static void
test_segment_frames (void)
{
  Ref ref = changes_ref (48000);
  g_autoptr(StrataTempoMap) map = map_from_ref (&ref);
  long double seg3;

  /* 16 bars of 4 beats at 0.5 s, then 16 bars of 3 beats at 2/3 s: both exactly 32 s. */
  g_assert_cmpint (ref.start[1], ==, 1536000);
  g_assert_cmpint (ref.start[2], ==, 3072000);
  /* 7 bars of 6 eighths at 60 / 140.5 s: 860925.27 frames */
  seg3 = 3072000.0L + floorl (7.0L * 6.0L * 60.0L / 140.5L * 48000.0L + 0.5L);
  g_assert_cmpint (ref.start[3], ==, (gint64) seg3);
  g_assert_cmpint (ref.start[3], ==, 3072000 + 860925);

  g_assert_cmpuint (strata_tempo_map_get_n_segments (map), ==, 4);
  for (guint i = 0; i < ref.n; i++)
    {
      const StrataTempoSegment *seg = strata_tempo_map_get_segment (map, i);

      g_assert_cmpint (seg->frame, ==, ref.start[i]);
      g_assert_cmpint (seg->bar, ==, ref.spec[i].bar);
      g_assert_cmpfloat (seg->bpm, ==, ref.spec[i].bpm);
      g_assert_true (strata_tempo_map_segment_at_frame (map, ref.start[i]) == seg);
      if (i > 0)
        g_assert_true (strata_tempo_map_segment_at_frame (map, ref.start[i] - 1)
                       == strata_tempo_map_get_segment (map, i - 1));
      g_assert_cmpint (frame_of (map, ref.spec[i].bar, 1, 0), ==, ref.start[i]);
      assert_bbt (map, ref.start[i], ref.spec[i].bar, 1, 0);
    }
  g_assert_true (strata_tempo_map_segment_at_frame (map, -100000)
                 == strata_tempo_map_get_segment (map, 0));

  /* Inside the 6/8 segment a beat is an eighth at 140.5 per minute. */
  assert_bbt (map, ref.start[2] - 1, 32, 3, 959);
  g_assert_cmpint (frame_of (map, 33, 6, 0), ==,
                   ref.start[2] + (gint64) floorl (5.0L * 60.0L / 140.5L * 48000.0L + 0.5L));

  /* Changing the rate re-derives every start. */
  strata_tempo_map_set_sample_rate (map, 44100);
  ref.rate = 44100;
  ref_init (&ref);
  g_assert_cmpint (ref.start[1], ==, 1411200);
  for (guint i = 0; i < ref.n; i++)
    g_assert_cmpint (strata_tempo_map_get_segment (map, i)->frame, ==, ref.start[i]);
}

static void
round_trip (guint rate)
{
  Ref ref = changes_ref (rate);
  g_autoptr(StrataTempoMap) map = map_from_ref (&ref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611 + rate);
  gint64 end = ref_frame (&ref, bbt (60, 1, 0));

  /* Random positions: the map's frame is the reference frame, and converts back. */
  for (guint i = 0; i < 20000; i++)
    {
      StrataBbt b, back;
      gint64 frame;
      guint num;

      b.bar = g_rand_int_range (rand, 1, 60);
      num = ref.spec[ref_seg_for_bar (&ref, b.bar)].num;
      b.beat = g_rand_int_range (rand, 1, num + 1);
      b.tick = g_rand_int_range (rand, 0, 960);
      g_assert_true (strata_tempo_map_check_bbt (map, &b, NULL));

      frame = strata_tempo_map_bbt_to_frame (map, &b);
      g_assert_cmpint (frame, ==, ref_frame (&ref, b));
      strata_tempo_map_frame_to_bbt (map, frame, &back);
      g_assert_cmpint (back.bar, ==, b.bar);
      g_assert_cmpint (back.beat, ==, b.beat);
      g_assert_cmpint (back.tick, ==, b.tick);
    }

  /* Random frames, negative ones included: the position found is the last one at or
   * before the frame. */
  for (guint i = 0; i < 20000; i++)
    {
      gint64 frame = (gint64) (g_rand_double (rand) * (end + 200000)) - 200000;
      StrataBbt b, next;

      if (i < 2000)
        frame = ref.start[i % ref.n] + g_rand_int_range (rand, -40, 40);

      strata_tempo_map_frame_to_bbt (map, frame, &b);
      next = ref_next_tick (&ref, b);
      g_assert_cmpint (b.beat, >=, 1);
      g_assert_cmpint (b.tick, >=, 0);
      g_assert_cmpint (b.tick, <, 960);
      if (b.bar >= 1)
        {
          g_assert_true (strata_tempo_map_check_bbt (map, &b, NULL));
          g_assert_cmpint (ref_frame (&ref, b), <=, frame);
          g_assert_cmpint (ref_frame (&ref, next), >, frame);
        }
      g_assert_cmpint (strata_tempo_map_bbt_to_frame (map, &b), <=, frame);
      g_assert_cmpint (strata_tempo_map_bbt_to_frame (map, &next), >, frame);
    }
}

static void
test_round_trip_48k (void)
{
  round_trip (48000);
}

static void
test_round_trip_44k1 (void)
{
  round_trip (44100);
}

static void
test_round_trip_96k (void)
{
  round_trip (96000);
}

static void
test_parse (void)
{
  Ref ref = changes_ref (48000);
  g_autoptr(StrataTempoMap) map = map_from_ref (&ref);
  static const struct { const char *text; int code; const char *message; } bad[] = {
    { "0.1.0", STRATA_ERROR_INVALID, "bar must be >= 1" },
    { "-3.1.0", STRATA_ERROR_INVALID, "bar must be >= 1" },
    { "1.0.0", STRATA_ERROR_INVALID, "beat must be between 1 and 4" },
    { "1.5.0", STRATA_ERROR_INVALID, "beat must be between 1 and 4" },
    { "17.4.0", STRATA_ERROR_INVALID, "beat must be between 1 and 3" },
    { "33.7.0", STRATA_ERROR_INVALID, "beat must be between 1 and 6" },
    { "1.1.960", STRATA_ERROR_INVALID, "tick must be between 0 and 959" },
    { "1.1.-1", STRATA_ERROR_INVALID, "tick must be between 0 and 959" },
    { "1.1", STRATA_ERROR_PARSE, "'1.1' is not a position (BAR.BEAT.TICK)" },
    { "1.1.0.0", STRATA_ERROR_PARSE, "'1.1.0.0' is not a position (BAR.BEAT.TICK)" },
    { "", STRATA_ERROR_PARSE, "'' is not a position (BAR.BEAT.TICK)" },
    { " 1.1.0", STRATA_ERROR_PARSE, "' 1.1.0' is not a position (BAR.BEAT.TICK)" },
    { "1.1.0 ", STRATA_ERROR_PARSE, "'1.1.0 ' is not a position (BAR.BEAT.TICK)" },
    { "1. 1.0", STRATA_ERROR_PARSE, "'1. 1.0' is not a position (BAR.BEAT.TICK)" },
    { "1..0", STRATA_ERROR_PARSE, "'1..0' is not a position (BAR.BEAT.TICK)" },
    { "+1.1.0", STRATA_ERROR_PARSE, "'+1.1.0' is not a position (BAR.BEAT.TICK)" },
    { "1.1.0x", STRATA_ERROR_PARSE, "'1.1.0x' is not a position (BAR.BEAT.TICK)" },
    { "a.b.c", STRATA_ERROR_PARSE, "'a.b.c' is not a position (BAR.BEAT.TICK)" },
    { "1.5e0.0", STRATA_ERROR_PARSE, "'1.5e0.0' is not a position (BAR.BEAT.TICK)" },
    { "99999999999.1.0", STRATA_ERROR_PARSE,
      "'99999999999.1.0' is not a position (BAR.BEAT.TICK)" },
    { "96000", STRATA_ERROR_PARSE, "'96000' is not a position (BAR.BEAT.TICK)" },
  };
  gint64 frame = -1;

  g_assert_true (strata_tempo_map_parse_position (map, "1.1.0", &frame, NULL));
  g_assert_cmpint (frame, ==, 0);
  g_assert_true (strata_tempo_map_parse_position (map, "3.1.0", &frame, NULL));
  g_assert_cmpint (frame, ==, 192000);
  g_assert_true (strata_tempo_map_parse_position (map, "17.3.959", &frame, NULL));
  g_assert_cmpint (frame, ==, ref_frame (&ref, bbt (17, 3, 959)));
  g_assert_true (strata_tempo_map_parse_position (map, "033.06.0100", &frame, NULL));
  g_assert_cmpint (frame, ==, ref_frame (&ref, bbt (33, 6, 100)));
  g_assert_true (strata_tempo_map_parse_position (map, "2.4.0", NULL, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      frame = 777;
      g_assert_false (strata_tempo_map_parse_position (map, bad[i].text, &frame, &error));
      g_assert_error (error, STRATA_ERROR, bad[i].code);
      g_assert_cmpstr (error->message, ==, bad[i].message);
      g_assert_cmpint (frame, ==, 777);
    }
}

static void
test_check_bbt (void)
{
  g_autoptr(StrataTempoMap) map = strata_tempo_map_new (48000);
  g_autoptr(GError) error = NULL;
  StrataBbt b = { 1, 4, 959 };

  g_assert_true (strata_tempo_map_check_bbt (map, &b, &error));
  g_assert_no_error (error);
  b.beat = 5;
  g_assert_false (strata_tempo_map_check_bbt (map, &b, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "beat must be between 1 and 4");
}

static void
test_format (void)
{
  static const struct { StrataBbt b; const char *text; } cases[] = {
    { { 3, 1, 0 }, "3.1.0" },
    { { 1, 1, 0 }, "1.1.0" },
    { { 128, 4, 959 }, "128.4.959" },
    { { 0, 4, 959 }, "0.4.959" },
    { { -2, 1, 5 }, "-2.1.5" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = strata_tempo_map_format_bbt (&cases[i].b);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* Grid spacing in ticks from music theory: a whole note is `den` beats; a triplet is 2/3 of
 * its straight value. */
static gint64
ref_grid_ticks (StrataSnap snap,
                guint      num,
                guint      den)
{
  static const struct { StrataSnap snap; int division; gboolean triplet; } table[] = {
    { STRATA_SNAP_1_2, 2, FALSE }, { STRATA_SNAP_1_4, 4, FALSE }, { STRATA_SNAP_1_8, 8, FALSE },
    { STRATA_SNAP_1_16, 16, FALSE }, { STRATA_SNAP_1_32, 32, FALSE },
    { STRATA_SNAP_1_64, 64, FALSE },
    { STRATA_SNAP_1_2_TRIPLET, 2, TRUE }, { STRATA_SNAP_1_4_TRIPLET, 4, TRUE },
    { STRATA_SNAP_1_8_TRIPLET, 8, TRUE }, { STRATA_SNAP_1_16_TRIPLET, 16, TRUE },
    { STRATA_SNAP_1_32_TRIPLET, 32, TRUE }, { STRATA_SNAP_1_64_TRIPLET, 64, TRUE },
  };

  if (snap == STRATA_SNAP_BAR)
    return 960 * (gint64) num;
  if (snap == STRATA_SNAP_BEAT)
    return 960;
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (table[i].snap == snap)
      {
        gint64 whole = 960 * (gint64) den;
        gint64 t = table[i].triplet ? whole * 2 / (3 * table[i].division)
                                    : whole / table[i].division;

        g_assert_cmpint (t * table[i].division * (table[i].triplet ? 3 : 1),
                         ==, whole * (table[i].triplet ? 2 : 1));
        return t;
      }
  g_assert_not_reached ();
}

/* Brute force: every grid line of every segment (each segment's grid starts at its first bar
 * and stops at the next segment), nearest wins, ties go to the later line. */
static gint64
ref_snap (const Ref  *ref,
          gint64      frame,
          StrataSnap  snap,
          gint64      limit)
{
  gint64 best = G_MININT64;

  for (guint i = 0; i < ref->n; i++)
    {
      const Spec *s = &ref->spec[i];
      gint64 step = ref_grid_ticks (snap, s->num, s->den);
      gint64 stop = i + 1 < ref->n ? ref->start[i + 1] : limit;
      /* the first segment's grid extends before frame 0: start 2000 ticks early */
      gint64 k = i == 0 ? -(2000 / step) - 1 : 0;

      for (;; k++)
        {
          gint64 line = ref->start[i] + ref_ticks_to_frames (s, ref->rate, k * step);

          if (line >= stop)
            break;
          if (best == G_MININT64 || llabs (line - frame) <= llabs (best - frame))
            best = line;
        }
    }
  return best;
}

static void
check_snap_random (Ref *ref,
                   gint32 last_bar)
{
  g_autoptr(StrataTempoMap) map = map_from_ref (ref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gint64 limit = ref_frame (ref, bbt (last_bar, 1, 0));

  for (StrataSnap snap = STRATA_SNAP_BAR; snap <= STRATA_SNAP_1_64_TRIPLET; snap++)
    for (guint i = 0; i < 300; i++)
      {
        gint64 frame = g_rand_int_range (rand, -20000, limit - 300000);

        if (i < ref->n * 10)
          frame = ref->start[i % ref->n] + g_rand_int_range (rand, -30000, 30000);
        g_assert_cmpint (strata_tempo_map_snap (map, frame, snap), ==,
                         ref_snap (ref, frame, snap, limit));
        g_assert_cmpint (strata_tempo_map_snap (map, frame, STRATA_SNAP_OFF), ==, frame);
      }
}

static void
test_snap_values (void)
{
  g_autoptr(StrataTempoMap) map = strata_tempo_map_new (48000);
  /* 120 bpm 4/4 at 48 kHz: 25 frames a tick */
  static const struct { StrataSnap snap; gint64 frames; } grid[] = {
    { STRATA_SNAP_BAR, 96000 },
    { STRATA_SNAP_BEAT, 24000 },
    { STRATA_SNAP_1_2, 48000 },
    { STRATA_SNAP_1_4, 24000 },
    { STRATA_SNAP_1_8, 12000 },
    { STRATA_SNAP_1_16, 6000 },
    { STRATA_SNAP_1_32, 3000 },
    { STRATA_SNAP_1_64, 1500 },
    { STRATA_SNAP_1_2_TRIPLET, 32000 },
    { STRATA_SNAP_1_4_TRIPLET, 16000 },
    { STRATA_SNAP_1_8_TRIPLET, 8000 },
    { STRATA_SNAP_1_16_TRIPLET, 4000 },
    { STRATA_SNAP_1_32_TRIPLET, 2000 },
    { STRATA_SNAP_1_64_TRIPLET, 1000 },
  };

  g_assert_cmpint (strata_tempo_map_snap (map, 12345, STRATA_SNAP_OFF), ==, 12345);
  g_assert_cmpint (strata_tempo_map_snap (map, -7, STRATA_SNAP_OFF), ==, -7);

  for (guint i = 0; i < G_N_ELEMENTS (grid); i++)
    {
      gint64 g = grid[i].frames;

      /* a whole note is 2 s; a 1/N triplet is 2/3 of 2 s / N */
      g_assert_cmpint (g, ==, ref_grid_ticks (grid[i].snap, 4, 4) * 25);
      for (gint64 k = -3; k < 5; k++)
        {
          gint64 line = k * g;

          g_assert_cmpint (strata_tempo_map_snap (map, line, grid[i].snap), ==, line);
          g_assert_cmpint (strata_tempo_map_snap (map, line + 1, grid[i].snap), ==, line);
          g_assert_cmpint (strata_tempo_map_snap (map, line - 1, grid[i].snap), ==, line);
          /* the midpoint is a tie: the later line wins */
          g_assert_cmpint (strata_tempo_map_snap (map, line + g / 2 - 1, grid[i].snap), ==, line);
          g_assert_cmpint (strata_tempo_map_snap (map, line + g / 2, grid[i].snap), ==, line + g);
        }
    }
}

static void
test_snap_6_8 (void)
{
  Ref ref = { .rate = 48000, .n = 1, .spec = { { 1, 140.5, 6, 8 } } };
  g_autoptr(StrataTempoMap) map = map_from_ref (&ref);
  /* 6/8 at 140.5 eighths a minute: a quarter is 2 eighths, a quarter triplet 4/3 eighths. */
  gint64 q = (gint64) floorl (2 * 60.0L / 140.5L * 48000.0L + 0.5L);
  gint64 qt = (gint64) floorl (4.0L / 3 * 60.0L / 140.5L * 48000.0L + 0.5L);
  gint64 bar = (gint64) floorl (6 * 60.0L / 140.5L * 48000.0L + 0.5L);

  g_assert_cmpint (strata_tempo_map_snap (map, q / 2 + 3, STRATA_SNAP_1_4), ==, q);
  g_assert_cmpint (strata_tempo_map_snap (map, q / 2 - 3, STRATA_SNAP_1_4), ==, 0);
  g_assert_cmpint (strata_tempo_map_snap (map, qt - 5, STRATA_SNAP_1_4_TRIPLET), ==, qt);
  g_assert_cmpint (strata_tempo_map_snap (map, bar / 2 + 3, STRATA_SNAP_BAR), ==, bar);
  g_assert_cmpint (strata_tempo_map_snap (map, bar - 5, STRATA_SNAP_BEAT), ==, bar);
  check_snap_random (&ref, 12);
}

static void
test_snap_boundary (void)
{
  /* 3/4 at 120 for one bar (72000 frames), then 4/4 at 100 (30 frames a tick). */
  Ref ref = { .rate = 48000, .n = 2, .spec = { { 1, 120.0, 3, 4 }, { 2, 100.0, 4, 4 } } };
  g_autoptr(StrataTempoMap) map = map_from_ref (&ref);

  g_assert_cmpint (ref.start[1], ==, 72000);
  /* Quarter triplets are 640 ticks: 16000 frames in the first segment, whose grid stops at
   * 64000; the second segment's grid starts at 72000, then 72000 + 19200. */
  g_assert_cmpint (strata_tempo_map_snap (map, 67999, STRATA_SNAP_1_4_TRIPLET), ==, 64000);
  g_assert_cmpint (strata_tempo_map_snap (map, 68000, STRATA_SNAP_1_4_TRIPLET), ==, 72000);
  g_assert_cmpint (strata_tempo_map_snap (map, 71999, STRATA_SNAP_1_4_TRIPLET), ==, 72000);
  g_assert_cmpint (strata_tempo_map_snap (map, 79000, STRATA_SNAP_1_4_TRIPLET), ==, 72000);
  g_assert_cmpint (strata_tempo_map_snap (map, 81599, STRATA_SNAP_1_4_TRIPLET), ==, 72000);
  g_assert_cmpint (strata_tempo_map_snap (map, 81600, STRATA_SNAP_1_4_TRIPLET), ==, 91200);
  /* Bars: 0, 72000, 72000 + 3840 * 30 */
  g_assert_cmpint (strata_tempo_map_snap (map, 35999, STRATA_SNAP_BAR), ==, 0);
  g_assert_cmpint (strata_tempo_map_snap (map, 36000, STRATA_SNAP_BAR), ==, 72000);
  g_assert_cmpint (strata_tempo_map_snap (map, 72000 + 57599, STRATA_SNAP_BAR), ==, 72000);
  g_assert_cmpint (strata_tempo_map_snap (map, 72000 + 57600, STRATA_SNAP_BAR), ==, 187200);
  /* Negative frames use the first segment's grid. */
  g_assert_cmpint (strata_tempo_map_snap (map, -12000, STRATA_SNAP_BEAT), ==, 0);
  g_assert_cmpint (strata_tempo_map_snap (map, -12001, STRATA_SNAP_BEAT), ==, -24000);
  check_snap_random (&ref, 6);
}

static void
test_snap_changes (void)
{
  Ref ref = changes_ref (44100);

  check_snap_random (&ref, 44);
}

static void
test_seconds (void)
{
  g_autoptr(StrataTempoMap) map = strata_tempo_map_new (48000);

  g_assert_cmpint (strata_tempo_map_seconds_to_frames (map, 1.5), ==, 72000);
  g_assert_cmpint (strata_tempo_map_seconds_to_frames (map, 0.0), ==, 0);
  /* 2^-8 s = 187.5 frames, exactly representable: half away from zero */
  g_assert_cmpint (strata_tempo_map_seconds_to_frames (map, 1.0 / 256), ==, 188);
  g_assert_cmpint (strata_tempo_map_seconds_to_frames (map, -1.0 / 256), ==, -188);
  /* 3 * 2^-9 s = 281.25 frames */
  g_assert_cmpint (strata_tempo_map_seconds_to_frames (map, 3.0 / 512), ==, 281);
  g_assert_cmpint (strata_tempo_map_seconds_to_frames (map, -3.0 / 512), ==, -281);
  g_assert_cmpint (strata_tempo_map_seconds_to_frames (map, 3600.0), ==, 172800000);
  g_assert_cmpfloat (strata_tempo_map_frames_to_seconds (map, 72000), ==, 1.5);
  g_assert_cmpfloat (strata_tempo_map_frames_to_seconds (map, -24000), ==, -0.5);
  g_assert_cmpfloat (strata_tempo_map_frames_to_seconds (map, 1), ==, 1.0 / 48000);

  strata_tempo_map_set_sample_rate (map, 44100);
  g_assert_cmpint (strata_tempo_map_seconds_to_frames (map, 2.0), ==, 88200);
  g_assert_cmpfloat (strata_tempo_map_frames_to_seconds (map, 22050), ==, 0.5);
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
test_validation (void)
{
  g_autoptr(StrataTempoMap) map = strata_tempo_map_new (48000);
  g_autoptr(StrataTempoMap) before = NULL;
  static const struct { StrataTempoSegment segs[3]; guint n; const char *message; } bad[] = {
    { { { 1, 120, 4, 4, 0 } }, 0, "tempo_map: must have at least one segment" },
    { { { 2, 120, 4, 4, 0 } }, 1, "tempo_map[0].at: the first segment must be at 1.1.0" },
    { { { 0, 120, 4, 4, 0 } }, 1, "tempo_map[0].at: the first segment must be at 1.1.0" },
    { { { 1, 120, 4, 4, 0 }, { 9, 100, 4, 4, 0 }, { 9, 90, 4, 4, 0 } }, 3,
      "tempo_map[2].at: must be at a later bar than tempo_map[1] (bar 9)" },
    { { { 1, 120, 4, 4, 0 }, { 9, 100, 4, 4, 0 }, { 5, 90, 4, 4, 0 } }, 3,
      "tempo_map[2].at: must be at a later bar than tempo_map[1] (bar 9)" },
    { { { 1, 0, 4, 4, 0 } }, 1, "tempo_map[0].bpm: must be in (0, 999]" },
    { { { 1, 120, 4, 4, 0 }, { 3, -5, 4, 4, 0 } }, 2, "tempo_map[1].bpm: must be in (0, 999]" },
    { { { 1, 120, 4, 4, 0 }, { 3, 999.001, 4, 4, 0 } }, 2,
      "tempo_map[1].bpm: must be in (0, 999]" },
    { { { 1, NAN, 4, 4, 0 } }, 1, "tempo_map[0].bpm: must be in (0, 999]" },
    { { { 1, INFINITY, 4, 4, 0 } }, 1, "tempo_map[0].bpm: must be in (0, 999]" },
    { { { 1, 1e-9, 4, 4, 0 } }, 1, "tempo_map[0].bpm: must be at least 0.000001" },
    { { { 1, 120, 0, 4, 0 } }, 1,
      "tempo_map[0].time_signature: numerator must be between 1 and 32" },
    { { { 1, 120, 4, 4, 0 }, { 2, 120, 33, 4, 0 } }, 2,
      "tempo_map[1].time_signature: numerator must be between 1 and 32" },
    { { { 1, 120, 4, 3, 0 } }, 1,
      "tempo_map[0].time_signature: denominator must be 1, 2, 4, 8, 16 or 32" },
    { { { 1, 120, 4, 64, 0 } }, 1,
      "tempo_map[0].time_signature: denominator must be 1, 2, 4, 8, 16 or 32" },
    { { { 1, 120, 4, 0, 0 } }, 1,
      "tempo_map[0].time_signature: denominator must be 1, 2, 4, 8, 16 or 32" },
  };
  StrataTempoSegment good[] = { { 1, 999, 1, 1, 0 }, { 2, 0.000001, 32, 32, 0 } };
  guint changed = 0;

  before = strata_tempo_map_copy (map);
  g_signal_connect (map, "changed", G_CALLBACK (count_cb), &changed);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (strata_tempo_map_set_segments (map, bad[i].segs, bad[i].n, &error));
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, bad[i].message);
      g_assert_true (strata_tempo_map_equal (map, before));
    }
  g_assert_cmpuint (changed, ==, 0);

  /* The limits themselves are fine. */
  g_assert_true (strata_tempo_map_set_segments (map, good, 2, NULL));
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpfloat (strata_tempo_map_get_segment (map, 1)->bpm, ==, 0.000001);
}

static void
test_changed_signal (void)
{
  g_autoptr(StrataTempoMap) map = strata_tempo_map_new (48000);
  Ref ref = changes_ref (48000);
  g_autoptr(StrataTempoMap) other = map_from_ref (&ref);
  StrataTempoSegment segs[2] = { { 1, 120, 4, 4, 0 }, { 5, 90, 3, 4, 0 } };
  guint changed = 0;
  guint notified = 0;

  g_signal_connect (map, "changed", G_CALLBACK (count_cb), &changed);
  g_signal_connect (map, "notify::sample-rate", G_CALLBACK (notify_cb), &notified);

  g_assert_true (strata_tempo_map_set_segments (map, segs, 2, NULL));
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpint (strata_tempo_map_get_segment (map, 1)->frame, ==, 4 * 4 * 24000);

  segs[1].bpm = 91;
  g_assert_true (strata_tempo_map_set_segments (map, segs, 2, NULL));
  g_assert_cmpuint (changed, ==, 2);

  /* The same segments again change nothing. */
  g_assert_true (strata_tempo_map_set_segments (map, segs, 2, NULL));
  g_assert_cmpuint (changed, ==, 2);

  segs[1].bpm = -1;
  g_assert_false (strata_tempo_map_set_segments (map, segs, 2, NULL));
  g_assert_cmpuint (changed, ==, 2);

  strata_tempo_map_set_sample_rate (map, 96000);
  g_assert_cmpuint (changed, ==, 3);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpint (strata_tempo_map_get_segment (map, 1)->frame, ==, 4 * 4 * 48000);
  strata_tempo_map_set_sample_rate (map, 96000);
  g_object_set (map, "sample-rate", 96000, NULL);
  g_assert_cmpuint (changed, ==, 3);
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (map, "sample-rate", 44100, NULL);
  g_assert_cmpuint (changed, ==, 4);
  g_assert_cmpuint (notified, ==, 2);

  g_signal_handlers_disconnect_by_data (map, &changed);
  g_signal_handlers_disconnect_by_data (map, &notified);
  g_assert_finalize_object (g_steal_pointer (&map));
  g_assert_finalize_object (g_steal_pointer (&other));
}

static void
test_copy_equal (void)
{
  Ref ref = changes_ref (48000);
  g_autoptr(StrataTempoMap) map = map_from_ref (&ref);
  g_autoptr(StrataTempoMap) copy = strata_tempo_map_copy (map);
  g_autoptr(StrataTempoMap) plain = strata_tempo_map_new (48000);
  StrataTempoSegment seg = { 1, 120.0000004, 4, 4, 0 };

  g_assert_true (strata_tempo_map_equal (map, copy));
  g_assert_cmpuint (strata_tempo_map_get_n_segments (copy), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      const StrataTempoSegment *a = strata_tempo_map_get_segment (map, i);
      const StrataTempoSegment *b = strata_tempo_map_get_segment (copy, i);

      g_assert_true (a != b);
      g_assert_cmpint (a->frame, ==, b->frame);
      g_assert_cmpfloat (a->bpm, ==, b->bpm);
    }

  /* The copy is deep: changing it leaves the original alone. */
  strata_tempo_map_set_sample_rate (copy, 44100);
  g_assert_false (strata_tempo_map_equal (map, copy));
  g_assert_cmpint (strata_tempo_map_get_segment (map, 1)->frame, ==, 1536000);
  strata_tempo_map_set_sample_rate (copy, 48000);
  g_assert_true (strata_tempo_map_equal (map, copy));
  g_assert_true (strata_tempo_map_set_segments (copy, &seg, 1, NULL));
  g_assert_cmpuint (strata_tempo_map_get_n_segments (map), ==, 4);
  g_assert_false (strata_tempo_map_equal (map, copy));

  /* 120.0000004 bpm is quantised to 120 bpm: equal to the default map. */
  g_assert_cmpfloat (strata_tempo_map_get_segment (copy, 0)->bpm, ==, 120.0);
  g_assert_true (strata_tempo_map_equal (copy, plain));
  seg.bpm = 120.000001;
  g_assert_true (strata_tempo_map_set_segments (copy, &seg, 1, NULL));
  g_assert_false (strata_tempo_map_equal (copy, plain));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tempo/default", test_default);
  g_test_add_func ("/tempo/120-48k", test_120_48k);
  g_test_add_func ("/tempo/no-drift", test_no_drift);
  g_test_add_func ("/tempo/44k1", test_44k1);
  g_test_add_func ("/tempo/round-half-up", test_round_half_up);
  g_test_add_func ("/tempo/segment-frames", test_segment_frames);
  g_test_add_func ("/tempo/round-trip/48k", test_round_trip_48k);
  g_test_add_func ("/tempo/round-trip/44k1", test_round_trip_44k1);
  g_test_add_func ("/tempo/round-trip/96k", test_round_trip_96k);
  g_test_add_func ("/tempo/parse", test_parse);
  g_test_add_func ("/tempo/check-bbt", test_check_bbt);
  g_test_add_func ("/tempo/format", test_format);
  g_test_add_func ("/tempo/snap/values", test_snap_values);
  g_test_add_func ("/tempo/snap/6-8", test_snap_6_8);
  g_test_add_func ("/tempo/snap/boundary", test_snap_boundary);
  g_test_add_func ("/tempo/snap/changes", test_snap_changes);
  g_test_add_func ("/tempo/seconds", test_seconds);
  g_test_add_func ("/tempo/validation", test_validation);
  g_test_add_func ("/tempo/changed-signal", test_changed_signal);
  g_test_add_func ("/tempo/copy-equal", test_copy_equal);

  return g_test_run ();
}
