/* strata-backend-gst.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-engine"
#include "config.h"
#include "strata-backend.h"
#include "strata-error.h"

static gboolean
gst_open (StrataBackend *backend, GError **error)
{
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_DEVICE, "not available yet");
  return FALSE;
}
static gboolean gst_start (StrataBackend *b, GError **e) { return FALSE; }
static void gst_stop (StrataBackend *b) {}
static void gst_latency (StrataBackend *b, guint *i, guint *o) { *i = *o = 0; }
static void gst_close (StrataBackend *b) {}

const StrataBackendClass strata_backend_gstreamer_class = {
  "gstreamer", gst_open, gst_start, gst_stop, gst_latency, gst_close,
};
