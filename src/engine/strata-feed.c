/* strata-feed.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the audio of the clips that sound in a block, for the offline render's read-ahead
 * thread and the realtime engine's butler alike.
 *
 * Each reader asks the kernel for the next FEED_AHEAD bytes of its file well before it reads
 * them. The kernel's own read-ahead (128 KB) is a few milliseconds of an export that mixes at
 * a hundred times real time, so a source that is not in the page cache stalls the mix on every
 * read, and worse while stems are written to the same disk (bench/render's stems: the mix
 * waited 0.35 s of a 1.0 s first pass for reads). Asked for 4 MB ahead, the reads are on their
 * way long before they are needed; for pages already cached the hint is a cheap look-up.
 */
#define G_LOG_DOMAIN "strata-engine"
#include "config.h"
#include "strata-feed.h"
#include "strata-error.h"
#include "strata-import.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define FEED_AHEAD (4 << 20)

static void
reader_close (StrataClipReader *reader)
{
  sf_close (reader->file);
  close (reader->fd);
}

void
strata_feed_clear (StrataFeed *feed)
{
  for (guint i = 0; feed->readers && i < feed->readers->len; i++)
    reader_close (&g_array_index (feed->readers, StrataClipReader, i));
  g_clear_pointer (&feed->readers, g_array_unref);
  g_clear_pointer (&feed->raw, g_free);
  if (feed->paths)
    g_strfreev (feed->paths);
  feed->paths = NULL;
}

gboolean
strata_feed_init (StrataFeed *feed, const StrataGraph *graph, guint max_block,
                  GCancellable *cancellable, GError **error)
{
  guint n = strata_graph_get_n_sources (graph);
  guint rate = strata_graph_get_sample_rate (graph);
  g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "strata", "decoded", NULL);

  feed->graph = graph;
  feed->paths = g_new0 (char *, n + 1);
  feed->readers = g_array_new (FALSE, TRUE, sizeof (StrataClipReader));
  feed->raw = g_new (guint8, (gsize) max_block * 2 * 3);
  for (guint i = 0; i < n; i++)
    {
      const StrataGraphSource *source = strata_graph_get_source (graph, i);
      SF_INFO info = { 0 };
      SNDFILE *file;
      g_autoptr(StrataImportResult) decoded = NULL;
      g_autoptr(GError) local_error = NULL;

      if (source->file_path == NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA, _("media '%s' has no file"),
                       source->id);
          return FALSE;
        }
      file = sf_open (source->file_path, SFM_READ, &info);
      if (file != NULL)
        {
          sf_close (file);
          if (info.samplerate == (int) rate && info.channels == (int) source->channels)
            {
              feed->paths[i] = g_strdup (source->file_path);
              continue;
            }
        }
      decoded = strata_import_file (source->file_path, cache, rate, cancellable, NULL, NULL,
                                    &local_error);
      if (decoded == NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("media '%s': "),
                                      source->id);
          return FALSE;
        }
      feed->paths[i] = g_strdup (decoded->media_path);
    }
  return TRUE;
}

static StrataClipReader *
feed_reader (StrataFeed *feed, const StrataClipSpan *span, GError **error)
{
  StrataClipReader reader = { .clip = span->clip, .used = TRUE, .position = -1 };
  const char *id = strata_graph_get_source (feed->graph, span->source)->id;
  SF_INFO info = { 0 };
  int type, subtype, endian;

  for (guint i = 0; i < feed->readers->len; i++)
    {
      StrataClipReader *r = &g_array_index (feed->readers, StrataClipReader, i);
      if (r->clip == span->clip)
        return r;
    }
  reader.fd = g_open (feed->paths[span->source], O_RDONLY | O_CLOEXEC, 0);
  if (reader.fd < 0)
    {
      int saved = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA, _("cannot read media '%s': %s"),
                   id, g_strerror (saved));
      return NULL;
    }
  reader.file = sf_open_fd (reader.fd, SFM_READ, &info, FALSE);
  if (reader.file == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA, _("cannot read media '%s': %s"),
                   id, sf_strerror (NULL));
      close (reader.fd);
      return NULL;
    }
  /* 16- and 24-bit little-endian PCM WAV, the common case, is converted here rather than
   * sample by sample in libsndfile; the values are the same (scaling by a power of two). */
  type = info.format & SF_FORMAT_TYPEMASK;
  subtype = info.format & SF_FORMAT_SUBMASK;
  endian = info.format & SF_FORMAT_ENDMASK;
  if ((type == SF_FORMAT_WAV || type == SF_FORMAT_WAVEX)
      && (endian == SF_ENDIAN_FILE || endian == SF_ENDIAN_LITTLE)
      && info.channels <= 2)
    reader.raw_bytes = subtype == SF_FORMAT_PCM_24 ? 3 : subtype == SF_FORMAT_PCM_16 ? 2 : 0;
  g_array_append_val (feed->readers, reader);
  return &g_array_index (feed->readers, StrataClipReader, feed->readers->len - 1);
}

