/* strata-limiter.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The export's look-ahead true-peak limiter. Per input frame it estimates the peak between that
 * frame and the next with the interpolator libebur128 uses for EBUR128_MODE_TRUE_PEAK (a 49-tap
 * Hann-windowed sinc, 4x below 96 kHz, 2x below 192 kHz, none above), so that what it keeps under
 * the ceiling is what the export's meter measures. The needed gain, ceiling / peak, goes through:
 *
 *   1. a sliding minimum over [k - hold, k + ahead] (a monotonic deque), so the gain is already
 *      down when a peak arrives and stays flat over every sample the interpolator reads for it;
 *   2. a release that rises towards one with a curve that is back at exactly 1.0 in a bounded
 *      time, and never above the minimum of step 1;
 *   3. two moving averages (lengths summing to the unused look-ahead), which turn the steps into
 *      an S-shaped ramp that is complete when the peak arrives: an average of values that are
 *      all at most r is at most r.
 *
 * Deficits (1 - gain) are summed as integers of 2^-40 so the averages cannot drift and are
 * exactly zero, hence the gain exactly 1.0, whenever nothing in the window needed limiting: a
 * signal under the ceiling comes out bit-exact, only delayed.
 */
#include "strata-limiter.h"
#include "strata-sliding-min.h"
#include "strata-true-peak.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define INTERP_MAX_FACTOR 4
#define INTERP_MAX_SPAN STRATA_TRUE_PEAK_TAPS   /* history frames the interpolator reads */
/* The peak estimate is exact only where the gain is flat over the interpolator's reach; the
 * margin absorbs the rest (where neighbouring peaks make the gain move) and float rounding. */
#define MARGIN_DB 0.2
/* The release heads for 1 + this, clipped at 1, so it ends in finite time without a kink at
 * the start of the release. */
#define RELEASE_OVERSHOOT 0.1
#define FIX_ONE 1099511627776.0 /* 2^40 */

struct _StrataLimiter
{
  unsigned channels;
  double target;    /* ceiling less the margin */
  unsigned factor;  /* interpolation factor: 4, 2 or 1 */
  unsigned span;    /* history frames the interpolator reads */
  unsigned centre;  /* its delay: phase 0 at step n is frame n - centre */
  unsigned latency;
  double release_coeff;

  /* coeff[f][i] multiplies frame n - i for the point (f / factor) after frame n - centre. */
  double coeff[INTERP_MAX_FACTOR][INTERP_MAX_SPAN];

  float *hist;      /* per channel, 2 * span frames, each written twice: a linear window */
  unsigned hist_pos;
  float *delay;     /* latency + 1 interleaved frames */
  unsigned delay_len, delay_pos;

  /* Sliding minimum of the needed gain over window frames. */
  StrataSlidingMin mins;
  unsigned window;
  uint64_t step;

  double release;   /* gain after the release stage */

  int64_t *box1, *box2;
  unsigned box1_len, box2_len, box1_pos, box2_pos;
  int64_t box1_sum, box2_sum;

  double min_gain;
};

/* Detection uses the true-peak meter's filter, so that what the limiter holds under the
 * ceiling is what the export measures. */
static void
setup_interpolator (StrataLimiter *self, unsigned rate)
{
  float c[STRATA_TRUE_PEAK_TAPS];

  self->factor = strata_true_peak_factor (rate);
  memset (self->coeff, 0, sizeof self->coeff);
  if (self->factor == 1)
    {
      self->span = 1;
      self->centre = 0;
      return;
    }
  /* The meter's phase p uses x[k - 23 .. k + 24] for the point after k; here the history's
   * newest frame is n, so k = n - centre and tap j reads frame n - (span - 1 - j). Phase 0 is
   * the centre sample itself, read directly. */
  self->span = STRATA_TRUE_PEAK_TAPS;
  self->centre = STRATA_TRUE_PEAK_TAPS / 2;
  for (unsigned p = 1; p < self->factor; p++)
    {
      strata_true_peak_coefficients (self->factor, p, c);
      for (unsigned j = 0; j < STRATA_TRUE_PEAK_TAPS; j++)
        self->coeff[p][self->span - 1 - j] = c[j];
    }
}

StrataLimiter *
strata_limiter_new (unsigned sample_rate,
                    unsigned channels,
                    double   ceiling,
                    double   lookahead_ms,
                    double   release_ms)
{
  StrataLimiter *self;
  unsigned hold, ahead, smooth, min_latency;
  double frames;
  long release_frames;

  if (sample_rate == 0 || channels == 0 || channels > 64 || !(ceiling > 0.0) || isinf (ceiling))
    return NULL;

  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;
  self->channels = channels;
  self->target = ceiling * pow (10.0, -MARGIN_DB / 20.0);
  setup_interpolator (self, sample_rate);

  /* The gain is flat for `hold` frames either side of a peak: all the interpolator reads. */
  hold = self->centre;
  min_latency = self->centre + hold + 2;
  frames = lookahead_ms * sample_rate / 1000.0;
  if (!(frames >= min_latency))
    frames = min_latency;
  if (frames > 10.0 * sample_rate)
    frames = 10.0 * sample_rate;
  self->latency = (unsigned) lround (frames);
  ahead = self->latency - self->centre;
  smooth = ahead - hold;
  self->window = ahead + hold + 1;
  self->box2_len = smooth / 3 + 1;
  self->box1_len = smooth - (self->box2_len - 1) + 1;

  /* The release is timed so that the gain is back at 1.0 release_ms after the last frame that
   * needed reduction, smoothing included. */
  frames = release_ms * sample_rate / 1000.0;
  if (!(frames < 10.0 * sample_rate))
    frames = 10.0 * sample_rate;
  release_frames = (frames > 0 ? lround (frames) : 0) - (long) ahead;
  if (release_frames < 1)
    release_frames = 1;
  self->release_coeff = 1.0 - pow (RELEASE_OVERSHOOT / (1.0 + RELEASE_OVERSHOOT),
                                    1.0 / ((double) release_frames - 0.5));

  self->delay_len = self->latency + 1;
  self->hist = calloc ((size_t) 2 * self->span * channels, sizeof *self->hist);
  self->delay = calloc ((size_t) self->delay_len * channels, sizeof *self->delay);
  self->box1 = calloc (self->box1_len, sizeof *self->box1);
  self->box2 = calloc (self->box2_len, sizeof *self->box2);
  if (!strata_sliding_min_init (&self->mins, self->window + 1)
      || !self->hist || !self->delay || !self->box1 || !self->box2)
    {
      strata_limiter_free (self);
      return NULL;
    }
  strata_limiter_reset (self);
  return self;
}

