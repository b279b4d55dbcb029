/* strata-fx-time.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Delays and modulation: delay, ping-pong delay, multitap delay, chorus (docs/effects.md).
 * Every delay line is a power-of-two ring of floats sized in create for the longest time the
 * parameters allow at the instance's rate, so nothing allocates afterwards.
 *
 *  delay      a delay of D = floor (time_ms fs / 1000 + 0.5) frames per channel. The wet signal
 *             is the line's output (the first repeat: unity gain, unfiltered); what goes back
 *             into the line is input + feedback * LP (output), so repeat k has the level
 *             feedback^(k-1) at low frequencies and has been through the low-pass k-1 times.
 *             The low-pass is the one-pole y += (1 - p) (x - y) with the pole
 *               p = (e^(-2 pi lowpass / fs) - e^(-2 pi 20000 / fs)) / (1 - e^(-2 pi 20000 / fs)),
 *             the matched-z pole shifted so that the top of the range, 20000 Hz, is exactly no
 *             filter (p = 0) and gliding towards it stays continuous:
 *               |H (f)|^2 = (1 - p)^2 / (1 + p^2 - 2 p cos (2 pi f / fs)).
 *  ping_pong  on a stereo instance the input's mid (L + R) / 2 enters the left line; the left
 *             line's output, times feedback, enters the right line, and the right line's,
 *             times feedback, goes back into the left: repeat k (level feedback^(k-1)) is on
 *             the left for odd k, on the right for even k, at k D frames. On a mono instance
 *             there is nowhere to alternate: it is the delay without low-pass.
 *  multitap   one line of the input (its mid on a stereo instance) read by four taps, each
 *             at its own time with its own level. On a stereo instance a tap is panned with
 *             the mixer's constant-power law (strata-gain.h): L = cos t, R = sin t,
 *             t = (pan + 1) pi / 4, so a centred tap is 3 dB down on each side and carries its
 *             level in power. A mono instance ignores the pans.
 *  chorus     a line read at D (t) = delay_ms + depth_ms sin (2 pi phase) (never less than two
 *             frames) with Catmull-Rom cubic interpolation; the phase starts at 0 at create or
 *             reset and advances rate_hz / fs per frame, the right channel 90 degrees ahead
 *             for width. No feedback.
 *
 * A delay time change (delay, ping-pong, each tap) crossfades linearly from the old integer
 * tap to the new one over STRATA_EFFECT_RAMP_MS (no pitch sweep, no fractional reads); a change
 * arriving during a crossfade is taken up when it ends. Other continuous parameters glide
 * linearly over the same time per frame (levels in dB); a value set before the first block
 * after create or reset applies at once. `mix` is the crossfade out = (1 - mix) dry + mix wet,
 * so mix 0 is the dry signal bit-exactly.
 *
 * Denormals and the tail: whatever the feedback sends back, and the low-pass state, is zeroed
 * below FLUSH (-120 dBFS, 30 dB under the -90 dB the tail promises), so repeats end in exact
 * zeros a few repeats after they pass -90 dB.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strata-effect.h"
#include "strata-fx-ramp.h"

#define MAX_CHANNELS 2
#define MAX_PARAMS 13
#define N_TAPS 4
#define FLUSH 1e-6
#define LOWPASS_OFF 20000.0
#define TAIL_DB -90.0
#define CHORUS_MIN_FRAMES 2.0
#define MAX_TIME_MS 4000.0

/* ---- glides, crossfaded taps, the shared instance ---------------------------------------- */

/* An integer delay in frames; while `done` > 0 it crossfades from `cur` to `next`. */
typedef struct
{
  unsigned cur, next, target, done;
} Tap;

typedef struct _TimeFx TimeFx;

struct _TimeFx
{
  StrataEffect parent;
  unsigned     channels;
  double       rate;
  StrataGlides glides;       /* ramp_frames is also the taps' crossfade */
  StrataRamp   param[MAX_PARAMS];
  int          tap_of[MAX_PARAMS];   /* the tap a time parameter sets, or -1 */
  void       (*update) (TimeFx *self);

  float       *line;         /* line_channels interleaved, mask + 1 frames */
  unsigned     line_channels;
  size_t       mask, pos;

