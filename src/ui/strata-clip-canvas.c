/* strata-clip-canvas.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The arranger's clip area. Content coordinates are x = frame / zoom and rows stacked in track
 * order (the clip row, the take lanes, then the automation lanes when shown); the widget shows
 * the part the adjustments point at. Drawing only visits what is in view: the visible clips
 * are gathered once per snapshot, then drawn in layers (fills, one cairo node holding every
 * waveform, fade and automation curve, then names and borders) so that 64 tracks of 40 clips
 * stay well under a frame. A gesture never changes the model while it runs: it draws a
 * preview, and its release pushes one command through the session.
 */
#define G_LOG_DOMAIN "strata-clip-canvas"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "strata-clip-canvas.h"
#include "strata-commands.h"
#include "strata-error.h"

#define EDGE_PX            6.0    /* how close to a clip's edge a press trims */
#define FADE_ZONE_PX      12.0    /* the band at a clip's top where the fade handles are */
#define HANDLE_PX          7.0
#define POINT_PX           7.0
#define POINT_HIT_PX       6.0
#define DRAG_THRESHOLD_PX  3.0
#define AUTOSCROLL_EDGE_PX 24.0    /* a drag this close to an edge, or past it, scrolls ... */
#define AUTOSCROLL_MIN_PX  120.0   /* ... at least this many pixels a second, */
#define AUTOSCROLL_MAX_PX  2400.0  /* at most this many (96 px past the edge) */
#define NAME_MIN_PX       24.0    /* narrower clips show no name */
#define CLIP_RADIUS        4.0
#define GRID_MIN_BAR_PX   16.0
#define GRID_MIN_BEAT_PX  10.0
#define EXTRA_BARS         4      /* room to drag past the song's end */
#define DEFAULT_COLOR     "#3584e4"
#define WAVE_CACHE_MAX_PX 2048.0  /* wider clips draw only their visible part, uncached */
#define WAVE_BUDGET_US    3000    /* waveform builds per frame; then stretched or left out */

typedef struct
{
  StrataTrack *track;    /* borrowed: the tracks list holds it */
  int          y;
  int          height;
  guint        n_take_lanes;
  GArray      *lane_of;  /* guint per take, or NULL without takes */
  GPtrArray   *lanes;    /* automation params, top to bottom; NULL when lanes are hidden */
} Row;

typedef enum
{
  HIT_NONE,
  HIT_CLIP,
  HIT_TRIM_START,
  HIT_TRIM_END,
  HIT_FADE_IN,
  HIT_FADE_OUT,
  HIT_TAKE,
  HIT_LANE,
  HIT_POINT,
} HitKind;

typedef struct
{
  HitKind               kind;
  int                   row;      /* -1 outside every row */
  StrataTrack          *track;    /* owned */
  StrataClip           *clip;     /* owned: a clip, or a take */
  guint                 lane_index; /* automation lane, from the top of the row's lanes */
  char                 *param;    /* owned: that lane's param */
  StrataAutomationLane *lane;     /* owned; NULL on a lane with no points yet */
  guint                 point;
} Hit;

enum
{
  VIS_SELECTED = 1 << 0,
  VIS_MUTED    = 1 << 1,
  VIS_TAKE     = 1 << 2,
  VIS_GHOST    = 1 << 3,   /* a clip being moved, at its old place */
};

/* The flags a waveform's look depends on. */
#define WAVE_FLAGS (VIS_MUTED | VIS_TAKE)

/* A clip as drawn this time: where, and with what preview applied. */
typedef struct
{
  StrataClip      *clip;
  graphene_rect_t  rect;      /* widget coordinates, unclamped */
  gint64           source_start;
  gint64           length;
  gint64           fade_in;
  gint64           fade_out;
  GdkRGBA          color;
  guint            flags;
} VisClip;

/* A clip's waveform and fades as a node in clip coordinates, and what it was drawn from:
 * redrawing the same view (the playhead moving, a selection) reuses it. */
typedef struct
{
  GskRenderNode *node;
  StrataSource  *source;     /* borrowed, compared only */
  StrataPeaks   *peaks;      /* borrowed, compared only */
  gdouble        zoom;
  gdouble        gain_db;
  gint64         source_start;
  gint64         length;
  gint64         fade_in;
  gint64         fade_out;
  float          width;
  float          height;
  guint          flags;
  GdkRGBA        color;
  guint          generation;
} Wave;

typedef struct
{
  StrataClip *clip;          /* a copy, free of the model */
  int         track_offset;  /* from the first copied clip's track */
  gint64      offset;        /* from the earliest copied clip's start */
} ClipboardEntry;

struct _StrataClipCanvas
{
  GtkWidget             parent_instance;

  StrataSession        *session;
  GListModel           *tracks;
  GPtrArray            *clip_models;    /* each track's clips and takes, watched */
  GtkAdjustment        *hadjustment;
  GtkAdjustment        *vadjustment;
  GtkScrollablePolicy   hscroll_policy;
  GtkScrollablePolicy   vscroll_policy;

  GArray               *rows;
  gboolean              rows_valid;
  int                   content_height;
  gdouble               zoom;           /* the zoom the adjustments were set for */
  gdouble               zoom_anchor;    /* widget x the next zoom change keeps in place */
  GHashTable           *text_nodes;     /* "colour:text" -> GskRenderNode */
  GHashTable           *waves;          /* StrataClip * (owned) -> Wave */
  guint                 generation;     /* of the snapshot under way */
  gint64                wave_deadline;  /* when this snapshot stops rebuilding waveforms */
  gboolean              wave_deferred;  /* some were stretched instead */
  GHashTable           *selected;       /* the selection as a set, during a snapshot */
  guint                 refine_id;      /* idle that redraws them */

  /* the gesture under way */
  Hit                   press;
  double                press_x, press_y;
  double                press_left;           /* the view's left edge at the press, frames */
  double                press_top;            /* and its top, pixels */
  double                drag_dx, drag_dy;
  GdkModifierType       drag_state;
  gboolean              dragging;
  guint                 autoscroll_id;        /* tick callback while a drag is at an edge */
  gint64                autoscroll_time;      /* its last frame time, 0 before the first */
  gboolean              press_was_selected;
  GdkModifierType       press_state;
  gint64                preview_delta;        /* move */
  int                   preview_track_delta;
  gint64                preview_frame;        /* trim edge, fade length, point frame */
  gdouble               preview_value;        /* point value */

  StrataAutomationLane *selected_lane;        /* owned, with selected_point */
  guint                 selected_point;
  StrataTrack          *current_track;        /* owned: the track last clicked */
  GArray               *clipboard;            /* ClipboardEntry */
  double                pointer_x;
};

G_DEFINE_FINAL_TYPE_WITH_CODE (StrataClipCanvas, strata_clip_canvas, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS,
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

/* ---- helpers: geometry ---------------------------------------------------------------- */

static double
hoffset (StrataClipCanvas *self)
{
  return self->hadjustment != NULL ? gtk_adjustment_get_value (self->hadjustment) : 0.0;
}

static double
voffset (StrataClipCanvas *self)
{
  return self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0.0;
}

static double
zoom (StrataClipCanvas *self)
{
  return strata_session_get_zoom (self->session);
}

/* Widget x of a frame. */
static double
frame_x (StrataClipCanvas *self, gint64 frame)
{
  return (double) frame / zoom (self) - hoffset (self);
}

/* How far a drag has gone along the song, in frames: the pointer's travel plus what the view
 * scrolled under it since the press (autoscroll). */
static double
drag_frames (StrataClipCanvas *self)
{
  return (self->drag_dx + hoffset (self)) * zoom (self) - self->press_left;
}

/* The rubber band from the press to the pointer, in content pixels (as rows and clips are
 * laid out), normalised. */
static void
drag_band (StrataClipCanvas *self, graphene_rect_t *band)
{
  double x0 = self->press_x + self->press_left / zoom (self), y0 = self->press_y + self->press_top;

  *band = GRAPHENE_RECT_INIT (x0, y0, self->press_x + self->drag_dx + hoffset (self) - x0,
                              self->press_y + self->drag_dy + voffset (self) - y0);
  graphene_rect_normalize (band);
}

static void
row_clear (Row *row)
{
  g_clear_pointer (&row->lane_of, g_array_unref);
  g_clear_pointer (&row->lanes, g_ptr_array_unref);
}

static void
ensure_rows (StrataClipCanvas *self)
{
  guint n = g_list_model_get_n_items (self->tracks);
  int y = 0;

  if (self->rows_valid)
    return;
  g_array_set_size (self->rows, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (self->tracks, i);
      Row row = { track, y, strata_session_get_row_height (self->session, track), 0, NULL, NULL };

      if (g_list_model_get_n_items (strata_track_get_takes (track)) > 0)
        {
          row.lane_of = g_array_new (FALSE, FALSE, sizeof (guint));
          row.n_take_lanes = strata_session_get_take_lanes (self->session, track, row.lane_of);
        }
      if (strata_session_get_lanes_shown (self->session, track))
        row.lanes = strata_session_get_lanes (self->session, track);
      g_array_append_val (self->rows, row);
      y += row.height;
    }
  self->content_height = y;
  self->rows_valid = TRUE;
}

static Row *
row_nth (StrataClipCanvas *self, int index)
{
  return &g_array_index (self->rows, Row, index);
}

/* The row at content y, or -1. */
static int
row_at (StrataClipCanvas *self, double cy)
{
  ensure_rows (self);
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_nth (self, i);
      if (cy >= row->y && cy < row->y + row->height)
        return i;
    }
  return -1;
}

static int
row_of_track (StrataClipCanvas *self, StrataTrack *track)
{
  ensure_rows (self);
  for (guint i = 0; i < self->rows->len; i++)
    if (row_nth (self, i)->track == track)
      return i;
  return -1;
}

static int
lanes_top (StrataClipCanvas *self, Row *row)
{
  return row->y + strata_session_get_track_height (self->session)
         + (int) row->n_take_lanes * STRATA_TAKE_LANE_HEIGHT;
}

/* The lowest value a log axis shows: its minimum, or a thousandth of its maximum when the
 * range starts at 0 (an attack time). */
static double
log_floor (const StrataParamDesc *desc)
{
  return desc->min > 0.0 ? desc->min : desc->max / 1000.0;
}

/* Where a value sits on its lane's axis, 0 at the bottom and 1 at the top. */
static double
axis_norm (const StrataParamDesc *desc, double value)
{
  if ((desc->flags & STRATA_PARAM_LOG) && desc->kind == STRATA_PARAM_CONTINUOUS)
    {
      double lo = log_floor (desc);

      return log (MAX (value, lo) / lo) / log (desc->max / lo);
    }
  return (value - desc->min) / (desc->max - desc->min);
}

static double
axis_value (const StrataParamDesc *desc, double norm)
{
  if ((desc->flags & STRATA_PARAM_LOG) && desc->kind == STRATA_PARAM_CONTINUOUS)
    {
      double lo = log_floor (desc);

      return lo * pow (desc->max / lo, norm);
    }
  return desc->min + norm * (desc->max - desc->min);
}

/* The step a continuous value is rounded to, the precision its label shows. */
static double
value_step (const StrataParamDesc *desc, double value)
{
  if (g_str_equal (desc->unit, "dB") || fabs (value) >= 10.0)
    return fabs (value) >= 100.0 ? 1.0 : 0.1;
  return 0.01;
}

static double
value_y (const StrataParamDesc *desc, double lane_y, double value)
{
  double pad = 6.0;
  double norm = axis_norm (desc, value);

  return lane_y + pad + (1.0 - CLAMP (norm, 0.0, 1.0)) * (STRATA_LANE_HEIGHT - 2 * pad);
}

/* The value at y of a lane: on the axis, then to a choice, a toggle, or the label's
 * precision. */
static double
y_value (const StrataParamDesc *desc, double lane_y, double y)
{
  double pad = 6.0;
  double norm = 1.0 - (y - lane_y - pad) / (STRATA_LANE_HEIGHT - 2 * pad);
  double value = axis_value (desc, CLAMP (norm, 0.0, 1.0));
  double step;

  if (desc->kind != STRATA_PARAM_CONTINUOUS)
    return strata_effect_param_clamp (desc, round (value));
  step = value_step (desc, value);
  return strata_effect_param_clamp (desc, round (value / step) * step);
}