static sf_count_t
read_pcm (StrataClipReader *reader, guint8 *raw, float *out, guint n, guint channels)
{
  gsize width = (gsize) channels * reader->raw_bytes;
  sf_count_t bytes = sf_read_raw (reader->file, raw, (sf_count_t) (n * width));
  gsize samples = bytes > 0 ? (gsize) bytes / reader->raw_bytes : 0;

  if (reader->raw_bytes == 3)
    {
      gsize i = 0;

      /* Four samples from three little-endian words, then one at a time. */
      for (; i + 4 <= samples; i += 4)
        {
          guint32 w0, w1, w2;

          memcpy (&w0, raw + 3 * i, 4);
          memcpy (&w1, raw + 3 * i + 4, 4);
          memcpy (&w2, raw + 3 * i + 8, 4);
          w0 = GUINT32_FROM_LE (w0);
          w1 = GUINT32_FROM_LE (w1);
          w2 = GUINT32_FROM_LE (w2);
          out[i] = (float) ((gint32) (w0 << 8) >> 8) * (1.0f / 8388608.0f);
          out[i + 1] = (float) ((gint32) ((w0 >> 24 | w1 << 8) << 8) >> 8) * (1.0f / 8388608.0f);
          out[i + 2] = (float) ((gint32) ((w1 >> 16 | w2 << 16) << 8) >> 8) * (1.0f / 8388608.0f);
          out[i + 3] = (float) ((gint32) w2 >> 8) * (1.0f / 8388608.0f);
        }
      for (; i < samples; i++)
        {
          const guint8 *b = raw + 3 * i;
          gint32 v = (gint32) ((guint32) b[0] << 8 | (guint32) b[1] << 16 | (guint32) b[2] << 24);
          out[i] = (float) (v >> 8) * (1.0f / 8388608.0f);
        }
    }
  else
    for (gsize i = 0; i < samples; i++)
      {
        gint16 v = (gint16) ((guint16) raw[2 * i] | (guint16) raw[2 * i + 1] << 8);
        out[i] = (float) v * (1.0f / 32768.0f);
      }
  return (sf_count_t) (samples / channels);
}

/* Once the reader is half way into the bytes it asked for, it asks for as many more. A seek
 * (a loop, a locate) asks afresh from where it lands. */
static void
hint_ahead (StrataClipReader *reader)
{
  gint64 at = lseek (reader->fd, 0, SEEK_CUR);

  if (at < 0)
    return;
  if (at >= reader->hinted || at < reader->hinted - FEED_AHEAD)
    reader->hinted = at;   /* the first read, or a seek */
  else if (reader->hinted - at >= FEED_AHEAD / 2)
    return;
  posix_fadvise (reader->fd, reader->hinted, at + FEED_AHEAD - reader->hinted,
                 POSIX_FADV_WILLNEED);
  reader->hinted = at + FEED_AHEAD;
}

gboolean
strata_feed_block (StrataFeed *feed, const StrataClipSpan *spans, guint n_spans, GError **error)
{
  for (guint i = 0; i < feed->readers->len; i++)
    g_array_index (feed->readers, StrataClipReader, i).used = FALSE;
  for (guint s = 0; s < n_spans; s++)
    {
      const StrataClipSpan *span = &spans[s];
      guint channels = strata_graph_get_source (feed->graph, span->source)->channels;
      StrataClipReader *reader = feed_reader (feed, span, error);
      sf_count_t got;

      if (reader == NULL)
        return FALSE;
      reader->used = TRUE;
      if (reader->position != span->source_frame
          && sf_seek (reader->file, span->source_frame, SEEK_SET) < 0)
        reader->position = -1;
      if (reader->raw_bytes)
        got = read_pcm (reader, feed->raw, span->buffer, span->n, channels);
      else
        got = sf_readf_float (reader->file, span->buffer, span->n);
      got = MAX (got, 0);
      /* A file shorter than its record (changed on disk since) plays silence past its end. */
      memset (span->buffer + got * channels, 0, (span->n - got) * channels * sizeof (float));
      reader->position = span->source_frame + got;
      hint_ahead (reader);
    }
  for (guint i = feed->readers->len; i > 0; i--)
    {
      StrataClipReader *r = &g_array_index (feed->readers, StrataClipReader, i - 1);
      if (!r->used)
        {
          reader_close (r);
          g_array_remove_index_fast (feed->readers, i - 1);
        }
    }
  return TRUE;
}