  Tap          tap[N_TAPS];
  double       lp_pole, lp_state[MAX_CHANNELS];   /* delay */
  double       tap_gain[N_TAPS][MAX_CHANNELS];    /* multitap */
  double       phase;                             /* chorus */
};

static unsigned
ms_to_frames (const TimeFx *self, double ms)
{
  double frames = floor (ms * self->rate / 1000.0 + 0.5);

  return frames < 1.0 ? 1 : (unsigned) frames;
}

static void
tap_snap (Tap *t)
{
  t->cur = t->next = t->target;
  t->done = 0;
}

/* The weight of `next` in this frame; starts a crossfade when the target moved and none
 * runs. */
static inline double
tap_begin (Tap *t, unsigned ramp)
{
  if (t->done == 0)
    {
      if (t->target == t->cur)
        return 0.0;
      t->next = t->target;
    }
  t->done++;
  return (double) t->done / ramp;
}

static inline void
tap_end (Tap *t, unsigned ramp)
{
  if (t->done == ramp)
    {
      t->cur = t->next;
      t->done = 0;
    }
}

static inline float
line_at (const TimeFx *self, size_t delay, unsigned channel)
{
  return self->line[((self->pos - delay) & self->mask) * self->line_channels + channel];
}

static inline double
tap_read (const TimeFx *self, const Tap *t, double w, unsigned channel)
{
  double v = line_at (self, t->cur, channel);

  return w == 0.0 ? v : (1.0 - w) * v + w * line_at (self, t->next, channel);
}

static inline void
line_write (TimeFx *self, unsigned channel, double value)
{
  self->line[self->pos * self->line_channels + channel] = (float) value;
}

static inline double
flush (double v)
{
  return fabs (v) < FLUSH ? 0.0 : v;
}

static inline float
crossfade (float dry, double wet, double mix)
{
  return (float) ((1.0 - mix) * dry + mix * wet);
}

/* Advances every glide one frame, recomputing what depends on them. */
static inline void
tick (TimeFx *self, unsigned n_params)
{
  if (strata_glides_tick (&self->glides, self->param, n_params) && self->update != NULL)
    self->update (self);
}

static void
time_destroy (StrataEffect *fx)
{
  TimeFx *self = (TimeFx *) fx;

  if (self != NULL)
    free (self->line);
  free (self);
}

static void
time_reset (StrataEffect *fx)
{
  TimeFx *self = (TimeFx *) fx;

  memset (self->line, 0, (self->mask + 1) * self->line_channels * sizeof (float));
  self->pos = 0;
  strata_glides_settle (&self->glides, self->param, self->parent.klass->n_params);
  for (unsigned t = 0; t < N_TAPS; t++)
    tap_snap (&self->tap[t]);
  for (unsigned c = 0; c < MAX_CHANNELS; c++)
    self->lp_state[c] = 0.0;
  self->phase = 0.0;
  if (self->update != NULL)
    self->update (self);
}

static void
time_set_param (StrataEffect *fx, unsigned index, double value)
{
  TimeFx *self = (TimeFx *) fx;
  int t;

  if (index >= self->parent.klass->n_params)
    return;
  t = self->tap_of[index];
  if (t >= 0)
    {
      /* Times do not glide: their tap crossfades. */
      strata_ramp_init (&self->param[index], value);
      self->tap[t].target = ms_to_frames (self, value);
      if (self->glides.fresh)
        tap_snap (&self->tap[t]);
      return;
    }
  strata_glides_set (&self->glides, &self->param[index], value, 0);
  if (self->update != NULL)
    self->update (self);
}

/* The instance with its parameters at their defaults and a silent line of `line_channels`
 * long enough for `max_ms` plus `extra` frames. */