/* The value a lane without points holds all along. */
static gdouble
strip_value (StrataStrip *strip, const char *param)
{
  g_autoptr(StrataInsert) insert = NULL;
  const StrataParamDesc *desc;
  double value;

  if (g_str_equal (param, "volume_db"))
    return strata_strip_get_volume_db (strip);
  if (g_str_equal (param, "pan"))
    return strata_strip_get_pan (strip);
  if (g_str_equal (param, "mute"))
    return strata_strip_get_mute (strip) ? 1.0 : 0.0;
  insert = strata_lane_param_insert (strip, param, &desc);
  if (insert == NULL || strata_insert_get_value (insert, desc->name, &value) < 0)
    return desc != NULL ? desc->def : 0.0;
  return value;
}

/* The value in its unit, as a lane's label and tooltip show it: "−24.0 dB", "1200 Hz",
 * "peak". */
static char *
format_value (const StrataParamDesc *desc, gdouble value)
{
  g_autofree char *number = NULL;
  double step;
  int decimals;

  if (desc->kind == STRATA_PARAM_TOGGLE)
    return g_strdup (value >= 0.5 ? _("On") : _("Off"));
  if (desc->kind == STRATA_PARAM_CHOICE)
    {
      int index = (int) CLAMP (round (value), desc->min, desc->max);

      return g_strdelimit (g_strdup (_(desc->choices[index])), "_", ' ');
    }
  if (g_str_equal (desc->name, "pan") && desc->min == -1.0 && desc->max == 1.0)
    {
      int percent = (int) round (fabs (value) * 100.0);

      if (percent == 0)
        return g_strdup (_("Centre"));
      /* Translators: pan left or right, in percent */
      return g_strdup_printf (value < 0 ? _("L %d %%") : _("R %d %%"), percent);
    }
  step = value_step (desc, value);
  decimals = step >= 1.0 ? 0 : step >= 0.1 ? 1 : 2;
  number = g_strdup_printf ("%s%.*f", value < -step / 2 ? "−" : "", decimals, fabs (value));
  if (*desc->unit == '\0')
    return g_steal_pointer (&number);
  /* A ratio's ":1" follows the number. */
  return g_strdup_printf (*desc->unit == ':' ? "%s%s" : "%s %s", number, _(desc->unit));
}

/* The lane's axis; a lane whose effect has just gone (the rows are rebuilt soon) gets a
 * plain 0..1 one. */
static const StrataParamDesc *
lane_desc (StrataTrack *track, const char *param)
{
  static const StrataParamDesc unknown = { "", "", "", STRATA_PARAM_CONTINUOUS, 0.0, 1.0, 0.0,
                                           NULL, STRATA_PARAM_LINEAR };
  const StrataParamDesc *desc = strata_lane_param_desc (STRATA_STRIP (track), param);

  return desc != NULL ? desc : &unknown;
}

static void
track_color (StrataTrack *track, GdkRGBA *color)
{
  const char *spec = strata_strip_get_color (STRATA_STRIP (track));

  if (spec == NULL || !gdk_rgba_parse (color, spec))
    gdk_rgba_parse (color, DEFAULT_COLOR);
  color->alpha = 1.0;
}

static double
linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

/* Light text and waveform on dark clip colours, dark on light: WCAG relative luminance. */
static gboolean
is_light (const GdkRGBA *color)
{
  double l = 0.2126 * linear (color->red) + 0.7152 * linear (color->green)
             + 0.0722 * linear (color->blue);

  /* The luminance where black and white text have equal contrast. */
  return l > 0.179;
}

static gboolean
is_dark_style (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static gint64
song_end_with_room (StrataClipCanvas *self)
{
  StrataTempoMap *map = strata_session_get_tempo_map (self->session);
  StrataBbt bbt;

  strata_tempo_map_frame_to_bbt (map, strata_session_get_end (self->session), &bbt);
  bbt.bar += EXTRA_BARS;
  bbt.beat = 1;
  bbt.tick = 0;
  return strata_tempo_map_bbt_to_frame (map, &bbt);
}

/* ---- helpers: adjustments ------------------------------------------------------------- */

static void
configure_hadjustment (StrataClipCanvas *self, double value)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double upper;

  if (self->hadjustment == NULL)
    return;
  upper = song_end_with_room (self) / zoom (self);
  upper = MAX (upper, strata_session_get_position (self->session) / zoom (self) + width);
  upper = MAX (upper, value + width);
  upper = MAX (upper, width);
  gtk_adjustment_configure (self->hadjustment, MAX (0.0, value), 0.0, upper, width * 0.1,
                            width * 0.9, width);
}

static void
configure_vadjustment (StrataClipCanvas *self, double value)
{
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->vadjustment == NULL)
    return;
  ensure_rows (self);
  gtk_adjustment_configure (self->vadjustment, value, 0.0, MAX (self->content_height, height),
                            strata_session_get_track_height (self->session) / 2.0,
                            height * 0.9, height);
}

static void
invalidate_layout (StrataClipCanvas *self)
{
  self->rows_valid = FALSE;
  configure_vadjustment (self, voffset (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- helpers: hit testing ------------------------------------------------------------- */

static void
hit_clear (Hit *hit)
{
  g_clear_object (&hit->track);
  g_clear_object (&hit->clip);
  g_clear_object (&hit->lane);
  g_clear_pointer (&hit->param, g_free);
  hit->kind = HIT_NONE;
  hit->row = -1;
}

static StrataClip *
clip_at_px (StrataClipCanvas *self, GListModel *clips, double cx, GArray *lane_of, guint lane)
{
  guint n = g_list_model_get_n_items (clips);
  double z = zoom (self);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataClip) clip = g_list_model_get_item (clips, i);

      if (lane_of != NULL && g_array_index (lane_of, guint, i) != lane)
        continue;
      if (strata_clip_get_start (clip) / z > cx)
        break;
      if (cx < strata_clip_get_end (clip) / z)
        return g_steal_pointer (&clip);
    }
  return NULL;
}

/* What is under widget point (x, y). */
static void
hit_test (StrataClipCanvas *self, double x, double y, Hit *hit)
{
  double cx = x + hoffset (self), cy = y + voffset (self);
  double z = zoom (self);
  int track_height = strata_session_get_track_height (self->session);
  Row *row;
  double local;

  hit_clear (hit);
  hit->row = row_at (self, cy);
  if (hit->row < 0)
    return;
  row = row_nth (self, hit->row);
  hit->track = g_object_ref (row->track);
  local = cy - row->y;

  if (local < track_height)
    {
      double x0, x1;

      hit->clip = clip_at_px (self, strata_track_get_clips (row->track), cx, NULL, 0);
      if (hit->clip == NULL)
        return;
      x0 = strata_clip_get_start (hit->clip) / z;
      x1 = strata_clip_get_end (hit->clip) / z;
      hit->kind = HIT_CLIP;
      if (x1 - x0 > 4 * EDGE_PX && local < FADE_ZONE_PX)
        {
          if (fabs (cx - (x0 + strata_clip_get_fade_in (hit->clip) / z)) <= HANDLE_PX)
            hit->kind = HIT_FADE_IN;
          else if (fabs (cx - (x1 - strata_clip_get_fade_out (hit->clip) / z)) <= HANDLE_PX)
            hit->kind = HIT_FADE_OUT;
        }
      if (hit->kind == HIT_CLIP && x1 - x0 > 3 * EDGE_PX)
        {
          if (cx - x0 < EDGE_PX)
            hit->kind = HIT_TRIM_START;
          else if (x1 - cx < EDGE_PX)
            hit->kind = HIT_TRIM_END;
        }
      return;
    }

  local -= track_height;
  if (local < row->n_take_lanes * STRATA_TAKE_LANE_HEIGHT)
    {
      hit->clip = clip_at_px (self, strata_track_get_takes (row->track), cx, row->lane_of,
                              (guint) (local / STRATA_TAKE_LANE_HEIGHT));
      if (hit->clip != NULL)
        hit->kind = HIT_TAKE;
      return;
    }

  local -= row->n_take_lanes * STRATA_TAKE_LANE_HEIGHT;
  if (row->lanes != NULL && row->lanes->len > 0)
    {
      guint index = MIN ((guint) (local / STRATA_LANE_HEIGHT), row->lanes->len - 1);
      const char *param = row->lanes->pdata[index];
      const StrataParamDesc *desc = lane_desc (row->track, param);
      double lane_y = lanes_top (self, row) + index * STRATA_LANE_HEIGHT;
      StrataAutomationLane *lane = strata_strip_find_lane (STRATA_STRIP (row->track), param);

      hit->kind = HIT_LANE;
      hit->lane_index = index;
      hit->param = g_strdup (param);
      if (lane == NULL)
        return;
      hit->lane = g_object_ref (lane);
      {
        guint n;
        const StrataAutomationPoint *points = strata_automation_lane_get_points (lane, &n);

        for (guint i = 0; i < n; i++)
          if (fabs (points[i].frame / z - cx) <= POINT_HIT_PX
              && fabs (value_y (desc, lane_y, points[i].value) - cy) <= POINT_HIT_PX)
            {
              hit->kind = HIT_POINT;
              hit->point = i;
              return;
            }
      }
    }
}

/* The end of the clip before `clip` on its track and the start of the one after, the room a
 * trim has. */
static void
neighbours (StrataTrack *track, StrataClip *clip, gint64 *prev_end, gint64 *next_start)
{
  GListModel *clips = strata_track_get_clips (track);
  guint n = g_list_model_get_n_items (clips);

  *prev_end = 0;
  *next_start = G_MAXINT64;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataClip) other = g_list_model_get_item (clips, i);

      if (other == clip)
        continue;
      if (strata_clip_get_end (other) <= strata_clip_get_start (clip))
        *prev_end = MAX (*prev_end, strata_clip_get_end (other));
      else if (strata_clip_get_start (other) >= strata_clip_get_end (clip))
        *next_start = MIN (*next_start, strata_clip_get_start (other));
    }
}

static gint64
snap_unless (StrataClipCanvas *self, gint64 frame, GdkModifierType state)
{
  if (state & GDK_ALT_MASK)
    return MAX (0, frame);
  return strata_session_snap (self->session, frame);
}

static StrataTrack *
track_nth (StrataClipCanvas *self, guint position)
{
  g_autoptr(StrataTrack) track = g_list_model_get_item (self->tracks, position);
  return track;   /* borrowed: the list keeps it */
}

static int
track_position (StrataClipCanvas *self, StrataClip *clip)
{
  guint position;

  if (strata_timeline_find_clip (strata_session_get_timeline (self->session), clip,
                                 &position) == NULL)
    return -1;
  return position;
}

/* ---- drawing -------------------------------------------------------------------------- */

/* A text drawn often (clip names, lane labels) is laid out once and its node reused. */
static GskRenderNode *
text_node (StrataClipCanvas *self, const char *text, const GdkRGBA *color)
{
  g_autofree char *key = g_strdup_printf ("%08x:%s", gdk_rgba_hash (color), text);
  GskRenderNode *node = g_hash_table_lookup (self->text_nodes, key);

  if (node == NULL)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      PangoAttrList *attrs = pango_attr_list_new ();
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
      gtk_snapshot_append_layout (snapshot, layout, color);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        return NULL;
      g_hash_table_insert (self->text_nodes, g_steal_pointer (&key), node);
    }
  return node;
}

static void
draw_text (StrataClipCanvas *self, GtkSnapshot *snapshot, const char *text,
           const GdkRGBA *color, double x, double y, double max_x)
{
  GskRenderNode *node = text_node (self, text, color);
  graphene_rect_t bounds;
  gboolean clipped;

  if (node == NULL)
    return;
  gsk_render_node_get_bounds (node, &bounds);
  clipped = x + bounds.size.width > max_x;
  if (clipped)
    gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (x, y, MAX (0, max_x - x),
                                                           bounds.size.height));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_node (snapshot, node);
  gtk_snapshot_restore (snapshot);
  if (clipped)
    gtk_snapshot_pop (snapshot);
}

