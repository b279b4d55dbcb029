/* test-fx-filters.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The biquad effects (eq, low_shelf, high_shelf, filter) against the RBJ Audio EQ Cookbook:
 * the magnitude response of each, measured as the DTFT of its impulse response at 30
 * log-spaced frequencies from 20 Hz to 0.45 fs, equals |H(e^jw)| of the cookbook's biquad,
 * computed here from the cookbook's own formulas, within 0.1 dB at 44.1, 48 and 96 kHz.
 * Then what the interface asks of glides, type changes, silence and reset.
 */
#include <complex.h>
#include <math.h>
#include <string.h>
#include <glib.h>

#include "strata-effect.h"

#define N_FREQS     30
#define TOLERANCE   0.1      /* dB */
#define FLOOR_DB    -80.0    /* below this (a notch's bottom) only "deep" is asserted */

static const unsigned rates[] = { 44100, 48000, 96000 };
static double worst_error;   /* dB, over every comparison above the floor, for the log */

/* The cookbook's filter types, named as the cookbook names them. */
typedef enum
{
  LPF,
  HPF,
  BPF_0DB,
  NOTCH,
  PEAKING_EQ,
  LOW_SHELF,
  HIGH_SHELF,
} CookbookType;

typedef struct
{
  double b0, b1, b2, a0, a1, a2;
} Biquad;

/* Straight from the Audio EQ Cookbook, Q for every type (shelves: alpha = sin(w0)/(2Q)). */
static Biquad
cookbook (CookbookType type, double fs, double f0, double db_gain, double q)
{
  double A = pow (10.0, db_gain / 40.0);
  double w0 = 2.0 * G_PI * f0 / fs;
  double cosw0 = cos (w0);
  double alpha = sin (w0) / (2.0 * q);
  double two_sqrt_a_alpha = 2.0 * sqrt (A) * alpha;

  switch (type)
    {
    case LPF:
      return (Biquad) { (1 - cosw0) / 2, 1 - cosw0, (1 - cosw0) / 2,
                        1 + alpha, -2 * cosw0, 1 - alpha };
    case HPF:
      return (Biquad) { (1 + cosw0) / 2, -(1 + cosw0), (1 + cosw0) / 2,
                        1 + alpha, -2 * cosw0, 1 - alpha };
    case BPF_0DB:
      return (Biquad) { alpha, 0, -alpha, 1 + alpha, -2 * cosw0, 1 - alpha };
    case NOTCH:
      return (Biquad) { 1, -2 * cosw0, 1, 1 + alpha, -2 * cosw0, 1 - alpha };
    case PEAKING_EQ:
      return (Biquad) { 1 + alpha * A, -2 * cosw0, 1 - alpha * A,
                        1 + alpha / A, -2 * cosw0, 1 - alpha / A };
    case LOW_SHELF:
      return (Biquad) { A * ((A + 1) - (A - 1) * cosw0 + two_sqrt_a_alpha),
                        2 * A * ((A - 1) - (A + 1) * cosw0),
                        A * ((A + 1) - (A - 1) * cosw0 - two_sqrt_a_alpha),
                        (A + 1) + (A - 1) * cosw0 + two_sqrt_a_alpha,
                        -2 * ((A - 1) + (A + 1) * cosw0),
                        (A + 1) + (A - 1) * cosw0 - two_sqrt_a_alpha };
    case HIGH_SHELF:
    default:
      return (Biquad) { A * ((A + 1) + (A - 1) * cosw0 + two_sqrt_a_alpha),
                        -2 * A * ((A - 1) + (A + 1) * cosw0),
                        A * ((A + 1) + (A - 1) * cosw0 - two_sqrt_a_alpha),
                        (A + 1) - (A - 1) * cosw0 + two_sqrt_a_alpha,
                        2 * ((A - 1) - (A + 1) * cosw0),
                        (A + 1) - (A - 1) * cosw0 - two_sqrt_a_alpha };
    }
}

