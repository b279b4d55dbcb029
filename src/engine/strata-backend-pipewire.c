/* strata-backend-pipewire.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The default backend: one pw_filter with two float DSP output ports (and two input ports when
 * capturing), processed on PipeWire's realtime data thread (PW_FILTER_FLAG_RT_PROCESS, with
 * client-rt.conf for realtime priority). Strata links its ports to the chosen devices itself,
 * so it plays the same with or without a session manager. A sink named as the input device is
 * recorded from its monitor ports. Quantum changes are followed period by period, up to
 * STRATA_BACKEND_MAX_BLOCK frames.
 */
#define G_LOG_DOMAIN "strata-engine"
#include "config.h"
#include "strata-backend.h"
#include "strata-error.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <pipewire/pipewire.h>
#include <pipewire/filter.h>
#include <spa/param/latency-utils.h>
#include <spa/utils/result.h>
#include <string.h>

#define CONNECT_TIMEOUT_US (5 * G_USEC_PER_SEC)

typedef struct
{
  guint32  id;
  guint32  node;
  char    *name;          /* port.name */
  char    *channel;       /* audio.channel */
  gboolean output;        /* direction out */
  gboolean monitor;
} PortInfo;

typedef struct
{
  guint32  id;
  char    *name;
  char    *description;
  char    *media_class;
} NodeInfo;

typedef struct
{
  StrataBackend        *backend;
  struct pw_thread_loop *loop;
  struct pw_context    *context;
  struct pw_core       *core;
  struct spa_hook       core_listener;
  struct pw_registry   *registry;
  struct spa_hook       registry_listener;
  struct pw_filter     *filter;
  struct spa_hook       filter_listener;
  void                 *out_ports[2];
  void                 *in_ports[2];
  GPtrArray            *nodes;        /* NodeInfo */
  GPtrArray            *ports;        /* PortInfo */
  GPtrArray            *links;        /* struct pw_proxy * */
  guint32               output_node;  /* the linked devices, SPA_ID_INVALID if none */
  guint32               input_node;
  gboolean              lost;
  int                   sync_seq;
  gboolean              synced;
  gint                  latency_in;   /* frames, atomic */
  gint                  latency_out;
  guint64               next_position;
  guint32               clock_id;
  float                *in_buf;
  float                *out_buf;
} PipeWire;

static void
port_info_free (PortInfo *p)
{
  g_free (p->name);
  g_free (p->channel);
  g_free (p);
}

static void
node_info_free (NodeInfo *n)
{
  g_free (n->name);
  g_free (n->description);
  g_free (n->media_class);
  g_free (n);
}

static void
ensure_pw_init (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      pw_init (NULL, NULL);
      g_once_init_leave (&once, 1);
    }
}

/* ---- the realtime callback ---------------------------------------------------------------- */

static void
on_process (void *data, struct spa_io_position *position)
{
  PipeWire *pw = data;
  StrataBackend *backend = pw->backend;
  guint n = (guint) MIN (position->clock.duration, STRATA_BACKEND_MAX_BLOCK);

  g_atomic_int_set (&backend->period, (gint) n);
  /* A cycle the graph skipped shows as the clock jumping ahead; moving to another driver
   * (when our ports are linked) is not one, nor the repeated first cycle after linking. */
  if (pw->next_position != 0 && position->clock.id == pw->clock_id
      && position->clock.position > pw->next_position)
    g_atomic_int_inc (&backend->xruns);
  pw->clock_id = position->clock.id;
  pw->next_position = position->clock.position + position->clock.duration;

  for (guint c = 0; c < 2; c++)
    {
      float *in = pw->in_ports[c] ? pw_filter_get_dsp_buffer (pw->in_ports[c], n) : NULL;
      for (guint k = 0; k < n; k++)
        pw->in_buf[k * STRATA_BACKEND_INPUTS + c] = in ? in[k] : 0.0f;
    }
  backend->process (backend->user_data, pw->in_buf, pw->out_buf, n);
  for (guint c = 0; c < 2; c++)
    {
      float *out = pw_filter_get_dsp_buffer (pw->out_ports[c], n);
      if (out != NULL)
        for (guint k = 0; k < n; k++)
          out[k] = pw->out_buf[2 * k + c];
    }
}

