/* strata-ring.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"
#include "strata-ring.h"

#include <stdlib.h>
#include <string.h>

StrataRing *
strata_ring_new (size_t element_size, size_t min_capacity)
{
  StrataRing *ring = calloc (1, sizeof *ring);
  size_t capacity = 1;

  while (capacity < min_capacity)
    capacity <<= 1;
  ring->element_size = element_size;
  ring->capacity = capacity;
  ring->data = calloc (capacity, element_size);
  atomic_init (&ring->write, 0);
  atomic_init (&ring->read, 0);
  return ring;
}

void
strata_ring_free (StrataRing *ring)
{
  if (ring == NULL)
    return;
  free (ring->data);
  free (ring);
}

size_t
strata_ring_read_space (const StrataRing *ring)
{
  size_t w = atomic_load_explicit (&((StrataRing *) ring)->write, memory_order_acquire);
  size_t r = atomic_load_explicit (&((StrataRing *) ring)->read, memory_order_relaxed);
  return w - r;
}

size_t
strata_ring_write_space (const StrataRing *ring)
{
  size_t r = atomic_load_explicit (&((StrataRing *) ring)->read, memory_order_acquire);
  size_t w = atomic_load_explicit (&((StrataRing *) ring)->write, memory_order_relaxed);
  return ring->capacity - (w - r);
}

/* Copies n elements between `buffer` and the ring starting at free-running index `at`, in at
 * most two pieces. */
static void
copy_wrapped (const StrataRing *ring, size_t at, void *buffer, size_t n, int into_ring)
{
  size_t mask = ring->capacity - 1;
  size_t first = ring->capacity - (at & mask);
  size_t size = ring->element_size;
  unsigned char *slot = ring->data + (at & mask) * size;
  unsigned char *b = buffer;

  if (first > n)
    first = n;
  if (into_ring)
    {
      memcpy (slot, b, first * size);
      memcpy (ring->data, b + first * size, (n - first) * size);
    }
  else
    {
      memcpy (b, slot, first * size);
      memcpy (b + first * size, ring->data, (n - first) * size);
    }
}

size_t
strata_ring_write (StrataRing *ring, const void *src, size_t n)
{
  size_t w = atomic_load_explicit (&ring->write, memory_order_relaxed);
  size_t space = strata_ring_write_space (ring);

  if (n > space)
    n = space;
  copy_wrapped (ring, w, (void *) src, n, 1);
  atomic_store_explicit (&ring->write, w + n, memory_order_release);
  return n;
}

size_t
strata_ring_peek (const StrataRing *ring, size_t skip, void *dst, size_t n)
{
  size_t r = atomic_load_explicit (&((StrataRing *) ring)->read, memory_order_relaxed);
  size_t space = strata_ring_read_space (ring);

  if (skip >= space)
    return 0;
  if (n > space - skip)
    n = space - skip;
  copy_wrapped (ring, r + skip, dst, n, 0);
  return n;
}

void
strata_ring_advance (StrataRing *ring, size_t n)
{
  size_t r = atomic_load_explicit (&ring->read, memory_order_relaxed);
  atomic_store_explicit (&ring->read, r + n, memory_order_release);
}

size_t
strata_ring_read (StrataRing *ring, void *dst, size_t n)
{
  n = strata_ring_peek (ring, 0, dst, n);
  strata_ring_advance (ring, n);
  return n;
}

void
strata_ring_reset (StrataRing *ring)
{
  atomic_store (&ring->write, 0);
  atomic_store (&ring->read, 0);
}
