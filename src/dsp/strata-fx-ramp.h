/* strata-fx-ramp.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The glide strata-effect.h promises for continuous parameters: a value moving linearly to its
 * target over a whole number of frames (STRATA_EFFECT_RAMP_MS), one frame per tick, landing on
 * the target exactly. Shared by the effects' sources; plain C for the audio thread.
 */
#pragma once

#include <math.h>

#include "strata-effect.h"

typedef struct
{
  double   value;
  double   target;
  double   step;
  unsigned left;     /* frames still to glide */
} StrataRamp;

/* Frames of STRATA_EFFECT_RAMP_MS at `rate`. */
static inline unsigned
strata_ramp_frames (unsigned rate)
{
  return (unsigned) lround (STRATA_EFFECT_RAMP_MS * rate / 1000.0);
}

/* At `value` at once, not gliding. */
static inline void
strata_ramp_init (StrataRamp *r, double value)
{
  r->value = r->target = value;
  r->step = 0.0;
  r->left = 0;
}

/* Glides to `target` over `frames`; 0 frames (a value set before any processing) jumps. */
static inline void
strata_ramp_set (StrataRamp *r, double target, unsigned frames)
{
  if (frames == 0)
    {
      strata_ramp_init (r, target);
      return;
    }
  r->target = target;
  r->left = frames;
  r->step = (target - r->value) / frames;
}

/* One frame on: whether the value moved. */
static inline int
strata_ramp_tick (StrataRamp *r)
{
  if (r->left == 0)
    return 0;
  if (--r->left == 0)
    r->value = r->target;
  else
    r->value += r->step;
  return 1;
}
