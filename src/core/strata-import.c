/* strata-import.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The media import pipeline. strata_import_file decodes any file GStreamer reads
 * (filesrc ! decodebin ! audioconvert ! audioresample ! capsfilter ! appsink), pulling samples on
 * the calling thread, and in the same pass hashes the float32 LE interleaved audio, writes it to
 * a temporary float WAV in the media folder and builds the peaks. At the end the audio is renamed
 * to <sha256>.wav (or dropped when that content is already there) and the peaks are stored as
 * <sha256>.peaks. Any failure or a cancel removes what this import wrote.
 *
 * Channels: mono stays mono and stereo stays stereo; files with more channels are downmixed to
 * stereo by audioconvert (its standard matrix for positioned layouts; for unpositioned channels
 * GStreamer maps the first two).
 *
 * Length: the output holds exactly round (file_frames * project_rate / file_rate) frames, where
 * file_frames is what strata_media_probe reports (libsndfile's count, or the decoder's duration
 * for formats libsndfile cannot open); the resampler output is zero-padded or trimmed to it. A
 * decode that stops well short of that length is refused as truncated.
 *
 * The UI calls strata_import_file_async; strata-render and tests call the sync version.
 */
#define G_LOG_DOMAIN "strata-import"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/audio/audio.h>
#include <sndfile.h>

#include "strata-error.h"
#include "strata-import.h"
#include "strata-peaks.h"

/* No sample and no bus message for this long means a stuck pipeline. */
#define STALL_TIMEOUT_US     (20 * G_USEC_PER_SEC)
#define PULL_TIMEOUT         (100 * GST_MSECOND)
#define PREROLL_TIMEOUT_US   (20 * G_USEC_PER_SEC)
/* audioresample quality (0..10): 8 keeps a 1 kHz tone exact and aliasing far down while staying
 * well above the import speed target. */
#define RESAMPLE_QUALITY     8
/* Lossy codecs may decode a little less than their header says (encoder delay and padding);
 * more than this is a truncated or corrupt file. */
#define TRUNCATION_TOLERANCE 0.1 /* seconds */
#define PROGRESS_STEP        0.005

typedef struct
{
  guint  channels;
  gint64 frames;   /* -1: unknown */
  guint  rate;
} ProbeInfo;

/* GStreamer */

static gboolean
ensure_gst (GError **error)
{
  static gsize once = 0;
  static gboolean ok = FALSE;
  static char *message = NULL;

  if (g_once_init_enter (&once))
    {
      GError *local_error = NULL;

      ok = gst_init_check (NULL, NULL, &local_error);
      if (!ok)
        {
          message = g_strdup (local_error->message);
          g_error_free (local_error);
        }
      g_once_init_leave (&once, 1);
    }
  if (!ok)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                 _("GStreamer is not available: %s"), message);
  return ok;
}

typedef struct
{
  GstElement *pipeline;
  GstElement *decodebin;
  GstElement *head;      /* where decodebin's audio pad is linked */
  gboolean    linked;
} Decoder;

static void
decoder_pad_added_cb (GstElement *decodebin,
                      GstPad     *pad,
                      Decoder    *dec)
{
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  const GstStructure *s;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  s = gst_caps_get_structure (caps, 0);

  if (!dec->linked && s != NULL && g_str_has_prefix (gst_structure_get_name (s), "audio/"))
    {
      g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (dec->head, "sink");

      if (gst_pad_link (pad, sinkpad) == GST_PAD_LINK_OK)
        dec->linked = TRUE;
    }
  else
    {
      /* Another stream (video, a second audio track): drain it so it cannot stall the rest. */
      GstElement *fake = gst_element_factory_make ("fakesink", NULL);
      g_autoptr(GstPad) sinkpad = NULL;

      g_object_set (fake, "sync", FALSE, "async", FALSE, NULL);
      gst_bin_add (GST_BIN (dec->pipeline), fake);
      gst_element_sync_state_with_parent (fake);
      sinkpad = gst_element_get_static_pad (fake, "sink");
      gst_pad_link (pad, sinkpad);
    }
}

