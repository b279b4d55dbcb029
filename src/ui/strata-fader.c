/* strata-fader.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The channel strip's volume fader, drawn with GtkSnapshot: a groove with a cap, the dB marks
 * to its left and the value as text under it.
 *
 * The fader law is piecewise linear in dB between the points of `law` below: 0 dB sits at 80 %
 * of the travel and the usual mixing range (-24 .. +6 dB) takes two thirds of it, the way a
 * console's fader is printed, while -80 .. -48 dB is squeezed into the bottom eighth. The
 * bottom of the travel is -inf; a level below -80 dB is drawn there too.
 */
#define G_LOG_DOMAIN "strata-fader"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-fader.h"

#define SCALE_WIDTH 24     /* the dB marks */
#define CAP_WIDTH   28
#define CAP_HEIGHT  14
#define TRAVEL      200    /* natural length of the travel */
#define VALUE_HEIGHT 18    /* the value under the travel */
#define FINE_FACTOR 0.1    /* Ctrl drags this much finer */
#define NUDGE_DB    0.5
#define PAGE_DB     6.0

struct _StrataFader
{
  GtkWidget parent_instance;
  gdouble   value;        /* dB */
  gdouble   drag_pos;     /* travel position the drag has reached */
  gdouble   drag_last_y;  /* last offset seen, to apply Ctrl per step */
  guint     drag_key;
};

G_DEFINE_FINAL_TYPE (StrataFader, strata_fader, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_VALUE, N_PROPS };
enum { SIGNAL_MOVED, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const struct
{
  gdouble db;
  gdouble pos;
} law[] = {
  { STRATA_FADER_FLOOR_DB, 0.00 },
  { -60.0, 0.05 },
  { -48.0, 0.12 },
  { -24.0, 0.35 },
  { -12.0, 0.55 },
  { 0.0, 0.80 },
  { STRATA_FADER_MAX_DB, 1.00 },
};

static const gdouble marks[] = { 6.0, 0.0, -6.0, -12.0, -24.0, -48.0, -INFINITY };

/* "−6.0 dB" with a real minus sign, "−∞ dB" for silence. */
static char *
format_db (gdouble db)
{
  if (isinf (db) && db < 0)
    return g_strdup (_("−∞ dB"));
  if (db < -0.05)
    return g_strdup_printf (_("−%.1f dB"), -db);
  if (db >= 0.05)
    return g_strdup_printf (_("+%.1f dB"), db);
  return g_strdup (_("0.0 dB"));
}

static char *
format_mark (gdouble db)
{
  if (isinf (db))
    return g_strdup ("−∞");
  if (db < 0)
    return g_strdup_printf ("−%.0f", -db);
  if (db > 0)
    return g_strdup_printf ("+%.0f", db);
  return g_strdup ("0");
}

/* The travel's ends: the cap's centre at position 1 and at position 0. */
static void
get_travel (StrataFader *self, gdouble *top, gdouble *bottom)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  /* Not allocated yet (a test driving the gestures): the natural size. */
  if (height <= 0)
    height = TRAVEL + CAP_HEIGHT + VALUE_HEIGHT + 4;
  *top = CAP_HEIGHT / 2.0 + 2;
  *bottom = MAX (*top + 1, height - VALUE_HEIGHT - CAP_HEIGHT / 2.0 - 2);
}

static void
update_accessible (StrataFader *self)
{
  g_autofree char *text = format_db (self->value);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, STRATA_FADER_FLOOR_DB,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, STRATA_FADER_MAX_DB,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW,
                                  MAX (self->value, STRATA_FADER_FLOOR_DB),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text,
                                  -1);
}

/* A move the user made: shown at once, and told to whoever keeps the level. */
static void
user_set (StrataFader *self, gdouble value_db, guint merge_key)
{
  if (!(value_db > STRATA_FADER_FLOOR_DB))
    value_db = -INFINITY;
  value_db = MIN (value_db, STRATA_FADER_MAX_DB);
  if (value_db == self->value)
    return;
  strata_fader_set_value (self, value_db);
  g_signal_emit (self, signals[SIGNAL_MOVED], 0, self->value, merge_key);
}

/* Up from -inf lands on -60 dB, the bottom of the printed scale; down past the floor is -inf. */
static void
nudge (StrataFader *self, gdouble delta_db)
{
  gdouble value = self->value;

  if (isinf (value))
    {
      if (delta_db <= 0)
        return;
      value = -60.0;
    }
  else
    value += delta_db;
  user_set (self, value, strata_fader_next_merge_key ());
}

