/* strata-backend-gst.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fallback backend: appsrc -> audioconvert -> audioresample -> a device sink, and a device
 * source -> audioconvert -> audioresample -> appsink for input. The sink's clock paces the
 * engine: appsrc asks for a period whenever its small queue runs low, and the engine renders
 * it on GStreamer's streaming thread. The first available sink of pipewiresink, pulsesink
 * and alsasink is used (never autoaudiosink, which falls back to a silent fakesink).
 */
#define G_LOG_DOMAIN "strata-engine"
#include "config.h"
#include "strata-backend.h"
#include "strata-error.h"
#include "strata-ring.h"

#include <glib/gi18n-lib.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <string.h>

#define GST_PERIOD 256

typedef struct
{
  StrataBackend *backend;
  GstElement    *output;
  GstElement    *input;
  GstElement    *appsrc;
  GstElement    *appsink;
  GSource       *watch[2];
  StrataRing    *captured;      /* input frames, streaming thread -> streaming thread */
  float         *in_buf;
  gint64         frames;
  gint           latency_out;   /* frames (atomic) */
  gint           latency_in;
  gboolean       lost;
} Gst;

static const char *sinks[] = { "pipewiresink", "pulsesink", "alsasink" };
static const char *sources[] = { "pipewiresrc", "pulsesrc", "alsasrc" };

static GstElement *
make_device (const char *const *factories, const char *device, GError **error)
{
  for (guint i = 0; i < 3; i++)
    {
      GstElement *e = gst_element_factory_make (factories[i], NULL);
      if (e == NULL)
        continue;
      if (device != NULL)
        {
          if (g_str_equal (factories[i], "pipewiresink") || g_str_equal (factories[i], "pipewiresrc"))
            g_object_set (e, "target-object", device, NULL);
          else
            g_object_set (e, "device", device, NULL);
        }
      if (g_str_equal (factories[i], "pipewiresrc"))
        g_object_set (e, "always-copy", TRUE, NULL);   /* it stalls after 2048 frames without */
      return e;
    }
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
               factories == sinks
                 ? _("no GStreamer audio output element is installed (%s, %s or %s)")
                 : _("no GStreamer audio input element is installed (%s, %s or %s)"),
               factories[0], factories[1], factories[2]);
  return NULL;
}

static GstCaps *
float_caps (guint rate, guint channels)
{
  return gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "F32LE",
                              "layout", G_TYPE_STRING, "interleaved", "rate", G_TYPE_INT,
                              (int) rate, "channels", G_TYPE_INT, (int) channels, NULL);
}

/* appsrc wants more: render one period (and take one period of input). */
static void
need_data (GstAppSrc *src, guint length, gpointer data)
{
  Gst *g = data;
  StrataBackend *backend = g->backend;
  guint n = (guint) g_atomic_int_get (&backend->period);
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, (gsize) n * 2 * sizeof (float), NULL);
  GstMapInfo map;
  GstSample *sample;
  size_t got;

  /* Input that arrived since: into the ring, then one period out of it. */
  while (g->appsink != NULL
         && (sample = gst_app_sink_try_pull_sample (GST_APP_SINK (g->appsink), 0)) != NULL)
    {
      GstBuffer *in = gst_sample_get_buffer (sample);
      GstMapInfo in_map;
      if (gst_buffer_map (in, &in_map, GST_MAP_READ))
        {
          if (strata_ring_write (g->captured, in_map.data, in_map.size / (2 * sizeof (float)))
              < in_map.size / (2 * sizeof (float)))
            g_atomic_int_inc (&backend->xruns);
          gst_buffer_unmap (in, &in_map);
        }
      gst_sample_unref (sample);
    }
  got = strata_ring_read (g->captured, g->in_buf, n);
  memset (g->in_buf + got * 2, 0, (n - got) * 2 * sizeof (float));

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  backend->process (backend->user_data, g->in_buf, (float *) map.data, n);
  gst_buffer_unmap (buffer, &map);
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (g->frames, GST_SECOND, backend->config.rate);
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (n, GST_SECOND, backend->config.rate);
  g->frames += n;
  gst_app_src_push_buffer (src, buffer);
}

static gboolean
on_bus (GstBus *bus, GstMessage *message, gpointer data)
{
  Gst *g = data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR && !g->lost)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      gst_message_parse_error (message, &error, NULL);
      text = g_strdup_printf (_("GStreamer audio stopped: %s"), error->message);
      g->lost = TRUE;
      g->backend->lost (g->backend->user_data, text);
    }
  return G_SOURCE_CONTINUE;
}