static void
decoder_no_more_pads_cb (GstElement *decodebin,
                         Decoder    *dec)
{
  if (!dec->linked)
    GST_ELEMENT_ERROR (decodebin, STREAM, WRONG_TYPE, ("not an audio file"),
                       ("the file has no audio stream"));
}

static void
decoder_clear (Decoder *dec)
{
  if (dec->pipeline != NULL)
    {
      gst_element_set_state (dec->pipeline, GST_STATE_NULL);
      gst_clear_object (&dec->pipeline);
    }
}

/* filesrc ! queue2 ! decodebin, its audio pad linked to head (already in the pipeline).
 *
 * queue2 keeps the demuxers in push mode. In pull mode a parser such as aiffparse starts
 * pushing from its own task while decodebin is still plugging it, intermittently failing with
 * not-linked; decodebin swallows that error and the pipeline just stalls (GStreamer 1.22).
 * A plain queue there intermittently deadlocks on basesrc's serialized startup query. */
static gboolean
decoder_init (Decoder     *dec,
              const char  *path,
              GstElement  *pipeline,
              GstElement  *head,
              GError     **error)
{
  GstElement *src = gst_element_factory_make ("filesrc", NULL);
  GstElement *queue = gst_element_factory_make ("queue2", NULL);
  GstElement *decodebin = gst_element_factory_make ("decodebin", NULL);

  memset (dec, 0, sizeof *dec);
  dec->pipeline = pipeline;
  dec->head = head;
  if (src == NULL || queue == NULL || decodebin == NULL)
    {
      if (src != NULL)
        gst_object_unref (gst_object_ref_sink (src));
      if (queue != NULL)
        gst_object_unref (gst_object_ref_sink (queue));
      if (decodebin != NULL)
        gst_object_unref (gst_object_ref_sink (decodebin));
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                   _("the GStreamer elements filesrc, queue2 and decodebin are missing"));
      return FALSE;
    }
  g_object_set (src, "location", path, "blocksize", 65536, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, queue, decodebin, NULL);
  if (!gst_element_link_many (src, queue, decodebin, NULL))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA, _("cannot build the decoder"));
      return FALSE;
    }
  dec->decodebin = decodebin;
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (decoder_pad_added_cb), dec);
  g_signal_connect (decodebin, "no-more-pads", G_CALLBACK (decoder_no_more_pads_cb), dec);
  return TRUE;
}

/* Turns a GStreamer error message into one a person can act on. */
static void
set_error_from_message (GError    **error,
                        GstMessage *msg)
{
  g_autoptr(GError) gerr = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (msg, &gerr, &debug);
  g_debug ("GStreamer error: %s (%s)", gerr->message, debug ? debug : "");

  if (gerr->domain == GST_STREAM_ERROR
      && (gerr->code == GST_STREAM_ERROR_TYPE_NOT_FOUND
          || gerr->code == GST_STREAM_ERROR_WRONG_TYPE
          || gerr->code == GST_STREAM_ERROR_CODEC_NOT_FOUND))
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                 _("not an audio file (or a format no installed decoder reads)"));
  else if (gerr->domain == GST_CORE_ERROR && gerr->code == GST_CORE_ERROR_MISSING_PLUGIN)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                 _("no installed decoder reads this format"));
  else if (gerr->domain == GST_RESOURCE_ERROR)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot read the file: %s"),
                 gerr->message);
  else
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                 _("the audio data is corrupt or unsupported: %s"), gerr->message);
}

/* Input checks shared by probe and import. Messages name only the problem: the public
 * functions prefix the path. */
