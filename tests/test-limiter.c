/* test-limiter.c: the export's true-peak limiter, measured with libebur128
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The true peak of what comes out is measured by libebur128 (EBUR128_MODE_TRUE_PEAK), the meter
 * the export reports with, never by the limiter's own detector.
 */
#include <ebur128.h>
#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "strata-limiter.h"

#define CHANNELS 2
#define LOOKAHEAD_MS 5.0
#define RELEASE_MS 100.0
/* How far libebur128's 49-tap interpolator reaches either side of a point, in frames, at 4x:
 * (49 - 1) / 2 / 4. */
#define INTERP_REACH 6

static double
db (double x)
{
  return 20.0 * log10 (x);
}

static double
undb (double x)
{
  return pow (10.0, x / 20.0);
}

/* A fixed generator of the test's own, uniform in [-1, 1). */
static double
noise (uint64_t *state)
{
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (double) (z >> 11) * 0x1.0p-52 - 1.0;
}

typedef enum
{
  SIG_NOISE,
  SIG_SQUARE_997,
  SIG_SQUARE_3000,
  SIG_SINE_997,
  SIG_SINE_QUARTER, /* fs/4 at 45 degrees: every sample at 0.707 of the true peak */
  N_SIGNALS
} Signal;

static const char *signal_names[] = { "noise", "square-997", "square-3000", "sine-997",
                                      "sine-fs/4" };

/* Stereo, the channels different, sample peak `amp` (the fs/4 sine: true peak `amp`). */
static float *
make_signal (Signal sig, unsigned rate, size_t frames, double amp, uint64_t seed)
{
  float *buf = g_new (float, frames * CHANNELS);
  uint64_t state = seed;

  for (size_t n = 0; n < frames; n++)
    for (unsigned c = 0; c < CHANNELS; c++)
      {
        double t = (double) n / rate, v = 0.0;

        switch (sig)
          {
          case SIG_NOISE:
            v = noise (&state);
            break;
          case SIG_SQUARE_997:
            v = sin (2 * M_PI * 997.0 * t + c) >= 0 ? 1.0 : -1.0;
            break;
          case SIG_SQUARE_3000:
            v = sin (2 * M_PI * 3000.0 * t + 0.3 * c) >= 0 ? 1.0 : -1.0;
            break;
          case SIG_SINE_997:
            v = sin (2 * M_PI * 997.0 * t + 0.5 * c);
            break;
          case SIG_SINE_QUARTER:
            v = sin (M_PI / 2 * (double) n + M_PI / 4 + (c ? M_PI / 2 : 0));
            break;
          case N_SIGNALS:
          default:
            g_assert_not_reached ();
          }
        buf[n * CHANNELS + c] = (float) (amp * v);
      }
  return buf;
}

static double
true_peak (const float *buf, size_t frames, unsigned rate)
{
  ebur128_state *st = ebur128_init (CHANNELS, rate, EBUR128_MODE_TRUE_PEAK);
  double peak = 0.0;

  g_assert_nonnull (st);
  g_assert_cmpint (ebur128_add_frames_float (st, buf, frames), ==, EBUR128_SUCCESS);
  for (unsigned c = 0; c < CHANNELS; c++)
    {
      double p;

      g_assert_cmpint (ebur128_true_peak (st, c, &p), ==, EBUR128_SUCCESS);
      peak = MAX (peak, p);
    }
  ebur128_destroy (&st);
  return peak;
}

static float *
run (StrataLimiter *lim, const float *in, size_t frames, size_t block)
{
  float *out = g_new (float, frames * CHANNELS);

  for (size_t n = 0; n < frames; n += block)
    strata_limiter_process (lim, in + n * CHANNELS, out + n * CHANNELS, MIN (block, frames - n));
  return out;
}