static void
lose (PipeWire *pw, const char *message)
{
  if (pw->lost)
    return;
  pw->lost = TRUE;
  strata_backend_report_lost (pw->backend, message);
}

static void
on_state_changed (void *data, enum pw_filter_state old, enum pw_filter_state state,
                  const char *error)
{
  PipeWire *pw = data;

  if (state == PW_FILTER_STATE_ERROR)
    {
      g_autofree char *message = g_strdup_printf (_("PipeWire stopped the audio: %s"),
                                                  error ? error : _("unknown error"));
      lose (pw, message);
    }
  pw_thread_loop_signal (pw->loop, FALSE);
}

/* The latency the ports report: what the devices add on each side. */
static void
on_param_changed (void *data, void *port_data, uint32_t id, const struct spa_pod *param)
{
  PipeWire *pw = data;
  struct spa_latency_info info;
  guint rate = pw->backend->config.rate;
  gint frames;

  if (id != SPA_PARAM_Latency || param == NULL || port_data == NULL
      || spa_latency_parse (param, &info) < 0)
    return;
  frames = (gint) (info.min_rate + info.min_ns * rate / SPA_NSEC_PER_SEC
                   + info.min_quantum * g_atomic_int_get (&pw->backend->period));
  /* An input port hears the latency upstream of it (capture), an output port downstream. */
  if (port_data == pw->in_ports[0] || port_data == pw->in_ports[1])
    g_atomic_int_set (&pw->latency_in, frames);
  else
    g_atomic_int_set (&pw->latency_out, frames);
}

static const struct pw_filter_events filter_events = {
  PW_VERSION_FILTER_EVENTS,
  .state_changed = on_state_changed,
  .param_changed = on_param_changed,
  .process = on_process,
};

/* ---- the registry: nodes and ports to link ------------------------------------------------ */

static void
on_global (void *data, uint32_t id, uint32_t permissions, const char *type, uint32_t version,
           const struct spa_dict *props)
{
  PipeWire *pw = data;

  if (props == NULL)
    return;
  if (g_str_equal (type, PW_TYPE_INTERFACE_Node))
    {
      NodeInfo *n = g_new0 (NodeInfo, 1);
      n->id = id;
      n->name = g_strdup (spa_dict_lookup (props, PW_KEY_NODE_NAME));
      n->description = g_strdup (spa_dict_lookup (props, PW_KEY_NODE_DESCRIPTION));
      n->media_class = g_strdup (spa_dict_lookup (props, PW_KEY_MEDIA_CLASS));
      g_ptr_array_add (pw->nodes, n);
    }
  else if (g_str_equal (type, PW_TYPE_INTERFACE_Port))
    {
      const char *node = spa_dict_lookup (props, PW_KEY_NODE_ID);
      const char *direction = spa_dict_lookup (props, PW_KEY_PORT_DIRECTION);
      const char *monitor = spa_dict_lookup (props, PW_KEY_PORT_MONITOR);
      PortInfo *p;

      if (node == NULL || direction == NULL)
        return;
      p = g_new0 (PortInfo, 1);
      p->id = id;
      p->node = (guint32) g_ascii_strtoull (node, NULL, 10);
      p->name = g_strdup (spa_dict_lookup (props, PW_KEY_PORT_NAME));
      p->channel = g_strdup (spa_dict_lookup (props, PW_KEY_AUDIO_CHANNEL));
      p->output = g_str_equal (direction, "out");
      p->monitor = g_strcmp0 (monitor, "true") == 0;
      g_ptr_array_add (pw->ports, p);
    }
  pw_thread_loop_signal (pw->loop, FALSE);
}