static gboolean
check_input_file (const char  *path,
                  GError     **error)
{
  GStatBuf st;
  int fd;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, "%s", g_strerror (saved));
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("it is a folder, not a file"));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("not a regular file"));
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA, _("the file is empty"));
      return FALSE;
    }
  fd = g_open (path, O_RDONLY, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, "%s", g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Probe */

/* libsndfile quietly shortens a WAV or AIFF whose data chunk runs past the end of the file;
 * its log says so ("data : <declared> (should be <actual>)"). Streaming writers leave 0 or an
 * all-ones size there, which is not a truncation. */
static gboolean
sndfile_is_truncated (SNDFILE       *sf,
                      const SF_INFO *sfinfo)
{
  char log[4096] = "";
  const char *keys[] = { "\ndata : ", " SSND : " };

  if (sfinfo->frames <= 0)
    return FALSE;
  sf_command (sf, SFC_GET_LOG_INFO, log, sizeof log);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *at = strstr (log, keys[i]);
      guint64 declared, actual;
      char *end;

      if (at == NULL)
        continue;
      at += strlen (keys[i]);
      declared = g_ascii_strtoull (at, &end, 10);
      if (end == at || !g_str_has_prefix (end, " (should be "))
        continue;
      at = end + strlen (" (should be ");
      actual = g_ascii_strtoull (at, &end, 10);
      if (end == at || declared <= actual || declared >= G_MAXUINT32 - 1 || actual == 0)
        continue;
      /* More than TRUNCATION_TOLERANCE of audio missing. */
      if ((gdouble) (declared - actual) / (gdouble) actual * (gdouble) sfinfo->frames
          > TRUNCATION_TOLERANCE * sfinfo->samplerate)
        return TRUE;
    }
  return FALSE;
}

/* FALSE with no error: libsndfile cannot read it, try GStreamer. */
static gboolean
probe_sndfile (const char  *path,
               ProbeInfo   *info,
               GError     **error)
{
  SF_INFO sfinfo = { 0 };
  SNDFILE *sf = sf_open (path, SFM_READ, &sfinfo);
  gboolean truncated;

  if (sf == NULL)
    return FALSE;
  truncated = sndfile_is_truncated (sf, &sfinfo);
  sf_close (sf);
  if (truncated)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                   _("the file is truncated (its audio data ends before its header says)"));
      return FALSE;
    }
  if (sfinfo.channels <= 0 || sfinfo.samplerate <= 0 || sfinfo.frames < 0
      || sfinfo.frames == SF_COUNT_MAX)
    return FALSE;
  info->channels = (guint) sfinfo.channels;
  info->frames = sfinfo.frames;
  info->rate = (guint) sfinfo.samplerate;
  return TRUE;
}