void
strata_limiter_free (StrataLimiter *self)
{
  if (self == NULL)
    return;
  free (self->hist);
  free (self->delay);
  strata_sliding_min_clear (&self->mins);
  free (self->box1);
  free (self->box2);
  free (self);
}

void
strata_limiter_reset (StrataLimiter *self)
{
  memset (self->hist, 0, (size_t) 2 * self->span * self->channels * sizeof *self->hist);
  memset (self->delay, 0, (size_t) self->delay_len * self->channels * sizeof *self->delay);
  memset (self->box1, 0, self->box1_len * sizeof *self->box1);
  memset (self->box2, 0, self->box2_len * sizeof *self->box2);
  self->hist_pos = 0;
  self->delay_pos = 0;
  strata_sliding_min_reset (&self->mins);
  self->step = 0;
  self->release = 1.0;
  self->box1_pos = 0;
  self->box2_pos = 0;
  self->box1_sum = 0;
  self->box2_sum = 0;
  self->min_gain = 1.0;
}

unsigned
strata_limiter_latency (const StrataLimiter *self)
{
  return self->latency;
}

double
strata_limiter_min_gain (const StrataLimiter *self)
{
  return self->min_gain;
}

/* The largest magnitude among the interpolated points from frame n - centre up to (not
 * including) the next frame, over all channels; the history already holds frame n. */
static double
frame_peak (const StrataLimiter *self)
{
  double peak = 0.0;

  for (unsigned c = 0; c < self->channels; c++)
    {
      /* w[i] is frame n - i. */
      const float *w = self->hist + (size_t) c * 2 * self->span + self->hist_pos + self->span;
      double v = fabs ((double) *(w - self->centre));

      if (v > peak)
        peak = v;
      for (unsigned f = 1; f < self->factor; f++)
        {
          const double *k = self->coeff[f];
          double acc = 0.0;

          for (unsigned i = 0; i < self->span; i++)
            acc += (double) *(w - i) * k[i];
          v = fabs (acc);
          if (v > peak)
            peak = v;
        }
    }
  return peak;
}

static int64_t
box_push (int64_t *ring, unsigned len, unsigned *pos, int64_t *sum, int64_t value)
{
  *sum += value - ring[*pos];
  ring[*pos] = value;
  if (++*pos == len)
    *pos = 0;
  return *sum;
}

static double
next_gain (StrataLimiter *self, double needed)
{
  double held = strata_sliding_min_push (&self->mins, needed, self->step, self->window);
  double r = self->release;
  int64_t deficit, sum;

  r += self->release_coeff * (held + RELEASE_OVERSHOOT - r);
  if (r > held)
    r = held;
  self->release = r;

  /* Deficits round up, so the gain rounds down. */
  deficit = (int64_t) ceil ((1.0 - r) * FIX_ONE);
  sum = box_push (self->box1, self->box1_len, &self->box1_pos, &self->box1_sum, deficit);
  deficit = (sum + self->box1_len - 1) / self->box1_len;
  sum = box_push (self->box2, self->box2_len, &self->box2_pos, &self->box2_sum, deficit);
  if (sum == 0)
    return 1.0;
  return 1.0 - (double) sum / ((double) self->box2_len * FIX_ONE);
}

void
strata_limiter_process (StrataLimiter *self,
                        const float   *in,
                        float         *out,
                        size_t         n_frames)
{
  const unsigned channels = self->channels;
  const unsigned span = self->span;

  for (size_t n = 0; n < n_frames; n++)
    {
      float *slot = self->delay + (size_t) self->delay_pos * channels;
      double peak, needed, gain;

      if (++self->hist_pos == span)
        self->hist_pos = 0;
      for (unsigned c = 0; c < channels; c++)
        {
          float x = in[n * channels + c];
          float *h = self->hist + (size_t) c * 2 * span + self->hist_pos;

          /* Nothing non-finite reaches the gain computer or the output. */
          if (isnan (x))
            x = 0.0f;
          else if (isinf (x))
            x = x > 0 ? FLT_MAX : -FLT_MAX;
          h[0] = x;
          h[span] = x;
          slot[c] = x;
        }

      peak = frame_peak (self);
      needed = peak > self->target ? self->target / peak : 1.0;
      gain = next_gain (self, needed);
      if (gain < self->min_gain)
        self->min_gain = gain;

      /* The oldest frame in the ring, latency frames ago, sits just after the newest. */
      if (++self->delay_pos == self->delay_len)
        self->delay_pos = 0;
      slot = self->delay + (size_t) self->delay_pos * channels;
      for (unsigned c = 0; c < channels; c++)
        out[n * channels + c] = (float) (gain * (double) slot[c]);
      self->step++;
    }
}
