/* strata-track-header.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One track's header in the arranger. Its height is the track's whole row
 * (strata_session_get_row_height), so that the header column lines up with the canvas rows
 * exactly; the controls sit in the clip area of the row and, when the automation lanes are
 * shown, a label sits at the top of each lane. Every control edits through a command, and the
 * controls follow the model (an undo shows up here).
 */
#define G_LOG_DOMAIN "strata-track-header"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-commands.h"
#include "strata-track-header.h"

#define VOLUME_MIN_DB (-60.0)
#define VOLUME_MAX_DB 6.0
#define DEFAULT_COLOR "#3584e4"

struct _StrataTrackHeader
{
  GtkWidget      parent_instance;
  StrataSession *session;
  StrataTrack   *track;

  GtkWidget     *controls;
  GtkWidget     *color_button;
  GtkWidget     *name_label;
  GtkWidget     *input_dropdown;
  GtkWidget     *menu_button;
  GtkWidget     *mute_button;
  GtkWidget     *solo_button;
  GtkWidget     *arm_button;
  GtkWidget     *lanes_button;
  GtkWidget     *volume_scale;
  GPtrArray     *lane_labels;      /* GtkLabel, one per lane shown, top to bottom */
  GtkWidget     *bottom;           /* mute, solo, arm, volume, lanes: hidden on short tracks */
  GtkWidget     *add_lane_button;
  GMenu         *add_lane_menu;
  GtkWidget     *context_menu;

  guint          volume_merge_key;
  gboolean       syncing;          /* widgets being set from the model: no commands */
};

G_DEFINE_FINAL_TYPE (StrataTrackHeader, strata_track_header, GTK_TYPE_WIDGET)

/* What the "input" property holds (1-based hardware inputs, "a+b" for a pair) and how the
 * dropdown names it. */
static const char * const input_values[] = { "1", "2", "1+2" };
static const char * const input_labels[] = { N_("Input 1"), N_("Input 2"), N_("Inputs 1+2") };

static void
set_accessible (GtkWidget *widget, const char *label)
{
  gtk_widget_set_tooltip_text (widget, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
apply (StrataTrackHeader *self, StrataCommand *command, GError *error)
{
  strata_session_apply (self->session, command, error);
}

static guint
input_index (StrataTrack *track)
{
  const char *input = strata_track_get_input (track);

  for (guint i = 0; input != NULL && i < G_N_ELEMENTS (input_values); i++)
    if (g_str_equal (input, input_values[i]))
      return i;
  /* Unset: the engine records the first input, or the first pair for a stereo track. */
  return strata_track_get_channels (track) == 2 ? 2 : 0;
}

static void
sync_from_model (StrataTrackHeader *self)
{
  StrataStrip *strip = STRATA_STRIP (self->track);
  const char *name = strata_strip_get_name (strip);
  const char *color = strata_strip_get_color (strip);
  gboolean armed = strata_track_get_record_arm (self->track);
  GdkRGBA rgba;

  self->syncing = TRUE;
  if (!gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (self->name_label)))
    gtk_editable_set_text (GTK_EDITABLE (self->name_label), name ? name : "");
  if (color == NULL || !gdk_rgba_parse (&rgba, color))
    gdk_rgba_parse (&rgba, DEFAULT_COLOR);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->color_button), &rgba);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->mute_button),
                                strata_strip_get_mute (strip));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->solo_button),
                                strata_strip_get_solo (strip));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->arm_button), armed);
  gtk_widget_set_visible (self->input_dropdown, armed);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->input_dropdown), input_index (self->track));
  gtk_range_set_value (GTK_RANGE (self->volume_scale),
                       CLAMP (strata_strip_get_volume_db (strip), VOLUME_MIN_DB, VOLUME_MAX_DB));
  self->syncing = FALSE;
}

static GtkWidget *
lane_label_new (StrataTrackHeader *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_yalign (GTK_LABEL (label), 0.5);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_start (label, 24);
  gtk_widget_insert_before (label, GTK_WIDGET (self), self->add_lane_button);
  return label;
}

