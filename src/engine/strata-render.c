/* strata-render.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The offline render: runs the graph block by block on a worker thread, feeding it clip audio
 * read straight from the media files (a read-ahead thread), spreading the tracks' inserts over
 * every core (a track pool), and writes the master and every stem (writer threads) in the
 * same pass.
 * With loudness normalisation the master is kept as float in a temporary file while libebur128
 * measures it, then a second pass applies the gain (and the true-peak limiter when the gain
 * would push peaks over the ceiling), quantises, writes and measures what was written.
 * Everything is written to temporary files renamed into place at the end, so a failed or
 * cancelled render leaves nothing behind.
 */
#define G_LOG_DOMAIN "strata-render"
#include "config.h"
#include "strata-render.h"
#include "strata-direct-file.h"
#include "strata-dither.h"
#include "strata-feed.h"
#include "strata-error.h"
#include "strata-files.h"
#include "strata-gain.h"
#include "strata-limiter.h"
#include "strata-true-peak.h"

#include <ebur128.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <string.h>

#define BLOCK 4096
#define PACK_CHUNK 512   /* samples quantised and packed at a time */

/* ---- options and report ------------------------------------------------------------------- */

void
strata_render_options_init (StrataRenderOptions *options)
{
  memset (options, 0, sizeof *options);
  options->bit_depth = 24;
  options->true_peak_dbtp = -1.0;
  options->track_stems = TRUE;
  options->bus_stems = TRUE;
}

void
strata_render_options_clear (StrataRenderOptions *options)
{
  g_clear_pointer (&options->output, g_free);
  g_clear_pointer (&options->stems_dir, g_free);
}

void
strata_render_report_free (StrataRenderReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->files, g_ptr_array_unref);
  g_free (report);
}

static void
add_number (JsonBuilder *b, const char *key, double value)
{
  json_builder_set_member_name (b, key);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

JsonNode *
strata_render_report_to_json (const StrataRenderReport *report)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "frames");
  json_builder_add_int_value (b, report->frames);
  add_number (b, "seconds", report->seconds);
  add_number (b, "integrated_lufs", report->integrated_lufs);
  add_number (b, "loudness_range_lu", report->loudness_range_lu);
  add_number (b, "true_peak_dbtp", report->true_peak_dbtp);
  add_number (b, "gain_db", report->gain_db);
  json_builder_set_member_name (b, "limited");
  json_builder_add_boolean_value (b, report->limited);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; report->files && i < report->files->len; i++)
    json_builder_add_string_value (b, report->files->pdata[i]);
  json_builder_end_array (b);
  add_number (b, "render_seconds", report->render_seconds);
  add_number (b, "realtime_factor", report->realtime_factor);
  json_builder_set_member_name (b, "cache_hit");
  json_builder_add_boolean_value (b, report->cache_hit);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- writing ------------------------------------------------------------------------------ */

typedef struct
{
  char         *path;       /* final path */
  char         *tmp_path;   /* written here, renamed at the end */
  SNDFILE      *file;
  StrataDirectFile *direct; /* under `file`, for the WAV integer formats */
  guint         bits;       /* 16, 24, or 32 for float */
  StrataDither  dither;
  int32_t      *codes;
  guint8       *bytes;      /* WAV PCM packed here and written raw, libsndfile's slow path skipped */
  gboolean      tags_after; /* WAV takes tags after the audio; FLAC only before */
  ebur128_state *meter;     /* loudness of what is written, when set */
  StrataTruePeak *peak;     /* and its true peak */
  float        *decoded;    /* the quantised samples as float, for the meter */
} Writer;

static gboolean
is_flac (const char *path)
{
  return path && (g_str_has_suffix (path, ".flac") || g_str_has_suffix (path, ".FLAC"));
}

/* Stems take the master's format; WAV when there is no master. */
static const char *
stem_extension (const StrataRenderOptions *options)
{
  return is_flac (options->output) ? ".flac" : ".wav";
}

static int
format_for (const char *path, guint bits, GError **error)
{
  int major;

  if (g_str_has_suffix (path, ".wav") || g_str_has_suffix (path, ".WAV"))
    major = SF_FORMAT_WAV;
  else if (is_flac (path))
    major = SF_FORMAT_FLAC;
  else
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("%s: the output must end in .wav or .flac"), path);
      return 0;
    }
  if (bits == 16)
    return major | SF_FORMAT_PCM_16;
  if (bits == 24)
    return major | SF_FORMAT_PCM_24;
  if (bits == 32 && major == SF_FORMAT_WAV)
    return major | SF_FORMAT_FLOAT;
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
               /* TRANSLATORS: the file, WAV or FLAC, a bit depth, then "float" or "integer" */
               _("%s: %s cannot hold %u-bit %s samples"), path,
               major == SF_FORMAT_WAV ? "WAV" : "FLAC", bits,
               bits == 32 ? _("float") : _("integer"));
  return 0;
}

