/* test-dither.c: quantisation for integer export, as project-format.md's rendering rules say
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "strata-dither.h"

static int32_t
quantize_one (float x, unsigned bits, int dither)
{
  StrataDither d;
  int32_t out;

  strata_dither_init (&d, 1);
  strata_dither_quantize (&d, &x, &out, 1, bits, dither);
  return out;
}

/* 24 bits: code c is stored as c * 256; halves round away from zero. */
static void
test_round_24 (void)
{
  const double lsb = 1.0 / 8388608.0; /* 2^-23 */

  g_assert_cmpint (quantize_one (0.0f, 24, 0), ==, 0);
  g_assert_cmpint (quantize_one ((float) (0.5 * lsb), 24, 0), ==, 1 * 256);
  g_assert_cmpint (quantize_one ((float) (-0.5 * lsb), 24, 0), ==, -1 * 256);
  g_assert_cmpint (quantize_one ((float) (1.5 * lsb), 24, 0), ==, 2 * 256);
  g_assert_cmpint (quantize_one ((float) (-2.5 * lsb), 24, 0), ==, -3 * 256);
  g_assert_cmpint (quantize_one (nextafterf ((float) (0.5 * lsb), 0.0f), 24, 0), ==, 0);
  g_assert_cmpint (quantize_one (nextafterf ((float) (-0.5 * lsb), 0.0f), 24, 0), ==, 0);
  g_assert_cmpint (quantize_one ((float) (1000.49 * lsb), 24, 0), ==, 1000 * 256);
  g_assert_cmpint (quantize_one ((float) (-1000.51 * lsb), 24, 0), ==, -1001 * 256);
  g_assert_cmpint (quantize_one (0.5f, 24, 0), ==, 4194304 * 256);
  g_assert_cmpint (quantize_one (-0.25f, 24, 0), ==, -2097152 * 256);
  /* Exact powers of two in between. */
  for (int e = 1; e <= 23; e++)
    {
      float x = ldexpf (1.0f, -e);

      g_assert_cmpint (quantize_one (x, 24, 0), ==, (int32_t) ((8388608 >> e) * 256));
      g_assert_cmpint (quantize_one (-x, 24, 0), ==, -(int32_t) ((8388608 >> e) * 256));
    }
}

/* Full scale is 2^(bits-1): 1.0 and beyond clip to the largest code, -1.0 is the smallest. */
static void
test_clip (void)
{
  static const float over[] = { 1.0f, 1.0000001f, 2.0f, 1e30f, INFINITY };

  for (unsigned i = 0; i < G_N_ELEMENTS (over); i++)
    {
      g_assert_cmpint (quantize_one (over[i], 24, 0), ==, 8388607 * 256);
      g_assert_cmpint (quantize_one (-over[i], 24, 0), ==, INT32_MIN);
      g_assert_cmpint (quantize_one (over[i], 16, 0), ==, 32767 * 65536);
      g_assert_cmpint (quantize_one (-over[i], 16, 0), ==, INT32_MIN);
      g_assert_cmpint (quantize_one (over[i], 16, 1), ==, 32767 * 65536);
      g_assert_cmpint (quantize_one (-over[i], 16, 1), ==, INT32_MIN);
    }
  /* Just under full scale rounds to the top code, not beyond it. */
  g_assert_cmpint (quantize_one ((float) (8388606.6 / 8388608.0), 24, 0), ==, 8388607 * 256);
  g_assert_cmpint (quantize_one ((float) (32766.6 / 32768.0), 16, 0), ==, 32767 * 65536);
  /* Dither cannot push a full-scale value past the top: always 32767 or 32766. */
  {
    StrataDither d;
    float in[4096];
    int32_t out[4096];

    for (unsigned i = 0; i < G_N_ELEMENTS (in); i++)
      in[i] = i % 2 ? 32767.0f / 32768.0f : -1.0f;
    strata_dither_init (&d, 5);
    strata_dither_quantize (&d, in, out, G_N_ELEMENTS (in), 16, 1);
    for (unsigned i = 0; i < G_N_ELEMENTS (in); i++)
      if (i % 2)
        g_assert_true (out[i] == 32767 * 65536 || out[i] == 32766 * 65536);
      else
        g_assert_true (out[i] == INT32_MIN || out[i] == -32767 * 65536);
  }
}

