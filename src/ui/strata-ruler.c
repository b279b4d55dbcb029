/* strata-ruler.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ruler maps time to x exactly as the canvas does (x = frame / zoom - hadjustment value).
 * Its upper half holds the loop band (top) and the punch band (below it); the lower half the
 * bar numbers, beat ticks and marker flags. A drag on an edge or a marker shows a live preview
 * and pushes ONE command when released, and leaves the playhead where it is; a press on empty
 * ruler locates the playhead (in a band, on release, since a drag there draws a new range).
 * The context menu turns the loop and punch ranges on and off and renames or removes the
 * marker under the pointer, each as one command.
 */
#define G_LOG_DOMAIN "strata-ruler"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-commands.h"
#include "strata-ruler.h"

#define BAND_HEIGHT  STRATA_RULER_BAND_HEIGHT
#define LOWER_TOP    (2 * BAND_HEIGHT)
#define FLAG_HEIGHT  13
#define EDGE_SLOP    5.0   /* pixels either side of an edge or marker line that grab it */
#define MIN_BEAT_PX  6.0   /* beat ticks are drawn when a beat is at least this wide */
#define MAX_BARS     100000

typedef enum
{
  DRAG_NONE,
  DRAG_MARKER,
  DRAG_LOOP_START,
  DRAG_LOOP_END,
  DRAG_PUNCH_START,
  DRAG_PUNCH_END,
  DRAG_NEW_LOOP,
  DRAG_NEW_PUNCH,
} DragKind;

struct _StrataRuler
{
  GtkWidget      parent_instance;
  StrataSession *session;
  GtkAdjustment *hadjustment;

  DragKind       drag;
  StrataMarker  *drag_marker;
  double         press_x;
  gint64         drag_anchor;     /* the fixed end of a range being drawn */
  gint64         drag_frame;      /* snapped frame under the pointer */
  gboolean       drag_moved;

  gboolean       loop_enabled;    /* as last notified, to notify only changes */
  gboolean       punch_enabled;

  StrataMarker  *menu_marker;     /* what the context menu and the rename popover act on */
  GtkWidget     *context_menu;
  GtkWidget     *rename_popover;
  GtkWidget     *rename_entry;
};

G_DEFINE_FINAL_TYPE (StrataRuler, strata_ruler, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_LOOP_ENABLED, PROP_PUNCH_ENABLED, N_PROPS };
static GParamSpec *properties[N_PROPS];

static const GdkRGBA loop_color = { 0.21, 0.52, 0.89, 1.0 };
static const GdkRGBA punch_color = { 0.88, 0.11, 0.14, 1.0 };
static const GdkRGBA marker_color = { 0.90, 0.65, 0.04, 1.0 };
static const GdkRGBA playhead_color = { 0.93, 0.20, 0.23, 1.0 };

/* ---- geometry ------------------------------------------------------------------------ */

static double
scroll_x (StrataRuler *self)
{
  return self->hadjustment != NULL ? gtk_adjustment_get_value (self->hadjustment) : 0.0;
}

static double
frame_to_x (StrataRuler *self, gint64 frame)
{
  return (double) frame / strata_session_get_zoom (self->session) - scroll_x (self);
}

static gint64
x_to_frame (StrataRuler *self, double x)
{
  return MAX (0, (gint64) llround ((x + scroll_x (self)) * strata_session_get_zoom (self->session)));
}

static gint64
bar_frame (StrataTempoMap *map, gint32 bar)
{
  StrataBbt bbt = { bar, 1, 0 };

  return strata_tempo_map_bbt_to_frame (map, &bbt);
}

/* The first bar that starts at or before the left edge, and how many bars are labelled: the
 * smallest power of two whose narrowest span in view is at least the label spacing. */
static gint32
visible_bars (StrataRuler *self, gint32 *first, gint32 *last)
{
  StrataTempoMap *map = strata_session_get_tempo_map (self->session);
  double zoom = strata_session_get_zoom (self->session);
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  gint64 end_frame = x_to_frame (self, width);
  StrataBbt bbt;
  double narrowest = G_MAXDOUBLE;
  gint32 step = 1;

  strata_tempo_map_frame_to_bbt (map, x_to_frame (self, 0), &bbt);
  *first = MAX (1, bbt.bar);
  *last = *first;
  for (;;)
    {
      gint64 next = bar_frame (map, *last + 1);

      narrowest = MIN (narrowest, (next - bar_frame (map, *last)) / zoom);
      if (next > end_frame || *last - *first >= MAX_BARS)
        break;
      (*last)++;
    }
  while (step < MAX_BARS && step * narrowest < STRATA_RULER_LABEL_SPACING)
    step *= 2;
  return step;
}