static void
watch_bus (Gst *g, GstElement *pipeline, guint slot)
{
  GstBus *bus = gst_element_get_bus (pipeline);

  g->watch[slot] = gst_bus_create_watch (bus);
  g_source_set_callback (g->watch[slot], (GSourceFunc) (void (*) (void)) on_bus, g, NULL);
  g_source_attach (g->watch[slot], g->backend->context);
  gst_object_unref (bus);
}

static gboolean
gst_backend_open (StrataBackend *backend, GError **error)
{
  Gst *g = g_new0 (Gst, 1);
  const StrataBackendConfig *config = &backend->config;
  GstElement *convert, *resample, *sink;
  g_autoptr(GstCaps) caps = NULL;
  GstAppSrcCallbacks callbacks = { .need_data = need_data };

  backend->priv = g;
  g->backend = backend;
  backend->period = (gint) (config->period ? MIN (config->period, STRATA_BACKEND_MAX_BLOCK)
                                           : GST_PERIOD);
  if (!gst_init_check (NULL, NULL, error))
    return FALSE;
  sink = make_device (sinks, config->output_device, error);
  if (sink == NULL)
    return FALSE;
  g->captured = strata_ring_new (2 * sizeof (float), 1u << 16);
  g->in_buf = g_new0 (float, STRATA_BACKEND_MAX_BLOCK * 2);

  g->output = gst_pipeline_new ("strata-output");
  g->appsrc = gst_element_factory_make ("appsrc", NULL);
  convert = gst_element_factory_make ("audioconvert", NULL);
  resample = gst_element_factory_make ("audioresample", NULL);
  caps = float_caps (config->rate, 2);
  /* Two periods queued at most: the sink's clock paces the engine. */
  g_object_set (g->appsrc, "caps", caps, "format", GST_FORMAT_TIME, "is-live", FALSE,
                "max-bytes", (guint64) backend->period * 2 * sizeof (float) * 2, "block", FALSE,
                NULL);
  gst_app_src_set_callbacks (GST_APP_SRC (g->appsrc), &callbacks, g, NULL);
  gst_bin_add_many (GST_BIN (g->output), g->appsrc, convert, resample, sink, NULL);
  if (!gst_element_link_many (g->appsrc, convert, resample, sink, NULL))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                   _("the GStreamer output cannot be built"));
      return FALSE;
    }
  watch_bus (g, g->output, 0);

  if (config->capture)
    {
      GstElement *src = make_device (sources, config->input_device, error);
      GstElement *c2, *r2;
      g_autoptr(GstCaps) in_caps = float_caps (config->rate, 2);

      if (src == NULL)
        return FALSE;
      g->input = gst_pipeline_new ("strata-input");
      c2 = gst_element_factory_make ("audioconvert", NULL);
      r2 = gst_element_factory_make ("audioresample", NULL);
      g->appsink = gst_element_factory_make ("appsink", NULL);
      g_object_set (g->appsink, "caps", in_caps, "sync", FALSE, "max-buffers", 64, "drop", TRUE,
                    NULL);
      gst_bin_add_many (GST_BIN (g->input), src, c2, r2, g->appsink, NULL);
      if (!gst_element_link_many (src, c2, r2, g->appsink, NULL))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                       _("the GStreamer input cannot be built"));
          return FALSE;
        }
      watch_bus (g, g->input, 1);
    }
  return TRUE;
}

/* Waits for a pipeline to reach PLAYING and reads its latency. */
static gboolean
play (GstElement *pipeline, gint *latency, guint rate, GError **error)
{
  GstStateChangeReturn ret = gst_element_set_state (pipeline, GST_STATE_PLAYING);
  GstQuery *query;

  if (ret != GST_STATE_CHANGE_FAILURE)
    ret = gst_element_get_state (pipeline, NULL, NULL, 5 * GST_SECOND);
  if (ret == GST_STATE_CHANGE_FAILURE || ret == GST_STATE_CHANGE_ASYNC)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                   _("the GStreamer audio device did not start"));
      return FALSE;
    }
  query = gst_query_new_latency ();
  if (gst_element_query (pipeline, query))
    {
      GstClockTime min;
      gst_query_parse_latency (query, NULL, &min, NULL);
      g_atomic_int_set (latency, (gint) gst_util_uint64_scale (min, rate, GST_SECOND));
    }
  gst_query_unref (query);
  return TRUE;
}

