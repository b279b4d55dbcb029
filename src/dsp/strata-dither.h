/* strata-dither.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Quantisation of float audio to integer samples: TPDF dither (two uniform random values,
 * +-1 LSB peak, from a deterministic generator) at 16 bits, plain rounding at 24 bits, and
 * clipping beyond full scale. Full scale is 2^(bits-1): a float of 1.0 clips to the largest
 * positive code. Plain C, no GLib.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct
{
  uint64_t state;
} StrataDither;

void strata_dither_init     (StrataDither *self,
                             uint64_t      seed);
/* Writes codes left-aligned in 32 bits (as libsndfile's sf_write_int expects): a 16-bit code
 * c is stored as c << 16, a 24-bit code as c << 8. `dither` applies TPDF; else rounds half
 * away from zero. */
void strata_dither_quantize (StrataDither *self,
                             const float  *in,
                             int32_t      *out,
                             size_t        n_samples,
                             unsigned      bits,
                             int           dither);
/* Little-endian 24-bit PCM of n_samples samples (3 n_samples bytes at `out`), exactly the
 * codes strata_dither_quantize gives at 24 bits without dither, packed as a WAV file holds
 * them: one pass, four samples per shuffle where the processor has SSSE3. */
void strata_dither_pack_24  (const float  *in,
                             uint8_t      *out,
                             size_t        n_samples);
