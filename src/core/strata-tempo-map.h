/* strata-tempo-map.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define STRATA_TICKS_PER_BEAT 960

/* A musical position: 1-based bar, 1-based beat (a beat is the time signature's denominator
 * note), tick 0..959. */
typedef struct
{
  gint32 bar;
  gint32 beat;
  gint32 tick;
} StrataBbt;

/* A tempo segment starts on a bar line and holds one tempo and one time signature until the
 * next segment. bpm counts the denominator note. `frame` is derived by the map. */
typedef struct
{
  gint32 bar;
  gdouble bpm;
  guint8 numerator;
  guint8 denominator;
  gint64 frame;
} StrataTempoSegment;

typedef enum
{
  STRATA_SNAP_OFF,
  STRATA_SNAP_BAR,
  STRATA_SNAP_BEAT,
  STRATA_SNAP_1_2,
  STRATA_SNAP_1_4,
  STRATA_SNAP_1_8,
  STRATA_SNAP_1_16,
  STRATA_SNAP_1_32,
  STRATA_SNAP_1_64,
  STRATA_SNAP_1_2_TRIPLET,
  STRATA_SNAP_1_4_TRIPLET,
  STRATA_SNAP_1_8_TRIPLET,
  STRATA_SNAP_1_16_TRIPLET,
  STRATA_SNAP_1_32_TRIPLET,
  STRATA_SNAP_1_64_TRIPLET,
} StrataSnap;

#define STRATA_TYPE_TEMPO_MAP (strata_tempo_map_get_type ())
G_DECLARE_FINAL_TYPE (StrataTempoMap, strata_tempo_map, STRATA, TEMPO_MAP, GObject)

StrataTempoMap *strata_tempo_map_new              (guint                     sample_rate);
StrataTempoMap *strata_tempo_map_copy             (StrataTempoMap           *self);
guint           strata_tempo_map_get_sample_rate  (StrataTempoMap           *self);
void            strata_tempo_map_set_sample_rate  (StrataTempoMap           *self,
                                                   guint                     sample_rate);
guint           strata_tempo_map_get_n_segments   (StrataTempoMap           *self);
const StrataTempoSegment *
                strata_tempo_map_get_segment      (StrataTempoMap           *self,
                                                   guint                     index);
GArray         *strata_tempo_map_dup_segments     (StrataTempoMap           *self);
gboolean        strata_tempo_map_set_segments     (StrataTempoMap           *self,
                                                   const StrataTempoSegment *segments,
                                                   guint                     n_segments,
                                                   GError                  **error);
gboolean        strata_tempo_map_equal            (StrataTempoMap           *a,
                                                   StrataTempoMap           *b);
const StrataTempoSegment *
                strata_tempo_map_segment_at_frame (StrataTempoMap           *self,
                                                   gint64                    frame);
gint64          strata_tempo_map_bbt_to_frame     (StrataTempoMap           *self,
                                                   const StrataBbt          *bbt);
void            strata_tempo_map_frame_to_bbt     (StrataTempoMap           *self,
                                                   gint64                    frame,
                                                   StrataBbt                *bbt);
gboolean        strata_tempo_map_check_bbt        (StrataTempoMap           *self,
                                                   const StrataBbt          *bbt,
                                                   GError                  **error);
gboolean        strata_tempo_map_parse_position   (StrataTempoMap           *self,
                                                   const char               *text,
                                                   gint64                   *frame,
                                                   GError                  **error);
char           *strata_tempo_map_format_bbt       (const StrataBbt          *bbt);
gint64          strata_tempo_map_snap             (StrataTempoMap           *self,
                                                   gint64                    frame,
                                                   StrataSnap                snap);
gint64          strata_tempo_map_seconds_to_frames (StrataTempoMap          *self,
                                                   gdouble                   seconds);
gdouble         strata_tempo_map_frames_to_seconds (StrataTempoMap          *self,
                                                   gint64                    frames);

G_END_DECLS
