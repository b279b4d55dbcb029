/* strata-backend-pipewire.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-engine"
#include "config.h"
#include "strata-backend.h"
#include "strata-error.h"

static gboolean
pw_open (StrataBackend *backend, GError **error)
{
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE, "not available yet");
  return FALSE;
}
static gboolean pw_start (StrataBackend *b, GError **e) { return FALSE; }
static void pw_stop (StrataBackend *b) {}
static void pw_latency (StrataBackend *b, guint *i, guint *o) { *i = *o = 0; }
static void pw_close (StrataBackend *b) {}

const StrataBackendClass strata_backend_pipewire_class = {
  "pipewire", pw_open, pw_start, pw_stop, pw_latency, pw_close,
};
GPtrArray *strata_backend_pipewire_devices (GError **error) { return g_ptr_array_new (); }
