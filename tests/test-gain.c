/* test-gain.c: the level and pan laws of project-format.md
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <math.h>

#include "strata-gain.h"

static void
test_db (void)
{
  g_assert_cmpfloat_with_epsilon (strata_db_to_gain (0.0), 1.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (strata_db_to_gain (-6.0), 0.501187234, 1e-7);
  g_assert_cmpfloat_with_epsilon (strata_db_to_gain (12.0), 3.981071706, 1e-6);
  g_assert_cmpfloat (strata_db_to_gain (-INFINITY), ==, 0.0f);
  g_assert_cmpfloat (strata_db_to_gain (-144.0), ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (strata_gain_to_db (0.5), -6.020599913, 1e-9);
  g_assert_true (isinf (strata_gain_to_db (0.0)));
}

static void
test_pan_mono (void)
{
  float l, r;

  /* -3 dB at centre: cos(pi/4) = sin(pi/4) = 1/sqrt(2). */
  strata_pan_mono (0.0, &l, &r);
  g_assert_cmpfloat_with_epsilon (l, 0.70710678, 1e-7);
  g_assert_cmpfloat_with_epsilon (r, 0.70710678, 1e-7);
  g_assert_cmpfloat_with_epsilon (20 * log10 (l), -3.0103, 1e-3);
  strata_pan_mono (-1.0, &l, &r);
  g_assert_cmpfloat_with_epsilon (l, 1.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (r, 0.0, 1e-7);
  strata_pan_mono (0.5, &l, &r);
  g_assert_cmpfloat_with_epsilon (l, cos (1.5 * M_PI / 4), 1e-7);
  g_assert_cmpfloat_with_epsilon (r, sin (1.5 * M_PI / 4), 1e-7);
  /* Constant power everywhere. */
  for (double pan = -1.0; pan <= 1.0; pan += 0.125)
    {
      strata_pan_mono (pan, &l, &r);
      g_assert_cmpfloat_with_epsilon (l * l + r * r, 1.0, 1e-6);
    }
}

static void
test_pan_balance (void)
{
  float l, r;

  strata_pan_balance (0.0, &l, &r);
  g_assert_cmpfloat (l, ==, 1.0f);
  g_assert_cmpfloat (r, ==, 1.0f);
  strata_pan_balance (1.0, &l, &r);
  g_assert_cmpfloat_with_epsilon (l, 0.0, 1e-7);
  g_assert_cmpfloat (r, ==, 1.0f);
  strata_pan_balance (-0.5, &l, &r);
  g_assert_cmpfloat (l, ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (r, M_SQRT2 * sin (0.5 * M_PI / 4), 1e-7);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gain/db", test_db);
  g_test_add_func ("/gain/pan-mono", test_pan_mono);
  g_test_add_func ("/gain/pan-balance", test_pan_balance);
  return g_test_run ();
}
