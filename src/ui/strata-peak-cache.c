/* strata-peak-cache.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The canvas asks for a source's peaks on every snapshot, so a lookup is a hash table hit; the
 * first one starts a worker thread that loads `<hash>.peaks` beside the media or, failing
 * that, decodes the audio with libsndfile and builds the peaks. Finished loads wait in a list
 * under a mutex until the main context installs them and emits "ready"; `wait` drains that
 * list itself so that tests and the bench see the peaks without running a main loop.
 */
#define G_LOG_DOMAIN "strata-peak-cache"

#include "config.h"

#include <gio/gio.h>
#include <sndfile.h>

#include "strata-peak-cache.h"

#define READ_CHUNK_FRAMES 65536

typedef struct
{
  StrataSource *source;      /* owned */
  char         *file_path;   /* where the audio is on this machine, or NULL */
  char         *hash;
  StrataPeaks  *peaks;       /* the result, or NULL */
  char         *error;       /* why there is no result, or NULL when there was nothing to read */
} Load;

struct _StrataPeakCache
{
  GObject     parent_instance;
  GHashTable *peaks;         /* StrataSource * (owned) -> StrataPeaks * or NULL while loading
                              * or after a failure */
  GMutex      lock;
  GCond       cond;
  guint       pending;       /* loads still running, under lock */
  GPtrArray  *done;          /* Load * finished but not installed yet, under lock */
};

G_DEFINE_FINAL_TYPE (StrataPeakCache, strata_peak_cache, G_TYPE_OBJECT)

enum
{
  SIGNAL_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
load_free (Load *load)
{
  g_clear_object (&load->source);
  g_free (load->file_path);
  g_free (load->hash);
  g_clear_pointer (&load->peaks, strata_peaks_free);
  g_free (load->error);
  g_free (load);
}

static StrataPeaks *
peaks_from_audio (const char *path, char **error)
{
  SF_INFO info = { 0 };
  SNDFILE *sf = sf_open (path, SFM_READ, &info);
  g_autoptr(StrataPeaksBuilder) builder = NULL;
  g_autofree float *buffer = NULL;
  sf_count_t n;

  if (sf == NULL)
    {
      *error = g_strdup (sf_strerror (NULL));
      return NULL;
    }
  if (info.channels < 1)
    {
      sf_close (sf);
      *error = g_strdup ("the file has no audio channels");
      return NULL;
    }
  builder = strata_peaks_builder_new (info.channels);
  buffer = g_new (float, (gsize) READ_CHUNK_FRAMES * info.channels);
  while ((n = sf_readf_float (sf, buffer, READ_CHUNK_FRAMES)) > 0)
    strata_peaks_builder_add (builder, buffer, (gsize) n);
  if (sf_error (sf) != SF_ERR_NO_ERROR)
    {
      *error = g_strdup (sf_strerror (sf));
      sf_close (sf);
      return NULL;
    }
  sf_close (sf);
  return strata_peaks_builder_finish (g_steal_pointer (&builder));
}

/* Worker thread: the stored peaks when they are there and sound, else the audio itself. */
static void
load_peaks (Load *load)
{
  if (load->file_path == NULL)
    return;
  if (load->hash != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (load->file_path);
      g_autofree char *name = g_strconcat (load->hash, ".peaks", NULL);
      g_autofree char *peaks_path = g_build_filename (dir, name, NULL);

      if (g_file_test (peaks_path, G_FILE_TEST_EXISTS))
        {
          load->peaks = strata_peaks_load (peaks_path, NULL);
          if (load->peaks != NULL)
            return;
        }
    }
  load->peaks = peaks_from_audio (load->file_path, &load->error);
}

/* Main context: installs every finished load and tells the views. */
static void
drain (StrataPeakCache *self)
{
  g_autoptr(GPtrArray) done = NULL;

  g_mutex_lock (&self->lock);
  done = g_steal_pointer (&self->done);
  self->done = g_ptr_array_new_with_free_func ((GDestroyNotify) load_free);
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < done->len; i++)
    {
      Load *load = done->pdata[i];

      if (load->peaks == NULL)
        {
          if (load->error != NULL)
            g_warning ("No waveform for “%s”: %s", load->file_path, load->error);
          continue;
        }
      g_hash_table_replace (self->peaks, g_object_ref (load->source),
                            g_steal_pointer (&load->peaks));
      g_signal_emit (self, signals[SIGNAL_READY], 0, load->source);
    }
}

static void
load_thread (GTask *task, gpointer source_object, gpointer task_data,
             GCancellable *cancellable)
{
  StrataPeakCache *self = source_object;
  Load *load = task_data;

  load_peaks (load);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->done, load);
  self->pending--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_task_return_boolean (task, TRUE);
}

static void
load_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  drain (STRATA_PEAK_CACHE (object));
}

static void
strata_peak_cache_finalize (GObject *object)
{
  StrataPeakCache *self = STRATA_PEAK_CACHE (object);

  /* Every running load holds a reference through its task: none is left here. */
  g_hash_table_unref (self->peaks);
  g_ptr_array_unref (self->done);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (strata_peak_cache_parent_class)->finalize (object);
}

static void
strata_peak_cache_class_init (StrataPeakCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_peak_cache_finalize;

  /* The peaks of a source arrived (the source). */
  signals[SIGNAL_READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_OBJECT);
}

static void
strata_peak_cache_init (StrataPeakCache *self)
{
  self->peaks = g_hash_table_new_full (NULL, NULL, g_object_unref,
                                       (GDestroyNotify) strata_peaks_free);
  self->done = g_ptr_array_new_with_free_func ((GDestroyNotify) load_free);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
}

StrataPeakCache *
strata_peak_cache_new (void)
{
  return g_object_new (STRATA_TYPE_PEAK_CACHE, NULL);
}

StrataPeaks *
strata_peak_cache_lookup (StrataPeakCache *self, StrataSource *source)
{
  g_autoptr(GTask) task = NULL;
  StrataPeaks *peaks;
  Load *load;
  const char *file_path;

  g_return_val_if_fail (STRATA_IS_PEAK_CACHE (self), NULL);
  g_return_val_if_fail (STRATA_IS_SOURCE (source), NULL);

  if (g_hash_table_lookup_extended (self->peaks, source, NULL, (gpointer *) &peaks))
    return peaks;

  /* Present but NULL from now on: loading, or failed and not retried. */
  g_hash_table_insert (self->peaks, g_object_ref (source), NULL);

  /* A loaded project has resolved every path; a source made by hand may only have its own. */
  file_path = strata_source_get_file_path (source);
  if (file_path == NULL)
    file_path = strata_source_get_path (source);
  load = g_new0 (Load, 1);
  load->source = g_object_ref (source);
  load->file_path = g_strdup (file_path);
  load->hash = g_strdup (strata_source_get_hash (source));

  g_mutex_lock (&self->lock);
  self->pending++;
  g_mutex_unlock (&self->lock);

  task = g_task_new (self, NULL, load_done_cb, NULL);
  g_task_set_source_tag (task, strata_peak_cache_lookup);
  /* The worker hands the load over to `done`, so the task does not free it. */
  g_task_set_task_data (task, load, NULL);
  g_task_run_in_thread (task, load_thread);
  return NULL;
}

void
strata_peak_cache_wait (StrataPeakCache *self)
{
  g_return_if_fail (STRATA_IS_PEAK_CACHE (self));

  g_mutex_lock (&self->lock);
  while (self->pending > 0)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  drain (self);
}
