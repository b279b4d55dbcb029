/* test-fx-reverb.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reverbs against docs/effects.md: hall and plate RT60 (Schroeder backward integration of
 * the impulse response, the slope fitted between -5 and -35 dB, T30 doubled) within 15 % of
 * decay_s; high frequencies dying sooner than low ones under damping; predelay to the frame;
 * Freeverb's decay within what its comb feedback gives and growing with room_size; tails that
 * hold their -90 dB promise; decorrelated sides; mix 0 bit-exact dry; mix glides linearly.
 */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "strata-effect.h"
#include "strata-test-fx.h"

typedef struct
{
  const char *name;
  double value;
} Setting;

static StrataEffect *
make (const StrataEffectClass *klass, unsigned rate, unsigned channels, const Setting *settings)
{
  StrataEffect *fx = strata_effect_new (klass, rate, channels);

  g_assert_nonnull (fx);
  for (; settings != NULL && settings->name != NULL; settings++)
    {
      int index = strata_effect_param_index (klass, settings->name);

      g_assert_cmpint (index, >=, 0);
      strata_effect_set_param (fx, (unsigned) index, settings->value);
    }
  return fx;
}

/* The response to an impulse of `height` on every channel, `n` frames, interleaved. */
static float *
impulse_response_of (const StrataEffectClass *klass,
                     unsigned                 rate,
                     unsigned                 channels,
                     const Setting           *settings,
                     gsize                    n,
                     float                    height)
{
  StrataEffect *fx = make (klass, rate, channels, settings);
  float *buf = g_new0 (float, n * channels);

  for (unsigned c = 0; c < channels; c++)
    buf[c] = height;
  strata_effect_process (fx, buf, n);
  strata_effect_free (fx);
  return buf;
}

static float *
impulse_response (const StrataEffectClass *klass,
                  unsigned                 rate,
                  unsigned                 channels,
                  const Setting           *settings,
                  gsize                    n)
{
  return impulse_response_of (klass, rate, channels, settings, n, 1.0f);
}

/* One channel of an interleaved buffer, as doubles. */
static double *
channel (const float *buf, unsigned channels, unsigned c, gsize n)
{
  double *out = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    out[i] = buf[i * channels + c];
  return out;
}

/* y += a (x - y): a one-pole low-pass at `freq`; twice, for 12 dB/oct. */
static void
low_pass (double *x, gsize n, double freq, unsigned rate)
{
  double a = 1.0 - exp (-2.0 * G_PI * freq / rate);

  for (int pass = 0; pass < 2; pass++)
    {
      double y = 0.0;

      for (gsize i = 0; i < n; i++)
        x[i] = y += a * (x[i] - y);
    }
}

static void
high_pass (double *x, gsize n, double freq, unsigned rate)
{
  g_autofree double *low = g_memdup2 (x, n * sizeof *x);

  low_pass (low, n, freq, rate);
  for (gsize i = 0; i < n; i++)
    x[i] -= low[i];
}

/* RT60 by Schroeder backward integration: the energy decay curve in dB, a least-squares line
 * through its points between -5 and -35 dB, extrapolated to -60 dB (T30 doubled). */
static double
rt60 (const double *h, gsize n, unsigned rate)
{
  g_autofree double *edc = g_new (double, n);
  double sum = 0.0, st = 0.0, sl = 0.0, stt = 0.0, stl = 0.0, count = 0.0, slope;

  for (gsize i = n; i-- > 0;)
    edc[i] = sum += h[i] * h[i];
  g_assert_cmpfloat (sum, >, 0.0);
  for (gsize i = 0; i < n; i++)
    {
      double level = 10.0 * log10 (edc[i] / sum);
      double t = (double) i / rate;

      if (level > -5.0)
        continue;
      if (level < -35.0)
        break;
      st += t;
      sl += level;
      stt += t * t;
      stl += t * level;
      count += 1.0;
    }
  g_assert_cmpfloat (count, >, 100.0);
  slope = (count * stl - st * sl) / (count * stt - st * st);
  g_assert_cmpfloat (slope, <, 0.0);
  return -60.0 / slope;
}

static double
rt60_of (const float *buf, unsigned channels, unsigned c, gsize n, unsigned rate)
{
  g_autofree double *h = channel (buf, channels, c, n);

  return rt60 (h, n, rate);
}

static const StrataEffectClass *const fdn_classes[] = { &strata_fx_hall_reverb,
                                                        &strata_fx_plate_reverb };

