/* strata-channel-strip.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One strip of the Mix page, for a track, a bus or the master. The controls show the model and
 * follow its notifications (an undo moves the fader back); every change the user makes is a
 * command pushed through strata_session_apply(), and a continuous gesture (a fader, pan or send
 * drag) carries one merge key so that it is one undo step.
 */
#define G_LOG_DOMAIN "strata-channel-strip"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-channel-strip.h"
#include "strata-commands.h"
#include "strata-fader.h"
#include "strata-meter.h"

#define STRIP_WIDTH   136
#define PROCESSORS_HEIGHT 200
#define SEND_FLOOR_DB (-60.0)   /* the send scale's bottom, which means -inf */
#define SEND_TOP_DB     6.0
#define LUFS_FLOOR    (-60.0)   /* bottom of the momentary loudness bar */

struct _StrataChannelStrip
{
  GtkWidget      parent_instance;
  StrataSession *session;
  StrataStrip   *strip;
  gboolean       is_master;

  GtkWidget     *box;
  GtkWidget     *name;          /* GtkEditableLabel; a GtkLabel on the master */
  GtkWidget     *input;         /* tracks only */
  GtkWidget     *inserts_box;
  GtkWidget     *add_insert;
  GtkWidget     *sends_box;     /* not on the master */
  GMenu         *send_menu;
  GtkWidget     *pan;
  GtkWidget     *pan_label;
  GtkWidget     *fader;
  GtkWidget     *meter;
  GtkWidget     *mute;
  GtkWidget     *solo;          /* not on the master */
  GtkWidget     *arm;           /* tracks only */
  GtkWidget     *output;        /* not on the master */
  GtkWidget     *role;          /* tracks only */
  GPtrArray     *output_ids;    /* the dropdown's strip ids, in its order */
  char          *output_signature;
  GtkWidget     *loudness[4];   /* master only: momentary, short-term, integrated, true peak */
  GtkWidget     *momentary_bar;

  guint          scale_key;     /* merge key of the pan or send gesture under way */
  gboolean       syncing;       /* the controls are being set from the model */
};

G_DEFINE_FINAL_TYPE (StrataChannelStrip, strata_channel_strip, GTK_TYPE_WIDGET)

/* The device inputs a track can record from, as "input" spells them (see parse_input in
 * strata-engine.c): 1-based channels, "1+2" for a pair. */
/* Track roles in the order of StrataTrackRole, as the role dropdown lists them. */
static const char *const role_labels[] = {
  N_("Other"), N_("Drums"), N_("Bass"), N_("Vocals"), N_("Effects"),
};

static const struct
{
  const char *value;
  const char *label;
} inputs[] = {
  { "1", N_("Input 1") },
  { "2", N_("Input 2") },
  { "1+2", N_("Inputs 1+2") },
};

static void
describe (GtkWidget *widget, const char *text)
{
  gtk_widget_set_tooltip_text (widget, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
}

static StrataProject *
get_project (StrataChannelStrip *self)
{
  return strata_session_get_project (self->session);
}

static gboolean
is_track (StrataChannelStrip *self)
{
  return STRATA_IS_TRACK (self->strip);
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
}

static GtkWidget *
icon_button (const char *icon, const char *text, gboolean toggle)
{
  GtkWidget *button = toggle ? gtk_toggle_button_new () : gtk_button_new ();

  gtk_button_set_icon_name (GTK_BUTTON (button), icon);
  gtk_widget_add_css_class (button, "flat");
  describe (button, text);
  return button;
}

static GtkWidget *
caption (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 6);
  return label;
}

static char *
format_level (gdouble db)
{
  if (isinf (db))
    return g_strdup ("−∞");
  if (db < -0.05)
    return g_strdup_printf ("−%.1f", -db);
  return g_strdup_printf ("%.1f", db);
}

static char *
format_pan (gdouble pan)
{
  int percent = (int) lround (fabs (pan) * 100);

  if (percent == 0)
    return g_strdup (C_("pan", "C"));
  /* Translators: pan position, left or right, in percent */
  return g_strdup_printf (pan < 0 ? _("L %d") : _("R %d"), percent);
}

static const char *
strip_name (StrataChannelStrip *self)
{
  if (self->is_master)
    return _("Master");
  return strata_strip_get_name (self->strip) ? strata_strip_get_name (self->strip)
                                             : strata_strip_get_id (self->strip);
}

static const char *
bus_name (StrataChannelStrip *self, const char *id)
{
  StrataStrip *bus = strata_project_find_strip (get_project (self), id);

  if (bus == NULL)
    return id;
  return strata_strip_get_name (bus) ? strata_strip_get_name (bus) : id;
}

/* ---- model to controls ----------------------------------------------------------------- */

static void
sync_input (StrataChannelStrip *self)
{
  StrataTrack *track = STRATA_TRACK (self->strip);
  const char *input = strata_track_get_input (track);
  guint selected = strata_track_get_channels (track) == 2 ? 2 : 0;

  for (guint i = 0; input && i < G_N_ELEMENTS (inputs); i++)
    if (g_str_equal (input, inputs[i].value))
      selected = i;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->input), selected);
  gtk_widget_set_visible (self->input, strata_track_get_record_arm (track));
}

static void
sync_output (StrataChannelStrip *self)
{
  const char *output = strata_strip_get_output (self->strip);

  for (guint i = 0; i < self->output_ids->len; i++)
    if (g_strcmp0 (output, self->output_ids->pdata[i]) == 0)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->output), i);
}

/* The output choices: the master and every bus but this one, rebuilt only when a bus comes,
 * goes or is renamed. */
static void
refresh_outputs (StrataChannelStrip *self)
{
  GListModel *buses = strata_project_get_buses (get_project (self));
  g_autoptr(GString) signature = g_string_new (NULL);
  g_autoptr(GtkStringList) names = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (buses); i++)
    {
      g_autoptr(StrataStrip) bus = g_list_model_get_item (buses, i);

      if (bus != self->strip && !strata_bus_is_master (STRATA_BUS (bus)))
        g_string_append_printf (signature, "%s\x1f%s\x1e", strata_strip_get_id (bus),
                                strata_strip_get_name (bus));
    }
  if (g_strcmp0 (signature->str, self->output_signature) == 0)
    return;
  g_free (self->output_signature);
  self->output_signature = g_strdup (signature->str);

  names = gtk_string_list_new (NULL);
  g_ptr_array_set_size (self->output_ids, 0);
  gtk_string_list_append (names, _("Master"));
  g_ptr_array_add (self->output_ids, g_strdup ("master"));
  for (guint i = 0; i < g_list_model_get_n_items (buses); i++)
    {
      g_autoptr(StrataStrip) bus = g_list_model_get_item (buses, i);

      if (bus == self->strip || strata_bus_is_master (STRATA_BUS (bus)))
        continue;
      gtk_string_list_append (names, bus_name (self, strata_strip_get_id (bus)));
      g_ptr_array_add (self->output_ids, g_strdup (strata_strip_get_id (bus)));
    }
  self->syncing = TRUE;
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->output), G_LIST_MODEL (names));
  sync_output (self);
  self->syncing = FALSE;
}

