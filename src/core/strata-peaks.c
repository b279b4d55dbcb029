/* strata-peaks.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Waveform overviews. The builder is fed interleaved float audio in blocks of any size (the
 * importer feeds it decoder buffers) and keeps one (min, max) pair per channel every
 * STRATA_PEAKS_BASE_FRAMES frames; finish derives the coarser levels from level 0, each
 * PEAKS_LEVEL_FACTOR times coarser, until a level holds a single peak.
 *
 * File format, all little-endian:
 *
 *   offset size
 *        0    8  magic "STRATAPK"
 *        8    4  u32 version (1)
 *       12    4  u32 channels (1..PEAKS_MAX_CHANNELS)
 *       16    8  u64 frames
 *       24    4  u32 base frames per peak (256)
 *       28    4  u32 level factor (16)
 *       32    4  u32 n_levels (must equal what frames implies)
 *       36    4  u32 reserved (0)
 *       40    8  u64 FNV-1a 64 checksum of the payload bytes
 *       48       payload: for each level, n_peaks * channels * 2 f32 [peak][channel][min,max]
 *
 * The loader recomputes every size from the header and refuses any mismatch, so it never reads
 * past the data it was given.
 */
#define G_LOG_DOMAIN "strata-peaks"
#include "config.h"

#include <errno.h>
#include <float.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "strata-error.h"
#include "strata-peaks.h"

#define PEAKS_MAGIC        "STRATAPK"
#define PEAKS_VERSION      1
#define PEAKS_LEVEL_FACTOR 16
#define PEAKS_MAX_CHANNELS 64
#define PEAKS_MAX_LEVELS   16
#define PEAKS_HEADER_SIZE  48
/* A peak file is about 1/64 of its float audio; 1 GiB covers ~64 GiB of audio. */
#define PEAKS_MAX_FILE     ((gsize) 1 << 30)

struct _StrataPeaks
{
  guint   channels;
  gint64  frames;
  guint   n_levels;
  float  *levels[PEAKS_MAX_LEVELS];
  gsize   n_peaks[PEAKS_MAX_LEVELS];
};

struct _StrataPeaksBuilder
{
  guint   channels;
  gint64  frames;
  GArray *level0;   /* floats, [peak][channel][min,max] of the completed blocks */
  float  *current;  /* channels * 2 floats: the block being filled */
  guint   in_block; /* frames already in current */
};

static gsize
peaks_count (gint64 frames,
             guint  level)
{
  guint64 per = STRATA_PEAKS_BASE_FRAMES;

  for (guint i = 0; i < level; i++)
    per *= PEAKS_LEVEL_FACTOR;
  return (gsize) (((guint64) frames + per - 1) / per);
}

/* The number of levels a given length has: level 0 always, then coarser ones while the last
 * level still holds more than one peak. */
static guint
peaks_level_count (gint64 frames)
{
  guint n = 1;

  while (n < PEAKS_MAX_LEVELS && peaks_count (frames, n - 1) > 1)
    n++;
  return n;
}