static void
append_line (GtkSnapshot *snapshot, const GdkRGBA *color, double x, double y, double w,
             double h)
{
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, w, h));
}

/* Bar lines, thinned to every 2nd, 4th... bar when bars get narrow; beat lines when there is
 * room for them. */
static void
draw_grid (StrataClipCanvas *self, GtkSnapshot *snapshot, double width, double height,
           gboolean dark)
{
  StrataTempoMap *map = strata_session_get_tempo_map (self->session);
  GdkRGBA bar_color = { dark, dark, dark, 0.13 };
  GdkRGBA beat_color = { dark, dark, dark, 0.05 };
  double z = zoom (self);
  StrataBbt bbt;
  gint32 step = 1;
  double bar_px;
  gint32 bar;

  strata_tempo_map_frame_to_bbt (map, (gint64) (hoffset (self) * z), &bbt);
  bar_px = (strata_tempo_map_bbt_to_frame (map, &(StrataBbt) { bbt.bar + 1, 1, 0 })
            - strata_tempo_map_bbt_to_frame (map, &(StrataBbt) { bbt.bar, 1, 0 })) / z;
  while (bar_px * step < GRID_MIN_BAR_PX && step < (1 << 20))
    step *= 2;
  bar = ((bbt.bar - 1) / step) * step + 1;

  for (int guard = 0; guard < 4096; guard++, bar += step)
    {
      gint64 start = strata_tempo_map_bbt_to_frame (map, &(StrataBbt) { bar, 1, 0 });
      gint64 end = strata_tempo_map_bbt_to_frame (map, &(StrataBbt) { bar + 1, 1, 0 });
      double x = frame_x (self, start);
      guint beats;

      if (x > width)
        break;
      append_line (snapshot, &bar_color, floor (x), 0, 1, height);
      beats = strata_tempo_map_segment_at_frame (map, start)->numerator;
      if (step == 1 && (end - start) / z / beats >= GRID_MIN_BEAT_PX)
        for (guint beat = 1; beat < beats; beat++)
          append_line (snapshot, &beat_color,
                       floor (frame_x (self, start + (end - start) * beat / beats)), 0, 1,
                       height);
    }
}

static void
draw_rows (StrataClipCanvas *self, GtkSnapshot *snapshot, double width, double height,
           gboolean dark)
{
  GdkRGBA even = dark ? (GdkRGBA) { 0.14, 0.14, 0.14, 1 } : (GdkRGBA) { 0.98, 0.98, 0.98, 1 };
  GdkRGBA odd = dark ? (GdkRGBA) { 0.16, 0.16, 0.16, 1 } : (GdkRGBA) { 0.95, 0.95, 0.95, 1 };
  GdkRGBA lane = dark ? (GdkRGBA) { 0.11, 0.11, 0.11, 1 } : (GdkRGBA) { 0.91, 0.91, 0.91, 1 };
  GdkRGBA line = { dark, dark, dark, 0.10 };
  GdkRGBA label = { dark, dark, dark, 0.55 };
  int track_height = strata_session_get_track_height (self->session);
  double top = voffset (self);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_nth (self, i);
      double y = row->y - top;

      if (y + row->height < 0)
        continue;
      if (y > height)
        break;
      append_line (snapshot, i % 2 ? &odd : &even, 0, y, width, track_height);
      if (row->height > track_height)
        append_line (snapshot, &lane, 0, y + track_height, width, row->height - track_height);
      for (guint p = 0; row->lanes != NULL && p < row->lanes->len; p++)
        {
          double lane_y = lanes_top (self, row) + p * STRATA_LANE_HEIGHT - top;
          g_autofree char *text = strata_lane_param_label (STRATA_STRIP (row->track),
                                                           row->lanes->pdata[p]);

          append_line (snapshot, &line, 0, lane_y, width, 1);
          if (text != NULL)
            draw_text (self, snapshot, text, &label, 4, lane_y + 2, width);
        }
      append_line (snapshot, &line, 0, y + row->height - 1, width, 1);
    }
}

static void
add_vis_clip (StrataClipCanvas *self, GArray *vis, StrataClip *clip, double y, double h,
              const GdkRGBA *color, guint flags)
{
  VisClip v = {
    clip, GRAPHENE_RECT_INIT (0, y, 0, h),
    strata_clip_get_source_start (clip), strata_clip_get_length (clip),
    strata_clip_get_fade_in (clip), strata_clip_get_fade_out (clip), *color, flags,
  };
  gint64 start = strata_clip_get_start (clip);

  if (self->dragging && self->press.clip == clip)
    switch (self->press.kind)
      {
      case HIT_TRIM_START:
        v.source_start += self->preview_frame - start;
        v.length -= self->preview_frame - start;
        start = self->preview_frame;
        v.fade_in = MIN (v.fade_in, MAX (0, v.length - v.fade_out));
        break;
      case HIT_TRIM_END:
        v.length = self->preview_frame - start;
        v.fade_out = MIN (v.fade_out, MAX (0, v.length - v.fade_in));
        break;
      case HIT_FADE_IN:
        v.fade_in = self->preview_frame;
        break;
      case HIT_FADE_OUT:
        v.fade_out = self->preview_frame;
        break;
      default:
        break;
      }
  if (strata_clip_get_mute (clip))
    v.flags |= VIS_MUTED;
  if (!(flags & VIS_TAKE) && g_hash_table_contains (self->selected, clip))
    v.flags |= VIS_SELECTED;
  if (self->dragging && self->press.kind == HIT_CLIP && (v.flags & VIS_SELECTED)
      && !(flags & VIS_TAKE))
    v.flags |= VIS_GHOST;
  v.rect.origin.x = frame_x (self, start);
  v.rect.size.width = v.length / zoom (self);
  g_array_append_val (vis, v);
}

static void
gather_clips (StrataClipCanvas *self, GArray *vis, double width, double height)
{
  int track_height = strata_session_get_track_height (self->session);
  double top = voffset (self);
  gint64 first = (gint64) floor (hoffset (self) * zoom (self));
  gint64 last = (gint64) ceil ((hoffset (self) + width) * zoom (self));

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_nth (self, i);
      double y = row->y - top;
      GListModel *clips = strata_track_get_clips (row->track);
      guint n = g_list_model_get_n_items (clips);
      GdkRGBA color;

      if (y + row->height < 0)
        continue;
      if (y > height)
        break;
      track_color (row->track, &color);
      for (guint j = 0; j < n && y + track_height > 0; j++)
        {
          g_autoptr(StrataClip) clip = g_list_model_get_item (clips, j);

          if (strata_clip_get_start (clip) > last && self->press.clip != clip)
            break;
          if (strata_clip_get_end (clip) < first && self->press.clip != clip)
            continue;
          add_vis_clip (self, vis, clip, y + 1, track_height - 2, &color, 0);
        }
      if (row->lane_of != NULL)
        {
          GListModel *takes = strata_track_get_takes (row->track);

          for (guint j = 0; j < g_list_model_get_n_items (takes); j++)
            {
              g_autoptr(StrataClip) take = g_list_model_get_item (takes, j);
              guint lane = g_array_index (row->lane_of, guint, j);

              if (strata_clip_get_end (take) < first || strata_clip_get_start (take) > last)
                continue;
              add_vis_clip (self, vis, take,
                            y + track_height + lane * STRATA_TAKE_LANE_HEIGHT + 2,
                            STRATA_TAKE_LANE_HEIGHT - 4, &color, VIS_TAKE);
            }
        }
    }
}

/* The selection where a move would put it. */
static void
gather_move_preview (StrataClipCanvas *self, GArray *vis)
{
  GPtrArray *selection = strata_session_get_selection (self->session);
  int track_height = strata_session_get_track_height (self->session);

  for (guint i = 0; i < selection->len; i++)
    {
      StrataClip *clip = selection->pdata[i];
      int position = track_position (self, clip);
      VisClip *v;
      GdkRGBA color;
      Row *row;

      if (position < 0 || position + self->preview_track_delta >= (int) self->rows->len)
        continue;
      row = row_nth (self, position + self->preview_track_delta);
      track_color (row->track, &color);
      add_vis_clip (self, vis, clip, row->y - voffset (self) + 1, track_height - 2, &color, 0);
      v = &g_array_index (vis, VisClip, vis->len - 1);
      v->flags &= ~VIS_GHOST;
      v->rect.origin.x = frame_x (self, strata_clip_get_start (clip) + self->preview_delta);
    }
}

static void
clip_fill_color (const VisClip *v, GdkRGBA *fill)
{
  *fill = v->color;
  if (v->flags & (VIS_MUTED | VIS_TAKE))
    fill->alpha = 0.45;
  if (v->flags & VIS_GHOST)
    fill->alpha = 0.25;
}

static void
foreground_color (const VisClip *v, GdkRGBA *fg, double alpha)
{
  double c = is_light (&v->color) ? 0.0 : 1.0;

  *fg = (GdkRGBA) { c, c, c, alpha };
  if (v->flags & (VIS_MUTED | VIS_TAKE | VIS_GHOST))
    fg->alpha *= 0.6;
}

/* The clip's rectangle clamped to a little beyond the view, so that rounded corners and
 * borders of a clip longer than the view stay out of sight. */
static graphene_rect_t
clamped_rect (const VisClip *v, double width)
{
  double x0 = MAX (v->rect.origin.x, -8.0);
  double x1 = MIN (v->rect.origin.x + v->rect.size.width, width + 8.0);

  return GRAPHENE_RECT_INIT (x0, v->rect.origin.y, MAX (x1 - x0, 1.0), v->rect.size.height);
}

static void
draw_clip_fill (GtkSnapshot *snapshot, const VisClip *v, double width)
{
  graphene_rect_t rect = clamped_rect (v, width);
  GskRoundedRect rounded;
  GdkRGBA fill;

  clip_fill_color (v, &fill);
  gsk_rounded_rect_init_from_rect (&rounded, &rect, CLIP_RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, &fill, &rounded.bounds);
  gtk_snapshot_pop (snapshot);
}

/* One closed path per clip: the max outline left to right, the min outline back, per channel,
 * one (min, max) per pixel column from the finest peak level no finer than a pixel. */
static void
draw_waveform (StrataClipCanvas *self, cairo_t *cr, const VisClip *v, StrataPeaks *peaks,
               double width, float *column_min, float *column_max)
{
  double z = zoom (self);
  guint channels = strata_peaks_get_channels (peaks);
  guint frames_per_peak = STRATA_PEAKS_BASE_FRAMES;
  gsize n_peaks = 0;
  const float *data = NULL;
  double x0 = MAX (0.0, ceil (v->rect.origin.x));
  double x1 = MIN (width, floor (v->rect.origin.x + v->rect.size.width));
  double top = v->rect.origin.y + (v->rect.size.height >= 36 ? 16 : 2);
  double band = (v->rect.origin.y + v->rect.size.height - 2 - top) / channels;
  double gain = pow (10.0, strata_clip_get_gain_db (v->clip) / 20.0);
  int columns = (int) (x1 - x0);
  GdkRGBA fg;

  if (columns <= 0 || band <= 1)
    return;
  for (guint l = 0; l < strata_peaks_get_n_levels (peaks); l++)
    {
      guint fpp;
      gsize n;
      const float *d = strata_peaks_get_level (peaks, l, &fpp, &n);

      /* The coarsest level that still has a peak per pixel or more. */
      if (l == 0 || fpp <= z)
        {
          frames_per_peak = fpp;
          n_peaks = n;
          data = d;
        }
    }
  if (data == NULL || n_peaks == 0)
    return;

  for (guint c = 0; c < channels; c++)
    {
      double mid = top + band * (c + 0.5);
      double half = band / 2.0;

      for (int col = 0; col < columns; col++)
        {
          double f0 = v->source_start + (x0 + col - v->rect.origin.x) * z;
          gsize i0 = (gsize) MAX (0.0, f0 / frames_per_peak);
          gsize i1 = (gsize) MAX (0.0, ceil ((f0 + z) / frames_per_peak));
          float mn = 0.0f, mx = 0.0f;

          i1 = MIN (MAX (i1, i0 + 1), n_peaks);
          for (gsize i = i0; i < i1; i++)
            {
              mn = MIN (mn, data[(i * channels + c) * 2]);
              mx = MAX (mx, data[(i * channels + c) * 2 + 1]);
            }
          column_min[col] = (float) (mid - CLAMP (mn * gain, -1.0, 1.0) * half);
          column_max[col] = (float) (mid - CLAMP (mx * gain, -1.0, 1.0) * half);
        }
      cairo_move_to (cr, x0, column_max[0]);
      for (int col = 1; col < columns; col++)
        cairo_line_to (cr, x0 + col, column_max[col]);
      for (int col = columns - 1; col >= 0; col--)
        cairo_line_to (cr, x0 + col, column_min[col] + 0.5);
      cairo_close_path (cr);
    }
  foreground_color (v, &fg, 0.55);
  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_fill (cr);
}