/* `tags` (tempo, metre, options) go in at once: FLAC takes tags only before the audio. */
static gboolean
writer_open (Writer *w, const char *path, guint bits, guint rate, gboolean measure,
             const char *tags, GError **error)
{
  SF_INFO info = { .samplerate = (int) rate, .channels = 2 };
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  static gint counter;

  memset (w, 0, sizeof *w);
  info.format = format_for (path, bits, error);
  if (info.format == 0)
    return FALSE;
  w->path = g_strdup (path);
  w->tmp_path = g_strdup_printf ("%s/.%s.tmp-%d-%d", dir, base, (int) getpid (),
                                 g_atomic_int_add (&counter, 1));
  w->bits = bits;
  w->tags_after = (info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_WAV;
  errno = 0;
  if (w->tags_after && bits != 32)
    {
      /* Packed here and written raw, past the page cache (see strata-direct-file.c). */
      w->direct = strata_direct_file_new (w->tmp_path, path, error);
      if (w->direct == NULL)
        return FALSE;
      w->file = sf_open_virtual (strata_direct_file_vio (), SFM_WRITE, &info, w->direct);
      w->bytes = g_new (guint8, BLOCK * 2 * 3);
    }
  else
    w->file = sf_open (w->tmp_path, SFM_WRITE, &info);
  if (w->file == NULL)
    {
      int saved = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot write: %s"), path,
                   saved ? g_strerror (saved) : sf_strerror (NULL));
      return FALSE;
    }
  sf_command (w->file, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
  sf_set_string (w->file, SF_STR_SOFTWARE, "Strata " PACKAGE_VERSION);
  if (tags)
    sf_set_string (w->file, SF_STR_COMMENT, tags);
  strata_dither_init (&w->dither, 0x5354524154410001ull);
  w->codes = g_new (int32_t, BLOCK * 2);
  if (measure)
    {
      w->decoded = g_new (float, BLOCK * 2);
      w->meter = ebur128_init (2, rate, EBUR128_MODE_I | EBUR128_MODE_LRA);
      w->peak = strata_true_peak_new (rate, 2);
    }
  return TRUE;
}

/* Little-endian PCM of n left-aligned codes: their top `width` bytes, as libsndfile would
 * write them. 24-bit codes go four at a time as three 32-bit words (a quarter of the stores
 * of byte by byte). */
static void
pack_pcm (const int32_t *codes, guint8 *out, guint n, guint width)
{
  guint i = 0;

  if (width == 3)
    for (; i + 4 <= n; i += 4)
      {
        guint32 a = (guint32) codes[i] >> 8, b = (guint32) codes[i + 1] >> 8;
        guint32 c = (guint32) codes[i + 2] >> 8, d = (guint32) codes[i + 3] >> 8;
        guint32 w0 = GUINT32_TO_LE (a | b << 24), w1 = GUINT32_TO_LE (b >> 8 | c << 16);
        guint32 w2 = GUINT32_TO_LE (c >> 16 | d << 8);

        /* Three stores: one array copied at once would be read back from the stack. */
        memcpy (out + (gsize) i * 3, &w0, 4);
        memcpy (out + (gsize) i * 3 + 4, &w1, 4);
        memcpy (out + (gsize) i * 3 + 8, &w2, 4);
      }
  for (; i < n; i++)
    {
      guint32 code = (guint32) codes[i];
      guint8 *b = out + (gsize) i * width;

      for (guint k = 0; k < width; k++)
        b[k] = (guint8) (code >> (8 * (4 - width + k)));
    }
}

/* Writes n frames (n <= BLOCK): integer formats are quantised here, dithered at 16 bits. */
static gboolean
writer_write (Writer *w, const float *frames, guint n, GError **error)
{
  sf_count_t written;

  if (w->bits == 32)
    {
      written = sf_writef_float (w->file, frames, n);
      if (w->meter)
        {
          ebur128_add_frames_float (w->meter, frames, n);
          strata_true_peak_process (w->peak, frames, n);
        }
    }
  else
    {
      if (w->bytes && w->bits == 24 && w->meter == NULL)
        {
          /* Stems: nothing reads the codes back. */
          strata_dither_pack_24 (frames, w->bytes, (gsize) n * 2);
          written = sf_write_raw (w->file, w->bytes, (sf_count_t) n * 6) / 6;
        }
      else if (w->bytes)
        {
          guint width = w->bits / 8;

          /* Quantised and packed a chunk at a time, while its codes are in the cache. */
          for (guint from = 0; from < 2 * n; from += PACK_CHUNK)
            {
              guint m = MIN (PACK_CHUNK, 2 * n - from);

              strata_dither_quantize (&w->dither, frames + from, w->codes + from, m, w->bits,
                                      w->bits == 16);
              pack_pcm (w->codes + from, w->bytes + (gsize) from * width, m, width);
            }
          written = sf_write_raw (w->file, w->bytes, (sf_count_t) n * 2 * width) / (2 * width);
        }
      else
        {
          strata_dither_quantize (&w->dither, frames, w->codes, (gsize) n * 2, w->bits,
                                  w->bits == 16);
          written = sf_writef_int (w->file, w->codes, n);
        }
      if (w->meter)
        {
          for (guint i = 0; i < 2 * n; i++)
            w->decoded[i] = (float) ((double) w->codes[i] / 2147483648.0);
          ebur128_add_frames_float (w->meter, w->decoded, n);
          strata_true_peak_process (w->peak, w->decoded, n);
        }
    }
  if (written != (sf_count_t) n)
    {
      int saved = w->direct ? strata_direct_file_get_error (w->direct) : 0;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot write: %s"), w->path,
                   saved ? g_strerror (saved) : sf_strerror (w->file));
      return FALSE;
    }
  return TRUE;
}

static void
writer_discard (Writer *w)
{
  if (w->file)
    sf_close (w->file);
  g_clear_pointer (&w->direct, strata_direct_file_free);
  if (w->tmp_path)
    g_unlink (w->tmp_path);
  if (w->meter)
    ebur128_destroy (&w->meter);
  g_clear_pointer (&w->peak, strata_true_peak_free);
  g_free (w->path);
  g_free (w->tmp_path);
  g_free (w->codes);
  g_free (w->bytes);
  g_free (w->decoded);
  memset (w, 0, sizeof *w);
}

/* The full tags (with the measured loudness) where the format still takes them after the
 * audio (WAV), then closes; the rename happens in writer_commit. */
static gboolean
writer_close (Writer *w, const char *comment, GError **error)
{
  int failed;

  if (comment && w->tags_after)
    sf_set_string (w->file, SF_STR_COMMENT, comment);
  failed = sf_close (w->file);
  w->file = NULL;
  if (w->direct != NULL && !strata_direct_file_close (w->direct, error))
    return FALSE;
  if (failed)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot write: %s"), w->path,
                   sf_error_number (failed));
      return FALSE;
    }
  return TRUE;
}

static gboolean
writer_commit (Writer *w, GError **error)
{
  if (g_rename (w->tmp_path, w->path) != 0)
    {
      int saved = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot write: %s"), w->path,
                   g_strerror (saved));
      return FALSE;
    }
  g_clear_pointer (&w->tmp_path, g_free);
  return TRUE;
}

/* ---- the render ----------------------------------------------------------------------------- */

typedef struct
{
  const StrataGraph         *graph;
  const StrataRenderOptions *options;
  GCancellable              *cancellable;
  StrataProgressFunc         progress;
  gpointer                   progress_data;
  gint64                     start;
  gint64                     end;
  Writer                     master;
  Writer                    *stems;
  guint                      n_stems;
  char                      *tags;          /* tempo, metre and options, for every file */
  gboolean                   made_stems_dir;
  char                      *float_path;    /* pass-1 master, float, for normalisation */
  FILE                      *float_file;
  ebur128_state             *meter;         /* pass-1 master: loudness */
  StrataTruePeak            *peak;          /* and true peak, when nothing else measures it */
  float                      sample_peak;   /* pass-1 master */
} Job;

static void
job_discard (Job *job)
{
  writer_discard (&job->master);
  for (guint i = 0; i < job->n_stems; i++)
    writer_discard (&job->stems[i]);
  g_clear_pointer (&job->stems, g_free);
  /* A stems folder this render made goes too, if nothing else is in it. */
  if (job->made_stems_dir)
    g_rmdir (job->options->stems_dir);
  job->made_stems_dir = FALSE;
  if (job->float_file)
    fclose (job->float_file);
  job->float_file = NULL;
  if (job->float_path)
    g_unlink (job->float_path);
  g_clear_pointer (&job->float_path, g_free);
  g_clear_pointer (&job->tags, g_free);
  if (job->meter)
    ebur128_destroy (&job->meter);
  g_clear_pointer (&job->peak, strata_true_peak_free);
}

static gboolean
check_cancel (Job *job, GError **error)
{
  return !g_cancellable_set_error_if_cancelled (job->cancellable, error);
}

static void
report_progress (Job *job, double fraction)
{
  if (job->progress)
    job->progress (CLAMP (fraction, 0.0, 1.0), job->progress_data);
}

