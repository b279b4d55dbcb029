/* strata-fx-reverb.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reverbs: freeverb, hall_reverb and plate_reverb (docs/effects.md).
 *
 * freeverb follows Jezar's published Freeverb topology: per side 8 parallel comb filters with a
 * one-pole low-pass in their feedback (the damping) and 4 series allpasses, the right side's
 * delays 23 samples longer (the stereo spread), every tuning given at 44.1 kHz and scaled to
 * the sample rate; input gain 0.015 on L + R, `width` mixes the two sides.
 *
 * hall_reverb and plate_reverb are one feedback delay network with two tunings: a predelay,
 * 4 Schroeder allpasses that diffuse the input, then 8 delay lines of mutually prime lengths
 * mixed by a normalised 8x8 Hadamard matrix. Each line's loop gain g_i = 10^(-3 L_i / (fs T))
 * makes every line lose 60 dB in T = decay_s whatever its length, so the whole network does:
 * the RT60 is decay_s. Each loop also holds a first-order high shelf built from a one-pole
 * low-pass at `damping`: unity gain well below it, g_i^(DAMPED_RATIO - 1) far above it, so
 * frequencies above `damping` decay DAMPED_RATIO times faster. The plate has shorter lines
 * (denser echoes) and a brighter default.
 *
 * Mono instances take their one channel as the input and give the left side's output; stereo
 * instances feed the network (L + R) / 2 (freeverb: L + R, as published) and take two
 * decorrelated outputs. `mix` is the linear crossfade of effects.md.
 *
 * Denormals and tails: every value fed back (delay line writes, filter states) below
 * FLUSH (-120 dBFS, well under the -90 dB a tail promises) is set to zero, so no denormal
 * ever enters a loop and silence after loud input comes out as exact zeros a fraction of a
 * second after the tail (the registry test needs them within a second).
 * Glides: mix, width and predelay move
 * every frame; decay and damping move every frame but the loop coefficients they give are
 * recomputed every COEF_INTERVAL frames counted from reset, which keeps the cost of pow() out
 * of the per-frame path and the output independent of the block size.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "strata-effect.h"
#include "strata-fx-ramp.h"

#define FLUSH 1e-6
#define COEF_INTERVAL 16
#define N_LINES 8
#define N_DIFFUSERS 4
#define DAMPED_RATIO 4.0
#define PREDELAY_MAX_MS 500.0
#define INV_SQRT_N_LINES 0.35355339059327373   /* 1 / sqrt (8): an orthonormal Hadamard */

static inline double
flush (double x)
{
  return fabs (x) < FLUSH ? 0.0 : x;
}

/* A circular delay of `len` frames: read the oldest, then write over it. */
typedef struct
{
  float *buf;
  unsigned len, pos;
} Line;

static bool
line_alloc (Line *l, unsigned len)
{
  l->len = len > 0 ? len : 1;
  l->pos = 0;
  l->buf = calloc (l->len, sizeof *l->buf);
  return l->buf != NULL;
}

static void
line_clear (Line *l)
{
  memset (l->buf, 0, l->len * sizeof *l->buf);
  l->pos = 0;
}

static inline double
line_read (const Line *l)
{
  return l->buf[l->pos];
}

static inline void
line_write (Line *l, double x)
{
  l->buf[l->pos] = (float) flush (x);
  if (++l->pos == l->len)
    l->pos = 0;
}

static unsigned
scaled_frames (double frames_at_44k1, unsigned rate)
{
  long n = lround (frames_at_44k1 * rate / 44100.0);

  return n > 1 ? (unsigned) n : 1;
}

/* ---- freeverb ---------------------------------------------------------------------------- */

#define FV_COMBS 8
#define FV_ALLPASSES 4
#define FV_SPREAD 23
#define FV_INPUT_GAIN 0.015
#define FV_SCALE_DAMP 0.4
#define FV_SCALE_ROOM 0.28
#define FV_OFFSET_ROOM 0.7
#define FV_ALLPASS_FEEDBACK 0.5

static const unsigned fv_comb_tuning[FV_COMBS] = {
  1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617,
};
static const unsigned fv_allpass_tuning[FV_ALLPASSES] = { 556, 441, 341, 225 };

enum { FV_ROOM_SIZE, FV_DAMPING, FV_WIDTH, FV_MIX, FV_N_PARAMS };

