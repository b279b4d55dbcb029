/* strata-true-peak.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "strata-true-peak.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TAPS STRATA_TRUE_PEAK_TAPS
#define BEFORE (TAPS / 2 - 1)      /* 23 samples before k, 24 from k on */
#define CHUNK 1024
#define MAX_FACTOR 4

typedef float v4sf __attribute__ ((vector_size (16)));

struct _StrataTruePeak
{
  unsigned factor;
  unsigned channels;
  double   peak;
  float    coefficients[MAX_FACTOR][TAPS] __attribute__ ((aligned (16)));
  float   *line;                   /* per channel: TAPS - 1 history samples + CHUNK */
};

/* 4x below 192 kHz (BS.1770 asks 4x at 48 kHz and less above; oversampling more than asked
 * only reads peaks more closely), none at 192 kHz. */
unsigned
strata_true_peak_factor (unsigned sample_rate)
{
  return sample_rate < 192000 ? 4 : 1;
}

/* Modified Bessel function of the first kind, order 0, for the Kaiser window. */
static double
bessel_i0 (double x)
{
  double sum = 1.0, term = 1.0;

  for (int k = 1; k < 40; k++)
    {
      term *= (x / (2.0 * k)) * (x / (2.0 * k));
      sum += term;
    }
  return sum;
}

void
strata_true_peak_coefficients (unsigned factor, unsigned phase, float *coefficients)
{
  const double cutoff = 1.0, beta = 8.0;
  double c[TAPS], sum = 0.0;

  for (int j = 0; j < TAPS; j++)
    {
      /* Distance in input samples from tap j (x[k - BEFORE + j]) to the point k + phase/F. */
      double t = (double) (j - BEFORE) - (double) phase / factor;
      double x = M_PI * cutoff * t;
      double sinc = fabs (x) < 1e-12 ? 1.0 : sin (x) / x;
      double r = t / (TAPS / 2.0);
      double window = fabs (r) >= 1.0 ? 0.0 : bessel_i0 (beta * sqrt (1.0 - r * r)) / bessel_i0 (beta);

      c[j] = sinc * window;
      sum += c[j];
    }
  for (int j = 0; j < TAPS; j++)
    coefficients[j] = (float) (c[j] / sum);
}

StrataTruePeak *
strata_true_peak_new (unsigned sample_rate, unsigned channels)
{
  StrataTruePeak *self;

  if (sample_rate == 0 || channels == 0 || channels > 64)
    return NULL;
  self = aligned_alloc (16, (sizeof *self + 15) / 16 * 16);
  if (self == NULL)
    return NULL;
  memset (self, 0, sizeof *self);
  self->factor = strata_true_peak_factor (sample_rate);
  self->channels = channels;
  for (unsigned p = 1; p < self->factor; p++)
    strata_true_peak_coefficients (self->factor, p, self->coefficients[p]);
  self->line = calloc ((size_t) channels * (TAPS - 1 + CHUNK), sizeof (float));
  if (self->line == NULL)
    {
      free (self);
      return NULL;
    }
  return self;
}

void
strata_true_peak_free (StrataTruePeak *self)
{
  if (self == NULL)
    return;
  free (self->line);
  free (self);
}

static inline float
dot (const float *x, const float *c)
{
  v4sf acc0 = { 0 }, acc1 = { 0 };

  for (int j = 0; j < TAPS; j += 8)
    {
      v4sf a, b, ca, cb;
      memcpy (&a, x + j, sizeof a);
      memcpy (&b, x + j + 4, sizeof b);
      memcpy (&ca, c + j, sizeof ca);
      memcpy (&cb, c + j + 4, sizeof cb);
      acc0 += a * ca;
      acc1 += b * cb;
    }
  acc0 += acc1;
  return acc0[0] + acc0[1] + acc0[2] + acc0[3];
}

/* The value between samples k and k+1 needs x[k+24]: the points between the last 24 frames
 * are measured by strata_true_peak_flush(), as if silence followed. */
void
strata_true_peak_process (StrataTruePeak *self, const float *frames, size_t n_frames)
{
  const size_t keep = TAPS - 1;

  while (n_frames > 0)
    {
      size_t n = n_frames < CHUNK ? n_frames : CHUNK;
      float peak = (float) self->peak;

      for (unsigned ch = 0; ch < self->channels; ch++)
        {
          float *line = self->line + (size_t) ch * (keep + CHUNK);

          for (size_t i = 0; i < n; i++)
            {
              float v = frames[i * self->channels + ch];
              line[keep + i] = v;
              v = fabsf (v);
              peak = v > peak ? v : peak;
            }
          /* Points between line[m] and line[m+1], for every m whose 16 later samples are in. */
          for (size_t m = BEFORE; m + TAPS / 2 < keep + n; m++)
            for (unsigned p = 1; p < self->factor; p++)
              {
                float y = fabsf (dot (line + m - BEFORE, self->coefficients[p]));
                peak = y > peak ? y : peak;
              }
          memmove (line, line + n, keep * sizeof (float));
        }
      self->peak = peak;
      frames += n * self->channels;
      n_frames -= n;
    }
}

double
strata_true_peak_get (const StrataTruePeak *self)
{
  return self->peak;
}

void
strata_true_peak_flush (StrataTruePeak *self)
{
  float silence[TAPS / 2 * 64] = { 0 };

  strata_true_peak_process (self, silence, TAPS / 2);
}