static TimeFx *
time_create (const StrataEffectClass *klass, unsigned rate, unsigned channels,
             unsigned line_channels, double max_ms, unsigned extra,
             void (*update) (TimeFx *self))
{
  TimeFx *self;
  size_t need, size = 1;

  if (rate == 0 || channels == 0 || channels > MAX_CHANNELS || klass->n_params > MAX_PARAMS)
    return NULL;
  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;
  self->parent.klass = klass;
  self->channels = channels;
  self->rate = rate;
  strata_glides_init (&self->glides, rate);
  if (self->glides.ramp_frames == 0)
    self->glides.ramp_frames = 1;
  self->update = update;
  self->line_channels = line_channels;
  need = (size_t) ceil (max_ms * rate / 1000.0) + extra + 1;
  while (size < need)
    size <<= 1;
  self->mask = size - 1;
  self->line = calloc (size * line_channels, sizeof (float));
  if (self->line == NULL)
    {
      free (self);
      return NULL;
    }
  for (unsigned p = 0; p < klass->n_params; p++)
    {
      self->tap_of[p] = -1;
      strata_ramp_init (&self->param[p], klass->params[p].def);
    }
  return self;
}

/* Makes parameter `index` the time of tap `t`, which starts at that parameter's value. */
static void
time_bind_tap (TimeFx *self, unsigned index, unsigned t)
{
  self->tap_of[index] = (int) t;
  self->tap[t].target = ms_to_frames (self, self->param[index].value);
  tap_snap (&self->tap[t]);
}

static unsigned
tap_longest (const Tap *t)
{
  unsigned m = t->cur > t->next ? t->cur : t->next;

  return m > t->target ? m : t->target;
}

/* Until the repeats of a feedback loop fall below -90 dB: repeat k has the level
 * feedback^(k-1). */
static double
feedback_tail (const TimeFx *self, unsigned fb_index)
{
  const StrataRamp *fb = &self->param[fb_index];
  double g = fb->value > fb->target ? fb->value : fb->target;
  double time = tap_longest (&self->tap[0]) / self->rate;

  if (!(g > 0.0))
    return time;
  return time * (1.0 + log (pow (10.0, TAIL_DB / 20.0)) / log (g));
}

#define MIX_PARAM(def) { "mix", N_("Mix"), "", STRATA_PARAM_CONTINUOUS, 0.0, 1.0, def, NULL, \
                         STRATA_PARAM_LINEAR }
#define TIME_PARAM(name, label, def) { name, label, N_("ms"), STRATA_PARAM_CONTINUOUS, 1.0, \
                                       MAX_TIME_MS, def, NULL, STRATA_PARAM_LOG }
#define FEEDBACK_PARAM(def) { "feedback", N_("Feedback"), "", STRATA_PARAM_CONTINUOUS, 0.0, 0.95, \
                              def, NULL, STRATA_PARAM_LINEAR }

/* ---- delay --------------------------------------------------------------------------------- */

enum { DELAY_TIME, DELAY_FEEDBACK, DELAY_LOWPASS, DELAY_MIX, DELAY_N_PARAMS };

static const StrataParamDesc delay_params[DELAY_N_PARAMS] = {
  TIME_PARAM ("time_ms", N_("Time"), 250.0),
  FEEDBACK_PARAM (0.3),
  { "lowpass", N_("Low-pass"), N_("Hz"), STRATA_PARAM_CONTINUOUS, 20.0, LOWPASS_OFF, LOWPASS_OFF,
    NULL, STRATA_PARAM_LOG },
  MIX_PARAM (0.3),
};

static void
delay_update (TimeFx *self)
{
  double off = exp (-2.0 * M_PI * LOWPASS_OFF / self->rate);
  double p = exp (-2.0 * M_PI * self->param[DELAY_LOWPASS].value / self->rate);

  self->lp_pole = p > off ? (p - off) / (1.0 - off) : 0.0;
}

static StrataEffect *
delay_create (unsigned sample_rate, unsigned channels)
{
  TimeFx *self = time_create (&strata_fx_delay, sample_rate, channels, channels, MAX_TIME_MS,
                              1, delay_update);

  if (self == NULL)
    return NULL;
  time_bind_tap (self, DELAY_TIME, 0);
  delay_update (self);
  return &self->parent;
}