static gboolean
nudge_binding_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  nudge (STRATA_FADER (widget), g_variant_get_double (args));
  return TRUE;
}

static gboolean
reset_binding_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  user_set (STRATA_FADER (widget), 0.0, strata_fader_next_merge_key ());
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *gesture, gdouble x, gdouble y, StrataFader *self)
{
  self->drag_pos = strata_fader_db_to_position (self->value);
  self->drag_last_y = 0;
  self->drag_key = strata_fader_next_merge_key ();
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

/* Relative: grabbing the fader anywhere does not make it jump; Ctrl can be pressed or released
 * in the middle of a drag, so each step is scaled on its own. */
static void
drag_update_cb (GtkGestureDrag *gesture, gdouble offset_x, gdouble offset_y, StrataFader *self)
{
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  gdouble top, bottom, step;

  get_travel (self, &top, &bottom);
  step = -(offset_y - self->drag_last_y) / (bottom - top);
  if (state & GDK_CONTROL_MASK)
    step *= FINE_FACTOR;
  self->drag_last_y = offset_y;
  if (step == 0)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->drag_pos = CLAMP (self->drag_pos + step, 0.0, 1.0);
  user_set (self, strata_fader_position_to_db (self->drag_pos), self->drag_key);
}

static void
pressed_cb (GtkGestureClick *gesture, int n_press, gdouble x, gdouble y, StrataFader *self)
{
  if (n_press == 2)
    user_set (self, 0.0, strata_fader_next_merge_key ());
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller, gdouble dx, gdouble dy, StrataFader *self)
{
  if (dy == 0)
    return FALSE;
  nudge (self, dy < 0 ? NUDGE_DB : -NUDGE_DB);
  return TRUE;
}

static void
strata_fader_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = SCALE_WIDTH + 4 + CAP_WIDTH + 4;
  else
    {
      *minimum = TRAVEL / 2 + CAP_HEIGHT + VALUE_HEIGHT + 4;
      *natural = TRAVEL + CAP_HEIGHT + VALUE_HEIGHT + 4;
    }
}

static void
append_text (GtkWidget   *widget,
             GtkSnapshot *snapshot,
             const char  *text,
             gdouble      x,
             gdouble      y,
             gdouble      align,
             gboolean     small,
             const GdkRGBA *color)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x - w * align, y - h / 2.0));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
}

static void
strata_fader_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  StrataFader *self = STRATA_FADER (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gdouble top, bottom, cap_y;
  gdouble groove_x = SCALE_WIDTH + 4 + CAP_WIDTH / 2.0;
  g_autofree char *value_text = format_db (self->value);
  GdkRGBA fg, dim, groove = { 0, 0, 0, 0.55 }, cap = { 0.86, 0.86, 0.86, 1 };
  GdkRGBA cap_edge = { 0.2, 0.2, 0.2, 1 }, accent = { 0.21, 0.52, 0.89, 1 };
  GskRoundedRect rect;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  dim = fg;
  dim.alpha *= 0.55;
  get_travel (self, &top, &bottom);

  /* The dB marks, with ticks reaching to the groove. */
  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    {
      gdouble y = bottom - strata_fader_db_to_position (marks[i]) * (bottom - top);
      g_autofree char *text = format_mark (marks[i]);

      append_text (widget, snapshot, text, SCALE_WIDTH - 2, y, 1.0, TRUE,
                   marks[i] == 0 ? &fg : &dim);
      gtk_snapshot_append_color (snapshot, &dim,
                                 &GRAPHENE_RECT_INIT (SCALE_WIDTH, y, groove_x - 3 - SCALE_WIDTH,
                                                      marks[i] == 0 ? 1.5 : 1));
    }

  gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (groove_x - 2, top, 4,
                                                               bottom - top), 2);
  gtk_snapshot_push_rounded_clip (snapshot, &rect);
  gtk_snapshot_append_color (snapshot, &groove, &rect.bounds);
  gtk_snapshot_pop (snapshot);

  /* The cap, with the line that reads the level. */
  cap_y = bottom - strata_fader_db_to_position (self->value) * (bottom - top);
  gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (groove_x - CAP_WIDTH / 2.0,
                                                               cap_y - CAP_HEIGHT / 2.0,
                                                               CAP_WIDTH, CAP_HEIGHT), 3);
  gtk_snapshot_push_rounded_clip (snapshot, &rect);
  gtk_snapshot_append_color (snapshot, &cap, &rect.bounds);
  gtk_snapshot_append_color (snapshot, &cap_edge,
                             &GRAPHENE_RECT_INIT (rect.bounds.origin.x, cap_y - 1,
                                                  CAP_WIDTH, 2));
  gtk_snapshot_pop (snapshot);
  {
    const GdkRGBA *edge = gtk_widget_has_visible_focus (widget) ? &accent : &cap_edge;
    float widths[4] = { 1, 1, 1, 1 };
    GdkRGBA colors[4] = { *edge, *edge, *edge, *edge };

    if (gtk_widget_has_visible_focus (widget))
      widths[0] = widths[1] = widths[2] = widths[3] = 2;
    gtk_snapshot_append_border (snapshot, &rect, widths, colors);
  }

  append_text (widget, snapshot, value_text, width / 2.0, height - VALUE_HEIGHT / 2.0, 0.5,
               TRUE, &fg);
}

