/* strata-limiter.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A look-ahead true-peak limiter for the master: the output's true peak (4x oversampled, as
 * ITU-R BS.1770 measures it) never exceeds the ceiling. Plain C, no GLib; memory is allocated
 * by _new only.
 */
#pragma once

#include <stddef.h>

typedef struct _StrataLimiter StrataLimiter;

/* ceiling: linear true-peak ceiling (e.g. 10^(-1/20) for -1 dBTP); lookahead and release in
 * milliseconds (the look-ahead has a floor the detector needs; both are capped at 10 s).
 * Oversampling follows libebur128: 4x below 96 kHz, 2x below 192 kHz. The gain is back at
 * exactly 1.0 release_ms after the last frame that needed reduction. Returns NULL for invalid
 * arguments (no channels, a ceiling <= 0) or when out of memory. */
StrataLimiter *strata_limiter_new         (unsigned     sample_rate,
                                           unsigned     channels,
                                           double       ceiling,
                                           double       lookahead_ms,
                                           double       release_ms);
void           strata_limiter_free        (StrataLimiter *self);
void           strata_limiter_reset       (StrataLimiter *self);
/* Output is delayed by this many frames. */
unsigned       strata_limiter_latency     (const StrataLimiter *self);
/* Interleaved; in and out may be the same buffer. */
void           strata_limiter_process     (StrataLimiter *self,
                                           const float   *in,
                                           float         *out,
                                           size_t         n_frames);
/* The smallest gain it applied so far (1.0 if it never acted). */
double         strata_limiter_min_gain    (const StrataLimiter *self);
