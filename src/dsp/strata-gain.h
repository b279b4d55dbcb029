/* strata-gain.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Level and pan laws of project-format.md, in plain C for the audio thread.
 */
#pragma once

/* dB to linear amplitude; -inf (and anything at or below -144 dB) is silence. */
float strata_db_to_gain          (double db);
double strata_gain_to_db         (double gain);

/* Mono source, constant power: L = cos(theta), R = sin(theta), theta = (pan + 1) pi / 4. */
void  strata_pan_mono            (double pan,
                                  float *left,
                                  float *right);

/* Stereo balance: gL = min(1, sqrt2 cos(theta)), gR = min(1, sqrt2 sin(theta)). */
void  strata_pan_balance         (double pan,
                                  float *left,
                                  float *right);