static void
sync_from_model (StrataChannelStrip *self)
{
  gdouble pan = strata_strip_get_pan (self->strip);
  g_autofree char *pan_text = format_pan (pan);

  self->syncing = TRUE;
  if (!self->is_master && !gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (self->name)))
    gtk_editable_set_text (GTK_EDITABLE (self->name), strip_name (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  strip_name (self), -1);
  strata_fader_set_value (STRATA_FADER (self->fader), strata_strip_get_volume_db (self->strip));
  gtk_range_set_value (GTK_RANGE (self->pan), pan);
  gtk_label_set_text (GTK_LABEL (self->pan_label), pan_text);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->mute),
                                strata_strip_get_mute (self->strip));
  if (self->solo)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->solo),
                                  strata_strip_get_solo (self->strip));
  if (self->arm)
    {
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->arm),
                                    strata_track_get_record_arm (STRATA_TRACK (self->strip)));
      sync_input (self);
    }
  if (self->output)
    sync_output (self);
  if (self->role)
    gtk_drop_down_set_selected (GTK_DROP_DOWN (self->role),
                                strata_track_get_role (STRATA_TRACK (self->strip)));
  self->syncing = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- controls to commands -------------------------------------------------------------- */

static void
name_editing_cb (StrataChannelStrip *self)
{
  const char *text;

  if (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (self->name)))
    return;
  text = gtk_editable_get_text (GTK_EDITABLE (self->name));
  if (*text != '\0' && g_strcmp0 (text, strata_strip_get_name (self->strip)) != 0)
    strata_session_apply (self->session,
                          strata_property_command_new_value (self->strip, "name", text, NULL),
                          NULL);
  sync_from_model (self);
}

static void
input_selected_cb (StrataChannelStrip *self)
{
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->input));
  const char *current = strata_track_get_input (STRATA_TRACK (self->strip));

  if (self->syncing || selected >= G_N_ELEMENTS (inputs)
      || g_strcmp0 (current, inputs[selected].value) == 0)
    return;
  strata_session_apply (self->session,
                        strata_property_command_new_value (self->strip, "input",
                                                           inputs[selected].value, NULL),
                        NULL);
  sync_from_model (self);
}

static void
output_selected_cb (StrataChannelStrip *self)
{
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->output));
  GError *error = NULL;
  StrataCommand *command;
  const char *id;

  if (self->syncing || selected >= self->output_ids->len)
    return;
  id = self->output_ids->pdata[selected];
  if (g_strcmp0 (id, strata_strip_get_output (self->strip)) == 0)
    return;
  command = strata_commands_set_output (get_project (self), self->strip, id, &error);
  strata_session_apply (self->session, command, error);
  /* A refused route (a cycle) puts the dropdown back on the output the strip still has. */
  sync_from_model (self);
}

static void
role_selected_cb (StrataChannelStrip *self)
{
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->role));
  StrataTrack *track = STRATA_TRACK (self->strip);

  if (self->syncing || selected >= G_N_ELEMENTS (role_labels)
      || selected == (guint) strata_track_get_role (track))
    return;
  strata_session_apply (self->session,
                        strata_commands_set_role (get_project (self), track, selected), NULL);
  sync_from_model (self);
}

static void
fader_moved_cb (StrataChannelStrip *self, gdouble value_db, guint merge_key)
{
  GError *error = NULL;
  StrataCommand *command =
    strata_commands_set_volume (get_project (self), self->strip, value_db, merge_key, &error);

  strata_session_apply (self->session, command, error);
  sync_from_model (self);
}

static void
set_pan (StrataChannelStrip *self, gdouble pan, guint merge_key)
{
  GError *error = NULL;
  StrataCommand *command;

  pan = CLAMP (pan, -1.0, 1.0);
  /* Snap to the centre within half a percent, where a mouse cannot land exactly. */
  if (fabs (pan) < 0.005)
    pan = 0.0;
  if (pan == strata_strip_get_pan (self->strip))
    return;
  command = strata_commands_set_pan (get_project (self), self->strip, pan, merge_key, &error);
  strata_session_apply (self->session, command, error);
}

/* The scale follows the model, so that a refused value does not stay shown. */
static gboolean
pan_change_value_cb (GtkRange *range, GtkScrollType scroll, gdouble value,
                     StrataChannelStrip *self)
{
  set_pan (self, value, self->scale_key);
  sync_from_model (self);
  return TRUE;
}

static void
pan_pressed_cb (GtkGestureClick *gesture, int n_press, gdouble x, gdouble y,
                StrataChannelStrip *self)
{
  self->scale_key = strata_fader_next_merge_key ();
  if (n_press != 2)
    return;
  /* The scale's own gesture must not move the knob to the pointer afterwards. */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  set_pan (self, 0.0, self->scale_key);
  sync_from_model (self);
}

static gboolean
scale_key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                      GdkModifierType state, StrataChannelStrip *self)
{
  self->scale_key = strata_fader_next_merge_key ();
  return FALSE;
}

static gboolean
scale_scroll_cb (GtkEventControllerScroll *controller, gdouble dx, gdouble dy,
                 StrataChannelStrip *self)
{
  self->scale_key = strata_fader_next_merge_key ();
  return FALSE;
}

/* Every press, key or scroll on a scale starts a new gesture (a new merge key) before the
 * scale reports the value it leads to. */
static void
track_scale_gestures (StrataChannelStrip *self, GtkWidget *scale, GCallback pressed)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);

  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", pressed, self);
  gtk_widget_add_controller (scale, GTK_EVENT_CONTROLLER (click));
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (scale_key_pressed_cb), self);
  gtk_widget_add_controller (scale, key);
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scale_scroll_cb), self);
  gtk_widget_add_controller (scale, scroll);
}