/* Prerolls filesrc ! decodebin ! fakesink and reads the decoded caps and the duration. */
static gboolean
probe_gst (const char  *path,
           ProbeInfo   *info,
           GError     **error)
{
  Decoder dec;
  GstElement *pipeline;
  GstElement *sink;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstPad) pad = NULL;
  g_autoptr(GstCaps) caps = NULL;
  GstAudioInfo ainfo;
  gint64 duration = -1;
  gint64 deadline = g_get_monotonic_time () + PREROLL_TIMEOUT_US;
  gboolean prerolled = FALSE;

  if (!ensure_gst (error))
    return FALSE;

  pipeline = gst_pipeline_new ("strata-probe");
  sink = gst_element_factory_make ("fakesink", NULL);
  if (sink == NULL)
    {
      gst_object_unref (pipeline);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                   _("the GStreamer element fakesink is missing"));
      return FALSE;
    }
  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (pipeline), sink);
  if (!decoder_init (&dec, path, pipeline, sink, error))
    {
      decoder_clear (&dec);
      return FALSE;
    }

  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  while (!prerolled)
    {
      gint64 now = g_get_monotonic_time ();
      g_autoptr(GstMessage) msg = NULL;

      if (now >= deadline)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                       _("timed out while reading the file"));
          decoder_clear (&dec);
          return FALSE;
        }
      msg = gst_bus_timed_pop_filtered (bus, (deadline - now) * GST_USECOND,
                                        GST_MESSAGE_ERROR | GST_MESSAGE_ASYNC_DONE
                                        | GST_MESSAGE_EOS);
      if (msg == NULL)
        continue;
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
        {
          set_error_from_message (error, msg);
          decoder_clear (&dec);
          return FALSE;
        }
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS
          || GST_MESSAGE_SRC (msg) == GST_OBJECT (pipeline))
        prerolled = TRUE;
    }

  pad = gst_element_get_static_pad (sink, "sink");
  caps = gst_pad_get_current_caps (pad);
  if (!dec.linked || caps == NULL || !gst_audio_info_from_caps (&ainfo, caps)
      || GST_AUDIO_INFO_RATE (&ainfo) <= 0 || GST_AUDIO_INFO_CHANNELS (&ainfo) <= 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA, _("the file contains no audio"));
      decoder_clear (&dec);
      return FALSE;
    }

  info->channels = (guint) GST_AUDIO_INFO_CHANNELS (&ainfo);
  info->rate = (guint) GST_AUDIO_INFO_RATE (&ainfo);
  info->frames = -1;
  if (gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration) && duration >= 0)
    info->frames = (gint64) gst_util_uint64_scale_round ((guint64) duration, info->rate,
                                                         GST_SECOND);
  decoder_clear (&dec);
  return TRUE;
}

static gboolean
probe_internal (const char  *path,
                ProbeInfo   *info,
                GError     **error)
{
  GError *local_error = NULL;

  if (!check_input_file (path, error))
    return FALSE;
  if (probe_sndfile (path, info, &local_error))
    return TRUE;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return probe_gst (path, info, error);
}

/**
 * strata_media_probe:
 *
 * Reads the channel count, length and sample rate of an audio file in its own rate, with
 * libsndfile when it can open the file and a GStreamer preroll otherwise. A file with no audio
 * frames is an error.
 */
gboolean
strata_media_probe (const char  *path,
                    guint       *channels,
                    gint64      *frames,
                    guint       *sample_rate,
                    GError     **error)
{
  ProbeInfo info = { 0 };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!probe_internal (path, &info, error))
    {
      g_prefix_error (error, _("cannot read '%s': "), path);
      return FALSE;
    }
  if (info.frames < 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                   _("cannot read '%s': the length of the audio is unknown"), path);
      return FALSE;
    }
  if (info.frames == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                   _("cannot read '%s': the file contains no audio frames"), path);
      return FALSE;
    }
  if (channels != NULL)
    *channels = info.channels;
  if (frames != NULL)
    *frames = info.frames;
  if (sample_rate != NULL)
    *sample_rate = info.rate;
  return TRUE;
}

/* Import */

void
strata_import_result_free (StrataImportResult *result)
{
  if (result == NULL)
    return;
  g_free (result->hash);
  g_free (result->media_path);
  g_free (result->peaks_path);
  g_free (result);
}

typedef struct
{
  const char         *path;
  const char         *media_dir;
  guint               rate;
  GCancellable       *cancellable;
  StrataProgressFunc  progress;
  gpointer            progress_data;

  gint64              expected;       /* output frames, -1 when the length is unknown */
  gint64              written;
  guint               channels;       /* output channels, from the first sample's caps */
  gdouble             last_progress;

  char               *tmp_path;
  SNDFILE            *sf;
  GChecksum          *checksum;
  StrataPeaksBuilder *peaks;
  float              *zeros;
} Import;

static void
import_clear (Import *imp)
{
  if (imp->sf != NULL)
    sf_close (imp->sf);
  imp->sf = NULL;
  if (imp->tmp_path != NULL)
    g_unlink (imp->tmp_path);
  g_clear_pointer (&imp->tmp_path, g_free);
  g_clear_pointer (&imp->checksum, g_checksum_free);
  g_clear_pointer (&imp->peaks, strata_peaks_builder_free);
  g_clear_pointer (&imp->zeros, g_free);
}

