/* test-fx-color.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Saturation, distortion and waveshaper against docs/effects.md: levels, harmonics and THD are
 * measured with a DFT at the exact bins of the test tones (whole cycles in the window), and
 * the curves and the tone filter are compared with their formulas written out here.
 */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "strata-effect.h"
#include "strata-test-fx.h"

#define RATE 48000

/* Mono sine (sum of up to two), `n` frames. */
static float *
sines (double a1, double f1, double a2, double f2, guint rate, gsize n)
{
  float *buf = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    buf[i] = (float) (a1 * sin (2 * G_PI * f1 * i / rate) + a2 * sin (2 * G_PI * f2 * i / rate));
  return buf;
}

/* Amplitude of the component at `freq` (whole cycles in the n frames). */
static double
dft_amplitude (const float *x, gsize n, double freq, guint rate)
{
  double re = 0.0, im = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      double phase = 2 * G_PI * fmod (freq * i, rate) / rate;

      re += x[i] * cos (phase);
      im -= x[i] * sin (phase);
    }
  return 2.0 * hypot (re, im) / n;
}

static double
peak (const float *x, gsize n)
{
  double p = 0.0;

  for (gsize i = 0; i < n; i++)
    p = MAX (p, fabs (x[i]));
  return p;
}

static double
db (double ratio)
{
  return 20.0 * log10 (ratio);
}

/* A -30 dBFS sine keeps its peak level within 0.5 dB at any drive, while a loud one is
 * squashed (so that the compensation is not simply a bypass). */
static void
test_saturation_level (void)
{
  const gsize n = RATE / 2;
  static const double drives[] = { 0, 6, 12, 18, 24, 30, 36 };

  for (guint d = 0; d < G_N_ELEMENTS (drives); d++)
    {
      for (guint loud = 0; loud <= 1; loud++)
        {
          StrataEffect *fx = fx_new ("saturation", RATE, 1);
          double level = loud ? -6.0 : -30.0;
          g_autofree float *buf = sines (pow (10, level / 20), 997, 0, 0, RATE, n);
          double in = peak (buf, n), out;

          fx_set (fx, "drive_db", drives[d]);
          strata_effect_process (fx, buf, n);
          out = peak (buf, n);
          g_test_message ("drive %2.0f dB, %3.0f dBFS in: %+.3f dB", drives[d], level,
                          db (out / in));
          if (!loud)
            g_assert_cmpfloat (fabs (db (out / in)), <, 0.5);
          else if (drives[d] >= 12)
            g_assert_cmpfloat (db (out / in), <, -6.0);
          strata_effect_free (fx);
        }
    }
}

/* tanh is odd: the 3rd harmonic is strong and the 2nd absent. */
static void
test_saturation_odd_harmonics (void)
{
  StrataEffect *fx = fx_new ("saturation", RATE, 1);
  g_autofree float *buf = sines (0.1, 1000, 0, 0, RATE, RATE);
  double h1, h2, h3;

  fx_set (fx, "drive_db", 24);
  strata_effect_process (fx, buf, RATE);
  h1 = dft_amplitude (buf, RATE, 1000, RATE);
  h2 = dft_amplitude (buf, RATE, 2000, RATE);
  h3 = dft_amplitude (buf, RATE, 3000, RATE);
  g_test_message ("2nd %.1f dB, 3rd %.1f dB re the fundamental", db (h2 / h1), db (h3 / h1));
  g_assert_cmpfloat (db (h3 / h1), >, -30.0);
  g_assert_cmpfloat (db (h2 / h3), <, -80.0);
  strata_effect_free (fx);
}

/* THD (harmonics 2.. below Nyquist, from DFT bins) of a -6 dBFS sine rises with every step of
 * drive, from clean (the sine is within the linear part) to near square. */