static void
toggle_cb (GtkToggleButton *button, StrataChannelStrip *self)
{
  const char *property = g_object_get_data (G_OBJECT (button), "property");
  gboolean active = gtk_toggle_button_get_active (button);
  StrataEngine *engine = strata_session_get_engine (self->session);
  gboolean current;

  if (self->syncing)
    return;
  g_object_get (self->strip, property, &current, NULL);
  if (current == active)
    return;
  if (button == GTK_TOGGLE_BUTTON (self->arm) && engine != NULL)
    {
      GError *error = NULL;

      if (!strata_engine_arm (engine, STRATA_TRACK (self->strip), active, &error))
        strata_session_apply (self->session, NULL, error);
    }
  else
    strata_session_apply (self->session,
                          strata_property_command_new_value (self->strip, property, active),
                          NULL);
  sync_from_model (self);
}

static void
clip_reset_cb (StrataChannelStrip *self)
{
  StrataEngine *engine = strata_session_get_engine (self->session);

  if (engine != NULL)
    strata_engine_reset_clip (engine);
}

/* ---- inserts --------------------------------------------------------------------------- */

static StrataInsert *
row_insert (GtkWidget *button)
{
  return g_object_get_data (G_OBJECT (gtk_widget_get_parent (button)), "insert");
}

static void
insert_bypass_toggled_cb (GtkToggleButton *button, StrataChannelStrip *self)
{
  StrataInsert *insert = row_insert (GTK_WIDGET (button));
  gboolean bypass = !gtk_toggle_button_get_active (button);

  if (bypass == strata_insert_get_bypass (insert))
    return;
  strata_session_apply (self->session,
                        strata_commands_set_insert_bypass (get_project (self), insert, bypass),
                        NULL);
}

static void
insert_bypass_changed_cb (StrataInsert *insert, GParamSpec *pspec, GtkToggleButton *button)
{
  gtk_toggle_button_set_active (button, !strata_insert_get_bypass (insert));
}

static void
insert_remove_cb (GtkButton *button, StrataChannelStrip *self)
{
  if (strata_session_apply (self->session,
                            strata_commands_remove_insert (get_project (self), self->strip,
                                                           row_insert (GTK_WIDGET (button))),
                            NULL))
    strata_session_toast (self->session, _("Effect removed"), TRUE);
}

static void
insert_move_cb (GtkButton *button, StrataChannelStrip *self)
{
  int step = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "step"));
  GListModel *inserts = strata_strip_get_inserts (self->strip);
  guint from;

  if (!g_list_store_find (G_LIST_STORE (inserts), row_insert (GTK_WIDGET (button)), &from))
    return;
  strata_session_apply (self->session,
                        strata_commands_move_insert (get_project (self), self->strip, from,
                                                     from + step),
                        NULL);
}

/* ---- the parameter panel ---------------------------------------------------------------- */

/* A panel control knows its insert and its parameter. A continuous parameter's scale runs over
 * positions 0..1 on a logarithmic scale (LOG parameters with a positive range) or over the
 * parameter's own range. */
typedef struct
{
  StrataChannelStrip    *self;
  StrataInsert          *insert;
  const StrataParamDesc *param;
  GtkWidget             *control;
  GtkWidget             *value_label;   /* continuous only */
} ParamControl;

static gboolean
is_log (const StrataParamDesc *param)
{
  return (param->flags & STRATA_PARAM_LOG) && param->min > 0.0 && param->max > param->min;
}

static double
position_of (const StrataParamDesc *param, double value)
{
  return is_log (param) ? log (value / param->min) / log (param->max / param->min) : value;
}

static double
value_at (const StrataParamDesc *param, double position)
{
  if (is_log (param))
    return param->min * pow (param->max / param->min, CLAMP (position, 0.0, 1.0));
  return CLAMP (position, param->min, param->max);
}

static char *
format_param (const StrataParamDesc *param, double value)
{
  double size = fabs (value);
  int digits = size >= 100.0 || value == floor (value) ? 0 : size >= 10.0 ? 1 : 2;

  if (g_str_equal (param->unit, "Hz") && size >= 1000.0)
    /* Translators: a frequency in kilohertz, e.g. "2.50 kHz" */
    return g_strdup_printf (_("%.*f kHz"), size >= 10000.0 ? 1 : 2, value / 1000.0);
  /* The units are marked in the effect descriptors; "" must not be looked up (it would give
   * the catalogue's header). */
  return g_strdup_printf ("%.*f%s%s", digits, value, *param->unit ? " " : "",
                          *param->unit ? _(param->unit) : "");
}

/* The control shows the insert's value. Setting it from here changes nothing in the model:
 * each handler below compares with the model first. */
static void
param_control_sync (ParamControl *pc)
{
  double value = pc->param->def;

  strata_insert_get_value (pc->insert, pc->param->name, &value);
  switch (pc->param->kind)
    {
    case STRATA_PARAM_CONTINUOUS:
      {
        g_autofree char *text = format_param (pc->param, value);
        g_autofree char *tip = g_strdup_printf ("%s: %s", _(pc->param->label), text);

        gtk_range_set_value (GTK_RANGE (pc->control), position_of (pc->param, value));
        gtk_label_set_text (GTK_LABEL (pc->value_label), text);
        describe (pc->control, tip);
        break;
      }
    case STRATA_PARAM_CHOICE:
      gtk_drop_down_set_selected (GTK_DROP_DOWN (pc->control), (guint) value);
      break;
    case STRATA_PARAM_TOGGLE:
      gtk_switch_set_active (GTK_SWITCH (pc->control), value >= 0.5);
      break;
    }
}

static void
param_set (ParamControl *pc, double value, guint merge_key)
{
  GError *error = NULL;
  double current = pc->param->def;
  StrataCommand *command;

  strata_insert_get_value (pc->insert, pc->param->name, &current);
  value = strata_effect_param_clamp (pc->param, value);
  if (value == current)
    return;
  command = strata_commands_set_insert_param (get_project (pc->self), pc->insert,
                                              pc->param->name, value, merge_key, &error);
  strata_session_apply (pc->self->session, command, error);
}

static gboolean
param_change_value_cb (GtkRange *range, GtkScrollType scroll, gdouble position,
                       ParamControl *pc)
{
  param_set (pc, value_at (pc->param, position), pc->self->scale_key);
  param_control_sync (pc);
  return TRUE;
}

