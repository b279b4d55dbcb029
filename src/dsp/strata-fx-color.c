/* strata-fx-color.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Colour: saturation, distortion, waveshaper (docs/effects.md). Memoryless curves at the
 * session rate (no oversampling), so their static transfer is exactly the documented formula;
 * only the distortion's tone filter has state. With g = 10^(drive_db / 20) and u = g * x:
 *
 *  saturation  y = c * tanh (u), c = A / tanh (g * A), A = 10^(-30 / 20): odd harmonics only,
 *              and the compensation c is calibrated so that a -30 dBFS sine comes out with
 *              exactly its peak level at every drive (c -> 1 / g as the drive falls to 0 dB).
 *  distortion  hard clip with a short quadratic knee of half-width W = 0.2 around 1:
 *                |u| <= 1 - W:          y = u
 *                1 - W < |u| < 1 + W:   y = sign (u) (|u| - (|u| - 1 + W)^2 / (4 W))
 *                |u| >= 1 + W:          y = sign (u)
 *              (continuous with its slope), then the tone low-pass, then output_db. The tone
 *              is the bilinear one-pole low-pass, pre-warped to `tone` (at most 0.45 fs):
 *                |H (f)|^2 = 1 / (1 + (tan (pi f / fs) / tan (pi tone / fs))^2).
 *  waveshaper  the curve of `curve`, no compensation:
 *                tanh       y = tanh (u)
 *                atan       y = (2 / pi) atan (u)
 *                cubic      y = 1.5 u - 0.5 u^3 for |u| <= 1, sign (u) beyond
 *                hard_clip  y = max (-1, min (1, u))
 *                fold       u reflected at +-1 until it lies within them:
 *                           y = 1 - |4 frac ((u + 1) / 4) - 2|
 *
 * `mix` is the linear crossfade out = (1 - mix) dry + mix wet, so mix 0 is the dry signal
 * bit-exactly. Continuous parameters glide linearly over STRATA_EFFECT_RAMP_MS per frame
 * (gains in dB); a value set before the first block after create or reset applies at once.
 */
#include <math.h>
#include <stdlib.h>

#include "strata-effect.h"
#include "strata-fx-ramp.h"

#define MAX_CHANNELS 2
#define SAT_CALIBRATION 0.031622776601683794   /* -30 dBFS */
#define KNEE 0.2
#define TONE_MAX_FRACTION 0.45                 /* of the sample rate */
#define FLUSH 1e-20

/* ---- the shared instance ------------------------------------------------------------------ */

typedef struct
{
  StrataEffect parent;
  unsigned     channels;
  double       rate;
  StrataGlides glides;
} ColorBase;

static int
base_init (ColorBase *base, const StrataEffectClass *klass, unsigned rate, unsigned channels)
{
  if (rate == 0 || channels == 0 || channels > MAX_CHANNELS)
    return 0;
  base->parent.klass = klass;
  base->channels = channels;
  base->rate = rate;
  strata_glides_init (&base->glides, rate);
  return 1;
}

static void
color_destroy (StrataEffect *self)
{
  free (self);
}

static inline float
crossfade (float dry, double wet, double mix)
{
  return (float) ((1.0 - mix) * dry + mix * wet);
}

/* tanh through one exp, twice as fast as libm's: (1 - e) / (1 + e), e = exp (-2 |u|), within
 * 2.3e-16 of tanh (u), so within float precision relative to it for |u| above 1e-8 (-160 dB). */
static inline double
fast_tanh (double u)
{
  double e = exp (-2.0 * fabs (u));

  return copysign ((1.0 - e) / (1.0 + e), u);
}

static double
db_gain (double db)
{
  return pow (10.0, db / 20.0);
}

#define MIX_PARAM { "mix", N_("Mix"), "", STRATA_PARAM_CONTINUOUS, 0.0, 1.0, 1.0, NULL, \
                    STRATA_PARAM_LINEAR }

/* ---- saturation ----------------------------------------------------------------------------- */

enum { SAT_DRIVE, SAT_MIX, SAT_N_PARAMS };