static float *
limit (unsigned rate, double ceiling, const float *in, size_t frames, size_t block)
{
  StrataLimiter *lim = strata_limiter_new (rate, CHANNELS, ceiling, LOOKAHEAD_MS, RELEASE_MS);
  float *out;

  g_assert_nonnull (lim);
  out = run (lim, in, frames, block);
  strata_limiter_free (lim);
  return out;
}

/* Signals 12 dB over the ceiling, at every rate libebur128 treats differently, and two
 * ceilings: the default -1 dBTP with peaks at +11 dBFS, and -12 dBTP with full-scale peaks. */
static void
test_true_peak (void)
{
  static const unsigned rates[] = { 44100, 48000, 88200, 96000, 192000 };
  static const double ceilings_db[] = { -1.0, -12.0 };
  double worst = -INFINITY;

  for (unsigned r = 0; r < G_N_ELEMENTS (rates); r++)
    for (unsigned k = 0; k < G_N_ELEMENTS (ceilings_db); k++)
      for (Signal sig = 0; sig < N_SIGNALS; sig++)
        {
          unsigned rate = rates[r];
          size_t frames = rate * 2;
          double ceiling = undb (ceilings_db[k]);
          float *in = make_signal (sig, rate, frames, ceiling * undb (12.0), 1 + sig);
          float *out = limit (rate, ceiling, in, frames, 4096);
          double tp_in = true_peak (in, frames, rate);
          double tp_out = true_peak (out, frames, rate);
          double over = db (tp_out) - ceilings_db[k];

          g_test_message ("%u Hz, ceiling %.0f dBTP, %s: in %+.3f dBTP, out %+.5f dBTP", rate,
                          ceilings_db[k], signal_names[sig], db (tp_in), db (tp_out));
          /* At 192 kHz libebur128 does not oversample: it sees the fs/4 sine's 0.707 samples. */
          g_assert_cmpfloat (db (tp_in), >=, ceilings_db[k] + 11.9
                             - (rate == 192000 && sig == SIG_SINE_QUARTER ? 3.02 : 0.0));
          g_assert_cmpfloat (over, <=, 1e-4);
          /* Steady signals are not limited much beyond what they need. The limiter detects
           * with Strata's true-peak filter, flat nearer Nyquist than libebur128's: on square
           * waves (their aliased harmonics ring between samples) it sees peaks libebur128
           * reads up to 0.7 dB lower, so by libebur128 the result can sit that far under. */
          if (sig != SIG_NOISE)
            g_assert_cmpfloat (over, >=, sig == SIG_SINE_QUARTER || sig == SIG_SINE_997 ? -0.3
                                                                                    : -0.9);
          worst = MAX (worst, over);
          g_free (in);
          g_free (out);
        }
  g_test_message ("highest output true peak relative to the ceiling: %+.5f dB", worst);
}

/* 6 dB (by libebur128) under the ceiling: the output is the input, delayed, bit for bit. */
static void
test_transparent (void)
{
  static const unsigned rates[] = { 44100, 48000 };

  for (unsigned r = 0; r < G_N_ELEMENTS (rates); r++)
    {
      unsigned rate = rates[r];
      size_t frames = rate * 2;
      double ceiling = undb (-1.0);
      float *in = make_signal (SIG_NOISE, rate, frames, 1.0, 7);
      StrataLimiter *lim = strata_limiter_new (rate, CHANNELS, ceiling, LOOKAHEAD_MS, RELEASE_MS);
      unsigned latency = strata_limiter_latency (lim);
      float *out;
      double tp;

      /* Mix in a sine, then scale the whole to 6 dB under the ceiling. */
      for (size_t n = 0; n < frames; n++)
        for (unsigned c = 0; c < CHANNELS; c++)
          in[n * CHANNELS + c] = 0.5f * in[n * CHANNELS + c] + 0.5f * (float) sin (0.05 * n);
      tp = true_peak (in, frames, rate);
      for (size_t i = 0; i < frames * CHANNELS; i++)
        in[i] = (float) (in[i] * ceiling * undb (-6.0) / tp);
      tp = true_peak (in, frames, rate);
      g_assert_cmpfloat (db (tp), <=, -7.0 + 1e-3);
      g_assert_cmpfloat (db (tp), >=, -7.0 - 0.01);

      out = run (lim, in, frames, 1000);
      for (size_t i = 0; i < (size_t) latency * CHANNELS; i++)
        g_assert_cmpfloat (out[i], ==, 0.0f);
      g_assert_cmpmem (out + (size_t) latency * CHANNELS, (frames - latency) * CHANNELS * sizeof (float),
                       in, (frames - latency) * CHANNELS * sizeof (float));
      g_assert_cmpfloat (strata_limiter_min_gain (lim), ==, 1.0);
      strata_limiter_free (lim);
      g_free (in);
      g_free (out);
    }
}