/* Whether any insert of the track has a parameter to automate. */
static gboolean
has_effect_params (StrataTrackHeader *self)
{
  GListModel *inserts = strata_strip_get_inserts (STRATA_STRIP (self->track));

  for (guint i = 0; i < g_list_model_get_n_items (inserts); i++)
    {
      g_autoptr(StrataInsert) insert = g_list_model_get_item (inserts, i);
      const StrataEffectClass *klass = strata_insert_get_class (insert);

      if (klass != NULL && klass->n_params > 0)
        return TRUE;
    }
  return FALSE;
}

/* The menu of "Add Lane": every parameter of every effect of the track that has no lane yet,
 * a section per effect. */
static void
fill_add_lane_menu (StrataTrackHeader *self, GPtrArray *lanes)
{
  GListModel *inserts = strata_strip_get_inserts (STRATA_STRIP (self->track));
  GMenu *menu = self->add_lane_menu;

  g_menu_remove_all (menu);
  for (guint i = 0; i < g_list_model_get_n_items (inserts); i++)
    {
      g_autoptr(StrataInsert) insert = g_list_model_get_item (inserts, i);
      const StrataEffectClass *klass = strata_insert_get_class (insert);
      g_autoptr(GMenu) section = g_menu_new ();
      g_autofree char *title = NULL;

      for (guint p = 0; klass != NULL && p < klass->n_params; p++)
        {
          g_autofree char *param = g_strdup_printf ("inserts[%u].%s", i, klass->params[p].name);
          g_autoptr(GMenuItem) item = NULL;

          if (g_ptr_array_find_with_equal_func (lanes, param, g_str_equal, NULL))
            continue;
          item = g_menu_item_new (_(klass->params[p].label), NULL);
          g_menu_item_set_action_and_target_value (item, "header.add-lane",
                                                   g_variant_new_string (param));
          g_menu_append_item (section, item);
        }
      if (g_menu_model_get_n_items (G_MENU_MODEL (section)) == 0)
        continue;
      /* Translators: a section of the Add Lane menu: an effect and its place in the chain */
      title = g_strdup_printf (_("%s %u"), _(klass->label), i + 1);
      g_menu_append_section (menu, title, G_MENU_MODEL (section));
    }
}

/* One label per lane shown, named as the session lists the lanes. */
#define HEADER_TWO_ROWS 72   /* px: the name row and the controls row */

static void
sync_layout (StrataTrackHeader *self)
{
  gboolean shown = strata_session_get_lanes_shown (self->session, self->track);
  g_autoptr(GPtrArray) lanes = shown ? strata_session_get_lanes (self->session, self->track)
                                     : g_ptr_array_new ();
  gboolean can_add = has_effect_params (self);

  self->syncing = TRUE;
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->lanes_button), shown);
  self->syncing = FALSE;
  /* A track made short (Ctrl+Shift+scroll) keeps its name row; the controls come back when
   * there is room for their row rather than spilling into the next track. */
  gtk_widget_set_visible (self->bottom,
                          strata_session_get_track_height (self->session) >= HEADER_TWO_ROWS);
  while (self->lane_labels->len > lanes->len)
    g_ptr_array_remove_index (self->lane_labels, self->lane_labels->len - 1);
  while (self->lane_labels->len < lanes->len)
    g_ptr_array_add (self->lane_labels, lane_label_new (self));
  for (guint i = 0; i < lanes->len; i++)
    {
      g_autofree char *text = strata_lane_param_label (STRATA_STRIP (self->track),
                                                       lanes->pdata[i]);

      gtk_label_set_text (GTK_LABEL (self->lane_labels->pdata[i]), text);
      gtk_widget_set_tooltip_text (self->lane_labels->pdata[i], text);
    }
  gtk_widget_set_visible (self->add_lane_button, shown);
  if (shown)
    fill_add_lane_menu (self, lanes);
  gtk_widget_set_sensitive (self->add_lane_button, can_add);
  set_accessible (self->add_lane_button, can_add ? _("Add an automation lane")
                                                 : _("Add an effect to automate its parameters"));
  gtk_widget_queue_resize (GTK_WIDGET (self));
}


/* ---- signal callbacks ---------------------------------------------------------------- */

static void
track_notify_cb (StrataTrackHeader *self)
{
  sync_from_model (self);
}

static void
layout_changed_cb (StrataTrackHeader *self)
{
  sync_layout (self);
}

