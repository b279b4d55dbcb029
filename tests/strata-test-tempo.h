/* strata-test-tempo.h: the tests' own tempo oracle, independent of strata-tempo-map.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The frame of a musical position computed from project-format.md's definition with exact
 * rationals (whole bpm keeps them small), for tests to compare the code under test against.
 */
#pragma once

#include <glib.h>

typedef __int128 I128;

typedef struct
{
  gint32 bar;
  gint64 bpm;     /* whole bpm: exact in integer arithmetic */
  guint  num;
} RefSegment;

static inline I128
ref_gcd (I128 a, I128 b)
{
  while (b != 0)
    {
      I128 t = a % b;
      a = b;
      b = t;
    }
  return a < 0 ? -a : a;
}

/* The frame of BAR.BEAT.TICK: the exact sum, over the segments it spans, of ticks * 60 /
 * (bpm * 960) seconds times the rate, rounded half up once at the end. */
static inline gint64
ref_frame (guint rate, const RefSegment *segs, guint n, gint32 bar, gint32 beat, gint32 tick)
{
  I128 num = 0, den = 1;

  for (guint i = 0; i < n; i++)
    {
      const RefSegment *s = &segs[i];
      gboolean last = i + 1 == n || bar < segs[i + 1].bar;
      gint64 ticks = last ? (gint64) (bar - s->bar) * s->num * 960 + (gint64) (beat - 1) * 960
                              + tick
                          : (gint64) (segs[i + 1].bar - s->bar) * s->num * 960;
      I128 n2 = (I128) ticks * rate * 60, d2 = (I128) s->bpm * 960, g;

      num = num * d2 + n2 * den;
      den = den * d2;
      g = ref_gcd (num, den);
      num /= g;
      den /= g;
      if (last)
        break;
    }
  g_assert_true (num >= 0);
  return (gint64) ((2 * num + den) / (2 * den));
}