static guint64
fnv1a64 (const guint8 *data,
         gsize         len,
         guint64       hash)
{
  for (gsize i = 0; i < len; i++)
    {
      hash ^= data[i];
      hash *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return hash;
}

#define FNV_OFFSET G_GUINT64_CONSTANT (0xcbf29ce484222325)

/* Builder */

StrataPeaksBuilder *
strata_peaks_builder_new (guint channels)
{
  StrataPeaksBuilder *self;

  g_return_val_if_fail (channels > 0 && channels <= PEAKS_MAX_CHANNELS, NULL);

  self = g_new0 (StrataPeaksBuilder, 1);
  self->channels = channels;
  self->level0 = g_array_sized_new (FALSE, FALSE, sizeof (float), 4096);
  self->current = g_new (float, channels * 2);
  return self;
}

static void
builder_flush_block (StrataPeaksBuilder *self)
{
  /* A NaN or infinity in the input must not make the peak file unloadable. */
  for (guint c = 0; c < self->channels; c++)
    {
      float lo = self->current[2 * c], hi = self->current[2 * c + 1];

      if (G_UNLIKELY (!isfinite (lo) || !isfinite (hi)))
        {
          lo = isnan (lo) ? 0.f : CLAMP (lo, -FLT_MAX, FLT_MAX);
          hi = isnan (hi) ? 0.f : CLAMP (hi, -FLT_MAX, FLT_MAX);
          self->current[2 * c] = MIN (lo, hi);
          self->current[2 * c + 1] = MAX (lo, hi);
        }
    }
  g_array_append_vals (self->level0, self->current, self->channels * 2);
  self->in_block = 0;
}

/* The hot loop: stereo and mono get their own paths so the compiler keeps the running
 * min/max in registers. */
static void
builder_scan (StrataPeaksBuilder *self,
              const float        *in,
              gsize               n)
{
  guint ch = self->channels;
  float *cur = self->current;

  if (self->in_block == 0)
    {
      for (guint c = 0; c < ch; c++)
        {
          cur[2 * c] = in[c];
          cur[2 * c + 1] = in[c];
        }
    }

  if (ch == 1)
    {
      float lo = cur[0], hi = cur[1];
      for (gsize i = 0; i < n; i++)
        {
          float v = in[i];
          lo = v < lo ? v : lo;
          hi = v > hi ? v : hi;
        }
      cur[0] = lo;
      cur[1] = hi;
    }
  else if (ch == 2)
    {
      float lo0 = cur[0], hi0 = cur[1], lo1 = cur[2], hi1 = cur[3];
      for (gsize i = 0; i < n; i++)
        {
          float a = in[2 * i], b = in[2 * i + 1];
          lo0 = a < lo0 ? a : lo0;
          hi0 = a > hi0 ? a : hi0;
          lo1 = b < lo1 ? b : lo1;
          hi1 = b > hi1 ? b : hi1;
        }
      cur[0] = lo0;
      cur[1] = hi0;
      cur[2] = lo1;
      cur[3] = hi1;
    }
  else
    {
      for (gsize i = 0; i < n; i++)
        for (guint c = 0; c < ch; c++)
          {
            float v = in[i * ch + c];
            if (v < cur[2 * c])
              cur[2 * c] = v;
            if (v > cur[2 * c + 1])
              cur[2 * c + 1] = v;
          }
    }
  self->in_block += (guint) n;
}

void
strata_peaks_builder_add (StrataPeaksBuilder *self,
                          const float        *interleaved,
                          gsize               n_frames)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (interleaved != NULL || n_frames == 0);

  self->frames += (gint64) n_frames;
  while (n_frames > 0)
    {
      gsize take = MIN (n_frames, (gsize) (STRATA_PEAKS_BASE_FRAMES - self->in_block));

      builder_scan (self, interleaved, take);
      if (self->in_block == STRATA_PEAKS_BASE_FRAMES)
        builder_flush_block (self);
      interleaved += take * self->channels;
      n_frames -= take;
    }
}

/* Merges groups of PEAKS_LEVEL_FACTOR peaks of a finer level into one peak. */
static float *
peaks_reduce (const float *fine,
              gsize        n_fine,
              guint        channels,
              gsize        n_coarse)
{
  float *coarse = g_new (float, MAX (n_coarse, 1) * channels * 2);

  for (gsize p = 0; p < n_coarse; p++)
    {
      gsize first = p * PEAKS_LEVEL_FACTOR;
      gsize last = MIN (first + PEAKS_LEVEL_FACTOR, n_fine);
      float *out = coarse + p * channels * 2;

      memcpy (out, fine + first * channels * 2, channels * 2 * sizeof (float));
      for (gsize f = first + 1; f < last; f++)
        {
          const float *in = fine + f * channels * 2;
          for (guint c = 0; c < channels; c++)
            {
              out[2 * c] = MIN (out[2 * c], in[2 * c]);
              out[2 * c + 1] = MAX (out[2 * c + 1], in[2 * c + 1]);
            }
        }
    }
  return coarse;
}

static StrataPeaks *
peaks_new_with_level0 (guint   channels,
                       gint64  frames,
                       float  *level0)
{
  StrataPeaks *peaks = g_new0 (StrataPeaks, 1);

  peaks->channels = channels;
  peaks->frames = frames;
  peaks->n_levels = peaks_level_count (frames);
  peaks->n_peaks[0] = peaks_count (frames, 0);
  peaks->levels[0] = level0;
  for (guint l = 1; l < peaks->n_levels; l++)
    {
      peaks->n_peaks[l] = peaks_count (frames, l);
      peaks->levels[l] = peaks_reduce (peaks->levels[l - 1], peaks->n_peaks[l - 1],
                                       channels, peaks->n_peaks[l]);
    }
  return peaks;
}