static void
name_editing_cb (StrataTrackHeader *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->name_label));
  const char *name = strata_strip_get_name (STRATA_STRIP (self->track));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (self->syncing || gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (self->name_label)))
    return;
  if (g_strcmp0 (text, name) == 0)
    return;
  if (*stripped == '\0')
    {
      /* An empty name would leave the track unlabelled: keep the old one. */
      sync_from_model (self);
      return;
    }
  apply (self, strata_property_command_new_value (self->track, "name", text, NULL), NULL);
}

static void
color_set_cb (StrataTrackHeader *self)
{
  GdkRGBA rgba;
  g_autofree char *color = NULL;

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (self->color_button), &rgba);
  color = g_strdup_printf ("#%02x%02x%02x", (int) lround (rgba.red * 255),
                           (int) lround (rgba.green * 255), (int) lround (rgba.blue * 255));
  if (g_strcmp0 (color, strata_strip_get_color (STRATA_STRIP (self->track))) != 0)
    apply (self, strata_property_command_new_value (self->track, "color", color, NULL), NULL);
}

static void
toggle_property (StrataTrackHeader *self, GtkWidget *button, const char *property)
{
  gboolean active = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button));
  gboolean current;

  if (self->syncing)
    return;
  g_object_get (self->track, property, &current, NULL);
  if (current != active)
    apply (self, strata_property_command_new_value (self->track, property, active), NULL);
}

static void
mute_toggled_cb (StrataTrackHeader *self)
{
  toggle_property (self, self->mute_button, "mute");
}

static void
solo_toggled_cb (StrataTrackHeader *self)
{
  toggle_property (self, self->solo_button, "solo");
}

static void
arm_toggled_cb (StrataTrackHeader *self)
{
  StrataEngine *engine = strata_session_get_engine (self->session);
  gboolean active = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->arm_button));
  g_autoptr(GError) error = NULL;

  if (self->syncing)
    return;
  if (engine == NULL)
    {
      toggle_property (self, self->arm_button, "record-arm");
      return;
    }
  /* The engine pushes the arm command itself; a refusal (recording runs) leaves it as it was. */
  if (!strata_engine_arm (engine, self->track, active, &error))
    {
      strata_session_toast (self->session, error->message, FALSE);
      sync_from_model (self);
    }
}

static void
input_selected_cb (StrataTrackHeader *self)
{
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->input_dropdown));

  if (self->syncing || selected >= G_N_ELEMENTS (input_values)
      || selected == input_index (self->track))
    return;
  apply (self, strata_property_command_new_value (self->track, "input", input_values[selected],
                                                  NULL),
         NULL);
}

static void
lanes_toggled_cb (StrataTrackHeader *self)
{
  if (self->syncing)
    return;
  strata_session_set_lanes_shown (self->session, self->track,
                                  gtk_toggle_button_get_active (
                                    GTK_TOGGLE_BUTTON (self->lanes_button)));
}

static void
volume_changed_cb (StrataTrackHeader *self)
{
  StrataProject *project = strata_session_get_project (self->session);
  gdouble value = gtk_range_get_value (GTK_RANGE (self->volume_scale));
  GError *error = NULL;
  StrataCommand *command;

  if (self->syncing || value == strata_strip_get_volume_db (STRATA_STRIP (self->track)))
    return;
  command = strata_commands_set_volume (project, STRATA_STRIP (self->track), value,
                                        self->volume_merge_key, &error);
  apply (self, command, error);
}

/* A press on the scale starts a gesture: everything until the next press is one undo step. */
static void
volume_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y,
                   StrataTrackHeader *self)
{
  static guint next_key = 0x7e000000;

  self->volume_merge_key = ++next_key;
}

/* Keyboard steps are separate undo steps. */
static gboolean
volume_key_cb (StrataTrackHeader *self)
{
  self->volume_merge_key = 0;
  return GDK_EVENT_PROPAGATE;
}

static void
context_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y,
                    StrataTrackHeader *self)
{
  GdkRectangle rect = { (int) x, (int) y, 1, 1 };

  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  /* The track's removal takes this header out of the column, which may drop its last
   * reference before the toast is out. */
  g_autoptr(StrataTrackHeader) self = g_object_ref (STRATA_TRACK_HEADER (widget));
  StrataProject *project = strata_session_get_project (self->session);

  if (strata_session_apply (self->session, strata_commands_remove_track (project, self->track),
                            NULL))
    strata_session_toast (self->session, _("Track deleted"), TRUE);
}

