/* strata-backend.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every backend shares, and the dummy backend: a thread clocked by the monotonic clock
 * that calls the engine once per period, optionally writes what it plays to a float WAV, and
 * optionally feeds it back as input one period later (a perfect loopback for tests).
 */
#define G_LOG_DOMAIN "strata-engine"
#include "config.h"
#include "strata-backend.h"
#include "strata-error.h"

#include <glib/gi18n-lib.h>
#include <sndfile.h>
#include <string.h>
#include <time.h>

static const char *kind_names[] = { "pipewire", "gstreamer", "dummy" };

const char *
strata_backend_kind_name (StrataBackendKind kind)
{
  return kind_names[kind];
}

gboolean
strata_backend_kind_parse (const char *name, StrataBackendKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (name, kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

StrataBackend *
strata_backend_new (StrataBackendKind kind, const StrataBackendConfig *config,
                    StrataBackendProcess process, StrataBackendLost lost, gpointer user_data)
{
  static const StrataBackendClass *classes[] = {
    &strata_backend_pipewire_class, &strata_backend_gstreamer_class, &strata_backend_dummy_class,
  };
  StrataBackend *backend = g_new0 (StrataBackend, 1);

  backend->klass = classes[kind];
  backend->config = *config;
  backend->config.output_device = g_strdup (config->output_device);
  backend->config.input_device = g_strdup (config->input_device);
  backend->config.dummy_file = g_strdup (config->dummy_file);
  backend->process = process;
  backend->lost = lost;
  backend->user_data = user_data;
  backend->context = g_main_context_ref_thread_default ();
  return backend;
}

void
strata_backend_free (StrataBackend *backend)
{
  if (backend == NULL)
    return;
  backend->klass->close (backend);
  g_free (backend->config.output_device);
  g_free (backend->config.input_device);
  g_free (backend->config.dummy_file);
  g_main_context_unref (backend->context);
  g_free (backend);
}

typedef struct
{
  StrataBackend *backend;
  char          *message;
} Lost;

static gboolean
deliver_lost (gpointer data)
{
  Lost *lost = data;
  lost->backend->lost (lost->backend->user_data, lost->message);
  return G_SOURCE_REMOVE;
}

static void
lost_free (gpointer data)
{
  Lost *lost = data;
  g_free (lost->message);
  g_free (lost);
}

void
strata_backend_report_lost (StrataBackend *backend, const char *message)
{
  Lost *lost = g_new0 (Lost, 1);

  lost->backend = backend;
  lost->message = g_strdup (message);
  g_main_context_invoke_full (backend->context, G_PRIORITY_DEFAULT, deliver_lost, lost,
                              lost_free);
}

void
strata_audio_device_free (StrataAudioDevice *device)
{
  g_free (device->name);
  g_free (device->description);
  g_free (device);
}

/* ---- dummy -------------------------------------------------------------------------------- */

#define DUMMY_PERIOD 256

typedef struct
{
  GThread *thread;
  gint     running;    /* atomic */
  SNDFILE *file;
  float   *input;
  float   *output;
} Dummy;

static gpointer
dummy_thread (gpointer data)
{
  StrataBackend *backend = data;
  Dummy *d = backend->priv;
  guint period = (guint) backend->period;
  gint64 period_ns = (gint64) period * G_GINT64_CONSTANT (1000000000) / backend->config.rate;
  struct timespec next;

  clock_gettime (CLOCK_MONOTONIC, &next);
  while (g_atomic_int_get (&d->running))
    {
      if (backend->config.dummy_loopback)
        memcpy (d->input, d->output, (gsize) period * 2 * sizeof (float));
      backend->process (backend->user_data, d->input, d->output, period);
      if (d->file != NULL
          && sf_writef_float (d->file, d->output, period) != (sf_count_t) period)
        {
          g_atomic_int_set (&d->running, FALSE);
          strata_backend_report_lost (backend, "the dummy output file cannot be written");
          break;
        }
      next.tv_nsec += period_ns;
      while (next.tv_nsec >= 1000000000)
        {
          next.tv_nsec -= 1000000000;
          next.tv_sec++;
        }
      clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
  return NULL;
}

static gboolean
dummy_open (StrataBackend *backend, GError **error)
{
  Dummy *d = g_new0 (Dummy, 1);
  guint period = backend->config.period ? backend->config.period : DUMMY_PERIOD;

  backend->priv = d;
  backend->period = (gint) MIN (period, STRATA_BACKEND_MAX_BLOCK);
  d->input = g_new0 (float, STRATA_BACKEND_MAX_BLOCK * STRATA_BACKEND_INPUTS);
  d->output = g_new0 (float, STRATA_BACKEND_MAX_BLOCK * 2);
  if (backend->config.dummy_file != NULL)
    {
      SF_INFO info = { .samplerate = (int) backend->config.rate, .channels = 2,
                       .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
      d->file = sf_open (backend->config.dummy_file, SFM_WRITE, &info);
      if (d->file == NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot write '%s': %s"),
                       backend->config.dummy_file, sf_strerror (NULL));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
dummy_start (StrataBackend *backend, GError **error)
{
  Dummy *d = backend->priv;

  g_atomic_int_set (&d->running, TRUE);
  d->thread = g_thread_new ("strata-dummy", dummy_thread, backend);
  return TRUE;
}

static void
dummy_stop (StrataBackend *backend)
{
  Dummy *d = backend->priv;

  if (d == NULL || d->thread == NULL)
    return;
  g_atomic_int_set (&d->running, FALSE);
  g_thread_join (g_steal_pointer (&d->thread));
}

static void
dummy_latency (StrataBackend *backend, guint *input, guint *output)
{
  *input = 0;
  *output = 0;
}

static void
dummy_close (StrataBackend *backend)
{
  Dummy *d = backend->priv;

  if (d == NULL)
    return;
  dummy_stop (backend);
  if (d->file != NULL)
    sf_close (d->file);
  g_free (d->input);
  g_free (d->output);
  g_clear_pointer (&backend->priv, g_free);
}

const StrataBackendClass strata_backend_dummy_class = {
  "dummy", dummy_open, dummy_start, dummy_stop, dummy_latency, dummy_close,
};