/* Fade curves (the faded part shaded) and a handle at each top corner, at the fade's end. */
static void
draw_fades (cairo_t *cr, const VisClip *v, double z)
{
  double x = v->rect.origin.x, y = v->rect.origin.y;
  double w = v->rect.size.width, h = v->rect.size.height;
  double in = MIN (v->fade_in / z, w), out = MIN (v->fade_out / z, w);
  GdkRGBA fg;

  foreground_color (v, &fg, 0.85);
  if (in > 0.5)
    {
      cairo_move_to (cr, x, y + h);
      cairo_curve_to (cr, x + in * 0.5, y + h, x + in * 0.5, y, x + in, y);
      cairo_line_to (cr, x, y);
      cairo_close_path (cr);
    }
  if (out > 0.5)
    {
      cairo_move_to (cr, x + w, y + h);
      cairo_curve_to (cr, x + w - out * 0.5, y + h, x + w - out * 0.5, y, x + w - out, y);
      cairo_line_to (cr, x + w, y);
      cairo_close_path (cr);
    }
  if (in > 0.5 || out > 0.5)
    {
      cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
      cairo_fill (cr);
    }

  if (w > 4 * EDGE_PX && h >= 20 && !(v->flags & VIS_TAKE))
    {
      double hx_in = CLAMP (x + in - HANDLE_PX / 2, x, x + w - HANDLE_PX);
      double hx_out = CLAMP (x + w - out - HANDLE_PX / 2, x, x + w - HANDLE_PX);

      cairo_rectangle (cr, hx_in, y + 1, HANDLE_PX, HANDLE_PX);
      cairo_rectangle (cr, hx_out, y + 1, HANDLE_PX, HANDLE_PX);
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_fill (cr);
    }
}

static void
draw_clip_text_and_border (StrataClipCanvas *self, GtkSnapshot *snapshot, const VisClip *v,
                           double width, const GdkRGBA *outline, const GdkRGBA *accent)
{
  graphene_rect_t rect = clamped_rect (v, width);
  GskRoundedRect rounded;
  gboolean selected = v->flags & VIS_SELECTED && !(v->flags & VIS_GHOST);
  const GdkRGBA *border = selected ? accent : outline;
  float bw = selected ? 2.0f : 1.0f;

  if (rect.size.width >= NAME_MIN_PX && rect.size.height >= 16)
    {
      GdkRGBA fg;
      /* After the fade-in handle, when the clip has handles. */
      double tx = MAX (rect.origin.x, 0.0) + (v->flags & VIS_TAKE ? 4 : HANDLE_PX + 3);

      foreground_color (v, &fg, 0.9);
      draw_text (self, snapshot, strata_source_get_name (strata_clip_get_source (v->clip)),
                 &fg, tx, rect.origin.y + 1, rect.origin.x + rect.size.width - 3);
    }
  gsk_rounded_rect_init_from_rect (&rounded, &rect, CLIP_RADIUS);
  gtk_snapshot_append_border (snapshot, &rounded, (float[4]) { bw, bw, bw, bw },
                              (GdkRGBA[4]) { *border, *border, *border, *border });
}

static void
draw_automation (StrataClipCanvas *self, cairo_t *cr, double width, double height,
                 const GdkRGBA *accent, gboolean dark)
{
  double top = voffset (self), z = zoom (self);
  GdkRGBA curve = dark ? (GdkRGBA) { 0.98, 0.78, 0.25, 1 } : (GdkRGBA) { 0.71, 0.45, 0.0, 1 };

  cairo_set_line_width (cr, 1.5);
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_nth (self, i);

      if (row->y - top > height)
        break;
      if (row->y + row->height - top < 0 || row->lanes == NULL)
        continue;
      for (guint p = 0; p < row->lanes->len; p++)
        {
          const char *param = row->lanes->pdata[p];
          const StrataParamDesc *desc = lane_desc (row->track, param);
          double lane_y = lanes_top (self, row) + p * STRATA_LANE_HEIGHT - top;
          StrataAutomationLane *lane = strata_strip_find_lane (STRATA_STRIP (row->track), param);
          const StrataAutomationPoint *points = NULL;
          g_autofree StrataAutomationPoint *moved = NULL;
          guint n = 0;
          gboolean stepped;
          double last_y;

          if (lane_y + STRATA_LANE_HEIGHT < 0 || lane_y > height)
            continue;
          if (lane != NULL)
            points = strata_automation_lane_get_points (lane, &n);
          if (n == 0)
            {
              double y = value_y (desc, lane_y, strip_value (STRATA_STRIP (row->track), param));
              const double dashes[] = { 4.0, 4.0 };

              cairo_set_dash (cr, dashes, 2, 0);
              cairo_move_to (cr, 0, y);
              cairo_line_to (cr, width, y);
              gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { curve.red, curve.green, curve.blue,
                                                          0.5 });
              cairo_stroke (cr);
              cairo_set_dash (cr, NULL, 0, 0);
              continue;
            }
          /* The point being dragged, where it would go. */
          if (self->dragging && self->press.kind == HIT_POINT && self->press.lane == lane)
            {
              moved = g_memdup2 (points, n * sizeof *points);
              moved[self->press.point].frame = self->preview_frame;
              moved[self->press.point].value = self->preview_value;
              points = moved;
            }
          stepped = strata_automation_lane_is_stepped (lane);
          last_y = value_y (desc, lane_y, points[0].value);
          cairo_move_to (cr, 0, last_y);
          for (guint k = 0; k < n; k++)
            {
              double x = points[k].frame / z - hoffset (self);
              double y = value_y (desc, lane_y, points[k].value);

              if (x > width + 1 && k > 0 && points[k - 1].frame / z - hoffset (self) > width)
                break;
              if (stepped)
                cairo_line_to (cr, x, last_y);
              cairo_line_to (cr, x, y);
              last_y = y;
            }
          cairo_line_to (cr, width, last_y);
          gdk_cairo_set_source_rgba (cr, &curve);
          cairo_stroke (cr);
          for (guint k = 0; k < n; k++)
            {
              double x = points[k].frame / z - hoffset (self);
              gboolean selected = lane == self->selected_lane && k == self->selected_point;

              if (x < -POINT_PX || x > width + POINT_PX)
                continue;
              cairo_rectangle (cr, x - POINT_PX / 2, value_y (desc, lane_y, points[k].value)
                                                     - POINT_PX / 2, POINT_PX, POINT_PX);
              gdk_cairo_set_source_rgba (cr, selected ? accent : &curve);
              cairo_fill (cr);
            }
        }
    }
}

/* Whether any row in view shows automation lanes. */
static gboolean
has_lanes (StrataClipCanvas *self, double height)
{
  double top = voffset (self);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_nth (self, i);

      if (row->y - top > height)
        break;
      if (row->y + row->height - top >= 0 && row->lanes != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
draw_overlays (StrataClipCanvas *self, GtkSnapshot *snapshot, double width, double height,
               const GdkRGBA *accent, gboolean dark)
{
  GdkRGBA playhead = dark ? (GdkRGBA) { 1.0, 0.48, 0.42, 1 } : (GdkRGBA) { 0.75, 0.11, 0.16, 1 };
  double x = frame_x (self, strata_session_get_position (self->session));

  if (self->dragging && self->press.kind == HIT_NONE)
    {
      graphene_rect_t band;
      GskRoundedRect rounded;
      GdkRGBA fill = { accent->red, accent->green, accent->blue, 0.2 };

      drag_band (self, &band);
      graphene_rect_offset (&band, (float) -hoffset (self), (float) -voffset (self));
      append_line (snapshot, &fill, band.origin.x, band.origin.y, band.size.width,
                   band.size.height);
      gsk_rounded_rect_init_from_rect (&rounded, &band, 0);
      gtk_snapshot_append_border (snapshot, &rounded, (float[4]) { 1, 1, 1, 1 },
                                  (GdkRGBA[4]) { *accent, *accent, *accent, *accent });
    }
  if (self->dragging && self->press.kind == HIT_POINT)
    {
      g_autofree char *label = format_value (lane_desc (self->press.track, self->press.param),
                                             self->preview_value);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), label);
      GdkRGBA fg = { dark, dark, dark, 1 };
      GdkRGBA bg = { !dark, !dark, !dark, 0.85 };
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (self->press_x + self->drag_dx + 10,
                                                              self->press_y + self->drag_dy
                                                              - h - 6));
      append_line (snapshot, &bg, -3, -1, w + 6, h + 2);
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
    }
  if (x >= -2 && x <= width + 2)
    append_line (snapshot, &playhead, floor (x), 0, 2, height);
}

static gboolean
refine_cb (gpointer data)
{
  StrataClipCanvas *self = data;

  self->refine_id = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

static void
wave_free (Wave *wave)
{
  g_clear_pointer (&wave->node, gsk_render_node_unref);
  g_free (wave);
}

/* Everything but the zoom (and so the width) matches: the old node, stretched, is close. */
static gboolean
wave_matches_but_zoom (const Wave *wave, const VisClip *v, StrataPeaks *peaks)
{
  return wave->source == strata_clip_get_source (v->clip) && wave->peaks == peaks
         && wave->gain_db == strata_clip_get_gain_db (v->clip)
         && wave->source_start == v->source_start && wave->length == v->length
         && wave->fade_in == v->fade_in && wave->fade_out == v->fade_out
         && wave->height == v->rect.size.height && wave->flags == (v->flags & WAVE_FLAGS)
         && gdk_rgba_equal (&wave->color, &v->color);
}

static gboolean
wave_matches (const Wave *wave, const VisClip *v, StrataPeaks *peaks, double z)
{
  return wave_matches_but_zoom (wave, v, peaks) && wave->zoom == z
         && wave->width == v->rect.size.width;
}

/* The clip's waveform and fades, drawn at the clip's origin, from the cache when nothing they
 * depend on changed. Once this frame's budget is spent, the old node comes back after a zoom
 * with the horizontal `scale` that stretches it to the new width, and a clip with no node yet
 * (a view just opened) gets none (NULL); a later frame draws them: zooming and opening stay
 * smooth however many clips are in view. */
static GskRenderNode *
wave_node (StrataClipCanvas *self, const VisClip *v, StrataPeaks *peaks, float *column_min,
           float *column_max, double *scale)
{
  Wave *wave = g_hash_table_lookup (self->waves, v->clip);
  VisClip local = *v;
  cairo_t *cr;

  *scale = 1.0;
  if (wave != NULL && wave_matches (wave, v, peaks, zoom (self)))
    {
      wave->generation = self->generation;
      return wave->node;
    }
  if (wave != NULL && wave_matches_but_zoom (wave, v, peaks)
      && g_get_monotonic_time () > self->wave_deadline)
    {
      wave->generation = self->generation;
      self->wave_deferred = TRUE;
      *scale = v->rect.size.width / wave->width;
      return wave->node;
    }
  if (g_get_monotonic_time () > self->wave_deadline)
    {
      self->wave_deferred = TRUE;
      return NULL;
    }
  if (wave == NULL)
    {
      wave = g_new0 (Wave, 1);
      g_hash_table_insert (self->waves, g_object_ref (v->clip), wave);
    }
  g_clear_pointer (&wave->node, gsk_render_node_unref);
  *wave = (Wave) {
    NULL, strata_clip_get_source (v->clip), peaks, zoom (self),
    strata_clip_get_gain_db (v->clip), v->source_start, v->length, v->fade_in, v->fade_out,
    v->rect.size.width, v->rect.size.height, v->flags & WAVE_FLAGS, v->color, self->generation,
  };
  local.rect.origin = GRAPHENE_POINT_INIT (0, 0);
  wave->node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (0, 0, ceilf (v->rect.size.width),
                                                        v->rect.size.height));
  cr = gsk_cairo_node_get_draw_context (wave->node);
  if (peaks != NULL)
    draw_waveform (self, cr, &local, peaks, local.rect.size.width, column_min, column_max);
  draw_fades (cr, &local, zoom (self));
  cairo_destroy (cr);
  return wave->node;
}