static void
test_distortion_thd_rises (void)
{
  const double f = 997;
  double last = -1.0;

  for (double drive = 0; drive <= 48; drive += 6)
    {
      StrataEffect *fx = fx_new ("distortion", RATE, 1);
      g_autofree float *buf = sines (0.5, f, 0, 0, RATE, RATE);
      double h1, sum = 0.0, thd;

      fx_set (fx, "drive_db", drive);
      fx_set (fx, "tone", 20000);
      fx_set (fx, "output_db", 0);
      strata_effect_process (fx, buf, RATE);
      h1 = dft_amplitude (buf, RATE, f, RATE);
      for (guint k = 2; k * f < RATE / 2; k++)
        sum += pow (dft_amplitude (buf, RATE, k * f, RATE), 2);
      thd = sqrt (sum) / h1;
      g_test_message ("drive %2.0f dB: THD %.4f %%", drive, 100 * thd);
      if (drive == 0)
        g_assert_cmpfloat (thd, <, 1e-4);
      g_assert_cmpfloat (thd, >, last);
      last = thd;
      strata_effect_free (fx);
    }
  g_assert_cmpfloat (last, >, 0.3);
}

/* In its linear range (drive 0 dB, peaks under 0.8) the distortion is the tone low-pass and
 * the output gain: the bilinear one-pole, |H|^2 = 1 / (1 + (tan (pi f / fs) / tan (pi fc /
 * fs))^2). A 12 kHz component against a 200 Hz one, and the 200 Hz level itself. */
static void
test_distortion_tone (void)
{
  static const guint rates[] = { 44100, 48000, 96000 };
  static const double tones[] = { 1000, 4000, 8000 };

  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    for (guint t = 0; t < G_N_ELEMENTS (tones); t++)
      {
        guint rate = rates[r];
        gsize settle = rate / 10;
        StrataEffect *fx = fx_new ("distortion", rate, 1);
        g_autofree float *buf = sines (0.1, 200, 0.1, 12000, rate, settle + rate);
        double w = tan (G_PI * tones[t] / rate);
        double h_lo = 1 / sqrt (1 + pow (tan (G_PI * 200 / rate) / w, 2));
        double h_hi = 1 / sqrt (1 + pow (tan (G_PI * 12000 / rate) / w, 2));
        double lo, hi;

        fx_set (fx, "drive_db", 0);
        fx_set (fx, "tone", tones[t]);
        fx_set (fx, "output_db", -6);
        strata_effect_process (fx, buf, settle + rate);
        lo = dft_amplitude (buf + settle, rate, 200, rate);
        hi = dft_amplitude (buf + settle, rate, 12000, rate);
        g_test_message ("%u Hz, tone %.0f: 12 kHz re 200 Hz %.3f dB, expected %.3f dB", rate,
                        tones[t], db (hi / lo), db (h_hi / h_lo));
        g_assert_cmpfloat (fabs (db (hi / lo) - db (h_hi / h_lo)), <, 0.02);
        g_assert_cmpfloat (fabs (db (lo) - db (0.1 * h_lo) + 6.0), <, 0.02);
        strata_effect_free (fx);
      }
}

/* The documented curves, written independently of the effect's code. */
static double
curve (const char *name, double u)
{
  if (strcmp (name, "tanh") == 0)
    return tanh (u);
  if (strcmp (name, "atan") == 0)
    return 2.0 / G_PI * atan (u);
  if (strcmp (name, "cubic") == 0)
    return fabs (u) <= 1.0 ? 1.5 * u - 0.5 * u * u * u : (u > 0 ? 1.0 : -1.0);
  if (strcmp (name, "hard_clip") == 0)
    return CLAMP (u, -1.0, 1.0);
  g_assert_cmpstr (name, ==, "fold");
  while (u > 1.0 || u < -1.0)
    u = u > 1.0 ? 2.0 - u : -2.0 - u;
  return u;
}

/* A slow ramp from -2 to 2 through each curve at drive 0 and +6 dB equals the formula. */
static void
test_waveshaper_curves (void)
{
  static const char *const names[] = { "tanh", "atan", "cubic", "hard_clip", "fold" };
  static const double drives[] = { 0, 6 };
  const gsize n = RATE;

  for (guint c = 0; c < G_N_ELEMENTS (names); c++)
    for (guint d = 0; d < G_N_ELEMENTS (drives); d++)
      {
        StrataEffect *fx = fx_new ("waveshaper", RATE, 1);
        g_autofree float *buf = g_new (float, n);
        g_autofree float *in = NULL;
        double g = pow (10, drives[d] / 20), worst = 0.0;

        for (gsize i = 0; i < n; i++)
          buf[i] = (float) (-2.0 + 4.0 * i / (n - 1));
        in = g_memdup2 (buf, n * sizeof (float));
        fx_set_choice (fx, "curve", names[c]);
        fx_set (fx, "drive_db", drives[d]);
        strata_effect_process (fx, buf, n);
        for (gsize i = 0; i < n; i++)
          worst = MAX (worst, fabs (buf[i] - curve (names[c], g * in[i])));
        g_test_message ("%s at %+.0f dB: worst error %.2g", names[c], drives[d], worst);
        g_assert_cmpfloat (worst, <, 1e-5);
        strata_effect_free (fx);
      }
}