static void
import_report (Import  *imp,
               gdouble  fraction)
{
  if (imp->progress == NULL)
    return;
  fraction = CLAMP (fraction, 0.0, 1.0);
  if (fraction < 1.0 && fraction - imp->last_progress < PROGRESS_STEP)
    return;
  imp->last_progress = fraction;
  imp->progress (fraction, imp->progress_data);
}

/* Opens the temporary WAV once the output channel count is known. */
static gboolean
import_open_output (Import   *imp,
                    guint     channels,
                    GError  **error)
{
  g_autofree char *tmpl = g_build_filename (imp->media_dir, ".strata-import-XXXXXX.tmp", NULL);
  SF_INFO sfinfo = { 0 };
  guint64 bytes;
  int fd;

  fd = g_mkstemp_full (tmpl, O_RDWR, 0644);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("cannot create a file in the media folder '%s': %s"),
                   imp->media_dir, g_strerror (saved));
      return FALSE;
    }
  imp->tmp_path = g_steal_pointer (&tmpl);

  /* Plain WAV holds up to 4 GiB of data; longer imports use RF64. */
  bytes = imp->expected > 0 ? (guint64) imp->expected * channels * sizeof (float) : 0;
  sfinfo.samplerate = (int) imp->rate;
  sfinfo.channels = (int) channels;
  sfinfo.format = (bytes < G_MAXUINT32 - 4096 ? SF_FORMAT_WAV : SF_FORMAT_RF64)
                  | SF_FORMAT_FLOAT;
  imp->sf = sf_open_fd (fd, SFM_WRITE, &sfinfo, TRUE);
  if (imp->sf == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("cannot write to the media folder '%s': %s"),
                   imp->media_dir, sf_strerror (NULL));
      close (fd);
      return FALSE;
    }
  imp->channels = channels;
  imp->peaks = strata_peaks_builder_new (channels);
  return TRUE;
}

/* Hashes, writes and measures one block of output audio. */
static gboolean
import_consume (Import       *imp,
                const float  *data,
                gsize         n_frames,
                GError      **error)
{
  gsize n_samples = n_frames * imp->channels;

  if (n_frames == 0)
    return TRUE;

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  g_checksum_update (imp->checksum, (const guchar *) data, n_samples * sizeof (float));
#else
  for (gsize i = 0; i < n_samples; i++)
    {
      guint32 v;
      memcpy (&v, &data[i], 4);
      v = GUINT32_TO_LE (v);
      g_checksum_update (imp->checksum, (const guchar *) &v, 4);
    }
#endif

  if (sf_writef_float (imp->sf, data, (sf_count_t) n_frames) != (sf_count_t) n_frames)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("cannot write to the media folder '%s': %s"),
                   imp->media_dir, sf_strerror (imp->sf));
      return FALSE;
    }
  strata_peaks_builder_add (imp->peaks, data, n_frames);
  imp->written += (gint64) n_frames;
  return TRUE;
}

static gboolean
import_handle_sample (Import     *imp,
                      GstSample  *sample,
                      GError    **error)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstMapInfo map;
  gsize n_frames;
  gboolean ok;

  if (imp->channels == 0)
    {
      GstCaps *caps = gst_sample_get_caps (sample);
      GstAudioInfo ainfo;

      if (caps == NULL || !gst_audio_info_from_caps (&ainfo, caps)
          || GST_AUDIO_INFO_CHANNELS (&ainfo) < 1 || GST_AUDIO_INFO_CHANNELS (&ainfo) > 2)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                       _("the decoder produced an unexpected audio format"));
          return FALSE;
        }
      if (!import_open_output (imp, (guint) GST_AUDIO_INFO_CHANNELS (&ainfo), error))
        return FALSE;
    }

  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return TRUE;

  n_frames = map.size / (sizeof (float) * imp->channels);
  if (imp->expected >= 0)
    n_frames = (gsize) MIN ((gint64) n_frames, imp->expected - imp->written);
  ok = import_consume (imp, (const float *) map.data, n_frames, error);
  gst_buffer_unmap (buffer, &map);
  return ok;
}