/* Forgets the waveforms of clips this snapshot did not draw, once they outnumber the rest. */
static void
wave_prune (StrataClipCanvas *self, guint n_drawn)
{
  GHashTableIter iter;
  Wave *wave;

  if (g_hash_table_size (self->waves) <= 2 * n_drawn + 256)
    return;
  g_hash_table_iter_init (&iter, self->waves);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &wave))
    if (wave->generation != self->generation)
      g_hash_table_iter_remove (&iter);
}

/* A set, so that a select-all of thousands of clips costs no more to draw than one. */
static GHashTable *
selection_set (StrataClipCanvas *self)
{
  GPtrArray *selection = strata_session_get_selection (self->session);
  GHashTable *set = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < selection->len; i++)
    g_hash_table_add (set, selection->pdata[i]);
  return set;
}

/* The waveforms and fades of the first `n` clips of `vis` (cached nodes, or one cairo node for
 * clips too wide to cache), then the automation curves. */
static void
draw_waves_and_lanes (StrataClipCanvas *self, GtkSnapshot *snapshot, GArray *vis, guint n,
                      double width, double height, const GdkRGBA *accent, gboolean dark)
{
  StrataPeakCache *cache = strata_session_get_peak_cache (self->session);
  gsize columns = (gsize) MAX (width, WAVE_CACHE_MAX_PX) + 2;
  g_autofree float *column_min = g_new (float, columns);
  g_autofree float *column_max = g_new (float, columns);
  cairo_t *cr = NULL;

  self->generation++;
  self->wave_deadline = g_get_monotonic_time () + WAVE_BUDGET_US;
  self->wave_deferred = FALSE;
  for (guint i = 0; i < n; i++)
    {
      VisClip *v = &g_array_index (vis, VisClip, i);
      StrataPeaks *peaks;

      if (v->flags & VIS_GHOST || v->rect.size.width < 1)
        continue;
      peaks = strata_peak_cache_lookup (cache, strata_clip_get_source (v->clip));
      if (v->rect.size.width <= WAVE_CACHE_MAX_PX)
        {
          double scale;
          GskRenderNode *node = wave_node (self, v, peaks, column_min, column_max, &scale);

          if (node == NULL)
            continue;
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &v->rect.origin);
          if (scale != 1.0)
            gtk_snapshot_scale (snapshot, scale, 1.0);
          gtk_snapshot_append_node (snapshot, node);
          gtk_snapshot_restore (snapshot);
          continue;
        }
      if (cr == NULL)
        cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      if (peaks != NULL)
        draw_waveform (self, cr, v, peaks, width, column_min, column_max);
      draw_fades (cr, v, zoom (self));
    }
  wave_prune (self, n);
  if (self->wave_deferred && self->refine_id == 0)
    self->refine_id = g_idle_add (refine_cb, self);
  if (has_lanes (self, height))
    {
      if (cr == NULL)
        cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      draw_automation (self, cr, width, height, accent, dark);
    }
  g_clear_pointer (&cr, cairo_destroy);
}

static void
strata_clip_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  gboolean dark = is_dark_style ();
  GdkRGBA background = dark ? (GdkRGBA) { 0.12, 0.12, 0.12, 1 } : (GdkRGBA) { 1, 1, 1, 1 };
  GdkRGBA accent = dark ? (GdkRGBA) { 0.47, 0.68, 0.93, 1 } : (GdkRGBA) { 0.11, 0.44, 0.85, 1 };
  GdkRGBA outline = dark ? (GdkRGBA) { 1, 1, 1, 0.45 } : (GdkRGBA) { 0, 0, 0, 0.45 };
  g_autoptr(GArray) vis = g_array_new (FALSE, FALSE, sizeof (VisClip));
  guint n_model;

  if (width <= 0 || height <= 0)
    return;
  ensure_rows (self);
  append_line (snapshot, &background, 0, 0, width, height);
  draw_rows (self, snapshot, width, height, dark);
  draw_grid (self, snapshot, width, height, dark);

  self->selected = selection_set (self);
  gather_clips (self, vis, width, height);
  n_model = vis->len;
  if (self->dragging && self->press.kind == HIT_CLIP)
    gather_move_preview (self, vis);
  g_clear_pointer (&self->selected, g_hash_table_unref);

  for (guint i = 0; i < n_model; i++)
    draw_clip_fill (snapshot, &g_array_index (vis, VisClip, i), width);
  draw_waves_and_lanes (self, snapshot, vis, n_model, width, height, &accent, dark);
  for (guint i = 0; i < n_model; i++)
    draw_clip_text_and_border (self, snapshot, &g_array_index (vis, VisClip, i), width,
                               &outline, &accent);
  for (guint i = n_model; i < vis->len; i++)
    {
      draw_clip_fill (snapshot, &g_array_index (vis, VisClip, i), width);
      draw_clip_text_and_border (self, snapshot, &g_array_index (vis, VisClip, i), width,
                                 &outline, &accent);
    }
  draw_overlays (self, snapshot, width, height, &accent, dark);
}

/* ---- edits ---------------------------------------------------------------------------- */

static void
apply (StrataClipCanvas *self, StrataCommand *command, GError *error)
{
  strata_session_apply (self->session, command, error);
}

static void
refuse (StrataClipCanvas *self, const char *message)
{
  apply (self, NULL, g_error_new_literal (STRATA_ERROR, STRATA_ERROR_INVALID, message));
}

/* The selected clips still in the project (an undo may have taken some out since the
 * session last pruned its selection), each with a reference. */
static GPtrArray *
selected_clips (StrataClipCanvas *self)
{
  GPtrArray *selection = strata_session_get_selection (self->session);
  GPtrArray *clips = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < selection->len; i++)
    if (track_position (self, selection->pdata[i]) >= 0)
      g_ptr_array_add (clips, g_object_ref (selection->pdata[i]));
  return clips;
}

static void
select_point (StrataClipCanvas *self, StrataAutomationLane *lane, guint point)
{
  g_set_object (&self->selected_lane, lane);
  self->selected_point = point;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
commit_move (StrataClipCanvas *self)
{
  g_autoptr(GPtrArray) clips = selected_clips (self);
  GError *error = NULL;
  StrataCommand *command;

  if (clips->len == 0 || (self->preview_delta == 0 && self->preview_track_delta == 0))
    return;
  command = strata_commands_move_clips (strata_session_get_project (self->session),
                                        (StrataClip **) clips->pdata, clips->len,
                                        self->preview_delta, self->preview_track_delta, &error);
  apply (self, command, error);
}

/* The move the drag describes: the grabbed clip's start on the grid, the selection kept on
 * the song and on the track list. */
static void
update_move (StrataClipCanvas *self, GdkModifierType state)
{
  g_autoptr(GPtrArray) selection = selected_clips (self);
  gint64 start = strata_clip_get_start (self->press.clip);
  gint64 delta = snap_unless (self, start + (gint64) llround (drag_frames (self)), state)
                 - start;
  int n_tracks = g_list_model_get_n_items (self->tracks);
  int row = row_at (self, self->press_y + self->drag_dy + voffset (self));
  int track_delta, min_pos = n_tracks, max_pos = -1;
  gint64 min_start = G_MAXINT64;

  if (row < 0)
    row = self->press_y + self->drag_dy + voffset (self) < 0 ? 0 : n_tracks - 1;
  track_delta = row - self->press.row;
  for (guint i = 0; i < selection->len; i++)
    {
      int position = track_position (self, selection->pdata[i]);

      min_start = MIN (min_start, strata_clip_get_start (selection->pdata[i]));
      min_pos = MIN (min_pos, position);
      max_pos = MAX (max_pos, position);
    }
  if (selection->len > 0)
    {
      delta = MAX (delta, -min_start);
      track_delta = CLAMP (track_delta, -min_pos, n_tracks - 1 - max_pos);
    }
  self->preview_delta = delta;
  self->preview_track_delta = track_delta;
}

static void
update_trim (StrataClipCanvas *self, GdkModifierType state)
{
  StrataClip *clip = self->press.clip;
  gint64 start = strata_clip_get_start (clip), end = strata_clip_get_end (clip);
  gint64 shift = (gint64) llround (drag_frames (self));
  gint64 prev_end, next_start;

  neighbours (self->press.track, clip, &prev_end, &next_start);
  if (self->press.kind == HIT_TRIM_START)
    {
      gint64 earliest = MAX (prev_end, start - strata_clip_get_source_start (clip));
      gint64 latest = end - MAX (1, strata_clip_get_fade_out (clip));

      self->preview_frame = CLAMP (snap_unless (self, start + shift, state), earliest,
                                   MAX (earliest, latest));
    }
  else
    {
      gint64 source_end = start - strata_clip_get_source_start (clip)
                          + strata_source_get_frames (strata_clip_get_source (clip));
      gint64 earliest = start + MAX (1, strata_clip_get_fade_in (clip));
      gint64 latest = MIN (next_start, source_end);

      self->preview_frame = CLAMP (snap_unless (self, end + shift, state), earliest,
                                   MAX (earliest, latest));
    }
}

static void
update_fade (StrataClipCanvas *self)
{
  StrataClip *clip = self->press.clip;
  gint64 shift = (gint64) llround (drag_frames (self));
  gint64 length = strata_clip_get_length (clip);

  if (self->press.kind == HIT_FADE_IN)
    self->preview_frame = CLAMP (strata_clip_get_fade_in (clip) + shift, 0,
                                 length - strata_clip_get_fade_out (clip));
  else
    self->preview_frame = CLAMP (strata_clip_get_fade_out (clip) - shift, 0,
                                 length - strata_clip_get_fade_in (clip));
}

static void
update_point (StrataClipCanvas *self, GdkModifierType state)
{
  guint n;
  const StrataAutomationPoint *points = strata_automation_lane_get_points (self->press.lane, &n);
  Row *row = row_nth (self, self->press.row);
  double lane_y = lanes_top (self, row) + self->press.lane_index * STRATA_LANE_HEIGHT;

  if (self->press.point >= n)
    return;
  self->preview_frame = snap_unless (self, points[self->press.point].frame
                                           + (gint64) llround (drag_frames (self)),
                                     state);
  self->preview_value = y_value (lane_desc (self->press.track, self->press.param), lane_y,
                                 self->press_y + self->drag_dy + voffset (self));
}

/* The point at `frame` with `value` in `lane` (after a move re-sorted the points). */
static guint
find_point (StrataAutomationLane *lane, gint64 frame, gdouble value)
{
  guint n;
  const StrataAutomationPoint *points = strata_automation_lane_get_points (lane, &n);

  for (guint i = 0; i < n; i++)
    if (points[i].frame == frame && points[i].value == value)
      return i;
  return G_MAXUINT;
}

static void
rubber_band_select (StrataClipCanvas *self)
{
  graphene_rect_t band;
  int track_height = strata_session_get_track_height (self->session);
  g_autoptr(GPtrArray) touched = g_ptr_array_new_with_free_func (g_object_unref);
  double z = zoom (self);

  drag_band (self, &band);
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_nth (self, i);
      GListModel *clips = strata_track_get_clips (row->track);

      if (row->y + track_height <= band.origin.y || row->y >= band.origin.y + band.size.height)
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (clips); j++)
        {
          g_autoptr(StrataClip) clip = g_list_model_get_item (clips, j);

          if (strata_clip_get_end (clip) / z >= band.origin.x
              && strata_clip_get_start (clip) / z <= band.origin.x + band.size.width)
            g_ptr_array_add (touched, g_steal_pointer (&clip));
        }
    }
  strata_session_select_clips (self->session, (StrataClip **) touched->pdata, touched->len,
                               self->press_state & GDK_SHIFT_MASK ? STRATA_SELECT_ADD
                                                                  : STRATA_SELECT_REPLACE);
}

