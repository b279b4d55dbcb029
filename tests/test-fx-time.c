/* test-fx-time.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Delay, ping-pong delay, multitap delay and chorus against docs/effects.md and the formulas
 * strata-fx-time.c documents: delay positions to the frame, repeat levels feedback^(k-1), the
 * feedback low-pass's one-pole response per repeat, ping-pong alternation, tap levels and the
 * constant-power pan law, the chorus's swept delay, mix 0 bit-exact, bounded time changes and
 * the tails.
 */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "strata-effect.h"
#include "strata-test-fx.h"

#define RATE 48000

static double
db (double gain)
{
  return 20.0 * log10 (fabs (gain));
}

static double
frames_of (double ms, unsigned rate)
{
  return floor (ms * rate / 1000.0 + 0.5);
}

/* n frames of silence with a unit impulse on every channel at frame 0. */
static float *
impulse (gsize n, guint channels)
{
  float *buf = g_new0 (float, n * channels);

  for (guint c = 0; c < channels; c++)
    buf[c] = 1.0f;
  return buf;
}

static float *
noise (gsize n, guint channels, guint32 seed)
{
  float *buf = g_new (float, n * channels);

  for (gsize i = 0; i < n * channels; i++)
    {
      buf[i] = 0.8f * (float) fx_noise (&seed);
    }
  return buf;
}

/* The delay is floor (time_ms fs / 1000 + 0.5) frames, rounding halves up, at each rate and up
 * to the longest time: a single unit sample there and nothing else. */
static void
test_delay_position (void)
{
  static const unsigned rates[] = { 44100, 48000, 96000 };
  /* 2.09375 ms is exactly 100.5 frames at 48 kHz. */
  static const double times[] = { 1.0, 2.09375, 10.5, 250.0, 333.3, 4000.0 };

  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    for (guint t = 0; t < G_N_ELEMENTS (times); t++)
      {
        StrataEffect *fx = fx_new ("delay", rates[r], 1);
        gsize expect = (gsize) frames_of (times[t], rates[r]);
        gsize n = expect + 64;
        g_autofree float *buf = impulse (n, 1);

        fx_set (fx, "time_ms", times[t]);
        fx_set (fx, "feedback", 0.0);
        fx_set (fx, "mix", 1.0);
        strata_effect_process (fx, buf, n);
        for (gsize i = 0; i < n; i++)
          g_assert_cmpfloat (buf[i], ==, i == expect ? 1.0f : 0.0f);
        strata_effect_free (fx);
      }
}

/* Repeat k lies at k D frames and its level is feedback^(k-1), both its peak and its
 * low-frequency gain (the sum of its samples), with the low-pass at 20000 Hz; mix scales the
 * wet linearly. */
static void
test_delay_repeats (void)
{
  static const double feedbacks[] = { 0.3, 0.7, 0.95 };
  const gsize d = (gsize) frames_of (50.0, RATE);
  const guint repeats = 8;

  for (guint f = 0; f < G_N_ELEMENTS (feedbacks); f++)
    {
      double fb = feedbacks[f];
      StrataEffect *fx = fx_new ("delay", RATE, 1);
      gsize n = (repeats + 1) * d;
      g_autofree float *buf = impulse (n, 1);

      fx_set (fx, "time_ms", 50.0);
      fx_set (fx, "feedback", fb);
      fx_set (fx, "lowpass", 20000.0);
      fx_set (fx, "mix", 1.0);
      strata_effect_process (fx, buf, n);
      g_assert_cmpfloat (buf[0], ==, 0.0f);
      for (guint k = 1; k <= repeats; k++)
        {
          double expect = db (pow (fb, k - 1));
          double peak = 0.0, sum = 0.0;

          for (gsize i = k * d - d / 2; i < k * d + d / 2; i++)
            {
              peak = MAX (peak, fabs (buf[i]));
              sum += buf[i];
            }
          g_assert_cmpfloat (fabs (buf[k * d]), ==, peak);
          g_assert_cmpfloat_with_epsilon (db (peak), expect, 0.1);
          g_assert_cmpfloat_with_epsilon (db (sum), expect, 0.1);
        }
      strata_effect_free (fx);
    }

  {
    StrataEffect *fx = fx_new ("delay", RATE, 2);
    g_autofree float *buf = impulse (2 * d + 1, 2);

    fx_set (fx, "feedback", 0.5);
    fx_set (fx, "time_ms", 50.0);
    fx_set (fx, "mix", 0.25);
    strata_effect_process (fx, buf, 2 * d + 1);
    for (guint c = 0; c < 2; c++)
      {
        g_assert_cmpfloat_with_epsilon (buf[c], 0.75, 1e-7);
        g_assert_cmpfloat_with_epsilon (buf[d * 2 + c], 0.25, 1e-7);
        g_assert_cmpfloat_with_epsilon (buf[2 * d * 2 + c], 0.25 * 0.5, 1e-7);
      }
    strata_effect_free (fx);
  }
}

