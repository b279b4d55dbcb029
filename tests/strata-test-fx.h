/* strata-test-fx.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the effect tests share: an effect by type, parameters set by name (a choice by the
 * name the project format gives it), and a repeatable noise source.
 */
#pragma once

#include <glib.h>
#include <math.h>

#include "strata-effect.h"

static inline StrataEffect *
fx_new (const char *type, unsigned rate, unsigned channels)
{
  const StrataEffectClass *klass = strata_effect_class_find (type);
  StrataEffect *fx;

  g_assert_nonnull (klass);
  fx = strata_effect_new (klass, rate, channels);
  g_assert_nonnull (fx);
  return fx;
}

static inline void
fx_set (StrataEffect *fx, const char *name, double value)
{
  int index = strata_effect_param_index (fx->klass, name);

  g_assert_cmpint (index, >=, 0);
  strata_effect_set_param (fx, (unsigned) index, value);
}

static inline void
fx_set_choice (StrataEffect *fx, const char *name, const char *choice)
{
  int index = strata_effect_param_index (fx->klass, name);
  int value;

  g_assert_cmpint (index, >=, 0);
  value = strata_effect_choice_index (&fx->klass->params[index], choice);
  g_assert_cmpint (value, >=, 0);
  strata_effect_set_param (fx, (unsigned) index, value);
}

/* The next value of a linear congruential noise in [-0.5, 0.5), in steps of 2^-24 (exact as a
 * float too). */
static inline double
fx_noise (guint32 *seed)
{
  *seed = *seed * 1664525u + 1013904223u;
  return (*seed >> 8) / 16777216.0 - 0.5;
}

/* A test signal: a sine of base_hz + step_hz * c on channel c, plus noise from `seed`, the
 * channels interleaved and each different. */
static inline float *
fx_signal (unsigned rate, unsigned channels, gsize n, guint32 seed, float base_hz,
           float step_hz)
{
  float *buf = g_new (float, n * channels);

  for (gsize i = 0; i < n; i++)
    for (unsigned c = 0; c < channels; c++)
      buf[i * channels + c] = 0.5f * sinf (2.0f * (float) G_PI * (base_hz + step_hz * c) * i / rate)
                              + 0.4f * (float) fx_noise (&seed);
  return buf;
}
