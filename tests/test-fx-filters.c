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
#include "strata-test-fx.h"

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

static void
set_band (StrataEffect *fx, guint band, const char *type, double freq, double gain_db, double q)
{
  char name[16];

  g_snprintf (name, sizeof name, "b%u_type", band);
  fx_set_choice (fx, name, type);
  g_snprintf (name, sizeof name, "b%u_freq", band);
  fx_set (fx, name, freq);
  g_snprintf (name, sizeof name, "b%u_gain_db", band);
  fx_set (fx, name, gain_db);
  g_snprintf (name, sizeof name, "b%u_q", band);
  fx_set (fx, name, q);
}

/* The setting in band `band` of an eq, or in its standalone effect when `band` is 0. */
static StrataEffect *
new_setting (const Setting *st, unsigned rate, guint channels, guint band)
{
  StrataEffect *fx;

  if (band > 0)
    {
      fx = fx_new ("eq", rate, channels);
      set_band (fx, band, st->eq_type, st->freq, st->gain_db, st->q);
      return fx;
    }
  fx = fx_new (st->standalone, rate, channels);
  if (st->mode != NULL)
    fx_set_choice (fx, "mode", st->mode);
  else
    fx_set (fx, "gain_db", st->gain_db);
  fx_set (fx, "freq", st->freq);
  fx_set (fx, "q", st->q);
  return fx;
}

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
        for (guint i = 0; i < 2; i++)
          if (i == 0 ? st->eq_type != NULL : st->standalone != NULL)
            {
              StrataEffect *fx = new_setting (st, rates[r], 1, i == 0 ? 1 + s % 6 : 0);

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
  StrataEffect *fx = fx_new ("filter", 48000, 1);
  Biquad h = cookbook (LPF, 48000, 1000, 0, 0.707);

  assert_response (fx, 48000, &h, 1);
  strata_effect_free (fx);
  fx = fx_new ("low_shelf", 48000, 1);
  fx_set (fx, "gain_db", 10);
  h = cookbook (LOW_SHELF, 48000, 100, 10, 0.707);
  assert_response (fx, 48000, &h, 1);
  strata_effect_free (fx);
  fx = fx_new ("high_shelf", 48000, 1);
  fx_set (fx, "gain_db", -10);
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
      StrataEffect *fx = fx_new ("eq", rates[r], 1);
      Biquad h[G_N_ELEMENTS (bands)];

      for (guint b = 0; b < G_N_ELEMENTS (bands); b++)
        {
          set_band (fx, b + 1, bands[b].type, bands[b].f, bands[b].g, bands[b].q);
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
  StrataEffect *fx = fx_new ("filter", 32000, 1);
  Biquad h = cookbook (LPF, 32000, 0.49 * 32000, 0, 2);

  fx_set (fx, "freq", 20000);
  fx_set (fx, "q", 2);
  assert_response (fx, 32000, &h, 1);
  strata_effect_free (fx);
}

/* Noise over a sine at 48 kHz, `channels` interleaved, each channel different. */
static float *
make_signal (guint channels, gsize n)
{
  return fx_signal (48000, channels, n, 777, 330.0f, 220.0f);
}

/* A low shelf on DC has the DC gain 10^(gain/20) of the cookbook. Gliding from 0 to +12 dB,
 * set mid-block: over any 16 frames the output moves no more than the dB-linear glide does
 * (plus half again), where a jump would move 0.3 at once; it is half-way in dB half-way
 * through, short of the target before STRATA_EFFECT_RAMP_MS and at it just after. */
static void
test_gain_glide (void)
{
  const unsigned rate = 48000;
  const gsize n = rate / 4, at = 10007;
  const gsize ramp = (gsize) (STRATA_EFFECT_RAMP_MS * rate / 1000.0);
  const double level = 0.1, target = level * pow (10.0, 12.0 / 20.0);
  /* The largest 16-frame change of level * 10^(g(t)/20) with g rising 12 dB per ramp. */
  const double bound = 1.5 * target * (pow (10.0, 16.0 * 12.0 / ramp / 20.0) - 1.0);
  StrataEffect *fx = fx_new ("low_shelf", rate, 1);
  g_autofree float *y = g_new (float, n);
  double worst = 0.0;

  for (gsize i = 0; i < n; i++)
    y[i] = (float) level;
  fx_set (fx, "freq", 1000);
  strata_effect_process (fx, y, at);
  fx_set (fx, "gain_db", 12);
  strata_effect_process (fx, y + at, n - at);

  for (gsize i = 0; i < at; i++)
    g_assert_cmpfloat_with_epsilon (y[i], level, 1e-6);
  for (gsize i = 0; i + 16 < n; i++)
    worst = fmax (worst, fabs (y[i + 16] - y[i]));
  g_test_message ("largest 16-frame change %.4f, bound %.4f, a jump %.4f", worst, bound,
                  target - level);
  g_assert_cmpfloat (worst, <=, bound);
  g_assert_cmpfloat (20 * log10 (y[at + ramp / 2] / level), >, 5.0);
  g_assert_cmpfloat (20 * log10 (y[at + ramp / 2] / level), <, 7.0);
  g_assert_cmpfloat (20 * log10 (y[at + ramp - 48] / level), <, 11.7);
  g_assert_cmpfloat_with_epsilon (20 * log10 (y[at + ramp + 16 + 100] / level), 12.0, 0.02);
  g_assert_cmpfloat_with_epsilon (y[n - 1], target, 1e-5);
  strata_effect_free (fx);
}

/* The cookbook biquad's impulse response, by direct form I. */
static void
biquad_impulse (const Biquad *h, double *y, guint n)
{
  for (guint k = 0; k < n; k++)
    {
      double x0 = k == 0, x1 = k == 1, x2 = k == 2;
      double y1 = k >= 1 ? y[k - 1] : 0, y2 = k >= 2 ? y[k - 2] : 0;

      y[k] = (h->b0 * x0 + h->b1 * x1 + h->b2 * x2 - h->a1 * y1 - h->a2 * y2) / h->a0;
    }
}

/* Frequency glides in octaves, gain in dB and Q in log: set on a 16-frame boundary, half a
 * ramp later (also a boundary at 48 kHz: 240 frames) the band is the cookbook's at the
 * geometric mean frequency and Q and the mean gain, for the 16 frames until the next update,
 * as an impulse there shows; a ramp later, the target's for good. */
static void
test_glides_in_their_units (void)
{
  const unsigned rate = 48000;
  const gsize at = 1600, ramp = (gsize) (STRATA_EFFECT_RAMP_MS * rate / 1000.0);
  static const struct { double f, g, q; guint len; } probes[] = {
    { 100, 0, 0.5, 16 },
    { 100, 0, 0.5, 16 },      /* set at this very frame: still the old values */
    { 400, 6, 2, 16 },
    { 1600, 12, 8, 2000 },
  };
  gsize when[G_N_ELEMENTS (probes)];

  g_assert_cmpuint (ramp % 32, ==, 0);
  when[0] = at - 160;
  when[1] = at;
  when[2] = at + ramp / 2;
  when[3] = at + ramp;
  for (guint p = 0; p < G_N_ELEMENTS (probes); p++)
    {
      StrataEffect *fx = fx_new ("eq", rate, 1);
      Biquad h = cookbook (PEAKING_EQ, rate, probes[p].f, probes[p].g, probes[p].q);
      Biquad mean = cookbook (PEAKING_EQ, rate, 850, 6, 4.25);
      const gsize n = at + ramp + 2000;
      g_autofree float *y = g_new0 (float, n);
      g_autofree double *want = g_new (double, probes[p].len);
      g_autofree double *linear = g_new (double, probes[p].len);
      double diff = 0.0;

      fx_set_choice (fx, "b5_type", "peak");
      fx_set (fx, "b5_freq", 100);
      fx_set (fx, "b5_q", 0.5);
      y[when[p]] = 1.0f;
      strata_effect_process (fx, y, at);
      fx_set (fx, "b5_freq", 1600);
      fx_set (fx, "b5_gain_db", 12);
      fx_set (fx, "b5_q", 8);
      strata_effect_process (fx, y + at, n - at);
      biquad_impulse (&h, want, probes[p].len);
      biquad_impulse (&mean, linear, probes[p].len);
      for (guint k = 0; k < probes[p].len; k++)
        {
          g_assert_cmpfloat_with_epsilon (y[when[p] + k], want[k], 1e-6);
          diff = fmax (diff, fabs (want[k] - linear[k]));
        }
      /* Linear glides in Hz and Q would be told apart. */
      g_assert_cmpfloat (diff, >, 1e-3);
      strata_effect_free (fx);
    }
}

typedef struct
{
  gsize        frame;
  const char  *name;
  double       value;
  const char  *choice;
} Event;

/* Renders `signal` through an eq in blocks of `block` frames (cut at the events too), the
 * events' values set at their frames. */
static float *
render_events (const float *signal, gsize n, guint channels, gsize block,
               const Event *events, guint n_events)
{
  StrataEffect *fx = fx_new ("eq", 48000, channels);
  float *out = g_memdup2 (signal, n * channels * sizeof (float));
  gsize done = 0;

  for (guint e = 0; e <= n_events; e++)
    {
      gsize until = e < n_events ? events[e].frame : n;

      while (done < until)
        {
          gsize len = MIN (block, until - done);

          strata_effect_process (fx, out + done * channels, len);
          done += len;
        }
      if (e < n_events && events[e].choice != NULL)
        fx_set_choice (fx, events[e].name, events[e].choice);
      else if (e < n_events)
        fx_set (fx, events[e].name, events[e].value);
    }
  strata_effect_free (fx);
  return out;
}

/* Glides, type changes and a band switched off and on, set between blocks of any size, give
 * the same output bit for bit. */
static void
test_block_size_with_changes (void)
{
  static const Event events[] = {
    { 0, "b1_type", 0, "peak" },
    { 0, "b1_freq", 300, NULL },
    { 0, "b2_type", 0, "high_shelf" },
    { 3001, "b1_gain_db", 12, NULL },
    { 3100, "b1_freq", 3000, NULL },
    { 7000, "b2_gain_db", -9, NULL },
    { 7005, "b2_q", 3, NULL },
    { 9000, "b3_type", 0, "notch" },
    { 9333, "b1_type", 0, "low_cut" },
    { 12000, "b2_type", 0, "off" },
    { 15011, "b2_type", 0, "low_shelf" },
    { 15012, "b1_q", 9, NULL },
  };
  static const gsize blocks[] = { 1, 17, 64, 256, 4096 };
  const gsize n = 24000;

  for (guint channels = 1; channels <= 2; channels++)
    {
      g_autofree float *signal = make_signal (channels, n);
      g_autofree float *reference = render_events (signal, n, channels, 4096, events,
                                                   G_N_ELEMENTS (events));

      g_assert_true (memcmp (reference, signal, n * channels * sizeof (float)) != 0);
      for (guint b = 0; b < G_N_ELEMENTS (blocks); b++)
        {
          g_autofree float *out = render_events (signal, n, channels, blocks[b], events,
                                                 G_N_ELEMENTS (events));

          g_assert_cmpmem (reference, n * channels * sizeof (float), out,
                           n * channels * sizeof (float));
        }
    }
}

/* An eq whose bands are all off passes audio bit for bit, also once a band has been on. */
static void
test_off_is_bit_exact (void)
{
  const gsize n = 4800;
  g_autofree float *signal = make_signal (2, n);
  g_autofree float *out = g_memdup2 (signal, n * 2 * sizeof (float));
  StrataEffect *fx = fx_new ("eq", 48000, 2);

  strata_effect_process (fx, out, n);
  g_assert_cmpmem (signal, n * 2 * sizeof (float), out, n * 2 * sizeof (float));
  fx_set_choice (fx, "b4_type", "peak");
  fx_set (fx, "b4_gain_db", 6);
  strata_effect_process (fx, out, n);
  g_assert_true (memcmp (signal, out, n * 2 * sizeof (float)) != 0);
  fx_set_choice (fx, "b4_type", "off");
  memcpy (out, signal, n * 2 * sizeof (float));
  strata_effect_process (fx, out, n);
  g_assert_cmpmem (signal, n * 2 * sizeof (float), out, n * 2 * sizeof (float));
  strata_effect_free (fx);
}

/* A type change switches at once: a peak turned into a notch at the sine's frequency removes
 * it within 20 ms (16 time constants), without a burst on the way. A band turned back on
 * from off starts from silence: its output equals a fresh instance's. */
static void
test_type_change (void)
{
  const unsigned rate = 48000;
  const gsize n = rate / 4, at = 4803;
  g_autofree float *y = g_new (float, n);
  g_autofree float *fresh = NULL;
  StrataEffect *fx = fx_new ("eq", rate, 1);
  StrataEffect *other;
  double peak = 0.0, rest = 0.0;

  for (gsize i = 0; i < n; i++)
    y[i] = 0.5f * sinf (2.0f * (float) G_PI * 1000.0f * i / rate);
  set_band (fx, 2, "peak", 1000, 12, 4);
  strata_effect_process (fx, y, at);
  fx_set_choice (fx, "b2_type", "notch");
  strata_effect_process (fx, y + at, n - at);
  for (gsize i = 0; i < n; i++)
    {
      if (i >= at + rate / 50)
        rest = fmax (rest, fabs (y[i]));
      peak = fmax (peak, fabs (y[i]));
    }
  g_test_message ("peak %.3f, after the change %.2e", peak, rest);
  g_assert_cmpfloat (peak, <, 0.5 * 4.0 * 1.5);
  g_assert_cmpfloat (rest, <, 0.5 * 1e-3);

  /* Off and on again. */
  fx_set_choice (fx, "b2_type", "off");
  for (gsize i = 0; i < n; i++)
    y[i] = 0.5f * sinf (2.0f * (float) G_PI * 700.0f * i / rate);
  fresh = g_memdup2 (y, n * sizeof (float));
  strata_effect_process (fx, y, 1000);
  fx_set_choice (fx, "b2_type", "peak");
  strata_effect_process (fx, y + 1000, n - 1000);
  other = fx_new ("eq", rate, 1);
  set_band (other, 2, "peak", 1000, 12, 4);
  strata_effect_process (other, fresh + 1000, n - 1000);
  g_assert_cmpmem (fresh + 1000, (n - 1000) * sizeof (float), y + 1000,
                   (n - 1000) * sizeof (float));
  strata_effect_free (other);
  strata_effect_free (fx);
}

/* Two channels are filtered apart: left alone in gives the mono response on the left and
 * exact silence on the right. */
static void
test_channels_apart (void)
{
  const gsize n = 4800;
  g_autofree float *mono = make_signal (1, n);
  g_autofree float *stereo = g_new0 (float, n * 2);
  StrataEffect *fx1 = fx_new ("filter", 48000, 1);
  StrataEffect *fx2 = fx_new ("filter", 48000, 2);

  for (gsize i = 0; i < n; i++)
    stereo[2 * i] = mono[i];
  fx_set (fx1, "q", 3);
  fx_set (fx2, "q", 3);
  strata_effect_process (fx1, mono, n);
  strata_effect_process (fx2, stereo, n);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat (stereo[2 * i], ==, mono[i]);
      g_assert_cmpfloat (stereo[2 * i + 1], ==, 0.0f);
    }
  strata_effect_free (fx1);
  strata_effect_free (fx2);
}