static void
click (StrataClipCanvas *self)
{
  StrataProject *project = strata_session_get_project (self->session);
  GError *error = NULL;
  StrataCommand *command;

  switch (self->press.kind)
    {
    case HIT_CLIP:
    case HIT_TRIM_START:
    case HIT_TRIM_END:
    case HIT_FADE_IN:
    case HIT_FADE_OUT:
      /* A press on a selected clip kept the selection for a drag; a click picks. */
      if (self->press_was_selected)
        {
          if (self->press_state & GDK_CONTROL_MASK)
            strata_session_select (self->session, self->press.clip, STRATA_SELECT_TOGGLE);
          else if (!(self->press_state & GDK_SHIFT_MASK))
            strata_session_select (self->session, self->press.clip, STRATA_SELECT_REPLACE);
        }
      break;
    case HIT_TAKE:
      command = strata_commands_set_active_take (project, self->press.track, self->press.clip,
                                                 &error);
      apply (self, command, error);
      break;
    case HIT_LANE:
      {
        Row *row = row_nth (self, self->press.row);
        double lane_y = lanes_top (self, row) + self->press.lane_index * STRATA_LANE_HEIGHT;
        gint64 frame = snap_unless (self, strata_clip_canvas_frame_at (self, self->press_x),
                                    self->press_state);
        gdouble value = y_value (lane_desc (self->press.track, self->press.param), lane_y,
                                 self->press_y + voffset (self));

        command = strata_commands_add_point (project, STRATA_STRIP (self->press.track),
                                             self->press.param, frame, value, &error);
        if (strata_session_apply (self->session, command, error))
          {
            StrataAutomationLane *lane =
              strata_strip_find_lane (STRATA_STRIP (self->press.track), self->press.param);
            if (lane != NULL)
              select_point (self, lane, find_point (lane, frame, value));
          }
      }
      break;
    case HIT_POINT:
      break;
    case HIT_NONE:
      strata_session_clear_selection (self->session);
      select_point (self, NULL, 0);
      strata_session_locate (self->session,
                             snap_unless (self, strata_clip_canvas_frame_at (self, self->press_x),
                                          self->press_state));
      break;
    }
}

static void
commit_drag (StrataClipCanvas *self)
{
  StrataProject *project = strata_session_get_project (self->session);
  StrataClip *clip = self->press.clip;
  GError *error = NULL;
  StrataCommand *command = NULL;

  switch (self->press.kind)
    {
    case HIT_CLIP:
      commit_move (self);
      return;
    case HIT_TRIM_START:
      if (self->preview_frame == strata_clip_get_start (clip))
        return;
      command = strata_commands_trim_clip_start (project, clip, self->preview_frame, &error);
      break;
    case HIT_TRIM_END:
      if (self->preview_frame == strata_clip_get_end (clip))
        return;
      command = strata_commands_trim_clip_end (project, clip, self->preview_frame, &error);
      break;
    case HIT_FADE_IN:
      command = strata_commands_set_fades (project, clip, self->preview_frame,
                                           strata_clip_get_fade_out (clip), &error);
      break;
    case HIT_FADE_OUT:
      command = strata_commands_set_fades (project, clip, strata_clip_get_fade_in (clip),
                                           self->preview_frame, &error);
      break;
    case HIT_POINT:
      command = strata_commands_move_point (project, self->press.lane, self->press.point,
                                            self->preview_frame, self->preview_value, &error);
      if (strata_session_apply (self->session, command, error))
        select_point (self, self->press.lane,
                      find_point (self->press.lane, self->preview_frame, self->preview_value));
      return;
    case HIT_NONE:
      rubber_band_select (self);
      return;
    case HIT_TAKE:
    case HIT_LANE:
      return;
    }
  apply (self, command, error);
}

/* ---- signal callbacks ----------------------------------------------------------------- */

/* The gesture, apart from the event plumbing, so that strata_clip_canvas_drag() runs the very
 * same code. */
static void
press (StrataClipCanvas *self, double x, double y, GdkModifierType state)
{
  hit_test (self, x, y, &self->press);
  self->press_x = x;
  self->press_y = y;
  self->press_left = hoffset (self) * zoom (self);
  self->press_top = voffset (self);
  self->drag_dx = self->drag_dy = 0;
  self->dragging = FALSE;
  self->press_state = state;
  self->press_was_selected = FALSE;
  if (self->press.track != NULL)
    g_set_object (&self->current_track, self->press.track);

  switch (self->press.kind)
    {
    case HIT_CLIP:
    case HIT_TRIM_START:
    case HIT_TRIM_END:
    case HIT_FADE_IN:
    case HIT_FADE_OUT:
      select_point (self, NULL, 0);
      self->press_was_selected = strata_session_is_selected (self->session, self->press.clip);
      if (!self->press_was_selected)
        strata_session_select (self->session, self->press.clip,
                               state & GDK_SHIFT_MASK ? STRATA_SELECT_ADD
                               : state & GDK_CONTROL_MASK ? STRATA_SELECT_TOGGLE
                               : STRATA_SELECT_REPLACE);
      break;
    case HIT_POINT:
      strata_session_clear_selection (self->session);
      select_point (self, self->press.lane, self->press.point);
      break;
    default:
      break;
    }
}

static void drag_to (StrataClipCanvas *self, double dx, double dy, GdkModifierType state);

/* Pixels a second the view scrolls with the drag's pointer at or past one of its edges:
 * negative towards the start or the top, 0 away from the edges. Vertically only moves and
 * the rubber band scroll: a trim, fade or point drag stays on its row. */
static double
autoscroll_speed (StrataClipCanvas *self, gboolean horizontal)
{
  double at = horizontal ? self->press_x + self->drag_dx : self->press_y + self->drag_dy;
  double size = gtk_widget_get_size (GTK_WIDGET (self),
                                     horizontal ? GTK_ORIENTATION_HORIZONTAL
                                                : GTK_ORIENTATION_VERTICAL);
  double into;

  if (!self->dragging
      || (!horizontal && self->press.kind != HIT_CLIP && self->press.kind != HIT_NONE))
    return 0;
  into = at < AUTOSCROLL_EDGE_PX ? at - AUTOSCROLL_EDGE_PX
         : at > size - AUTOSCROLL_EDGE_PX ? at - (size - AUTOSCROLL_EDGE_PX) : 0;
  if (into == 0)
    return 0;
  /* Faster the further in, 20 px/s a pixel: a hand can both creep and rush. */
  return copysign (CLAMP (fabs (into) * 20.0, AUTOSCROLL_MIN_PX, AUTOSCROLL_MAX_PX), into);
}

/* While a drag holds the pointer at an edge, the view scrolls under it (past the song's end
 * too: the adjustment grows) and the drag's preview follows, as if the pointer moved. */
static gboolean
autoscroll_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (widget);
  double sx = autoscroll_speed (self, TRUE), sy = autoscroll_speed (self, FALSE);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double dt = self->autoscroll_time != 0 ? MIN ((now - self->autoscroll_time) / 1e6, 0.1)
                                         : 1.0 / 60.0;

  if (sx == 0 && sy == 0)
    {
      self->autoscroll_id = 0;
      self->autoscroll_time = 0;
      return G_SOURCE_REMOVE;
    }
  self->autoscroll_time = now;
  if (sx != 0 && self->hadjustment != NULL)
    configure_hadjustment (self, MAX (0.0, hoffset (self) + sx * dt));
  if (sy != 0 && self->vadjustment != NULL)
    gtk_adjustment_set_value (self->vadjustment, voffset (self) + sy * dt);
  drag_to (self, self->drag_dx, self->drag_dy, self->drag_state);
  return G_SOURCE_CONTINUE;
}

static void
stop_autoscroll (StrataClipCanvas *self)
{
  if (self->autoscroll_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->autoscroll_id);
  self->autoscroll_id = 0;
  self->autoscroll_time = 0;
}

static void
drag_to (StrataClipCanvas *self, double dx, double dy, GdkModifierType state)
{
  if (!self->dragging && hypot (dx, dy) < DRAG_THRESHOLD_PX)
    return;
  self->dragging = TRUE;
  self->drag_dx = dx;
  self->drag_dy = dy;
  self->drag_state = state;
  if (self->autoscroll_id == 0 && (autoscroll_speed (self, TRUE) != 0
                                   || autoscroll_speed (self, FALSE) != 0))
    self->autoscroll_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), autoscroll_tick,
                                                        NULL, NULL);
  switch (self->press.kind)
    {
    case HIT_CLIP:
      update_move (self, state);
      break;
    case HIT_TRIM_START:
    case HIT_TRIM_END:
      update_trim (self, state);
      break;
    case HIT_FADE_IN:
    case HIT_FADE_OUT:
      update_fade (self);
      break;
    case HIT_POINT:
      update_point (self, state);
      break;
    default:
      break;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
release (StrataClipCanvas *self, double dx, double dy, GdkModifierType state)
{
  drag_to (self, dx, dy, state);
  stop_autoscroll (self);
  if (self->dragging)
    commit_drag (self);
  else
    click (self);
  self->dragging = FALSE;
  hit_clear (&self->press);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static GdkModifierType
event_state (gpointer controller)
{
  return gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
}

static void
drag_begin_cb (StrataClipCanvas *self, double x, double y, GtkGestureDrag *gesture)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  /* Away from a text entry, so that Delete after a click deletes clips, not characters. */
  gtk_widget_grab_focus (GTK_WIDGET (self));
  press (self, x, y, event_state (gesture));
}

static void
drag_update_cb (StrataClipCanvas *self, double dx, double dy, GtkGestureDrag *gesture)
{
  drag_to (self, dx, dy, event_state (gesture));
}

static void
drag_end_cb (StrataClipCanvas *self, double dx, double dy, GtkGestureDrag *gesture)
{
  release (self, dx, dy, event_state (gesture));
}

static void
drag_cancel_cb (StrataClipCanvas *self, GdkEventSequence *sequence, GtkGesture *gesture)
{
  stop_autoscroll (self);
  self->dragging = FALSE;
  hit_clear (&self->press);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (StrataClipCanvas *self, double x, double y, GtkEventControllerMotion *controller)
{
  Hit hit = { HIT_NONE, -1, NULL, NULL, 0, NULL, NULL, 0 };
  const char *cursor = NULL;

  self->pointer_x = x;
  if (self->dragging)
    return;
  hit_test (self, x, y, &hit);
  switch (hit.kind)
    {
    case HIT_TRIM_START:
    case HIT_TRIM_END:
    case HIT_FADE_IN:
    case HIT_FADE_OUT:
      cursor = "ew-resize";
      break;
    case HIT_POINT:
    case HIT_TAKE:
      cursor = "pointer";
      break;
    default:
      break;
    }
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), cursor);
  hit_clear (&hit);
}

/* Zooms to `frames_per_pixel` keeping the frame at widget x `anchor` where it is. */
static void
zoom_around (StrataClipCanvas *self, double frames_per_pixel, double anchor)
{
  self->zoom_anchor = anchor;
  strata_session_set_zoom (self->session, frames_per_pixel);
  self->zoom_anchor = 0;
}