static void
param_pressed_cb (GtkGestureClick *gesture, int n_press, gdouble x, gdouble y,
                  StrataChannelStrip *self)
{
  self->scale_key = strata_fader_next_merge_key ();
}

static void
param_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec, ParamControl *pc)
{
  param_set (pc, gtk_drop_down_get_selected (dropdown), 0);
}

static void
param_active_cb (GtkSwitch *toggle, GParamSpec *pspec, ParamControl *pc)
{
  param_set (pc, gtk_switch_get_active (toggle) ? 1.0 : 0.0, 0);
}

static void
panel_sync_cb (StrataInsert *insert, GParamSpec *pspec, GtkWidget *panel)
{
  GPtrArray *controls = g_object_get_data (G_OBJECT (panel), "controls");

  for (guint i = 0; i < controls->len; i++)
    param_control_sync (controls->pdata[i]);
}

static GtkWidget *
param_row_new (StrataChannelStrip *self, StrataInsert *insert, const StrataParamDesc *param,
               GPtrArray *controls)
{
  ParamControl *pc = g_new0 (ParamControl, 1);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (_(param->label));

  pc->self = self;
  pc->insert = insert;
  pc->param = param;
  gtk_widget_set_name (row, param->name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (header), label);
  gtk_box_append (GTK_BOX (row), header);

  switch (param->kind)
    {
    case STRATA_PARAM_CONTINUOUS:
      pc->value_label = gtk_label_new (NULL);
      gtk_widget_add_css_class (pc->value_label, "numeric");
      gtk_box_append (GTK_BOX (header), pc->value_label);
      pc->control = is_log (param)
                      ? gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0.0, 1.0, 0.001)
                      : gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, param->min,
                                                  param->max, (param->max - param->min) / 1000.0);
      gtk_widget_set_size_request (pc->control, 200, -1);
      g_signal_connect (pc->control, "change-value", G_CALLBACK (param_change_value_cb), pc);
      track_scale_gestures (self, pc->control, G_CALLBACK (param_pressed_cb));
      break;
    case STRATA_PARAM_CHOICE:
      {
        g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
        g_auto(GStrv) choices = NULL;

        for (guint i = 0; param->choices[i] != NULL; i++)
          g_strv_builder_add (names, _(param->choices[i]));
        choices = g_strv_builder_end (names);
        for (guint i = 0; choices[i] != NULL; i++)
          g_strdelimit (choices[i], "_", ' ');  /* "low shelf", as the lanes say it */
        pc->control = gtk_drop_down_new_from_strings ((const char *const *) choices);
      }
      describe (pc->control, _(param->label));
      g_signal_connect (pc->control, "notify::selected", G_CALLBACK (param_selected_cb), pc);
      break;
    case STRATA_PARAM_TOGGLE:
      pc->control = gtk_switch_new ();
      gtk_widget_set_halign (pc->control, GTK_ALIGN_START);
      describe (pc->control, _(param->label));
      g_signal_connect (pc->control, "notify::active", G_CALLBACK (param_active_cb), pc);
      break;
    }
  g_ptr_array_add (controls, pc);
  param_control_sync (pc);
  gtk_box_append (GTK_BOX (row), pc->control);
  return row;
}

/* The insert's parameters as its descriptor lists them: a scale with its unit and value for a
 * continuous one, a dropdown for a choice, a switch for a toggle; each change is one command,
 * a drag one undo step. */
static GtkWidget *
param_panel_new (StrataChannelStrip *self, StrataInsert *insert)
{
  const StrataEffectClass *klass = strata_insert_get_class (insert);
  GtkWidget *panel = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (klass ? _(klass->label) : strata_insert_get_kind (insert));
  GPtrArray *controls = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_set_name (panel, "insert-panel");
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (panel), title);
  if (klass == NULL || klass->n_params == 0)
    gtk_box_append (GTK_BOX (panel), gtk_label_new (klass ? _("No parameters")
                                                          : _("Not an effect Strata knows")));
  for (guint i = 0; klass != NULL && i < klass->n_params; i++)
    gtk_box_append (GTK_BOX (panel), param_row_new (self, insert, &klass->params[i], controls));
  g_object_set_data_full (G_OBJECT (panel), "controls", controls,
                          (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (insert, "notify::params", G_CALLBACK (panel_sync_cb), panel, 0);
  return panel;
}

/* Built each time the slot opens, so that a closed panel costs nothing. */
static void
slot_create_popup_cb (GtkMenuButton *slot, gpointer user_data)
{
  StrataChannelStrip *self = user_data;
  StrataInsert *insert = row_insert (GTK_WIDGET (slot));

  gtk_popover_set_child (gtk_menu_button_get_popover (slot), param_panel_new (self, insert));
}

static GtkWidget *
insert_row_new (StrataChannelStrip *self, StrataInsert *insert, guint index, guint n)
{
  const StrataEffectClass *klass = strata_insert_get_class (insert);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *slot = gtk_menu_button_new ();
  GtkWidget *label = gtk_label_new (klass ? _(klass->label) : strata_insert_get_kind (insert));
  GtkWidget *on = icon_button ("system-shutdown-symbolic", _("Effect on (off bypasses it)"),
                               TRUE);
  GtkWidget *up = icon_button ("go-up-symbolic", _("Move the effect up"), FALSE);
  GtkWidget *down = icon_button ("go-down-symbolic", _("Move the effect down"), FALSE);
  GtkWidget *remove = icon_button ("window-close-symbolic", _("Remove the effect"), FALSE);
  g_autofree char *tip = g_strdup_printf (_("%s: show its parameters"),
                                          klass ? _(klass->label)
                                                : strata_insert_get_kind (insert));

  gtk_widget_set_name (row, "insert");
  g_object_set_data_full (G_OBJECT (row), "insert", g_object_ref (insert), g_object_unref);
  gtk_widget_set_name (slot, "insert-slot");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_menu_button_set_child (GTK_MENU_BUTTON (slot), label);
  gtk_menu_button_set_always_show_arrow (GTK_MENU_BUTTON (slot), FALSE);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (slot), gtk_popover_new ());
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (slot), slot_create_popup_cb, self,
                                         NULL);
  gtk_widget_add_css_class (slot, "flat");
  gtk_widget_set_hexpand (slot, TRUE);
  describe (slot, tip);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (on), !strata_insert_get_bypass (insert));
  g_signal_connect (on, "toggled", G_CALLBACK (insert_bypass_toggled_cb), self);
  g_signal_connect_object (insert, "notify::bypass", G_CALLBACK (insert_bypass_changed_cb), on,
                           0);
  gtk_widget_set_sensitive (up, index > 0);
  g_object_set_data (G_OBJECT (up), "step", GINT_TO_POINTER (-1));
  g_signal_connect (up, "clicked", G_CALLBACK (insert_move_cb), self);
  gtk_widget_set_sensitive (down, index + 1 < n);
  g_object_set_data (G_OBJECT (down), "step", GINT_TO_POINTER (1));
  g_signal_connect (down, "clicked", G_CALLBACK (insert_move_cb), self);
  g_signal_connect (remove, "clicked", G_CALLBACK (insert_remove_cb), self);

  gtk_box_append (GTK_BOX (row), slot);
  gtk_box_append (GTK_BOX (row), on);
  gtk_box_append (GTK_BOX (row), up);
  gtk_box_append (GTK_BOX (row), down);
  gtk_box_append (GTK_BOX (row), remove);
  return row;
}