static const StrataParamDesc freeverb_params[FV_N_PARAMS] = {
  { "room_size", N_("Room size"), "", STRATA_PARAM_CONTINUOUS, 0.0, 1.0, 0.7, NULL, 0 },
  { "damping", N_("Damping"), "", STRATA_PARAM_CONTINUOUS, 0.0, 1.0, 0.5, NULL, 0 },
  { "width", N_("Width"), "", STRATA_PARAM_CONTINUOUS, 0.0, 1.0, 1.0, NULL, 0 },
  { "mix", N_("Mix"), "", STRATA_PARAM_CONTINUOUS, 0.0, 1.0, 0.25, NULL, 0 },
};

typedef struct
{
  Line combs[FV_COMBS];
  double store[FV_COMBS];   /* the combs' low-pass states */
  Line allpasses[FV_ALLPASSES];
} FreeverbSide;

typedef struct
{
  StrataEffect parent;
  unsigned rate, channels;
  StrataGlides glides;
  StrataRamp p[FV_N_PARAMS];
  FreeverbSide side[2];
} Freeverb;

static void
freeverb_destroy (StrataEffect *fx)
{
  Freeverb *self = (Freeverb *) fx;

  for (unsigned s = 0; s < 2; s++)
    {
      for (unsigned i = 0; i < FV_COMBS; i++)
        free (self->side[s].combs[i].buf);
      for (unsigned i = 0; i < FV_ALLPASSES; i++)
        free (self->side[s].allpasses[i].buf);
    }
  free (self);
}

static StrataEffect *
freeverb_create (unsigned sample_rate, unsigned channels)
{
  Freeverb *self = calloc (1, sizeof *self);
  bool ok = self != NULL;

  if (!ok)
    return NULL;
  self->parent.klass = &strata_fx_freeverb;
  self->rate = sample_rate;
  self->channels = channels;
  strata_glides_init (&self->glides, sample_rate);
  for (unsigned p = 0; p < FV_N_PARAMS; p++)
    strata_ramp_init (&self->p[p], freeverb_params[p].def);
  for (unsigned s = 0; s < channels && s < 2; s++)
    {
      for (unsigned i = 0; i < FV_COMBS; i++)
        ok = ok && line_alloc (&self->side[s].combs[i],
                               scaled_frames (fv_comb_tuning[i] + s * FV_SPREAD, sample_rate));
      for (unsigned i = 0; i < FV_ALLPASSES; i++)
        ok = ok && line_alloc (&self->side[s].allpasses[i],
                               scaled_frames (fv_allpass_tuning[i] + s * FV_SPREAD,
                                              sample_rate));
    }
  if (!ok)
    {
      freeverb_destroy (&self->parent);
      return NULL;
    }
  return &self->parent;
}

static void
freeverb_reset (StrataEffect *fx)
{
  Freeverb *self = (Freeverb *) fx;

  for (unsigned s = 0; s < self->channels && s < 2; s++)
    {
      for (unsigned i = 0; i < FV_COMBS; i++)
        line_clear (&self->side[s].combs[i]);
      memset (self->side[s].store, 0, sizeof self->side[s].store);
      for (unsigned i = 0; i < FV_ALLPASSES; i++)
        line_clear (&self->side[s].allpasses[i]);
    }
  strata_glides_settle (&self->glides, self->p, FV_N_PARAMS);
}

static void
freeverb_set_param (StrataEffect *fx, unsigned index, double value)
{
  Freeverb *self = (Freeverb *) fx;

  if (index < FV_N_PARAMS)
    strata_glides_set (&self->glides, &self->p[index], value, 0);
}

/* One side: the 8 combs in parallel, then the 4 allpasses in series. */
static inline double
freeverb_side (FreeverbSide *side, double in, double feedback, double damp)
{
  double out = 0.0;

  for (unsigned i = 0; i < FV_COMBS; i++)
    {
      Line *c = &side->combs[i];
      double y = line_read (c);

      side->store[i] = flush (y * (1.0 - damp) + side->store[i] * damp);
      line_write (c, in + side->store[i] * feedback);
      out += y;
    }
  for (unsigned i = 0; i < FV_ALLPASSES; i++)
    {
      Line *a = &side->allpasses[i];
      double delayed = line_read (a);

      line_write (a, out + delayed * FV_ALLPASS_FEEDBACK);
      out = delayed - out;
    }
  return out;
}