static gboolean
scroll (StrataClipCanvas *self, double dx, double dy, GdkModifierType state)
{
  GdkModifierType mods = state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK);

  if (mods == (GDK_CONTROL_MASK | GDK_SHIFT_MASK))
    {
      strata_session_set_track_height (self->session,
                                       strata_session_get_track_height (self->session)
                                       - (int) round (dy * 8));
      return TRUE;
    }
  if (mods == GDK_CONTROL_MASK)
    {
      zoom_around (self, zoom (self) * pow (1.25, dy), self->pointer_x);
      return TRUE;
    }
  if (mods == GDK_SHIFT_MASK && self->hadjustment != NULL)
    {
      double step = gtk_adjustment_get_page_size (self->hadjustment) * 0.1;

      gtk_adjustment_set_value (self->hadjustment,
                                gtk_adjustment_get_value (self->hadjustment)
                                + (dy != 0 ? dy : dx) * step);
      return TRUE;
    }
  /* Plain scrolling is the scrolled window's. */
  return FALSE;
}

static gboolean
scroll_cb (StrataClipCanvas *self, double dx, double dy, GtkEventControllerScroll *controller)
{
  return scroll (self, dx, dy, event_state (controller));
}

static void
zoom_changed_cb (StrataClipCanvas *self)
{
  double old_zoom = self->zoom;
  double frame = (self->zoom_anchor + hoffset (self)) * old_zoom;

  self->zoom = zoom (self);
  configure_hadjustment (self, frame / self->zoom - self->zoom_anchor);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* While playing, the view pages along when the playhead leaves it. */
static void
position_changed_cb (StrataClipCanvas *self)
{
  double x = frame_x (self, strata_session_get_position (self->session));
  double width = gtk_widget_get_width (GTK_WIDGET (self));

  if (strata_session_get_playing (self->session) && width > 0 && (x < 0 || x >= width))
    configure_hadjustment (self, hoffset (self) + x);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
project_changed_cb (StrataClipCanvas *self)
{
  self->rows_valid = FALSE;
  if (self->selected_lane != NULL)
    {
      guint n;
      strata_automation_lane_get_points (self->selected_lane, &n);
      if (self->selected_point >= n)
        select_point (self, NULL, 0);
    }
  configure_hadjustment (self, hoffset (self));
  configure_vadjustment (self, voffset (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
queue_draw_cb (StrataClipCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
style_changed_cb (StrataClipCanvas *self)
{
  g_hash_table_remove_all (self->text_nodes);
  g_hash_table_remove_all (self->waves);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
unwatch_clip_models (StrataClipCanvas *self)
{
  for (guint i = 0; i < self->clip_models->len; i++)
    g_signal_handlers_disconnect_by_data (self->clip_models->pdata[i], self);
  g_ptr_array_set_size (self->clip_models, 0);
}

static void
watch_model (StrataClipCanvas *self, GListModel *model)
{
  g_ptr_array_add (self->clip_models, g_object_ref (model));
  /* Takes change the rows at once, before the project's "changed" comes round. */
  g_signal_connect_swapped (model, "items-changed", G_CALLBACK (invalidate_layout), self);
}

static void
tracks_changed_cb (StrataClipCanvas *self)
{
  unwatch_clip_models (self);
  for (guint i = 0; i < g_list_model_get_n_items (self->tracks); i++)
    {
      StrataTrack *track = track_nth (self, i);

      watch_model (self, strata_track_get_clips (track));
      watch_model (self, strata_track_get_takes (track));
    }
  invalidate_layout (self);
}

static void
adjustment_changed_cb (StrataClipCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
query_tooltip_cb (StrataClipCanvas *self, int x, int y, gboolean keyboard, GtkTooltip *tooltip)
{
  Hit hit = { HIT_NONE, -1, NULL, NULL, 0, NULL, NULL, 0 };
  g_autofree char *text = NULL;

  if (keyboard)
    return FALSE;
  hit_test (self, x, y, &hit);
  switch (hit.kind)
    {
    case HIT_CLIP:
      text = g_strdup_printf (_("%s — click to select, drag to move (Alt: no snap)"),
                              strata_source_get_name (strata_clip_get_source (hit.clip)));
      break;
    case HIT_TRIM_START:
    case HIT_TRIM_END:
      text = g_strdup (_("Drag to trim the clip"));
      break;
    case HIT_FADE_IN:
    case HIT_FADE_OUT:
      text = g_strdup (_("Drag to set the fade"));
      break;
    case HIT_TAKE:
      text = g_strdup (_("Click to make this take the active one"));
      break;
    case HIT_LANE:
      text = g_strdup (_("Click to add an automation point"));
      break;
    case HIT_POINT:
      {
        guint n;
        const StrataAutomationPoint *points = strata_automation_lane_get_points (hit.lane, &n);
        text = format_value (lane_desc (hit.track, hit.param), points[hit.point].value);
      }
      break;
    case HIT_NONE:
      text = g_strdup (_("Click to place the playhead, drag to select clips"));
      break;
    }
  hit_clear (&hit);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* ---- actions -------------------------------------------------------------------------- */


/* The clip of `track` under `frame`, or NULL. */
static StrataClip *
clip_under (StrataTrack *track, gint64 frame)
{
  GListModel *clips = strata_track_get_clips (track);

  for (guint i = 0; i < g_list_model_get_n_items (clips); i++)
    {
      g_autoptr(StrataClip) clip = g_list_model_get_item (clips, i);

      if (strata_clip_get_start (clip) < frame && frame < strata_clip_get_end (clip))
        return clip;  /* borrowed: the track keeps it */
    }
  return NULL;
}

static void
split_action (GtkWidget *widget, const char *name, GVariant *param)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (widget);
  StrataProject *project = strata_session_get_project (self->session);
  gint64 position = strata_session_get_position (self->session);
  g_autoptr(GPtrArray) targets = g_ptr_array_new ();
  StrataCommand *group;
  g_autoptr(GPtrArray) selection = selected_clips (self);
  guint n = selection->len;
  StrataClip **clips = (StrataClip **) selection->pdata;

  for (guint i = 0; i < n; i++)
    if (strata_clip_get_start (clips[i]) < position && position < strata_clip_get_end (clips[i]))
      g_ptr_array_add (targets, clips[i]);
  if (targets->len == 0 && n == 0 && self->current_track != NULL
      && row_of_track (self, self->current_track) >= 0)
    {
      StrataClip *clip = clip_under (self->current_track, position);
      if (clip != NULL)
        g_ptr_array_add (targets, clip);
    }
  if (targets->len == 0)
    {
      refuse (self, _("There is no clip under the playhead to split"));
      return;
    }
  group = strata_group_command_new (targets->len == 1 ? _("Split Clip") : _("Split Clips"));
  for (guint i = 0; i < targets->len; i++)
    {
      GError *error = NULL;
      StrataCommand *command = strata_commands_split_clip (project, targets->pdata[i], position,
                                                           &error);
      if (command == NULL)
        {
          g_object_unref (group);
          apply (self, NULL, error);
          return;
        }
      strata_group_command_add (group, command);
    }
  apply (self, group, NULL);
}

static void
join_action (GtkWidget *widget, const char *name, GVariant *param)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (widget);
  GError *error = NULL;
  StrataCommand *command;
  g_autoptr(GPtrArray) selection = selected_clips (self);
  guint n = selection->len;
  StrataClip **clips = (StrataClip **) selection->pdata;

  command = strata_commands_join_clips (strata_session_get_project (self->session), clips, n,
                                        &error);
  apply (self, command, error);
}

static void
delete_clips (StrataClipCanvas *self, const char *one, const char *many)
{
  g_autoptr(GPtrArray) selection = selected_clips (self);
  guint n = selection->len;
  StrataClip **clips = (StrataClip **) selection->pdata;
  StrataCommand *command;

  if (n == 0)
    return;
  command = strata_commands_remove_clips (strata_session_get_project (self->session), clips, n);
  if (strata_session_apply (self->session, command, NULL))
    strata_session_toast (self->session, n == 1 ? one : many, TRUE);
}

/* An effect parameter's lane shows while it has points: before its last point goes, it is
 * added to the track's lanes, so that it does not vanish from under the pointer. */
static void
keep_lane (StrataClipCanvas *self, StrataAutomationLane *lane)
{
  const char *param = strata_automation_lane_get_param (lane);

  for (guint i = 0; i < g_list_model_get_n_items (self->tracks); i++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (self->tracks, i);

      if (strata_strip_find_lane (STRATA_STRIP (track), param) == lane)
        {
          if (g_str_has_prefix (param, "inserts["))
            strata_session_add_lane (self->session, track, param);
          return;
        }
    }
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (widget);

  if (self->selected_lane != NULL)
    {
      guint n;

      strata_automation_lane_get_points (self->selected_lane, &n);
      if (self->selected_point < n)
        {
          if (n == 1)
            keep_lane (self, self->selected_lane);
          apply (self, strata_commands_remove_point (strata_session_get_project (self->session),
                                                     self->selected_lane,
                                                     self->selected_point), NULL);
          select_point (self, NULL, 0);
          return;
        }
    }
  delete_clips (self, _("Clip deleted"), _("Clips deleted"));
}

static void
duplicate_action (GtkWidget *widget, const char *name, GVariant *param)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (widget);
  g_autoptr(GPtrArray) originals = NULL;
  g_autoptr(GPtrArray) copies = g_ptr_array_new ();
  gint64 first = G_MAXINT64, last = G_MININT64;
  GError *error = NULL;
  StrataCommand *command;
  g_autoptr(GPtrArray) selection = selected_clips (self);
  guint n = selection->len;
  StrataClip **clips = (StrataClip **) selection->pdata;

  if (n == 0)
    return;
  originals = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (originals, g_object_ref (clips[i]));
      first = MIN (first, strata_clip_get_start (clips[i]));
      last = MAX (last, strata_clip_get_end (clips[i]));
    }
  command = strata_commands_duplicate_clips (strata_session_get_project (self->session),
                                            (StrataClip **) originals->pdata, n, &error);
  if (!strata_session_apply (self->session, command, error))
    return;
  /* The copies become the selection, so that Ctrl+D again repeats the pattern. */
  for (guint i = 0; i < originals->len; i++)
    {
      StrataTrack *track = strata_timeline_find_clip (strata_session_get_timeline (self->session),
                                                      originals->pdata[i], NULL);
      StrataClip *copy = track != NULL
                         ? clip_under (track, strata_clip_get_start (originals->pdata[i])
                                              + (last - first) + 1)
                         : NULL;
      if (copy != NULL)
        g_ptr_array_add (copies, copy);
    }
  strata_session_select_clips (self->session, (StrataClip **) copies->pdata, copies->len,
                               STRATA_SELECT_REPLACE);
}

static void
clipboard_entry_clear (ClipboardEntry *entry)
{
  g_clear_object (&entry->clip);
}

static void
copy_action (GtkWidget *widget, const char *name, GVariant *param)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (widget);
  gint64 first = G_MAXINT64;
  int first_track = G_MAXINT;
  g_autoptr(GPtrArray) selection = selected_clips (self);
  guint n = selection->len;
  StrataClip **clips = (StrataClip **) selection->pdata;

  if (n == 0)
    return;
  for (guint i = 0; i < n; i++)
    {
      first = MIN (first, strata_clip_get_start (clips[i]));
      first_track = MIN (first_track, track_position (self, clips[i]));
    }
  g_array_set_size (self->clipboard, 0);
  for (guint i = 0; i < n; i++)
    {
      ClipboardEntry entry = {
        strata_clip_copy (clips[i]), track_position (self, clips[i]) - first_track,
        strata_clip_get_start (clips[i]) - first,
      };
      g_array_append_val (self->clipboard, entry);
    }
}

static void
cut_action (GtkWidget *widget, const char *name, GVariant *param)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (widget);

  copy_action (widget, name, param);
  delete_clips (self, _("Clip cut"), _("Clips cut"));
}

static void
paste_action (GtkWidget *widget, const char *name, GVariant *param)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (widget);
  StrataProject *project = strata_session_get_project (self->session);
  gint64 position = strata_session_get_position (self->session);
  g_autoptr(GPtrArray) pasted = g_ptr_array_new_with_free_func (g_object_unref);
  StrataCommand *group;
  guint n_tracks = g_list_model_get_n_items (self->tracks);
  g_autoptr(GPtrArray) selection = selected_clips (self);
  guint n = selection->len;
  StrataClip **clips = (StrataClip **) selection->pdata;
  int target = n > 0 ? MAX (0, track_position (self, clips[0])) : 0;

  if (self->clipboard->len == 0)
    return;
  group = strata_group_command_new (_("Paste"));
  for (guint i = 0; i < self->clipboard->len; i++)
    {
      ClipboardEntry *entry = &g_array_index (self->clipboard, ClipboardEntry, i);
      guint position_in_list = target + entry->track_offset;
      g_autoptr(StrataClip) copy = strata_clip_copy (entry->clip);
      GError *error = NULL;
      StrataCommand *command;

      if (position_in_list >= n_tracks)
        {
          g_object_unref (group);
          refuse (self, _("There are not enough tracks below to paste onto"));
          return;
        }
      g_object_set (copy, "start", position + entry->offset, NULL);
      command = strata_commands_add_clip (project, track_nth (self, position_in_list), copy,
                                          &error);
      if (command == NULL)
        {
          g_object_unref (group);
          apply (self, NULL, error);
          return;
        }
      strata_group_command_add (group, command);
      g_ptr_array_add (pasted, g_steal_pointer (&copy));
    }
  if (strata_session_apply (self->session, group, NULL))
    strata_session_select_clips (self->session, (StrataClip **) pasted->pdata, pasted->len,
                                 STRATA_SELECT_REPLACE);
}

static void
select_all_action (GtkWidget *widget, const char *name, GVariant *param)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (widget);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (self->tracks); i++)
    {
      GListModel *clips = strata_track_get_clips (track_nth (self, i));

      for (guint j = 0; j < g_list_model_get_n_items (clips); j++)
        g_ptr_array_add (all, g_list_model_get_item (clips, j));
    }
  strata_session_select_clips (self->session, (StrataClip **) all->pdata, all->len,
                               STRATA_SELECT_REPLACE);
}

