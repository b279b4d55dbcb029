/* strata-fx-dynamics.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dynamics: compressor, limiter, expander, gate; and utility (docs/effects.md). A stereo
 * instance runs one detector on the larger of its two channels and applies one gain to both,
 * so the image holds. Levels are peak levels in dB; per frame, with p = max |x_c|:
 *
 *  compressor  detector e = max (p, e * exp (-1 / release)): it jumps to the sample peak and
 *              falls with the time constant release_ms. With X = 20 log10 (e), T the threshold,
 *              R the ratio, W the knee, the static gain change (Giannoulis, Massberg & Reiss):
 *                2 (X - T) < -W:     G = 0
 *                2 |X - T| <= W:     G = (1 / R - 1) (X - T + W / 2)^2 / (2 W)
 *                2 (X - T) > W:      G = (1 / R - 1) (X - T)
 *              so above the knee out = T + (in - T) / R. A deeper G is reached through a
 *              one-pole of time constant attack_ms (in dB); a shallower one at once (the
 *              detector's fall already times the release). Then makeup_db.
 *  expander    the same detector; below the threshold G = (R - 1) (X - T), so that
 *              out = T + (in - T) R, floored at EXPANDER_FLOOR_DB; the gain opens through the
 *              attack_ms one-pole and closes as the detector falls.
 *  gate        open while p > threshold and for hold_ms after; then the gain falls linearly in
 *              dB from 0 to range_db over release_ms; it opens again linearly over attack_ms.
 *              A signal below the threshold is attenuated by exactly range_db once hold and
 *              release have passed.
 *  limiter     look-ahead peak limiter: the gain needed by each frame (ceiling / peak, the peak
 *              read 4x oversampled as BS.1770-4 Annex 2 when true_peak, with the true-peak
 *              meter's interpolation filter) goes through a sliding minimum, a release back to
 *              exactly 1.0 in release_ms, and a moving average that ramps it down linearly over
 *              the look-ahead, complete before the peak leaves the delay line. Deficits are
 *              summed as integers so a signal under the ceiling comes out bit-exact, delayed by
 *              lookahead_ms (LIMITER_MIN_MS..LIMITER_MAX_MS). lookahead_ms and true_peak apply
 *              at once (a gliding delay would bend the pitch); while the windows refill after
 *              such a change the output is also clipped at the ceiling.
 *  utility     gain_db (exact: 0 dB is bit-exact), invert_left/right, then width w as
 *              L' = L (1 + w) / 2 + R (1 - w) / 2, R' = R (1 + w) / 2 + L (1 - w) / 2
 *              (w = 1 bit-exact, w = 0 the mono sum (L + R) / 2 on both); mono forces w = 0.
 *              A mono instance has one channel: invert_left inverts it, width and mono do
 *              nothing.
 *
 * Continuous parameters glide linearly over STRATA_EFFECT_RAMP_MS per frame (gains in dB); a
 * value set before the first block after create or reset applies at once.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strata-effect.h"
#include "strata-fast-math.h"
#include "strata-fx-ramp.h"
#include "strata-sliding-min.h"
#include "strata-true-peak.h"

#define MAX_CHANNELS 2
#define MAX_PARAMS 6
#define FLUSH 1e-20                  /* detector levels below this are silence */
#define SILENCE_DB -400.0            /* the level of silence in the gain computers */
#define SETTLED_DB 1e-9              /* a gain this close to its goal has reached it */
#define EXPANDER_FLOOR_DB -120.0
#define LIMITER_MIN_MS 2.0
#define LIMITER_MAX_MS 20.0
#define LIMITER_MARGIN_DB 0.2        /* true peak: the interpolated estimate's error */
#define LIMITER_SAMPLE_MARGIN_DB 0.001  /* sample peak: float rounding only */
/* The release heads for 1 + this, clipped at 1, so it ends in finite time. */
#define RELEASE_OVERSHOOT 0.1
#define FIX_ONE 1099511627776.0      /* 2^40 */
#define TP_TAPS STRATA_TRUE_PEAK_TAPS
#define TP_CENTRE (TP_TAPS / 2)      /* the interpolated point lies this many frames back */
#define TP_MAX_FACTOR 4

#define CONT(name, label, unit, min, max, def, flags) \
  { name, label, unit, STRATA_PARAM_CONTINUOUS, min, max, def, NULL, flags }
#define TOGGLE(name, label, def) \
  { name, label, "", STRATA_PARAM_TOGGLE, 0.0, 1.0, def, NULL, STRATA_PARAM_LINEAR }

/* ---- parameters and glides ------------------------------------------------------------------ */

/* What every effect here starts with: the parameters' current values (toggles too, which
 * never glide) and their glides. */
typedef struct
{
  StrataEffect parent;
  unsigned     channels;
  double       rate;
  StrataGlides glides;
  StrataRamp   p[MAX_PARAMS];
} Base;