static char *
safe_file_name (const char *name)
{
  GString *safe = g_string_new (NULL);

  for (const char *c = name; *c; c++)
    g_string_append_c (safe, (*c == '/' || *c == '\\' || (guchar) *c < 0x20) ? '_' : *c);
  if (safe->len == 0 || safe->str[0] == '.')
    g_string_prepend_c (safe, '_');
  return g_string_free (safe, FALSE);
}

/* Stem files are named after their track or bus; names that occur twice get the id appended
 * ("Drums-t1.wav", "Drums-drums.wav"). One path per stem of the graph, NULL for a stem of a
 * kind the options leave out; NULL without stems. */
static GPtrArray *
stem_paths (const StrataGraph *graph, const StrataRenderOptions *options, const char *extension)
{
  guint n = strata_graph_get_n_stems (graph);
  GPtrArray *paths;
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n; i++)
    {
      char *safe = safe_file_name (strata_graph_get_stem (graph, i)->name);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, safe));
      g_hash_table_replace (counts, safe, GUINT_TO_POINTER (count + 1));
    }
  if (options->stems_dir == NULL)
    return NULL;
  paths = g_ptr_array_new_full (n, g_free);
  for (guint i = 0; i < n; i++)
    {
      const StrataGraphStem *stem = strata_graph_get_stem (graph, i);
      g_autofree char *safe = safe_file_name (stem->name);
      g_autofree char *file = NULL;

      if (!(stem->kind == STRATA_STEM_TRACK ? options->track_stems : options->bus_stems))
        {
          g_ptr_array_add (paths, NULL);
          continue;
        }

      if (GPOINTER_TO_UINT (g_hash_table_lookup (counts, safe)) > 1)
        {
          g_autofree char *id = safe_file_name (stem->id);
          file = g_strdup_printf ("%s-%s%s", safe, id, extension);
        }
      else
        file = g_strdup_printf ("%s%s", safe, extension);
      g_ptr_array_add (paths, g_build_filename (options->stems_dir, file, NULL));
    }
  return paths;
}

/* Loudness and loudness range by libebur128; true peak by our meter, whose filter reads
 * full-band peaks as closely as ffmpeg's and never lower than libebur128's. */
static double
true_peak_db (StrataTruePeak *peak)
{
  strata_true_peak_flush (peak);
  return strata_gain_to_db (strata_true_peak_get (peak));
}

static void
measure (ebur128_state *meter, StrataTruePeak *peak, StrataRenderReport *report)
{
  double lufs = -HUGE_VAL, lra = 0.0;

  ebur128_loudness_global (meter, &lufs);
  ebur128_loudness_range (meter, &lra);
  report->integrated_lufs = lufs;
  report->loudness_range_lu = lra;
  report->true_peak_dbtp = true_peak_db (peak);
}

/* ---- reading ahead ------------------------------------------------------------------------ */

/* A read-ahead thread prepares blocks k+2 and on and reads their clip audio into graph states
 * while block k is mixed, metered and written and the tracks of block k+1 run their inserts
 * (see the track pool): the butler of ARCHITECTURE.md, offline. The states go round through
 * two queues; the graph itself is immutable. Six states are four blocks of slack, about 10 ms
 * of an export at 170x real time: with three, the mix waited 0.07 s per bench/render export
 * whenever the reading thread lost its core for a moment. */
#define READ_AHEAD_STATES 6

typedef struct
{
  const StrataGraph *graph;
  StrataFeed        *feed;
  StrataGraphState  *states[READ_AHEAD_STATES];
  gint64             start;
  gint64             end;
  GAsyncQueue       *ready;     /* state index + 1, or a negative value at the end */
  GAsyncQueue       *free;
  GThread           *thread;
  GError            *error;
  gint               stop;
} ReadAhead;

static gpointer
read_ahead_thread (gpointer data)
{
  ReadAhead *ra = data;

  for (gint64 position = ra->start; position < ra->end;)
    {
      guint n = (guint) MIN ((gint64) BLOCK, ra->end - position);
      gint index = GPOINTER_TO_INT (g_async_queue_pop (ra->free)) - 1;
      guint n_spans;
      const StrataClipSpan *spans;

      if (g_atomic_int_get (&ra->stop))
        break;
      spans = strata_graph_prepare (ra->graph, ra->states[index], position, n, &n_spans);
      if (!strata_feed_block (ra->feed, spans, n_spans, &ra->error))
        break;
      g_async_queue_push (ra->ready, GINT_TO_POINTER (index + 1));
      position += n;
    }
  g_async_queue_push (ra->ready, GINT_TO_POINTER (-1));
  return NULL;
}

static void
read_ahead_start (ReadAhead *ra, const StrataGraph *graph, StrataFeed *feed, gint64 start,
                  gint64 end, gboolean stems, gboolean split)
{
  memset (ra, 0, sizeof *ra);
  ra->graph = graph;
  ra->feed = feed;
  ra->start = start;
  ra->end = end;
  ra->ready = g_async_queue_new ();
  ra->free = g_async_queue_new ();
  for (gint i = 0; i < READ_AHEAD_STATES; i++)
    {
      /* They take turns: they share the effects and delay lines that run on. */
      ra->states[i] = strata_graph_state_new_after (graph, BLOCK, graph,
                                                    i > 0 ? ra->states[0] : NULL);
      strata_graph_state_set_stems (ra->states[i], stems);
      strata_graph_state_set_split (ra->states[i], split);
      g_async_queue_push (ra->free, GINT_TO_POINTER (i + 1));
    }
  ra->thread = g_thread_new ("strata-read-ahead", read_ahead_thread, ra);
}

/* The next prepared state, or NULL at the end or on a read error (see ra->error). */
static StrataGraphState *
read_ahead_next (ReadAhead *ra, gint *index)
{
  *index = GPOINTER_TO_INT (g_async_queue_pop (ra->ready)) - 1;
  return *index >= 0 ? ra->states[*index] : NULL;
}

/* read_ahead_next(), with the reason when there is no state. */
static StrataGraphState *
read_ahead_get (ReadAhead *ra, gint *index, GError **error)
{
  StrataGraphState *state = read_ahead_next (ra, index);

  if (state == NULL)
    {
      if (ra->error)
        g_propagate_error (error, g_steal_pointer (&ra->error));
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("reading ahead stopped early"));
    }
  return state;
}

static void
read_ahead_release (ReadAhead *ra, gint index)
{
  g_async_queue_push (ra->free, GINT_TO_POINTER (index + 1));
}

/* Stops and joins the thread (it may be waiting for a free state) and frees the states. */
static void
read_ahead_finish (ReadAhead *ra)
{
  if (ra->thread == NULL)
    return;
  g_atomic_int_set (&ra->stop, 1);
  g_async_queue_push (ra->free, GINT_TO_POINTER (1));
  g_thread_join (ra->thread);
  ra->thread = NULL;
  for (gint i = 0; i < READ_AHEAD_STATES; i++)
    strata_graph_state_free (ra->states[i]);
  g_clear_error (&ra->error);
  g_async_queue_unref (ra->ready);
  g_async_queue_unref (ra->free);
}

