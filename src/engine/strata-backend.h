/* strata-backend.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Audio I/O for the realtime engine: a small vtable with three implementations. PipeWire
 * (pw_filter, the default), GStreamer (appsrc/appsink around a device sink and source, the
 * fallback) and dummy (a clocked thread with no device, for tests and headless machines). The
 * backend calls the engine once per period on its audio thread.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define STRATA_BACKEND_MAX_BLOCK 8192      /* the largest period any backend delivers */
#define STRATA_BACKEND_INPUTS    2

typedef enum
{
  STRATA_BACKEND_PIPEWIRE,
  STRATA_BACKEND_GSTREAMER,
  STRATA_BACKEND_DUMMY,
} StrataBackendKind;

/* On the audio thread, once per period: `input` holds n_frames of STRATA_BACKEND_INPUTS
 * channels, interleaved (silence without an input device); the engine writes n_frames stereo
 * frames, interleaved, into `output`. n_frames <= STRATA_BACKEND_MAX_BLOCK. */
typedef void (*StrataBackendProcess) (gpointer     user_data,
                                      const float *input,
                                      float       *output,
                                      guint        n_frames);

/* On the main context: the device went away or the server stopped; the backend has stopped. */
typedef void (*StrataBackendLost)    (gpointer     user_data,
                                      const char  *message);

typedef struct
{
  guint       rate;             /* the project rate */
  guint       period;           /* frames per period wanted (0: the server's choice) */
  char       *output_device;    /* a node or device name; NULL: the default */
  char       *input_device;     /* NULL: the default input, when there is one */
  gboolean    capture;          /* open an input */
  char       *dummy_file;       /* dummy: write what plays here (float WAV) */
  gboolean    dummy_loopback;   /* dummy: the input is the output, one period late */
} StrataBackendConfig;

typedef struct _StrataBackend StrataBackend;

typedef struct
{
  const char *name;
  gboolean  (*open)    (StrataBackend *backend, GError **error);
  gboolean  (*start)   (StrataBackend *backend, GError **error);
  void      (*stop)    (StrataBackend *backend);
  /* Frames between the engine and the device on each side, as the backend reports them. */
  void      (*latency) (StrataBackend *backend, guint *input, guint *output);
  void      (*close)   (StrataBackend *backend);
} StrataBackendClass;

struct _StrataBackend
{
  const StrataBackendClass *klass;
  StrataBackendConfig       config;
  StrataBackendProcess      process;
  StrataBackendLost         lost;
  gpointer                  user_data;
  GMainContext             *context;   /* where `lost` is called */
  gint                      period;    /* the current period in frames (atomic) */
  gint                      xruns;     /* (atomic) */
  gpointer                  priv;
};

StrataBackend *strata_backend_new          (StrataBackendKind          kind,
                                            const StrataBackendConfig *config,
                                            StrataBackendProcess       process,
                                            StrataBackendLost          lost,
                                            gpointer                   user_data);
const char    *strata_backend_kind_name    (StrataBackendKind          kind);
gboolean       strata_backend_kind_parse   (const char                *name,
                                            StrataBackendKind         *kind);
void           strata_backend_free         (StrataBackend             *backend);

/* Posts `lost` to the main context, from any thread. */
void           strata_backend_report_lost  (StrataBackend             *backend,
                                            const char                *message);

extern const StrataBackendClass strata_backend_dummy_class;
extern const StrataBackendClass strata_backend_pipewire_class;
extern const StrataBackendClass strata_backend_gstreamer_class;

/* Devices a backend can open, as (name, description, is_input) for the preferences. */
typedef struct
{
  char    *name;
  char    *description;
  gboolean input;
  gboolean output;
} StrataAudioDevice;

void       strata_audio_device_free       (StrataAudioDevice *device);
GPtrArray *strata_backend_pipewire_devices (GError          **error);
GPtrArray *strata_backend_gstreamer_devices (GError         **error);

G_END_DECLS