static void
delay_process (StrataEffect *fx, float *frames, size_t n_frames)
{
  TimeFx *self = (TimeFx *) fx;
  unsigned channels = self->channels;

  if (n_frames > 0)
    self->glides.fresh = 0;
  for (size_t i = 0; i < n_frames; i++)
    {
      float *frame = frames + i * channels;
      double w, fb, mix;

      tick (self, DELAY_N_PARAMS);
      w = tap_begin (&self->tap[0], self->glides.ramp_frames);
      fb = self->param[DELAY_FEEDBACK].value;
      mix = self->param[DELAY_MIX].value;
      for (unsigned c = 0; c < channels; c++)
        {
          double wet = tap_read (self, &self->tap[0], w, c);
          double *y = &self->lp_state[c];

          *y = flush (wet + self->lp_pole * (*y - wet));
          line_write (self, c, frame[c] + flush (fb * *y));
          frame[c] = crossfade (frame[c], wet, mix);
        }
      tap_end (&self->tap[0], self->glides.ramp_frames);
      self->pos = (self->pos + 1) & self->mask;
    }
}

static double
delay_tail (const StrataEffect *fx)
{
  return feedback_tail ((const TimeFx *) fx, DELAY_FEEDBACK);
}

const StrataEffectClass strata_fx_delay = {
  "delay", N_("Delay"),
  N_("Echoes at a set time, each repeat quieter by the feedback and darker by the low-pass."),
  delay_params, DELAY_N_PARAMS,
  delay_create, time_destroy, time_reset, time_set_param,
  delay_process, NULL, delay_tail,
};

/* ---- ping-pong delay ----------------------------------------------------------------------- */

enum { PP_TIME, PP_FEEDBACK, PP_MIX, PP_N_PARAMS };

static const StrataParamDesc ping_pong_params[PP_N_PARAMS] = {
  TIME_PARAM ("time_ms", N_("Time"), 250.0),
  FEEDBACK_PARAM (0.4),
  MIX_PARAM (0.3),
};

static StrataEffect *
ping_pong_delay_create (unsigned sample_rate, unsigned channels)
{
  TimeFx *self = time_create (&strata_fx_ping_pong_delay, sample_rate, channels, channels,
                              MAX_TIME_MS, 1, NULL);

  if (self == NULL)
    return NULL;
  time_bind_tap (self, PP_TIME, 0);
  return &self->parent;
}

static void
ping_pong_delay_process (StrataEffect *fx, float *frames, size_t n_frames)
{
  TimeFx *self = (TimeFx *) fx;
  unsigned channels = self->channels;

  if (n_frames > 0)
    self->glides.fresh = 0;
  for (size_t i = 0; i < n_frames; i++)
    {
      float *frame = frames + i * channels;
      double w, fb, mix;

      tick (self, PP_N_PARAMS);
      w = tap_begin (&self->tap[0], self->glides.ramp_frames);
      fb = self->param[PP_FEEDBACK].value;
      mix = self->param[PP_MIX].value;
      if (channels == 2)
        {
          double left = tap_read (self, &self->tap[0], w, 0);
          double right = tap_read (self, &self->tap[0], w, 1);

          line_write (self, 0, 0.5 * ((double) frame[0] + frame[1]) + flush (fb * right));
          line_write (self, 1, flush (fb * left));
          frame[0] = crossfade (frame[0], left, mix);
          frame[1] = crossfade (frame[1], right, mix);
        }
      else
        {
          double wet = tap_read (self, &self->tap[0], w, 0);

          line_write (self, 0, frame[0] + flush (fb * wet));
          frame[0] = crossfade (frame[0], wet, mix);
        }
      tap_end (&self->tap[0], self->glides.ramp_frames);
      self->pos = (self->pos + 1) & self->mask;
    }
}

static double
ping_pong_delay_tail (const StrataEffect *fx)
{
  return feedback_tail ((const TimeFx *) fx, PP_FEEDBACK);
}

const StrataEffectClass strata_fx_ping_pong_delay = {
  "ping_pong_delay", N_("Ping-pong delay"),
  N_("Echoes that alternate between left and right, each quieter by the feedback."),
  ping_pong_params, PP_N_PARAMS,
  ping_pong_delay_create, time_destroy, time_reset, time_set_param,
  ping_pong_delay_process, NULL, ping_pong_delay_tail,
};

/* ---- multitap delay ------------------------------------------------------------------------ */

enum { MT_TIME, MT_LEVEL, MT_PAN, MT_PER_TAP };
#define MT_MIX (N_TAPS * MT_PER_TAP)
#define MT_N_PARAMS (MT_MIX + 1)