static void
get_range (StrataRuler *self, gboolean punch, gint64 *start, gint64 *end, gboolean *enabled)
{
  StrataTimeline *timeline = strata_session_get_timeline (self->session);
  DragKind first = punch ? DRAG_PUNCH_START : DRAG_LOOP_START;
  DragKind fresh = punch ? DRAG_NEW_PUNCH : DRAG_NEW_LOOP;

  if (punch)
    strata_timeline_get_punch (timeline, start, end, enabled);
  else
    strata_timeline_get_loop (timeline, start, end, enabled);
  /* The preview of a drag in progress. */
  if (self->drag == first)
    *start = self->drag_frame;
  else if (self->drag == first + 1)
    *end = self->drag_frame;
  else if (self->drag == fresh)
    {
      *start = MIN (self->drag_anchor, self->drag_frame);
      *end = MAX (self->drag_anchor, self->drag_frame);
      *enabled = TRUE;
    }
}

static gint64
marker_frame (StrataRuler *self, StrataMarker *marker)
{
  if (self->drag == DRAG_MARKER && marker == self->drag_marker)
    return self->drag_frame;
  return strata_marker_get_frame (marker);
}

/* A marker's flag holds its name with 3 px either side. */
static int
flag_width (StrataRuler *self, StrataMarker *marker)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                        strata_marker_get_name (marker));
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  g_object_unref (layout);
  return width + 6;
}

/* The marker whose line or flag is under (x, y), the topmost (latest) first. */
static StrataMarker *
marker_at (StrataRuler *self, double x, double y)
{
  GListModel *markers = strata_timeline_get_markers (strata_session_get_timeline (self->session));

  if (y < LOWER_TOP)
    return NULL;
  for (guint i = g_list_model_get_n_items (markers); i > 0; i--)
    {
      g_autoptr(StrataMarker) marker = g_list_model_get_item (markers, i - 1);
      double mx = frame_to_x (self, strata_marker_get_frame (marker));

      if (fabs (x - mx) <= EDGE_SLOP
          || (y < LOWER_TOP + FLAG_HEIGHT && x >= mx && x <= mx + flag_width (self, marker)))
        return marker;
    }
  return NULL;
}

/* ---- drawing ------------------------------------------------------------------------- */