static void
inserts_changed_cb (StrataChannelStrip *self)
{
  GListModel *inserts = strata_strip_get_inserts (self->strip);
  guint n = g_list_model_get_n_items (inserts);

  clear_box (self->inserts_box);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataInsert) insert = g_list_model_get_item (inserts, i);

      gtk_box_append (GTK_BOX (self->inserts_box), insert_row_new (self, insert, i, n));
    }
}

static void
add_insert_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  StrataChannelStrip *self = STRATA_CHANNEL_STRIP (widget);
  g_autoptr(StrataInsert) insert = strata_insert_new (g_variant_get_string (parameter, NULL),
                                                      NULL);
  GListModel *inserts = strata_strip_get_inserts (self->strip);

  strata_session_apply (self->session,
                        strata_commands_add_insert (get_project (self), self->strip, insert,
                                                    g_list_model_get_n_items (inserts)),
                        NULL);
}

/* Every effect of the registry, by its label, its description as the tooltip. */
static GtkWidget *
add_insert_button_new (void)
{
  GtkWidget *button = gtk_menu_button_new ();
  g_autoptr(GMenu) menu = g_menu_new ();

  for (guint i = 0; i < strata_effect_n_classes (); i++)
    {
      const StrataEffectClass *klass = strata_effect_class_get (i);
      g_autoptr(GMenuItem) item = g_menu_item_new (_(klass->label), NULL);

      g_menu_item_set_action_and_target (item, "strip.add-insert", "s", klass->type);
      g_menu_item_set_attribute (item, "tooltip", "s", _(klass->description));
      g_menu_append_item (menu, item);
    }
  gtk_widget_set_name (button, "add-insert");
  gtk_menu_button_set_label (GTK_MENU_BUTTON (button), _("Add Effect"));
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  describe (button, _("Add an effect to the end of the insert chain"));
  return button;
}

/* ---- sends ----------------------------------------------------------------------------- */

static void
send_sync_cb (StrataSend *send, GParamSpec *pspec, GtkWidget *row)
{
  GtkWidget *scale = g_object_get_data (G_OBJECT (row), "scale");
  GtkWidget *pre = g_object_get_data (G_OBJECT (row), "pre");
  gdouble level = strata_send_get_level_db (send);
  g_autofree char *value = format_level (level);
  g_autofree char *tip = g_strdup_printf (_("Send level: %s dB"), value);

  gtk_range_set_value (GTK_RANGE (scale), isinf (level) ? SEND_FLOOR_DB : level);
  gtk_widget_set_tooltip_text (scale, tip);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (pre), strata_send_get_pre_fader (send));
  gtk_button_set_label (GTK_BUTTON (pre),
                        strata_send_get_pre_fader (send) ? C_("send", "Pre") : C_("send", "Post"));
}

static StrataSend *
widget_send (GtkWidget *widget)
{
  while (g_object_get_data (G_OBJECT (widget), "send") == NULL)
    widget = gtk_widget_get_parent (widget);
  return g_object_get_data (G_OBJECT (widget), "send");
}

static gboolean
send_change_value_cb (GtkRange *range, GtkScrollType scroll, gdouble value,
                      StrataChannelStrip *self)
{
  StrataSend *send = widget_send (GTK_WIDGET (range));
  gdouble level = value <= SEND_FLOOR_DB + 0.05 ? -INFINITY : MIN (value, SEND_TOP_DB);
  StrataCommand *command;

  if (level != strata_send_get_level_db (send))
    {
      command = strata_property_command_new_value (send, "level-db", level);
      strata_property_command_set_merge_key (command, self->scale_key);
      strata_session_apply (self->session, command, NULL);
    }
  send_sync_cb (send, NULL, gtk_widget_get_parent (GTK_WIDGET (range)));
  return TRUE;
}

static void
send_pressed_cb (GtkGestureClick *gesture, int n_press, gdouble x, gdouble y,
                 StrataChannelStrip *self)
{
  self->scale_key = strata_fader_next_merge_key ();
}

static void
send_pre_toggled_cb (GtkToggleButton *button, StrataChannelStrip *self)
{
  StrataSend *send = widget_send (GTK_WIDGET (button));
  gboolean pre = gtk_toggle_button_get_active (button);

  if (pre != strata_send_get_pre_fader (send))
    strata_session_apply (self->session,
                          strata_property_command_new_value (send, "pre-fader", pre), NULL);
}

static void
send_remove_cb (GtkButton *button, StrataChannelStrip *self)
{
  if (strata_session_apply (self->session,
                            strata_commands_remove_send (get_project (self), self->strip,
                                                         widget_send (GTK_WIDGET (button))),
                            NULL))
    strata_session_toast (self->session, _("Send removed"), TRUE);
}

static char *
format_send_value (GtkScale *scale, gdouble value, gpointer user_data)
{
  return value <= SEND_FLOOR_DB + 0.05 ? g_strdup ("−∞") : format_level (value);
}