static int
base_init (Base *base, const StrataEffectClass *klass, unsigned rate, unsigned channels)
{
  if (rate == 0 || channels == 0 || channels > MAX_CHANNELS || klass->n_params > MAX_PARAMS)
    return 0;
  base->parent.klass = klass;
  base->channels = channels;
  base->rate = rate;
  strata_glides_init (&base->glides, rate);
  for (unsigned i = 0; i < klass->n_params; i++)
    strata_ramp_init (&base->p[i], klass->params[i].def);
  return 1;
}

/* Returns true when the value changed at once (a toggle, or nothing processed yet). */
static int
base_set (Base *base, unsigned index, double value)
{
  const StrataParamDesc *desc = &base->parent.klass->params[index];

  return strata_glides_set (&base->glides, &base->p[index], value,
                            desc->kind != STRATA_PARAM_CONTINUOUS);
}

/* One frame on: true while gliding (some value changed). */
static inline int
base_tick (Base *base)
{
  return strata_glides_tick (&base->glides, base->p, base->parent.klass->n_params);
}

static void
base_reset (Base *base)
{
  strata_glides_settle (&base->glides, base->p, base->parent.klass->n_params);
}

static void
base_destroy (StrataEffect *self)
{
  free (self);
}

static double
db_gain (double db)
{
  return exp2 (db * (M_LN10 / (20.0 * M_LN2)));   /* 10^(db / 20); exp2 is cheaper than pow */
}

/* A one-pole's coefficient for a time constant in ms; 0 (instant) for no time. */
static double
time_coeff (double ms, double rate)
{
  double frames = ms * rate / 1000.0;

  return frames > 0.0 ? exp (-1.0 / frames) : 0.0;
}

static double
frame_peak (const float *frame, unsigned channels)
{
  double peak = 0.0;

  for (unsigned c = 0; c < channels; c++)
    {
      double v = fabs ((double) frame[c]);

      if (v > peak)
        peak = v;
    }
  return peak;
}

/* Multiplies a frame by 10^(db / 20), reusing the last gain while db stays the same. */
typedef struct
{
  double db;
  double gain;
} GainCache;

static inline void
apply_db (GainCache *cache, float *frame, unsigned channels, double db)
{
  if (db != cache->db)
    {
      cache->db = db;
      cache->gain = strata_fast_db_to_gain (db);
    }
  for (unsigned c = 0; c < channels; c++)
    frame[c] = (float) (cache->gain * (double) frame[c]);
}

/* ---- compressor and expander ------------------------------------------------------------- */

/* The expander's parameters are the compressor's first four. */
enum { DYN_THRESHOLD, DYN_RATIO, DYN_ATTACK, DYN_RELEASE, DYN_KNEE, DYN_MAKEUP, DYN_N_PARAMS };
#define EXP_N_PARAMS DYN_KNEE

static const StrataParamDesc compressor_params[DYN_N_PARAMS] = {
  CONT ("threshold_db", N_("Threshold"), N_("dB"), -60.0, 0.0, -18.0, STRATA_PARAM_LINEAR),
  CONT ("ratio", N_("Ratio"), N_(":1"), 1.0, 50.0, 4.0, STRATA_PARAM_LOG),
  CONT ("attack_ms", N_("Attack"), N_("ms"), 0.0, 500.0, 10.0, STRATA_PARAM_LOG),
  CONT ("release_ms", N_("Release"), N_("ms"), 1.0, 5000.0, 100.0, STRATA_PARAM_LOG),
  CONT ("knee_db", N_("Knee"), N_("dB"), 0.0, 24.0, 0.0, STRATA_PARAM_LINEAR),
  CONT ("makeup_db", N_("Makeup"), N_("dB"), 0.0, 36.0, 0.0, STRATA_PARAM_LINEAR),
};

static const StrataParamDesc expander_params[EXP_N_PARAMS] = {
  CONT ("threshold_db", N_("Threshold"), N_("dB"), -90.0, 0.0, -40.0, STRATA_PARAM_LINEAR),
  CONT ("ratio", N_("Ratio"), N_(":1"), 1.0, 20.0, 2.0, STRATA_PARAM_LOG),
  CONT ("attack_ms", N_("Attack"), N_("ms"), 0.0, 500.0, 5.0, STRATA_PARAM_LOG),
  CONT ("release_ms", N_("Release"), N_("ms"), 1.0, 5000.0, 100.0, STRATA_PARAM_LOG),
};

typedef struct
{
  Base      base;
  int       expand;
  /* From the parameters. */
  double    threshold, slope, makeup, attack_coeff, release_coeff;
  double    curve_lo, curve_hi;  /* the knee's ends; the expander's, SILENCE_DB and T */
  double    knee_scale;     /* slope / (2 knee_db), 0 for a hard knee */
  double    floor_db;       /* EXPANDER_FLOOR_DB */
  double    release_db;     /* 20 log10 (release_coeff): the detector's fall per frame */
  double    attack_settle;  /* SETTLED_DB / attack_coeff */
  /* State. */
  double    env;            /* detector, linear */
  double    peak_db;        /* the detector in dB is peak_db + since * release_db */
  double    since;          /* frames since that peak */
  double    change;         /* gain change in dB, after the attack */
} Dyn;