static void
add_lane_action (GtkWidget *widget, const char *name, GVariant *param)
{
  StrataTrackHeader *self = STRATA_TRACK_HEADER (widget);

  strata_session_add_lane (self->session, self->track, g_variant_get_string (param, NULL));
}

static void
duplicate_action (GtkWidget *widget, const char *name, GVariant *param)
{
  StrataTrackHeader *self = STRATA_TRACK_HEADER (widget);
  StrataProject *project = strata_session_get_project (self->session);

  apply (self, strata_commands_duplicate_track (project, self->track, NULL), NULL);
}

/* ---- overrides ----------------------------------------------------------------------- */

static void
strata_track_header_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                             int *minimum, int *natural, int *minimum_baseline,
                             int *natural_baseline)
{
  StrataTrackHeader *self = STRATA_TRACK_HEADER (widget);

  if (orientation == GTK_ORIENTATION_VERTICAL)
    {
      *minimum = *natural = strata_session_get_row_height (self->session, self->track);
      return;
    }
  gtk_widget_measure (self->controls, orientation, -1, minimum, natural, NULL, NULL);
  /* Lane labels ellipsize: a long effect parameter's name does not widen the column. */
  for (guint i = 0; i < self->lane_labels->len; i++)
    {
      int min;

      gtk_widget_measure (self->lane_labels->pdata[i], orientation, -1, &min, NULL, NULL, NULL);
      *minimum = MAX (*minimum, min);
      *natural = MAX (*natural, min);
    }
}

/* The controls fill the clip part of the row; each lane label sits at the top of its lane,
 * below the take lanes, where the canvas draws that lane. */
static void
strata_track_header_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  StrataTrackHeader *self = STRATA_TRACK_HEADER (widget);
  int track_height = strata_session_get_track_height (self->session);
  int lanes_top = track_height + (int) strata_session_get_take_lanes (self->session, self->track,
                                                                       NULL)
                                 * STRATA_TAKE_LANE_HEIGHT;
  int min, button_width = 0, button_height;

  gtk_widget_measure (self->controls, GTK_ORIENTATION_VERTICAL, width, &min, NULL, NULL, NULL);
  gtk_widget_size_allocate (self->controls,
                            &(GtkAllocation) { 0, 0, width, MAX (min, track_height) }, -1);
  /* "Add Lane" sits at the right end of the first lane, beside its label. */
  if (gtk_widget_get_visible (self->add_lane_button))
    {
      gtk_widget_measure (self->add_lane_button, GTK_ORIENTATION_HORIZONTAL, -1, &button_width,
                          NULL, NULL, NULL);
      gtk_widget_measure (self->add_lane_button, GTK_ORIENTATION_VERTICAL, button_width,
                          &button_height, NULL, NULL, NULL);
      button_height = MIN (button_height, STRATA_LANE_HEIGHT);
      gtk_widget_size_allocate (self->add_lane_button,
                                &(GtkAllocation) { MAX (0, width - button_width - 4),
                                                   lanes_top
                                                   + (STRATA_LANE_HEIGHT - button_height) / 2,
                                                   button_width, button_height },
                                -1);
      button_width += 4;
    }
  for (guint i = 0; i < self->lane_labels->len; i++)
    {
      GtkWidget *label = self->lane_labels->pdata[i];
      int label_width = MAX (0, width - (i == 0 ? button_width : 0));

      gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, label_width, &min, NULL, NULL, NULL);
      gtk_widget_size_allocate (label,
                                &(GtkAllocation) { 0, lanes_top + (int) i * STRATA_LANE_HEIGHT,
                                                   label_width, MAX (min, STRATA_LANE_HEIGHT) },
                                -1);
    }
  gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static gboolean
release_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