/* Consumes the builder's level 0; the builder must still be freed. */
StrataPeaks *
strata_peaks_builder_finish (StrataPeaksBuilder *self)
{
  guint n_floats;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->in_block > 0)
    builder_flush_block (self);

  n_floats = self->level0->len;
  g_assert ((gsize) n_floats == peaks_count (self->frames, 0) * self->channels * 2);
  if (n_floats == 0)
    g_array_set_size (self->level0, self->channels * 2);

  return peaks_new_with_level0 (self->channels, self->frames,
                                (float *) g_array_free (g_steal_pointer (&self->level0), FALSE));
}

void
strata_peaks_builder_free (StrataPeaksBuilder *self)
{
  if (self == NULL)
    return;
  if (self->level0 != NULL)
    g_array_free (self->level0, TRUE);
  g_free (self->current);
  g_free (self);
}

/* Peaks */

void
strata_peaks_free (StrataPeaks *peaks)
{
  if (peaks == NULL)
    return;
  for (guint l = 0; l < peaks->n_levels; l++)
    g_free (peaks->levels[l]);
  g_free (peaks);
}

guint
strata_peaks_get_channels (StrataPeaks *peaks)
{
  g_return_val_if_fail (peaks != NULL, 0);
  return peaks->channels;
}

gint64
strata_peaks_get_frames (StrataPeaks *peaks)
{
  g_return_val_if_fail (peaks != NULL, 0);
  return peaks->frames;
}

guint
strata_peaks_get_n_levels (StrataPeaks *peaks)
{
  g_return_val_if_fail (peaks != NULL, 0);
  return peaks->n_levels;
}

const float *
strata_peaks_get_level (StrataPeaks *peaks,
                        guint        level,
                        guint       *frames_per_peak,
                        gsize       *n_peaks)
{
  guint per = STRATA_PEAKS_BASE_FRAMES;

  g_return_val_if_fail (peaks != NULL, NULL);
  g_return_val_if_fail (level < peaks->n_levels, NULL);

  for (guint i = 0; i < level; i++)
    per *= PEAKS_LEVEL_FACTOR;
  if (frames_per_peak != NULL)
    *frames_per_peak = per;
  if (n_peaks != NULL)
    *n_peaks = peaks->n_peaks[level];
  return peaks->levels[level];
}

/* Serialisation */

static void
put_u32 (guint8 *p,
         guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static void
put_u64 (guint8 *p,
         guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

static guint32
get_u32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static guint64
get_u64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

static void
copy_floats_le (guint8      *dst,
                const float *src,
                gsize        n)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  memcpy (dst, src, n * sizeof (float));
#else
  for (gsize i = 0; i < n; i++)
    {
      guint32 v;
      memcpy (&v, &src[i], 4);
      put_u32 (dst + 4 * i, v);
    }
#endif
}

static void
copy_floats_from_le (float        *dst,
                     const guint8 *src,
                     gsize         n)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  memcpy (dst, src, n * sizeof (float));
#else
  for (gsize i = 0; i < n; i++)
    {
      guint32 v = get_u32 (src + 4 * i);
      memcpy (&dst[i], &v, 4);
    }
#endif
}

/* Written to a temporary file beside path and renamed into place, so a reader never sees a
 * half-written peak file. */
