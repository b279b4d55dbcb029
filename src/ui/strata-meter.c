/* strata-meter.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The strip's meter, drawn with GtkSnapshot on a dark trough (so that it reads the same in the
 * dark and the light style): per channel the peak bar, the RMS as a darker inner bar and the
 * peak hold as a line, coloured green below -12 dBFS, yellow to -3 dBFS and red above; the
 * clip indicator on top.
 */
#define G_LOG_DOMAIN "strata-meter"

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-meter.h"

#define CLIP_HEIGHT 8
#define CLIP_GAP    3
#define BAR_WIDTH   8
#define BAR_GAP     2
#define PAD         2

struct _StrataMeterWidget
{
  GtkWidget   parent_instance;
  StrataMeter levels;
  gboolean    clip_lit;
};

G_DEFINE_FINAL_TYPE (StrataMeterWidget, strata_meter_widget, GTK_TYPE_WIDGET)

enum { SIGNAL_CLIP_RESET, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The colour zones, bottom up: each lights from the previous one's top to its own. */
static const struct
{
  gdouble top_db;
  GdkRGBA color;
} zones[] = {
  { -12.0, { 0.18, 0.76, 0.49, 1 } },
  { -3.0, { 0.96, 0.76, 0.07, 1 } },
  { STRATA_METER_TOP_DB, { 0.88, 0.11, 0.14, 1 } },
};

static gdouble
db_to_fraction (gdouble db)
{
  return CLAMP ((db - STRATA_METER_FLOOR_DB) / (STRATA_METER_TOP_DB - STRATA_METER_FLOOR_DB),
                0.0, 1.0);
}

static const GdkRGBA *
zone_color (gdouble fraction)
{
  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    if (fraction <= db_to_fraction (zones[i].top_db))
      return &zones[i].color;
  return &zones[G_N_ELEMENTS (zones) - 1].color;
}

/* A bar from the bottom of `bar` to `fraction` of its height, in the zones' colours. */
static void
append_bar (GtkSnapshot *snapshot, const graphene_rect_t *bar, gdouble fraction,
            gdouble darken)
{
  gdouble bottom = bar->origin.y + bar->size.height;
  gdouble from = 0;

  for (guint i = 0; i < G_N_ELEMENTS (zones) && from < fraction; i++)
    {
      gdouble to = MIN (fraction, db_to_fraction (zones[i].top_db));
      GdkRGBA color = zones[i].color;

      color.red *= darken;
      color.green *= darken;
      color.blue *= darken;
      gtk_snapshot_append_color (snapshot, &color,
                                 &GRAPHENE_RECT_INIT (bar->origin.x,
                                                      bottom - to * bar->size.height,
                                                      bar->size.width,
                                                      (to - from) * bar->size.height));
      from = to;
    }
}

static void
pressed_cb (GtkGestureClick *gesture, int n_press, gdouble x, gdouble y,
            StrataMeterWidget *self)
{
  if (!self->clip_lit)
    return;
  self->clip_lit = FALSE;
  self->levels.clipped = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_CLIP_RESET], 0);
}

static void
strata_meter_widget_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 2 * PAD + 2 * BAR_WIDTH + BAR_GAP;
  else
    *minimum = *natural = CLIP_HEIGHT + CLIP_GAP + 120;
}