/* Pads the output with silence up to the expected length. */
static gboolean
import_pad (Import  *imp,
            GError **error)
{
  const gsize block = 4096;

  if (imp->expected < 0 || imp->written >= imp->expected)
    return TRUE;
  imp->zeros = g_new0 (float, block * imp->channels);
  while (imp->written < imp->expected)
    {
      gsize n = (gsize) MIN ((gint64) block, imp->expected - imp->written);
      if (!import_consume (imp, imp->zeros, n, error))
        return FALSE;
    }
  return TRUE;
}

static GstElement *
make_element (const char  *factory,
              GError     **error)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (e == NULL)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                 _("the GStreamer element %s is missing"), factory);
  return e;
}

/* Runs the decoding pipeline to the end, feeding every sample to the output. */
static gboolean
import_decode (Import  *imp,
               GError **error)
{
  Decoder dec = { 0 };
  GstElement *pipeline, *convert, *resample, *filter, *sink;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  gint64 last_activity;
  gboolean ok = FALSE;

  if (!ensure_gst (error))
    return FALSE;

  pipeline = gst_pipeline_new ("strata-import");
  dec.pipeline = pipeline;
  if ((convert = make_element ("audioconvert", error)) == NULL)
    goto out;
  gst_bin_add (GST_BIN (pipeline), convert);
  if ((resample = make_element ("audioresample", error)) == NULL)
    goto out;
  gst_bin_add (GST_BIN (pipeline), resample);
  if ((filter = make_element ("capsfilter", error)) == NULL)
    goto out;
  gst_bin_add (GST_BIN (pipeline), filter);
  if ((sink = make_element ("appsink", error)) == NULL)
    goto out;
  gst_bin_add (GST_BIN (pipeline), sink);

  g_object_set (resample, "quality", RESAMPLE_QUALITY, NULL);
  /* channels [1, 2]: audioconvert keeps mono and stereo and downmixes anything wider. */
  caps = gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, "F32LE",
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, (int) imp->rate,
                              "channels", GST_TYPE_INT_RANGE, 1, 2,
                              NULL);
  g_object_set (filter, "caps", caps, NULL);
  g_object_set (sink, "sync", FALSE, "max-buffers", 16, "drop", FALSE,
                "emit-signals", FALSE, NULL);
  if (!gst_element_link_many (convert, resample, filter, sink, NULL))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA, _("cannot build the decoder"));
      goto out;
    }
  if (!decoder_init (&dec, imp->path, pipeline, convert, error))
    goto out;

  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  last_activity = g_get_monotonic_time ();
  import_report (imp, 0.0);

  for (;;)
    {
      g_autoptr(GstSample) sample = NULL;
      g_autoptr(GstMessage) msg = NULL;

      if (g_cancellable_set_error_if_cancelled (imp->cancellable, error))
        goto out;

      sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), PULL_TIMEOUT);
      if (sample != NULL)
        {
          if (!import_handle_sample (imp, sample, error))
            goto out;
          if (imp->expected > 0)
            import_report (imp, (gdouble) imp->written / (gdouble) imp->expected);
          last_activity = g_get_monotonic_time ();
          continue;
        }

      msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      if (msg != NULL)
        {
          set_error_from_message (error, msg);
          goto out;
        }
      if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
        break;
      if (g_get_monotonic_time () - last_activity > STALL_TIMEOUT_US)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                       _("the decoder stopped responding"));
          goto out;
        }
    }
  ok = TRUE;

out:
  decoder_clear (&dec);
  return ok;
}