/* RMS of `len` frames of channel `c` from `start`. */
static double
rms (const float *buf, guint channels, guint c, gsize start, gsize len)
{
  double sum = 0.0;

  for (gsize i = start; i < start + len; i++)
    sum += (double) buf[i * channels + c] * buf[i * channels + c];
  return sqrt (sum / len);
}

/* The feedback low-pass: from one repeat to the next, a steady tone loses feedback * |H (f)|
 * with the one-pole response documented in strata-fx-time.c, so a high tone dies sooner. */
static void
test_delay_lowpass (void)
{
  static const double tones[] = { 200.0, 8000.0 };   /* whole periods in 1200 frames */
  const double lowpass = 2000.0, fb = 0.7;
  const gsize d = (gsize) frames_of (100.0, RATE), burst = d / 2;
  double off = exp (-2.0 * G_PI * 20000.0 / RATE);
  double pole = (exp (-2.0 * G_PI * lowpass / RATE) - off) / (1.0 - off);
  double loss[G_N_ELEMENTS (tones)];

  for (guint t = 0; t < G_N_ELEMENTS (tones); t++)
    {
      double w = 2.0 * G_PI * tones[t] / RATE;
      double h = (1.0 - pole) / sqrt (1.0 + pole * pole - 2.0 * pole * cos (w));
      StrataEffect *fx = fx_new ("delay", RATE, 1);
      gsize n = 5 * d;
      g_autofree float *buf = g_new0 (float, n);

      for (gsize i = 0; i < burst; i++)
        buf[i] = 0.5f * sinf ((float) (w * i));
      fx_set (fx, "time_ms", 100.0);
      fx_set (fx, "feedback", fb);
      fx_set (fx, "lowpass", lowpass);
      fx_set (fx, "mix", 1.0);
      strata_effect_process (fx, buf, n);
      /* The middle of each repeat's burst, where the one-pole has settled. */
      for (guint k = 1; k < 4; k++)
        {
          double now = rms (buf, 1, 0, k * d + burst / 4, burst / 2);
          double next = rms (buf, 1, 0, (k + 1) * d + burst / 4, burst / 2);

          if (k == 1)
            g_assert_cmpfloat_with_epsilon (db (now), db (0.5 / G_SQRT2), 0.01);
          g_test_message ("%.0f Hz, repeat %u to %u: %.3f dB (formula %.3f dB)", tones[t], k,
                          k + 1, db (next / now), db (fb * h));
          g_assert_cmpfloat_with_epsilon (db (next / now), db (fb * h), 0.1);
        }
      loss[t] = db (fb * h);
      strata_effect_free (fx);
    }
  g_assert_cmpfloat (loss[1], <, loss[0] - 6.0);
}

/* A time change crossfades between the old and the new tap over STRATA_EFFECT_RAMP_MS. On a
 * sine of amplitude A at f the output moves between frames by at most what either tap moves,
 * 2 A sin (pi f / fs), plus the fade's step 1 / N times the taps' difference, at most 2 A:
 * the bound is 2 A sin (pi f / fs) + 2 A / N. The times are half a period apart, so a jump
 * would be up to 2 A. A change during the fade is taken up after it; then the output is the
 * input delayed by the last time, exactly. */