/* mix 0 gives the input bit-exactly, whatever the drive; mix 0.5 is the halfway crossfade. */
static void
test_mix (void)
{
  static const char *const types[] = { "saturation", "distortion", "waveshaper" };
  const gsize n = RATE / 10;

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    for (guint channels = 1; channels <= 2; channels++)
      {
        StrataEffect *fx = fx_new (types[t], RATE, channels);
        g_autofree float *buf = g_new (float, n * channels);
        g_autofree float *in = NULL;
        guint32 seed = 1;

        for (gsize i = 0; i < n * channels; i++)
          {
            buf[i] = 3.0f * (float) fx_noise (&seed);
          }
        in = g_memdup2 (buf, n * channels * sizeof (float));
        fx_set (fx, "drive_db", fx->klass->params[strata_effect_param_index (fx->klass,
                                                                         "drive_db")].max);
        fx_set (fx, "mix", 0);
        strata_effect_process (fx, buf, n);
        g_assert_cmpmem (buf, n * channels * sizeof (float), in, n * channels * sizeof (float));
        strata_effect_free (fx);
      }

  {
    StrataEffect *fx = fx_new ("waveshaper", RATE, 1);
    g_autofree float *buf = sines (1.5, 50, 0, 0, RATE, n);
    g_autofree float *in = g_memdup2 (buf, n * sizeof (float));

    fx_set_choice (fx, "curve", "cubic");
    fx_set (fx, "mix", 0.5);
    strata_effect_process (fx, buf, n);
    for (gsize i = 0; i < n; i++)
      g_assert_cmpfloat_with_epsilon (buf[i], 0.5 * in[i] + 0.5 * curve ("cubic", in[i]), 1e-6);
    strata_effect_free (fx);
  }
}

/* A change after the first block glides linearly over STRATA_EFFECT_RAMP_MS: a constant 2.0
 * through hard_clip is 1.0 wet, so mix 1 -> 0 moves the output from 1 to 2 in equal steps. */
static void
test_glide (void)
{
  StrataEffect *fx = fx_new ("waveshaper", RATE, 1);
  gsize ramp = (gsize) lround (STRATA_EFFECT_RAMP_MS * RATE / 1000);
  gsize n = 2 * ramp;
  g_autofree float *buf = g_new (float, n);

  fx_set_choice (fx, "curve", "hard_clip");
  for (gsize i = 0; i < n; i++)
    buf[i] = 2.0f;
  strata_effect_process (fx, buf, 1);
  g_assert_cmpfloat (buf[0], ==, 1.0f);
  for (gsize i = 0; i < n; i++)
    buf[i] = 2.0f;
  fx_set (fx, "mix", 0);
  strata_effect_process (fx, buf, n);
  for (gsize i = 0; i < ramp; i++)
    g_assert_cmpfloat_with_epsilon (buf[i], 1.0 + (double) (i + 1) / ramp, 1e-6);
  for (gsize i = ramp; i < n; i++)
    g_assert_cmpfloat (buf[i], ==, 2.0f);
  strata_effect_free (fx);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fx-color/saturation-level", test_saturation_level);
  g_test_add_func ("/fx-color/saturation-odd-harmonics", test_saturation_odd_harmonics);
  g_test_add_func ("/fx-color/distortion-thd-rises", test_distortion_thd_rises);
  g_test_add_func ("/fx-color/distortion-tone", test_distortion_tone);
  g_test_add_func ("/fx-color/waveshaper-curves", test_waveshaper_curves);
  g_test_add_func ("/fx-color/mix", test_mix);
  g_test_add_func ("/fx-color/glide", test_glide);
  return g_test_run ();
}