static void
freeverb_process (StrataEffect *fx, float *frames, size_t n_frames)
{
  Freeverb *self = (Freeverb *) fx;
  StrataRamp *p = self->p;

  if (n_frames > 0)
    self->glides.fresh = 0;
  for (size_t n = 0; n < n_frames; n++)
    {
      double feedback, damp, mix;

      strata_glides_tick (&self->glides, p, FV_N_PARAMS);
      feedback = p[FV_ROOM_SIZE].value * FV_SCALE_ROOM + FV_OFFSET_ROOM;
      damp = p[FV_DAMPING].value * FV_SCALE_DAMP;
      mix = p[FV_MIX].value;

      if (self->channels == 1)
        {
          float *x = &frames[n];
          /* As a stereo instance fed L = R: (L + R) * gain, one side out. */
          double wet = freeverb_side (&self->side[0], 2.0 * FV_INPUT_GAIN * *x, feedback, damp);

          *x = (float) ((1.0 - mix) * *x + mix * wet);
        }
      else
        {
          float *x = &frames[2 * n];
          double in = FV_INPUT_GAIN * ((double) x[0] + x[1]);
          double l = freeverb_side (&self->side[0], in, feedback, damp);
          double r = freeverb_side (&self->side[1], in, feedback, damp);
          double wet1 = p[FV_WIDTH].value / 2.0 + 0.5;
          double wet2 = (1.0 - p[FV_WIDTH].value) / 2.0;

          x[0] = (float) ((1.0 - mix) * x[0] + mix * (l * wet1 + r * wet2));
          x[1] = (float) ((1.0 - mix) * x[1] + mix * (r * wet1 + l * wet2));
        }
    }
}

/* The longest comb falls 90 dB after 90 / (-20 log10 feedback) round trips (its damping
 * low-pass has unity gain at DC), then passes the allpasses, which ring out far sooner. */
static double
freeverb_tail (const StrataEffect *fx)
{
  const Freeverb *self = (const Freeverb *) fx;
  const StrataRamp *room = &self->p[FV_ROOM_SIZE];
  double feedback = fmax (room->value, room->target) * FV_SCALE_ROOM + FV_OFFSET_ROOM;
  double frames = 90.0 / (-20.0 * log10 (feedback))
                  * scaled_frames (fv_comb_tuning[FV_COMBS - 1] + FV_SPREAD, self->rate);

  for (unsigned i = 0; i < FV_ALLPASSES; i++)
    frames += scaled_frames (fv_allpass_tuning[i] + FV_SPREAD, self->rate);
  return frames / self->rate;
}

const StrataEffectClass strata_fx_freeverb = {
  "freeverb", N_("Freeverb"),
  N_("Jezar's Freeverb: eight damped combs and four allpasses per side."),
  freeverb_params, FV_N_PARAMS,
  freeverb_create, freeverb_destroy, freeverb_reset, freeverb_set_param,
  freeverb_process, NULL, freeverb_tail,
};

/* ---- hall and plate: the feedback delay network ------------------------------------------ */

typedef struct
{
  double line_ms[N_LINES];          /* rounded to distinct primes at the sample rate */
  double diffuser_ms[N_DIFFUSERS];
  double diffuser_gain[N_DIFFUSERS];
} FdnTuning;

static const FdnTuning hall_tuning = {
  { 31.3, 37.9, 43.1, 49.7, 55.3, 61.9, 68.3, 77.1 },
  { 4.77, 3.59, 12.73, 9.31 },
  { 0.75, 0.75, 0.625, 0.625 },
};

static const FdnTuning plate_tuning = {
  { 9.7, 11.3, 13.1, 14.9, 16.7, 18.9, 21.1, 23.3 },
  { 2.9, 2.1, 7.7, 5.6 },
  { 0.75, 0.75, 0.7, 0.7 },
};

enum { FDN_DECAY, FDN_PREDELAY, FDN_DAMPING, FDN_MIX, FDN_N_PARAMS };