/* ---- tracks on every core ------------------------------------------------------------------ */

/* The tracks' own work (clips and inserts, see strata_graph_process_tracks) is spread over
 * the render thread and one helper per further core: each takes the next track not yet taken
 * until none is left. Which thread runs a track changes nothing in its output, and the rest
 * of the block runs on the render thread in track order, so the render is the same bit for
 * bit however many threads there are. */
#define MAX_HELPERS 7

typedef struct
{
  const StrataGraph *graph;
  GThread           *threads[MAX_HELPERS];
  guint              n_threads;
  GMutex             lock;
  GCond              cond;
  guint              generation;   /* one more per block handed out */
  guint              busy;         /* helpers still on the current block */
  gboolean           quit;
  StrataGraphState  *state;
  gint64             position;
  guint              n;
  gint               next;         /* the next track to take (atomic) */
} TrackPool;

static void
track_pool_work (TrackPool *pool)
{
  guint n_tracks = strata_graph_get_n_tracks (pool->graph);

  for (guint t; (t = (guint) g_atomic_int_add (&pool->next, 1)) < n_tracks;)
    strata_graph_process_tracks (pool->graph, pool->state, pool->position, pool->n, t, t + 1);
}

static gpointer
track_pool_thread (gpointer data)
{
  TrackPool *pool = data;
  guint seen = 0;

  g_mutex_lock (&pool->lock);
  for (;;)
    {
      while (pool->generation == seen && !pool->quit)
        g_cond_wait (&pool->cond, &pool->lock);
      if (pool->quit)
        break;
      seen = pool->generation;
      g_mutex_unlock (&pool->lock);
      track_pool_work (pool);
      g_mutex_lock (&pool->lock);
      if (--pool->busy == 0)
        g_cond_broadcast (&pool->cond);
    }
  g_mutex_unlock (&pool->lock);
  return NULL;
}

/* Helpers for every core but this one's, when there is work enough to share: tracks with
 * inserts. */
static gboolean
track_pool_start (TrackPool *pool, const StrataGraph *graph)
{
  guint cores = g_get_num_processors ();

  memset (pool, 0, sizeof *pool);
  pool->graph = graph;
  if (cores < 2 || strata_graph_get_n_tracks (graph) < 2
      || !strata_graph_tracks_have_inserts (graph))
    return FALSE;
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->cond);
  pool->n_threads = MIN (cores - 1, MAX_HELPERS);
  for (guint i = 0; i < pool->n_threads; i++)
    pool->threads[i] = g_thread_new ("strata-tracks", track_pool_thread, pool);
  return TRUE;
}

/* Hands the helpers the tracks of a block, to run while this thread does something else. */
static void
track_pool_start_block (TrackPool *pool, StrataGraphState *state, gint64 position, guint n)
{
  g_mutex_lock (&pool->lock);
  pool->state = state;
  pool->position = position;
  pool->n = n;
  g_atomic_int_set (&pool->next, 0);
  pool->busy = pool->n_threads;
  pool->generation++;
  g_cond_broadcast (&pool->cond);
  g_mutex_unlock (&pool->lock);
}

/* Takes what tracks of the block are left, then waits for the helpers' last ones. */
static void
track_pool_finish_block (TrackPool *pool)
{
  track_pool_work (pool);
  g_mutex_lock (&pool->lock);
  while (pool->busy > 0)
    g_cond_wait (&pool->cond, &pool->lock);
  g_mutex_unlock (&pool->lock);
}

static void
track_pool_finish (TrackPool *pool)
{
  if (pool->n_threads == 0)
    return;
  g_mutex_lock (&pool->lock);
  while (pool->busy > 0)   /* a block handed out before an error */
    g_cond_wait (&pool->cond, &pool->lock);
  pool->quit = TRUE;
  g_cond_broadcast (&pool->cond);
  g_mutex_unlock (&pool->lock);
  for (guint i = 0; i < pool->n_threads; i++)
    g_thread_join (pool->threads[i]);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->cond);
  pool->n_threads = 0;
}

/* ---- stems on a second thread -------------------------------------------------------------- */

/* Stems are quantised and written by threads of their own (one per core, up to
 * MAX_STEM_THREADS, each with every n-th stem: the kernel's share of writing the files is the
 * larger part) while the graph mixes the next block: a small pool of block buffers goes round
 * between them through queues, so memory stays bounded and the mixing never waits on the
 * disk unless the pool is empty. The writers get every block the graph processed, from the
 * start of the range: each stem lags the timeline by the latency of the inserts upstream of
 * it, which it drops, so that every stem lines up with the master (which drops the whole
 * graph's latency). */
#define STEM_BLOCKS 4
#define MAX_STEM_THREADS 2

typedef struct
{
  guint  n;        /* frames; 0 ends the threads */
  gint   pending;  /* writer threads still on it */
  float *audio;    /* n_stems x BLOCK x 2 */
} StemBlock;

typedef struct _StemWriter StemWriter;

typedef struct
{
  StemWriter  *sw;
  guint        first;      /* stems first, first + n_threads, ... */
  GThread     *thread;
  GAsyncQueue *full;
  GError      *error;      /* its first error, read after it is joined */
} StemThread;

struct _StemWriter
{
  Job         *job;
  StemThread   threads[MAX_STEM_THREADS];
  guint        n_threads;
  GAsyncQueue *empty;
  StemBlock    blocks[STEM_BLOCKS];
  gint         failed;     /* set (atomically) as soon as a thread fails */
  gint64      *skip;       /* per stem: frames still to drop (its latency), then ... */
  gint64      *left;       /* ... frames still to write (the range) */
};

static gpointer
stem_writer_thread (gpointer data)
{
  StemThread *st = data;
  StemWriter *sw = st->sw;

  for (;;)
    {
      StemBlock *block = g_async_queue_pop (st->full);

      if (block->n == 0)
        break;
      for (guint i = st->first; i < sw->job->n_stems && st->error == NULL; i += sw->n_threads)
        {
          gint64 drop = MIN (sw->skip[i], (gint64) block->n);
          gint64 n = MIN ((gint64) block->n - drop, sw->left[i]);

          sw->skip[i] -= drop;
          sw->left[i] -= n;
          if (n > 0 && !writer_write (&sw->job->stems[i],
                                      block->audio + ((gsize) i * BLOCK + drop) * 2, (guint) n,
                                      &st->error))
            g_atomic_int_set (&sw->failed, 1);
        }
      if (g_atomic_int_dec_and_test (&block->pending))
        g_async_queue_push (sw->empty, block);
    }
  return NULL;
}

