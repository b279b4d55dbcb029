/* strata-dither.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The last step of integer export. The random values come from splitmix64, which needs no
 * warm-up and accepts any seed (0 included), so a seed fixes the output bit for bit. Two values
 * are drawn per sample whether or not it is dithered or finite, so sample i always gets the
 * same dither.
 */
#include "strata-dither.h"

#include <math.h>

void
strata_dither_init (StrataDither *self,
                    uint64_t      seed)
{
  self->state = seed;
}

static uint64_t
next_random (StrataDither *self)
{
  uint64_t z = (self->state += 0x9E3779B97F4A7C15ull);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1), 53 bits. */
static double
next_uniform (StrataDither *self)
{
  return (double) (next_random (self) >> 11) * 0x1.0p-53;
}

void
strata_dither_quantize (StrataDither *self,
                        const float  *in,
                        int32_t      *out,
                        size_t        n_samples,
                        unsigned      bits,
                        int           dither)
{
  double full_scale, lowest, highest;
  int64_t step;

  if (bits < 2)
    bits = 2;
  if (bits > 32)
    bits = 32;
  full_scale = ldexp (1.0, (int) bits - 1);
  lowest = -full_scale;
  highest = full_scale - 1.0;
  step = (int64_t) 1 << (32 - bits);

  if (!dither && bits <= 24)
    {
      /* Branch-free in float so it vectorises four wide: a float times 2^(bits - 1) is exact,
       * clamp (NaN becomes 0; both bounds are exact floats), then round half away from zero
       * from the exact fraction v - trunc (v). Codes and their left-aligned form fit in 32
       * bits. */
      float fs = (float) full_scale, lo = (float) lowest, hi = (float) highest;
      int32_t scale = (int32_t) step;
      for (size_t i = 0; i < n_samples; i++)
        {
          float v = in[i] * fs;
          v = v == v ? v : 0.0f;
          v = v < lo ? lo : v;
          v = v > hi ? hi : v;
          int32_t t = (int32_t) v;
          float f = v - (float) t;
          t += (f >= 0.5f) - (f <= -0.5f);
          out[i] = t * scale;
        }
      return;
    }
  if (!dither)
    {
      for (size_t i = 0; i < n_samples; i++)
        {
          double v = (double) in[i] * full_scale;
          int64_t code = v <= lowest ? (int64_t) lowest
                         : v >= highest ? (int64_t) highest
                         : v == v ? (int64_t) (v + (v >= 0.0 ? 0.5 : -0.5)) : 0;
          out[i] = (int32_t) (code * step);
        }
      return;
    }

  for (size_t i = 0; i < n_samples; i++)
    {
      double v = (double) in[i] * full_scale;
      double d = next_uniform (self) - next_uniform (self);

      if (isnan (v))
        v = 0.0;
      else
        v += d;
      /* round() is half away from zero; clip first so the conversion is always defined. */
      v = v <= lowest ? lowest : v >= highest ? highest : round (v);
      out[i] = (int32_t) ((int64_t) v * step);
    }
}