static void
zoom_to_fit_action (GtkWidget *widget, const char *name, GVariant *param)
{
  if (gtk_widget_get_mapped (widget))
    strata_clip_canvas_zoom_to_fit (STRATA_CLIP_CANVAS (widget));
}

/* ---- overrides ------------------------------------------------------------------------ */

static void
set_adjustment (StrataClipCanvas *self, GtkAdjustment **slot, GtkAdjustment *adjustment)
{
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (*slot == adjustment)
    return;
  if (*slot != NULL)
    g_signal_handlers_disconnect_by_data (*slot, self);
  g_clear_object (slot);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect_swapped (adjustment, "value-changed", G_CALLBACK (adjustment_changed_cb),
                            self);
  /* Before constructed(): it configures both. */
  if (self->tracks == NULL)
    return;
  if (slot == &self->hadjustment)
    configure_hadjustment (self, gtk_adjustment_get_value (adjustment));
  else
    configure_vadjustment (self, gtk_adjustment_get_value (adjustment));
}

static void
strata_clip_canvas_constructed (GObject *object)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (object);
  StrataProject *project;

  G_OBJECT_CLASS (strata_clip_canvas_parent_class)->constructed (object);
  g_assert (self->session != NULL);
  project = strata_session_get_project (self->session);
  self->tracks = g_object_ref (strata_timeline_get_tracks (strata_session_get_timeline
                                                             (self->session)));
  self->zoom = zoom (self);

  g_signal_connect_object (project, "changed", G_CALLBACK (project_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "layout-changed", G_CALLBACK (invalidate_layout),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "selection-changed", G_CALLBACK (queue_draw_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::zoom", G_CALLBACK (zoom_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::position", G_CALLBACK (position_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (strata_session_get_peak_cache (self->session), "ready",
                           G_CALLBACK (queue_draw_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tracks, "items-changed", G_CALLBACK (tracks_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  tracks_changed_cb (self);
  configure_hadjustment (self, hoffset (self));
  configure_vadjustment (self, voffset (self));
}

static void
strata_clip_canvas_dispose (GObject *object)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (object);

  hit_clear (&self->press);
  stop_autoscroll (self);
  g_clear_handle_id (&self->refine_id, g_source_remove);
  if (self->clip_models != NULL)
    unwatch_clip_models (self);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->hadjustment, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  g_clear_object (&self->selected_lane);
  g_clear_object (&self->current_track);
  g_clear_object (&self->tracks);
  g_clear_object (&self->session);
  g_clear_pointer (&self->clipboard, g_array_unref);
  if (self->waves != NULL)
    g_hash_table_remove_all (self->waves);
  G_OBJECT_CLASS (strata_clip_canvas_parent_class)->dispose (object);
}

static void
strata_clip_canvas_finalize (GObject *object)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (object);

  g_array_unref (self->rows);
  g_ptr_array_unref (self->clip_models);
  g_hash_table_unref (self->text_nodes);
  g_hash_table_unref (self->waves);
  G_OBJECT_CLASS (strata_clip_canvas_parent_class)->finalize (object);
}

static void
strata_clip_canvas_get_property (GObject *object, guint prop_id, GValue *value,
                                 GParamSpec *pspec)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_clip_canvas_set_property (GObject *object, guint prop_id, const GValue *value,
                                 GParamSpec *pspec)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      if (self->hscroll_policy != (GtkScrollablePolicy) g_value_get_enum (value))
        {
          self->hscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_VSCROLL_POLICY:
      if (self->vscroll_policy != (GtkScrollablePolicy) g_value_get_enum (value))
        {
          self->vscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_clip_canvas_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                            int *minimum, int *natural, int *minimum_baseline,
                            int *natural_baseline)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (widget);

  *minimum = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = (int) MIN (song_end_with_room (self) / zoom (self), 4096.0);
  else
    {
      ensure_rows (self);
      *natural = self->content_height;
    }
}

static void
strata_clip_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  StrataClipCanvas *self = STRATA_CLIP_CANVAS (widget);

  configure_hadjustment (self, hoffset (self));
  configure_vadjustment (self, voffset (self));
}

/* The editing keys are global shortcuts, so they work wherever the focus is on the arrange
 * page. While the canvas is not shown (the Mix page) its actions are off, and the keys go on
 * to whatever has the focus there. */
static const char *const edit_actions[] = {
  "canvas.split", "canvas.join", "canvas.delete", "canvas.duplicate", "canvas.copy",
  "canvas.cut", "canvas.paste", "canvas.select-all",
};

static void
set_edit_actions_enabled (GtkWidget *widget, gboolean enabled)
{
  for (guint i = 0; i < G_N_ELEMENTS (edit_actions); i++)
    gtk_widget_action_set_enabled (widget, edit_actions[i], enabled);
}

static void
strata_clip_canvas_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (strata_clip_canvas_parent_class)->map (widget);
  set_edit_actions_enabled (widget, TRUE);
}

static void
strata_clip_canvas_unmap (GtkWidget *widget)
{
  set_edit_actions_enabled (widget, FALSE);
  GTK_WIDGET_CLASS (strata_clip_canvas_parent_class)->unmap (widget);
}

static void
strata_clip_canvas_class_init (StrataClipCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = strata_clip_canvas_constructed;
  object_class->dispose = strata_clip_canvas_dispose;
  object_class->finalize = strata_clip_canvas_finalize;
  object_class->get_property = strata_clip_canvas_get_property;
  object_class->set_property = strata_clip_canvas_set_property;
  widget_class->snapshot = strata_clip_canvas_snapshot;
  widget_class->measure = strata_clip_canvas_measure;
  widget_class->size_allocate = strata_clip_canvas_size_allocate;
  widget_class->map = strata_clip_canvas_map;
  widget_class->unmap = strata_clip_canvas_unmap;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, STRATA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_install_action (widget_class, "canvas.split", NULL, split_action);
  gtk_widget_class_install_action (widget_class, "canvas.join", NULL, join_action);
  gtk_widget_class_install_action (widget_class, "canvas.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "canvas.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "canvas.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "canvas.cut", NULL, cut_action);
  gtk_widget_class_install_action (widget_class, "canvas.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "canvas.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-to-fit", NULL,
                                   zoom_to_fit_action);
  gtk_widget_class_set_css_name (widget_class, "clipcanvas");
}

static void
add_shortcut (GtkShortcutController *controller, const char *trigger, const char *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string
                                                            (trigger),
                                                          gtk_named_action_new (action)));
}

static void
strata_clip_canvas_init (StrataClipCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  set_edit_actions_enabled (widget, FALSE);
  self->rows = g_array_new (FALSE, FALSE, sizeof (Row));
  g_array_set_clear_func (self->rows, (GDestroyNotify) row_clear);
  self->clip_models = g_ptr_array_new_with_free_func (g_object_unref);
  self->text_nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) gsk_render_node_unref);
  self->waves = g_hash_table_new_full (NULL, NULL, g_object_unref, (GDestroyNotify) wave_free);
  self->clipboard = g_array_new (FALSE, FALSE, sizeof (ClipboardEntry));
  g_array_set_clear_func (self->clipboard, (GDestroyNotify) clipboard_entry_clear);
  self->press.row = -1;

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect_swapped (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect_swapped (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  g_signal_connect_swapped (drag, "cancel", G_CALLBACK (drag_cancel_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  g_signal_connect_swapped (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (widget, scroll);

  g_signal_connect_swapped (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (widget, motion);

  /* Global: the edit keys work whatever has the focus; the actions check that the canvas is
   * showing. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                     GTK_SHORTCUT_SCOPE_GLOBAL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "s", "canvas.split");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>j", "canvas.join");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "Delete|BackSpace", "canvas.delete");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>d", "canvas.duplicate");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>c", "canvas.copy");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>x", "canvas.cut");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>v", "canvas.paste");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>a", "canvas.select-all");
  gtk_widget_add_controller (widget, shortcuts);

  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_focusable (widget, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Clips"), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The song's clips on a time grid, one row per track"), -1);
}

/* ---- public API ----------------------------------------------------------------------- */

GtkWidget *
strata_clip_canvas_new (StrataSession *session)
{
  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);
  return g_object_new (STRATA_TYPE_CLIP_CANVAS, "session", session, NULL);
}

void
strata_clip_canvas_zoom_to_fit (StrataClipCanvas *self)
{
  double width;
  gint64 end;

  g_return_if_fail (STRATA_IS_CLIP_CANVAS (self));

  width = gtk_widget_get_width (GTK_WIDGET (self));
  if (width <= 0)
    width = 800;
  end = strata_session_get_end (self->session);
  if (end <= 0)
    end = strata_tempo_map_bbt_to_frame (strata_session_get_tempo_map (self->session),
                                         &(StrataBbt) { 1 + EXTRA_BARS, 1, 0 });
  /* A margin after the end, so that the last clip's edge can be grabbed. */
  zoom_around (self, end / (width * 0.95), 0);
  configure_hadjustment (self, 0);
}

StrataTrack *
strata_clip_canvas_track_at (StrataClipCanvas *self, double y)
{
  int row;

  g_return_val_if_fail (STRATA_IS_CLIP_CANVAS (self), NULL);

  row = row_at (self, y + voffset (self));
  return row >= 0 ? row_nth (self, row)->track : NULL;
}

gboolean
strata_clip_canvas_scroll (StrataClipCanvas *self, double x, double dx, double dy,
                           GdkModifierType state)
{
  g_return_val_if_fail (STRATA_IS_CLIP_CANVAS (self), FALSE);

  self->pointer_x = x;
  return scroll (self, dx, dy, state);
}

void
strata_clip_canvas_drag (StrataClipCanvas *self, double x, double y, double dx, double dy,
                         GdkModifierType state)
{
  g_return_if_fail (STRATA_IS_CLIP_CANVAS (self));

  press (self, x, y, state);
  if (dx != 0 || dy != 0)
    {
      /* Halfway first, as a pointer passes through on its way. */
      drag_to (self, dx / 2, dy / 2, state);
      drag_to (self, dx, dy, state);
    }
  release (self, dx, dy, state);
}

gint64
strata_clip_canvas_frame_at (StrataClipCanvas *self, double x)
{
  g_return_val_if_fail (STRATA_IS_CLIP_CANVAS (self), 0);
  return MAX (0, (gint64) floor ((x + hoffset (self)) * zoom (self)));
}
