/* strata-fx-filters.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The biquad effects of docs/effects.md: the 6-band `eq`, `low_shelf`, `high_shelf` and
 * `filter`. All four are one engine, a chain of bands, each a biquad with the coefficients of
 * the RBJ Audio EQ Cookbook (bilinear transform, alpha = sin(w0) / (2 Q) for every type, the
 * shelves included) run in transposed direct form II in double precision, one state per
 * channel. The standalone effects are a one-band chain whose type is fixed or chosen by `mode`.
 *
 * Glides: frequency glides in octaves, gain in dB and Q in log over STRATA_EFFECT_RAMP_MS,
 * linearly in those units. The glided values are a function of an integer frame count, and the
 * coefficients are recomputed from them every BLOCK frames counted from the last reset, so the
 * output does not depend on how the host cuts its blocks.
 *
 * A type change switches at once. Between two active types the band keeps its state: the state
 * is bounded by the signal it came from and the new filter is stable, so it only makes a short
 * transient. A band that comes back from `off` starts from a zero state, since what it held was
 * left over from before it was switched off. An `off` band is skipped entirely, so an eq with
 * every band off passes audio bit for bit.
 *
 * The tail is computed from each band's poles and residues (see ring_frames): the time until
 * the worst ring full-scale input can leave is below -90 dBFS.
 */
#include <complex.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "strata-effect.h"
#include "strata-fx-ramp.h"

#define MAX_BANDS    6
#define MAX_CHANNELS 2
#define BLOCK        16      /* frames between coefficient updates while gliding */
#define SPAN         65536   /* frames at most between drains of the pipeline; BLOCK divides it */
#define MAX_FREQ     0.49    /* of the sample rate */
/* State below FLUSH is zeroed, so it never turns denormal; while the input is exact silence,
 * state below SILENT_FLUSH (-200 dBFS) is zeroed too, so a slow ring ends in exact zeros soon
 * after it falls below -90 dBFS, without touching any signal that is not silence. */
#define FLUSH        1e-20
#define SILENT_FLUSH 1e-10
#define TAIL_LEVEL   3.1622776601683795e-05   /* -90 dBFS */
#define MAX_TAIL_S   60.0

typedef enum
{
  BQ_OFF,
  BQ_PEAK,
  BQ_LOW_SHELF,
  BQ_HIGH_SHELF,
  BQ_LOW_PASS,
  BQ_HIGH_PASS,
  BQ_BAND_PASS,
  BQ_NOTCH,
} BiquadType;

enum { FIELD_TYPE, FIELD_FREQ, FIELD_GAIN, FIELD_Q };

/* A linear glide from `start` to `target` over `ramp` frames, `remaining` of them left. */
typedef struct
{
  double   start;
  double   target;
  unsigned remaining;
} Glide;

typedef struct
{
  double b0, b1, b2, a1, a2;    /* normalised by a0 */
} Coeffs;

typedef struct
{
  BiquadType type;
  Glide      log2_freq;
  Glide      gain_db;
  Glide      log_q;
  bool       gliding;
  Coeffs     c;
  double     z1[MAX_CHANNELS], z2[MAX_CHANNELS];
} Band;

typedef struct
{
  StrataEffect parent;
  double       rate;
  unsigned     channels;
  unsigned     ramp;       /* frames of a glide */
  unsigned     phase;      /* frames since the last coefficient update, 0 .. BLOCK-1 */
  bool         fresh;      /* nothing processed since create or reset: values apply at once */
  unsigned     n_bands;
  Band         bands[MAX_BANDS];
} Biquads;

static const char *const eq_types[] = {
  /* TRANSLATORS: a choice as the project file spells it; shown with '_' as a space */
  N_("off"), N_("peak"), N_("low_shelf"), N_("high_shelf"), N_("low_cut"), N_("high_cut"),
  N_("notch"), NULL,
};
static const BiquadType eq_type_map[] = {
  BQ_OFF, BQ_PEAK, BQ_LOW_SHELF, BQ_HIGH_SHELF, BQ_HIGH_PASS, BQ_LOW_PASS, BQ_NOTCH,
};