static void
stem_writer_start (StemWriter *sw, Job *job)
{
  memset (sw, 0, sizeof *sw);
  sw->job = job;
  sw->skip = g_new (gint64, job->n_stems);
  sw->left = g_new (gint64, job->n_stems);
  for (guint i = 0; i < job->n_stems; i++)
    {
      sw->skip[i] = strata_graph_get_stem (job->graph, i)->latency;
      sw->left[i] = job->stems[i].path != NULL ? job->end - job->start : 0;  /* left out */
    }
  sw->empty = g_async_queue_new ();
  for (guint b = 0; b < STEM_BLOCKS; b++)
    {
      sw->blocks[b].audio = g_new (float, (gsize) job->n_stems * BLOCK * 2);
      g_async_queue_push (sw->empty, &sw->blocks[b]);
    }
  sw->n_threads = CLAMP (MIN (g_get_num_processors (), job->n_stems), 1, MAX_STEM_THREADS);
  for (guint t = 0; t < sw->n_threads; t++)
    {
      StemThread *st = &sw->threads[t];

      st->sw = sw;
      st->first = t;
      st->full = g_async_queue_new ();
      st->thread = g_thread_new ("strata-stems", stem_writer_thread, st);
    }
}

/* A block buffer for the stems of the next process (`state` leaves them there); NULL once
 * the writer has failed. */
static StemBlock *
stem_writer_take (StemWriter *sw, StrataGraphState *state)
{
  StemBlock *block;

  if (g_atomic_int_get (&sw->failed))
    return NULL;
  block = g_async_queue_pop (sw->empty);
  strata_graph_state_set_stem_buffer (state, block->audio);
  return block;
}

/* Hands the block, n frames processed, to the writers. */
static void
stem_writer_push (StemWriter *sw, StrataGraphState *state, StemBlock *block, guint n)
{
  strata_graph_state_set_stem_buffer (state, NULL);
  block->n = n;
  block->pending = (gint) sw->n_threads;
  for (guint t = 0; t < sw->n_threads; t++)
    g_async_queue_push (sw->threads[t].full, block);
}

/* Waits for the writers to finish what they were given; the first error, if any, goes to
 * `error`. */
static gboolean
stem_writer_finish (StemWriter *sw, GError **error)
{
  StemBlock end = { 0 };
  gboolean ok = TRUE;

  if (sw->n_threads == 0)
    return TRUE;
  for (guint t = 0; t < sw->n_threads; t++)
    {
      StemThread *st = &sw->threads[t];

      g_async_queue_push (st->full, &end);
      g_thread_join (st->thread);
      if (st->error)
        {
          ok = FALSE;
          if (error && *error == NULL)
            g_propagate_error (error, g_steal_pointer (&st->error));
          g_clear_error (&st->error);
        }
      g_async_queue_unref (st->full);
    }
  sw->n_threads = 0;
  for (guint b = 0; b < STEM_BLOCKS; b++)
    g_free (sw->blocks[b].audio);
  g_async_queue_unref (sw->empty);
  g_free (sw->skip);
  g_free (sw->left);
  return ok;
}

/* Pass 1: the graph, master and stems. With normalisation the master goes to a float file. */
static gboolean
render_pass (Job *job, const char *extension, GError **error)
{
  const StrataGraph *graph = job->graph;
  guint rate = strata_graph_get_sample_rate (graph);
  g_autofree float *block = g_new (float, BLOCK * 2);
  guint latency = strata_graph_get_latency (graph);
  g_autoptr(GPtrArray) stems = NULL;
  StrataFeed feed = { 0 };
  StemWriter stem_writer = { 0 };
  ReadAhead read_ahead = { 0 };
  TrackPool pool = { 0 };
  StrataGraphState *state = NULL;
  gint index = -1, next_index = -1;
  gint64 end = job->end + latency;
  gboolean ok = FALSE;
  double share = job->options->normalize ? 0.7 : 1.0;

  if (!strata_feed_init (&feed, graph, BLOCK, job->cancellable, error))
    goto out;

  if (job->options->stems_dir)
    {
      job->made_stems_dir = !g_file_test (job->options->stems_dir, G_FILE_TEST_EXISTS);
      if (g_mkdir_with_parents (job->options->stems_dir, 0755) != 0)
        {
          int saved = errno;
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot create: %s"),
                       job->options->stems_dir, g_strerror (saved));
          goto out;
        }
      stems = stem_paths (graph, job->options, extension);
      job->n_stems = stems->len;
      job->stems = g_new0 (Writer, job->n_stems);
      for (guint i = 0; i < job->n_stems; i++)
        if (stems->pdata[i] != NULL
            && !writer_open (&job->stems[i], stems->pdata[i], job->options->bit_depth, rate,
                             FALSE, job->tags, error))
          goto out;
    }
  if (job->options->normalize)
    {
      g_autofree char *dir = g_path_get_dirname (job->options->output);
      g_autofree char *name = g_strdup_printf (".strata-render-%d-XXXXXX", (int) getpid ());
      g_autofree char *template = g_build_filename (dir, name, NULL);
      int fd = g_mkstemp (template);

      if (fd < 0 || (job->float_file = fdopen (fd, "w+b")) == NULL)
        {
          int saved = errno;
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot write: %s"), dir,
                       g_strerror (saved));
          goto out;
        }
      job->float_path = g_steal_pointer (&template);
      job->meter = ebur128_init (2, rate, EBUR128_MODE_I | EBUR128_MODE_LRA);
    }
  else if (job->options->output)
    {
      if (!writer_open (&job->master, job->options->output, job->options->bit_depth, rate, TRUE,
                        job->tags, error))
        goto out;
    }
  else
    {
      job->meter = ebur128_init (2, rate, EBUR128_MODE_I | EBUR128_MODE_LRA);
      job->peak = strata_true_peak_new (rate, 2);
    }

  if (job->n_stems > 0)
    stem_writer_start (&stem_writer, job);
  /* The graph's output lags the timeline by its latency (look-ahead of limiters): the first
   * `latency` frames are dropped and as many more are rendered at the end, so the song still
   * starts at frame 0, every path aligned. */
  read_ahead_start (&read_ahead, graph, &feed, job->start, end,
                    job->options->stems_dir != NULL, track_pool_start (&pool, graph));

  if (job->start < end && (state = read_ahead_get (&read_ahead, &index, error)) == NULL)
    goto out;
  for (gint64 position = job->start; position < end;)
    {
      guint n = (guint) MIN ((gint64) BLOCK, end - position);
      guint skip = (guint) CLAMP (job->start + latency - position, 0, (gint64) n);
      float *out = block + 2 * (gsize) skip;
      gint64 next_position = position + n;
      guint next_n = (guint) MIN ((gint64) BLOCK, end - next_position);
      StrataGraphState *next = NULL;
      StemBlock *stem_block = NULL;

      if (!check_cancel (job, error))
        goto out;
      if (next_position < end && (next = read_ahead_get (&read_ahead, &next_index, error)) == NULL)
        goto out;
      /* The first block runs its tracks alone; from then on the helpers run the next block's
       * tracks while this thread mixes, meters and writes this one (the first process primes
       * the automation the tracks read). */
      if (pool.n_threads > 0 && position == job->start)
        {
          track_pool_start_block (&pool, state, position, n);
          track_pool_finish_block (&pool);
        }
      if (pool.n_threads > 0 && next != NULL && position > job->start)
        track_pool_start_block (&pool, next, next_position, next_n);
      if (job->n_stems > 0 && (stem_block = stem_writer_take (&stem_writer, state)) == NULL)
        break;   /* the writer failed: its error is collected below */
      strata_graph_process (graph, state, position, n, block);
      if (job->n_stems > 0)
        stem_writer_push (&stem_writer, state, stem_block, n);
      n -= skip;
      if (job->meter)
        ebur128_add_frames_float (job->meter, out, n);
      if (job->peak)
        strata_true_peak_process (job->peak, out, n);
      for (guint i = 0; i < 2 * n; i++)
        job->sample_peak = MAX (job->sample_peak, fabsf (out[i]));
      if (job->float_file && fwrite (out, sizeof (float) * 2, n, job->float_file) != n)
        {
          int saved = errno;
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot write: %s"),
                       job->options->output, g_strerror (saved));
          goto out;
        }
      if (n > 0 && job->master.file && !writer_write (&job->master, out, n, error))
        goto out;
      read_ahead_release (&read_ahead, index);
      if (pool.n_threads > 0 && next != NULL)
        {
          if (position == job->start)
            track_pool_start_block (&pool, next, next_position, next_n);
          track_pool_finish_block (&pool);
        }
      state = next;
      index = next_index;
      position = next_position;
      report_progress (job, share * (double) (position - job->start)
                                   / (double) (end - job->start));
    }
  ok = TRUE;