static StrataImportResult *
import_run (Import  *imp,
            GError **error)
{
  ProbeInfo info = { 0 };
  g_autofree char *hash = NULL;
  g_autofree char *media_path = NULL;
  g_autofree char *peaks_path = NULL;
  g_autoptr(StrataPeaks) peaks = NULL;
  gboolean reused = FALSE;
  gboolean wrote_peaks = FALSE;
  StrataImportResult *result;

  if (!probe_internal (imp->path, &info, error))
    return NULL;
  if (info.frames == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA, _("the file contains no audio frames"));
      return NULL;
    }
  imp->expected = info.frames < 0 ? -1
    : (gint64) gst_util_uint64_scale_round ((guint64) info.frames, imp->rate, info.rate);

  if (g_mkdir_with_parents (imp->media_dir, 0755) != 0
      || !g_file_test (imp->media_dir, G_FILE_TEST_IS_DIR))
    {
      int saved = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("cannot create the media folder '%s': %s"),
                   imp->media_dir, g_strerror (saved));
      return NULL;
    }

  imp->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  if (!import_decode (imp, error))
    return NULL;

  if (imp->written == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA, _("the file contains no audio frames"));
      return NULL;
    }
  if (imp->expected >= 0
      && (gdouble) (imp->expected - imp->written) > TRUNCATION_TOLERANCE * imp->rate)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                   _("the file is truncated or corrupt (decoded %.2f s of %.2f s)"),
                   (gdouble) imp->written / imp->rate, (gdouble) imp->expected / imp->rate);
      return NULL;
    }
  if (!import_pad (imp, error))
    return NULL;

  if (sf_close (imp->sf) != 0)
    {
      imp->sf = NULL;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("cannot write to the media folder '%s'"), imp->media_dir);
      return NULL;
    }
  imp->sf = NULL;

  hash = g_strdup (g_checksum_get_string (imp->checksum));
  media_path = g_strdup_printf ("%s/%s.wav", imp->media_dir, hash);
  peaks_path = g_strdup_printf ("%s/%s.peaks", imp->media_dir, hash);
  peaks = strata_peaks_builder_finish (imp->peaks);

  reused = g_file_test (media_path, G_FILE_TEST_IS_REGULAR);
  if (!g_file_test (peaks_path, G_FILE_TEST_IS_REGULAR))
    {
      if (!strata_peaks_save (peaks, peaks_path, error))
        return NULL;
      wrote_peaks = TRUE;
    }

  if (reused)
    {
      g_unlink (imp->tmp_path);
      g_clear_pointer (&imp->tmp_path, g_free);
    }
  else
    {
      if (g_rename (imp->tmp_path, media_path) != 0)
        {
          int saved = errno;
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot store '%s': %s"),
                       media_path, g_strerror (saved));
          if (wrote_peaks)
            g_unlink (peaks_path);
          return NULL;
        }
      g_clear_pointer (&imp->tmp_path, g_free);
    }

  import_report (imp, 1.0);

  result = g_new0 (StrataImportResult, 1);
  result->hash = g_steal_pointer (&hash);
  result->media_path = g_steal_pointer (&media_path);
  result->peaks_path = g_steal_pointer (&peaks_path);
  result->channels = imp->channels;
  result->frames = imp->written;
  result->file_rate = info.rate;
  result->reused = reused;
  return result;
}

/**
 * strata_import_file:
 * @progress: (nullable): called on this thread with the fraction done
 *
 * Imports @path into @media_dir at @project_rate; see the top of this file. Errors name the
 * file: STRATA_ERROR_IO when it cannot be read or the media folder cannot be written,
 * STRATA_ERROR_MEDIA when it is not decodable audio, G_IO_ERROR_CANCELLED on cancel.
 */