static void
dyn_update (Dyn *self)
{
  const StrataRamp *p = self->base.p;

  /* The detector in dB restarts from where it is, to fall at the new rate from here. */
  self->peak_db += self->since * self->release_db;
  self->since = 0.0;
  self->threshold = p[DYN_THRESHOLD].value;
  self->attack_coeff = time_coeff (p[DYN_ATTACK].value, self->base.rate);
  self->release_coeff = time_coeff (p[DYN_RELEASE].value, self->base.rate);
  self->release_db = 20.0 * log10 (self->release_coeff);
  self->attack_settle = self->attack_coeff > 0.0 ? SETTLED_DB / self->attack_coeff : INFINITY;
  self->floor_db = EXPANDER_FLOOR_DB;
  if (self->expand)
    {
      self->slope = p[DYN_RATIO].value - 1.0;
      self->makeup = 0.0;
      self->knee_scale = 0.0;
      self->curve_lo = SILENCE_DB;
      self->curve_hi = self->threshold;
    }
  else
    {
      double knee = p[DYN_KNEE].value;

      self->slope = 1.0 / p[DYN_RATIO].value - 1.0;
      self->makeup = p[DYN_MAKEUP].value;
      self->knee_scale = knee > 0.0 ? self->slope / (2.0 * knee) : 0.0;
      self->curve_lo = self->threshold - knee / 2.0;
      self->curve_hi = self->threshold + knee / 2.0;
    }
}

static void
dyn_reset (StrataEffect *effect)
{
  Dyn *self = (Dyn *) effect;

  base_reset (&self->base);
  self->env = 0.0;
  self->peak_db = SILENCE_DB;
  self->since = 0.0;
  self->change = 0.0;
  dyn_update (self);
}

static StrataEffect *
dyn_create (const StrataEffectClass *klass, unsigned rate, unsigned channels, int expand)
{
  Dyn *self = calloc (1, sizeof *self);

  if (self == NULL || !base_init (&self->base, klass, rate, channels))
    {
      free (self);
      return NULL;
    }
  self->expand = expand;
  dyn_reset (&self->base.parent);
  return &self->base.parent;
}

static void
dyn_set_param (StrataEffect *effect, unsigned index, double value)
{
  Dyn *self = (Dyn *) effect;

  if (base_set (&self->base, index, value))
    dyn_update (self);
}

/* A block goes through in chunks of up to DYN_CHUNK frames, each in three passes: the frames'
 * peaks; one serial loop for the detector, the static curve and the attack, which yields each
 * frame's gain change in dB; then the gains applied, in a loop the compiler vectorises. The
 * detector is kept twice: linear, to tell a new peak, and in dB, as the last peak's level
 * less release_db per frame since, exact to a rounding or two: so the one log2 a frame may
 * need is that of a new peak, as a rule a small share of the frames. Every frame goes through
 * the same arithmetic whatever the chunk it falls in, so the output does not depend on the
 * block size; while a parameter glides the chunks are one frame long, each after its frame's
 * update. */
#define DYN_CHUNK 128

/* Each frame's peak over its channels (one or two). A NaN sample does not count: the other
 * channel's is the peak, and a NaN peak is never above the detector. */
static void
dyn_peaks (const float *frames, unsigned channels, size_t n, double *peak)
{
  if (channels == 2)
    for (size_t i = 0; i < n; i++)
      {
        float l = fabsf (frames[2 * i]), r = fabsf (frames[2 * i + 1]);

        l = l > 0.0f ? l : 0.0f;
        peak[i] = r > l ? r : l;
      }
  else
    for (size_t i = 0; i < n; i++)
      peak[i] = fabsf (frames[i]);
}

enum { CURVE_HARD, CURVE_SOFT, CURVE_EXPAND };

/* From n frames' peaks, in place, to the gain changes in dB after the attack (see the top of
 * the file); returns the deepest. The curves clamp the level with min and max of variables
 * (GCC turns a clamp at a constant into a branch):
 *  - hard knee: (1 / R - 1) (max (X, T) - T);
 *  - soft knee: within it x^2 / (2 W) with x = X - (T - W / 2), above it W / 2 plus the rest
 *    of X - T, which sum to X - T;
 *  - expander: (R - 1) (min (X, T) - T), X at least SILENCE_DB (the detector under FLUSH),
 *    the change at least EXPANDER_FLOOR_DB.
 * A change is never positive, and never below -6101 dB even for an infinite input (X at most
 * 20 log10 (2) 1024 dB, strata_fast_log2's value for it), well inside strata_fast_exp2's
 * range. The attack is the one-pole c' = a c + (1 - a) t, landing on t at once when it would
 * come within SETTLED_DB of it, that is when a |c - t| < SETTLED_DB: so the loop carries only
 * a multiply and an add from one frame to the next. It times the way a rising level moves the
 * gain: down for the compressor, up for the expander. */