static void
on_global_remove (void *data, uint32_t id)
{
  PipeWire *pw = data;

  if (id == pw->output_node || id == pw->input_node)
    lose (pw, id == pw->output_node ? _("the audio output device went away")
                                    : _("the audio input device went away"));
  for (guint i = 0; i < pw->nodes->len; i++)
    if (((NodeInfo *) pw->nodes->pdata[i])->id == id)
      g_ptr_array_remove_index_fast (pw->nodes, i--);
  for (guint i = 0; i < pw->ports->len; i++)
    if (((PortInfo *) pw->ports->pdata[i])->id == id)
      g_ptr_array_remove_index_fast (pw->ports, i--);
}

static const struct pw_registry_events registry_events = {
  PW_VERSION_REGISTRY_EVENTS,
  .global = on_global,
  .global_remove = on_global_remove,
};

static void
on_core_done (void *data, uint32_t id, int seq)
{
  PipeWire *pw = data;

  if (id == PW_ID_CORE && seq == pw->sync_seq)
    {
      pw->synced = TRUE;
      pw_thread_loop_signal (pw->loop, FALSE);
    }
}

static void
on_core_error (void *data, uint32_t id, int seq, int res, const char *message)
{
  PipeWire *pw = data;

  if (id == PW_ID_CORE && res == -EPIPE)
    lose (pw, _("the PipeWire server went away"));
  pw_thread_loop_signal (pw->loop, FALSE);
}

static const struct pw_core_events core_events = {
  PW_VERSION_CORE_EVENTS,
  .done = on_core_done,
  .error = on_core_error,
};

/* With the loop locked: waits until the server has answered everything asked so far. */
static gboolean
roundtrip (PipeWire *pw)
{
  gint64 deadline = g_get_monotonic_time () + CONNECT_TIMEOUT_US;

  pw->synced = FALSE;
  pw->sync_seq = pw_core_sync (pw->core, PW_ID_CORE, pw->sync_seq);
  while (!pw->synced && !pw->lost)
    if (pw_thread_loop_timed_wait (pw->loop, 1) != 0 && g_get_monotonic_time () > deadline)
      return FALSE;
  return pw->synced;
}

static gboolean
is_class (const NodeInfo *n, const char *prefix)
{
  return n->media_class != NULL && g_str_has_prefix (n->media_class, prefix);
}

/* The node named `name` (node.name or description), or the first of the class. */
static const NodeInfo *
find_node (PipeWire *pw, const char *name, gboolean input)
{
  g_autofree char *base = NULL;

  if (name != NULL)
    {
      base = g_str_has_suffix (name, ".monitor") ? g_strndup (name, strlen (name) - 8) : NULL;
      for (guint i = 0; i < pw->nodes->len; i++)
        {
          const NodeInfo *n = pw->nodes->pdata[i];
          if (g_strcmp0 (n->name, name) == 0 || g_strcmp0 (n->description, name) == 0
              || (base != NULL && g_strcmp0 (n->name, base) == 0))
            return n;
        }
      return NULL;
    }
  for (guint i = 0; i < pw->nodes->len; i++)
    {
      const NodeInfo *n = pw->nodes->pdata[i];
      if (input ? is_class (n, "Audio/Source") || is_class (n, "Audio/Duplex")
                : is_class (n, "Audio/Sink") || is_class (n, "Audio/Duplex"))
        return n;
    }
  return NULL;
}

/* The port of `node` for channel `c` (0 left, 1 right) in that direction: by audio.channel,
 * else the c-th such port, else the only one (a mono device feeds or takes both). */
static const PortInfo *
find_port (PipeWire *pw, guint32 node, gboolean output, gboolean monitor, guint c)
{
  static const char *channels[] = { "FL", "FR" };
  const PortInfo *nth[2] = { NULL, NULL };
  guint count = 0;

  for (guint i = 0; i < pw->ports->len; i++)
    {
      const PortInfo *p = pw->ports->pdata[i];
      if (p->node != node || p->output != output || p->monitor != monitor)
        continue;
      if (g_strcmp0 (p->channel, channels[c]) == 0)
        return p;
      if (count < 2)
        nth[count] = p;
      count++;
    }
  return count == 1 ? nth[0] : nth[c];
}

