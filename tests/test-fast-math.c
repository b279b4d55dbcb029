/* test-fast-math.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * strata-fast-math.h against libm on dense sweeps of the ranges the dynamics use: levels from
 * the detectors' silence (1e-20) to 1e6 linear, gains from -400 to +400 dB. Errors are read as
 * levels in dB, the unit the effects' curves are specified in, and must stay below 1e-6 dB
 * (what a test of a static curve could ever see is 1e-3 dB and more).
 */
#include <math.h>
#include <glib.h>

#include "strata-fast-math.h"

#define MAX_ERROR_DB 1e-6

/* Levels geometrically spaced by `ratio` from lo to hi: about 2.4 million for 1e-20..1e6. */
#define LEVEL_LO 1e-20
#define LEVEL_HI 1e6
#define LEVEL_RATIO 1.000025

static double
db_of_log2 (double log2_error)
{
  return 20.0 * log10 (2.0) * fabs (log2_error);
}

/* Keeps the worst error seen and where. */
static void
note_error (double err, double at, double *worst, double *worst_at)
{
  if (err > *worst)
    {
      *worst = err;
      *worst_at = at;
    }
}

static void
test_log2 (void)
{
  double worst = 0.0, worst_at = 0.0;
  gsize count = 0;

  for (double x = LEVEL_LO; x <= LEVEL_HI; x *= LEVEL_RATIO, count++)
    note_error (db_of_log2 (strata_fast_log2 (x) - log2 (x)), x, &worst, &worst_at);
  g_test_message ("log2: %" G_GSIZE_FORMAT " levels, worst %.3g dB at %g", count, worst,
                  worst_at);
  g_assert_cmpfloat (worst, <, MAX_ERROR_DB);
}

/* Where the mantissa is split (at sqrt 2) and where the exponent steps (powers of two), one
 * ulp either side, and the powers of two themselves, exact. */
static void
test_log2_edges (void)
{
  double worst = 0.0;

  for (int e = -67; e <= 20; e++)
    {
      double p = ldexp (1.0, e);
      double edges[] = { p, nextafter (p, 0.0), nextafter (p, INFINITY),
                         p * sqrt (2.0), nextafter (p * sqrt (2.0), 0.0),
                         nextafter (p * sqrt (2.0), INFINITY) };

      g_assert_cmpfloat (strata_fast_log2 (p), ==, (double) e);
      for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
        worst = MAX (worst, db_of_log2 (strata_fast_log2 (edges[i]) - log2 (edges[i])));
    }
  g_test_message ("log2 at the edges: worst %.3g dB", worst);
  g_assert_cmpfloat (worst, <, MAX_ERROR_DB);
}

static void
test_gain_to_db (void)
{
  double worst = 0.0;

  for (double x = LEVEL_LO; x <= LEVEL_HI; x *= LEVEL_RATIO)
    worst = MAX (worst, fabs (strata_fast_gain_to_db (x) - 20.0 * log10 (x)));
  g_test_message ("gain to dB: worst %.3g dB", worst);
  g_assert_cmpfloat (worst, <, MAX_ERROR_DB);
}

/* Gains from -400 to +400 dB every 1e-4 dB, and the log2 arguments they stand for. */
static void
test_exp2 (void)
{
  double worst = 0.0, worst_at = 0.0;
  gsize count = 0;

  for (gint64 i = -4000000; i <= 4000000; i++, count++)
    {
      double db = i * 1e-4;
      double y = db / (20.0 * log10 (2.0));
      note_error (fabs (20.0 * log10 (strata_fast_exp2 (y) / exp2 (y))), db, &worst, &worst_at);
    }
  g_test_message ("exp2: %" G_GSIZE_FORMAT " gains, worst %.3g dB at %g dB", count, worst,
                  worst_at);
  g_assert_cmpfloat (worst, <, MAX_ERROR_DB);
}

/* Integers (where the polynomial is not used) exact, halves (its ends) one ulp either side. */
static void
test_exp2_edges (void)
{
  double worst = 0.0;

  g_assert_cmpfloat (strata_fast_exp2 (0.0), ==, 1.0);
  g_assert_cmpfloat (strata_fast_exp2 (-0.0), ==, 1.0);
  for (int n = -140; n <= 140; n++)
    {
      double h = n + 0.5;
      double edges[] = { h, nextafter (h, -INFINITY), nextafter (h, INFINITY) };

      g_assert_cmpfloat (strata_fast_exp2 (n), ==, ldexp (1.0, n));
      for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
        worst = MAX (worst, fabs (20.0 * log10 (strata_fast_exp2 (edges[i])
                                                / exp2 (edges[i]))));
    }
  g_test_message ("exp2 at the edges: worst %.3g dB", worst);
  g_assert_cmpfloat (worst, <, MAX_ERROR_DB);
  /* The ends of the domain. */
  g_assert_cmpfloat (strata_fast_exp2 (-1022.0), ==, ldexp (1.0, -1022));
  g_assert_cmpfloat (strata_fast_exp2 (1022.0), ==, ldexp (1.0, 1022));
}

static void
test_db_to_gain (void)
{
  double worst = 0.0;

  g_assert_cmpfloat (strata_fast_db_to_gain (0.0), ==, 1.0);
  for (gint64 i = -4000000; i <= 4000000; i++)
    {
      double db = i * 1e-4;

      double err = fabs (20.0 * log10 (strata_fast_db_to_gain (db) / pow (10.0, db / 20.0)));

      worst = MAX (worst, err);
    }
  g_test_message ("dB to gain: worst %.3g dB", worst);
  g_assert_cmpfloat (worst, <, MAX_ERROR_DB);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fast-math/log2", test_log2);
  g_test_add_func ("/fast-math/log2-edges", test_log2_edges);
  g_test_add_func ("/fast-math/gain-to-db", test_gain_to_db);
  g_test_add_func ("/fast-math/exp2", test_exp2);
  g_test_add_func ("/fast-math/exp2-edges", test_exp2_edges);
  g_test_add_func ("/fast-math/db-to-gain", test_db_to_gain);
  return g_test_run ();
}
