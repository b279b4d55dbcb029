/* strata-ring.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A single-producer single-consumer ring of fixed-size elements: one thread writes, another
 * reads, neither waits nor locks, so the audio thread may be either side. Capacity is a power
 * of two elements; indices run free and wrap by masking.
 */
#pragma once

#include <stdatomic.h>
#include <stddef.h>

typedef struct
{
  unsigned char *data;
  size_t         element_size;
  size_t         capacity;     /* a power of two */
  _Atomic size_t write;        /* elements written since the start; advanced by the writer */
  _Atomic size_t read;         /* elements read since the start; advanced by the reader */
} StrataRing;

/* Allocates room for at least `min_capacity` elements (not on the audio thread). */
StrataRing *strata_ring_new         (size_t            element_size,
                                     size_t            min_capacity);
void        strata_ring_free        (StrataRing       *ring);

size_t      strata_ring_read_space  (const StrataRing *ring);
size_t      strata_ring_write_space (const StrataRing *ring);

/* Copies in up to `n` elements; returns how many fit. */
size_t      strata_ring_write       (StrataRing       *ring,
                                     const void       *src,
                                     size_t            n);
/* Copies out up to `n` elements and consumes them; returns how many there were. */
size_t      strata_ring_read        (StrataRing       *ring,
                                     void             *dst,
                                     size_t            n);
/* Copies out `n` elements starting `skip` past the read index without consuming them;
 * returns how many were there. */
size_t      strata_ring_peek        (const StrataRing *ring,
                                     size_t            skip,
                                     void             *dst,
                                     size_t            n);
void        strata_ring_advance     (StrataRing       *ring,
                                     size_t            n);
/* Empties the ring; only while neither side uses it. */
void        strata_ring_reset       (StrataRing       *ring);
