/* strata-sliding-min.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "strata-sliding-min.h"

int
strata_sliding_min_init (StrataSlidingMin *self, unsigned capacity)
{
  self->cap = capacity;
  self->val = calloc (capacity, sizeof *self->val);
  self->idx = calloc (capacity, sizeof *self->idx);
  strata_sliding_min_reset (self);
  return self->val != NULL && self->idx != NULL;
}

void
strata_sliding_min_clear (StrataSlidingMin *self)
{
  free (self->val);
  free (self->idx);
  self->val = NULL;
  self->idx = NULL;
}

void
strata_sliding_min_reset (StrataSlidingMin *self)
{
  self->head = 0;
  self->count = 0;
}

double
strata_sliding_min_push (StrataSlidingMin *self, double value, uint64_t step, unsigned window)
{
  unsigned last;

  /* Values not smaller than the new one can never be the minimum again. */
  while (self->count > 0)
    {
      last = (self->head + self->count - 1) % self->cap;
      if (self->val[last] < value)
        break;
      self->count--;
    }
  last = (self->head + self->count) % self->cap;
  self->val[last] = value;
  self->idx[last] = step;
  self->count++;
  while (self->idx[self->head] + window <= step)
    {
      self->head = (self->head + 1) % self->cap;
      self->count--;
    }
  return self->val[self->head];
}
