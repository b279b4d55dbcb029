/* strata-gain.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "strata-gain.h"

#include <math.h>

float
strata_db_to_gain (double db)
{
  if (!(db > -144.0))
    return 0.0f;
  return (float) pow (10.0, db / 20.0);
}

double
strata_gain_to_db (double gain)
{
  if (!(gain > 0.0))
    return -INFINITY;
  return 20.0 * log10 (gain);
}

static double
clamp_pan (double pan)
{
  return pan < -1.0 ? -1.0 : pan > 1.0 ? 1.0 : pan;
}

void
strata_pan_mono (double pan, float *left, float *right)
{
  double theta = (clamp_pan (pan) + 1.0) * M_PI / 4.0;

  *left = (float) cos (theta);
  *right = (float) sin (theta);
}

void
strata_pan_balance (double pan, float *left, float *right)
{
  double theta = (clamp_pan (pan) + 1.0) * M_PI / 4.0;
  double l = M_SQRT2 * cos (theta);
  double r = M_SQRT2 * sin (theta);

  *left = (float) (l < 1.0 ? l : 1.0);
  *right = (float) (r < 1.0 ? r : 1.0);
}
