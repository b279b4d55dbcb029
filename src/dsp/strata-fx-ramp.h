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

/* What every effect with glides keeps beside its StrataRamp array: the glide length, whether a
 * value set now applies at once (nothing processed since create or reset) and the frames until
 * every glide has ended. A glide always starts ramp_frames long and every ramp ticks together,
 * so `gliding` is the longest glide left: while it is 0 no ramp needs a tick. */
typedef struct
{
  unsigned ramp_frames;
  unsigned gliding;
  int      fresh;
} StrataGlides;

/* Glides of STRATA_EFFECT_RAMP_MS at `rate`; values set before the first frame apply at once. */
static inline void
strata_glides_init (StrataGlides *g, unsigned rate)
{
  g->ramp_frames = strata_ramp_frames (rate);
  g->gliding = 0;
  g->fresh = 1;
}

/* `r` towards `target`: at once while fresh, when `at_once` (a toggle, a choice) or when glides
 * take no frame, else over ramp_frames. Returns whether the value is already the target. */
static inline int
strata_glides_set (StrataGlides *g, StrataRamp *r, double target, int at_once)
{
  strata_ramp_set (r, target, at_once || g->fresh ? 0 : g->ramp_frames);
  if (r->left == 0)
    return 1;
  g->gliding = g->ramp_frames;
  return 0;
}

/* Every one of the n ramps one frame on: false when none was gliding (no value changed). */
static inline int
strata_glides_tick (StrataGlides *g, StrataRamp *ramps, unsigned n)
{
  if (g->gliding == 0)
    return 0;
  g->gliding--;
  for (unsigned p = 0; p < n; p++)
    strata_ramp_tick (&ramps[p]);
  return 1;
}

/* For reset: every ramp on its target at once, and the next values set apply at once. */
static inline void
strata_glides_settle (StrataGlides *g, StrataRamp *ramps, unsigned n)
{
  for (unsigned p = 0; p < n; p++)
    strata_ramp_init (&ramps[p], ramps[p].target);
  g->gliding = 0;
  g->fresh = 1;
}
