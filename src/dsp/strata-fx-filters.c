/* strata-fx-filters.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Biquad effects: the 6-band eq, low and high shelf, filter (RBJ Audio EQ Cookbook).
 * (Placeholder: passes audio through until the effects are written.)
 */
#include <stdlib.h>

#include "strata-effect.h"

typedef struct
{
  StrataEffect parent;
} Passthrough;

static StrataEffect *
passthrough_create (const StrataEffectClass *klass)
{
  Passthrough *self = calloc (1, sizeof *self);

  if (self != NULL)
    self->parent.klass = klass;
  return self != NULL ? &self->parent : NULL;
}

static void
passthrough_destroy (StrataEffect *self)
{
  free (self);
}

static void
passthrough_reset (StrataEffect *self)
{
}

static void
passthrough_set_param (StrataEffect *self, unsigned index, double value)
{
}

static void
passthrough_process (StrataEffect *self, float *frames, size_t n_frames)
{
}

static StrataEffect *
eq_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_eq);
}

const StrataEffectClass strata_fx_eq = {
  "eq", "eq", "", NULL, 0,
  eq_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
low_shelf_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_low_shelf);
}

const StrataEffectClass strata_fx_low_shelf = {
  "low_shelf", "low_shelf", "", NULL, 0,
  low_shelf_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
high_shelf_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_high_shelf);
}

const StrataEffectClass strata_fx_high_shelf = {
  "high_shelf", "high_shelf", "", NULL, 0,
  high_shelf_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
filter_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_filter);
}

const StrataEffectClass strata_fx_filter = {
  "filter", "filter", "", NULL, 0,
  filter_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};
