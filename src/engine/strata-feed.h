/* strata-feed.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads clip audio from the media files into a prepared block's spans (engine-internal).
 */
#pragma once

#include <sndfile.h>

#include "strata-graph.h"

G_BEGIN_DECLS

typedef struct
{
  SNDFILE *file;
  int      fd;         /* under `file`, ours to close */
  gint64   position;
  guint    clip;
  gboolean used;
  guint    raw_bytes;  /* 2 or 3 for little-endian 16/24-bit PCM read raw; 0: libsndfile */
  gint64   hinted;     /* the file's bytes up to here are asked for already */
} StrataClipReader;

typedef struct
{
  const StrataGraph *graph;
  char             **paths;      /* per source: the file to read (the original or a decoded copy) */
  GArray            *readers;    /* StrataClipReader, one per clip sounding now */
  guint8            *raw;        /* max_block stereo frames of 24-bit PCM */
} StrataFeed;

/* Finds the file each source is read from: the media itself when libsndfile reads it at the
 * project rate, else a float WAV decoded (and resampled) once into the user's cache. This may
 * decode, so it can take long; spans later read through it are at most `max_block` frames. */
gboolean strata_feed_init  (StrataFeed            *feed,
                            const StrataGraph     *graph,
                            guint                  max_block,
                            GCancellable          *cancellable,
                            GError               **error);
/* Reads every span of a prepared block; readers of clips that no longer sound are closed. */
gboolean strata_feed_block (StrataFeed            *feed,
                            const StrataClipSpan  *spans,
                            guint                  n_spans,
                            GError               **error);
void     strata_feed_clear (StrataFeed            *feed);

G_END_DECLS