static void
set_source (cairo_t *cr, const GdkRGBA *color, double alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static void
draw_range (StrataRuler *self, cairo_t *cr, gboolean punch, double width)
{
  const GdkRGBA *color = punch ? &punch_color : &loop_color;
  double top = punch ? BAND_HEIGHT : 0;
  gint64 start, end;
  gboolean enabled;
  double x0, x1;

  get_range (self, punch, &start, &end, &enabled);
  if (end <= start)
    return;
  x0 = frame_to_x (self, start);
  x1 = frame_to_x (self, end);
  if (x1 < 0 || x0 > width)
    return;
  set_source (cr, color, enabled ? 0.7 : 0.25);
  cairo_rectangle (cr, x0, top + 1, x1 - x0, BAND_HEIGHT - 2);
  cairo_fill (cr);
  /* The edges, to grab. */
  set_source (cr, color, 1.0);
  cairo_rectangle (cr, x0, top, 2, BAND_HEIGHT);
  cairo_rectangle (cr, x1 - 2, top, 2, BAND_HEIGHT);
  cairo_fill (cr);
}

static void
draw_grid (StrataRuler *self, cairo_t *cr, const GdkRGBA *fg, double width, double height)
{
  StrataTempoMap *map = strata_session_get_tempo_map (self->session);
  double zoom = strata_session_get_zoom (self->session);
  gint32 first, last, step = visible_bars (self, &first, &last);

  for (gint32 bar = first; bar <= last; bar++)
    {
      gint64 frame = bar_frame (map, bar);
      gint64 next = bar_frame (map, bar + 1);
      guint beats = strata_tempo_map_segment_at_frame (map, frame)->numerator;
      double x = floor (frame_to_x (self, frame)) + 0.5;
      double beat_px = (next - frame) / zoom / beats;
      gboolean labelled = (bar - 1) % step == 0;

      set_source (cr, fg, labelled ? 0.7 : 0.35);
      cairo_move_to (cr, x, labelled ? LOWER_TOP : height - 10);
      cairo_line_to (cr, x, height);
      cairo_stroke (cr);
      if (beat_px >= MIN_BEAT_PX)
        {
          set_source (cr, fg, 0.3);
          for (guint b = 1; b < beats; b++)
            {
              double bx = floor (x + b * beat_px) + 0.5;

              cairo_move_to (cr, bx, height - 5);
              cairo_line_to (cr, bx, height);
            }
          cairo_stroke (cr);
        }
      if (labelled)
        {
          g_autofree char *text = g_strdup_printf ("%d", bar);
          PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

          set_source (cr, fg, 0.8);
          cairo_move_to (cr, x + 3, LOWER_TOP + 1);
          pango_cairo_show_layout (cr, layout);
          g_object_unref (layout);
        }
    }
}

static void
draw_markers (StrataRuler *self, cairo_t *cr, double width, double height)
{
  GListModel *markers = strata_timeline_get_markers (strata_session_get_timeline (self->session));

  for (guint i = 0; i < g_list_model_get_n_items (markers); i++)
    {
      g_autoptr(StrataMarker) marker = g_list_model_get_item (markers, i);
      double x = floor (frame_to_x (self, marker_frame (self, marker)));
      PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                            strata_marker_get_name (marker));
      int text_width, text_height;

      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      if (x + text_width + 6 >= 0 && x <= width)
        {
          set_source (cr, &marker_color, 1.0);
          cairo_rectangle (cr, x, LOWER_TOP, 1.5, height - LOWER_TOP);
          cairo_rectangle (cr, x, LOWER_TOP, text_width + 6, FLAG_HEIGHT);
          cairo_fill (cr);
          cairo_set_source_rgba (cr, 0, 0, 0, 0.9);
          cairo_save (cr);
          cairo_move_to (cr, x + 3, LOWER_TOP + (FLAG_HEIGHT - text_height) / 2.0);
          pango_cairo_show_layout (cr, layout);
          cairo_restore (cr);
        }
      g_object_unref (layout);
    }
}

