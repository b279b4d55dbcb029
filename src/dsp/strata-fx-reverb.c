/* strata-fx-reverb.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reverbs: Freeverb, hall and plate.
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
freeverb_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_freeverb);
}

const StrataEffectClass strata_fx_freeverb = {
  "freeverb", "freeverb", "", NULL, 0,
  freeverb_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
hall_reverb_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_hall_reverb);
}

const StrataEffectClass strata_fx_hall_reverb = {
  "hall_reverb", "hall_reverb", "", NULL, 0,
  hall_reverb_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
plate_reverb_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_plate_reverb);
}

const StrataEffectClass strata_fx_plate_reverb = {
  "plate_reverb", "plate_reverb", "", NULL, 0,
  plate_reverb_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};
