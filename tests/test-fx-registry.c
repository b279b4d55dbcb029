/* test-fx-registry.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every effect of the registry owes (docs/effects.md and strata-effect.h), checked on all
 * of them alike: the 19 types of effects.md, sound descriptor tables, the same output
 * whatever the block size and from run to run, silence decaying to exact zeros after loud
 * input, and a parameter set before the first block applying at once.
 */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "strata-effect.h"
#include "strata-test-fx.h"

#define RATE 48000

static const char *const documented[] = {
  "eq", "low_shelf", "high_shelf", "filter", "compressor", "limiter", "expander", "gate",
  "saturation", "distortion", "waveshaper", "delay", "ping_pong_delay", "multitap_delay",
  "freeverb", "hall_reverb", "plate_reverb", "chorus", "utility",
};

/* Deterministic test signal: noise over a sine, both channels different. */
static float *
make_signal (guint channels, gsize n)
{
  return fx_signal (RATE, channels, n, 12345, 220.0f, 110.0f);
}

static void
test_documented_types (void)
{
  g_assert_cmpuint (strata_effect_n_classes (), ==, G_N_ELEMENTS (documented));
  for (guint i = 0; i < G_N_ELEMENTS (documented); i++)
    {
      const StrataEffectClass *klass = strata_effect_class_find (documented[i]);

      g_assert_nonnull (klass);
      g_assert_cmpstr (klass->type, ==, documented[i]);
      g_assert_true (strata_effect_class_get (i) == klass);
    }
  g_assert_null (strata_effect_class_find ("no_such_effect"));
}

static void
test_descriptors (void)
{
  for (guint i = 0; i < strata_effect_n_classes (); i++)
    {
      const StrataEffectClass *klass = strata_effect_class_get (i);

      g_test_message ("%s", klass->type);
      g_assert_nonnull (klass->label);
      g_assert_nonnull (klass->description);
      g_assert_cmpuint (klass->n_params, >, 0);
      g_assert_cmpuint (klass->n_params, <=, STRATA_EFFECT_MAX_PARAMS);
      for (guint p = 0; p < klass->n_params; p++)
        {
          const StrataParamDesc *d = &klass->params[p];

          g_assert_nonnull (d->name);
          g_assert_nonnull (d->label);
          g_assert_nonnull (d->unit);
          g_assert_cmpint (strata_effect_param_index (klass, d->name), ==, (int) p);
          g_assert_cmpfloat (d->min, <=, d->def);
          g_assert_cmpfloat (d->def, <=, d->max);
          if (d->kind == STRATA_PARAM_CHOICE)
            {
              guint n = 0;

              g_assert_nonnull (d->choices);
              while (d->choices[n] != NULL)
                n++;
              g_assert_cmpfloat (d->min, ==, 0);
              g_assert_cmpfloat (d->max, ==, n - 1);
            }
          else if (d->kind == STRATA_PARAM_TOGGLE)
            {
              g_assert_cmpfloat (d->min, ==, 0);
              g_assert_cmpfloat (d->max, ==, 1);
            }
        }
    }
}

/* Renders `signal` through a fresh instance in blocks of `block` frames. */
static float *
render (const StrataEffectClass *klass, guint channels, const float *signal, gsize n, gsize block)
{
  StrataEffect *fx = strata_effect_new (klass, RATE, channels);
  float *out = g_memdup2 (signal, n * channels * sizeof (float));

  g_assert_nonnull (fx);
  for (gsize done = 0; done < n; done += block)
    strata_effect_process (fx, out + done * channels, MIN (block, n - done));
  strata_effect_free (fx);
  return out;
}

