/* strata-import.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decodes any audio file GStreamer reads, resamples it to the project rate, hashes the decoded
 * audio and stores it once per content as a float WAV (with its peak file) in a media folder.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef void (*StrataProgressFunc) (gdouble  fraction,
                                    gpointer user_data);

/* From a worker thread: delivers one progress report on `context`, in order, and before the
 * GTask result that follows it. */
void strata_progress_post (GMainContext       *context,
                           StrataProgressFunc  progress,
                           gpointer            progress_data,
                           gdouble             fraction);

typedef struct
{
  char    *hash;         /* sha256 (hex) of the decoded float32 LE interleaved audio */
  char    *media_path;   /* <media_dir>/<hash>.wav */
  char    *peaks_path;   /* <media_dir>/<hash>.peaks */
  guint    channels;
  gint64   frames;       /* at the project rate: round (file_frames * rate / file_rate) */
  guint    file_rate;
  gboolean reused;       /* that content was already in the media folder */
} StrataImportResult;

void                strata_import_result_free (StrataImportResult  *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataImportResult, strata_import_result_free)

gboolean            strata_media_probe        (const char          *path,
                                               guint               *channels,
                                               gint64              *frames,
                                               guint               *sample_rate,
                                               GError             **error);

StrataImportResult *strata_import_file        (const char          *path,
                                               const char          *media_dir,
                                               guint                project_rate,
                                               GCancellable        *cancellable,
                                               StrataProgressFunc   progress,
                                               gpointer             progress_data,
                                               GError             **error);
void                strata_import_file_async  (const char          *path,
                                               const char          *media_dir,
                                               guint                project_rate,
                                               GCancellable        *cancellable,
                                               StrataProgressFunc   progress,
                                               gpointer             progress_data,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
StrataImportResult *strata_import_file_finish (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
