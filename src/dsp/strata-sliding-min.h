/* strata-sliding-min.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The minimum of the last `window` values pushed, in constant amortised time (a monotonic
 * deque): what a look-ahead limiter needs of the gains its coming peaks require. Shared by the
 * export limiter and the limiter effect. Plain C; memory is allocated by _init only.
 */
#pragma once

#include <stdint.h>

typedef struct
{
  double   *val;
  uint64_t *idx;
  unsigned  cap;      /* the largest window it can serve is cap - 1 */
  unsigned  head, count;
} StrataSlidingMin;

/* 0 when out of memory. */
int    strata_sliding_min_init  (StrataSlidingMin *self,
                                 unsigned          capacity);
void   strata_sliding_min_clear (StrataSlidingMin *self);
void   strata_sliding_min_reset (StrataSlidingMin *self);
/* Pushes `value` as step `step` (steps increase by one per push) and returns the minimum of
 * the values pushed at steps (step - window, step]. The window may shrink between pushes. */
double strata_sliding_min_push  (StrataSlidingMin *self,
                                 double            value,
                                 uint64_t          step,
                                 unsigned          window);