static void
test_rt60 (void)
{
  static const struct { unsigned rate; double decay; } cases[] = {
    { 48000, 0.5 }, { 48000, 2.0 }, { 48000, 5.0 }, { 44100, 2.0 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (fdn_classes); k++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        unsigned rate = cases[i].rate;
        double decay = cases[i].decay;
        const Setting settings[] = { { "decay_s", decay }, { "damping", 20000 },
                                     { "predelay_ms", 0 }, { "mix", 1 }, { NULL, 0 } };
        gsize n = (gsize) ((1.5 * decay + 0.2) * rate);
        g_autofree float *ir = impulse_response (fdn_classes[k], rate, 2, settings, n);

        for (unsigned c = 0; c < 2; c++)
          {
            double measured = rt60_of (ir, 2, c, n, rate);

            g_test_message ("%s at %u Hz, channel %u: decay_s %.2f, RT60 %.3f s (%+.1f %%)",
                            fdn_classes[k]->type, rate, c, decay, measured,
                            100.0 * (measured / decay - 1.0));
            g_assert_cmpfloat (fabs (measured / decay - 1.0), <, 0.15);
          }
      }
}

/* Below the damping frequency the RT60 stays decay_s; well above it, it is much shorter. With
 * damping at its maximum the two bands decay alike, so the comparison can tell. */
static void
test_damping (void)
{
  const unsigned rate = 48000;
  const double decay = 2.0;
  const gsize n = (gsize) ((1.5 * decay + 0.2) * rate);

  for (guint k = 0; k < G_N_ELEMENTS (fdn_classes); k++)
    for (int damped = 0; damped < 2; damped++)
      {
        const Setting settings[] = { { "decay_s", decay }, { "damping", damped ? 2000 : 20000 },
                                     { "predelay_ms", 0 }, { "mix", 1 }, { NULL, 0 } };
        g_autofree float *ir = impulse_response (fdn_classes[k], rate, 2, settings, n);
        g_autofree double *low = channel (ir, 2, 0, n);
        g_autofree double *high = channel (ir, 2, 0, n);
        double rt_low, rt_high;

        low_pass (low, n, 300.0, rate);
        high_pass (high, n, 8000.0, rate);
        rt_low = rt60 (low, n, rate);
        rt_high = rt60 (high, n, rate);
        g_test_message ("%s, damping %d Hz: RT60 below 300 Hz %.3f s, above 8 kHz %.3f s",
                        fdn_classes[k]->type, damped ? 2000 : 20000, rt_low, rt_high);
        g_assert_cmpfloat (fabs (rt_low / decay - 1.0), <, 0.15);
        if (damped)
          g_assert_cmpfloat (rt_high, <, 0.5 * rt_low);
        else
          g_assert_cmpfloat (rt_high, >, 0.85 * rt_low);
      }
}

static gsize
first_nonzero (const float *buf, unsigned channels, gsize n)
{
  for (gsize i = 0; i < n * channels; i++)
    if (buf[i] != 0.0f)
      return i / channels;
  return n;
}

/* The predelay shifts the whole wet response by round (predelay_ms * fs / 1000) frames. */
static void
test_predelay (void)
{
  const unsigned rate = 48000;
  const gsize n = rate;
  static const double delays_ms[] = { 100.0, 37.31, 500.0 };

  for (guint k = 0; k < G_N_ELEMENTS (fdn_classes); k++)
    {
      const Setting none[] = { { "predelay_ms", 0 }, { "mix", 1 }, { NULL, 0 } };
      g_autofree float *ref = impulse_response (fdn_classes[k], rate, 2, none, n);
      gsize first_ref = first_nonzero (ref, 2, n);

      for (guint d = 0; d < G_N_ELEMENTS (delays_ms); d++)
        {
          const Setting settings[] = { { "predelay_ms", delays_ms[d] }, { "mix", 1 },
                                       { NULL, 0 } };
          g_autofree float *ir = impulse_response (fdn_classes[k], rate, 2, settings, n);
          gsize shift = (gsize) floor (delays_ms[d] * rate / 1000.0 + 0.5);
          gsize first = first_nonzero (ir, 2, n);

          g_test_message ("%s: predelay %.2f ms, first wet frame %" G_GSIZE_FORMAT
                          " (%" G_GSIZE_FORMAT " without)", fdn_classes[k]->type,
                          delays_ms[d], first, first_ref);
          g_assert_cmpuint (first, >=, shift);
          g_assert_cmpuint (first, ==, first_ref + shift);
          g_assert_cmpmem (ir + 2 * shift, (n - shift) * 2 * sizeof (float),
                           ref, (n - shift) * 2 * sizeof (float));
        }
    }
}

/* With damping 0 each comb decays by its feedback f = 0.28 room_size + 0.7 per round trip of
 * L frames: RT60 = 3 L / (fs -log10 f). The whole reverb's RT60 lies between its shortest and
 * longest comb's, and grows with room_size. */
static void
test_freeverb_decay (void)
{
  const unsigned rate = 48000;
  static const double rooms[] = { 0.3, 0.6, 0.9 };
  double previous = 0.0;

  for (guint i = 0; i < G_N_ELEMENTS (rooms); i++)
    {
      double f = 0.28 * rooms[i] + 0.7;
      double shortest = 3.0 * (1116.0 * rate / 44100.0) / (rate * -log10 (f));
      double longest = 3.0 * ((1617.0 + 23.0) * rate / 44100.0) / (rate * -log10 (f));
      const Setting settings[] = { { "room_size", rooms[i] }, { "damping", 0 }, { "mix", 1 },
                                   { NULL, 0 } };
      StrataEffect *fx = make (&strata_fx_freeverb, rate, 2, settings);
      double tail = strata_effect_tail (fx);
      gsize n = (gsize) ((tail + 1.0) * rate);
      g_autofree float *ir = impulse_response (&strata_fx_freeverb, rate, 2, settings, n);
      double total = 0.0, after = 0.0, measured[2];

      strata_effect_free (fx);
      for (gsize j = 0; j < n * 2; j++)
        {
          g_assert_true (isfinite (ir[j]));
          total += (double) ir[j] * ir[j];
          if (j >= (gsize) (tail * rate) * 2)
            after += (double) ir[j] * ir[j];
        }
      g_assert_cmpfloat (total, >, 0.0);
      g_assert_cmpfloat (after, <=, total * 1e-9);
      for (unsigned c = 0; c < 2; c++)
        {
          measured[c] = rt60_of (ir, 2, c, n, rate);
          g_test_message ("freeverb room_size %.1f, channel %u: RT60 %.3f s (combs %.3f .. "
                          "%.3f s), tail %.2f s", rooms[i], c, measured[c], shortest, longest,
                          tail);
          g_assert_cmpfloat (measured[c], >, 0.85 * shortest);
          g_assert_cmpfloat (measured[c], <, 1.15 * longest);
          g_assert_cmpfloat (measured[c], >, previous);
        }
      previous = MAX (measured[0], measured[1]);
    }
}

/* The tail is where the response falls 90 dB: the level (10 ms RMS) past it is below the
 * loudest 10 ms by at least that, and the last 10 % before it is still above -110 dB (the
 * tail is not far too long), at the defaults of each reverb. The impulse is loud so that the
 * loops' flush (-120 dBFS) stays out of the measurement. */
static void
test_tails (void)
{
  const unsigned rate = 48000;
  const gsize window = rate / 100;
  static const StrataEffectClass *const classes[] = {
    &strata_fx_freeverb, &strata_fx_hall_reverb, &strata_fx_plate_reverb,
  };

  for (guint k = 0; k < G_N_ELEMENTS (classes); k++)
    {
      const Setting settings[] = { { "mix", 1 }, { NULL, 0 } };
      StrataEffect *fx = make (classes[k], rate, 2, settings);
      double tail = strata_effect_tail (fx);
      gsize end = (gsize) (tail * rate), late = (gsize) (0.9 * tail * rate);
      gsize n = end + rate;
      g_autofree float *ir = impulse_response_of (classes[k], rate, 2, settings, n, 1e4f);
      double loudest = 0.0, before = 0.0, after = 0.0;

      strata_effect_free (fx);
      for (gsize w = 0; w + window <= n; w += window / 2)
        {
          double e = 0.0;

          for (gsize j = w * 2; j < (w + window) * 2; j++)
            e += (double) ir[j] * ir[j];
          if (w + window <= end)
            loudest = MAX (loudest, e);
          if (w >= late && w + window <= end)
            before = MAX (before, e);
          if (w >= end)
            after = MAX (after, e);
        }
      g_test_message ("%s: tail %.2f s; past it %.1f dB, in its last 10 %% %.1f dB below the "
                      "loudest", classes[k]->type, tail, 10.0 * log10 (loudest / after),
                      10.0 * log10 (loudest / before));
      g_assert_cmpfloat (after, <, loudest * 1e-9);
      g_assert_cmpfloat (before, >, loudest * 1e-11);
    }
}

/* The two sides of each reverb's response are different signals: correlation well below 1. */
static void
test_stereo_decorrelation (void)
{
  const unsigned rate = 48000;
  const gsize n = rate;
  static const StrataEffectClass *const classes[] = {
    &strata_fx_freeverb, &strata_fx_hall_reverb, &strata_fx_plate_reverb,
  };

  for (guint k = 0; k < G_N_ELEMENTS (classes); k++)
    {
      const Setting settings[] = { { "mix", 1 }, { NULL, 0 } };
      g_autofree float *ir = impulse_response (classes[k], rate, 2, settings, n);
      double ll = 0.0, rr = 0.0, lr = 0.0, rho;

      for (gsize i = 0; i < n; i++)
        {
          ll += (double) ir[2 * i] * ir[2 * i];
          rr += (double) ir[2 * i + 1] * ir[2 * i + 1];
          lr += (double) ir[2 * i] * ir[2 * i + 1];
        }
      rho = lr / sqrt (ll * rr);
      g_test_message ("%s: L/R correlation %.3f", classes[k]->type, rho);
      g_assert_cmpfloat (fabs (rho), <, 0.3);
    }
}

static float *
noise (unsigned channels, gsize n)
{
  float *buf = g_new (float, n * channels);
  guint32 seed = 777;

  for (gsize i = 0; i < n * channels; i++)
    {
      buf[i] = 2.0f * (float) fx_noise (&seed);
    }
  return buf;
}

static void
test_mix_zero_is_dry (void)
{
  const unsigned rate = 44100;
  const gsize n = rate / 2;
  static const StrataEffectClass *const classes[] = {
    &strata_fx_freeverb, &strata_fx_hall_reverb, &strata_fx_plate_reverb,
  };

  for (guint k = 0; k < G_N_ELEMENTS (classes); k++)
    for (unsigned channels = 1; channels <= 2; channels++)
      {
        const Setting settings[] = { { "mix", 0 }, { NULL, 0 } };
        StrataEffect *fx = make (classes[k], rate, channels, settings);
        g_autofree float *dry = noise (channels, n);
        g_autofree float *out = g_memdup2 (dry, n * channels * sizeof (float));

        strata_effect_process (fx, out, n);
        g_assert_cmpmem (out, n * channels * sizeof (float), dry, n * channels * sizeof (float));
        strata_effect_free (fx);
      }
}

/* A mono instance is a stereo one fed the same signal on both sides, heard on the left. */
static void
test_mono_is_left_of_stereo (void)
{
  const unsigned rate = 48000;
  const gsize n = rate / 2;
  static const StrataEffectClass *const classes[] = {
    &strata_fx_freeverb, &strata_fx_hall_reverb, &strata_fx_plate_reverb,
  };

  for (guint k = 0; k < G_N_ELEMENTS (classes); k++)
    {
      StrataEffect *mono = make (classes[k], rate, 1, NULL);
      StrataEffect *stereo = make (classes[k], rate, 2, NULL);
      g_autofree float *m = noise (1, n);
      g_autofree float *s = g_new (float, 2 * n);
      gsize differ = 0;

      for (gsize i = 0; i < n; i++)
        s[2 * i] = s[2 * i + 1] = m[i];
      strata_effect_process (mono, m, n);
      strata_effect_process (stereo, s, n);
      for (gsize i = 0; i < n; i++)
        {
          g_assert_cmpfloat (m[i], ==, s[2 * i]);
          differ += s[2 * i] != s[2 * i + 1];
        }
      g_assert_cmpuint (differ, >, n / 2);
      strata_effect_free (mono);
      strata_effect_free (stereo);
    }
}

/* A mix change while running glides linearly over STRATA_EFFECT_RAMP_MS from the next frame:
 * out = (1 - m) dry + m wet, where wet is what a fully wet instance gives. */
static void
test_mix_glides (void)
{
  const unsigned rate = 48000;
  const gsize before = 1000, n = 3000;
  const gsize ramp = (gsize) (STRATA_EFFECT_RAMP_MS * rate / 1000.0 + 0.5);
  static const StrataEffectClass *const classes[] = {
    &strata_fx_freeverb, &strata_fx_hall_reverb, &strata_fx_plate_reverb,
  };

  for (guint k = 0; k < G_N_ELEMENTS (classes); k++)
    {
      const Setting dry_settings[] = { { "mix", 0 }, { NULL, 0 } };
      const Setting wet_settings[] = { { "mix", 1 }, { NULL, 0 } };
      StrataEffect *fx = make (classes[k], rate, 2, dry_settings);
      StrataEffect *wet_fx = make (classes[k], rate, 2, wet_settings);
      g_autofree float *dry = noise (2, n);
      g_autofree float *out = g_memdup2 (dry, n * 2 * sizeof (float));
      g_autofree float *wet = g_memdup2 (dry, n * 2 * sizeof (float));

      strata_effect_process (wet_fx, wet, n);
      strata_effect_process (fx, out, before);
      strata_effect_set_param (fx, (unsigned) strata_effect_param_index (classes[k], "mix"), 1.0);
      strata_effect_process (fx, out + 2 * before, n - before);
      for (gsize i = 0; i < n; i++)
        {
          double m = i < before ? 0.0 : MIN (1.0, (double) (i - before + 1) / ramp);

          for (unsigned c = 0; c < 2; c++)
            g_assert_cmpfloat_with_epsilon (out[2 * i + c],
                                            (1.0 - m) * dry[2 * i + c] + m * wet[2 * i + c],
                                            1e-6);
        }
      strata_effect_free (fx);
      strata_effect_free (wet_fx);
    }
}

typedef struct
{
  gsize frame;
  const char *name;
  double value;
} Event;

/* Renders `signal` in blocks of `block` frames, split where an event sets a parameter. */
static float *
render_automated (const StrataEffectClass *klass,
                  const float             *signal,
                  gsize                    n,
                  gsize                    block,
                  const Event             *events,
                  guint                    n_events)
{
  StrataEffect *fx = make (klass, 48000, 2, NULL);
  float *out = g_memdup2 (signal, n * 2 * sizeof (float));
  guint next = 0;

  for (gsize done = 0; done < n;)
    {
      gsize len = MIN (block, n - done);

      for (; next < n_events && events[next].frame == done; next++)
        strata_effect_set_param (fx,
                                 (unsigned) strata_effect_param_index (klass, events[next].name),
                                 events[next].value);
      if (next < n_events)
        len = MIN (len, events[next].frame - done);
      strata_effect_process (fx, out + 2 * done, len);
      done += len;
    }
  strata_effect_free (fx);
  return out;
}

/* Changes while running (decay and damping recompute the loops every 16 frames, predelay and
 * mix glide every frame) give the same output whatever the block size. */
static void
test_automation_block_size (void)
{
  static const Event hall_events[] = {
    { 3001, "decay_s", 5.0 }, { 3001, "damping", 1000.0 }, { 3001, "predelay_ms", 123.4 },
    { 3001, "mix", 0.6 }, { 7777, "decay_s", 0.3 }, { 7777, "predelay_ms", 0.0 },
    { 7780, "damping", 20000.0 },
  };
  static const Event freeverb_events[] = {
    { 3001, "room_size", 1.0 }, { 3001, "damping", 0.0 }, { 3001, "width", 0.2 },
    { 3001, "mix", 0.6 }, { 7777, "room_size", 0.1 }, { 7780, "damping", 1.0 },
  };
  static const gsize blocks[] = { 1, 17, 256, 4096 };
  static const StrataEffectClass *const classes[] = {
    &strata_fx_freeverb, &strata_fx_hall_reverb, &strata_fx_plate_reverb,
  };
  const gsize n = 24000;
  g_autofree float *signal = noise (2, n);

  for (guint k = 0; k < G_N_ELEMENTS (classes); k++)
    {
      const Event *events = k == 0 ? freeverb_events : hall_events;
      guint n_events = k == 0 ? G_N_ELEMENTS (freeverb_events) : G_N_ELEMENTS (hall_events);
      g_autofree float *reference = render_automated (classes[k], signal, n, 4096, events,
                                                      n_events);

      for (guint b = 0; b < G_N_ELEMENTS (blocks); b++)
        {
          g_autofree float *out = render_automated (classes[k], signal, n, blocks[b], events,
                                                    n_events);

          g_assert_cmpmem (out, n * 2 * sizeof (float), reference, n * 2 * sizeof (float));
        }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fx-reverb/rt60", test_rt60);
  g_test_add_func ("/fx-reverb/damping", test_damping);
  g_test_add_func ("/fx-reverb/predelay", test_predelay);
  g_test_add_func ("/fx-reverb/freeverb-decay", test_freeverb_decay);
  g_test_add_func ("/fx-reverb/tails", test_tails);
  g_test_add_func ("/fx-reverb/stereo-decorrelation", test_stereo_decorrelation);
  g_test_add_func ("/fx-reverb/mix-zero-is-dry", test_mix_zero_is_dry);
  g_test_add_func ("/fx-reverb/mono-is-left-of-stereo", test_mono_is_left_of_stereo);
  g_test_add_func ("/fx-reverb/mix-glides", test_mix_glides);
  g_test_add_func ("/fx-reverb/automation-block-size", test_automation_block_size);
  return g_test_run ();
}