static gboolean
gst_backend_start (StrataBackend *backend, GError **error)
{
  Gst *g = backend->priv;

  if (g->input != NULL && !play (g->input, &g->latency_in, backend->config.rate, error))
    return FALSE;
  return play (g->output, &g->latency_out, backend->config.rate, error);
}

static void
gst_backend_stop (StrataBackend *backend)
{
  Gst *g = backend->priv;

  if (g == NULL)
    return;
  if (g->output != NULL && !g->lost && GST_STATE (g->output) == GST_STATE_PLAYING)
    {
      /* Let what is queued play out: the song's last periods are in there. */
      GstBus *bus = gst_element_get_bus (g->output);
      GstMessage *message;

      /* A sink keeps back its last partial cycle: a cycle's worth of silence pushes it out. */
      GstBuffer *silence = gst_buffer_new_allocate (NULL, STRATA_BACKEND_MAX_BLOCK * 2
                                                          * sizeof (float), NULL);
      gst_buffer_memset (silence, 0, 0, STRATA_BACKEND_MAX_BLOCK * 2 * sizeof (float));
      GST_BUFFER_PTS (silence) = gst_util_uint64_scale (g->frames, GST_SECOND,
                                                        backend->config.rate);
      GST_BUFFER_DURATION (silence) = gst_util_uint64_scale (STRATA_BACKEND_MAX_BLOCK,
                                                             GST_SECOND, backend->config.rate);
      g->frames += STRATA_BACKEND_MAX_BLOCK;
      gst_app_src_push_buffer (GST_APP_SRC (g->appsrc), silence);
      gst_app_src_end_of_stream (GST_APP_SRC (g->appsrc));
      message = gst_bus_timed_pop_filtered (bus, 2 * GST_SECOND,
                                            GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
      if (message != NULL)
        gst_message_unref (message);
      gst_object_unref (bus);
    }
  if (g->output != NULL)
    gst_element_set_state (g->output, GST_STATE_NULL);
  if (g->input != NULL)
    gst_element_set_state (g->input, GST_STATE_NULL);
}

/* Output: the pipeline's latency plus appsrc's queue of two periods. */
static void
gst_backend_latency (StrataBackend *backend, guint *input, guint *output)
{
  Gst *g = backend->priv;

  *input = (guint) g_atomic_int_get (&g->latency_in);
  *output = (guint) g_atomic_int_get (&g->latency_out) + 2 * (guint) backend->period;
}

static void
gst_backend_close (StrataBackend *backend)
{
  Gst *g = backend->priv;

  if (g == NULL)
    return;
  gst_backend_stop (backend);
  for (guint i = 0; i < 2; i++)
    if (g->watch[i] != NULL)
      {
        g_source_destroy (g->watch[i]);
        g_source_unref (g->watch[i]);
      }
  g_clear_object (&g->output);
  g_clear_object (&g->input);
  strata_ring_free (g->captured);
  g_free (g->in_buf);
  g_clear_pointer (&backend->priv, g_free);
}

const StrataBackendClass strata_backend_gstreamer_class = {
  "gstreamer", gst_backend_open, gst_backend_start, gst_backend_stop, gst_backend_latency,
  gst_backend_close,
};

GPtrArray *
strata_backend_gstreamer_devices (GError **error)
{
  GstDeviceMonitor *monitor;
  GPtrArray *devices;
  GList *list;

  if (!gst_init_check (NULL, NULL, error))
    return NULL;
  monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (monitor, "Audio/Sink", NULL);
  gst_device_monitor_add_filter (monitor, "Audio/Source", NULL);
  if (!gst_device_monitor_start (monitor))
    {
      g_object_unref (monitor);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE, _("GStreamer cannot list devices"));
      return NULL;
    }
  devices = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_audio_device_free);
  list = gst_device_monitor_get_devices (monitor);
  for (GList *l = list; l != NULL; l = l->next)
    {
      GstDevice *device = l->data;
      g_autofree char *klass = gst_device_get_device_class (device);
      StrataAudioDevice *d = g_new0 (StrataAudioDevice, 1);
      GstStructure *props = gst_device_get_properties (device);
      const char *name = props ? gst_structure_get_string (props, "node.name") : NULL;

      d->description = gst_device_get_display_name (device);
      d->name = g_strdup (name ? name : d->description);
      d->input = strstr (klass, "Source") != NULL;
      d->output = strstr (klass, "Sink") != NULL;
      g_ptr_array_add (devices, d);
      if (props)
        gst_structure_free (props);
    }
  g_list_free_full (list, gst_object_unref);
  gst_device_monitor_stop (monitor);
  g_object_unref (monitor);
  return devices;
}