static void
test_block_size_and_determinism (void)
{
  static const gsize blocks[] = { 1, 17, 64, 256, 4096 };
  const gsize n = RATE / 2;

  for (guint channels = 1; channels <= 2; channels++)
    {
      g_autofree float *signal = make_signal (channels, n);

      for (guint i = 0; i < strata_effect_n_classes (); i++)
        {
          const StrataEffectClass *klass = strata_effect_class_get (i);
          g_autofree float *reference = render (klass, channels, signal, n, 4096);
          g_autofree float *again = render (klass, channels, signal, n, 4096);

          g_test_message ("%s, %u channel(s)", klass->type, channels);
          g_assert_cmpmem (reference, n * channels * sizeof (float), again,
                           n * channels * sizeof (float));
          for (guint b = 0; b < G_N_ELEMENTS (blocks); b++)
            {
              g_autofree float *out = render (klass, channels, signal, n, blocks[b]);

              g_assert_cmpmem (reference, n * channels * sizeof (float), out,
                               n * channels * sizeof (float));
            }
        }
    }
}

/* After loud input, silence in gives exact zeros out once the tail has passed, and reset
 * silences at once. */
static void
test_decays_to_zero (void)
{
  for (guint i = 0; i < strata_effect_n_classes (); i++)
    {
      const StrataEffectClass *klass = strata_effect_class_get (i);
      StrataEffect *fx = strata_effect_new (klass, RATE, 2);
      gsize loud = RATE / 4;
      g_autofree float *buf = make_signal (2, loud);
      double tail = strata_effect_tail (fx);
      gsize quiet = (gsize) ((tail + 1.0) * RATE) + strata_effect_latency (fx) + 2 * RATE;
      g_autofree float *silence = g_new0 (float, quiet * 2);
      gsize last_nonzero = 0;

      g_test_message ("%s: tail %.2f s", klass->type, tail);
      g_assert_cmpfloat (tail, >=, 0.0);
      g_assert_cmpfloat (tail, <, 60.0);
      strata_effect_process (fx, buf, loud);
      strata_effect_process (fx, silence, quiet);
      for (gsize k = 0; k < quiet * 2; k++)
        if (silence[k] != 0.0f)
          last_nonzero = k / 2;
      /* Below -90 dB after the tail is the promise; exact zeros a second later. */
      g_assert_cmpuint (last_nonzero, <, quiet - RATE);

      buf[0] = 1.0f;
      strata_effect_process (fx, buf, 1);
      strata_effect_reset (fx);
      memset (silence, 0, quiet * 2 * sizeof (float));
      strata_effect_process (fx, silence, RATE);
      for (gsize k = 0; k < (gsize) RATE * 2; k++)
        g_assert_cmpfloat (silence[k], ==, 0.0f);
      strata_effect_free (fx);
    }
}

/* A value set before the first block applies at once: no glide from the default. Setting
 * every parameter to its maximum and then to its default before the first block must give
 * the same output as a fresh instance at its defaults. */
static void
test_first_value_applies_at_once (void)
{
  const gsize n = RATE / 10;
  g_autofree float *signal = make_signal (2, n);

  for (guint i = 0; i < strata_effect_n_classes (); i++)
    {
      const StrataEffectClass *klass = strata_effect_class_get (i);
      g_autofree float *reference = render (klass, 2, signal, n, 256);
      StrataEffect *fx = strata_effect_new (klass, RATE, 2);
      g_autofree float *out = g_memdup2 (signal, n * 2 * sizeof (float));

      g_test_message ("%s", klass->type);
      for (guint p = 0; p < klass->n_params; p++)
        strata_effect_set_param (fx, p, klass->params[p].max);
      for (guint p = 0; p < klass->n_params; p++)
        strata_effect_set_param (fx, p, klass->params[p].def);
      strata_effect_process (fx, out, n);
      g_assert_cmpmem (reference, n * 2 * sizeof (float), out, n * 2 * sizeof (float));
      strata_effect_free (fx);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fx-registry/documented-types", test_documented_types);
  g_test_add_func ("/fx-registry/descriptors", test_descriptors);
  g_test_add_func ("/fx-registry/block-size-and-determinism", test_block_size_and_determinism);
  g_test_add_func ("/fx-registry/decays-to-zero", test_decays_to_zero);
  g_test_add_func ("/fx-registry/first-value-applies-at-once", test_first_value_applies_at_once);
  return g_test_run ();
}