static const PortInfo *
own_port (PipeWire *pw, guint32 node, const char *name)
{
  for (guint i = 0; i < pw->ports->len; i++)
    {
      const PortInfo *p = pw->ports->pdata[i];
      if (p->node == node && g_strcmp0 (p->name, name) == 0)
        return p;
    }
  return NULL;
}

static gboolean
link_ports (PipeWire *pw, guint32 out_port, guint32 in_port)
{
  struct pw_properties *props = pw_properties_new (NULL, NULL);
  struct pw_proxy *proxy;

  pw_properties_setf (props, PW_KEY_LINK_OUTPUT_PORT, "%u", out_port);
  pw_properties_setf (props, PW_KEY_LINK_INPUT_PORT, "%u", in_port);
  pw_properties_set (props, PW_KEY_OBJECT_LINGER, "false");
  proxy = pw_core_create_object (pw->core, "link-factory", PW_TYPE_INTERFACE_Link,
                                 PW_VERSION_LINK, &props->dict, 0);
  pw_properties_free (props);
  if (proxy == NULL)
    return FALSE;
  g_ptr_array_add (pw->links, proxy);
  return TRUE;
}

/* Links our ports to the devices; with the loop locked. */
static gboolean
link_devices (PipeWire *pw, GError **error)
{
  const StrataBackendConfig *config = &pw->backend->config;
  guint32 self_node = pw_filter_get_node_id (pw->filter);
  const NodeInfo *out = find_node (pw, config->output_device, FALSE);
  static const char *out_names[] = { "out_FL", "out_FR" };
  static const char *in_names[] = { "in_FL", "in_FR" };

  if (out == NULL)
    {
      if (config->output_device)
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                     _("no PipeWire output device named '%s'"), config->output_device);
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                     _("PipeWire has no audio output device"));
      return FALSE;
    }
  pw->output_node = out->id;
  for (guint c = 0; c < 2; c++)
    {
      const PortInfo *mine = own_port (pw, self_node, out_names[c]);
      const PortInfo *theirs = find_port (pw, out->id, FALSE, FALSE, c);
      if (mine == NULL || theirs == NULL || !link_ports (pw, mine->id, theirs->id))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                       _("cannot connect to the output device '%s'"), out->name);
          return FALSE;
        }
    }
  if (config->capture)
    {
      const NodeInfo *in = find_node (pw, config->input_device, TRUE);
      gboolean monitor;

      if (in == NULL && config->input_device != NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                       _("no PipeWire input device named '%s'"), config->input_device);
          return FALSE;
        }
      if (in == NULL)
        return TRUE;   /* no input on this machine: record silence */
      /* A sink records from its monitor ports. */
      monitor = is_class (in, "Audio/Sink");
      pw->input_node = in->id;
      for (guint c = 0; c < 2; c++)
        {
          const PortInfo *mine = own_port (pw, self_node, in_names[c]);
          const PortInfo *theirs = find_port (pw, in->id, TRUE, monitor, c);
          if (mine == NULL || theirs == NULL || !link_ports (pw, theirs->id, mine->id))
            {
              g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                           _("cannot connect to the input device '%s'"), in->name);
              return FALSE;
            }
        }
    }
  return roundtrip (pw);
}

/* ---- the vtable --------------------------------------------------------------------------- */

static void *
add_port (PipeWire *pw, enum pw_direction direction, const char *name, const char *channel)
{
  return pw_filter_add_port (pw->filter, direction, PW_FILTER_PORT_FLAG_MAP_BUFFERS, 0,
                             pw_properties_new (PW_KEY_FORMAT_DSP, "32 bit float mono audio",
                                                PW_KEY_PORT_NAME, name,
                                                PW_KEY_AUDIO_CHANNEL, channel, NULL),
                             NULL, 0);
}

/* A client of the server with the registry listened to: the state behind `backend`, returned
 * with the loop locked; NULL (the loop unlocked, the state left for pw_close) when there is no
 * server. */