static void
strata_fader_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  StrataFader *self = STRATA_FADER (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      g_value_set_double (value, self->value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_fader_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  StrataFader *self = STRATA_FADER (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      strata_fader_set_value (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_nudge_binding (GtkWidgetClass *widget_class, guint key, guint keypad_key, gdouble db)
{
  gtk_widget_class_add_binding (widget_class, key, 0, nudge_binding_cb, "d", db);
  gtk_widget_class_add_binding (widget_class, keypad_key, 0, nudge_binding_cb, "d", db);
}

static void
strata_fader_class_init (StrataFaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = strata_fader_get_property;
  object_class->set_property = strata_fader_set_property;
  widget_class->measure = strata_fader_measure;
  widget_class->snapshot = strata_fader_snapshot;

  /* The model takes up to +12 dB; the travel stops at +6 but the value is shown as it is. */
  properties[PROP_VALUE] =
    g_param_spec_double ("value", NULL, NULL, -INFINITY, 12.0, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_MOVED] = g_signal_new ("moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                        G_TYPE_DOUBLE, G_TYPE_UINT);

  add_nudge_binding (widget_class, GDK_KEY_Up, GDK_KEY_KP_Up, NUDGE_DB);
  add_nudge_binding (widget_class, GDK_KEY_Down, GDK_KEY_KP_Down, -NUDGE_DB);
  add_nudge_binding (widget_class, GDK_KEY_Page_Up, GDK_KEY_KP_Page_Up, PAGE_DB);
  add_nudge_binding (widget_class, GDK_KEY_Page_Down, GDK_KEY_KP_Page_Down, -PAGE_DB);
  /* 0 for 0 dB: Home and End belong to the transport wherever the focus is. */
  gtk_widget_class_add_binding (widget_class, GDK_KEY_0, 0, reset_binding_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_0, 0, reset_binding_cb, NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_SLIDER);
  gtk_widget_class_set_css_name (widget_class, "fader");
}

static void
strata_fader_init (StrataFader *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL
                                     | GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);

  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  update_accessible (self);
}

GtkWidget *
strata_fader_new (void)
{
  return g_object_new (STRATA_TYPE_FADER, NULL);
}

gdouble
strata_fader_get_value (StrataFader *self)
{
  g_return_val_if_fail (STRATA_IS_FADER (self), 0);
  return self->value;
}

void
strata_fader_set_value (StrataFader *self, gdouble value_db)
{
  g_return_if_fail (STRATA_IS_FADER (self));
  g_return_if_fail (!isnan (value_db));

  if (value_db == self->value)
    return;
  self->value = value_db;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

gdouble
strata_fader_db_to_position (gdouble value_db)
{
  if (!(value_db > law[0].db))
    return 0.0;
  for (guint i = 1; i < G_N_ELEMENTS (law); i++)
    if (value_db <= law[i].db)
      return law[i - 1].pos + (value_db - law[i - 1].db) / (law[i].db - law[i - 1].db)
                              * (law[i].pos - law[i - 1].pos);
  return 1.0;
}

gdouble
strata_fader_position_to_db (gdouble position)
{
  if (!(position > 0.0))
    return -INFINITY;
  for (guint i = 1; i < G_N_ELEMENTS (law); i++)
    if (position <= law[i].pos)
      return law[i - 1].db + (position - law[i - 1].pos) / (law[i].pos - law[i - 1].pos)
                             * (law[i].db - law[i - 1].db);
  return STRATA_FADER_MAX_DB;
}

guint
strata_fader_next_merge_key (void)
{
  static guint counter;

  /* Zero means "never merge" to the property command; skip it when the counter wraps. */
  if (++counter == 0)
    ++counter;
  return counter;
}
