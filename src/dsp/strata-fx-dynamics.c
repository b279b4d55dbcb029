/* strata-fx-dynamics.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dynamics: compressor, limiter, expander, gate; and utility.
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
compressor_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_compressor);
}

const StrataEffectClass strata_fx_compressor = {
  "compressor", "compressor", "", NULL, 0,
  compressor_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
limiter_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_limiter);
}

const StrataEffectClass strata_fx_limiter = {
  "limiter", "limiter", "", NULL, 0,
  limiter_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
expander_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_expander);
}

const StrataEffectClass strata_fx_expander = {
  "expander", "expander", "", NULL, 0,
  expander_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
gate_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_gate);
}

const StrataEffectClass strata_fx_gate = {
  "gate", "gate", "", NULL, 0,
  gate_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
utility_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_utility);
}

const StrataEffectClass strata_fx_utility = {
  "utility", "utility", "", NULL, 0,
  utility_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};