gboolean
strata_peaks_save (StrataPeaks  *peaks,
                   const char   *path,
                   GError      **error)
{
  g_autofree guint8 *buf = NULL;
  gsize size = PEAKS_HEADER_SIZE;
  gsize off;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (peaks != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint l = 0; l < peaks->n_levels; l++)
    size += peaks->n_peaks[l] * peaks->channels * 2 * sizeof (float);

  buf = g_malloc (size);
  memcpy (buf, PEAKS_MAGIC, 8);
  put_u32 (buf + 8, PEAKS_VERSION);
  put_u32 (buf + 12, peaks->channels);
  put_u64 (buf + 16, (guint64) peaks->frames);
  put_u32 (buf + 24, STRATA_PEAKS_BASE_FRAMES);
  put_u32 (buf + 28, PEAKS_LEVEL_FACTOR);
  put_u32 (buf + 32, peaks->n_levels);
  put_u32 (buf + 36, 0);

  off = PEAKS_HEADER_SIZE;
  for (guint l = 0; l < peaks->n_levels; l++)
    {
      gsize n = peaks->n_peaks[l] * peaks->channels * 2;
      copy_floats_le (buf + off, peaks->levels[l], n);
      off += n * sizeof (float);
    }
  put_u64 (buf + 40, fnv1a64 (buf + PEAKS_HEADER_SIZE, size - PEAKS_HEADER_SIZE, FNV_OFFSET));

  if (!g_file_set_contents_full (path, (const char *) buf, (gssize) size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("cannot write peak file '%s': %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static StrataPeaks *
peaks_corrupt (GError    **error,
               const char *path,
               const char *problem)
{
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
               _("cannot load peak file '%s': %s"), path, problem);
  return NULL;
}

StrataPeaks *
strata_peaks_load (const char  *path,
                   GError     **error)
{
  g_autofree guint8 *buf = NULL;
  gsize size = 0;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  guint32 version, channels, base, factor, n_levels, reserved;
  guint64 frames;
  gsize expected = PEAKS_HEADER_SIZE;
  gsize off;
  StrataPeaks *peaks;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("cannot load peak file '%s': %s"), path, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("cannot load peak file '%s': not a regular file"), path);
      return NULL;
    }
  if ((guint64) st.st_size > PEAKS_MAX_FILE)
    return peaks_corrupt (error, path, _("file is too large"));

  if (!g_file_get_contents (path, (char **) &buf, &size, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("cannot load peak file '%s': %s"), path, local_error->message);
      return NULL;
    }

  if (size < PEAKS_HEADER_SIZE)
    return peaks_corrupt (error, path, _("file is truncated"));
  if (memcmp (buf, PEAKS_MAGIC, 8) != 0)
    return peaks_corrupt (error, path, _("not a Strata peak file"));

  version = get_u32 (buf + 8);
  channels = get_u32 (buf + 12);
  frames = get_u64 (buf + 16);
  base = get_u32 (buf + 24);
  factor = get_u32 (buf + 28);
  n_levels = get_u32 (buf + 32);
  reserved = get_u32 (buf + 36);

  if (version != PEAKS_VERSION)
    return peaks_corrupt (error, path, _("unsupported version"));
  if (reserved != 0)
    return peaks_corrupt (error, path, _("invalid header"));
  if (channels == 0 || channels > PEAKS_MAX_CHANNELS)
    return peaks_corrupt (error, path, _("invalid channel count"));
  if (base != STRATA_PEAKS_BASE_FRAMES || factor != PEAKS_LEVEL_FACTOR)
    return peaks_corrupt (error, path, _("unsupported block size"));
  /* Bounded so that the size arithmetic below cannot overflow. */
  if (frames > ((guint64) 1 << 50))
    return peaks_corrupt (error, path, _("invalid frame count"));
  if (n_levels != peaks_level_count ((gint64) frames))
    return peaks_corrupt (error, path, _("invalid level count"));

  for (guint l = 0; l < n_levels; l++)
    {
      gsize n = peaks_count ((gint64) frames, l);
      if (n > PEAKS_MAX_FILE)
        return peaks_corrupt (error, path, _("invalid frame count"));
      expected += n * channels * 2 * sizeof (float);
      if (expected > PEAKS_MAX_FILE)
        return peaks_corrupt (error, path, _("invalid frame count"));
    }
  if (size < expected)
    return peaks_corrupt (error, path, _("file is truncated"));
  if (size > expected)
    return peaks_corrupt (error, path, _("file has trailing data"));
  if (fnv1a64 (buf + PEAKS_HEADER_SIZE, size - PEAKS_HEADER_SIZE, FNV_OFFSET)
      != get_u64 (buf + 40))
    return peaks_corrupt (error, path, _("checksum mismatch (file is corrupted)"));

  peaks = g_new0 (StrataPeaks, 1);
  peaks->channels = channels;
  peaks->frames = (gint64) frames;
  peaks->n_levels = n_levels;
  off = PEAKS_HEADER_SIZE;
  for (guint l = 0; l < n_levels; l++)
    {
      gsize n = peaks_count ((gint64) frames, l) * channels * 2;

      peaks->n_peaks[l] = n / (channels * 2);
      peaks->levels[l] = g_new (float, MAX (n, 2));
      copy_floats_from_le (peaks->levels[l], buf + off, n);
      off += n * sizeof (float);

      for (gsize i = 0; i < n; i += 2)
        {
          float lo = peaks->levels[l][i], hi = peaks->levels[l][i + 1];
          if (!isfinite (lo) || !isfinite (hi) || lo > hi)
            {
              strata_peaks_free (peaks);
              return peaks_corrupt (error, path, _("invalid peak values"));
            }
        }
    }
  return peaks;
}