static void
test_delay_time_change (void)
{
  const double a = 0.5, f = 1000.0;
  static const gsize blocks[] = { 100, 1 };
  const gsize n = RATE, change = RATE / 5;
  const gsize ramp = (gsize) lround (STRATA_EFFECT_RAMP_MS * RATE / 1000.0);
  const double bound = 2.0 * a * sin (G_PI * f / RATE) + 2.0 * a / ramp;
  g_autofree float *in = g_new (float, n);
  g_autofree float *out = NULL;
  double worst = 0.0;

  for (gsize i = 0; i < n; i++)
    in[i] = (float) (a * sin (2.0 * G_PI * f * i / RATE));
  /* Blocks of 100 frames, then single frames: the same output. */
  for (guint b = 0; b < G_N_ELEMENTS (blocks); b++)
    {
      gsize block = blocks[b];
      StrataEffect *fx = fx_new ("delay", RATE, 1);
      float *run = g_memdup2 (in, n * sizeof (float));

      fx_set (fx, "time_ms", 100.0);
      fx_set (fx, "feedback", 0.0);
      fx_set (fx, "mix", 1.0);
      for (gsize done = 0; done < n; done += block)
        {
          if (done == change)
            fx_set (fx, "time_ms", 100.5);      /* 24 frames: half a period later */
          if (done == change + 100)
            fx_set (fx, "time_ms", 200.0);
          strata_effect_process (fx, run + done, block);
        }
      strata_effect_free (fx);
      if (out == NULL)
        out = run;
      else
        {
          g_assert_cmpmem (out, n * sizeof (float), run, n * sizeof (float));
          g_free (run);
        }
    }
  for (gsize i = 4800 + 1; i < n; i++)
    worst = MAX (worst, fabs ((double) out[i] - out[i - 1]));
  g_test_message ("largest step %.5f, bound %.5f", worst, bound);
  g_assert_cmpfloat (worst, <=, bound + 1e-6);
  for (gsize i = 4800; i < change; i++)
    g_assert_cmpfloat (out[i], ==, in[i - 4800]);
  for (gsize i = change + 2 * ramp; i < n; i++)
    g_assert_cmpfloat (out[i], ==, in[i - 9600]);
}

/* Ping-pong: repeat k, feedback^(k-1) of the mid, at k D frames, on the left for odd k and the
 * right for even k, silence on the other side; a mono instance is the plain delay. */
static void
test_ping_pong (void)
{
  const gsize d = (gsize) frames_of (30.0, RATE);
  const double fb = 0.5;
  const guint repeats = 6;

  for (guint channels = 1; channels <= 2; channels++)
    {
      StrataEffect *fx = fx_new ("ping_pong_delay", RATE, channels);
      gsize n = (repeats + 1) * d;
      g_autofree float *buf = impulse (n, channels);

      if (channels == 2)
        buf[1] = 0.0f;     /* left only: the mid is 0.5 */
      fx_set (fx, "time_ms", 30.0);
      fx_set (fx, "feedback", fb);
      fx_set (fx, "mix", 1.0);
      strata_effect_process (fx, buf, n);
      for (gsize i = 0; i < n; i++)
        for (guint c = 0; c < channels; c++)
          {
            guint k = i % d == 0 ? (guint) (i / d) : 0;
            double expect = 0.0;

            if (k > 0 && (channels == 1 || c == (k - 1) % 2))
              expect = (channels == 2 ? 0.5 : 1.0) * pow (fb, k - 1);
            g_assert_cmpfloat_with_epsilon (buf[i * channels + c], expect, 1e-7);
          }
      strata_effect_free (fx);
    }
}

/* Each tap at floor (t fs / 1000 + 0.5) frames with its level; on a stereo instance the mid
 * panned by the constant-power law L = cos t, R = sin t, t = (pan + 1) pi / 4. */