static PipeWire *
pw_connect (StrataBackend *backend, const char *thread, struct pw_properties *context_props,
            GError **error)
{
  PipeWire *pw = g_new0 (PipeWire, 1);

  ensure_pw_init ();
  backend->priv = pw;
  pw->backend = backend;
  pw->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) node_info_free);
  pw->ports = g_ptr_array_new_with_free_func ((GDestroyNotify) port_info_free);
  pw->links = g_ptr_array_new ();
  pw->output_node = pw->input_node = SPA_ID_INVALID;
  pw->loop = pw_thread_loop_new (thread, NULL);
  pw->context = pw_context_new (pw_thread_loop_get_loop (pw->loop), context_props, 0);
  if (pw->context == NULL || pw_thread_loop_start (pw->loop) < 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                   _("PipeWire could not start a client"));
      return NULL;
    }
  pw_thread_loop_lock (pw->loop);
  pw->core = pw_context_connect (pw->context, NULL, 0);
  if (pw->core == NULL)
    {
      pw_thread_loop_unlock (pw->loop);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                   _("no PipeWire server is running (%s)"), g_strerror (errno));
      return NULL;
    }
  pw_core_add_listener (pw->core, &pw->core_listener, &core_events, pw);
  pw->registry = pw_core_get_registry (pw->core, PW_VERSION_REGISTRY, 0);
  pw_registry_add_listener (pw->registry, &pw->registry_listener, &registry_events, pw);
  return pw;
}

static gboolean
pw_open (StrataBackend *backend, GError **error)
{
  const StrataBackendConfig *config = &backend->config;
  g_autofree char *latency = NULL;
  g_autofree char *rate = NULL;
  struct pw_properties *props;
  gint64 deadline;
  gboolean ok = FALSE;
  PipeWire *pw;

  backend->period = 256;
  pw = pw_connect (backend, "strata-pipewire",
                   pw_properties_new (PW_KEY_CONFIG_NAME, "client-rt.conf", NULL), error);
  if (pw == NULL)
    return FALSE;
  pw->in_buf = g_new0 (float, STRATA_BACKEND_MAX_BLOCK * STRATA_BACKEND_INPUTS);
  pw->out_buf = g_new0 (float, STRATA_BACKEND_MAX_BLOCK * 2);

  props = pw_properties_new (PW_KEY_MEDIA_TYPE, "Audio", PW_KEY_MEDIA_CATEGORY, "Duplex",
                             PW_KEY_MEDIA_ROLE, "DSP", PW_KEY_NODE_NAME, "strata",
                             PW_KEY_NODE_DESCRIPTION, "Strata", PW_KEY_APP_NAME, "Strata",
                             PW_KEY_NODE_ALWAYS_PROCESS, "true", NULL);
  rate = g_strdup_printf ("1/%u", config->rate);
  pw_properties_set (props, PW_KEY_NODE_RATE, rate);
  if (config->period > 0)
    {
      latency = g_strdup_printf ("%u/%u", config->period, config->rate);
      pw_properties_set (props, PW_KEY_NODE_LATENCY, latency);
    }
  pw->filter = pw_filter_new (pw->core, "Strata", props);
  pw_filter_add_listener (pw->filter, &pw->filter_listener, &filter_events, pw);
  pw->out_ports[0] = add_port (pw, PW_DIRECTION_OUTPUT, "out_FL", "FL");
  pw->out_ports[1] = add_port (pw, PW_DIRECTION_OUTPUT, "out_FR", "FR");
  if (config->capture)
    {
      pw->in_ports[0] = add_port (pw, PW_DIRECTION_INPUT, "in_FL", "FL");
      pw->in_ports[1] = add_port (pw, PW_DIRECTION_INPUT, "in_FR", "FR");
    }
  if (pw_filter_connect (pw->filter, PW_FILTER_FLAG_RT_PROCESS, NULL, 0) < 0)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE, _("PipeWire refused the audio node"));
  else
    {
      /* Wait until the server lists our node's ports, then link them. */
      deadline = g_get_monotonic_time () + CONNECT_TIMEOUT_US;
      while (!pw->lost && g_get_monotonic_time () < deadline)
        {
          guint32 node = pw_filter_get_node_id (pw->filter);
          if (node != SPA_ID_INVALID && roundtrip (pw) && own_port (pw, node, "out_FR")
              && (!config->capture || own_port (pw, node, "in_FR")))
            break;
          pw_thread_loop_timed_wait (pw->loop, 1);
        }
      if (pw->lost || g_get_monotonic_time () >= deadline)
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                     _("the PipeWire server did not answer in time"));
      else
        ok = link_devices (pw, error);
    }
  pw_thread_loop_unlock (pw->loop);
  return ok;
}