static inline double
dyn_changes (Dyn *self, double *buf, size_t n, const int curve)
{
  const double release = self->release_coeff, fall = self->release_db;
  const double threshold = self->threshold, slope = self->slope;
  const double lo = self->curve_lo, hi = self->curve_hi, scale = self->knee_scale;
  const double floor_db = self->floor_db;
  const double coeff = self->attack_coeff, rest = 1.0 - coeff, settle = self->attack_settle;
  double env = self->env, peak_db = self->peak_db, since = self->since;
  double change = self->change, deepest = 0.0, level = peak_db;

  for (size_t i = 0; i < n; i++)
    {
      double p = buf[i];
      double target, ahead, next;

      env *= release;
      since += 1.0;
      if (p > env)
        {
          env = p;
          peak_db = strata_fast_gain_to_db (p);
          since = 0.0;
        }
      level = peak_db + since * fall;

      if (curve == CURVE_HARD)
        target = slope * ((level > threshold ? level : threshold) - threshold);
      else if (curve == CURVE_SOFT)
        {
          double x = level > lo ? level : lo;
          double above = level > hi ? level : hi;

          x = x < hi ? x : hi;
          target = scale * (x - lo) * (x - lo) + slope * (above - hi);
        }
      else
        {
          double x = level > lo ? level : lo;

          x = x < hi ? x : hi;
          target = slope * (x - hi);
          target = target > floor_db ? target : floor_db;
        }

      ahead = change - target;   /* > 0: the compressor's gain is still to fall */
      next = coeff * change + rest * target;
      change = (curve == CURVE_EXPAND ? ahead < -settle : ahead > settle) ? next : target;
      buf[i] = change;
      deepest = change < deepest ? change : deepest;
    }

  /* A detector under FLUSH (SILENCE_DB) is silence to the curves and stays under it until a
   * new peak replaces it: flushing it once a chunk rather than every frame changes no output
   * and keeps denormals away all the same. */
  self->env = env < FLUSH ? 0.0 : env;
  if (level < SILENCE_DB)
    {
      peak_db = SILENCE_DB;
      since = 0.0;
    }
  self->peak_db = peak_db;
  self->since = since;
  self->change = change;
  return deepest;
}

/* Frames (of one or two channels) times 10^((change + makeup) / 20). */
static void
dyn_apply (float *frames, unsigned channels, const double *change, double makeup, size_t n)
{
  if (channels == 2)
    for (size_t i = 0; i < n; i++)
      {
        double gain = strata_fast_db_to_gain (change[i] + makeup);

        frames[2 * i] = (float) (gain * (double) frames[2 * i]);
        frames[2 * i + 1] = (float) (gain * (double) frames[2 * i + 1]);
      }
  else
    for (size_t i = 0; i < n; i++)
      frames[i] = (float) (strata_fast_db_to_gain (change[i] + makeup) * (double) frames[i]);
}

static void
dyn_process (StrataEffect *effect, float *frames, size_t n_frames)
{
  Dyn *self = (Dyn *) effect;
  const unsigned channels = self->base.channels;
  double buf[DYN_CHUNK];

  self->base.glides.fresh = 0;
  while (n_frames > 0)
    {
      size_t n = n_frames < DYN_CHUNK ? n_frames : DYN_CHUNK;
      double deepest;

      if (base_tick (&self->base))
        {
          dyn_update (self);
          n = 1;
        }
      dyn_peaks (frames, channels, n, buf);
      if (self->expand)
        deepest = dyn_changes (self, buf, n, CURVE_EXPAND);
      else if (self->knee_scale != 0.0)
        deepest = dyn_changes (self, buf, n, CURVE_SOFT);
      else
        deepest = dyn_changes (self, buf, n, CURVE_HARD);
      /* The changes are never positive: at 0 dB throughout, the frames stay as they are. */
      if (deepest < 0.0 || self->makeup != 0.0)
        dyn_apply (frames, channels, buf, self->makeup, n);
      frames += n * channels;
      n_frames -= n;
    }
}

static double
dyn_tail (const StrataEffect *effect)
{
  const Dyn *self = (const Dyn *) effect;

  return self->base.p[DYN_RELEASE].value / 1000.0;
}

static StrataEffect *
compressor_create (unsigned rate, unsigned channels)
{
  return dyn_create (&strata_fx_compressor, rate, channels, 0);
}

static StrataEffect *
expander_create (unsigned rate, unsigned channels)
{
  return dyn_create (&strata_fx_expander, rate, channels, 1);
}

const StrataEffectClass strata_fx_compressor = {
  "compressor", N_("Compressor"),
  N_("Lowers the level above the threshold by the ratio, with a soft knee and makeup gain."),
  compressor_params, DYN_N_PARAMS,
  compressor_create, base_destroy, dyn_reset, dyn_set_param, dyn_process, NULL, dyn_tail,
};

const StrataEffectClass strata_fx_expander = {
  "expander", N_("Expander"),
  N_("Lowers the level below the threshold by the ratio, so quiet noise gets quieter."),
  expander_params, EXP_N_PARAMS,
  expander_create, base_destroy, dyn_reset, dyn_set_param, dyn_process, NULL, dyn_tail,
};

/* ---- gate ----------------------------------------------------------------------------------- */