static const char *const filter_modes[] = {
  /* TRANSLATORS: a choice as the project file spells it; shown with '_' as a space */
  N_("low_pass"), N_("high_pass"), N_("band_pass"), N_("notch"), NULL,
};
static const BiquadType filter_mode_map[] = {
  BQ_LOW_PASS, BQ_HIGH_PASS, BQ_BAND_PASS, BQ_NOTCH,
};

#define TYPE_PARAM(name, label, choices, def) \
  { name, label, "", STRATA_PARAM_CHOICE, 0, (sizeof choices / sizeof choices[0]) - 2, def, \
    choices, STRATA_PARAM_LINEAR }
#define FREQ_PARAM(name, label, def) \
  { name, label, N_("Hz"), STRATA_PARAM_CONTINUOUS, 20, 20000, def, NULL, STRATA_PARAM_LOG }
#define GAIN_PARAM(name, label) \
  { name, label, N_("dB"), STRATA_PARAM_CONTINUOUS, -24, 24, 0, NULL, STRATA_PARAM_LINEAR }
#define Q_PARAM(name, label) \
  { name, label, "", STRATA_PARAM_CONTINUOUS, 0.1, 18, 0.707, NULL, STRATA_PARAM_LOG }
#define EQ_BAND(n, freq, type_label, freq_label, gain_label, q_label) \
  TYPE_PARAM ("b" #n "_type", type_label, eq_types, 0), \
  FREQ_PARAM ("b" #n "_freq", freq_label, freq), \
  GAIN_PARAM ("b" #n "_gain_db", gain_label), \
  Q_PARAM ("b" #n "_q", q_label)

/* The labels are spelled out, not pasted from the band's number: xgettext reads each as one
 * string. */
static const StrataParamDesc eq_params[] = {
  EQ_BAND (1, 80, N_("Band 1 type"), N_("Band 1 frequency"), N_("Band 1 gain"),
           N_("Band 1 Q")),
  EQ_BAND (2, 250, N_("Band 2 type"), N_("Band 2 frequency"), N_("Band 2 gain"),
           N_("Band 2 Q")),
  EQ_BAND (3, 800, N_("Band 3 type"), N_("Band 3 frequency"), N_("Band 3 gain"),
           N_("Band 3 Q")),
  EQ_BAND (4, 2500, N_("Band 4 type"), N_("Band 4 frequency"), N_("Band 4 gain"),
           N_("Band 4 Q")),
  EQ_BAND (5, 6000, N_("Band 5 type"), N_("Band 5 frequency"), N_("Band 5 gain"),
           N_("Band 5 Q")),
  EQ_BAND (6, 12000, N_("Band 6 type"), N_("Band 6 frequency"), N_("Band 6 gain"),
           N_("Band 6 Q")),
};

static const StrataParamDesc low_shelf_params[] = {
  FREQ_PARAM ("freq", N_("Frequency"), 100),
  GAIN_PARAM ("gain_db", N_("Gain")),
  Q_PARAM ("q", N_("Q")),
};

static const StrataParamDesc high_shelf_params[] = {
  FREQ_PARAM ("freq", N_("Frequency"), 8000),
  GAIN_PARAM ("gain_db", N_("Gain")),
  Q_PARAM ("q", N_("Q")),
};

static const StrataParamDesc filter_params[] = {
  TYPE_PARAM ("mode", N_("Mode"), filter_modes, 0),
  FREQ_PARAM ("freq", N_("Frequency"), 1000),
  Q_PARAM ("q", N_("Q")),
};

static double
glide_value (const Glide *g, unsigned ramp)
{
  if (g->remaining == 0)
    return g->target;
  return g->target + (g->start - g->target) * ((double) g->remaining / ramp);
}

static void
glide_set (Glide *g, double value, unsigned ramp, bool at_once)
{
  if (at_once)
    {
      g->start = g->target = value;
      g->remaining = 0;
      return;
    }
  g->start = glide_value (g, ramp);
  g->target = value;
  g->remaining = ramp;
}

static void
glide_advance (Glide *g, unsigned frames)
{
  g->remaining = g->remaining > frames ? g->remaining - frames : 0;
}

/* The cookbook's coefficients, normalised by a0. */
static Coeffs
cookbook (BiquadType type, double rate, double freq, double gain_db, double q)
{
  double w0 = 2.0 * M_PI * freq / rate;
  double cw = cos (w0);
  double alpha = sin (w0) / (2.0 * q);
  double A = pow (10.0, gain_db / 40.0);
  double sa = 2.0 * sqrt (A) * alpha;
  double b[3], a[3];

  switch (type)
    {
    case BQ_PEAK:
      b[0] = 1.0 + alpha * A;
      b[1] = -2.0 * cw;
      b[2] = 1.0 - alpha * A;
      a[0] = 1.0 + alpha / A;
      a[1] = -2.0 * cw;
      a[2] = 1.0 - alpha / A;
      break;
    case BQ_LOW_SHELF:
      b[0] = A * ((A + 1.0) - (A - 1.0) * cw + sa);
      b[1] = 2.0 * A * ((A - 1.0) - (A + 1.0) * cw);
      b[2] = A * ((A + 1.0) - (A - 1.0) * cw - sa);
      a[0] = (A + 1.0) + (A - 1.0) * cw + sa;
      a[1] = -2.0 * ((A - 1.0) + (A + 1.0) * cw);
      a[2] = (A + 1.0) + (A - 1.0) * cw - sa;
      break;
    case BQ_HIGH_SHELF:
      b[0] = A * ((A + 1.0) + (A - 1.0) * cw + sa);
      b[1] = -2.0 * A * ((A - 1.0) + (A + 1.0) * cw);
      b[2] = A * ((A + 1.0) + (A - 1.0) * cw - sa);
      a[0] = (A + 1.0) - (A - 1.0) * cw + sa;
      a[1] = 2.0 * ((A - 1.0) - (A + 1.0) * cw);
      a[2] = (A + 1.0) - (A - 1.0) * cw - sa;
      break;
    case BQ_LOW_PASS:
      b[0] = b[2] = (1.0 - cw) / 2.0;
      b[1] = 1.0 - cw;
      break;
    case BQ_HIGH_PASS:
      b[0] = b[2] = (1.0 + cw) / 2.0;
      b[1] = -(1.0 + cw);
      break;
    case BQ_BAND_PASS:
      b[0] = alpha;
      b[1] = 0.0;
      b[2] = -alpha;
      break;
    case BQ_NOTCH:
      b[0] = b[2] = 1.0;
      b[1] = -2.0 * cw;
      break;
    case BQ_OFF:
    default:
      b[0] = 1.0;
      b[1] = b[2] = 0.0;
      a[0] = 1.0;
      a[1] = a[2] = 0.0;
      break;
    }
  /* The four gainless types share the cookbook's one denominator. */
  if (type == BQ_LOW_PASS || type == BQ_HIGH_PASS || type == BQ_BAND_PASS || type == BQ_NOTCH)
    {
      a[0] = 1.0 + alpha;
      a[1] = -2.0 * cw;
      a[2] = 1.0 - alpha;
    }
  return (Coeffs) { b[0] / a[0], b[1] / a[0], b[2] / a[0], a[1] / a[0], a[2] / a[0] };
}

static void
band_update (const Biquads *self, Band *band)
{
  band->c = cookbook (band->type, self->rate,
                      exp2 (glide_value (&band->log2_freq, self->ramp)),
                      glide_value (&band->gain_db, self->ramp),
                      exp (glide_value (&band->log_q, self->ramp)));
}

static bool
band_glide_done (const Band *band)
{
  return band->log2_freq.remaining == 0 && band->gain_db.remaining == 0
         && band->log_q.remaining == 0;
}

static void
band_set_type (Biquads *self, Band *band, BiquadType type)
{
  if (type == band->type)
    return;
  if (band->type == BQ_OFF)
    for (unsigned c = 0; c < MAX_CHANNELS; c++)
      band->z1[c] = band->z2[c] = 0.0;
  band->type = type;
  band_update (self, band);
}

/* The bands that are on run as the stages of a pipeline: at step t stage j filters frame t - j,
 * so that the stages' recurrences, each a chain of dependent multiplies and adds, are in flight
 * together instead of one after the other. Both channels run side by side as the two lanes of
 * a vector (a mono effect leaves the second lane silent). Every stage does the arithmetic of
 * its band alone, in the same order, and flushes at the same frames: where a chunk ends, a
 * chunk being the frames between two points of the BLOCK grid or an end of process(). So the
 * output is bit for bit that of the bands run one after the other, chunk by chunk. */
typedef double v2df __attribute__ ((vector_size (16)));
typedef long long v2di __attribute__ ((vector_size (16)));

_Static_assert (MAX_BANDS <= BLOCK, "the pipeline fills within a chunk");

typedef struct
{
  v2df k[5];     /* b0, b1, b2, a1, a2, in both lanes */
  v2df z1, z2;   /* the state at the span's start, then at its end */
} Stage;

/* Frame t of `io`, with `channels` interleaved, to and from the lanes. */
static inline __attribute__ ((always_inline)) v2df
frame_load (const float *io, long t, const unsigned channels)
{
  if (channels == 1)
    return (v2df) { io[t], 0.0 };
  return (v2df) { io[2 * t], io[2 * t + 1] };
}

static inline __attribute__ ((always_inline)) void
frame_store (float *io, long t, v2df y, const unsigned channels)
{
  if (channels == 1)
    io[t] = (float) y[0];
  else
    {
      io[2 * t] = (float) y[0];
      io[2 * t + 1] = (float) y[1];
    }
}

/* One biquad of transposed direct form II on both lanes. `heard` gathers the bits of every
 * input: it is a zero (of either sign) when every input was. */
static inline __attribute__ ((always_inline)) v2df
stage_tick (const Stage *st, v2df u, v2df *z1, v2df *z2, v2di *heard)
{
  v2df y = st->k[0] * u + *z1;

  *heard |= (v2di) u;
  *z1 = st->k[1] * u - st->k[3] * y + *z2;
  *z2 = st->k[2] * u - st->k[4] * y;
  return y;
}

/* Where a chunk ends: state below FLUSH is zeroed, or below SILENT_FLUSH when every input
 * since the last flush was a zero. Both at once: the states of a cut can be far larger than the
 * output they make together, and zeroing one alone would release the difference. */
static inline __attribute__ ((always_inline)) void
stage_flush (v2df *z1, v2df *z2, v2di *heard)
{
  const v2di magnitude = { INT64_MAX, INT64_MAX };
  const v2df silent_flush = { SILENT_FLUSH, SILENT_FLUSH }, flush = { FLUSH, FLUSH };
  v2di silent = (v2df) *heard == 0.0;
  v2df below = (v2df) (((v2di) silent_flush & silent) | ((v2di) flush & ~silent));
  v2di zero = ((v2df) ((v2di) *z1 & magnitude) < below)
              & ((v2df) ((v2di) *z2 & magnitude) < below);

  /* Lane by lane, and only when a lane is flushed: GCC builds a select on these masks from
   * scalar moves for SSE2. */
  for (unsigned c = 0; c < 2; c++)
    if (zero[c])
      (*z1)[c] = (*z2)[c] = 0.0;
  *heard = (v2di) { 0 };
}

/* Step t: stage j, from lo to hi, takes frame t - j from the stage before it (stage 0 from
 * `io`) and gives its output to the next (the last one back to `io`, nb - 1 frames behind).
 * The stages run from the last, so that each reads what the one before it gave at the step
 * before. Stage `flush` flushes first: its chunk ended with the step before. */
static inline __attribute__ ((always_inline)) void
stages_step (const Stage *restrict st, float *restrict io, long t, unsigned lo, unsigned hi,
             unsigned flush, const unsigned nb, const unsigned channels, v2df *z1, v2df *z2,
             v2df *in, v2di *heard)
{
#pragma GCC unroll 6
  for (unsigned j = nb; j-- > 0;)
    {
      v2df y;

      if (j == flush)
        stage_flush (&z1[j], &z2[j], &heard[j]);
      if (j < lo || j > hi)
        continue;
      y = stage_tick (&st[j], j == 0 ? frame_load (io, t, channels) : in[j], &z1[j], &z2[j],
                      &heard[j]);
      if (j + 1 < nb)
        in[j + 1] = y;
      else
        frame_store (io, t - j, y, channels);
    }
}

/* Runs `nb` stages over `m` >= nb frames of `io` in place; a chunk ends every BLOCK frames
 * and at the end. Where a chunk ends at frame t, stage j flushes at step t + j; the pipeline
 * fills at the start (stage j starts at step j) and drains at the end. */
static inline __attribute__ ((always_inline)) void
stages_run (Stage *restrict st, float *restrict io, long m, const unsigned nb,
            const unsigned channels)
{
  v2df z1[MAX_BANDS], z2[MAX_BANDS], in[MAX_BANDS] = { 0 };
  v2di heard[MAX_BANDS];

#pragma GCC unroll 6
  for (unsigned j = 0; j < nb; j++)
    {
      z1[j] = st[j].z1;
      z2[j] = st[j].z2;
      heard[j] = (v2di) { 0 };
    }
  for (long t = 0;;)
    {
      long end = t + BLOCK < m ? t + BLOCK : m;

      /* The first nb steps from a chunk's start, where the stages cross it one by one. */
      for (unsigned j = 0; j < nb; j++)
        stages_step (st, io, t + j, t == m ? j + 1 : 0, t == 0 ? j : nb - 1, t == 0 ? nb : j,
                     nb, channels, z1, z2, in, heard);
      if (t == m)
        break;
      for (long i = t + nb; i < end; i++)
        stages_step (st, io, i, 0, nb - 1, nb, nb, channels, z1, z2, in, heard);
      t = end;
    }
#pragma GCC unroll 6
  for (unsigned j = 0; j < nb; j++)
    {
      st[j].z1 = z1[j];
      st[j].z2 = z2[j];
    }
}

/* A chunk shorter than the pipeline: the bands one after the other, as they would be without
 * it. */
static void
stages_run_short (Stage *st, float *io, unsigned m, unsigned nb, unsigned channels)
{
  v2df x[MAX_BANDS];

  for (unsigned i = 0; i < m; i++)
    x[i] = frame_load (io, i, channels);
  for (unsigned j = 0; j < nb; j++)
    {
      v2df z1 = st[j].z1, z2 = st[j].z2;
      v2di heard = { 0 };

      for (unsigned i = 0; i < m; i++)
        x[i] = stage_tick (&st[j], x[i], &z1, &z2, &heard);
      stage_flush (&z1, &z2, &heard);
      st[j].z1 = z1;
      st[j].z2 = z2;
    }
  for (unsigned i = 0; i < m; i++)
    frame_store (io, i, x[i], channels);
}

/* A span of `m` frames from `phase` on the grid of BLOCK: its part on the grid runs through
 * one pipeline, the chunks before and after it through their own. */
static void
stages_span (Stage *st, float *io, unsigned channels, unsigned m, unsigned phase,
             unsigned nb)
{
  unsigned head = (BLOCK - phase) % BLOCK, tail;
  unsigned from[3], len[3];

  if (head > m)
    head = m;
  tail = (m - head) % BLOCK;
  from[0] = 0;
  len[0] = head;
  from[1] = head;
  len[1] = m - head - tail;
  from[2] = m - tail;
  len[2] = tail;
  for (unsigned p = 0; p < 3; p++)
    {
      float *part = io + channels * from[p];

      if (len[p] == 0)
        continue;
      if (len[p] < nb)
        {
          stages_run_short (st, part, len[p], nb, channels);
          continue;
        }
      /* One copy for each number of stages and channels, which the compiler unrolls. */
      switch (nb * 2 + channels - 1)
        {
        case 2: stages_run (st, part, len[p], 1, 1); break;
        case 3: stages_run (st, part, len[p], 1, 2); break;
        case 4: stages_run (st, part, len[p], 2, 1); break;
        case 5: stages_run (st, part, len[p], 2, 2); break;
        case 6: stages_run (st, part, len[p], 3, 1); break;
        case 7: stages_run (st, part, len[p], 3, 2); break;
        case 8: stages_run (st, part, len[p], 4, 1); break;
        case 9: stages_run (st, part, len[p], 4, 2); break;
        case 10: stages_run (st, part, len[p], 5, 1); break;
        case 11: stages_run (st, part, len[p], 5, 2); break;
        case 12: stages_run (st, part, len[p], 6, 1); break;
        default: stages_run (st, part, len[p], 6, 2); break;
        }
    }
}

static void
biquads_reset (StrataEffect *effect)
{
  Biquads *self = (Biquads *) effect;

  for (unsigned b = 0; b < self->n_bands; b++)
    {
      Band *band = &self->bands[b];

      for (unsigned c = 0; c < MAX_CHANNELS; c++)
        band->z1[c] = band->z2[c] = 0.0;
      glide_set (&band->log2_freq, band->log2_freq.target, self->ramp, true);
      glide_set (&band->gain_db, band->gain_db.target, self->ramp, true);
      glide_set (&band->log_q, band->log_q.target, self->ramp, true);
      band->gliding = false;
      band_update (self, band);
    }
  self->phase = 0;
  self->fresh = true;
}

static void
biquads_set_field (Biquads *self, unsigned b, unsigned field, double value)
{
  Band *band = &self->bands[b];
  Glide *glide;

  switch (field)
    {
    case FIELD_FREQ:
      glide = &band->log2_freq;
      value = log2 (fmin (value, MAX_FREQ * self->rate));
      break;
    case FIELD_GAIN:
      glide = &band->gain_db;
      break;
    case FIELD_Q:
      glide = &band->log_q;
      value = log (value);
      break;
    default:
      return;
    }
  if (value == glide->target && glide->remaining == 0)
    return;
  glide_set (glide, value, self->ramp, self->fresh);
  if (self->fresh)
    band_update (self, band);
  else
    band->gliding = true;
}

static void
biquads_process (StrataEffect *effect, float *frames, size_t n_frames)
{
  Biquads *self = (Biquads *) effect;
  const unsigned channels = self->channels;
  Stage st[MAX_BANDS];
  Band *on[MAX_BANDS];
  unsigned nb = 0;

  if (n_frames > 0)
    self->fresh = false;
  for (unsigned b = 0; b < self->n_bands; b++)
    if (self->bands[b].type != BQ_OFF)
      on[nb++] = &self->bands[b];
  while (n_frames > 0)
    {
      bool gliding = false;
      unsigned len;

      if (self->phase == 0)
        for (unsigned b = 0; b < self->n_bands; b++)
          if (self->bands[b].gliding)
            {
              band_update (self, &self->bands[b]);
              self->bands[b].gliding = !band_glide_done (&self->bands[b]);
            }
      for (unsigned b = 0; b < self->n_bands; b++)
        gliding |= self->bands[b].gliding;
      /* While a band glides, its coefficients change on every boundary of the grid: a span
       * ends there. Otherwise it runs over many, which the pipeline fills and drains once. */
      len = (gliding ? BLOCK : SPAN) - self->phase;
      if (len > n_frames)
        len = (unsigned) n_frames;
      if (nb > 0)
        {
          for (unsigned j = 0; j < nb; j++)
            {
              const Coeffs *k = &on[j]->c;

              st[j].k[0] = (v2df) { k->b0, k->b0 };
              st[j].k[1] = (v2df) { k->b1, k->b1 };
              st[j].k[2] = (v2df) { k->b2, k->b2 };
              st[j].k[3] = (v2df) { k->a1, k->a1 };
              st[j].k[4] = (v2df) { k->a2, k->a2 };
              st[j].z1 = (v2df) { on[j]->z1[0], on[j]->z1[1] };
              st[j].z2 = (v2df) { on[j]->z2[0], on[j]->z2[1] };
            }
          stages_span (st, frames, channels, len, self->phase, nb);
          for (unsigned j = 0; j < nb; j++)
            for (unsigned c = 0; c < 2; c++)
              {
                on[j]->z1[c] = st[j].z1[c];
                on[j]->z2[c] = st[j].z2[c];
              }
        }
      for (unsigned b = 0; b < self->n_bands; b++)
        if (self->bands[b].gliding)
          {
            glide_advance (&self->bands[b].log2_freq, len);
            glide_advance (&self->bands[b].gain_db, len);
            glide_advance (&self->bands[b].log_q, len);
          }
      self->phase = (self->phase + len) % BLOCK;
      frames += (size_t) len * channels;
      n_frames -= len;
    }
}

/* Frames until m r^(n-1) / (1 - r), the sum of m r^(k-1) over k >= n, is below `level`. */
static double
pole_frames (double m, double r, double level)
{
  if (r == 0.0 || m / (1.0 - r) <= level)
    return 1.0;
  return 1.0 + log (level * (1.0 - r) / m) / log (r);
}

/* The impulse response of a stable biquad is, from frame 1 on, h[n] = K_p p^n + K_q q^n over
 * its poles p, q (residues of H(z) z^(n-1)), |K_p p| = |N(p)| / |p - q| with N the numerator.
 * Input within [-1, 1] that stops leaves a ring of at most the sum of |h| from there on: below
 * `level` after the frames returned. `*l1` is the sum of all |h|, the most the band can
 * amplify another band's ring. */
static double
ring_frames (const Coeffs *c, double level, double *l1)
{
  double complex root = csqrt ((double complex) (c->a1 * c->a1 - 4.0 * c->a2));
  double complex pole[2] = { (-c->a1 + root) / 2.0, (-c->a1 - root) / 2.0 };
  /* Equal poles (Q = 0.5) make the residues infinite; the floor keeps a finite, loose bound. */
  double sep = fmax (cabs (pole[0] - pole[1]), 1e-6);
  double frames = 1.0;

  *l1 = fabs (c->b0);
  for (unsigned k = 0; k < 2; k++)
    {
      double complex p = pole[k];
      double r = cabs (p), m = cabs ((c->b0 * p + c->b1) * p + c->b2) / sep;

      if (!(r < 1.0))
        {
          *l1 = INFINITY;
          return INFINITY;
        }
      *l1 += m / (1.0 - r);
      frames = fmax (frames, pole_frames (m, r, level / 2.0));
    }
  return frames;
}

/* The bands ring one after the other: each band's ring must fall below -90 dBFS by as much
 * as the other bands can amplify it. */
static double
biquads_tail (const StrataEffect *effect)
{
  const Biquads *self = (const Biquads *) effect;
  Coeffs c[MAX_BANDS];
  double l1[MAX_BANDS], gain = 1.0, frames = 0.0;
  unsigned n = 0;

  for (unsigned b = 0; b < self->n_bands; b++)
    {
      const Band *band = &self->bands[b];

      if (band->type == BQ_OFF)
        continue;
      c[n] = cookbook (band->type, self->rate, exp2 (band->log2_freq.target),
                       band->gain_db.target, exp (band->log_q.target));
      ring_frames (&c[n], TAIL_LEVEL, &l1[n]);
      gain *= l1[n];
      n++;
    }
  if (!(gain < INFINITY))
    return MAX_TAIL_S;
  for (unsigned b = 0; b < n; b++)
    {
      double unused;

      frames = fmax (frames, ring_frames (&c[b], TAIL_LEVEL * l1[b] / gain, &unused));
    }
  return fmin (frames / self->rate, MAX_TAIL_S);
}

static void
biquads_destroy (StrataEffect *effect)
{
  free (effect);
}

/* A chain of `n_bands` bands of `type`, its parameters at their defaults through the class's
 * own set_param, so that the defaults and later values take one path. */
static StrataEffect *
biquads_new (const StrataEffectClass *klass, unsigned rate, unsigned channels, unsigned n_bands,
             BiquadType type)
{
  Biquads *self;

  if (rate == 0 || channels == 0 || channels > MAX_CHANNELS)
    return NULL;
  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;
  self->parent.klass = klass;
  self->rate = rate;
  self->channels = channels;
  self->ramp = strata_ramp_frames (rate);
  if (self->ramp == 0)
    self->ramp = 1;
  self->n_bands = n_bands;
  self->fresh = true;
  for (unsigned b = 0; b < n_bands; b++)
    self->bands[b].type = type;
  for (unsigned p = 0; p < klass->n_params; p++)
    klass->set_param (&self->parent, p, klass->params[p].def);
  biquads_reset (&self->parent);
  return &self->parent;
}

static BiquadType
choice_type (const BiquadType *map, size_t n, double value)
{
  size_t i = (size_t) value;

  return i < n ? map[i] : map[0];
}

static void
eq_set_param (StrataEffect *effect, unsigned index, double value)
{
  Biquads *self = (Biquads *) effect;
  unsigned b = index / 4, field = index % 4;

  if (b >= self->n_bands)
    return;
  if (field == FIELD_TYPE)
    band_set_type (self, &self->bands[b],
                   choice_type (eq_type_map, sizeof eq_type_map / sizeof eq_type_map[0], value));
  else
    biquads_set_field (self, b, field, value);
}

static StrataEffect *
eq_create (unsigned sample_rate, unsigned channels)
{
  return biquads_new (&strata_fx_eq, sample_rate, channels, MAX_BANDS, BQ_OFF);
}

/* freq, gain_db, q: the fields after the type, in order. */
static void
shelf_set_param (StrataEffect *effect, unsigned index, double value)
{
  biquads_set_field ((Biquads *) effect, 0, FIELD_FREQ + index, value);
}

static StrataEffect *
low_shelf_create (unsigned sample_rate, unsigned channels)
{
  return biquads_new (&strata_fx_low_shelf, sample_rate, channels, 1, BQ_LOW_SHELF);
}

static StrataEffect *
high_shelf_create (unsigned sample_rate, unsigned channels)
{
  return biquads_new (&strata_fx_high_shelf, sample_rate, channels, 1, BQ_HIGH_SHELF);
}

/* mode, freq, q: no gain, which the filter's types ignore. */
static void
filter_set_param (StrataEffect *effect, unsigned index, double value)
{
  Biquads *self = (Biquads *) effect;

  if (index == 0)
    band_set_type (self, &self->bands[0],
                   choice_type (filter_mode_map,
                                sizeof filter_mode_map / sizeof filter_mode_map[0], value));
  else
    biquads_set_field (self, 0, index == 1 ? FIELD_FREQ : FIELD_Q, value);
}

static StrataEffect *
filter_create (unsigned sample_rate, unsigned channels)
{
  return biquads_new (&strata_fx_filter, sample_rate, channels, 1, BQ_OFF);
}

#define N_PARAMS(params) (sizeof params / sizeof params[0])

const StrataEffectClass strata_fx_eq = {
  "eq", N_("Equalizer"),
  N_("Six bands, each a peak, shelf, cut or notch filter."),
  eq_params, N_PARAMS (eq_params),
  eq_create, biquads_destroy, biquads_reset, eq_set_param, biquads_process, NULL, biquads_tail,
};

const StrataEffectClass strata_fx_low_shelf = {
  "low_shelf", N_("Low Shelf"),
  N_("Raises or lowers everything below a frequency."),
  low_shelf_params, N_PARAMS (low_shelf_params),
  low_shelf_create, biquads_destroy, biquads_reset, shelf_set_param, biquads_process, NULL,
  biquads_tail,
};

const StrataEffectClass strata_fx_high_shelf = {
  "high_shelf", N_("High Shelf"),
  N_("Raises or lowers everything above a frequency."),
  high_shelf_params, N_PARAMS (high_shelf_params),
  high_shelf_create, biquads_destroy, biquads_reset, shelf_set_param, biquads_process, NULL,
  biquads_tail,
};

const StrataEffectClass strata_fx_filter = {
  "filter", N_("Filter"),
  N_("A low-pass, high-pass, band-pass or notch filter."),
  filter_params, N_PARAMS (filter_params),
  filter_create, biquads_destroy, biquads_reset, filter_set_param, biquads_process, NULL,
  biquads_tail,
};