static gboolean
pw_start (StrataBackend *backend, GError **error)
{
  return TRUE;   /* the filter runs once linked */
}

static void
pw_stop (StrataBackend *backend)
{
  PipeWire *pw = backend->priv;

  if (pw == NULL || pw->filter == NULL)
    return;
  pw_thread_loop_lock (pw->loop);
  pw_filter_set_active (pw->filter, FALSE);
  pw_thread_loop_unlock (pw->loop);
}

static void
pw_latency (StrataBackend *backend, guint *input, guint *output)
{
  PipeWire *pw = backend->priv;

  *input = (guint) MAX (0, g_atomic_int_get (&pw->latency_in));
  *output = (guint) MAX (0, g_atomic_int_get (&pw->latency_out));
}

static void
pw_close (StrataBackend *backend)
{
  PipeWire *pw = backend->priv;

  if (pw == NULL)
    return;
  if (pw->loop != NULL)
    {
      pw_thread_loop_lock (pw->loop);
      for (guint i = 0; i < pw->links->len; i++)
        pw_proxy_destroy (pw->links->pdata[i]);
      if (pw->filter != NULL)
        pw_filter_destroy (pw->filter);
      if (pw->registry != NULL)
        {
          spa_hook_remove (&pw->registry_listener);
          pw_proxy_destroy ((struct pw_proxy *) pw->registry);
        }
      if (pw->core != NULL)
        {
          spa_hook_remove (&pw->core_listener);
          pw_core_disconnect (pw->core);
        }
      pw_thread_loop_unlock (pw->loop);
      pw_thread_loop_stop (pw->loop);
      if (pw->context != NULL)
        pw_context_destroy (pw->context);
      pw_thread_loop_destroy (pw->loop);
    }
  g_ptr_array_unref (pw->nodes);
  g_ptr_array_unref (pw->ports);
  g_ptr_array_unref (pw->links);
  g_free (pw->in_buf);
  g_free (pw->out_buf);
  g_clear_pointer (&backend->priv, g_free);
}

const StrataBackendClass strata_backend_pipewire_class = {
  "pipewire", pw_open, pw_start, pw_stop, pw_latency, pw_close,
};

GPtrArray *
strata_backend_pipewire_devices (GError **error)
{
  StrataBackendConfig config = { .rate = 48000 };
  StrataBackend backend = { .config = config, .context = NULL };
  PipeWire *pw = pw_connect (&backend, "strata-pipewire-devices", NULL, error);
  GPtrArray *devices = NULL;

  if (pw != NULL)
    {
      if (roundtrip (pw))
        {
          devices = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_audio_device_free);
          for (guint i = 0; i < pw->nodes->len; i++)
            {
              const NodeInfo *n = pw->nodes->pdata[i];
              StrataAudioDevice *d;
              if (!is_class (n, "Audio/"))
                continue;
              d = g_new0 (StrataAudioDevice, 1);
              d->name = g_strdup (n->name);
              d->description = g_strdup (n->description ? n->description : n->name);
              /* A sink can be recorded from through its monitor. */
              d->input = TRUE;
              d->output = is_class (n, "Audio/Sink") || is_class (n, "Audio/Duplex");
              g_ptr_array_add (devices, d);
            }
        }
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE,
                     _("the PipeWire server did not answer in time"));
      pw_thread_loop_unlock (pw->loop);
    }
  pw_close (&backend);
  return devices;
}