static const StrataParamDesc hall_params[FDN_N_PARAMS] = {
  { "decay_s", N_("Decay"), N_("s"), STRATA_PARAM_CONTINUOUS, 0.1, 20.0, 2.0, NULL,
    STRATA_PARAM_LOG },
  { "predelay_ms", N_("Predelay"), N_("ms"), STRATA_PARAM_CONTINUOUS, 0.0, PREDELAY_MAX_MS, 20.0,
    NULL, 0 },
  { "damping", N_("Damping"), N_("Hz"), STRATA_PARAM_CONTINUOUS, 500.0, 20000.0, 6000.0, NULL,
    STRATA_PARAM_LOG },
  { "mix", N_("Mix"), "", STRATA_PARAM_CONTINUOUS, 0.0, 1.0, 0.25, NULL, 0 },
};

static const StrataParamDesc plate_params[FDN_N_PARAMS] = {
  { "decay_s", N_("Decay"), N_("s"), STRATA_PARAM_CONTINUOUS, 0.1, 20.0, 1.5, NULL,
    STRATA_PARAM_LOG },
  { "predelay_ms", N_("Predelay"), N_("ms"), STRATA_PARAM_CONTINUOUS, 0.0, PREDELAY_MAX_MS, 0.0,
    NULL, 0 },
  { "damping", N_("Damping"), N_("Hz"), STRATA_PARAM_CONTINUOUS, 500.0, 20000.0, 8000.0, NULL,
    STRATA_PARAM_LOG },
  { "mix", N_("Mix"), "", STRATA_PARAM_CONTINUOUS, 0.0, 1.0, 0.25, NULL, 0 },
};

/* Signs of the output taps: orthogonal, so the two sides are decorrelated. */
static const double tap_left[N_LINES] = { 1, -1, 1, -1, 1, -1, 1, -1 };
static const double tap_right[N_LINES] = { 1, 1, -1, -1, 1, 1, -1, -1 };
#define TAP_GAIN 0.5

typedef struct
{
  StrataEffect parent;
  unsigned rate, channels;
  unsigned phase;           /* frames since reset, modulo COEF_INTERVAL */
  bool coef_dirty;
  StrataGlides glides;
  StrataRamp p[FDN_N_PARAMS];

  float *pre;               /* predelay: mono input history */
  unsigned pre_len, pre_pos;

  const FdnTuning *tuning;
  Line diffusers[N_DIFFUSERS];

  Line lines[N_LINES];
  double lp[N_LINES];       /* the damping low-passes' states: output ... */
  double lp_in[N_LINES];    /* ... and input */
  double c_direct[N_LINES]; /* loop gain times the shelf's direct part */
  double c_low[N_LINES];    /* ... and its low-passed part */
  double lp_pole, lp_zero_gain;
} Fdn;

static bool
is_prime (unsigned n)
{
  if (n < 2)
    return false;
  for (unsigned d = 2; d * d <= n; d++)
    if (n % d == 0)
      return false;
  return true;
}

/* The predelay glides in frames and rests on a whole number of them. */
static double
predelay_frames (double ms, unsigned rate)
{
  return floor (ms * rate / 1000.0 + 0.5);
}

static void
fdn_destroy (StrataEffect *fx)
{
  Fdn *self = (Fdn *) fx;

  free (self->pre);
  for (unsigned i = 0; i < N_DIFFUSERS; i++)
    free (self->diffusers[i].buf);
  for (unsigned i = 0; i < N_LINES; i++)
    free (self->lines[i].buf);
  free (self);
}

/* Loop gains from the current decay, the shelf from the current damping. */
static void
fdn_update_coefs (Fdn *self)
{
  double decay = self->p[FDN_DECAY].value;
  double corner = fmin (self->p[FDN_DAMPING].value, 0.49 * self->rate);
  double k_lp = tan (M_PI * corner / self->rate);

  /* Bilinear one-pole low-pass: -3 dB at `corner` exactly, so a damping at 20 kHz leaves the
   * audio band's decay alone (the impulse-invariant pole would still cut above 5 kHz). */
  self->lp_pole = (1.0 - k_lp) / (1.0 + k_lp);
  self->lp_zero_gain = (1.0 - self->lp_pole) / 2.0;
  for (unsigned i = 0; i < N_LINES; i++)
    {
      double g = pow (10.0, -3.0 * self->lines[i].len / (self->rate * decay));
      double k = 1.0 - pow (g, DAMPED_RATIO - 1.0);

      self->c_direct[i] = g * (1.0 - k);
      self->c_low[i] = g * k;
    }
  self->coef_dirty = false;
}

