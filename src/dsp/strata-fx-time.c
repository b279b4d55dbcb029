/* strata-fx-time.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Delays and modulation: delay, ping-pong delay, multitap delay, chorus.
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
delay_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_delay);
}

const StrataEffectClass strata_fx_delay = {
  "delay", "delay", "", NULL, 0,
  delay_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
ping_pong_delay_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_ping_pong_delay);
}

const StrataEffectClass strata_fx_ping_pong_delay = {
  "ping_pong_delay", "ping_pong_delay", "", NULL, 0,
  ping_pong_delay_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
multitap_delay_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_multitap_delay);
}

const StrataEffectClass strata_fx_multitap_delay = {
  "multitap_delay", "multitap_delay", "", NULL, 0,
  multitap_delay_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};

static StrataEffect *
chorus_create (unsigned sample_rate, unsigned channels)
{
  return passthrough_create (&strata_fx_chorus);
}

const StrataEffectClass strata_fx_chorus = {
  "chorus", "chorus", "", NULL, 0,
  chorus_create, passthrough_destroy, passthrough_reset, passthrough_set_param,
  passthrough_process, NULL, NULL,
};