static const StrataParamDesc saturation_params[SAT_N_PARAMS] = {
  { "drive_db", N_("Drive"), N_("dB"), STRATA_PARAM_CONTINUOUS, 0.0, 36.0, 6.0, NULL,
    STRATA_PARAM_LINEAR },
  MIX_PARAM,
};

typedef struct
{
  ColorBase  base;
  StrataRamp param[SAT_N_PARAMS];
  double     gain, comp;   /* derived from the drive */
} Saturation;

static void
saturation_update (Saturation *self)
{
  self->gain = db_gain (self->param[SAT_DRIVE].value);
  self->comp = SAT_CALIBRATION / fast_tanh (self->gain * SAT_CALIBRATION);
}

static void
saturation_reset (StrataEffect *fx)
{
  Saturation *self = (Saturation *) fx;

  strata_glides_settle (&self->base.glides, self->param, SAT_N_PARAMS);
  saturation_update (self);
}

static StrataEffect *
saturation_create (unsigned sample_rate, unsigned channels)
{
  Saturation *self = calloc (1, sizeof *self);

  if (self == NULL || !base_init (&self->base, &strata_fx_saturation, sample_rate, channels))
    {
      free (self);
      return NULL;
    }
  for (unsigned p = 0; p < SAT_N_PARAMS; p++)
    strata_ramp_init (&self->param[p], saturation_params[p].def);
  saturation_update (self);
  return &self->base.parent;
}

static void
saturation_set_param (StrataEffect *fx, unsigned index, double value)
{
  Saturation *self = (Saturation *) fx;

  if (index >= SAT_N_PARAMS)
    return;
  strata_glides_set (&self->base.glides, &self->param[index], value, 0);
  saturation_update (self);
}

static void
saturation_process (StrataEffect *fx, float *frames, size_t n_frames)
{
  Saturation *self = (Saturation *) fx;
  unsigned channels = self->base.channels;

  if (n_frames > 0)
    self->base.glides.fresh = 0;
  for (size_t i = 0; i < n_frames; i++)
    {
      float *frame = frames + i * channels;

      if (strata_glides_tick (&self->base.glides, self->param, SAT_N_PARAMS))
        saturation_update (self);
      for (unsigned c = 0; c < channels; c++)
        frame[c] = crossfade (frame[c], self->comp * fast_tanh (self->gain * frame[c]),
                              self->param[SAT_MIX].value);
    }
}

const StrataEffectClass strata_fx_saturation = {
  "saturation", N_("Saturation"),
  N_("Soft clipping (tanh) that adds odd harmonics, its level compensated at -30 dBFS."),
  saturation_params, SAT_N_PARAMS,
  saturation_create, color_destroy, saturation_reset, saturation_set_param,
  saturation_process, NULL, NULL,
};

/* ---- distortion ----------------------------------------------------------------------------- */

enum { DIST_DRIVE, DIST_TONE, DIST_OUTPUT, DIST_MIX, DIST_N_PARAMS };

static const StrataParamDesc distortion_params[DIST_N_PARAMS] = {
  { "drive_db", N_("Drive"), N_("dB"), STRATA_PARAM_CONTINUOUS, 0.0, 48.0, 20.0, NULL,
    STRATA_PARAM_LINEAR },
  { "tone", N_("Tone"), N_("Hz"), STRATA_PARAM_CONTINUOUS, 200.0, 20000.0, 4000.0, NULL,
    STRATA_PARAM_LOG },
  { "output_db", N_("Output"), N_("dB"), STRATA_PARAM_CONTINUOUS, -48.0, 12.0, -6.0, NULL,
    STRATA_PARAM_LINEAR },
  MIX_PARAM,
};

typedef struct
{
  ColorBase  base;
  StrataRamp param[DIST_N_PARAMS];
  double     drive, output;   /* linear gains */
  double     b, a1;           /* tone: y = b (x + x1) - a1 y1 */
  double     x1[MAX_CHANNELS], y1[MAX_CHANNELS];
} Distortion;

/* The soft-knee clip without branches (noise would mispredict them): with a = min (|u|, 1 + W)
 * and t = max (a - (1 - W), 0), y = a - t^2 / (4 W) is the formula of the header in all three
 * ranges. */