static GtkWidget *
send_row_new (StrataChannelStrip *self, StrataSend *send)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  GtkWidget *name = gtk_label_new (bus_name (self, strata_send_get_bus (send)));
  GtkWidget *pre = gtk_toggle_button_new ();
  GtkWidget *remove = icon_button ("window-close-symbolic", _("Remove the send"), FALSE);
  GtkWidget *scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, SEND_FLOOR_DB,
                                               SEND_TOP_DB, 0.5);

  g_object_set_data_full (G_OBJECT (row), "send", g_object_ref (send), g_object_unref);
  g_object_set_data (G_OBJECT (row), "scale", scale);
  g_object_set_data (G_OBJECT (row), "pre", pre);
  g_object_set_data (G_OBJECT (row), "name", name);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (pre, "flat");
  gtk_widget_add_css_class (pre, "caption");
  describe (pre, _("Pre-fader send (taps before the volume) or post-fader"));
  g_signal_connect (pre, "toggled", G_CALLBACK (send_pre_toggled_cb), self);
  g_signal_connect (remove, "clicked", G_CALLBACK (send_remove_cb), self);

  gtk_scale_set_draw_value (GTK_SCALE (scale), TRUE);
  gtk_scale_set_value_pos (GTK_SCALE (scale), GTK_POS_RIGHT);
  gtk_scale_set_format_value_func (GTK_SCALE (scale), format_send_value, NULL, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Send level"), -1);
  g_signal_connect (scale, "change-value", G_CALLBACK (send_change_value_cb), self);
  track_scale_gestures (self, scale, G_CALLBACK (send_pressed_cb));

  gtk_box_append (GTK_BOX (top), name);
  gtk_box_append (GTK_BOX (top), pre);
  gtk_box_append (GTK_BOX (top), remove);
  gtk_box_append (GTK_BOX (row), top);
  gtk_box_append (GTK_BOX (row), scale);
  g_signal_connect_object (send, "notify", G_CALLBACK (send_sync_cb), row, 0);
  send_sync_cb (send, NULL, row);
  return row;
}

/* The buses this strip does not send to yet. */
static void
refresh_send_menu (StrataChannelStrip *self)
{
  GListModel *buses = strata_project_get_buses (get_project (self));
  GListModel *sends = strata_strip_get_sends (self->strip);

  g_menu_remove_all (self->send_menu);
  for (guint i = 0; i < g_list_model_get_n_items (buses); i++)
    {
      g_autoptr(StrataStrip) bus = g_list_model_get_item (buses, i);
      const char *id = strata_strip_get_id (bus);
      gboolean taken = bus == self->strip || strata_bus_is_master (STRATA_BUS (bus));
      g_autoptr(GMenuItem) item = NULL;

      for (guint s = 0; !taken && s < g_list_model_get_n_items (sends); s++)
        {
          g_autoptr(StrataSend) send = g_list_model_get_item (sends, s);

          taken = g_strcmp0 (strata_send_get_bus (send), id) == 0;
        }
      if (taken)
        continue;
      item = g_menu_item_new (bus_name (self, id), NULL);
      g_menu_item_set_action_and_target (item, "strip.add-send", "s", id);
      g_menu_append_item (self->send_menu, item);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (self->send_menu)) == 0)
    g_menu_append (self->send_menu, _("No bus to send to"), "strip.none");
}

static void
sends_changed_cb (StrataChannelStrip *self)
{
  GListModel *sends = strata_strip_get_sends (self->strip);

  clear_box (self->sends_box);
  for (guint i = 0; i < g_list_model_get_n_items (sends); i++)
    {
      g_autoptr(StrataSend) send = g_list_model_get_item (sends, i);

      gtk_box_append (GTK_BOX (self->sends_box), send_row_new (self, send));
    }
  refresh_send_menu (self);
}

static void
add_send_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  StrataChannelStrip *self = STRATA_CHANNEL_STRIP (widget);
  GError *error = NULL;
  StrataCommand *command = strata_commands_add_send (get_project (self), self->strip,
                                                     g_variant_get_string (parameter, NULL),
                                                     0.0, FALSE, &error);

  strata_session_apply (self->session, command, error);
}

/* A bus renamed: the send rows and the output choices show the new name. */
static void
project_changed_cb (StrataChannelStrip *self)
{
  if (self->sends_box != NULL)
    for (GtkWidget *row = gtk_widget_get_first_child (self->sends_box); row != NULL;
         row = gtk_widget_get_next_sibling (row))
      gtk_label_set_text (g_object_get_data (G_OBJECT (row), "name"),
                          bus_name (self, strata_send_get_bus (widget_send (row))));
  if (self->send_menu != NULL)
    refresh_send_menu (self);
  if (self->output != NULL)
    refresh_outputs (self);
}

/* ---- building -------------------------------------------------------------------------- */

static GtkWidget *
toggle_new (StrataChannelStrip *self, const char *label, const char *property,
            const char *text)
{
  GtkWidget *button = label ? gtk_toggle_button_new_with_label (label)
                            : gtk_toggle_button_new ();

  g_object_set_data (G_OBJECT (button), "property", (gpointer) property);
  gtk_widget_set_hexpand (button, TRUE);
  describe (button, text);
  g_signal_connect (button, "toggled", G_CALLBACK (toggle_cb), self);
  return button;
}

static void
set_loudness_text (GtkWidget *label, gdouble value, const char *unit)
{
  g_autofree char *number = format_level (value);
  g_autofree char *text = g_strdup_printf ("%s %s", number, unit);

  if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) != 0)
    gtk_label_set_text (GTK_LABEL (label), text);
}

static GtkWidget *
build_loudness (StrataChannelStrip *self)
{
  static const struct
  {
    const char *label;
    const char *tooltip;
  } rows[] = {
    { N_("M"), N_("Momentary loudness (400 ms), LUFS") },
    { N_("S"), N_("Short-term loudness (3 s), LUFS") },
    { N_("I"), N_("Integrated loudness since playback started, LUFS") },
    { N_("TP"), N_("True peak, dBTP") },
  };
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  self->momentary_bar = gtk_level_bar_new_for_interval (0, -LUFS_FLOOR);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (self->momentary_bar),
                                     GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (self->momentary_bar),
                                     GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (self->momentary_bar),
                                     GTK_LEVEL_BAR_OFFSET_FULL);
  describe (self->momentary_bar, _("Momentary loudness"));
  gtk_grid_attach (GTK_GRID (grid), self->momentary_bar, 0, 0, 2, 1);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GtkWidget *label = gtk_label_new (_(rows[i].label));
      GtkWidget *value = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_widget_set_hexpand (value, TRUE);
      gtk_widget_add_css_class (value, "numeric");
      gtk_widget_add_css_class (value, "caption");
      describe (label, _(rows[i].tooltip));
      describe (value, _(rows[i].tooltip));
      gtk_grid_attach (GTK_GRID (grid), label, 0, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value, 1, i + 1, 1, 1);
      self->loudness[i] = value;
      set_loudness_text (value, -INFINITY, i < 3 ? _("LUFS") : _("dBTP"));
    }
  return grid;
}