/* The latency is the look-ahead in frames, and an impulse comes out exactly that late. */
static void
test_latency (void)
{
  static const struct { unsigned rate; double ms; unsigned frames; } cases[] = {
    { 48000, 5.0, 240 }, { 44100, 5.0, 221 }, { 44100, 1.5, 66 }, { 48000, 2.0, 96 },
    { 96000, 5.0, 480 }, { 192000, 1.0, 192 },
  };

  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      StrataLimiter *lim = strata_limiter_new (cases[i].rate, CHANNELS, 1.0, cases[i].ms, 50.0);
      float in[2000 * CHANNELS] = { 0 };
      float out[2000 * CHANNELS];

      g_assert_cmpuint (strata_limiter_latency (lim), ==, cases[i].frames);
      in[100 * CHANNELS] = 0.5f;
      in[100 * CHANNELS + 1] = -0.25f;
      strata_limiter_process (lim, in, out, 2000);
      for (unsigned n = 0; n < 2000; n++)
        {
          gboolean at = n == 100 + cases[i].frames;

          g_assert_cmpfloat (out[n * CHANNELS], ==, at ? 0.5f : 0.0f);
          g_assert_cmpfloat (out[n * CHANNELS + 1], ==, at ? -0.25f : 0.0f);
        }
      strata_limiter_free (lim);
    }

  /* A look-ahead too short for the detector still reports what it delays by. */
  {
    StrataLimiter *lim = strata_limiter_new (48000, 1, 1.0, 0.0, 50.0);
    float in[200] = { 0 }, out[200];
    unsigned latency = strata_limiter_latency (lim);

    /* The detector's 48-tap filter reaches 24 frames ahead, plus its flat region. */
    g_assert_cmpuint (latency, >, 24);
    g_assert_cmpuint (latency, <, 100);
    in[10] = 0.75f;
    strata_limiter_process (lim, in, out, 200);
    g_assert_cmpfloat (out[10 + latency], ==, 0.75f);
    strata_limiter_free (lim);
  }
}

/* A sine under the ceiling with a burst 12 or 40 dB over it: the gain ramps down smoothly ahead of the
 * burst and is back at exactly 1.0 within the release time of the burst's last over-ceiling
 * point, which is within INTERP_REACH frames after its last sample. */