static inline double
distortion_clip (double u)
{
  double a = fmin (fabs (u), 1.0 + KNEE);
  double t = fmax (a - (1.0 - KNEE), 0.0);

  return copysign (a - t * t * (0.25 / KNEE), u);
}

static double
distortion_tone_limit (const Distortion *self, double tone)
{
  double top = TONE_MAX_FRACTION * self->base.rate;

  return tone < top ? tone : top;
}

static void
distortion_update (Distortion *self)
{
  double k = tan (M_PI * distortion_tone_limit (self, self->param[DIST_TONE].value)
                  / self->base.rate);

  self->drive = db_gain (self->param[DIST_DRIVE].value);
  self->output = db_gain (self->param[DIST_OUTPUT].value);
  self->b = k / (1.0 + k);
  self->a1 = (k - 1.0) / (k + 1.0);
}

static void
distortion_reset (StrataEffect *fx)
{
  Distortion *self = (Distortion *) fx;

  strata_glides_settle (&self->base.glides, self->param, DIST_N_PARAMS);
  for (unsigned c = 0; c < MAX_CHANNELS; c++)
    self->x1[c] = self->y1[c] = 0.0;
  distortion_update (self);
}

static StrataEffect *
distortion_create (unsigned sample_rate, unsigned channels)
{
  Distortion *self = calloc (1, sizeof *self);

  if (self == NULL || !base_init (&self->base, &strata_fx_distortion, sample_rate, channels))
    {
      free (self);
      return NULL;
    }
  for (unsigned p = 0; p < DIST_N_PARAMS; p++)
    strata_ramp_init (&self->param[p], distortion_params[p].def);
  distortion_update (self);
  return &self->base.parent;
}

static void
distortion_set_param (StrataEffect *fx, unsigned index, double value)
{
  Distortion *self = (Distortion *) fx;

  if (index >= DIST_N_PARAMS)
    return;
  strata_glides_set (&self->base.glides, &self->param[index], value, 0);
  distortion_update (self);
}

static void
distortion_process (StrataEffect *fx, float *frames, size_t n_frames)
{
  Distortion *self = (Distortion *) fx;
  unsigned channels = self->base.channels;

  if (n_frames > 0)
    self->base.glides.fresh = 0;
  for (size_t i = 0; i < n_frames; i++)
    {
      float *frame = frames + i * channels;

      if (strata_glides_tick (&self->base.glides, self->param, DIST_N_PARAMS))
        distortion_update (self);
      for (unsigned c = 0; c < channels; c++)
        {
          double x = distortion_clip (self->drive * frame[c]);
          double y = self->b * (x + self->x1[c]) - self->a1 * self->y1[c];

          if (fabs (y) < FLUSH)
            y = 0.0;
          self->x1[c] = x;
          self->y1[c] = y;
          frame[c] = crossfade (frame[c], self->output * y, self->param[DIST_MIX].value);
        }
    }
}

/* The tone filter's impulse response falls by its pole p = -a1 per frame: the time to -90 dB
 * at the lowest tone the current setting can glide through. */
static double
distortion_tail (const StrataEffect *fx)
{
  const Distortion *self = (const Distortion *) fx;
  double tone = fmin (self->param[DIST_TONE].value, self->param[DIST_TONE].target);
  double k = tan (M_PI * distortion_tone_limit (self, tone) / self->base.rate);
  double pole = fabs ((1.0 - k) / (1.0 + k));

  if (pole < 1e-9)
    return 0.0;
  return log (pow (10.0, -90.0 / 20.0)) / log (pole) / self->base.rate;
}

const StrataEffectClass strata_fx_distortion = {
  "distortion", N_("Distortion"),
  N_("Clipping with a short soft knee, followed by a tone low-pass and an output level."),
  distortion_params, DIST_N_PARAMS,
  distortion_create, color_destroy, distortion_reset, distortion_set_param,
  distortion_process, NULL, distortion_tail,
};

/* ---- waveshaper ----------------------------------------------------------------------------- */

enum { CURVE_TANH, CURVE_ATAN, CURVE_CUBIC, CURVE_HARD_CLIP, CURVE_FOLD };
enum { WS_CURVE, WS_DRIVE, WS_MIX, WS_N_PARAMS };

