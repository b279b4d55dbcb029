/* strata-effect.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The built-in effects of docs/effects.md behind one interface, and the ONE descriptor table
 * per effect that JSON validation, automation targets, the mixer's parameter panel, presets
 * and help all read. Plain C for the audio thread: an instance allocates everything in
 * `create` (main thread); `reset`, `set_param` and `process` never allocate, lock or block.
 *
 * Rules every effect keeps (tests check them):
 *  - deterministic and independent of the block size: any work done "every K frames" counts
 *    frames from the last reset, never from the start of a process() call;
 *  - denormal-safe: silence after loud input decays to exact zeros, without slowing down;
 *  - continuous parameters glide to a new value linearly over STRATA_EFFECT_RAMP_MS (in their
 *    own unit, or in dB for gains) so that a change makes no zipper noise; choices and toggles
 *    switch at once; a value set before the first process() after create or reset applies
 *    at once (no glide from the default);
 *  - bypass is not the effect's business: the graph skips a bypassed insert (bit-exact).
 */
#pragma once

#include <stddef.h>

/* Marks a descriptor string for translators (the file is in po/POTFILES.in) without GLib: the
 * strings stay English here, in JSON and in automation; the UI translates them with _() where
 * it shows them. The same definition as GLib's, so either header may come first. */
#ifndef N_
#define N_(String) (String)
#endif

#define STRATA_EFFECT_RAMP_MS   10.0
#define STRATA_EFFECT_MAX_PARAMS 32

typedef enum
{
  STRATA_PARAM_CONTINUOUS,
  STRATA_PARAM_CHOICE,      /* value is the index into `choices` */
  STRATA_PARAM_TOGGLE,      /* 0 or 1 */
} StrataParamKind;

typedef enum
{
  STRATA_PARAM_LINEAR = 0,
  STRATA_PARAM_LOG    = 1 << 0,   /* shown on a logarithmic scale (frequencies, times) */
} StrataParamFlags;

typedef struct
{
  const char          *name;      /* as JSON and automation spell it: "threshold_db" */
  const char          *label;     /* for people: "Threshold" (English; the UI translates) */
  const char          *unit;      /* "dB", "Hz", "ms", "s", "" */
  StrataParamKind      kind;
  double               min;       /* choices: 0 .. n_choices-1; toggles: 0 .. 1 */
  double               max;
  double               def;
  const char *const   *choices;   /* CHOICE: the JSON names, NULL-terminated; else NULL */
  StrataParamFlags     flags;
} StrataParamDesc;

typedef struct _StrataEffect      StrataEffect;
typedef struct _StrataEffectClass StrataEffectClass;

struct _StrataEffectClass
{
  const char            *type;         /* JSON "type": "eq" */
  const char            *label;        /* "Equalizer" */
  const char            *description;  /* one sentence for help and tooltips */
  const StrataParamDesc *params;
  unsigned               n_params;

  /* Main thread. `channels` is 1 or 2. Returns NULL when out of memory. Parameters start at
   * their defaults. */
  StrataEffect *(*create)    (unsigned sample_rate, unsigned channels);
  void          (*destroy)   (StrataEffect *self);

  /* Audio thread. */
  void          (*reset)     (StrataEffect *self);
  /* `value` is within the descriptor's range (callers clamp). */
  void          (*set_param) (StrataEffect *self, unsigned index, double value);
  /* `frames` interleaved, the channel count given to create, processed in place. */
  void          (*process)   (StrataEffect *self, float *frames, size_t n_frames);
  /* Frames the output lags the input (the limiter's look-ahead); 0 for most. */
  unsigned      (*latency)   (const StrataEffect *self);
  /* Seconds the output can last after the input stops, until it would fall below -90 dB. */
  double        (*tail)      (const StrataEffect *self);
};

/* Every instance starts with this. */
struct _StrataEffect
{
  const StrataEffectClass *klass;
};

/* The registry, in the order effects.md lists them. */
unsigned                 strata_effect_n_classes     (void);
const StrataEffectClass *strata_effect_class_get     (unsigned index);
const StrataEffectClass *strata_effect_class_find    (const char *type);
/* -1 when the class has no parameter of that name. */
int                      strata_effect_param_index   (const StrataEffectClass *klass,
                                                      const char *name);
/* -1 when `name` is not one of a CHOICE parameter's choices. */
int                      strata_effect_choice_index  (const StrataParamDesc *param,
                                                      const char *name);
double                   strata_effect_param_clamp   (const StrataParamDesc *param,
                                                      double value);

/* Shorthands for the class's functions. */
StrataEffect *strata_effect_new        (const StrataEffectClass *klass,
                                        unsigned                 sample_rate,
                                        unsigned                 channels);
void          strata_effect_free       (StrataEffect *self);
void          strata_effect_reset      (StrataEffect *self);
void          strata_effect_set_param  (StrataEffect *self,
                                        unsigned      index,
                                        double        value);
void          strata_effect_process    (StrataEffect *self,
                                        float        *frames,
                                        size_t        n_frames);
unsigned      strata_effect_latency    (const StrataEffect *self);
double        strata_effect_tail       (const StrataEffect *self);

/* The classes, one per effect, defined in strata-fx-*.c. */
extern const StrataEffectClass strata_fx_eq;
extern const StrataEffectClass strata_fx_low_shelf;
extern const StrataEffectClass strata_fx_high_shelf;
extern const StrataEffectClass strata_fx_filter;
extern const StrataEffectClass strata_fx_compressor;
extern const StrataEffectClass strata_fx_limiter;
extern const StrataEffectClass strata_fx_expander;
extern const StrataEffectClass strata_fx_gate;
extern const StrataEffectClass strata_fx_saturation;
extern const StrataEffectClass strata_fx_distortion;
extern const StrataEffectClass strata_fx_waveshaper;
extern const StrataEffectClass strata_fx_delay;
extern const StrataEffectClass strata_fx_ping_pong_delay;
extern const StrataEffectClass strata_fx_multitap_delay;
extern const StrataEffectClass strata_fx_freeverb;
extern const StrataEffectClass strata_fx_hall_reverb;
extern const StrataEffectClass strata_fx_plate_reverb;
extern const StrataEffectClass strata_fx_chorus;
extern const StrataEffectClass strata_fx_utility;