/* 20 log10 |H(e^jw)| at f. */
static double
biquad_db (const Biquad *h, double fs, double f)
{
  double complex z1 = cexp (-I * 2.0 * G_PI * f / fs);
  double complex z2 = z1 * z1;
  double complex num = h->b0 + h->b1 * z1 + h->b2 * z2;
  double complex den = h->a0 + h->a1 * z1 + h->a2 * z2;

  return 20.0 * log10 (cabs (num) / cabs (den));
}

/* 20 log10 |DTFT of ir| at f. */
static double
measured_db (const float *ir, gsize n, double fs, double f)
{
  double w = 2.0 * G_PI * f / fs, re = 0, im = 0;

  for (gsize k = 0; k < n; k++)
    {
      re += ir[k] * cos (w * k);
      im -= ir[k] * sin (w * k);
    }
  return 10.0 * log10 (re * re + im * im);
}

static double
test_freq (guint i, double fs)
{
  return 20.0 * pow (0.45 * fs / 20.0, (double) i / (N_FREQS - 1));
}

static StrataEffect *
new_effect (const char *type, unsigned rate, unsigned channels)
{
  const StrataEffectClass *klass = strata_effect_class_find (type);
  StrataEffect *fx;

  g_assert_nonnull (klass);
  fx = strata_effect_new (klass, rate, channels);
  g_assert_nonnull (fx);
  return fx;
}

static void
set (StrataEffect *fx, const char *name, double value)
{
  int index = strata_effect_param_index (fx->klass, name);

  g_assert_cmpint (index, >=, 0);
  strata_effect_set_param (fx, (unsigned) index, value);
}

static void
set_choice (StrataEffect *fx, const char *name, const char *choice)
{
  int index = strata_effect_param_index (fx->klass, name);

  g_assert_cmpint (index, >=, 0);
  strata_effect_set_param (fx, (unsigned) index,
                           strata_effect_choice_index (&fx->klass->params[index], choice));
}

/* Half a second of impulse response, mono. */
static float *
impulse_response (StrataEffect *fx, unsigned rate, gsize *n)
{
  float *ir;

  *n = rate / 2;
  ir = g_new0 (float, *n);
  ir[0] = 1.0f;
  strata_effect_process (fx, ir, *n);
  return ir;
}

/* Compares the effect's response with the sum in dB of the expected biquads. */
static void
assert_response (StrataEffect *fx, unsigned rate, const Biquad *expected, guint n_expected)
{
  gsize n;
  g_autofree float *ir = impulse_response (fx, rate, &n);

  for (guint i = 0; i < N_FREQS; i++)
    {
      double f = test_freq (i, rate);
      double want = 0.0, got = measured_db (ir, n, rate, f);

      for (guint k = 0; k < n_expected; k++)
        want += biquad_db (&expected[k], rate, f);
      if (want < FLOOR_DB)
        g_assert_cmpfloat (got, <, FLOOR_DB + 10.0);
      else
        worst_error = fmax (worst_error, fabs (got - want));
      if (want >= FLOOR_DB && fabs (got - want) > TOLERANCE)
        g_error ("%s at %u Hz: %.2f Hz measures %.4f dB, the cookbook says %.4f dB",
                 fx->klass->type, rate, f, got, want);
    }
}