static void
draw_playhead (StrataRuler *self, cairo_t *cr, double height)
{
  double x = frame_to_x (self, strata_session_get_position (self->session));

  set_source (cr, &playhead_color, 1.0);
  cairo_move_to (cr, x - 6, height - 10);
  cairo_line_to (cr, x + 6, height - 10);
  cairo_line_to (cr, x, height);
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* ---- edits --------------------------------------------------------------------------- */

static void
set_range (StrataRuler *self, gboolean punch, gint64 start, gint64 end, gboolean enabled)
{
  StrataProject *project = strata_session_get_project (self->session);
  GError *error = NULL;
  StrataCommand *command;

  if (punch)
    command = strata_commands_set_punch (project, start, end, enabled, &error);
  else
    command = strata_commands_set_loop (project, start, end, enabled, &error);
  strata_session_apply (self->session, command, error);
}

static void
add_marker (StrataRuler *self, gint64 frame)
{
  GListModel *markers = strata_timeline_get_markers (strata_session_get_timeline (self->session));
  g_autofree char *name = g_strdup_printf (_("Marker %u"), g_list_model_get_n_items (markers) + 1);

  strata_session_apply (self->session,
                        strata_commands_add_marker (strata_session_get_project (self->session),
                                                    name, frame),
                        NULL);
}

static void
move_marker (StrataRuler *self, StrataMarker *marker, gint64 frame)
{
  StrataProject *project = strata_session_get_project (self->session);
  StrataCommand *group;

  if (frame == strata_marker_get_frame (marker))
    return;
  /* Markers are kept sorted: a move is the marker out and a copy in, as one undo step. */
  group = strata_group_command_new (_("Move Marker"));
  strata_group_command_add (group, strata_commands_remove_marker (project, marker));
  strata_group_command_add (group, strata_commands_add_marker (project,
                                                               strata_marker_get_name (marker),
                                                               frame));
  strata_session_apply (self->session, group, NULL);
}

/* Whether `marker` is still on the timeline (an undo may have taken it away since the menu
 * or the rename popover opened on it). */
static gboolean
marker_listed (StrataRuler *self, StrataMarker *marker)
{
  GListModel *markers = strata_timeline_get_markers (strata_session_get_timeline (self->session));

  return marker != NULL && g_list_store_find (G_LIST_STORE (markers), marker, NULL);
}

/* Turns the loop or punch range on or off. A loop with no range yet gets the session's
 * starting range (as the L key does); a punch with no range has nothing to turn on. */
static void
set_enabled (StrataRuler *self, gboolean punch, gboolean enabled)
{
  StrataTimeline *timeline = strata_session_get_timeline (self->session);
  gint64 start, end;
  gboolean current;

  if (punch)
    strata_timeline_get_punch (timeline, &start, &end, &current);
  else
    strata_timeline_get_loop (timeline, &start, &end, &current);
  if (enabled == current)
    return;
  if (!punch)
    strata_session_toggle_loop (self->session);
  else if (end > start)
    set_range (self, TRUE, start, end, enabled);
}

/* The end of a press: a drag commits its preview as one command; a click in a band (no drag)
 * locates there. With `commit` FALSE (a cancelled gesture) nothing changes. */
static void
finish_drag (StrataRuler *self, gboolean commit)
{
  DragKind drag = self->drag;
  gboolean punch = drag == DRAG_PUNCH_START || drag == DRAG_PUNCH_END || drag == DRAG_NEW_PUNCH;
  gboolean moved = commit && self->drag_moved;
  gint64 start = 0, end = 0;
  gboolean enabled = FALSE;

  /* The preview is what gets committed; read it before the drag state goes. */
  if (drag != DRAG_MARKER)
    get_range (self, punch, &start, &end, &enabled);
  if (moved && drag == DRAG_MARKER)
    move_marker (self, self->drag_marker, self->drag_frame);
  self->drag = DRAG_NONE;
  self->drag_moved = FALSE;
  g_clear_object (&self->drag_marker);
  if (moved && drag != DRAG_NONE && drag != DRAG_MARKER)
    set_range (self, punch, MIN (start, end), MAX (start, end), enabled);
  else if (commit && (drag == DRAG_NEW_LOOP || drag == DRAG_NEW_PUNCH))
    strata_session_locate (self->session, self->drag_anchor);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* What a press at (x, y) grabs: an edge of a band, a marker, a new range, or nothing. */
static DragKind
hit_test (StrataRuler *self, double x, double y)
{
  gboolean punch = y >= BAND_HEIGHT;
  gint64 start, end;
  gboolean enabled;

  if (y >= LOWER_TOP)
    return marker_at (self, x, y) != NULL ? DRAG_MARKER : DRAG_NONE;
  get_range (self, punch, &start, &end, &enabled);
  if (end > start && fabs (x - frame_to_x (self, start)) <= EDGE_SLOP)
    return punch ? DRAG_PUNCH_START : DRAG_LOOP_START;
  if (end > start && fabs (x - frame_to_x (self, end)) <= EDGE_SLOP)
    return punch ? DRAG_PUNCH_END : DRAG_LOOP_END;
  return punch ? DRAG_NEW_PUNCH : DRAG_NEW_LOOP;
}

/* The gesture, apart from the event plumbing, so that strata_ruler_drag() runs the very same
 * code. Only a press on empty ruler below the bands locates at once: one that grabs an edge or
 * a marker leaves the playhead alone, and one in a band waits to see whether it draws. */
static void
press (StrataRuler *self, double x, double y)
{
  gint64 frame = strata_session_snap (self->session, x_to_frame (self, x));

  self->drag = hit_test (self, x, y);
  self->drag_moved = FALSE;
  self->press_x = x;
  self->drag_frame = self->drag_anchor = frame;
  if (self->drag == DRAG_MARKER)
    {
      self->drag_marker = g_object_ref (marker_at (self, x, y));
      self->drag_frame = strata_marker_get_frame (self->drag_marker);
    }
  else if (self->drag == DRAG_NONE)
    strata_session_locate (self->session, frame);
}

static void
drag_to (StrataRuler *self, double dx)
{
  if (self->drag == DRAG_NONE)
    return;
  if (!self->drag_moved && fabs (dx) < 3)
    return;
  self->drag_moved = TRUE;
  self->drag_frame = strata_session_snap (self->session, x_to_frame (self, self->press_x + dx));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
rename_marker (StrataRuler *self, StrataMarker *marker)
{
  g_set_object (&self->menu_marker, marker);
  gtk_editable_set_text (GTK_EDITABLE (self->rename_entry), strata_marker_get_name (marker));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->rename_popover),
                               &(GdkRectangle) { (int) frame_to_x (self,
                                                                   strata_marker_get_frame (marker)),
                                                 LOWER_TOP, 1, FLAG_HEIGHT });
  gtk_popover_popup (GTK_POPOVER (self->rename_popover));
  gtk_widget_grab_focus (self->rename_entry);
}

/* The n-th press of a primary click: the second renames the marker under the pointer, or adds
 * one at the snapped frame. */
static void
click (StrataRuler *self, int n_press, double x, double y)
{
  StrataMarker *marker;

  if (n_press != 2)
    return;
  marker = marker_at (self, x, y);
  if (marker != NULL)
    rename_marker (self, marker);
  else if (y >= LOWER_TOP)
    add_marker (self, strata_session_snap (self->session, x_to_frame (self, x)));
}

/* The context menu: the loop and punch toggles always, the marker items over a marker. */
static void
context_menu (StrataRuler *self, double x, double y)
{
  StrataMarker *marker = marker_at (self, x, y);

  g_set_object (&self->menu_marker, marker);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ruler.rename-marker", marker != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ruler.remove-marker", marker != NULL);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

/* ---- signal callbacks ---------------------------------------------------------------- */

static void
redraw_cb (StrataRuler *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* After every edit and undo: the menu's toggles follow the timeline, and Punch is offered
 * only once there is a punch range to turn on. */
static void
project_changed_cb (StrataRuler *self)
{
  StrataTimeline *timeline = strata_session_get_timeline (self->session);
  gint64 start, end;
  gboolean loop, punch;

  strata_timeline_get_loop (timeline, &start, &end, &loop);
  strata_timeline_get_punch (timeline, &start, &end, &punch);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ruler.punch", punch || end > start);
  if (loop != self->loop_enabled)
    {
      self->loop_enabled = loop;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP_ENABLED]);
    }
  if (punch != self->punch_enabled)
    {
      self->punch_enabled = punch;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUNCH_ENABLED]);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, StrataRuler *self)
{
  press (self, x, y);
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, StrataRuler *self)
{
  drag_to (self, dx);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, StrataRuler *self)
{
  finish_drag (self, TRUE);
}