/* The reported tail covers the ring down to -90 dBFS after loud input, the output then
 * decays to exact zeros within three tails, and reset silences at once. Slow settings make
 * the tail long. */
static void
test_tail_and_silence (void)
{
  static const Setting slow[] = {
    { "peak", NULL, NULL, PEAKING_EQ, 50, 24, 18 },
    { "low_cut", NULL, NULL, HPF, 20, 0, 0.1 },
    { "high_cut", NULL, NULL, LPF, 20, 0, 18 },
    { NULL, "filter", "band_pass", BPF_0DB, 100, 0, 18 },
    { "low_shelf", "low_shelf", NULL, LOW_SHELF, 20, -24, 5 },
    { "high_shelf", "high_shelf", NULL, HIGH_SHELF, 20000, 24, 0.1 },
  };
  const unsigned rate = 48000;
  StrataEffect *fx = fx_new ("eq", rate, 2);

  g_assert_cmpfloat (strata_effect_tail (fx), ==, 0.0);
  strata_effect_free (fx);
  for (guint s = 0; s < G_N_ELEMENTS (slow); s++)
    {
      const Setting *st = &slow[s];
      const gsize loud = 2 * rate;
      g_autofree float *buf = g_new (float, loud * 2);
      double tail, ring = 0.0, ring_ends = 0.0;
      gsize quiet, last = 0;
      g_autofree float *silence = NULL;

      fx = new_setting (st, rate, 2, st->eq_type != NULL ? 1 : 0);
      /* Full scale at the band's frequency: the largest ring. */
      for (gsize i = 0; i < loud; i++)
        buf[2 * i] = buf[2 * i + 1] = (float) sin (2.0 * G_PI * st->freq * i / rate);
      tail = strata_effect_tail (fx);
      quiet = (gsize) (3.0 * tail * rate) + rate;
      silence = g_new0 (float, quiet * 2);
      strata_effect_process (fx, buf, loud);
      strata_effect_process (fx, silence, quiet);
      for (gsize k = 0; k < quiet * 2; k++)
        {
          if (silence[k] != 0.0f)
            last = k / 2;
          if (k / 2 >= (gsize) (tail * rate))
            ring = fmax (ring, fabs (silence[k]));
          if (fabs (silence[k]) >= pow (10.0, -90.0 / 20.0))
            ring_ends = (double) (k / 2 + 1) / rate;
        }
      g_test_message ("%s %s: tail %.3f s, below -90 dBFS after %.3f s, then at most "
                      "%.1f dBFS, exact zeros after %.3f s",
                      st->eq_type ? st->eq_type : "-", st->standalone ? st->standalone : "-",
                      tail, ring_ends, 20 * log10 (ring + 1e-30), (double) last / rate);
      g_assert_cmpfloat (ring, <, pow (10.0, -90.0 / 20.0));
      /* A bound, but not a careless one. */
      g_assert_cmpfloat (tail, <, 3.0 * ring_ends + 0.02);
      g_assert_cmpuint (last, <, quiet - rate);

      memcpy (buf, silence, sizeof (float));
      buf[0] = 1.0f;
      strata_effect_process (fx, buf, 1);
      strata_effect_reset (fx);
      memset (silence, 0, quiet * 2 * sizeof (float));
      strata_effect_process (fx, silence, rate / 10);
      for (gsize k = 0; k < rate / 10 * 2; k++)
        g_assert_cmpfloat (silence[k], ==, 0.0f);
      strata_effect_free (fx);
    }
}

