/* strata-peak-cache.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-peak-cache"

#include "config.h"

#include "strata-peak-cache.h"

struct _StrataPeakCache
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataPeakCache, strata_peak_cache, G_TYPE_OBJECT)

static void
strata_peak_cache_class_init (StrataPeakCacheClass *klass)
{
}

static void
strata_peak_cache_init (StrataPeakCache *self)
{
}

StrataPeakCache *
strata_peak_cache_new (void)
{
  return g_object_new (STRATA_TYPE_PEAK_CACHE, NULL);
}

StrataPeaks *
strata_peak_cache_lookup (StrataPeakCache *self, StrataSource *source)
{
  return NULL;
}

void
strata_peak_cache_wait (StrataPeakCache *self)
{
}