static void
test_nan (void)
{
  g_assert_cmpint (quantize_one (NAN, 24, 0), ==, 0);
  g_assert_cmpint (quantize_one (NAN, 16, 0), ==, 0);
  g_assert_cmpint (quantize_one (-NAN, 16, 1), ==, 0);
}

/* Many values at once (the vectorised path), of every size, half of them next to a rounding
 * boundary, against llround () (halves away from zero) of the exact product in double, clipped
 * to the 24-bit range. */
static void
test_round_24_sweep (void)
{
  enum { N = 1 << 16 };
  g_autofree float *in = g_new (float, N);
  g_autofree int32_t *out = g_new (int32_t, N);
  GRand *rand = g_rand_new_with_seed (24);
  StrataDither d;

  for (int i = 0; i < N; i++)
    {
      /* Magnitudes spread evenly in octaves from 2^-30 to 1.1, so that small codes (where
       * v + 0.5 in float would lose the low bits of v) are as common as large ones. */
      double x = ldexp (g_rand_double_range (rand, -1.1, 1.1), -g_rand_int_range (rand, 0, 31));
      if (i % 2)   /* a half-code boundary, or one float either side of it */
        {
          double code = floor (ldexp (x, 23)) + 0.5;
          float at = (float) ldexp (code, -23);
          int side = g_rand_int_range (rand, -1, 2);
          x = side == 0 ? at : nextafterf (at, side < 0 ? -2.0f : 2.0f);
        }
      in[i] = (float) x;
    }
  strata_dither_init (&d, 1);
  strata_dither_quantize (&d, in, out, N, 24, 0);
  for (int i = 0; i < N; i++)
    {
      double v = fmin (fmax (ldexp ((double) in[i], 23), -8388608.0), 8388607.0);
      int32_t want = (int32_t) llround (v) * 256;
      if (out[i] != want)
        g_error ("sample %d (%.9g): code %d, llround says %d", i, in[i], out[i] / 256,
                 want / 256);
    }
  g_rand_free (rand);
}

/* 24-bit PCM straight from floats: the bytes of the codes strata_dither_quantize gives, low
 * byte first, for every length (the four-wide path and its tail), and not a byte more. The
 * expected codes come from llround () of the exact product, as in the sweep above. */
static void
test_pack_24 (void)
{
  enum { N = 4099 };
  static const float special[] = { NAN, INFINITY, -INFINITY, 1.0f, -1.0f, 1e30f, -2.0f,
                                   0.0f, -0.0f, (float) (8388606.6 / 8388608.0) };
  g_autofree float *in = g_new (float, N);
  g_autofree guint8 *out = g_new (guint8, 3 * N + 16);
  GRand *rand = g_rand_new_with_seed (3);

  for (int i = 0; i < N; i++)
    {
      double x = ldexp (g_rand_double_range (rand, -1.1, 1.1), -g_rand_int_range (rand, 0, 31));
      if (i % 3 == 1)   /* exactly on a half code */
        x = ldexp (floor (ldexp (x, 23)) + 0.5, -23);
      in[i] = i % 7 == 0 ? special[(i / 7) % G_N_ELEMENTS (special)] : (float) x;
    }
  for (int n = 0; n <= N; n = n < 40 ? n + 1 : n * 2 + 3)
    {
      int first = n % 5;    /* an unaligned start */

      if (first + n > N)
        break;
      memset (out, 0xA5, 3 * N + 16);
      strata_dither_pack_24 (in + first, out, (size_t) n);
      for (int i = 0; i < n; i++)
        {
          float x = in[first + i];
          double v = x != x ? 0.0 : fmin (fmax (ldexp ((double) x, 23), -8388608.0), 8388607.0);
          guint32 want = (guint32) (int32_t) llround (v) & 0xFFFFFF;
          guint32 got = out[3 * i] | (guint32) out[3 * i + 1] << 8 | (guint32) out[3 * i + 2] << 16;
          if (got != want)
            g_error ("%d samples, sample %d (%.9g): 0x%06x, llround says 0x%06x", n, i, x, got,
                     want);
        }
      for (int i = 3 * n; i < 3 * n + 16; i++)
        g_assert_cmpint (out[i], ==, 0xA5);
    }
  g_rand_free (rand);
}