out:
  /* Every thread is joined before the stems are closed or the feed is freed. */
  track_pool_finish (&pool);
  read_ahead_finish (&read_ahead);
  if (!stem_writer_finish (&stem_writer, ok ? error : NULL))
    ok = FALSE;
  strata_feed_clear (&feed);
  return ok;
}

/* Pass 2: the float master through gain (and the limiter) into the output, measured. */
static gboolean
normalize_pass (Job *job, double gain_db, gboolean limit, double ceiling_db, double *min_gain,
                GError **error)
{
  guint rate = strata_graph_get_sample_rate (job->graph);
  g_autofree float *block = g_new (float, BLOCK * 2);
  StrataLimiter *limiter = NULL;
  float gain = (float) pow (10.0, gain_db / 20.0);
  guint latency = 0, skip = 0;
  gint64 total = job->end - job->start, done = 0;
  gboolean ok = FALSE;

  writer_discard (&job->master);
  if (!writer_open (&job->master, job->options->output, job->options->bit_depth, rate, TRUE,
                    job->tags, error))
    return FALSE;
  if (limit)
    {
      limiter = strata_limiter_new (rate, 2, pow (10.0, ceiling_db / 20.0), 5.0, 80.0);
      if (limiter == NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                       _("no limiter for a %g dBTP ceiling at %u Hz"), ceiling_db, rate);
          return FALSE;
        }
      latency = skip = strata_limiter_latency (limiter);
    }
  rewind (job->float_file);

  /* Reads the whole master, then (with a limiter) its latency in silence to flush it. */
  while (done < total + latency)
    {
      guint n;

      if (!check_cancel (job, error))
        goto out;
      if (done < total)
        {
          n = (guint) MIN ((gint64) BLOCK, total - done);
          if (fread (block, sizeof (float) * 2, n, job->float_file) != n)
            {
              g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot read back: %s"),
                           job->float_path, g_strerror (errno));
              goto out;
            }
          for (guint i = 0; i < 2 * n; i++)
            block[i] *= gain;
        }
      else
        {
          n = (guint) MIN ((gint64) BLOCK, total + latency - done);
          memset (block, 0, sizeof (float) * 2 * n);
        }
      done += n;
      if (limiter)
        {
          guint drop = MIN (skip, n);
          strata_limiter_process (limiter, block, block, n);
          skip -= drop;
          if (n > drop && !writer_write (&job->master, block + 2 * drop, n - drop, error))
            goto out;
        }
      else if (!writer_write (&job->master, block, n, error))
        goto out;
      report_progress (job, 0.7 + 0.3 * (double) MIN (done, total) / (double) total);
    }
  ok = TRUE;
  *min_gain = limiter ? strata_limiter_min_gain (limiter) : 1.0;

out:
  if (limiter)
    strata_limiter_free (limiter);
  return ok;
}

/* Gain to the target, the limiter only when the gain would push the true peak over the
 * ceiling; what is written is measured, and the render is redone with a corrected gain or a
 * lower limiter ceiling until it is within 0.5 LU (aiming at 0.1) and never over the ceiling. */
static gboolean
normalize (Job *job, StrataRenderReport *report, GError **error)
{
  double ceiling = job->options->true_peak_dbtp;
  double target = job->options->target_lufs;
  double lufs = -HUGE_VAL;
  double gain_db, margin = 0.0, min_gain = 1.0;
  gboolean limit;

  ebur128_loudness_global (job->meter, &lufs);
  gain_db = isfinite (lufs) ? target - lufs : 0.0;
  /* True peaks sit above the sample peaks by a dB or so in music. The limiter is
   * bit-transparent where it has nothing to do, and what is written is measured anyway: a
   * guess on the safe side costs nothing but the limiter's time. */
  limit = strata_gain_to_db (job->sample_peak) + gain_db > ceiling - 1.0;

  for (guint attempt = 0;; attempt++)
    {
      if (!normalize_pass (job, gain_db, limit, ceiling - margin, &min_gain, error))
        return FALSE;
      measure (job->master.meter, job->master.peak, report);
      if (report->true_peak_dbtp > ceiling && attempt < 8)
        {
          /* Interpolation or dither put a peak over: limit harder. */
          margin += report->true_peak_dbtp - ceiling + 0.02;
          limit = TRUE;
          continue;
        }
      if (isfinite (lufs) && fabs (report->integrated_lufs - target) > 0.1 && attempt < 3
          && report->true_peak_dbtp <= ceiling)
        {
          gain_db += target - report->integrated_lufs;
          limit = limit || report->true_peak_dbtp + (target - report->integrated_lufs) > ceiling;
          continue;
        }
      break;
    }
  report->gain_db = gain_db;
  report->limited = limit && min_gain < 1.0;
  return TRUE;
}

/* What is known before rendering: tempo, metre and options. */
static char *
tags_before (const StrataRenderOptions *options, const StrataGraph *graph)
{
  GString *text = g_string_new (NULL);
  double bpm;
  guint num, den;

  strata_graph_get_tempo (graph, &bpm, &num, &den);
  g_string_append_printf (text, "bpm=%g time_signature=%u/%u bit_depth=%u", bpm, num, den,
                          options->bit_depth);
  if (options->normalize)
    g_string_append_printf (text, " target_lufs=%g ceiling_dbtp=%g", options->target_lufs,
                            options->true_peak_dbtp);
  return g_string_free (text, FALSE);
}