static void
test_multitap (void)
{
  static const double times[] = { 10.0, 20.5, 33.3, 47.0 };
  static const double levels[] = { -3.0, -7.5, -12.0, -20.0 };
  static const double pans[] = { -1.0, -0.5, 0.3, 1.0 };
  const gsize n = (gsize) frames_of (50.0, RATE);

  for (guint channels = 1; channels <= 2; channels++)
    {
      StrataEffect *fx = fx_new ("multitap_delay", RATE, channels);
      g_autofree float *buf = impulse (n, channels);
      double expect[2][(gsize) (50 * RATE / 1000)];

      memset (expect, 0, sizeof expect);
      for (guint t = 0; t < 4; t++)
        {
          char name[32];
          gsize at = (gsize) frames_of (times[t], RATE);
          double g = pow (10.0, levels[t] / 20.0), theta = (pans[t] + 1.0) * G_PI / 4.0;

          g_snprintf (name, sizeof name, "t%u_time_ms", t + 1);
          fx_set (fx, name, times[t]);
          g_snprintf (name, sizeof name, "t%u_level_db", t + 1);
          fx_set (fx, name, levels[t]);
          g_snprintf (name, sizeof name, "t%u_pan", t + 1);
          fx_set (fx, name, pans[t]);
          expect[0][at] = channels == 2 ? g * cos (theta) : g;
          expect[1][at] = g * sin (theta);
        }
      fx_set (fx, "mix", 1.0);
      strata_effect_process (fx, buf, n);
      for (gsize i = 0; i < n; i++)
        for (guint c = 0; c < channels; c++)
          {
            double y = buf[i * channels + c];

            if (fabs (expect[c][i]) > 1e-9)
              g_assert_cmpfloat_with_epsilon (db (y), db (expect[c][i]), 0.1);
            g_assert_cmpfloat_with_epsilon (y, expect[c][i], 1e-6);
          }
      strata_effect_free (fx);
    }
}

/* Chorus: an impulse every 10 ms comes out at the delay the LFO gives at that time, measured
 * as the centroid of its interpolated response: within [delay - depth, delay + depth], sweeping
 * the whole of it, following D (n) = delay + depth sin (2 pi rate n / fs) on the left (from
 * reset) and a quarter period ahead on the right; and the same again after a reset. */
static void
test_chorus (void)
{
  const double rate_hz = 2.0, depth = 3.0, delay = 12.0;
  const gsize spacing = RATE / 100, n = RATE;
  g_autofree float *first = NULL;
  StrataEffect *fx = fx_new ("chorus", RATE, 2);

  fx_set (fx, "rate_hz", rate_hz);
  fx_set (fx, "depth_ms", depth);
  fx_set (fx, "delay_ms", delay);
  fx_set (fx, "mix", 1.0);
  for (guint run = 0; run < 2; run++)
    {
      g_autofree float *buf = g_new0 (float, n * 2);
      double lo[2] = { 1e9, 1e9 }, hi[2] = { -1e9, -1e9 };

      for (gsize p = 0; p < n; p += spacing)
        buf[p * 2] = buf[p * 2 + 1] = 1.0f;
      strata_effect_process (fx, buf, n);
      for (gsize p = 0; p + spacing < n; p += spacing)
        for (guint c = 0; c < 2; c++)
          {
            gsize from = p + (gsize) ((delay - depth) * RATE / 1000.0) - 3;
            gsize to = p + (gsize) ((delay + depth) * RATE / 1000.0) + 4;
            double sum = 0.0, moment = 0.0, measured, expect, at, slope;

            if (to >= n)
              continue;
            for (gsize i = from; i <= to; i++)
              {
                sum += buf[i * 2 + c];
                moment += (double) i * buf[i * 2 + c];
              }
            at = 2.0 * G_PI * (rate_hz * (moment / sum) / RATE + 0.25 * c);
            /* A delay growing by D' frames per frame spreads the impulse over 1 / (1 - D')
             * output frames, each reading it with a kernel that sums to one. */
            slope = depth / 1000.0 * 2.0 * G_PI * rate_hz * cos (at);
            g_assert_cmpfloat_with_epsilon (sum, 1.0 / (1.0 - slope), 2e-3);
            measured = (moment / sum - p) * 1000.0 / RATE;
            expect = delay + depth * sin (at);
            g_assert_cmpfloat_with_epsilon (measured, expect, 0.005);
            g_assert_cmpfloat (measured, >=, delay - depth - 0.005);
            g_assert_cmpfloat (measured, <=, delay + depth + 0.005);
            lo[c] = MIN (lo[c], measured);
            hi[c] = MAX (hi[c], measured);
          }
      for (guint c = 0; c < 2; c++)
        {
          g_assert_cmpfloat_with_epsilon (lo[c], delay - depth, 0.05);
          g_assert_cmpfloat_with_epsilon (hi[c], delay + depth, 0.05);
        }
      if (run == 0)
        first = g_steal_pointer (&buf);
      else
        g_assert_cmpmem (first, n * 2 * sizeof (float), buf, n * 2 * sizeof (float));
      strata_effect_reset (fx);
    }
  strata_effect_free (fx);
}