#define TAP_PARAMS(n, time, level, time_label, level_label, pan_label) \
  TIME_PARAM ("t" #n "_time_ms", time_label, time), \
  { "t" #n "_level_db", level_label, N_("dB"), STRATA_PARAM_CONTINUOUS, -96.0, 6.0, level, \
    NULL, STRATA_PARAM_LINEAR }, \
  { "t" #n "_pan", pan_label, "", STRATA_PARAM_CONTINUOUS, -1.0, 1.0, 0.0, NULL, \
    STRATA_PARAM_LINEAR }

/* The labels are spelled out, not pasted from the tap's number: xgettext reads each as one
 * string. */
static const StrataParamDesc multitap_params[MT_N_PARAMS] = {
  TAP_PARAMS (1, 125.0, -6.0, N_("Tap 1 time"), N_("Tap 1 level"), N_("Tap 1 pan")),
  TAP_PARAMS (2, 250.0, -9.0, N_("Tap 2 time"), N_("Tap 2 level"), N_("Tap 2 pan")),
  TAP_PARAMS (3, 375.0, -12.0, N_("Tap 3 time"), N_("Tap 3 level"), N_("Tap 3 pan")),
  TAP_PARAMS (4, 500.0, -15.0, N_("Tap 4 time"), N_("Tap 4 level"), N_("Tap 4 pan")),
  MIX_PARAM (0.3),
};

static void
multitap_update (TimeFx *self)
{
  for (unsigned t = 0; t < N_TAPS; t++)
    {
      double level = pow (10.0, self->param[t * MT_PER_TAP + MT_LEVEL].value / 20.0);
      double theta = (self->param[t * MT_PER_TAP + MT_PAN].value + 1.0) * M_PI / 4.0;

      if (self->channels == 2)
        {
          self->tap_gain[t][0] = level * cos (theta);
          self->tap_gain[t][1] = level * sin (theta);
        }
      else
        self->tap_gain[t][0] = level;
    }
}

static StrataEffect *
multitap_delay_create (unsigned sample_rate, unsigned channels)
{
  TimeFx *self = time_create (&strata_fx_multitap_delay, sample_rate, channels, 1,
                              MAX_TIME_MS, 1, multitap_update);

  if (self == NULL)
    return NULL;
  for (unsigned t = 0; t < N_TAPS; t++)
    time_bind_tap (self, t * MT_PER_TAP + MT_TIME, t);
  multitap_update (self);
  return &self->parent;
}

static void
multitap_delay_process (StrataEffect *fx, float *frames, size_t n_frames)
{
  TimeFx *self = (TimeFx *) fx;
  unsigned channels = self->channels;

  if (n_frames > 0)
    self->glides.fresh = 0;
  for (size_t i = 0; i < n_frames; i++)
    {
      float *frame = frames + i * channels;
      double wet[MAX_CHANNELS] = { 0.0, 0.0 };
      double mix;

      tick (self, MT_N_PARAMS);
      mix = self->param[MT_MIX].value;
      line_write (self, 0, channels == 2 ? 0.5 * ((double) frame[0] + frame[1]) : frame[0]);
      for (unsigned t = 0; t < N_TAPS; t++)
        {
          double w = tap_begin (&self->tap[t], self->glides.ramp_frames);
          double v = tap_read (self, &self->tap[t], w, 0);

          for (unsigned c = 0; c < channels; c++)
            wet[c] += self->tap_gain[t][c] * v;
          tap_end (&self->tap[t], self->glides.ramp_frames);
        }
      for (unsigned c = 0; c < channels; c++)
        frame[c] = crossfade (frame[c], wet[c], mix);
      self->pos = (self->pos + 1) & self->mask;
    }
}

static double
multitap_delay_tail (const StrataEffect *fx)
{
  const TimeFx *self = (const TimeFx *) fx;
  unsigned longest = 0;

  for (unsigned t = 0; t < N_TAPS; t++)
    if (tap_longest (&self->tap[t]) > longest)
      longest = tap_longest (&self->tap[t]);
  return longest / self->rate;
}

const StrataEffectClass strata_fx_multitap_delay = {
  "multitap_delay", N_("Multitap delay"),
  N_("Four echoes, each with its own time, level and pan."),
  multitap_params, MT_N_PARAMS,
  multitap_delay_create, time_destroy, time_reset, time_set_param,
  multitap_delay_process, NULL, multitap_delay_tail,
};

/* ---- chorus -------------------------------------------------------------------------------- */

enum { CHORUS_RATE, CHORUS_DEPTH, CHORUS_DELAY, CHORUS_MIX, CHORUS_N_PARAMS };

#define CHORUS_MAX_MS (50.0 + 10.0)

static const StrataParamDesc chorus_params[CHORUS_N_PARAMS] = {
  { "rate_hz", N_("Rate"), N_("Hz"), STRATA_PARAM_CONTINUOUS, 0.01, 10.0, 0.8, NULL,
    STRATA_PARAM_LOG },
  { "depth_ms", N_("Depth"), N_("ms"), STRATA_PARAM_CONTINUOUS, 0.0, 10.0, 3.0, NULL,
    STRATA_PARAM_LINEAR },
  { "delay_ms", N_("Delay"), N_("ms"), STRATA_PARAM_CONTINUOUS, 1.0, 50.0, 12.0, NULL,
    STRATA_PARAM_LOG },
  MIX_PARAM (0.5),
};

static StrataEffect *
chorus_create (unsigned sample_rate, unsigned channels)
{
  TimeFx *self = time_create (&strata_fx_chorus, sample_rate, channels, channels,
                              CHORUS_MAX_MS, 4, NULL);

  return self != NULL ? &self->parent : NULL;
}

/* Catmull-Rom between x0 (t = 0) and x1 (t = 1), xm1 and x2 their outer neighbours. */
static inline double
cubic (double xm1, double x0, double x1, double x2, double t)
{
  double c1 = 0.5 * (x1 - xm1);
  double c2 = xm1 - 2.5 * x0 + 2.0 * x1 - 0.5 * x2;
  double c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1);

  return ((c3 * t + c2) * t + c1) * t + x0;
}