enum { GATE_THRESHOLD, GATE_ATTACK, GATE_HOLD, GATE_RELEASE, GATE_RANGE, GATE_N_PARAMS };

static const StrataParamDesc gate_params[GATE_N_PARAMS] = {
  CONT ("threshold_db", N_("Threshold"), N_("dB"), -100.0, 0.0, -50.0, STRATA_PARAM_LINEAR),
  CONT ("attack_ms", N_("Attack"), N_("ms"), 0.0, 500.0, 1.0, STRATA_PARAM_LOG),
  CONT ("hold_ms", N_("Hold"), N_("ms"), 0.0, 2000.0, 20.0, STRATA_PARAM_LOG),
  CONT ("release_ms", N_("Release"), N_("ms"), 1.0, 5000.0, 100.0, STRATA_PARAM_LOG),
  CONT ("range_db", N_("Range"), N_("dB"), -120.0, 0.0, -80.0, STRATA_PARAM_LINEAR),
};

typedef struct
{
  Base      base;
  double    threshold, open_step, close_step, range;
  unsigned  hold_frames;
  unsigned  hold_left;
  double    gain_db;
  GainCache cache;
} Gate;

static void
gate_update (Gate *self)
{
  const StrataRamp *p = self->base.p;
  double attack = p[GATE_ATTACK].value * self->base.rate / 1000.0;
  double release = p[GATE_RELEASE].value * self->base.rate / 1000.0;

  self->threshold = db_gain (p[GATE_THRESHOLD].value);
  self->range = p[GATE_RANGE].value;
  self->hold_frames = (unsigned) lround (p[GATE_HOLD].value * self->base.rate / 1000.0);
  self->open_step = attack >= 1.0 ? -self->range / attack : INFINITY;
  self->close_step = release >= 1.0 ? -self->range / release : INFINITY;
}

static void
gate_reset (StrataEffect *effect)
{
  Gate *self = (Gate *) effect;

  base_reset (&self->base);
  gate_update (self);
  self->hold_left = 0;
  self->gain_db = self->range;   /* closed */
  self->cache.db = 0.0;
  self->cache.gain = 1.0;
}

static StrataEffect *
gate_create (unsigned rate, unsigned channels)
{
  Gate *self = calloc (1, sizeof *self);

  if (self == NULL || !base_init (&self->base, &strata_fx_gate, rate, channels))
    {
      free (self);
      return NULL;
    }
  gate_reset (&self->base.parent);
  return &self->base.parent;
}

static void
gate_set_param (StrataEffect *effect, unsigned index, double value)
{
  Gate *self = (Gate *) effect;

  if (base_set (&self->base, index, value))
    {
      gate_update (self);
      if (self->base.glides.fresh)
        self->gain_db = self->range;   /* still closed */
    }
}

static void
gate_process (StrataEffect *effect, float *frames, size_t n_frames)
{
  Gate *self = (Gate *) effect;
  const unsigned channels = self->base.channels;

  self->base.glides.fresh = 0;
  for (size_t n = 0; n < n_frames; n++)
    {
      float *frame = frames + n * channels;
      int open;

      if (base_tick (&self->base))
        gate_update (self);

      if (frame_peak (frame, channels) > self->threshold)
        {
          self->hold_left = self->hold_frames;
          open = 1;
        }
      else if (self->hold_left > 0)
        {
          self->hold_left--;
          open = 1;
        }
      else
        open = 0;

      if (open)
        self->gain_db = fmin (0.0, self->gain_db + self->open_step);
      else
        self->gain_db = fmax (self->range, self->gain_db - self->close_step);

      apply_db (&self->cache, frame, channels, self->gain_db);
    }
}

static double
gate_tail (const StrataEffect *effect)
{
  const Gate *self = (const Gate *) effect;

  return self->base.p[GATE_RELEASE].value / 1000.0;
}

const StrataEffectClass strata_fx_gate = {
  "gate", N_("Gate"),
  N_("Attenuates the signal by the range while it stays below the threshold."),
  gate_params, GATE_N_PARAMS,
  gate_create, base_destroy, gate_reset, gate_set_param, gate_process, NULL, gate_tail,
};

/* ---- limiter -------------------------------------------------------------------------------- */

enum { LIM_CEILING, LIM_RELEASE, LIM_LOOKAHEAD, LIM_TRUE_PEAK, LIM_N_PARAMS };

static const StrataParamDesc limiter_params[LIM_N_PARAMS] = {
  CONT ("ceiling_db", N_("Ceiling"), N_("dB"), -30.0, 0.0, -1.0, STRATA_PARAM_LINEAR),
  CONT ("release_ms", N_("Release"), N_("ms"), 1.0, 5000.0, 50.0, STRATA_PARAM_LOG),
  CONT ("lookahead_ms", N_("Look-ahead"), N_("ms"), LIMITER_MIN_MS, LIMITER_MAX_MS, 5.0,
        STRATA_PARAM_LINEAR),
  TOGGLE ("true_peak", N_("True peak"), 1.0),
};

