/* strata-test-audio.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests read audio files back through libsndfile, an independent reader: every sample as float
 * (exact for float files) and as left-aligned 32-bit integers (the codes an integer file holds);
 * and write the float WAVs they play.
 */
#pragma once

#include <glib.h>
#include <sndfile.h>

typedef struct
{
  gint64 frames;
  int    channels;
  int    format;
  int    samplerate;
  float *data;    /* as float (exact for float files) */
  int   *codes;   /* as left-aligned 32-bit integers */
} Audio;

static inline void
audio_free (Audio *audio)
{
  g_free (audio->data);
  g_free (audio->codes);
  g_free (audio);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Audio, audio_free)

static inline Audio *
read_audio (const char *path)
{
  SF_INFO info = { 0 };
  SNDFILE *sf = sf_open (path, SFM_READ, &info);
  Audio *audio = g_new0 (Audio, 1);

  if (sf == NULL)
    g_error ("cannot read %s: %s", path, sf_strerror (NULL));
  audio->frames = info.frames;
  audio->channels = info.channels;
  audio->format = info.format;
  audio->samplerate = info.samplerate;
  audio->data = g_new0 (float, MAX (info.frames, 1) * info.channels);
  audio->codes = g_new0 (int, MAX (info.frames, 1) * info.channels);
  g_assert_cmpint (sf_readf_float (sf, audio->data, info.frames), ==, info.frames);
  g_assert_cmpint (sf_seek (sf, 0, SEEK_SET), ==, 0);
  g_assert_cmpint (sf_readf_int (sf, audio->codes, info.frames), ==, info.frames);
  sf_close (sf);
  return audio;
}

/* Writes interleaved float frames as a float WAV. */
static inline void
write_float_wav (const char *path, int rate, int channels, const float *data, gint64 frames)
{
  SF_INFO info = { .samplerate = rate, .channels = channels,
                   .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
  SNDFILE *sf = sf_open (path, SFM_WRITE, &info);

  if (sf == NULL)
    g_error ("cannot write %s: %s", path, sf_strerror (NULL));
  g_assert_cmpint (sf_writef_float (sf, data, frames), ==, frames);
  g_assert_cmpint (sf_close (sf), ==, 0);
}