static void
strata_track_header_dispose (GObject *object)
{
  StrataTrackHeader *self = STRATA_TRACK_HEADER (object);

  /* GTK 4.8's GtkEditableLabel stops editing 100 ms after it loses focus, from a timeout that
   * holds no reference to it: a header removed sooner (deleted from its own menu) would leave
   * that timeout with a dead widget. Keep the label alive past it. */
  if (self->name_label != NULL)
    g_timeout_add_full (G_PRIORITY_DEFAULT, 250, release_cb, g_object_ref (self->name_label),
                        g_object_unref);
  self->name_label = NULL;
  g_clear_pointer (&self->controls, gtk_widget_unparent);
  g_clear_pointer (&self->lane_labels, g_ptr_array_unref);
  g_clear_pointer (&self->add_lane_button, gtk_widget_unparent);
  g_clear_object (&self->add_lane_menu);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_object (&self->session);
  g_clear_object (&self->track);
  G_OBJECT_CLASS (strata_track_header_parent_class)->dispose (object);
}

static void
strata_track_header_class_init (StrataTrackHeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_track_header_dispose;
  widget_class->measure = strata_track_header_measure;
  widget_class->size_allocate = strata_track_header_size_allocate;

  gtk_widget_class_install_action (widget_class, "header.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "header.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "header.add-lane", "s", add_lane_action);
  gtk_widget_class_set_css_name (widget_class, "trackheader");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static GtkWidget *
toggle_new (const char *name, const char *text, const char *tooltip)
{
  GtkWidget *button = gtk_toggle_button_new_with_label (text);

  gtk_widget_set_name (button, name);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  set_accessible (button, tooltip);
  return button;
}

static void
strata_track_header_init (StrataTrackHeader *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GtkStringList) inputs = gtk_string_list_new (NULL);
  GtkEventController *controller;

  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_widget_add_css_class (widget, "toolbar");

  self->controls = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->controls, widget);
  gtk_box_append (GTK_BOX (self->controls), top);
  gtk_box_append (GTK_BOX (self->controls), bottom);
  self->bottom = bottom;

  self->color_button = gtk_color_button_new ();
  gtk_widget_set_name (self->color_button, "color");
  gtk_widget_set_valign (self->color_button, GTK_ALIGN_CENTER);
  gtk_color_chooser_set_use_alpha (GTK_COLOR_CHOOSER (self->color_button), FALSE);
  set_accessible (self->color_button, _("Track colour"));
  g_signal_connect_swapped (self->color_button, "color-set", G_CALLBACK (color_set_cb), self);
  gtk_box_append (GTK_BOX (top), self->color_button);

  self->name_label = gtk_editable_label_new ("");
  gtk_widget_set_name (self->name_label, "name");
  gtk_widget_set_hexpand (self->name_label, TRUE);
  gtk_widget_set_valign (self->name_label, GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->name_label), 6);
  set_accessible (self->name_label, _("Track name (double-click to rename)"));
  g_signal_connect_swapped (self->name_label, "notify::editing", G_CALLBACK (name_editing_cb),
                            self);
  gtk_box_append (GTK_BOX (top), self->name_label);

  for (guint i = 0; i < G_N_ELEMENTS (input_labels); i++)
    gtk_string_list_append (inputs, _(input_labels[i]));
  self->input_dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&inputs)), NULL);
  gtk_widget_set_name (self->input_dropdown, "input");
  gtk_widget_set_valign (self->input_dropdown, GTK_ALIGN_CENTER);
  set_accessible (self->input_dropdown, _("Recording input"));
  g_signal_connect_swapped (self->input_dropdown, "notify::selected",
                            G_CALLBACK (input_selected_cb), self);
  gtk_box_append (GTK_BOX (top), self->input_dropdown);

  g_menu_append (menu, _("_Duplicate Track"), "header.duplicate");
  g_menu_append (menu, _("_Delete Track"), "header.delete");
  self->menu_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->menu_button), G_MENU_MODEL (menu));
  gtk_widget_add_css_class (self->menu_button, "flat");
  gtk_widget_set_valign (self->menu_button, GTK_ALIGN_CENTER);
  set_accessible (self->menu_button, _("Track menu"));
  gtk_box_append (GTK_BOX (top), self->menu_button);

  self->context_menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, widget);
  controller = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (controller), GDK_BUTTON_SECONDARY);
  g_signal_connect (controller, "pressed", G_CALLBACK (context_pressed_cb), self);
  gtk_widget_add_controller (widget, controller);

  self->mute_button = toggle_new ("mute", C_("mute button", "M"), _("Mute"));
  g_signal_connect_swapped (self->mute_button, "toggled", G_CALLBACK (mute_toggled_cb), self);
  gtk_box_append (GTK_BOX (bottom), self->mute_button);
  self->solo_button = toggle_new ("solo", C_("solo button", "S"), _("Solo"));
  g_signal_connect_swapped (self->solo_button, "toggled", G_CALLBACK (solo_toggled_cb), self);
  gtk_box_append (GTK_BOX (bottom), self->solo_button);
  self->arm_button = toggle_new ("arm", C_("record arm button", "R"), _("Arm for recording"));
  g_signal_connect_swapped (self->arm_button, "toggled", G_CALLBACK (arm_toggled_cb), self);
  gtk_box_append (GTK_BOX (bottom), self->arm_button);

  self->volume_scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, VOLUME_MIN_DB,
                                                 VOLUME_MAX_DB, 0.5);
  gtk_widget_set_name (self->volume_scale, "volume");
  gtk_widget_set_hexpand (self->volume_scale, TRUE);
  gtk_widget_set_size_request (self->volume_scale, 60, -1);
  gtk_widget_set_valign (self->volume_scale, GTK_ALIGN_CENTER);
  gtk_scale_add_mark (GTK_SCALE (self->volume_scale), 0.0, GTK_POS_BOTTOM, NULL);
  set_accessible (self->volume_scale, _("Volume (dB)"));
  g_signal_connect_swapped (self->volume_scale, "value-changed", G_CALLBACK (volume_changed_cb),
                            self);
  controller = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "pressed", G_CALLBACK (volume_pressed_cb), self);
  gtk_widget_add_controller (self->volume_scale, controller);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (volume_key_cb), self);
  gtk_widget_add_controller (self->volume_scale, controller);
  gtk_box_append (GTK_BOX (bottom), self->volume_scale);

  self->lanes_button = gtk_toggle_button_new ();
  gtk_widget_set_name (self->lanes_button, "lanes");
  gtk_button_set_icon_name (GTK_BUTTON (self->lanes_button), "pan-down-symbolic");
  gtk_widget_add_css_class (self->lanes_button, "flat");
  gtk_widget_set_valign (self->lanes_button, GTK_ALIGN_CENTER);
  set_accessible (self->lanes_button, _("Show automation lanes"));
  g_signal_connect_swapped (self->lanes_button, "toggled", G_CALLBACK (lanes_toggled_cb), self);
  gtk_box_append (GTK_BOX (bottom), self->lanes_button);

  self->add_lane_button = gtk_menu_button_new ();
  gtk_widget_set_name (self->add_lane_button, "add-lane");
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->add_lane_button), "list-add-symbolic");
  gtk_widget_add_css_class (self->add_lane_button, "flat");
  self->add_lane_menu = g_menu_new ();
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->add_lane_button),
                                  G_MENU_MODEL (self->add_lane_menu));
  gtk_widget_set_visible (self->add_lane_button, FALSE);
  gtk_widget_set_parent (self->add_lane_button, widget);
  self->lane_labels = g_ptr_array_new_with_free_func ((GDestroyNotify) gtk_widget_unparent);
}

/* ---- public API ---------------------------------------------------------------------- */

GtkWidget *
strata_track_header_new (StrataSession *session, StrataTrack *track)
{
  StrataTrackHeader *self;

  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);
  g_return_val_if_fail (STRATA_IS_TRACK (track), NULL);

  self = g_object_new (STRATA_TYPE_TRACK_HEADER, NULL);
  self->session = g_object_ref (session);
  self->track = g_object_ref (track);
  g_signal_connect_object (track, "notify", G_CALLBACK (track_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "layout-changed", G_CALLBACK (layout_changed_cb), self,
                           G_CONNECT_SWAPPED);
  sync_from_model (self);
  sync_layout (self);
  return GTK_WIDGET (self);
}

StrataTrack *
strata_track_header_get_track (StrataTrackHeader *self)
{
  g_return_val_if_fail (STRATA_IS_TRACK_HEADER (self), NULL);
  return self->track;
}