typedef struct
{
  Base      base;
  /* From the parameters. */
  double    target;         /* linear: the ceiling less the margin */
  double    release_coeff;
  int       true_peak;
  unsigned  latency;        /* frames the output lags the input */
  unsigned  ahead;          /* detection runs this many frames ahead of the output */
  unsigned  hold;           /* the gain is flat this many frames either side of a peak */
  unsigned  window;         /* of the sliding minimum */
  unsigned  box_len;        /* of the moving average */
  unsigned  guard;          /* frames left to clip at the ceiling after a look-ahead change */

  unsigned  max_latency;
  unsigned  factor;
  double    coeff[TP_MAX_FACTOR][TP_TAPS];  /* [phase][i] multiplies frame n - i */

  float    *hist;           /* per channel 2 * TP_TAPS frames, each written twice */
  unsigned  hist_pos;
  double    last_between;   /* the interpolated peak between the previous two frames */
  float    *delay;          /* max_latency + 1 interleaved frames */
  unsigned  delay_len, delay_pos;

  /* Sliding minimum of the needed gain over `window` detection steps. */
  StrataSlidingMin mins;
  uint64_t  step;

  double    release;        /* gain after the release stage */

  /* The last box_cap deficits (1 - gain in units of 2^-40) and the sum of the last box_len. */
  int64_t  *box;
  unsigned  box_cap;
  unsigned  box_pos;
  int64_t   box_sum;
} Limiter;

static void
limiter_free (Limiter *self)
{
  free (self->hist);
  free (self->delay);
  strata_sliding_min_clear (&self->mins);
  free (self->box);
  free (self);
}

static void
limiter_destroy (StrataEffect *effect)
{
  limiter_free ((Limiter *) effect);
}

/* The sum of the last box_len deficits, from the ring. */
static void
limiter_sum_box (Limiter *self)
{
  self->box_sum = 0;
  for (unsigned i = 1; i <= self->box_len; i++)
    self->box_sum += self->box[(self->box_pos + self->box_cap - i) % self->box_cap];
}

/* The look-ahead and detection mode: a new latency, detection offset and window lengths. */
static void
limiter_configure (Limiter *self)
{
  const StrataRamp *p = self->base.p;
  int true_peak = p[LIM_TRUE_PEAK].value >= 0.5 && self->factor > 1;
  unsigned detect = true_peak ? TP_CENTRE : 0;
  unsigned min_latency = 2 * detect + 1;
  long latency = lround (p[LIM_LOOKAHEAD].value * self->base.rate / 1000.0);

  if (latency < (long) min_latency)
    latency = min_latency;
  if (latency > (long) self->max_latency)
    latency = self->max_latency;
  if (true_peak && !self->true_peak)
    self->last_between = 0.0;
  self->true_peak = true_peak;
  self->latency = (unsigned) latency;
  self->hold = detect;
  self->ahead = self->latency - detect;
  self->window = self->ahead + self->hold + 1;
  self->box_len = self->ahead + 1 - self->hold;
  limiter_sum_box (self);
}

static void
limiter_update (Limiter *self)
{
  const StrataRamp *p = self->base.p;
  double margin = self->true_peak ? LIMITER_MARGIN_DB : LIMITER_SAMPLE_MARGIN_DB;
  /* Back at exactly 1.0 release_ms after the last frame that needed reduction. */
  double frames = p[LIM_RELEASE].value * self->base.rate / 1000.0 - self->ahead;

  if (frames < 1.0)
    frames = 1.0;
  self->target = db_gain (p[LIM_CEILING].value - margin);
  self->release_coeff = 1.0 - pow (RELEASE_OVERSHOOT / (1.0 + RELEASE_OVERSHOOT),
                                   1.0 / (frames - 0.5));
}

static void
limiter_reset (StrataEffect *effect)
{
  Limiter *self = (Limiter *) effect;
  const unsigned channels = self->base.channels;

  base_reset (&self->base);
  memset (self->hist, 0, (size_t) 2 * TP_TAPS * channels * sizeof *self->hist);
  memset (self->delay, 0, (size_t) self->delay_len * channels * sizeof *self->delay);
  memset (self->box, 0, self->box_cap * sizeof *self->box);
  self->hist_pos = 0;
  self->last_between = 0.0;
  self->delay_pos = 0;
  strata_sliding_min_reset (&self->mins);
  self->step = 0;
  self->release = 1.0;
  self->box_pos = 0;
  self->guard = 0;
  limiter_configure (self);
  limiter_update (self);
}

