/* strata-peak-cache.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Waveform overviews for the arranger: the peaks of each source, loaded from the media
 * folder's `<hash>.peaks` when there is one, else computed from the audio in a worker thread.
 */
#pragma once

#include <glib-object.h>

#include "strata-peaks.h"
#include "strata-source.h"

G_BEGIN_DECLS

#define STRATA_TYPE_PEAK_CACHE (strata_peak_cache_get_type ())
G_DECLARE_FINAL_TYPE (StrataPeakCache, strata_peak_cache, STRATA, PEAK_CACHE, GObject)

StrataPeakCache *strata_peak_cache_new    (void);
/* The peaks of `source`, or NULL until they are ready: the first call starts loading them and
 * "ready" (with the source) is emitted on the main context when they arrive. A source whose
 * audio cannot be read stays NULL and is not retried. */
StrataPeaks     *strata_peak_cache_lookup (StrataPeakCache *self,
                                           StrataSource    *source);
/* Blocks until every load started so far has finished (for tests and the bench). */
void             strata_peak_cache_wait   (StrataPeakCache *self);

G_END_DECLS
