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

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

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

/* The code of x at full scale fs (2^(bits - 1), bits <= 24), undithered. Branch-free in float
 * so that loops of it vectorise: a float times fs is exact, clamp to [lo, hi] (NaN becomes 0;
 * both bounds are exact floats), then round half away from zero from the exact fraction
 * v - trunc (v). */
static inline int32_t
round_code (float x, float fs, float lo, float hi)
{
  float v = x * fs;
  int32_t t;
  float f;

  v = v == v ? v : 0.0f;
  v = v < lo ? lo : v;
  v = v > hi ? hi : v;
  t = (int32_t) v;
  f = v - (float) t;
  return t + (f >= 0.5f) - (f <= -0.5f);
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
      /* Codes and their left-aligned form fit in 32 bits. */
      float fs = (float) full_scale, lo = (float) lowest, hi = (float) highest;
      unsigned shift = 32 - bits;
      for (size_t i = 0; i < n_samples; i++)
        out[i] = (int32_t) ((uint32_t) round_code (in[i], fs, lo, hi) << shift);
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

#ifdef HAVE_X86
/* round_code four at a time; pshufb keeps the low three bytes of each code. Each store writes
 * 16 bytes for 12, so it stops while the next 4 bytes still belong to `out`. Returns the
 * samples done. */
__attribute__ ((target ("ssse3"))) static size_t
pack_24_ssse3 (const float *in, uint8_t *out, size_t n)
{
  const __m128 scale = _mm_set1_ps (8388608.0f), lo = _mm_set1_ps (-8388608.0f);
  const __m128 hi = _mm_set1_ps (8388607.0f), half = _mm_set1_ps (0.5f);
  const __m128 minus_half = _mm_set1_ps (-0.5f);
  const __m128i low3 = _mm_setr_epi8 (0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
  size_t i = 0;

  for (; i + 6 <= n; i += 4)
    {
      __m128 v = _mm_mul_ps (_mm_loadu_ps (in + i), scale);
      __m128i t;
      __m128 f;

      v = _mm_and_ps (v, _mm_cmpeq_ps (v, v));
      v = _mm_min_ps (_mm_max_ps (v, lo), hi);
      t = _mm_cvttps_epi32 (v);
      f = _mm_sub_ps (v, _mm_cvtepi32_ps (t));
      /* A true comparison is -1: subtracting it adds one. */
      t = _mm_sub_epi32 (t, _mm_castps_si128 (_mm_cmpge_ps (f, half)));
      t = _mm_add_epi32 (t, _mm_castps_si128 (_mm_cmple_ps (f, minus_half)));
      _mm_storeu_si128 ((__m128i *) (out + 3 * i), _mm_shuffle_epi8 (t, low3));
    }
  return i;
}
#endif

void
strata_dither_pack_24 (const float *in,
                       uint8_t     *out,
                       size_t       n_samples)
{
  size_t i = 0;

#ifdef HAVE_X86
  if (__builtin_cpu_supports ("ssse3"))
    i = pack_24_ssse3 (in, out, n_samples);
#endif
  for (; i < n_samples; i++)
    {
      uint32_t code = (uint32_t) round_code (in[i], 8388608.0f, -8388608.0f, 8388607.0f);

      out[3 * i] = (uint8_t) code;
      out[3 * i + 1] = (uint8_t) (code >> 8);
      out[3 * i + 2] = (uint8_t) (code >> 16);
    }
}