static void
drag_cancel_cb (GtkGesture *gesture, GdkEventSequence *sequence, StrataRuler *self)
{
  finish_drag (self, FALSE);
}

static void
double_click_cb (GtkGestureClick *gesture, int n_press, double x, double y, StrataRuler *self)
{
  click (self, n_press, x, y);
}

static void
secondary_click_cb (GtkGestureClick *gesture, int n_press, double x, double y,
                    StrataRuler *self)
{
  context_menu (self, x, y);
}

static void
rename_activate_cb (StrataRuler *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->rename_entry));

  gtk_popover_popdown (GTK_POPOVER (self->rename_popover));
  if (!marker_listed (self, self->menu_marker) || *text == '\0'
      || g_strcmp0 (text, strata_marker_get_name (self->menu_marker)) == 0)
    return;
  strata_session_apply (self->session,
                        strata_property_command_new_value (self->menu_marker, "name", text, NULL),
                        NULL);
}

static void
rename_action (GtkWidget *widget, const char *name, GVariant *param)
{
  StrataRuler *self = STRATA_RULER (widget);

  if (marker_listed (self, self->menu_marker))
    rename_marker (self, self->menu_marker);
}

/* A marker removed is gone from sight at once: the toast offers the way back. */
static void
remove_action (GtkWidget *widget, const char *name, GVariant *param)
{
  StrataRuler *self = STRATA_RULER (widget);
  StrataProject *project = strata_session_get_project (self->session);
  g_autoptr(StrataMarker) marker = g_steal_pointer (&self->menu_marker);

  if (!marker_listed (self, marker))
    return;
  if (strata_session_apply (self->session, strata_commands_remove_marker (project, marker), NULL))
    strata_session_toast (self->session, _("Marker deleted"), TRUE);
}