/* The reference itself keeps the cookbook's landmarks, so a slip in it cannot pass unseen. */
static void
test_reference (void)
{
  Biquad h;

  h = cookbook (PEAKING_EQ, 48000, 1000, 12, 2);
  g_assert_cmpfloat_with_epsilon (biquad_db (&h, 48000, 1000), 12.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (biquad_db (&h, 48000, 1e-6), 0.0, 1e-6);
  h = cookbook (LOW_SHELF, 48000, 100, -6, 0.707);
  g_assert_cmpfloat_with_epsilon (biquad_db (&h, 48000, 1e-6), -6.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (biquad_db (&h, 48000, 24000), 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (biquad_db (&h, 48000, 100), -3.0, 0.05);
  h = cookbook (HIGH_SHELF, 48000, 8000, 6, 0.707);
  g_assert_cmpfloat_with_epsilon (biquad_db (&h, 48000, 24000), 6.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (biquad_db (&h, 48000, 1e-6), 0.0, 1e-6);
  h = cookbook (LPF, 48000, 1000, 0, 5);
  g_assert_cmpfloat_with_epsilon (biquad_db (&h, 48000, 1000), 20.0 * log10 (5), 1e-9);
  g_assert_cmpfloat_with_epsilon (biquad_db (&h, 48000, 1e-6), 0.0, 1e-6);
  h = cookbook (HPF, 48000, 1000, 0, 0.707);
  g_assert_cmpfloat_with_epsilon (biquad_db (&h, 48000, 1000), 20.0 * log10 (0.707), 1e-9);
  g_assert_cmpfloat_with_epsilon (biquad_db (&h, 48000, 24000), 0.0, 1e-6);
  h = cookbook (BPF_0DB, 48000, 1000, 0, 3);
  g_assert_cmpfloat_with_epsilon (biquad_db (&h, 48000, 1000), 0.0, 1e-9);
  h = cookbook (NOTCH, 48000, 1000, 0, 1);
  g_assert_cmpfloat (biquad_db (&h, 48000, 1000), <, -200.0);
}

typedef struct
{
  const char  *eq_type;     /* the eq band's choice */
  const char  *standalone;  /* the effect that does the same alone, or NULL */
  const char  *mode;        /* its `mode`, for the filter */
  CookbookType cookbook;
  double       freq, gain_db, q;
} Setting;

static const Setting settings[] = {
  { "peak", NULL, NULL, PEAKING_EQ, 1000, 12, 2 },
  { "peak", NULL, NULL, PEAKING_EQ, 100, -18, 0.5 },
  { "peak", NULL, NULL, PEAKING_EQ, 8000, 6, 8 },
  { "low_shelf", "low_shelf", NULL, LOW_SHELF, 100, -6, 0.707 },
  { "low_shelf", "low_shelf", NULL, LOW_SHELF, 500, 9, 1.5 },
  { "high_shelf", "high_shelf", NULL, HIGH_SHELF, 8000, 6, 0.707 },
  { "high_shelf", "high_shelf", NULL, HIGH_SHELF, 3000, -12, 0.4 },
  { "low_cut", "filter", "high_pass", HPF, 1000, 12, 0.707 },
  { "low_cut", "filter", "high_pass", HPF, 80, -6, 5 },
  { "high_cut", "filter", "low_pass", LPF, 1000, 12, 0.707 },
  { "high_cut", "filter", "low_pass", LPF, 5000, 0, 5 },
  { "notch", "filter", "notch", NOTCH, 1000, 12, 1 },
  { "notch", "filter", "notch", NOTCH, 250, 0, 4 },
  { NULL, "filter", "band_pass", BPF_0DB, 1000, 0, 0.707 },
  { NULL, "filter", "band_pass", BPF_0DB, 200, 0, 10 },
};

/* Each setting in an eq band (the bands in turn; gains given to cuts and notches must be
 * ignored) and in the standalone effect of that type. */
static void
test_cookbook_response (void)
{
  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    for (guint s = 0; s < G_N_ELEMENTS (settings); s++)
      {
        const Setting *st = &settings[s];
        double gain = st->cookbook == PEAKING_EQ || st->cookbook == LOW_SHELF
                      || st->cookbook == HIGH_SHELF ? st->gain_db : 0.0;
        Biquad h = cookbook (st->cookbook, rates[r], st->freq, gain, st->q);

        g_test_message ("%u Hz: %s / %s %s %.0f Hz %+.0f dB q %.3f", rates[r],
                        st->eq_type ? st->eq_type : "-", st->standalone ? st->standalone : "-",
                        st->mode ? st->mode : "", st->freq, st->gain_db, st->q);
        if (st->eq_type != NULL)
          {
            StrataEffect *fx = new_effect ("eq", rates[r], 1);
            guint band = 1 + s % 6;
            char name[16];

            g_snprintf (name, sizeof name, "b%u_type", band);
            set_choice (fx, name, st->eq_type);
            g_snprintf (name, sizeof name, "b%u_freq", band);
            set (fx, name, st->freq);
            g_snprintf (name, sizeof name, "b%u_gain_db", band);
            set (fx, name, st->gain_db);
            g_snprintf (name, sizeof name, "b%u_q", band);
            set (fx, name, st->q);
            assert_response (fx, rates[r], &h, 1);
            strata_effect_free (fx);
          }
        if (st->standalone != NULL)
          {
            StrataEffect *fx = new_effect (st->standalone, rates[r], 1);

            if (st->mode != NULL)
              set_choice (fx, "mode", st->mode);
            else
              set (fx, "gain_db", st->gain_db);
            set (fx, "freq", st->freq);
            set (fx, "q", st->q);
            assert_response (fx, rates[r], &h, 1);
            strata_effect_free (fx);
          }
      }
  g_test_message ("largest deviation from the cookbook: %.2e dB", worst_error);
}

/* The defaults of the standalone effects are the cookbook's too. */
static void
test_defaults (void)
{
  StrataEffect *fx = new_effect ("filter", 48000, 1);
  Biquad h = cookbook (LPF, 48000, 1000, 0, 0.707);

  assert_response (fx, 48000, &h, 1);
  strata_effect_free (fx);
  fx = new_effect ("low_shelf", 48000, 1);
  set (fx, "gain_db", 10);
  h = cookbook (LOW_SHELF, 48000, 100, 10, 0.707);
  assert_response (fx, 48000, &h, 1);
  strata_effect_free (fx);
  fx = new_effect ("high_shelf", 48000, 1);
  set (fx, "gain_db", -10);
  h = cookbook (HIGH_SHELF, 48000, 8000, -10, 0.707);
  assert_response (fx, 48000, &h, 1);
  strata_effect_free (fx);
}

/* Six bands at once: the responses multiply (their dB add). */
static void
test_bands_multiply (void)
{
  static const struct { const char *type; CookbookType cb; double f, g, q; } bands[] = {
    { "low_cut", HPF, 30, 0, 0.707 },
    { "low_shelf", LOW_SHELF, 120, -4, 0.707 },
    { "peak", PEAKING_EQ, 1000, 6, 1 },
    { "notch", NOTCH, 3000, 0, 8 },
    { "high_shelf", HIGH_SHELF, 10000, 3, 0.9 },
    { "high_cut", LPF, 18000, 0, 0.707 },
  };

  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    {
      StrataEffect *fx = new_effect ("eq", rates[r], 1);
      Biquad h[G_N_ELEMENTS (bands)];

      for (guint b = 0; b < G_N_ELEMENTS (bands); b++)
        {
          char name[16];

          g_snprintf (name, sizeof name, "b%u_type", b + 1);
          set_choice (fx, name, bands[b].type);
          g_snprintf (name, sizeof name, "b%u_freq", b + 1);
          set (fx, name, bands[b].f);
          g_snprintf (name, sizeof name, "b%u_gain_db", b + 1);
          set (fx, name, bands[b].g);
          g_snprintf (name, sizeof name, "b%u_q", b + 1);
          set (fx, name, bands[b].q);
          h[b] = cookbook (bands[b].cb, rates[r], bands[b].f, bands[b].g, bands[b].q);
        }
      assert_response (fx, rates[r], h, G_N_ELEMENTS (h));
      strata_effect_free (fx);
    }
}

/* Above 0.49 fs the frequency is 0.49 fs. */
static void
test_frequency_clamp (void)
{
  StrataEffect *fx = new_effect ("filter", 32000, 1);
  Biquad h = cookbook (LPF, 32000, 0.49 * 32000, 0, 2);

  set (fx, "freq", 20000);
  set (fx, "q", 2);
  assert_response (fx, 32000, &h, 1);
  strata_effect_free (fx);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fx-filters/reference", test_reference);
  g_test_add_func ("/fx-filters/cookbook-response", test_cookbook_response);
  g_test_add_func ("/fx-filters/defaults", test_defaults);
  g_test_add_func ("/fx-filters/bands-multiply", test_bands_multiply);
  g_test_add_func ("/fx-filters/frequency-clamp", test_frequency_clamp);
  return g_test_run ();
}