/* 16 bits: code c is stored as c * 65536; undithered, halves round away from zero. */
static void
test_round_16 (void)
{
  g_assert_cmpint (quantize_one (0.5f / 32768.0f, 16, 0), ==, 65536);
  g_assert_cmpint (quantize_one (-0.5f / 32768.0f, 16, 0), ==, -65536);
  g_assert_cmpint (quantize_one (0.49f / 32768.0f, 16, 0), ==, 0);
  g_assert_cmpint (quantize_one (100.7f / 32768.0f, 16, 0), ==, 101 * 65536);
}

/* TPDF dither (d = r1 - r2, r uniform in [0, 1)) ahead of rounding makes the total error
 * e = round(x + d) - x independent of x in its first two moments: mean 0 and variance
 * 1/6 (the dither) + 1/12 (the rounding) = 1/4 LSB^2; and |e| < 1.5 LSB. */
static void
test_tpdf_statistics (void)
{
  static const double fractions[] = { 0.0, 0.25, 0.5, 0.37, -0.81 };
  const size_t n = 1000000, block = 10000;
  float *in = g_new (float, block);
  int32_t *out = g_new (int32_t, block);

  for (unsigned f = 0; f < G_N_ELEMENTS (fractions); f++)
    {
      float x = (float) ((1234.0 + fractions[f]) / 32768.0);
      double lsbs = (double) x * 32768.0;
      double sum = 0.0, sum2 = 0.0, lowest = INFINITY, highest = -INFINITY;
      StrataDither d;

      strata_dither_init (&d, 42 + f);
      for (size_t i = 0; i < block; i++)
        in[i] = x;
      for (size_t done = 0; done < n; done += block)
        {
          strata_dither_quantize (&d, in, out, block, 16, 1);
          for (size_t i = 0; i < block; i++)
            {
              double e;

              g_assert_cmpint (out[i] % 65536, ==, 0);
              e = out[i] / 65536 - lsbs;
              sum += e;
              sum2 += e * e;
              lowest = MIN (lowest, e);
              highest = MAX (highest, e);
            }
        }
      {
        double mean = sum / n, var = sum2 / n - mean * mean;

        g_test_message ("x = %.2f LSB: error mean %+.5f, variance %.5f, range [%.2f, %.2f]",
                        lsbs, mean, var, lowest, highest);
        g_assert_cmpfloat (fabs (mean), <, 0.01);
        g_assert_cmpfloat (fabs (var - 0.25), <, 0.005);
        g_assert_cmpfloat (lowest, >, -1.5);
        g_assert_cmpfloat (highest, <, 1.5);
        /* The dither spans +-1 LSB: at least two codes are hit, three when x is on one. */
        g_assert_cmpfloat (highest - lowest, >=, fractions[f] == 0.0 ? 2.0 : 1.0);
      }
    }
  g_free (in);
  g_free (out);
}

/* For x exactly on a code, e = round(d): 0 when |d| < 1/2, else +-1. With TPDF d the chance of
 * |d| >= 1/2 is 2 * (1/2)(1/2)^2 = 1/4, split evenly between +1 and -1. */
static void
test_tpdf_shape (void)
{
  const size_t n = 1000000;
  float *in = g_new0 (float, n);
  int32_t *out = g_new (int32_t, n);
  size_t counts[3] = { 0 };
  StrataDither d;

  strata_dither_init (&d, 99);
  strata_dither_quantize (&d, in, out, n, 16, 1);
  for (size_t i = 0; i < n; i++)
    {
      int code = out[i] / 65536;

      g_assert_cmpint (code, >=, -1);
      g_assert_cmpint (code, <=, 1);
      counts[code + 1]++;
    }
  g_test_message ("codes -1/0/+1: %zu %zu %zu", counts[0], counts[1], counts[2]);
  /* Binomial standard deviations are about 310 (for 1/8) and 430 (for 3/4): allow 10 of them. */
  g_assert_cmpfloat (fabs (counts[0] - n / 8.0), <, 3100);
  g_assert_cmpfloat (fabs (counts[2] - n / 8.0), <, 3100);
  g_assert_cmpfloat (fabs (counts[1] - n * 0.75), <, 4300);
  g_free (in);
  g_free (out);
}