static void
strata_meter_widget_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  StrataMeterWidget *self = STRATA_METER_WIDGET (widget);
  int width = gtk_widget_get_width (widget);
  graphene_rect_t area;
  GskRoundedRect trough;
  GdkRGBA trough_color = { 0.08, 0.08, 0.08, 0.92 }, tick = { 1, 1, 1, 0.16 };
  GdkRGBA clip_on = { 1.0, 0.23, 0.19, 1 }, clip_off = { 0.45, 0.08, 0.08, 0.55 };
  static const gdouble ticks[] = { 0.0, -6.0, -12.0, -24.0, -48.0 };

  strata_meter_widget_get_bar_rect (self, &area);

  gsk_rounded_rect_init_from_rect (&trough, &GRAPHENE_RECT_INIT (0, 0, width, CLIP_HEIGHT), 2);
  gtk_snapshot_push_rounded_clip (snapshot, &trough);
  gtk_snapshot_append_color (snapshot, self->clip_lit ? &clip_on : &clip_off, &trough.bounds);
  gtk_snapshot_pop (snapshot);

  gsk_rounded_rect_init_from_rect (&trough, &GRAPHENE_RECT_INIT (0, area.origin.y - PAD, width,
                                                                 area.size.height + 2 * PAD), 3);
  gtk_snapshot_push_rounded_clip (snapshot, &trough);
  gtk_snapshot_append_color (snapshot, &trough_color, &trough.bounds);
  gtk_snapshot_pop (snapshot);

  for (guint c = 0; c < 2; c++)
    {
      graphene_rect_t bar = GRAPHENE_RECT_INIT (area.origin.x + c * (BAR_WIDTH + BAR_GAP),
                                                area.origin.y, BAR_WIDTH, area.size.height);
      graphene_rect_t inner = GRAPHENE_RECT_INIT (bar.origin.x + 2, bar.origin.y,
                                                  BAR_WIDTH - 4, bar.size.height);
      gdouble hold = strata_meter_widget_level_to_fraction (self->levels.hold[c]);

      append_bar (snapshot, &bar, strata_meter_widget_level_to_fraction (self->levels.peak[c]),
                  1.0);
      append_bar (snapshot, &inner, strata_meter_widget_level_to_fraction (self->levels.rms[c]),
                  0.6);
      if (hold > 0)
        gtk_snapshot_append_color (snapshot, zone_color (hold),
                                   &GRAPHENE_RECT_INIT (bar.origin.x,
                                                        bar.origin.y
                                                        + (1 - hold) * bar.size.height,
                                                        BAR_WIDTH, 2));
    }

  /* Reference lines across both bars, 0 dBFS the brightest. */
  for (guint i = 0; i < G_N_ELEMENTS (ticks); i++)
    {
      gdouble y = area.origin.y + (1 - db_to_fraction (ticks[i])) * area.size.height;
      GdkRGBA color = tick;

      if (ticks[i] == 0)
        color.alpha *= 2.5;
      gtk_snapshot_append_color (snapshot, &color,
                                 &GRAPHENE_RECT_INIT (area.origin.x, y, area.size.width, 1));
    }
}

static void
strata_meter_widget_class_init (StrataMeterWidgetClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->measure = strata_meter_widget_measure;
  widget_class->snapshot = strata_meter_widget_snapshot;

  signals[SIGNAL_CLIP_RESET] = g_signal_new ("clip-reset", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_METER);
  gtk_widget_class_set_css_name (widget_class, "meter");
}

static void
strata_meter_widget_init (StrataMeterWidget *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, STRATA_METER_FLOOR_DB,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, STRATA_METER_TOP_DB,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, STRATA_METER_FLOOR_DB,
                                  -1);
}

GtkWidget *
strata_meter_widget_new (void)
{
  return g_object_new (STRATA_TYPE_METER_WIDGET, NULL);
}

void
strata_meter_widget_set_levels (StrataMeterWidget *self, const StrataMeter *levels)
{
  g_return_if_fail (STRATA_IS_METER_WIDGET (self));
  g_return_if_fail (levels != NULL);

  if (memcmp (&self->levels, levels, sizeof *levels) == 0)
    return;
  self->levels = *levels;
  if (levels->clipped)
    self->clip_lit = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
strata_meter_widget_get_levels (StrataMeterWidget *self, StrataMeter *levels)
{
  g_return_if_fail (STRATA_IS_METER_WIDGET (self));
  g_return_if_fail (levels != NULL);
  *levels = self->levels;
}

gboolean
strata_meter_widget_get_clip_lit (StrataMeterWidget *self)
{
  g_return_val_if_fail (STRATA_IS_METER_WIDGET (self), FALSE);
  return self->clip_lit;
}

void
strata_meter_widget_get_bar_rect (StrataMeterWidget *self, graphene_rect_t *rect)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  gdouble top = CLIP_HEIGHT + CLIP_GAP + PAD;

  g_return_if_fail (STRATA_IS_METER_WIDGET (self));
  graphene_rect_init (rect, (width - (2 * BAR_WIDTH + BAR_GAP)) / 2.0, top,
                      2 * BAR_WIDTH + BAR_GAP, MAX (1, height - top - PAD));
}

gdouble
strata_meter_widget_level_to_fraction (gdouble amplitude)
{
  if (!(amplitude > 0))
    return 0.0;
  return db_to_fraction (20.0 * log10 (amplitude));
}