/* After reset a value applies at once again, as after create. */
static void
test_reset_applies_at_once (void)
{
  const gsize n = 4800;
  g_autofree float *a = make_signal (2, n);
  g_autofree float *b = g_memdup2 (a, n * 2 * sizeof (float));
  g_autofree float *scratch = make_signal (2, n);
  StrataEffect *fx = fx_new ("high_shelf", 48000, 2);
  StrataEffect *fresh = fx_new ("high_shelf", 48000, 2);

  strata_effect_process (fx, scratch, n);
  fx_set (fx, "gain_db", 12);     /* gliding when the reset comes */
  strata_effect_process (fx, scratch, 100);
  strata_effect_reset (fx);
  fx_set (fx, "gain_db", -8);
  fx_set (fx, "freq", 2000);
  fx_set (fresh, "gain_db", -8);
  fx_set (fresh, "freq", 2000);
  strata_effect_process (fx, a, n);
  strata_effect_process (fresh, b, n);
  g_assert_cmpmem (a, n * 2 * sizeof (float), b, n * 2 * sizeof (float));
  strata_effect_free (fx);
  strata_effect_free (fresh);
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
  g_test_add_func ("/fx-filters/gain-glide", test_gain_glide);
  g_test_add_func ("/fx-filters/glides-in-their-units", test_glides_in_their_units);
  g_test_add_func ("/fx-filters/block-size-with-changes", test_block_size_with_changes);
  g_test_add_func ("/fx-filters/off-is-bit-exact", test_off_is_bit_exact);
  g_test_add_func ("/fx-filters/type-change", test_type_change);
  g_test_add_func ("/fx-filters/channels-apart", test_channels_apart);
  g_test_add_func ("/fx-filters/tail-and-silence", test_tail_and_silence);
  g_test_add_func ("/fx-filters/reset-applies-at-once", test_reset_applies_at_once);
  return g_test_run ();
}