/* mix 0 is the dry signal bit-exactly, whatever the wet does. */
static void
test_mix_zero (void)
{
  static const char *const types[] = { "delay", "ping_pong_delay", "multitap_delay", "chorus" };
  const gsize n = RATE / 2;

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    for (guint channels = 1; channels <= 2; channels++)
      {
        StrataEffect *fx = fx_new (types[t], RATE, channels);
        g_autofree float *in = noise (n, channels, 7 + t);
        g_autofree float *out = g_memdup2 (in, n * channels * sizeof (float));

        g_test_message ("%s, %u channel(s)", types[t], channels);
        fx_set (fx, "mix", 0.0);
        if (strata_effect_param_index (fx->klass, "feedback") >= 0)
          fx_set (fx, "feedback", 0.95);
        strata_effect_process (fx, out, n);
        g_assert_cmpmem (in, n * channels * sizeof (float), out, n * channels * sizeof (float));
        strata_effect_free (fx);
      }
}

/* Tails: the delay's repeats are below -90 dB after time (1 + log (10^-4.5) / log feedback)
 * (and reach exact zeros), not before; the multitap's is its longest tap, the chorus's its
 * delay plus depth. */
static void
test_tails (void)
{
  static const double feedbacks[] = { 0.0, 0.5, 0.9 };

  for (guint f = 0; f < G_N_ELEMENTS (feedbacks); f++)
    {
      double fb = feedbacks[f], time = 0.02;
      double expect = fb > 0 ? time * (1.0 + log (pow (10.0, -4.5)) / log (fb)) : time;
      StrataEffect *fx = fx_new ("delay", RATE, 1);
      gsize tail, n;
      float *buf;
      double before = 0.0, after = 0.0;
      gsize last = 0;

      fx_set (fx, "time_ms", time * 1000.0);
      fx_set (fx, "feedback", fb);
      fx_set (fx, "mix", 1.0);
      g_assert_cmpfloat_with_epsilon (strata_effect_tail (fx), expect, 1e-9);
      tail = (gsize) (expect * RATE);
      n = 2 * tail + RATE;
      buf = impulse (n, 1);
      strata_effect_process (fx, buf, n);
      for (gsize i = 0; i < n; i++)
        {
          if (i + time * RATE < tail)
            before = MAX (before, fabs (buf[i]));
          else if (i > tail)
            after = MAX (after, fabs (buf[i]));
          if (buf[i] != 0.0f)
            last = i;
        }
      g_test_message ("feedback %.1f: tail %.3f s, last non-zero %.3f s", fb, expect,
                      (double) last / RATE);
      g_assert_cmpfloat (after, <, pow (10.0, -4.5));
      if (fb > 0.0)
        g_assert_cmpfloat (before, >=, pow (10.0, -4.5));
      g_assert_cmpuint (last, <, 2 * tail);
      g_free (buf);
      strata_effect_free (fx);
    }

  {
    StrataEffect *fx = fx_new ("multitap_delay", RATE, 2);

    fx_set (fx, "t2_time_ms", 900.0);
    g_assert_cmpfloat_with_epsilon (strata_effect_tail (fx), 0.9, 1e-9);
    strata_effect_free (fx);
    fx = fx_new ("chorus", RATE, 2);
    fx_set (fx, "delay_ms", 20.0);
    fx_set (fx, "depth_ms", 5.0);
    g_assert_cmpfloat_with_epsilon (strata_effect_tail (fx), 0.025, 1e-4);
    strata_effect_free (fx);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fx-time/delay/position", test_delay_position);
  g_test_add_func ("/fx-time/delay/repeats", test_delay_repeats);
  g_test_add_func ("/fx-time/delay/lowpass", test_delay_lowpass);
  g_test_add_func ("/fx-time/delay/time-change", test_delay_time_change);
  g_test_add_func ("/fx-time/ping-pong", test_ping_pong);
  g_test_add_func ("/fx-time/multitap", test_multitap);
  g_test_add_func ("/fx-time/chorus", test_chorus);
  g_test_add_func ("/fx-time/mix-zero", test_mix_zero);
  g_test_add_func ("/fx-time/tails", test_tails);
  return g_test_run ();
}
