/* strata-render.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The offline render shared by the export dialog and strata-render: master and stems in one
 * pass, WAV or FLAC, optional loudness normalisation with a true-peak ceiling, a report.
 */
#pragma once

#include "strata-graph.h"
#include "strata-import.h"

G_BEGIN_DECLS

typedef struct
{
  char    *output;          /* master file; .wav or .flac; NULL for stems only */
  guint    bit_depth;       /* 16, 24 or 32 (float; WAV only) */
  gboolean has_start;
  gint64   start;
  gboolean has_end;
  gint64   end;
  char    *stems_dir;       /* NULL: no stems */
  gboolean track_stems;     /* with stems_dir: a stem per track (default TRUE) ... */
  gboolean bus_stems;       /* ... and per bus (default TRUE) */
  gboolean normalize;
  gdouble  target_lufs;
  gdouble  true_peak_dbtp;  /* ceiling; -1.0 by default with normalize */
  gboolean use_cache;        /* reuse an identical earlier render (off by default) */
} StrataRenderOptions;

typedef struct
{
  gint64     frames;
  gdouble    seconds;
  gdouble    integrated_lufs;
  gdouble    loudness_range_lu;
  gdouble    true_peak_dbtp;
  gdouble    gain_db;         /* applied by normalisation */
  gboolean   limited;         /* the true-peak limiter acted */
  GPtrArray *files;           /* written paths (char *) */
  gdouble    render_seconds;
  gdouble    realtime_factor;
  gboolean   cache_hit;
} StrataRenderReport;

void                 strata_render_options_init   (StrataRenderOptions       *options);
void                 strata_render_options_clear  (StrataRenderOptions       *options);
void                 strata_render_report_free    (StrataRenderReport        *report);
JsonNode            *strata_render_report_to_json (const StrataRenderReport  *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataRenderReport, strata_render_report_free)

/* The plan (dry run): the compiled graph, range, stems and outputs as JSON; writes nothing. */
JsonNode            *strata_render_plan           (StrataProject             *project,
                                                   const StrataRenderOptions *options,
                                                   GError                   **error);

/* Renders a compiled graph on the calling thread (a worker: it reads and writes files). On
 * error or cancellation no output file is left behind. */
StrataRenderReport  *strata_render_graph          (const StrataGraph         *graph,
                                                   const StrataRenderOptions *options,
                                                   GCancellable              *cancellable,
                                                   StrataProgressFunc         progress,
                                                   gpointer                   progress_data,
                                                   GError                   **error);
/* Compiles on the calling (main) thread, renders in a GTask thread; progress is delivered on
 * the caller's main context. */
void                 strata_render_async          (StrataProject             *project,
                                                   const StrataRenderOptions *options,
                                                   GCancellable              *cancellable,
                                                   StrataProgressFunc         progress,
                                                   gpointer                   progress_data,
                                                   GAsyncReadyCallback        callback,
                                                   gpointer                   user_data);
StrataRenderReport  *strata_render_finish         (GAsyncResult              *result,
                                                   GError                   **error);

G_END_DECLS
