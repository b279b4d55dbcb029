/* strata-effect.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "strata-effect.h"

static const StrataEffectClass *const classes[] = {
  &strata_fx_eq,
  &strata_fx_low_shelf,
  &strata_fx_high_shelf,
  &strata_fx_filter,
  &strata_fx_compressor,
  &strata_fx_limiter,
  &strata_fx_expander,
  &strata_fx_gate,
  &strata_fx_saturation,
  &strata_fx_distortion,
  &strata_fx_waveshaper,
  &strata_fx_delay,
  &strata_fx_ping_pong_delay,
  &strata_fx_multitap_delay,
  &strata_fx_freeverb,
  &strata_fx_hall_reverb,
  &strata_fx_plate_reverb,
  &strata_fx_chorus,
  &strata_fx_utility,
};

unsigned
strata_effect_n_classes (void)
{
  return sizeof classes / sizeof classes[0];
}

const StrataEffectClass *
strata_effect_class_get (unsigned index)
{
  return index < strata_effect_n_classes () ? classes[index] : NULL;
}

const StrataEffectClass *
strata_effect_class_find (const char *type)
{
  for (unsigned i = 0; type != NULL && i < strata_effect_n_classes (); i++)
    if (strcmp (classes[i]->type, type) == 0)
      return classes[i];
  return NULL;
}

int
strata_effect_param_index (const StrataEffectClass *klass, const char *name)
{
  for (unsigned i = 0; name != NULL && i < klass->n_params; i++)
    if (strcmp (klass->params[i].name, name) == 0)
      return (int) i;
  return -1;
}

int
strata_effect_choice_index (const StrataParamDesc *param, const char *name)
{
  for (int i = 0; param->choices != NULL && param->choices[i] != NULL; i++)
    if (strcmp (param->choices[i], name) == 0)
      return i;
  return -1;
}

double
strata_effect_param_clamp (const StrataParamDesc *param, double value)
{
  if (!(value >= param->min))   /* NaN too */
    value = param->min;
  if (value > param->max)
    value = param->max;
  if (param->kind != STRATA_PARAM_CONTINUOUS)
    value = (double) (long) (value + 0.5);
  return value;
}

StrataEffect *
strata_effect_new (const StrataEffectClass *klass, unsigned sample_rate, unsigned channels)
{
  return klass->create (sample_rate, channels);
}

void
strata_effect_free (StrataEffect *self)
{
  if (self != NULL)
    self->klass->destroy (self);
}

void
strata_effect_reset (StrataEffect *self)
{
  self->klass->reset (self);
}

void
strata_effect_set_param (StrataEffect *self, unsigned index, double value)
{
  if (index < self->klass->n_params)
    self->klass->set_param (self, index,
                            strata_effect_param_clamp (&self->klass->params[index], value));
}

void
strata_effect_process (StrataEffect *self, float *frames, size_t n_frames)
{
  self->klass->process (self, frames, n_frames);
}

unsigned
strata_effect_latency (const StrataEffect *self)
{
  return self->klass->latency != NULL ? self->klass->latency (self) : 0;
}

double
strata_effect_tail (const StrataEffect *self)
{
  return self->klass->tail != NULL ? self->klass->tail (self) : 0.0;
}
