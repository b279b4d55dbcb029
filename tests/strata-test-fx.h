/* strata-test-fx.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the effect tests share: an effect by type, and parameters set by name (a choice by the
 * name the project format gives it).
 */
#pragma once

#include <glib.h>

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