static void
test_seed (void)
{
  const size_t n = 4096;
  float *in = g_new (float, n);
  int32_t *a = g_new (int32_t, n), *b = g_new (int32_t, n), *c = g_new (int32_t, n);
  int32_t *blocks = g_new (int32_t, n);
  StrataDither d;
  size_t differ = 0;

  for (size_t i = 0; i < n; i++)
    in[i] = (float) (0.3 * sin (0.01 * i));
  strata_dither_init (&d, 1234);
  strata_dither_quantize (&d, in, a, n, 16, 1);
  strata_dither_init (&d, 1234);
  strata_dither_quantize (&d, in, b, n, 16, 1);
  strata_dither_init (&d, 1235);
  strata_dither_quantize (&d, in, c, n, 16, 1);
  /* In blocks, the same as in one go. */
  strata_dither_init (&d, 1234);
  for (size_t i = 0; i < n; i += 17)
    strata_dither_quantize (&d, in + i, blocks + i, MIN (17, n - i), 16, 1);

  g_assert_cmpmem (a, n * sizeof *a, b, n * sizeof *b);
  g_assert_cmpmem (a, n * sizeof *a, blocks, n * sizeof *blocks);
  for (size_t i = 0; i < n; i++)
    differ += a[i] != c[i];
  /* Two independent dithers give different codes with probability
   * P(round(x + d1) != round(x + d2)) > 1/4 or so: far above zero. */
  g_assert_cmpuint (differ, >, n / 8);
  /* Seed 0 works too. */
  strata_dither_init (&d, 0);
  strata_dither_quantize (&d, in, c, n, 16, 1);
  differ = 0;
  for (size_t i = 0; i < n; i++)
    differ += a[i] != c[i];
  g_assert_cmpuint (differ, >, n / 8);
  g_free (in);
  g_free (a);
  g_free (b);
  g_free (c);
  g_free (blocks);
}

/* A -100 dBFS sine is 0.33 LSB at 16 bits: rounding alone loses it, dither keeps it (as noise
 * whose average follows the sine). */
static void
test_low_level (void)
{
  const size_t n = 48000;
  float *in = g_new (float, n);
  int32_t *out = g_new (int32_t, n);
  double amp = pow (10.0, -100.0 / 20.0), correlation = 0.0, power = 0.0;
  size_t nonzero = 0;
  StrataDither d;

  for (size_t i = 0; i < n; i++)
    in[i] = (float) (amp * sin (2 * M_PI * 997.0 * i / 48000.0));

  strata_dither_init (&d, 3);
  strata_dither_quantize (&d, in, out, n, 16, 0);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpint (out[i], ==, 0);

  strata_dither_init (&d, 3);
  strata_dither_quantize (&d, in, out, n, 16, 1);
  for (size_t i = 0; i < n; i++)
    {
      double s = sin (2 * M_PI * 997.0 * i / 48000.0);

      nonzero += out[i] != 0;
      correlation += (out[i] / 65536) * s;
      power += s * s;
    }
  g_assert_cmpuint (nonzero, >, n / 10);
  /* Projected on the sine, the codes give back its amplitude, 0.328 LSB: the noise adds about
   * sqrt(0.25 / 24000) = 0.003 of error. */
  g_test_message ("amplitude recovered from dithered codes: %.4f LSB (sine %.4f LSB)",
                  correlation / power, amp * 32768);
  g_assert_cmpfloat (fabs (correlation / power - amp * 32768), <, 0.02);

  /* At 24 bits it is 27 LSB and comes through undithered. */
  strata_dither_quantize (&d, in, out, n, 24, 0);
  nonzero = 0;
  for (size_t i = 0; i < n; i++)
    nonzero += out[i] != 0;
  g_assert_cmpuint (nonzero, >, n * 9 / 10);
  g_free (in);
  g_free (out);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dither/round-24", test_round_24);
  g_test_add_func ("/dither/round-24-sweep", test_round_24_sweep);
  g_test_add_func ("/dither/pack-24", test_pack_24);
  g_test_add_func ("/dither/round-16", test_round_16);
  g_test_add_func ("/dither/clip", test_clip);
  g_test_add_func ("/dither/nan", test_nan);
  g_test_add_func ("/dither/tpdf-statistics", test_tpdf_statistics);
  g_test_add_func ("/dither/tpdf-shape", test_tpdf_shape);
  g_test_add_func ("/dither/seed", test_seed);
  g_test_add_func ("/dither/low-level", test_low_level);
  return g_test_run ();
}