static void
test_release_and_smoothness (void)
{
  static const unsigned rates[] = { 44100, 48000 };
  /* 40 dB over, the gain starts its release from 0.01: the slowest case. */
  static const double levels_db[] = { 12.0, 40.0 };

  for (unsigned r = 0; r < G_N_ELEMENTS (rates) * G_N_ELEMENTS (levels_db); r++)
    {
      unsigned rate = rates[r % G_N_ELEMENTS (rates)];
      double level_db = levels_db[r / G_N_ELEMENTS (rates)];
      double ceiling = undb (-1.0);
      size_t burst_start = rate / 2, burst_end = rate / 2 + rate / 5;
      size_t release = (size_t) lround (RELEASE_MS * rate / 1000);
      size_t frames = burst_end + 3 * release;
      float *in = make_signal (SIG_SINE_997, rate, frames, 1.0, 0);
      StrataLimiter *lim = strata_limiter_new (rate, CHANNELS, ceiling, LOOKAHEAD_MS, RELEASE_MS);
      size_t latency = strata_limiter_latency (lim);
      double lookahead = LOOKAHEAD_MS * rate / 1000, min_gain, max_step = 0.0, prev = 1.0;
      float *out;

      for (size_t n = 0; n < frames; n++)
        for (unsigned c = 0; c < CHANNELS; c++)
          in[n * CHANNELS + c] *= (float) (ceiling * (n >= burst_start && n < burst_end
                                                      ? undb (level_db) : undb (-6.0)));
      out = run (lim, in, frames, 4096);
      min_gain = strata_limiter_min_gain (lim);
      g_assert_cmpfloat (db (min_gain), <, -level_db + 1.0);
      g_assert_cmpfloat (db (min_gain), >, -level_db - 0.5);

      /* Gain per frame, read off the output where the input is not near zero. */
      for (size_t n = 1; n + latency < frames; n++)
        {
          double x = in[n * CHANNELS], y = out[(n + latency) * CHANNELS];
          double g = fabs (x) > 1e-3 ? y / x : NAN;

          if (isnan (g))
            continue;
          g_assert_cmpfloat (g, <=, 1.0 + 1e-6);
          g_assert_cmpfloat (g, >=, min_gain - 1e-6);
          if (!isnan (prev))
            max_step = MAX (max_step, fabs (g - prev));
          prev = g;
        }
      g_test_message ("%u Hz, +%.0f dB: min gain %.2f dB, largest gain step %.3g per frame, a ramp over "
                      "the look-ahead %.3g", rate, level_db, db (min_gain), max_step,
                      (1 - min_gain) / lookahead);
      /* No steeper than twice a straight ramp over the look-ahead. */
      g_assert_cmpfloat (max_step, <=, 2 * (1 - min_gain) / lookahead);

      /* Limiting ahead of the burst, still releasing halfway through the release, unity after. */
      g_assert_cmpfloat (out[(burst_start - 10 + latency) * CHANNELS], !=, in[(burst_start - 10) * CHANNELS]);
      /* Halfway through the release the gain is still well under unity (read where the sine
       * is at its largest in a period around that point). */
      {
        size_t mid = burst_end + release / 2, best = mid;

        for (size_t n = mid - 30; n < mid + 30; n++)
          if (fabsf (in[n * CHANNELS]) > fabsf (in[best * CHANNELS]))
            best = n;
        g_assert_cmpfloat (out[(best + latency) * CHANNELS] / in[best * CHANNELS], <, 0.95);
      }
      for (size_t n = burst_end + INTERP_REACH + release; n + latency < frames; n++)
        for (unsigned c = 0; c < CHANNELS; c++)
          g_assert_cmpfloat (out[(n + latency) * CHANNELS + c], ==, in[n * CHANNELS + c]);
      /* Before the look-ahead reaches the burst, untouched. */
      for (size_t n = 0; n + lookahead + INTERP_REACH < burst_start; n++)
        g_assert_cmpfloat (out[(n + latency) * CHANNELS], ==, in[n * CHANNELS]);

      strata_limiter_free (lim);
      g_free (in);
      g_free (out);
    }
}

