/* strata-fast-math.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * log2 and exp2 for the dynamics' per-frame gain computers, several times cheaper than libm's
 * and without branches, so that a loop over a block of levels can vectorise. Plain IEEE double
 * arithmetic (the exponent taken from and put into the bits, a polynomial on the rest), so the
 * results are the same on every run and every x86-64. Both are within 1e-9 dB of libm when
 * read as levels in dB (tests/test-fast-math.c sweeps the ranges the effects use).
 *
 * The coefficients are Chebyshev fits (mpmath.chebyfit) of
 *   log2 ((1 + s) / (1 - s)) / s  in u = s^2, |s| <= 3 - 2 sqrt (2)    (log2 off by 2.2e-12)
 *   (2^f - 1) / f                 in f, |f| <= 1/2                      (2^f off by 1.1e-10 of it)
 */
#pragma once

#include <stdint.h>
#include <string.h>

#define STRATA_FAST_SQRT_HALF_BITS UINT64_C (0x3fe6a09e667f3bcd)   /* sqrt (1/2) */
#define STRATA_FAST_EXP_BIAS (UINT64_C (1024) << 52)
#define STRATA_FAST_TWO52 4503599627370496.0                        /* 2^52 */
#define STRATA_FAST_DB_PER_LOG2 6.0205999132796239042               /* 20 log10 (2) */
#define STRATA_FAST_LOG2_PER_DB 0.16609640474436811739              /* 1 / 20 log10 (2) */

/* log2 (x) for a positive normal x (+inf gives 1024; zero, subnormals and NaN give nonsense
 * but no trap). */
static inline double
strata_fast_log2 (double x)
{
  uint64_t ix, tmp, iz, ik;
  double z, k, s, u;

  /* x = 2^k z with z in [sqrt (1/2), sqrt (2)): the biased exponent of x / sqrt (1/2), kept
   * unsigned by the added 1024, is k + 1024. */
  memcpy (&ix, &x, sizeof ix);
  tmp = ix - STRATA_FAST_SQRT_HALF_BITS + STRATA_FAST_EXP_BIAS;
  iz = ix - (tmp & (UINT64_C (0xfff) << 52)) + STRATA_FAST_EXP_BIAS;
  memcpy (&z, &iz, sizeof z);
  /* k as a double through the bits of 2^52 + k + 1024: no int64 conversion, which SSE2 lacks. */
  ik = UINT64_C (0x4330000000000000) | (tmp >> 52);
  memcpy (&k, &ik, sizeof k);
  k -= STRATA_FAST_TWO52 + 1024.0;

  /* log2 (z) = log2 ((1 + s) / (1 - s)) with s = (z - 1) / (z + 1), an odd series in s. */
  s = (z - 1.0) / (z + 1.0);
  u = s * s;
  return k + s * (2.885390081789993 + u * (0.9617966734432283 + u * (0.5770835677034892
                  + u * (0.411673658400816 + u * 0.34071413665191197))));
}

/* 2^y for |y| <= 1022 (beyond, the exponent wraps around: wrong but no trap); 2^0 is exactly
 * 1. No clamp here: GCC would fold the clamped values through the polynomial into a branch,
 * and a loop with branches does not vectorise (-ftrapping-math). */
static inline double
strata_fast_exp2 (double y)
{
  /* Adding 1.5 * 2^52 rounds y to an integer n, which then sits in the low bits. */
  const double shifter = 6755399441055744.0;
  double t, n, f, f2, f4, scale;
  uint64_t it, is;

  t = y + shifter;
  n = t - shifter;
  f = y - n;                            /* in [-1/2, 1/2] */
  memcpy (&it, &t, sizeof it);
  is = (it + 1023) << 52;               /* 2^n: the low bits of it are n, two's complement */
  memcpy (&scale, &is, sizeof scale);
  /* 2^f = 1 + f q (f), q in Estrin's scheme: a shorter chain of dependent operations than
   * Horner's lets a vectorised loop keep more of them in flight. */
  f2 = f * f;
  f4 = f2 * f2;
  return scale * (1.0 + f * ((0.6931471805599453 + 0.24022650922288757 * f)
                             + f2 * (0.055504108839096185 + 0.009618056678524637 * f)
                             + f4 * ((0.001333350238616277 + 0.0001546144469856913 * f)
                                     + f2 * 1.5297323760701075e-05)));
}

/* 20 log10 (gain) for a positive normal gain. */
static inline double
strata_fast_gain_to_db (double gain)
{
  return STRATA_FAST_DB_PER_LOG2 * strata_fast_log2 (gain);
}

/* 10^(db / 20) for |db| <= 6150; 0 dB is exactly 1. */
static inline double
strata_fast_db_to_gain (double db)
{
  return strata_fast_exp2 (db * STRATA_FAST_LOG2_PER_DB);
}
