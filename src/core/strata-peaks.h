/* strata-peaks.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Waveform overviews: min/max per STRATA_PEAKS_BASE_FRAMES frames per channel, plus coarser
 * levels, built while decoding and stored beside the media as <hash>.peaks.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STRATA_PEAKS_BASE_FRAMES 256

typedef struct _StrataPeaks        StrataPeaks;
typedef struct _StrataPeaksBuilder StrataPeaksBuilder;

StrataPeaksBuilder *strata_peaks_builder_new     (guint                channels);
void                strata_peaks_builder_add     (StrataPeaksBuilder  *builder,
                                                  const float         *interleaved,
                                                  gsize                n_frames);
StrataPeaks        *strata_peaks_builder_finish  (StrataPeaksBuilder  *builder);
void                strata_peaks_builder_free    (StrataPeaksBuilder  *builder);

gboolean            strata_peaks_save            (StrataPeaks         *peaks,
                                                  const char          *path,
                                                  GError             **error);
StrataPeaks        *strata_peaks_load            (const char          *path,
                                                  GError             **error);
void                strata_peaks_free            (StrataPeaks         *peaks);
guint               strata_peaks_get_channels    (StrataPeaks         *peaks);
gint64              strata_peaks_get_frames      (StrataPeaks         *peaks);
guint               strata_peaks_get_n_levels    (StrataPeaks         *peaks);
/* Level 0 has one (min, max) pair per channel every STRATA_PEAKS_BASE_FRAMES frames; each
 * further level covers a fixed multiple more. Returns n_peaks * channels * 2 floats laid out
 * [peak][channel][min,max]. */
const float        *strata_peaks_get_level       (StrataPeaks         *peaks,
                                                  guint                level,
                                                  guint               *frames_per_peak,
                                                  gsize               *n_peaks);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataPeaks, strata_peaks_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataPeaksBuilder, strata_peaks_builder_free)

G_END_DECLS