StrataImportResult *
strata_import_file (const char          *path,
                    const char          *media_dir,
                    guint                project_rate,
                    GCancellable        *cancellable,
                    StrataProgressFunc   progress,
                    gpointer             progress_data,
                    GError             **error)
{
  Import imp = { 0 };
  StrataImportResult *result;
  GError *local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (media_dir != NULL, NULL);
  g_return_val_if_fail (project_rate >= 1000 && project_rate <= 768000, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  imp.path = path;
  imp.media_dir = media_dir;
  imp.rate = project_rate;
  imp.cancellable = cancellable;
  imp.progress = progress;
  imp.progress_data = progress_data;
  imp.last_progress = -1.0;

  result = import_run (&imp, &local_error);
  import_clear (&imp);

  if (result == NULL)
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&local_error, _("cannot import '%s': "), path);
      g_propagate_error (error, local_error);
    }
  return result;
}

/* Async */

typedef struct
{
  char               *path;
  char               *media_dir;
  guint               rate;
  StrataProgressFunc  progress;
  gpointer            progress_data;
  GMainContext       *context;
} AsyncData;

static void
async_data_free (AsyncData *data)
{
  g_free (data->path);
  g_free (data->media_dir);
  g_main_context_unref (data->context);
  g_free (data);
}

static void
async_progress_cb (gdouble  fraction,
                   gpointer user_data)
{
  AsyncData *data = user_data;

  strata_progress_post (data->context, data->progress, data->progress_data, fraction);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;
  StrataImportResult *result;

  result = strata_import_file (data->path, data->media_dir, data->rate, cancellable,
                               data->progress != NULL ? async_progress_cb : NULL, data,
                               &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) strata_import_result_free);
}

/**
 * strata_import_file_async:
 * @progress: (nullable): called on the thread-default main context of the caller; progress_data
 *   must stay valid until @callback has run
 *
 * Runs strata_import_file in a worker thread.
 */
void
strata_import_file_async (const char          *path,
                          const char          *media_dir,
                          guint                project_rate,
                          GCancellable        *cancellable,
                          StrataProgressFunc   progress,
                          gpointer             progress_data,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncData *data;

  g_return_if_fail (path != NULL);
  g_return_if_fail (media_dir != NULL);
  g_return_if_fail (project_rate >= 1000 && project_rate <= 768000);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (AsyncData, 1);
  data->path = g_strdup (path);
  data->media_dir = g_strdup (media_dir);
  data->rate = project_rate;
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_import_file_async);
  g_task_set_name (task, "[strata] import");
  g_task_set_task_data (task, data, (GDestroyNotify) async_data_free);
  g_task_run_in_thread (task, import_thread);
}

StrataImportResult *
strata_import_file_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_import_file_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- progress from a worker --------------------------------------------------------------- */

typedef struct
{
  StrataProgressFunc progress;
  gpointer           progress_data;
  gdouble            fraction;
} ProgressMessage;

static gboolean
progress_deliver_cb (gpointer user_data)
{
  ProgressMessage *msg = user_data;

  msg->progress (msg->fraction, msg->progress_data);
  return G_SOURCE_REMOVE;
}

/* Called on a worker thread: delivers one progress report on `context`. An idle source
 * rather than g_main_context_invoke_full: when the caller's context is the global default
 * and nobody iterates it at this instant, invoke_full would acquire it and run the callback
 * right here on the worker. Sources of equal priority dispatch in attach order, so every
 * report lands before a GTask's completion (dispatched at default priority). */
void
strata_progress_post (GMainContext       *context,
                      StrataProgressFunc  progress,
                      gpointer            progress_data,
                      gdouble             fraction)
{
  ProgressMessage *msg = g_new (ProgressMessage, 1);
  GSource *source = g_idle_source_new ();

  msg->progress = progress;
  msg->progress_data = progress_data;
  msg->fraction = fraction;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, progress_deliver_cb, msg, g_free);
  g_source_set_static_name (source, "[strata] progress");
  g_source_attach (source, context);
  g_source_unref (source);
}