/* The same input gives the same output: twice, after a reset, in any block size, in place. */
static void
test_deterministic (void)
{
  unsigned rate = 48000;
  size_t frames = rate;
  double ceiling = undb (-1.0);
  float *in = make_signal (SIG_NOISE, rate, frames, ceiling * undb (12.0), 11);
  float *a = limit (rate, ceiling, in, frames, 4096);
  float *b = limit (rate, ceiling, in, frames, 4096);
  float *c1 = limit (rate, ceiling, in, frames, 1);
  float *c17 = limit (rate, ceiling, in, frames, 17);
  StrataLimiter *lim = strata_limiter_new (rate, CHANNELS, ceiling, LOOKAHEAD_MS, RELEASE_MS);
  float *d = run (lim, in, frames, 333);
  float *e = g_memdup2 (in, frames * CHANNELS * sizeof (float));
  size_t size = frames * CHANNELS * sizeof (float);

  g_assert_cmpmem (a, size, b, size);
  g_assert_cmpmem (a, size, c1, size);
  g_assert_cmpmem (a, size, c17, size);
  g_assert_cmpmem (a, size, d, size);
  strata_limiter_reset (lim);
  g_assert_cmpfloat (strata_limiter_min_gain (lim), ==, 1.0);
  for (size_t n = 0; n < frames; n += 500)
    strata_limiter_process (lim, e + n * CHANNELS, e + n * CHANNELS, MIN (500, frames - n));
  g_assert_cmpmem (a, size, e, size);
  g_assert_cmpfloat (strata_limiter_min_gain (lim), <, 0.5);

  strata_limiter_free (lim);
  g_free (in);
  g_free (a);
  g_free (b);
  g_free (c1);
  g_free (c17);
  g_free (d);
  g_free (e);
}

/* Non-finite input does not poison the output; nonsense parameters are refused. */
static void
test_edges (void)
{
  StrataLimiter *lim = strata_limiter_new (48000, CHANNELS, undb (-1.0), LOOKAHEAD_MS, RELEASE_MS);
  size_t frames = 2000;
  float *in = g_new0 (float, frames * CHANNELS);
  float *out;

  in[500 * CHANNELS] = NAN;
  in[600 * CHANNELS + 1] = INFINITY;
  in[700 * CHANNELS] = -INFINITY;
  in[800 * CHANNELS] = 1e30f;
  out = run (lim, in, frames, 64);
  for (size_t i = 0; i < frames * CHANNELS; i++)
    {
      g_assert_true (isfinite (out[i]));
      g_assert_cmpfloat (fabs (out[i]), <=, undb (-1.0));
    }
  strata_limiter_free (lim);
  g_free (in);
  g_free (out);

  g_assert_null (strata_limiter_new (0, 2, 1.0, 5.0, 50.0));
  g_assert_null (strata_limiter_new (48000, 0, 1.0, 5.0, 50.0));
  g_assert_null (strata_limiter_new (48000, 2, 0.0, 5.0, 50.0));
  g_assert_null (strata_limiter_new (48000, 2, NAN, 5.0, 50.0));
}

/* Not a check: ns per stereo frame at 48 kHz, for the report. */
static void
test_speed (void)
{
  unsigned rate = 48000;
  size_t frames = rate * 10;
  double ceiling = undb (-1.0);
  float *in = make_signal (SIG_NOISE, rate, frames, ceiling * undb (12.0), 3);
  StrataLimiter *lim = strata_limiter_new (rate, CHANNELS, ceiling, LOOKAHEAD_MS, RELEASE_MS);
  gint64 start = g_get_monotonic_time ();
  float *out = run (lim, in, frames, 1024);
  double ns = (g_get_monotonic_time () - start) * 1000.0 / frames;

  g_test_message ("48 kHz stereo: %.1f ns per frame (%.1f ns per sample)", ns, ns / CHANNELS);
  strata_limiter_free (lim);
  g_free (in);
  g_free (out);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/limiter/true-peak", test_true_peak);
  g_test_add_func ("/limiter/transparent", test_transparent);
  g_test_add_func ("/limiter/latency", test_latency);
  g_test_add_func ("/limiter/release-and-smoothness", test_release_and_smoothness);
  g_test_add_func ("/limiter/deterministic", test_deterministic);
  g_test_add_func ("/limiter/edges", test_edges);
  g_test_add_func ("/limiter/speed", test_speed);
  return g_test_run ();
}