static StrataEffect *
limiter_create (unsigned rate, unsigned channels)
{
  Limiter *self = calloc (1, sizeof *self);
  float c[TP_TAPS];

  if (self == NULL)
    return NULL;
  if (!base_init (&self->base, &strata_fx_limiter, rate, channels))
    {
      free (self);
      return NULL;
    }
  /* Phase f's point lies f / factor after frame n - TP_CENTRE, whose filter reads frames
   * n - TP_CENTRE - 23 .. n: tap j is frame n - (TP_TAPS - 1 - j). */
  self->factor = strata_true_peak_factor (rate);
  for (unsigned f = 1; f < self->factor; f++)
    {
      strata_true_peak_coefficients (self->factor, f, c);
      for (unsigned j = 0; j < TP_TAPS; j++)
        self->coeff[f][TP_TAPS - 1 - j] = c[j];
    }
  self->max_latency = (unsigned) ceil (LIMITER_MAX_MS * rate / 1000.0);
  if (self->max_latency < 2 * TP_CENTRE + 1)
    self->max_latency = 2 * TP_CENTRE + 1;
  self->delay_len = self->max_latency + 1;
  self->box_cap = self->max_latency + TP_CENTRE + 2;
  self->hist = calloc ((size_t) 2 * TP_TAPS * channels, sizeof *self->hist);
  self->delay = calloc ((size_t) self->delay_len * channels, sizeof *self->delay);
  self->box = calloc (self->box_cap, sizeof *self->box);
  if (!strata_sliding_min_init (&self->mins, self->box_cap)
      || !self->hist || !self->delay || !self->box)
    {
      limiter_free (self);
      return NULL;
    }
  limiter_reset (&self->base.parent);
  return &self->base.parent;
}

static void
limiter_set_param (StrataEffect *effect, unsigned index, double value)
{
  Limiter *self = (Limiter *) effect;

  if (index == LIM_LOOKAHEAD || index == LIM_TRUE_PEAK)
    {
      /* These apply at once, whatever the moment. A longer delay outputs frames again whose
       * gain the shorter window did not hold down: clip them until the windows refill. */
      strata_ramp_init (&self->base.p[index], value);
      limiter_configure (self);
      limiter_update (self);
      if (!self->base.glides.fresh)
        self->guard = self->latency + self->window;
    }
  else if (base_set (&self->base, index, value))
    limiter_update (self);
}

/* Channel c's history: w[-i] is frame n - i, for i < TP_TAPS. */
static inline const float *
limiter_history (const Limiter *self, unsigned c)
{
  return self->hist + (size_t) c * 2 * TP_TAPS + self->hist_pos + TP_TAPS;
}

/* The largest interpolated point between frames n - TP_CENTRE and n - TP_CENTRE + 1. */
static double
limiter_between (const Limiter *self)
{
  double peak = 0.0;

  for (unsigned c = 0; c < self->base.channels; c++)
    {
      const float *w = limiter_history (self, c);

      for (unsigned f = 1; f < self->factor; f++)
        {
          const double *k = self->coeff[f];
          double acc = 0.0;

          for (unsigned i = 0; i < TP_TAPS; i++)
            acc += (double) *(w - i) * k[i];
          if (fabs (acc) > peak)
            peak = fabs (acc);
        }
    }
  return peak;
}

/* The gain frame n - TP_CENTRE (true peak) or n (sample peak) needs. */
static double
limiter_needed (Limiter *self, const float *frame)
{
  double peak;

  if (self->true_peak)
    {
      double between = limiter_between (self);
      double sample = 0.0;

      for (unsigned c = 0; c < self->base.channels; c++)
        {
          double v = fabs ((double) *(limiter_history (self, c) - TP_CENTRE));

          if (v > sample)
            sample = v;
        }
      /* Points on both sides of the frame: the gain there is at most this frame's. */
      peak = fmax (sample, fmax (between, self->last_between));
      self->last_between = between;
    }
  else
    peak = frame_peak (frame, self->base.channels);
  return peak > self->target ? self->target / peak : 1.0;
}

static double
limiter_gain (Limiter *self, double needed)
{
  double held = strata_sliding_min_push (&self->mins, needed, self->step, self->window);
  double r = self->release;
  int64_t deficit;
  unsigned oldest;

  r += self->release_coeff * (held + RELEASE_OVERSHOOT - r);
  if (r > held)
    r = held;
  self->release = r;

  /* Deficits round up, so the gain rounds down: an average of gains that are all at most g
   * is at most g. */
  deficit = (int64_t) ceil ((1.0 - r) * FIX_ONE);
  oldest = (self->box_pos + self->box_cap - self->box_len) % self->box_cap;
  self->box_sum += deficit - self->box[oldest];
  self->box[self->box_pos] = deficit;
  if (++self->box_pos == self->box_cap)
    self->box_pos = 0;
  self->step++;
  if (self->box_sum == 0)
    return 1.0;
  return 1.0 - (double) self->box_sum / ((double) self->box_len * FIX_ONE);
}