static void
build (StrataChannelStrip *self)
{
  GtkBox *box = GTK_BOX (self->box);
  GtkBox *processors;
  GtkWidget *row, *level, *scroller;
  GtkAdjustment *adjustment;

  if (self->is_master)
    {
      self->name = gtk_label_new (_("Master"));
      gtk_widget_add_css_class (self->name, "heading");
    }
  else
    {
      self->name = gtk_editable_label_new (strip_name (self));
      gtk_editable_set_width_chars (GTK_EDITABLE (self->name), 6);
      gtk_editable_set_max_width_chars (GTK_EDITABLE (self->name), 10);
      describe (self->name, _("Name (click to rename)"));
      g_signal_connect_swapped (self->name, "notify::editing", G_CALLBACK (name_editing_cb),
                                self);
    }
  gtk_widget_set_margin_top (self->name, 6);
  gtk_box_append (box, self->name);

  /* Input, inserts and sends scroll in a box of one height, so that the pans and faders of
   * all strips line up however many sends each has. */
  processors = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 4));
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (processors));
  gtk_widget_set_size_request (scroller, -1, PROCESSORS_HEIGHT);
  gtk_box_append (box, scroller);

  if (is_track (self))
    {
      const char *labels[G_N_ELEMENTS (inputs) + 1] = { NULL };

      for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
        labels[i] = _(inputs[i].label);
      self->input = gtk_drop_down_new_from_strings (labels);
      gtk_widget_set_name (self->input, "input");
      describe (self->input, _("Input the track records from"));
      g_signal_connect_swapped (self->input, "notify::selected", G_CALLBACK (input_selected_cb),
                                self);
      gtk_box_append (processors, self->input);
    }

  gtk_box_append (processors, caption (_("Inserts")));
  self->inserts_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (processors, self->inserts_box);
  self->add_insert = add_insert_button_new ();
  gtk_box_append (processors, self->add_insert);

  if (!self->is_master)
    {
      GtkWidget *add_send = gtk_menu_button_new ();

      gtk_box_append (processors, caption (_("Sends")));
      self->sends_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      gtk_box_append (processors, self->sends_box);
      gtk_menu_button_set_label (GTK_MENU_BUTTON (add_send), _("Add Send"));
      self->send_menu = g_menu_new ();
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (add_send),
                                      G_MENU_MODEL (self->send_menu));
      describe (add_send, _("Send this strip to a bus"));
      gtk_box_append (processors, add_send);
    }

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_margin_top (row, 6);
  gtk_box_append (GTK_BOX (row), caption (_("Pan")));
  gtk_widget_set_margin_top (gtk_widget_get_first_child (row), 0);
  self->pan_label = gtk_label_new (NULL);
  gtk_widget_set_hexpand (self->pan_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->pan_label), 1);
  gtk_widget_add_css_class (self->pan_label, "numeric");
  gtk_widget_add_css_class (self->pan_label, "caption");
  gtk_box_append (GTK_BOX (row), self->pan_label);
  gtk_box_append (box, row);
  adjustment = gtk_adjustment_new (0, -1, 1, 0.01, 0.1, 0);
  self->pan = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, adjustment);
  gtk_widget_set_name (self->pan, "pan");
  gtk_scale_set_has_origin (GTK_SCALE (self->pan), FALSE);
  gtk_scale_add_mark (GTK_SCALE (self->pan), 0, GTK_POS_BOTTOM, NULL);
  describe (self->pan, _("Pan (double-click to centre)"));
  g_signal_connect (self->pan, "change-value", G_CALLBACK (pan_change_value_cb), self);
  track_scale_gestures (self, self->pan, G_CALLBACK (pan_pressed_cb));
  gtk_box_append (box, self->pan);

  level = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_set_halign (level, GTK_ALIGN_CENTER);
  gtk_widget_set_vexpand (level, TRUE);
  self->fader = strata_fader_new ();
  describe (self->fader, _("Volume (double-click or 0 for 0 dB, Ctrl drags finely)"));
  g_signal_connect_swapped (self->fader, "moved", G_CALLBACK (fader_moved_cb), self);
  gtk_box_append (GTK_BOX (level), self->fader);
  self->meter = strata_meter_widget_new ();
  describe (self->meter, _("Level meter (click the clip light to reset it)"));
  g_signal_connect_swapped (self->meter, "clip-reset", G_CALLBACK (clip_reset_cb), self);
  gtk_box_append (GTK_BOX (level), self->meter);
  gtk_box_append (box, level);

  if (self->is_master)
    gtk_box_append (box, build_loudness (self));

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_add_css_class (row, "linked");
  self->mute = toggle_new (self, C_("mute", "M"), "mute", _("Mute"));
  gtk_widget_set_name (self->mute, "mute");
  gtk_box_append (GTK_BOX (row), self->mute);
  if (!self->is_master)
    {
      self->solo = toggle_new (self, C_("solo", "S"), "solo", _("Solo"));
      gtk_box_append (GTK_BOX (row), self->solo);
    }
  if (is_track (self))
    {
      self->arm = toggle_new (self, NULL, "record-arm", _("Arm for recording"));
      gtk_button_set_icon_name (GTK_BUTTON (self->arm), "media-record-symbolic");
      gtk_box_append (GTK_BOX (row), self->arm);
    }
  gtk_box_append (box, row);

  if (!self->is_master)
    {
      self->output = gtk_drop_down_new (NULL, NULL);
      gtk_widget_set_name (self->output, "output");
      describe (self->output, _("Output: the master or a bus"));
      g_signal_connect_swapped (self->output, "notify::selected",
                                G_CALLBACK (output_selected_cb), self);
      gtk_box_append (box, self->output);
      refresh_outputs (self);
    }
  if (is_track (self))
    {
      const char *labels[G_N_ELEMENTS (role_labels) + 1] = { NULL };

      for (guint i = 0; i < G_N_ELEMENTS (role_labels); i++)
        labels[i] = _(role_labels[i]);
      self->role = gtk_drop_down_new_from_strings (labels);
      gtk_widget_set_name (self->role, "role");
      describe (self->role, _("Role: which bus Bus Presets route this track to"));
      g_signal_connect_swapped (self->role, "notify::selected", G_CALLBACK (role_selected_cb),
                                self);
      gtk_box_append (box, self->role);
    }
}

