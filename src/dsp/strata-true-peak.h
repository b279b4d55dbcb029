/* strata-true-peak.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * True-peak metering after ITU-R BS.1770 (4x oversampling below 192 kHz, none at 192 kHz),
 * with a long interpolation filter: a 48-tap-per-phase Kaiser-windowed
 * sinc, flat within 0.02 dB to 0.9 of Nyquist. libebur128's 49-tap filter reads full-band
 * peaks up to 1.5 dB low; this one agrees with ffmpeg's ebur128 within 0.1 dB. The export
 * verifies its ceiling with it and the limiter detects with the same filter. Plain C, no GLib.
 */
#pragma once

#include <stddef.h>

#define STRATA_TRUE_PEAK_TAPS 48   /* per phase, in input samples */

typedef struct _StrataTruePeak StrataTruePeak;

/* Oversampling factor used at a sample rate: 4 or 1. */
unsigned        strata_true_peak_factor       (unsigned sample_rate);
/* The filter for phase p (1..factor-1) of `factor`: STRATA_TRUE_PEAK_TAPS coefficients to
 * apply to input samples x[k - 23 .. k + 24] (oldest first) to get the value at k + p/factor.
 * Each phase sums to 1. */
void            strata_true_peak_coefficients (unsigned factor,
                                               unsigned phase,
                                               float   *coefficients);

StrataTruePeak *strata_true_peak_new          (unsigned        sample_rate,
                                               unsigned        channels);
void            strata_true_peak_free         (StrataTruePeak *self);
/* Interleaved frames; any block size gives the same result. */
void            strata_true_peak_process      (StrataTruePeak *self,
                                               const float    *frames,
                                               size_t          n_frames);
/* Measures the points between the last frames, as if silence followed; call at the end. */
void            strata_true_peak_flush        (StrataTruePeak *self);
/* The highest true peak so far over all channels, linear (1.0 = 0 dBTP). */
double          strata_true_peak_get          (const StrataTruePeak *self);