/* And after: the loudness measured on what was written. */
static char *
tags_after (const char *before, const StrataRenderReport *report)
{
  return g_strdup_printf ("%s integrated_lufs=%.2f loudness_range_lu=%.2f true_peak_dbtp=%.2f",
                          before, report->integrated_lufs, report->loudness_range_lu,
                          report->true_peak_dbtp);
}

/* ---- the render cache ----------------------------------------------------------------------- */

/* A render is reused when everything that shapes its bytes hashes the same: the compiled graph
 * (every clip, level and curve), each source's content (its hash, or else the file's path,
 * size and modification time), the range and the options. */
static char *
cache_key (const StrataGraph *graph, const StrataRenderOptions *options, gint64 start,
           gint64 end)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(JsonNode) plan = strata_graph_to_plan (graph);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *plan_text = NULL;
  g_autofree char *opts = NULL;
  const char *ext = options->output ? strrchr (options->output, '.') : NULL;

  json_generator_set_root (generator, plan);
  plan_text = json_generator_to_data (generator, NULL);
  g_checksum_update (sum, (const guchar *) "strata-render-cache 1 " PACKAGE_VERSION, -1);
  g_checksum_update (sum, (const guchar *) plan_text, -1);
  for (guint i = 0; i < strata_graph_get_n_sources (graph); i++)
    {
      const StrataGraphSource *source = strata_graph_get_source (graph, i);
      GStatBuf st;
      g_autofree char *identity = NULL;

      if (source->hash)
        identity = g_strdup_printf ("|hash:%s", source->hash);
      else if (source->file_path && g_stat (source->file_path, &st) == 0)
        identity = g_strdup_printf ("|file:%s:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                    source->file_path, (gint64) st.st_size,
                                    (gint64) st.st_mtime);
      else
        return NULL;
      g_checksum_update (sum, (const guchar *) identity, -1);
    }
  opts = g_strdup_printf ("|range:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT "|out:%s|bits:%u"
                          "|stems:%d:%d:%d|norm:%d:%.6f:%.6f", start, end, ext ? ext : "-",
                          options->bit_depth, options->stems_dir != NULL, options->track_stems,
                          options->bus_stems, options->normalize,
                          options->target_lufs, options->true_peak_dbtp);
  g_checksum_update (sum, (const guchar *) opts, -1);
  return g_strdup (g_checksum_get_string (sum));
}

static char *
cache_dir_for (const char *key)
{
  return g_build_filename (g_get_user_cache_dir (), "strata", "renders", key, NULL);
}

/* Copies `from` to `to` through a temporary name, so `to` appears whole. Never a hard link:
 * a user editing an exported file in place must not change the cache, nor the reverse. */
static gboolean
place_file (const char *from, const char *to)
{
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-%d", to, (int) getpid ());
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (tmp);

  g_unlink (tmp);
  if (!g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL))
    return FALSE;
  if (g_rename (tmp, to) != 0)
    {
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

/* The files a render writes, in report order: the master, then the stems. */
static GPtrArray *
planned_files (const StrataGraph *graph, const StrataRenderOptions *options,
               const char *extension)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  if (options->output)
    g_ptr_array_add (files, g_strdup (options->output));
  if (options->stems_dir)
    {
      g_autoptr(GPtrArray) stems = stem_paths (graph, options, extension);

      for (guint i = 0; i < stems->len; i++)
        if (stems->pdata[i] != NULL)
          g_ptr_array_add (files, g_strdup (stems->pdata[i]));
    }
  return files;
}

/* A hit is placed only where a render could have written: the master's folder must exist
 * (a render would fail otherwise), the stems folder is made as a render makes it. */
static StrataRenderReport *
cache_restore (const char *key, const StrataRenderOptions *options, GPtrArray *files)
{
  g_autofree char *dir = cache_dir_for (key);
  g_autofree char *report_path = g_build_filename (dir, "report.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  StrataRenderReport *report;
  JsonObject *object;

  if (!json_parser_load_from_file (parser, report_path, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  if (options->output)
    {
      g_autofree char *parent = g_path_get_dirname (options->output);
      if (!g_file_test (parent, G_FILE_TEST_IS_DIR))
        return NULL;
    }
  if (options->stems_dir && g_mkdir_with_parents (options->stems_dir, 0755) != 0)
    return NULL;
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u", i);
      g_autofree char *cached = g_build_filename (dir, name, NULL);
      if (!place_file (cached, files->pdata[i]))
        return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  report = g_new0 (StrataRenderReport, 1);
  report->frames = json_object_get_int_member_with_default (object, "frames", 0);
  report->seconds = json_object_get_double_member_with_default (object, "seconds", 0);
  report->integrated_lufs = json_object_get_double_member_with_default (object, "integrated_lufs",
                                                                        -HUGE_VAL);
  report->loudness_range_lu = json_object_get_double_member_with_default (object,
                                                                          "loudness_range_lu", 0);
  report->true_peak_dbtp = json_object_get_double_member_with_default (object, "true_peak_dbtp",
                                                                       -HUGE_VAL);
  report->gain_db = json_object_get_double_member_with_default (object, "gain_db", 0);
  report->limited = json_object_get_boolean_member_with_default (object, "limited", FALSE);
  report->files = g_ptr_array_ref (files);
  report->cache_hit = TRUE;
  return report;
}

/* Keeps a copy of a finished render's files. A cache that cannot be written is not an error:
 * the render itself succeeded. */
static void
cache_store (const char *key, const StrataRenderReport *report)
{
  g_autofree char *dir = cache_dir_for (key);
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-%d", dir, (int) getpid ());
  g_autofree char *report_path = g_build_filename (tmp, "report.json", NULL);
  g_autoptr(JsonNode) node = strata_render_report_to_json (report);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  strata_remove_tree (tmp);
  if (g_mkdir_with_parents (tmp, 0755) != 0)
    return;
  for (guint i = 0; i < report->files->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u", i);
      g_autofree char *cached = g_build_filename (tmp, name, NULL);
      if (!place_file (report->files->pdata[i], cached))
        {
          strata_remove_tree (tmp);
          return;
        }
    }
  json_generator_set_root (generator, node);
  if (!json_generator_to_file (generator, report_path, NULL) || g_rename (tmp, dir) != 0)
    strata_remove_tree (tmp);
}

StrataRenderReport *
strata_render_graph (const StrataGraph *graph, const StrataRenderOptions *options,
                     GCancellable *cancellable, StrataProgressFunc progress,
                     gpointer progress_data, GError **error)
{
  g_autoptr(StrataRenderReport) report = g_new0 (StrataRenderReport, 1);
  g_autofree char *comment = NULL;
  g_autofree char *key = NULL;
  Job job = { graph, options, cancellable, progress, progress_data };
  gint64 started = g_get_monotonic_time ();
  const char *extension = stem_extension (options);
  guint rate = strata_graph_get_sample_rate (graph);

  g_return_val_if_fail (graph != NULL && options != NULL, NULL);

  if (options->output == NULL && options->stems_dir == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("nothing to write: give an output"));
      return NULL;
    }
  if (options->normalize && options->output == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   _("loudness normalisation applies to the master: give an output"));
      return NULL;
    }
  if (options->output && format_for (options->output, options->bit_depth, error) == 0)
    return NULL;
  strata_graph_default_range (graph, &job.start, &job.end);
  if (options->has_start)
    job.start = options->start;
  if (options->has_end)
    job.end = options->end;
  if (job.end <= job.start)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID,
                   /* xgettext cannot see through G_GINT64_FORMAT: long long prints the same */
                   _("the range %lld..%lld is empty"), (long long) job.start,
                   (long long) job.end);
      return NULL;
    }

  if (options->use_cache)
    {
      key = cache_key (graph, options, job.start, job.end);
      if (key)
        {
          g_autoptr(GPtrArray) files = planned_files (graph, options, extension);
          StrataRenderReport *hit = cache_restore (key, options, files);
          if (hit)
            {
              hit->render_seconds = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
              hit->realtime_factor = hit->render_seconds > 0 ? hit->seconds / hit->render_seconds
                                                             : 0.0;
              report_progress (&job, 1.0);
              return hit;
            }
        }
    }

  job.tags = tags_before (options, graph);
  if (!render_pass (&job, extension, error)
      || (options->normalize && !normalize (&job, report, error)))
    {
      job_discard (&job);
      return NULL;
    }
  if (!options->normalize)
    {
      if (job.master.file)
        measure (job.master.meter, job.master.peak, report);
      else
        measure (job.meter, job.peak, report);
    }

  comment = tags_after (job.tags, report);
  report->files = g_ptr_array_new_with_free_func (g_free);
  if ((job.master.file && !writer_close (&job.master, comment, error))
      || !check_cancel (&job, error))
    {
      job_discard (&job);
      return NULL;
    }
  for (guint i = 0; i < job.n_stems; i++)
    if (job.stems[i].path != NULL && !writer_close (&job.stems[i], comment, error))
      {
        job_discard (&job);
        return NULL;
      }
  /* Everything is written: now it all moves into place. */
  if (job.master.path)
    {
      if (!writer_commit (&job.master, error))
        {
          job_discard (&job);
          return NULL;
        }
      g_ptr_array_add (report->files, g_strdup (job.master.path));
    }
  for (guint i = 0; i < job.n_stems; i++)
    {
      if (job.stems[i].path == NULL)
        continue;
      if (!writer_commit (&job.stems[i], error))
        {
          job_discard (&job);
          return NULL;
        }
      g_ptr_array_add (report->files, g_strdup (job.stems[i].path));
    }
  job.made_stems_dir = FALSE;
  job_discard (&job);

  report->frames = job.end - job.start;
  report->seconds = (double) report->frames / rate;
  report->render_seconds = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  report->realtime_factor = report->render_seconds > 0 ? report->seconds / report->render_seconds
                                                       : 0.0;
  if (key)
    cache_store (key, report);
  report_progress (&job, 1.0);
  return g_steal_pointer (&report);
}

