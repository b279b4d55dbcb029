/* strata-fx-color.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Colour: saturation, distortion, waveshaper.
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
saturation_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_saturation);
}

const StrataEffectClass strata_fx_saturation = {
  "saturation", "saturation", "", NULL, 0,
  saturation_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
distortion_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_distortion);
}

const StrataEffectClass strata_fx_distortion = {
  "distortion", "distortion", "", NULL, 0,
  distortion_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
waveshaper_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_waveshaper);
}

const StrataEffectClass strata_fx_waveshaper = {
  "waveshaper", "waveshaper", "", NULL, 0,
  waveshaper_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};