static StrataEffect *
fdn_create (const StrataEffectClass *klass,
            const FdnTuning         *tuning,
            unsigned                 rate,
            unsigned                 channels)
{
  Fdn *self = calloc (1, sizeof *self);
  bool ok = self != NULL;
  unsigned used[N_LINES];

  if (!ok)
    return NULL;
  self->parent.klass = klass;
  self->tuning = tuning;
  self->rate = rate;
  self->channels = channels;
  strata_glides_init (&self->glides, rate);
  for (unsigned p = 0; p < FDN_N_PARAMS; p++)
    strata_ramp_init (&self->p[p], klass->params[p].def);
  strata_ramp_init (&self->p[FDN_PREDELAY],
                    predelay_frames (klass->params[FDN_PREDELAY].def, rate));

  self->pre_len = (unsigned) ceil (PREDELAY_MAX_MS * rate / 1000.0) + 2;
  self->pre = calloc (self->pre_len, sizeof *self->pre);
  ok = self->pre != NULL;
  for (unsigned i = 0; i < N_DIFFUSERS; i++)
    ok = ok && line_alloc (&self->diffusers[i],
                           (unsigned) lround (tuning->diffuser_ms[i] * rate / 1000.0));
  /* Distinct primes share no factor, so the lines' echoes never pile up on one frame. */
  for (unsigned i = 0; i < N_LINES; i++)
    {
      unsigned n = (unsigned) lround (tuning->line_ms[i] * rate / 1000.0);
      bool taken;

      do
        {
          while (!is_prime (n))
            n++;
          taken = false;
          for (unsigned j = 0; j < i; j++)
            taken = taken || used[j] == n;
          if (taken)
            n++;
        }
      while (taken);
      used[i] = n;
      ok = ok && line_alloc (&self->lines[i], n);
    }
  if (!ok)
    {
      fdn_destroy (&self->parent);
      return NULL;
    }
  fdn_update_coefs (self);
  return &self->parent;
}

static void
fdn_reset (StrataEffect *fx)
{
  Fdn *self = (Fdn *) fx;

  memset (self->pre, 0, self->pre_len * sizeof *self->pre);
  self->pre_pos = 0;
  for (unsigned i = 0; i < N_DIFFUSERS; i++)
    line_clear (&self->diffusers[i]);
  for (unsigned i = 0; i < N_LINES; i++)
    line_clear (&self->lines[i]);
  memset (self->lp, 0, sizeof self->lp);
  memset (self->lp_in, 0, sizeof self->lp_in);
  strata_glides_settle (&self->glides, self->p, FDN_N_PARAMS);
  self->phase = 0;
  fdn_update_coefs (self);
}

static void
fdn_set_param (StrataEffect *fx, unsigned index, double value)
{
  Fdn *self = (Fdn *) fx;

  if (index >= FDN_N_PARAMS)
    return;
  if (index == FDN_PREDELAY)
    value = predelay_frames (value, self->rate);
  strata_glides_set (&self->glides, &self->p[index], value, 0);
  if (self->glides.fresh)
    fdn_update_coefs (self);
}

/* The predelay read `delay` frames back, linear between frames while it glides. */
static inline double
fdn_predelay (Fdn *self, double in, double delay)
{
  unsigned whole = (unsigned) delay;
  double frac = delay - whole;
  unsigned a = (self->pre_pos + self->pre_len - whole) % self->pre_len;
  unsigned b = (a + self->pre_len - 1) % self->pre_len;
  double out;

  self->pre[self->pre_pos] = (float) in;
  out = self->pre[a];
  if (frac > 0.0)
    out += frac * (self->pre[b] - out);
  if (++self->pre_pos == self->pre_len)
    self->pre_pos = 0;
  return out;
}

/* In-place 8-point fast Walsh-Hadamard transform, normalised: orthogonal, so lossless. */
static inline void
hadamard8 (double *v)
{
  for (unsigned h = 1; h < N_LINES; h *= 2)
    for (unsigned i = 0; i < N_LINES; i += 2 * h)
      for (unsigned j = i; j < i + h; j++)
        {
          double a = v[j], b = v[j + h];

          v[j] = a + b;
          v[j + h] = a - b;
        }
  for (unsigned i = 0; i < N_LINES; i++)
    v[i] *= INV_SQRT_N_LINES;
}