/* ---- GtkWidget ------------------------------------------------------------------------- */

static void
strata_channel_strip_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  StrataChannelStrip *self = STRATA_CHANNEL_STRIP (widget);

  gtk_widget_measure (self->box, orientation, for_size, minimum, natural, minimum_baseline,
                      natural_baseline);
  /* Strips are one width however long a name is, so the mixer reads as a row of channels. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = *minimum = MAX (*minimum, STRIP_WIDTH);
}

static void
strata_channel_strip_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  gtk_widget_allocate (STRATA_CHANNEL_STRIP (widget)->box, width, height, baseline, NULL);
}

/* The strip's colour as a band across its top. */
static void
strata_channel_strip_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  StrataChannelStrip *self = STRATA_CHANNEL_STRIP (widget);
  const char *spec = strata_strip_get_color (self->strip);
  GdkRGBA color = { 0.55, 0.55, 0.6, 1 };
  GskRoundedRect band;

  GTK_WIDGET_CLASS (strata_channel_strip_parent_class)->snapshot (widget, snapshot);
  if (spec == NULL || !gdk_rgba_parse (&color, spec))
    color = (GdkRGBA) { 0.55, 0.55, 0.6, 1 };
  gsk_rounded_rect_init_from_rect (&band, &GRAPHENE_RECT_INIT (10, 3,
                                                               gtk_widget_get_width (widget) - 20,
                                                               4), 2);
  gtk_snapshot_push_rounded_clip (snapshot, &band);
  gtk_snapshot_append_color (snapshot, &color, &band.bounds);
  gtk_snapshot_pop (snapshot);
}

static void
strata_channel_strip_dispose (GObject *object)
{
  StrataChannelStrip *self = STRATA_CHANNEL_STRIP (object);

  if (self->strip != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->strip, self);
      g_signal_handlers_disconnect_by_data (strata_strip_get_inserts (self->strip), self);
      g_signal_handlers_disconnect_by_data (strata_strip_get_sends (self->strip), self);
      g_signal_handlers_disconnect_by_data (get_project (self), self);
    }
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->strip);
  g_clear_object (&self->session);
  g_clear_object (&self->send_menu);
  g_clear_pointer (&self->output_ids, g_ptr_array_unref);
  g_clear_pointer (&self->output_signature, g_free);
  G_OBJECT_CLASS (strata_channel_strip_parent_class)->dispose (object);
}

static void
strata_channel_strip_class_init (StrataChannelStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_channel_strip_dispose;
  widget_class->measure = strata_channel_strip_measure;
  widget_class->size_allocate = strata_channel_strip_size_allocate;
  widget_class->snapshot = strata_channel_strip_snapshot;

  gtk_widget_class_install_action (widget_class, "strip.add-send", "s", add_send_action);
  gtk_widget_class_install_action (widget_class, "strip.add-insert", "s", add_insert_action);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_css_name (widget_class, "channelstrip");
}

static void
strata_channel_strip_init (StrataChannelStrip *self)
{
  self->output_ids = g_ptr_array_new_with_free_func (g_free);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_object_set (self->box, "margin-start", 6, "margin-end", 6, "margin-top", 6,
                "margin-bottom", 6, NULL);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
}

GtkWidget *
strata_channel_strip_new (StrataSession *session, StrataStrip *strip)
{
  StrataChannelStrip *self;

  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);
  g_return_val_if_fail (STRATA_IS_STRIP (strip), NULL);

  self = g_object_new (STRATA_TYPE_CHANNEL_STRIP, NULL);
  self->session = g_object_ref (session);
  self->strip = g_object_ref (strip);
  self->is_master = STRATA_IS_BUS (strip) && strata_bus_is_master (STRATA_BUS (strip));
  build (self);

  g_signal_connect_swapped (strip, "notify", G_CALLBACK (sync_from_model), self);
  g_signal_connect_swapped (strata_strip_get_inserts (strip), "items-changed",
                            G_CALLBACK (inserts_changed_cb), self);
  g_signal_connect_swapped (get_project (self), "changed", G_CALLBACK (project_changed_cb),
                            self);
  inserts_changed_cb (self);
  if (self->sends_box != NULL)
    {
      g_signal_connect_swapped (strata_strip_get_sends (strip), "items-changed",
                                G_CALLBACK (sends_changed_cb), self);
      sends_changed_cb (self);
    }
  sync_from_model (self);
  return GTK_WIDGET (self);
}

StrataStrip *
strata_channel_strip_get_strip (StrataChannelStrip *self)
{
  g_return_val_if_fail (STRATA_IS_CHANNEL_STRIP (self), NULL);
  return self->strip;
}

void
strata_channel_strip_update_meters (StrataChannelStrip *self)
{
  StrataEngine *engine;
  StrataMeter meter = { { 0 } };

  g_return_if_fail (STRATA_IS_CHANNEL_STRIP (self));

  engine = strata_session_get_engine (self->session);
  if (engine == NULL)
    return;
  /* An armed track meters what it would record. */
  if (is_track (self) && strata_track_get_record_arm (STRATA_TRACK (self->strip)))
    strata_engine_get_track_input_meter (engine, STRATA_TRACK (self->strip), &meter);
  else if (!strata_engine_get_meter (engine, strata_strip_get_id (self->strip), &meter))
    meter = (StrataMeter) { { 0 } };
  strata_meter_widget_set_levels (STRATA_METER_WIDGET (self->meter), &meter);

  if (self->is_master)
    {
      StrataLoudness loudness;

      strata_engine_get_loudness (engine, &loudness);
      set_loudness_text (self->loudness[0], loudness.momentary, _("LUFS"));
      set_loudness_text (self->loudness[1], loudness.short_term, _("LUFS"));
      set_loudness_text (self->loudness[2], loudness.integrated, _("LUFS"));
      set_loudness_text (self->loudness[3], loudness.true_peak, _("dBTP"));
      gtk_level_bar_set_value (GTK_LEVEL_BAR (self->momentary_bar),
                               isinf (loudness.momentary)
                               ? 0 : CLAMP (loudness.momentary - LUFS_FLOOR, 0, -LUFS_FLOOR));
    }
}