/* ---- plan and async ----------------------------------------------------------------------- */

JsonNode *
strata_render_plan (StrataProject *project, const StrataRenderOptions *options, GError **error)
{
  g_autoptr(StrataGraph) graph = strata_graph_compile (project, error);
  JsonNode *plan;
  JsonObject *object;
  JsonObject *range;
  JsonArray *stems;
  gint64 start, end;
  g_autoptr(GPtrArray) paths = NULL;

  if (graph == NULL)
    return NULL;
  plan = strata_graph_to_plan (graph);
  object = json_node_get_object (plan);
  strata_graph_default_range (graph, &start, &end);
  if (options->has_start)
    start = options->start;
  if (options->has_end)
    end = options->end;
  range = json_object_new ();
  json_object_set_int_member (range, "start", start);
  json_object_set_int_member (range, "end", end);
  json_object_set_int_member (range, "frames", MAX (end - start, 0));
  json_object_set_double_member (range, "seconds",
                                 (double) MAX (end - start, 0) / strata_graph_get_sample_rate (graph));
  json_object_set_object_member (object, "range", range);
  if (options->output)
    json_object_set_string_member (object, "output", options->output);
  else
    json_object_set_null_member (object, "output");
  json_object_set_int_member (object, "bit_depth", options->bit_depth);
  if (options->normalize)
    {
      json_object_set_double_member (object, "loudness_lufs", options->target_lufs);
      json_object_set_double_member (object, "true_peak_dbtp", options->true_peak_dbtp);
    }
  stems = json_array_new ();
  paths = stem_paths (graph, options, stem_extension (options));
  for (guint i = 0; paths != NULL && i < paths->len; i++)
    {
      const StrataGraphStem *stem = strata_graph_get_stem (graph, i);
      JsonObject *entry;

      if (paths->pdata[i] == NULL)
        continue;
      entry = json_object_new ();
      json_object_set_string_member (entry, "kind", stem->kind == STRATA_STEM_TRACK ? "track"
                                                                                    : "bus");
      json_object_set_string_member (entry, "id", stem->id);
      json_object_set_string_member (entry, "file", paths->pdata[i]);
      json_array_add_object_element (stems, entry);
    }
  json_object_set_array_member (object, "stems", stems);
  return plan;
}

typedef struct
{
  StrataGraph        *graph;
  StrataRenderOptions options;
  StrataProgressFunc  progress;
  gpointer            progress_data;
  GMainContext       *context;
} AsyncRender;

static void
async_render_free (AsyncRender *data)
{
  strata_graph_unref (data->graph);
  strata_render_options_clear (&data->options);
  g_main_context_unref (data->context);
  g_free (data);
}

static void
thread_progress_cb (double fraction, gpointer user_data)
{
  AsyncRender *data = user_data;

  strata_progress_post (data->context, data->progress, data->progress_data, fraction);
}

static void
render_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  AsyncRender *data = task_data;
  GError *error = NULL;
  StrataRenderReport *report;

  report = strata_render_graph (data->graph, &data->options, cancellable,
                                data->progress ? thread_progress_cb : NULL, data, &error);
  if (report)
    g_task_return_pointer (task, report, (GDestroyNotify) strata_render_report_free);
  else
    g_task_return_error (task, error);
}

void
strata_render_async (StrataProject *project, const StrataRenderOptions *options,
                     GCancellable *cancellable, StrataProgressFunc progress,
                     gpointer progress_data, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;
  AsyncRender *data;
  StrataGraph *graph;

  g_task_set_source_tag (task, strata_render_async);
  graph = strata_graph_compile (project, &error);
  if (graph == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data = g_new0 (AsyncRender, 1);
  data->graph = graph;
  data->options = *options;
  data->options.output = g_strdup (options->output);
  data->options.stems_dir = g_strdup (options->stems_dir);
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, data, (GDestroyNotify) async_render_free);
  g_task_run_in_thread (task, render_thread);
}

StrataRenderReport *
strata_render_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