/* One mono input frame through the network; the two sides' wet outputs. */
static inline void
fdn_tick (Fdn *self, double in, double *left, double *right)
{
  double x = fdn_predelay (self, in, self->p[FDN_PREDELAY].value);
  double v[N_LINES];
  double l = 0.0, r = 0.0;

  for (unsigned i = 0; i < N_DIFFUSERS; i++)
    {
      Line *d = &self->diffusers[i];
      double g = self->tuning->diffuser_gain[i];
      double delayed = line_read (d);
      double w = x + g * delayed;

      line_write (d, w);
      x = delayed - g * w;
    }
  for (unsigned i = 0; i < N_LINES; i++)
    {
      double y = line_read (&self->lines[i]);

      l += tap_left[i] * y;
      r += tap_right[i] * y;
      self->lp[i] = flush (self->lp_zero_gain * (y + self->lp_in[i])
                           + self->lp_pole * self->lp[i]);
      self->lp_in[i] = y;
      v[i] = self->c_direct[i] * y + self->c_low[i] * self->lp[i];
    }
  hadamard8 (v);
  for (unsigned i = 0; i < N_LINES; i++)
    line_write (&self->lines[i], v[i] + INV_SQRT_N_LINES * x);
  *left = TAP_GAIN * l;
  *right = TAP_GAIN * r;
}

static void
fdn_process (StrataEffect *fx, float *frames, size_t n_frames)
{
  Fdn *self = (Fdn *) fx;
  StrataRamp *p = self->p;

  if (n_frames > 0)
    self->glides.fresh = 0;
  for (size_t n = 0; n < n_frames; n++)
    {
      double l, r, mix;

      /* Only a moving decay or damping changes the loop coefficients. */
      if (p[FDN_DECAY].left > 0 || p[FDN_DAMPING].left > 0)
        self->coef_dirty = true;
      strata_glides_tick (&self->glides, p, FDN_N_PARAMS);
      if (self->phase == 0 && self->coef_dirty)
        fdn_update_coefs (self);
      if (++self->phase == COEF_INTERVAL)
        self->phase = 0;
      mix = p[FDN_MIX].value;

      if (self->channels == 1)
        {
          float *x = &frames[n];

          fdn_tick (self, *x, &l, &r);
          *x = (float) ((1.0 - mix) * *x + mix * l);
        }
      else
        {
          float *x = &frames[2 * n];

          fdn_tick (self, 0.5 * ((double) x[0] + x[1]), &l, &r);
          x[0] = (float) ((1.0 - mix) * x[0] + mix * l);
          x[1] = (float) ((1.0 - mix) * x[1] + mix * r);
        }
    }
}

/* 90 dB at 60 dB per decay_s, after the predelay and the longest first path. */
static double
fdn_tail (const StrataEffect *fx)
{
  const Fdn *self = (const Fdn *) fx;
  const StrataRamp *decay = &self->p[FDN_DECAY], *pre = &self->p[FDN_PREDELAY];
  double longest = self->lines[N_LINES - 1].len;

  for (unsigned i = 0; i < N_DIFFUSERS; i++)
    longest += self->diffusers[i].len;
  return 1.5 * fmax (decay->value, decay->target)
         + (fmax (pre->value, pre->target) + longest) / self->rate;
}

static StrataEffect *
hall_reverb_create (unsigned sample_rate, unsigned channels)
{
  return fdn_create (&strata_fx_hall_reverb, &hall_tuning, sample_rate, channels);
}

const StrataEffectClass strata_fx_hall_reverb = {
  "hall_reverb", N_("Hall reverb"),
  N_("A hall: a diffused feedback delay network whose RT60 below the damping frequency is the "
     "decay."),
  hall_params, FDN_N_PARAMS,
  hall_reverb_create, fdn_destroy, fdn_reset, fdn_set_param,
  fdn_process, NULL, fdn_tail,
};

static StrataEffect *
plate_reverb_create (unsigned sample_rate, unsigned channels)
{
  return fdn_create (&strata_fx_plate_reverb, &plate_tuning, sample_rate, channels);
}

const StrataEffectClass strata_fx_plate_reverb = {
  "plate_reverb", N_("Plate reverb"),
  N_("A plate: a denser, brighter feedback delay network with shorter lines than the hall."),
  plate_params, FDN_N_PARAMS,
  plate_reverb_create, fdn_destroy, fdn_reset, fdn_set_param,
  fdn_process, NULL, fdn_tail,
};