static void
limiter_process (StrataEffect *effect, float *frames, size_t n_frames)
{
  Limiter *self = (Limiter *) effect;
  const unsigned channels = self->base.channels;

  self->base.glides.fresh = 0;
  for (size_t n = 0; n < n_frames; n++)
    {
      float *frame = frames + n * channels;
      float *slot = self->delay + (size_t) self->delay_pos * channels;
      unsigned out_pos;
      double gain;

      if (base_tick (&self->base))
        limiter_update (self);

      if (++self->hist_pos == TP_TAPS)
        self->hist_pos = 0;
      for (unsigned c = 0; c < channels; c++)
        {
          float x = frame[c];
          float *h = self->hist + (size_t) c * 2 * TP_TAPS + self->hist_pos;

          /* Nothing non-finite reaches the gain computer or the output. */
          if (isnan (x))
            x = 0.0f;
          else if (isinf (x))
            x = x > 0 ? FLT_MAX : -FLT_MAX;
          frame[c] = x;
          h[0] = x;
          h[TP_TAPS] = x;
          slot[c] = x;
        }

      gain = limiter_gain (self, limiter_needed (self, frame));

      out_pos = (self->delay_pos + self->delay_len - self->latency) % self->delay_len;
      if (++self->delay_pos == self->delay_len)
        self->delay_pos = 0;
      slot = self->delay + (size_t) out_pos * channels;
      for (unsigned c = 0; c < channels; c++)
        frame[c] = (float) (gain * (double) slot[c]);
      if (self->guard > 0)
        {
          self->guard--;
          for (unsigned c = 0; c < channels; c++)
            frame[c] = (float) fmax (-self->target, fmin (self->target, (double) frame[c]));
        }
    }
}

static unsigned
limiter_latency (const StrataEffect *effect)
{
  return ((const Limiter *) effect)->latency;
}

static double
limiter_tail (const StrataEffect *effect)
{
  const Limiter *self = (const Limiter *) effect;

  return self->base.p[LIM_RELEASE].value / 1000.0;
}

const StrataEffectClass strata_fx_limiter = {
  "limiter", N_("Limiter"),
  N_("Keeps the peaks under the ceiling, looking ahead so that nothing clips (adds latency)."),
  limiter_params, LIM_N_PARAMS,
  limiter_create, limiter_destroy, limiter_reset, limiter_set_param, limiter_process,
  limiter_latency, limiter_tail,
};

/* ---- utility -------------------------------------------------------------------------------- */

enum { UTIL_GAIN, UTIL_INVERT_LEFT, UTIL_INVERT_RIGHT, UTIL_WIDTH, UTIL_MONO, UTIL_N_PARAMS };

static const StrataParamDesc utility_params[UTIL_N_PARAMS] = {
  CONT ("gain_db", N_("Gain"), N_("dB"), -96.0, 24.0, 0.0, STRATA_PARAM_LINEAR),
  TOGGLE ("invert_left", N_("Invert left"), 0.0),
  TOGGLE ("invert_right", N_("Invert right"), 0.0),
  CONT ("width", N_("Width"), "", 0.0, 2.0, 1.0, STRATA_PARAM_LINEAR),
  TOGGLE ("mono", N_("Mono"), 0.0),
};

typedef struct
{
  Base   base;
  double left, right;    /* gain with the inversion */
  double direct, cross;  /* width: (1 + w) / 2 and (1 - w) / 2 */
} Utility;

static void
utility_update (Utility *self)
{
  const StrataRamp *p = self->base.p;
  double gain = db_gain (p[UTIL_GAIN].value);
  double width = p[UTIL_MONO].value >= 0.5 ? 0.0 : p[UTIL_WIDTH].value;

  self->left = p[UTIL_INVERT_LEFT].value >= 0.5 ? -gain : gain;
  self->right = p[UTIL_INVERT_RIGHT].value >= 0.5 ? -gain : gain;
  self->direct = (1.0 + width) / 2.0;
  self->cross = (1.0 - width) / 2.0;
}

static void
utility_reset (StrataEffect *effect)
{
  Utility *self = (Utility *) effect;

  base_reset (&self->base);
  utility_update (self);
}

static StrataEffect *
utility_create (unsigned rate, unsigned channels)
{
  Utility *self = calloc (1, sizeof *self);

  if (self == NULL || !base_init (&self->base, &strata_fx_utility, rate, channels))
    {
      free (self);
      return NULL;
    }
  utility_reset (&self->base.parent);
  return &self->base.parent;
}

static void
utility_set_param (StrataEffect *effect, unsigned index, double value)
{
  Utility *self = (Utility *) effect;

  base_set (&self->base, index, value);
  utility_update (self);
}

static void
utility_process (StrataEffect *effect, float *frames, size_t n_frames)
{
  Utility *self = (Utility *) effect;

  self->base.glides.fresh = 0;
  for (size_t n = 0; n < n_frames; n++)
    {
      if (base_tick (&self->base))
        utility_update (self);
      if (self->base.channels == 1)
        frames[n] = (float) (self->left * (double) frames[n]);
      else
        {
          double l = self->left * (double) frames[2 * n];
          double r = self->right * (double) frames[2 * n + 1];

          frames[2 * n] = (float) (l * self->direct + r * self->cross);
          frames[2 * n + 1] = (float) (r * self->direct + l * self->cross);
        }
    }
}

const StrataEffectClass strata_fx_utility = {
  "utility", N_("Utility"),
  N_("Gain, polarity inversion per channel, stereo width and mono sum."),
  utility_params, UTIL_N_PARAMS,
  utility_create, base_destroy, utility_reset, utility_set_param, utility_process, NULL, NULL,
};