static void
chorus_process (StrataEffect *fx, float *frames, size_t n_frames)
{
  TimeFx *self = (TimeFx *) fx;
  unsigned channels = self->channels;
  double frames_per_ms = self->rate / 1000.0;

  if (n_frames > 0)
    self->glides.fresh = 0;
  for (size_t i = 0; i < n_frames; i++)
    {
      float *frame = frames + i * channels;
      double delay, depth, mix;

      tick (self, CHORUS_N_PARAMS);
      delay = self->param[CHORUS_DELAY].value;
      depth = self->param[CHORUS_DEPTH].value;
      mix = self->param[CHORUS_MIX].value;
      for (unsigned c = 0; c < channels; c++)
        {
          double d = (delay + depth * sin (2.0 * M_PI * (self->phase + 0.25 * c)))
                     * frames_per_ms;
          size_t k;
          double t, wet;

          if (d < CHORUS_MIN_FRAMES)
            d = CHORUS_MIN_FRAMES;
          k = (size_t) d;
          t = d - k;
          /* The newest sample is written first, so x[n - k + 1] exists for k >= 1. */
          line_write (self, c, frame[c]);
          wet = cubic (line_at (self, k - 1, c), line_at (self, k, c), line_at (self, k + 1, c),
                       line_at (self, k + 2, c), t);
          frame[c] = crossfade (frame[c], wet, mix);
        }
      self->phase += self->param[CHORUS_RATE].value / self->rate;
      if (self->phase >= 1.0)
        self->phase -= 1.0;
      self->pos = (self->pos + 1) & self->mask;
    }
}

static double
chorus_tail (const StrataEffect *fx)
{
  const TimeFx *self = (const TimeFx *) fx;
  const StrataRamp *delay = &self->param[CHORUS_DELAY], *depth = &self->param[CHORUS_DEPTH];

  return (fmax (delay->value, delay->target) + fmax (depth->value, depth->target)) / 1000.0
         + 3.0 / self->rate;
}

const StrataEffectClass strata_fx_chorus = {
  "chorus", N_("Chorus"),
  N_("Thickens the sound with a copy whose delay a slow sine sweeps."),
  chorus_params, CHORUS_N_PARAMS,
  chorus_create, time_destroy, time_reset, time_set_param,
  chorus_process, NULL, chorus_tail,
};