static const char *const waveshaper_curves[] = {
  /* TRANSLATORS: a choice as the project file spells it; shown with '_' as a space */
  N_("tanh"), N_("atan"), N_("cubic"), N_("hard_clip"), N_("fold"), NULL,
};

static const StrataParamDesc waveshaper_params[WS_N_PARAMS] = {
  { "curve", N_("Curve"), "", STRATA_PARAM_CHOICE, 0.0, 4.0, 0.0, waveshaper_curves,
    STRATA_PARAM_LINEAR },
  { "drive_db", N_("Drive"), N_("dB"), STRATA_PARAM_CONTINUOUS, -24.0, 36.0, 0.0, NULL,
    STRATA_PARAM_LINEAR },
  MIX_PARAM,
};

typedef struct
{
  ColorBase  base;
  int        curve;
  StrataRamp param[WS_N_PARAMS];   /* the curve's entry is unused */
  double     drive;
} Waveshaper;

static inline double
waveshaper_curve (int curve, double u)
{
  double f;

  switch (curve)
    {
    case CURVE_ATAN:
      return M_2_PI * atan (u);
    case CURVE_CUBIC:
      if (u >= 1.0)
        return 1.0;
      if (u <= -1.0)
        return -1.0;
      return 1.5 * u - 0.5 * u * u * u;
    case CURVE_HARD_CLIP:
      return u > 1.0 ? 1.0 : u < -1.0 ? -1.0 : u;
    case CURVE_FOLD:
      if (u >= -1.0 && u <= 1.0)
        return u;
      f = (u + 1.0) * 0.25;
      f -= floor (f);
      return 1.0 - fabs (4.0 * f - 2.0);
    case CURVE_TANH:
    default:
      return fast_tanh (u);
    }
}

static void
waveshaper_reset (StrataEffect *fx)
{
  Waveshaper *self = (Waveshaper *) fx;

  strata_glides_settle (&self->base.glides, self->param, WS_N_PARAMS);
  self->drive = db_gain (self->param[WS_DRIVE].value);
}

static StrataEffect *
waveshaper_create (unsigned sample_rate, unsigned channels)
{
  Waveshaper *self = calloc (1, sizeof *self);

  if (self == NULL || !base_init (&self->base, &strata_fx_waveshaper, sample_rate, channels))
    {
      free (self);
      return NULL;
    }
  for (unsigned p = 0; p < WS_N_PARAMS; p++)
    strata_ramp_init (&self->param[p], waveshaper_params[p].def);
  self->curve = (int) waveshaper_params[WS_CURVE].def;
  self->drive = db_gain (self->param[WS_DRIVE].value);
  return &self->base.parent;
}

static void
waveshaper_set_param (StrataEffect *fx, unsigned index, double value)
{
  Waveshaper *self = (Waveshaper *) fx;

  if (index == WS_CURVE)
    self->curve = (int) value;
  else if (index < WS_N_PARAMS)
    {
      strata_glides_set (&self->base.glides, &self->param[index], value, 0);
      self->drive = db_gain (self->param[WS_DRIVE].value);
    }
}

static void
waveshaper_process (StrataEffect *fx, float *frames, size_t n_frames)
{
  Waveshaper *self = (Waveshaper *) fx;
  unsigned channels = self->base.channels;

  if (n_frames > 0)
    self->base.glides.fresh = 0;
  for (size_t i = 0; i < n_frames; i++)
    {
      float *frame = frames + i * channels;

      if (strata_glides_tick (&self->base.glides, self->param, WS_N_PARAMS))
        self->drive = db_gain (self->param[WS_DRIVE].value);
      for (unsigned c = 0; c < channels; c++)
        frame[c] = crossfade (frame[c], waveshaper_curve (self->curve, self->drive * frame[c]),
                              self->param[WS_MIX].value);
    }
}

const StrataEffectClass strata_fx_waveshaper = {
  "waveshaper", N_("Waveshaper"),
  N_("A static curve (tanh, atan, cubic, hard clip or fold) applied to the driven signal."),
  waveshaper_params, WS_N_PARAMS,
  waveshaper_create, color_destroy, waveshaper_reset, waveshaper_set_param,
  waveshaper_process, NULL, NULL,
};