/* ---- overrides ----------------------------------------------------------------------- */

static void
strata_ruler_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  StrataRuler *self = STRATA_RULER (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  GdkRGBA fg;
  cairo_t *cr;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_width (cr, 1.0);
  draw_range (self, cr, FALSE, width);
  draw_range (self, cr, TRUE, width);
  set_source (cr, &fg, 0.15);
  cairo_rectangle (cr, 0, height - 1, width, 1);
  cairo_fill (cr);
  draw_grid (self, cr, &fg, width, height);
  draw_markers (self, cr, width, height);
  draw_playhead (self, cr, height);
  cairo_destroy (cr);

  gtk_widget_snapshot_child (widget, self->context_menu, snapshot);
  gtk_widget_snapshot_child (widget, self->rename_popover, snapshot);
}

static void
strata_ruler_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                      int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_VERTICAL ? STRATA_RULER_HEIGHT : 0;
}

static void
strata_ruler_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  StrataRuler *self = STRATA_RULER (widget);

  gtk_popover_present (GTK_POPOVER (self->context_menu));
  gtk_popover_present (GTK_POPOVER (self->rename_popover));
}

static void
strata_ruler_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  StrataRuler *self = STRATA_RULER (object);
  StrataTimeline *timeline = self->session != NULL ? strata_session_get_timeline (self->session)
                                                   : NULL;
  gint64 start, end;
  gboolean enabled = FALSE;

  switch (prop_id)
    {
    case PROP_LOOP_ENABLED:
      if (timeline != NULL)
        strata_timeline_get_loop (timeline, &start, &end, &enabled);
      g_value_set_boolean (value, enabled);
      break;
    case PROP_PUNCH_ENABLED:
      if (timeline != NULL)
        strata_timeline_get_punch (timeline, &start, &end, &enabled);
      g_value_set_boolean (value, enabled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_ruler_set_property (GObject *object, guint prop_id, const GValue *value,
                           GParamSpec *pspec)
{
  StrataRuler *self = STRATA_RULER (object);

  switch (prop_id)
    {
    case PROP_LOOP_ENABLED:
    case PROP_PUNCH_ENABLED:
      if (self->session != NULL)
        set_enabled (self, prop_id == PROP_PUNCH_ENABLED, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_ruler_dispose (GObject *object)
{
  StrataRuler *self = STRATA_RULER (object);

  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_pointer (&self->rename_popover, gtk_widget_unparent);
  g_clear_object (&self->drag_marker);
  g_clear_object (&self->menu_marker);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (strata_ruler_parent_class)->dispose (object);
}

static void
strata_ruler_class_init (StrataRulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_ruler_dispose;
  object_class->get_property = strata_ruler_get_property;
  object_class->set_property = strata_ruler_set_property;
  widget_class->snapshot = strata_ruler_snapshot;
  widget_class->measure = strata_ruler_measure;
  widget_class->size_allocate = strata_ruler_size_allocate;

  /* The timeline's loop and punch switches, as the menu's check items see them: setting one
   * pushes a command. */
  properties[PROP_LOOP_ENABLED] =
    g_param_spec_boolean ("loop-enabled", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PUNCH_ENABLED] =
    g_param_spec_boolean ("punch-enabled", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "ruler.rename-marker", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "ruler.remove-marker", NULL, remove_action);
  gtk_widget_class_install_property_action (widget_class, "ruler.loop", "loop-enabled");
  gtk_widget_class_install_property_action (widget_class, "ruler.punch", "punch-enabled");
  gtk_widget_class_set_css_name (widget_class, "ruler");
}

static void
strata_ruler_init (StrataRuler *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) marker_section = g_menu_new ();
  g_autoptr(GMenu) range_section = g_menu_new ();
  g_autoptr(GMenuItem) item = NULL;
  GtkGesture *gesture;

  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_tooltip_text (widget, _("Click to move the playhead, double-click to add a "
                                         "marker; drag in the top bands to set the loop and "
                                         "punch ranges; right-click to turn them on or off"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Time ruler"), -1);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (drag_end_cb), self);
  g_signal_connect (gesture, "cancel", G_CALLBACK (drag_cancel_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (double_click_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (secondary_click_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  /* The marker items show only when the menu was opened on a marker. */
  item = g_menu_item_new (_("_Rename Marker…"), "ruler.rename-marker");
  g_menu_item_set_attribute (item, "hidden-when", "s", "action-disabled");
  g_menu_append_item (marker_section, item);
  g_clear_object (&item);
  item = g_menu_item_new (_("Re_move Marker"), "ruler.remove-marker");
  g_menu_item_set_attribute (item, "hidden-when", "s", "action-disabled");
  g_menu_append_item (marker_section, item);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (marker_section));
  g_menu_append (range_section, _("_Loop"), "ruler.loop");
  g_menu_append (range_section, _("_Punch"), "ruler.punch");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (range_section));
  self->context_menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_parent (self->context_menu, widget);

  self->rename_entry = gtk_entry_new ();
  gtk_widget_set_tooltip_text (self->rename_entry, _("Marker name"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->rename_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Marker name"), -1);
  g_signal_connect_swapped (self->rename_entry, "activate", G_CALLBACK (rename_activate_cb),
                            self);
  self->rename_popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (self->rename_popover), self->rename_entry);
  gtk_widget_set_parent (self->rename_popover, widget);
}

/* ---- public API ---------------------------------------------------------------------- */

GtkWidget *
strata_ruler_new (StrataSession *session, GtkAdjustment *hadjustment)
{
  StrataRuler *self;

  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);
  g_return_val_if_fail (hadjustment == NULL || GTK_IS_ADJUSTMENT (hadjustment), NULL);

  self = g_object_new (STRATA_TYPE_RULER, NULL);
  self->session = g_object_ref (session);
  g_signal_connect_object (session, "notify::zoom", G_CALLBACK (redraw_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::position", G_CALLBACK (redraw_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (strata_session_get_project (session), "changed",
                           G_CALLBACK (project_changed_cb), self, G_CONNECT_SWAPPED);
  project_changed_cb (self);
  if (hadjustment != NULL)
    {
      self->hadjustment = g_object_ref (hadjustment);
      g_signal_connect_object (hadjustment, "value-changed", G_CALLBACK (redraw_cb), self,
                               G_CONNECT_SWAPPED);
    }
  return GTK_WIDGET (self);
}

GArray *
strata_ruler_dup_bar_labels (StrataRuler *self)
{
  GArray *bars = g_array_new (FALSE, FALSE, sizeof (gint32));
  gint32 first, last, step;

  g_return_val_if_fail (STRATA_IS_RULER (self), bars);

  step = visible_bars (self, &first, &last);
  for (gint32 bar = first; bar <= last; bar++)
    if ((bar - 1) % step == 0)
      g_array_append_val (bars, bar);
  return bars;
}

void
strata_ruler_drag (StrataRuler *self, double x, double y, double dx)
{
  g_return_if_fail (STRATA_IS_RULER (self));

  press (self, x, y);
  if (dx != 0)
    {
      /* Halfway first, as a pointer passes through on its way. */
      drag_to (self, dx / 2);
      drag_to (self, dx);
    }
  finish_drag (self, TRUE);
}

void
strata_ruler_click (StrataRuler *self, guint button, int n_press, double x, double y)
{
  g_return_if_fail (STRATA_IS_RULER (self));
  g_return_if_fail (n_press >= 1);

  if (button == GDK_BUTTON_SECONDARY)
    {
      context_menu (self, x, y);
      return;
    }
  g_return_if_fail (button == GDK_BUTTON_PRIMARY);
  /* Each press is a press and release in place for the drag gesture, and the click gesture
   * counts it. */
  for (int i = 1; i <= n_press; i++)
    {
      press (self, x, y);
      click (self, i, x, y);
      finish_drag (self, TRUE);
    }
}
