/* test-ui-mix.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Mix page on the demo project, without an engine: its strips follow the model, the
 * fader law and the meter scale are the documented formulas, and each control's gesture is
 * one command on the undo stack. GTK cannot fake pointer events, so the gestures are driven by
 * emitting the signals of the widgets' own event controllers, which runs the same handlers.
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "strata-channel-strip.h"
#include "strata-commands.h"
#include "strata-fader.h"
#include "strata-json.h"
#include "strata-meter.h"
#include "strata-mix-view.h"
#include "strata-test-ui.h"
#include "strata-ui.h"

typedef struct
{
  StrataProject *project;
  StrataSession *session;
  GtkWidget     *view;
  GPtrArray     *toasts;
} Fixture;

static void
toast_cb (StrataSession *session, const char *message, gboolean offer_undo, Fixture *f)
{
  g_ptr_array_add (f->toasts, g_strdup (message));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->project = strata_json_load_file (g_getenv ("STRATA_DEMO_PROJECT"), &error);
  g_assert_no_error (error);
  f->session = strata_session_new (f->project, NULL);
  f->view = g_object_ref_sink (strata_mix_view_new (f->session));
  f->toasts = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->session, "toast", G_CALLBACK (toast_cb), f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->view);
  g_object_unref (f->session);
  g_assert_finalize_object (f->project);
  g_ptr_array_unref (f->toasts);
}

static void
collect_strips (GtkWidget *widget, GPtrArray *out)
{
  if (STRATA_IS_CHANNEL_STRIP (widget))
    {
      g_ptr_array_add (out, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_strips (child, out);
}

static GtkWidget *
find_child (GtkWidget *widget, GType type, const char *name)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type)
      && (name == NULL || g_strcmp0 (gtk_widget_get_name (widget), name) == 0))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child (child, type, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The strip whose model strip has this id. */
static GtkWidget *
strip_widget (Fixture *f, const char *id)
{
  g_autoptr(GPtrArray) strips = g_ptr_array_new ();

  collect_strips (f->view, strips);
  for (guint i = 0; i < strips->len; i++)
    if (g_str_equal (strata_strip_get_id (
                       strata_channel_strip_get_strip (strips->pdata[i])), id))
      return strips->pdata[i];
  g_assert_not_reached ();
}

static char *
shown_name (GtkWidget *strip)
{
  GtkWidget *editable = find_child (strip, GTK_TYPE_EDITABLE_LABEL, NULL);

  if (editable != NULL)
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable)));
  return g_strdup (gtk_label_get_text (GTK_LABEL (find_child (strip, GTK_TYPE_LABEL, NULL))));
}

static char *
shown_names (Fixture *f)
{
  g_autoptr(GPtrArray) strips = g_ptr_array_new ();
  g_autoptr(GString) names = g_string_new (NULL);

  collect_strips (f->view, strips);
  for (guint i = 0; i < strips->len; i++)
    {
      g_autofree char *name = shown_name (strips->pdata[i]);

      g_string_append_printf (names, "%s%s", i ? "," : "", name);
    }
  return g_strdup (names->str);
}

/* The event controller of `type` (and, for a click, of `phase`) on `widget`. */
static gpointer
find_controller (GtkWidget *widget, GType type, GtkPropagationPhase phase)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type)
          && gtk_event_controller_get_propagation_phase (controller) == phase)
        return controller;
    }
  g_assert_not_reached ();
}

static guint
undo_depth (Fixture *f)
{
  return strata_undo_stack_get_depth (strata_project_get_undo_stack (f->project));
}

static void
undo (Fixture *f)
{
  g_assert_true (strata_undo_stack_undo (strata_project_get_undo_stack (f->project)));
}

static StrataStrip *
model_strip (Fixture *f, const char *id)
{
  return strata_project_find_strip (f->project, id);
}

/* Lets the project's once-per-iteration "changed" reach the strips. */
static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_strips (Fixture *f, gconstpointer data)
{
  g_autofree char *names = shown_names (f);

  /* Five tracks in timeline order, the two buses, the master last. */
  g_assert_cmpstr (names, ==, "Kick,Snare,Hats,Bass,Keys,Drums,Reverb,Master");
}

static void
test_follows_tracks (Fixture *f, gconstpointer data)
{
  StrataTrack *track = NULL;
  StrataCommand *command = strata_commands_add_track (f->project, 1, "Vox", 2, &track);
  g_autofree char *added = NULL, *moved = NULL, *undone = NULL;

  strata_project_push (f->project, command);
  added = shown_names (f);
  g_assert_cmpstr (added, ==, "Kick,Snare,Vox,Hats,Bass,Keys,Drums,Reverb,Master");

  strata_project_push (f->project, strata_commands_move_track (f->project, 0, 4));
  moved = shown_names (f);
  g_assert_cmpstr (moved, ==, "Snare,Vox,Hats,Bass,Kick,Keys,Drums,Reverb,Master");

  undo (f);
  undo (f);
  undone = shown_names (f);
  g_assert_cmpstr (undone, ==, "Kick,Snare,Hats,Bass,Keys,Drums,Reverb,Master");
}

static void
test_follows_buses (Fixture *f, gconstpointer data)
{
  g_autofree char *added = NULL, *renamed = NULL;
  StrataBus *bus = NULL;

  strata_project_push (f->project, strata_commands_add_bus (f->project, "Delay", 0, &bus));
  added = shown_names (f);
  g_assert_cmpstr (added, ==, "Kick,Snare,Hats,Bass,Keys,Delay,Drums,Reverb,Master");
  strata_project_push (f->project,
                       strata_property_command_new_value (bus, "name", "Echo", NULL));
  renamed = shown_names (f);
  g_assert_cmpstr (renamed, ==, "Kick,Snare,Hats,Bass,Keys,Echo,Drums,Reverb,Master");
}

/* The law documented in strata-fader.c: piecewise linear in dB through (-80, 0), (-60, 0.05),
 * (-48, 0.12), (-24, 0.35), (-12, 0.55), (0, 0.80), (+6, 1), -inf at the bottom. */
static void
test_fader_law (void)
{
  static const struct
  {
    gdouble db, pos;
  } expected[] = {
    { -60.0, 0.05 },
    { 0.0, 0.80 },
    { 6.0, 1.00 },
    { -6.0, 0.80 - 6.0 / 12.0 * (0.80 - 0.55) },
    { -36.0, 0.12 + 12.0 / 24.0 * (0.35 - 0.12) },
    { -70.0, 0.05 * 10.0 / 20.0 },
  };

  g_assert_cmpfloat (strata_fader_db_to_position (-INFINITY), ==, 0.0);
  g_assert_cmpfloat (strata_fader_db_to_position (-100.0), ==, 0.0);
  g_assert_cmpfloat (strata_fader_db_to_position (12.0), ==, 1.0);
  g_assert_true (isinf (strata_fader_position_to_db (0.0)));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpfloat_with_epsilon (strata_fader_db_to_position (expected[i].db),
                                      expected[i].pos, 1e-12);
      g_assert_cmpfloat_with_epsilon (strata_fader_position_to_db (expected[i].pos),
                                      expected[i].db, 1e-9);
    }
}

static void
test_fader_drag (Fixture *f, gconstpointer data)
{
  GtkWidget *fader = find_child (strip_widget (f, "kick"), STRATA_TYPE_FADER, NULL);
  GtkGesture *drag = find_controller (fader, GTK_TYPE_GESTURE_DRAG, GTK_PHASE_BUBBLE);
  StrataStrip *kick = model_strip (f, "kick");
  gdouble before = strata_strip_get_volume_db (kick);
  guint depth = undo_depth (f);
  gdouble expected;

  g_assert_cmpfloat (strata_fader_get_value (STRATA_FADER (fader)), ==, before);

  /* Unallocated, the travel is its natural 200 px: 40 px up is a fifth of it. */
  g_signal_emit_by_name (drag, "drag-begin", 20.0, 100.0);
  g_signal_emit_by_name (drag, "drag-update", 0.0, -10.0);
  g_signal_emit_by_name (drag, "drag-update", 1.0, -25.0);
  g_signal_emit_by_name (drag, "drag-update", 2.0, -40.0);
  g_signal_emit_by_name (drag, "drag-end", 2.0, -40.0);
  expected = strata_fader_position_to_db (strata_fader_db_to_position (before) + 0.2);
  g_assert_cmpfloat_with_epsilon (strata_strip_get_volume_db (kick), expected, 1e-9);
  g_assert_cmpuint (undo_depth (f), ==, depth + 1);

  /* A second drag is a second step. */
  g_signal_emit_by_name (drag, "drag-begin", 20.0, 60.0);
  g_signal_emit_by_name (drag, "drag-update", 0.0, 20.0);
  g_signal_emit_by_name (drag, "drag-end", 0.0, 20.0);
  g_assert_cmpuint (undo_depth (f), ==, depth + 2);

  undo (f);
  g_assert_cmpfloat_with_epsilon (strata_strip_get_volume_db (kick), expected, 1e-9);
  undo (f);
  g_assert_cmpfloat (strata_strip_get_volume_db (kick), ==, before);
  /* The fader follows the undo. */
  g_assert_cmpfloat (strata_fader_get_value (STRATA_FADER (fader)), ==, before);
}

static void
test_fader_reset (Fixture *f, gconstpointer data)
{
  GtkWidget *fader = find_child (strip_widget (f, "verb"), STRATA_TYPE_FADER, NULL);
  GtkGesture *click = find_controller (fader, GTK_TYPE_GESTURE_CLICK, GTK_PHASE_BUBBLE);
  StrataStrip *verb = model_strip (f, "verb");
  guint depth = undo_depth (f);

  g_assert_cmpfloat (strata_strip_get_volume_db (verb), ==, -6.0);
  g_signal_emit_by_name (click, "pressed", 1, 10.0, 10.0);
  g_assert_cmpfloat (strata_strip_get_volume_db (verb), ==, -6.0);
  g_signal_emit_by_name (click, "pressed", 2, 10.0, 10.0);
  g_assert_cmpfloat (strata_strip_get_volume_db (verb), ==, 0.0);
  g_assert_cmpuint (undo_depth (f), ==, depth + 1);
  undo (f);
  g_assert_cmpfloat (strata_fader_get_value (STRATA_FADER (fader)), ==, -6.0);
}

static void
test_pan_reset (Fixture *f, gconstpointer data)
{
  GtkWidget *pan = find_child (strip_widget (f, "bass"), GTK_TYPE_SCALE, "pan");
  GtkGesture *click = find_controller (pan, GTK_TYPE_GESTURE_CLICK, GTK_PHASE_CAPTURE);
  StrataStrip *bass = model_strip (f, "bass");
  guint depth;

  strata_project_push (f->project, strata_commands_set_pan (f->project, bass, 0.5, 0, NULL));
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (pan)), ==, 0.5);
  depth = undo_depth (f);
  g_signal_emit_by_name (click, "pressed", 2, 10.0, 5.0);
  g_assert_cmpfloat (strata_strip_get_pan (bass), ==, 0.0);
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (pan)), ==, 0.0);
  g_assert_cmpuint (undo_depth (f), ==, depth + 1);
  undo (f);
  g_assert_cmpfloat (strata_strip_get_pan (bass), ==, 0.5);
}

static void
test_mute (Fixture *f, gconstpointer data)
{
  GtkWidget *mute = find_child (strip_widget (f, "snare"), GTK_TYPE_TOGGLE_BUTTON, "mute");
  StrataStrip *snare = model_strip (f, "snare");
  guint depth = undo_depth (f);

  g_assert_false (strata_strip_get_mute (snare));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (mute), TRUE);
  g_assert_true (strata_strip_get_mute (snare));
  g_assert_cmpuint (undo_depth (f), ==, depth + 1);
  undo (f);
  g_assert_false (strata_strip_get_mute (snare));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (mute)));
}

static void
select_output (GtkWidget *strip, const char *name)
{
  GtkWidget *dropdown = find_child (strip, GTK_TYPE_DROP_DOWN, "output");
  GListModel *names = gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown));

  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (names), i), name))
      {
        gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), i);
        return;
      }
  g_assert_not_reached ();
}

static const char *
selected_output (GtkWidget *strip)
{
  GtkWidget *dropdown = find_child (strip, GTK_TYPE_DROP_DOWN, "output");

  return gtk_string_list_get_string (
    GTK_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown))),
    gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)));
}

static void
test_output (Fixture *f, gconstpointer data)
{
  GtkWidget *kick = strip_widget (f, "kick");
  GtkWidget *verb = strip_widget (f, "verb");
  guint depth;

  g_assert_cmpstr (selected_output (kick), ==, "Drums");
  select_output (kick, "Reverb");
  g_assert_cmpstr (strata_strip_get_output (model_strip (f, "kick")), ==, "verb");

  /* Drums into Reverb is fine; Reverb back into Drums would be a cycle. */
  select_output (strip_widget (f, "drums"), "Reverb");
  g_assert_cmpstr (strata_strip_get_output (model_strip (f, "drums")), ==, "verb");
  depth = undo_depth (f);
  select_output (verb, "Drums");
  g_assert_cmpstr (strata_strip_get_output (model_strip (f, "verb")), ==, "master");
  g_assert_cmpstr (selected_output (verb), ==, "Master");
  g_assert_cmpuint (undo_depth (f), ==, depth);
  g_assert_cmpuint (f->toasts->len, ==, 1);

  undo (f);
  undo (f);
  g_assert_cmpstr (selected_output (kick), ==, "Drums");
}

static void
test_send_drag (Fixture *f, gconstpointer data)
{
  GtkWidget *keys = strip_widget (f, "keys");
  GtkWidget *scale = find_child (keys, GTK_TYPE_SCALE, NULL);
  GtkGesture *click;
  g_autoptr(StrataSend) send =
    g_list_model_get_item (strata_strip_get_sends (model_strip (f, "keys")), 0);
  guint depth = undo_depth (f);
  gboolean handled;

  /* The first scale of the strip is the send's (the pan's comes after). */
  g_assert_cmpstr (gtk_widget_get_name (scale), !=, "pan");
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (scale)), ==, -12.0);
  click = find_controller (scale, GTK_TYPE_GESTURE_CLICK, GTK_PHASE_CAPTURE);
  g_signal_emit_by_name (click, "pressed", 1, 10.0, 5.0);
  g_signal_emit_by_name (scale, "change-value", GTK_SCROLL_JUMP, -10.0, &handled);
  g_signal_emit_by_name (scale, "change-value", GTK_SCROLL_JUMP, -8.0, &handled);
  g_assert_cmpfloat (strata_send_get_level_db (send), ==, -8.0);
  g_assert_cmpuint (undo_depth (f), ==, depth + 1);
  undo (f);
  g_assert_cmpfloat (strata_send_get_level_db (send), ==, -12.0);
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (scale)), ==, -12.0);
}

/* Shows `child` in `window`, laid out. */
static void
show_in_window (GtkWidget *window, GtkWidget *child, int width, int height)
{
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (child) || gtk_widget_get_height (child) <= 0)
    g_main_context_iteration (NULL, TRUE);
  iterate ();
}

static void
test_inserts (Fixture *f, gconstpointer data)
{
  StrataStrip *hats = model_strip (f, "hats");
  GListModel *inserts = strata_strip_get_inserts (hats);
  GtkWidget *strip = strip_widget (f, "hats");
  g_autoptr(StrataInsert) first = strata_insert_new ("compressor", NULL);
  g_autoptr(StrataInsert) second = strata_insert_new ("eq", NULL);
  GtkWidget *row, *button;
  guint depth;

  /* Add Effect lists every effect of the registry: its label, its description as tooltip. */
  button = find_child (strip, GTK_TYPE_MENU_BUTTON, "add-insert");
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (button)), ==, "Add Effect");
  g_assert_true (gtk_widget_get_sensitive (button));
  {
    GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));

    g_assert_cmpint (g_menu_model_get_n_items (menu), ==, strata_effect_n_classes ());
    for (guint i = 0; i < strata_effect_n_classes (); i++)
      {
        const StrataEffectClass *klass = strata_effect_class_get (i);
        g_autofree char *label = NULL, *tooltip = NULL, *target = NULL;

        g_assert_true (g_menu_model_get_item_attribute (menu, i, "label", "s", &label));
        g_assert_true (g_menu_model_get_item_attribute (menu, i, "tooltip", "s", &tooltip));
        g_assert_true (g_menu_model_get_item_attribute (menu, i, "target", "s", &target));
        g_assert_cmpstr (label, ==, klass->label);
        g_assert_cmpstr (tooltip, ==, klass->description);
        g_assert_cmpstr (target, ==, klass->type);
      }
  }
  /* Choosing Compressor adds one at the end, in one step. */
  depth = undo_depth (f);
  gtk_widget_activate_action (strip, "strip.add-insert", "s", "compressor");
  g_assert_cmpuint (g_list_model_get_n_items (inserts), ==, 1);
  {
    g_autoptr(StrataInsert) added = g_list_model_get_item (inserts, 0);
    g_assert_cmpstr (strata_insert_get_kind (added), ==, "compressor");
  }
  g_assert_cmpuint (undo_depth (f), ==, depth + 1);
  undo (f);
  g_assert_cmpuint (g_list_model_get_n_items (inserts), ==, 0);

  /* Inserts a project holds show as slots, in order. */
  strata_project_push (f->project, strata_commands_add_insert (f->project, hats, first, 0));
  strata_project_push (f->project, strata_commands_add_insert (f->project, hats, second, 1));
  row = find_child (strip, GTK_TYPE_BOX, "insert");
  button = find_child (row, GTK_TYPE_MENU_BUTTON, "insert-slot");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_menu_button_get_child (
                                         GTK_MENU_BUTTON (button)))), ==,
                   strata_fx_compressor.label);
  depth = undo_depth (f);

  /* The toggle after the slot is "on": off bypasses, one step. */
  button = gtk_widget_get_next_sibling (button);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), FALSE);
  g_assert_true (strata_insert_get_bypass (first));
  g_assert_cmpuint (undo_depth (f), ==, depth + 1);
  undo (f);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));

  /* Then: up (insensitive on the first), down, remove. */
  button = gtk_widget_get_next_sibling (button);
  g_assert_false (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (gtk_widget_get_next_sibling (button), "clicked");
  g_assert_true (g_list_model_get_item (inserts, 1) == (gpointer) first);
  g_object_unref (first);
  row = find_child (strip, GTK_TYPE_BOX, "insert");
  g_ptr_array_set_size (f->toasts, 0);
  g_signal_emit_by_name (gtk_widget_get_last_child (row), "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (inserts), ==, 1);
  /* A removed effect takes its settings with it: the toast offers them back. */
  g_assert_cmpuint (f->toasts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->toasts, 0), ==, "Effect removed");
  undo (f);
  g_assert_cmpuint (g_list_model_get_n_items (inserts), ==, 2);
}

/* The widget that shows parameter `name` in an open panel (NULL without one). */
static GtkWidget *
panel_control (GtkWidget *panel, const char *name, GType type)
{
  GtkWidget *row = find_child (panel, GTK_TYPE_BOX, name);

  return row ? find_child (row, type, NULL) : NULL;
}

/* Opens the panel of the strip's insert `index` (the view in a window, as in the app). */
static GtkWidget *
open_panel (GtkWidget *strip, guint index)
{
  GtkWidget *row = find_child (strip, GTK_TYPE_BOX, "insert");
  GtkWidget *slot;

  for (guint i = 0; i < index; i++)
    row = gtk_widget_get_next_sibling (row);
  slot = find_child (row, GTK_TYPE_MENU_BUTTON, "insert-slot");
  gtk_menu_button_popup (GTK_MENU_BUTTON (slot));
  iterate ();
  return gtk_popover_get_child (gtk_menu_button_get_popover (GTK_MENU_BUTTON (slot)));
}

static void
test_effect_panel (Fixture *f, gconstpointer data)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *strip = strip_widget (f, "keys");
  StrataStrip *keys = model_strip (f, "keys");
  const char *types[] = { "compressor", "eq", "limiter" };
  GType kinds[] = { GTK_TYPE_SCALE, GTK_TYPE_DROP_DOWN, GTK_TYPE_SWITCH };

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_set_child (GTK_WINDOW (window), f->view);
  gtk_window_present (GTK_WINDOW (window));
  iterate ();

  /* One control per descriptor parameter, of the kind the descriptor says. */
  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      const StrataEffectClass *klass = strata_effect_class_find (types[t]);
      GtkWidget *panel;
      guint rows = 0;

      gtk_widget_activate_action (strip, "strip.add-insert", "s", types[t]);
      panel = open_panel (strip, t);
      g_assert_nonnull (panel);
      for (GtkWidget *c = gtk_widget_get_first_child (panel); c;
           c = gtk_widget_get_next_sibling (c))
        rows += strata_effect_param_index (klass, gtk_widget_get_name (c)) >= 0;
      g_assert_cmpuint (rows, ==, klass->n_params);
      for (guint i = 0; i < klass->n_params; i++)
        g_assert_nonnull (panel_control (panel, klass->params[i].name,
                                         kinds[klass->params[i].kind]));
    }

  /* Moving the threshold: a drag is one command, and one undo restores the parameter. */
  if (strata_effect_param_index (&strata_fx_compressor, "threshold_db") >= 0)
    {
      g_autoptr(StrataInsert) comp = g_list_model_get_item (strata_strip_get_inserts (keys), 0);
      g_autoptr(GVariant) before = g_variant_ref (strata_insert_get_params (comp));
      GtkWidget *panel = open_panel (strip, 0);
      GtkWidget *scale = panel_control (panel, "threshold_db", GTK_TYPE_SCALE);
      GtkWidget *value = gtk_widget_get_last_child (gtk_widget_get_first_child (
                                                      gtk_widget_get_parent (scale)));
      GtkGesture *click = find_controller (scale, GTK_TYPE_GESTURE_CLICK, GTK_PHASE_CAPTURE);
      guint depth = undo_depth (f);
      double threshold = 0.0;
      gboolean handled = FALSE;

      g_signal_emit_by_name (click, "pressed", 1, 10.0, 5.0);
      g_signal_emit_by_name (scale, "change-value", GTK_SCROLL_JUMP, -30.0, &handled);
      g_signal_emit_by_name (scale, "change-value", GTK_SCROLL_JUMP, -24.5, &handled);
      strata_insert_get_value (comp, "threshold_db", &threshold);
      g_assert_cmpfloat (threshold, ==, -24.5);
      g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (scale)), ==, -24.5);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (value)), ==, "-24.5 dB");
      g_assert_cmpuint (undo_depth (f), ==, depth + 1);
      undo (f);
      g_assert_true (g_variant_equal (strata_insert_get_params (comp), before));
      g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (scale)), ==, -18.0);
    }
  else
    g_test_message ("compressor has no threshold_db yet: the drag is not tested");

  gtk_window_set_child (GTK_WINDOW (window), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate ();
}

static void
test_rename_and_arm (Fixture *f, gconstpointer data)
{
  GtkWidget *strip = strip_widget (f, "bass");
  GtkWidget *name = find_child (strip, GTK_TYPE_EDITABLE_LABEL, NULL);
  GtkWidget *input = find_child (strip, GTK_TYPE_DROP_DOWN, "input");
  GtkWidget *arm = gtk_widget_get_last_child (gtk_widget_get_parent (
                     find_child (strip, GTK_TYPE_TOGGLE_BUTTON, "mute")));
  StrataTrack *bass = STRATA_TRACK (model_strip (f, "bass"));

  gtk_editable_label_start_editing (GTK_EDITABLE_LABEL (name));
  gtk_editable_set_text (GTK_EDITABLE (name), "Sub");
  gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (name), TRUE);
  g_assert_cmpstr (strata_strip_get_name (STRATA_STRIP (bass)), ==, "Sub");
  undo (f);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "Bass");

  /* Without an engine, arming is a property command; the input shows on an armed track. */
  g_assert_false (gtk_widget_get_visible (input));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (arm), TRUE);
  g_assert_true (strata_track_get_record_arm (bass));
  g_assert_true (gtk_widget_get_visible (input));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (input), 1);
  g_assert_cmpstr (strata_track_get_input (bass), ==, "2");
  undo (f);
  undo (f);
  g_assert_false (gtk_widget_get_visible (input));
}

/* With an engine playing the demo, the tick callback brings the levels to the meters and the
 * loudness to the master strip. */
static void
test_engine_meters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = strata_json_load_file (g_getenv ("STRATA_DEMO_PROJECT"),
                                                            &error);
  g_autoptr(StrataEngine) engine = strata_engine_new ();
  StrataEngineOptions options = { .backend = STRATA_BACKEND_DUMMY, .no_fallback = TRUE };
  g_autoptr(StrataSession) session = NULL;
  GtkWidget *window = gtk_window_new ();
  g_autoptr(GPtrArray) strips = g_ptr_array_new ();
  GtkWidget *view, *meter, *master, *momentary;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  StrataMeter levels = { { 0 } };

  g_assert_no_error (error);
  g_assert_true (strata_engine_set_project (engine, project, &error));
  options.config.rate = strata_project_get_sample_rate (project);
  g_assert_true (strata_engine_start (engine, &options, &error));
  g_assert_no_error (error);
  session = strata_session_new (project, engine);
  view = g_object_ref_sink (strata_mix_view_new (session));
  show_in_window (window, view, 1280, 760);

  collect_strips (view, strips);
  master = g_ptr_array_steal_index (strips, strips->len - 1);
  g_assert_true (strata_channel_strip_get_strip (STRATA_CHANNEL_STRIP (master))
                 == STRATA_STRIP (strata_project_get_master (project)));
  meter = find_child (master, STRATA_TYPE_METER_WIDGET, NULL);
  momentary = gtk_grid_get_child_at (GTK_GRID (find_child (master, GTK_TYPE_GRID, NULL)), 1, 1);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (momentary)), "−∞"));

  strata_engine_play (engine);
  while ((levels.peak[0] <= 0 || g_str_has_prefix (gtk_label_get_text (GTK_LABEL (momentary)),
                                                    "−∞"))
         && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      strata_meter_widget_get_levels (STRATA_METER_WIDGET (meter), &levels);
    }
  strata_engine_stop (engine);
  g_assert_cmpfloat (levels.peak[0], >, 0);
  g_assert_true (g_str_has_suffix (gtk_label_get_text (GTK_LABEL (momentary)), " LUFS"));
  g_assert_false (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (momentary)), "−∞"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
  strata_engine_shutdown (engine);
}

/* Draws `widget` (shown in a window) as its parent would, at its own origin. */
static cairo_surface_t *
render (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  graphene_point_t origin;
  GskRenderNode *node;

  g_assert_true (gtk_widget_compute_point (widget, gtk_widget_get_parent (widget),
                                           &GRAPHENE_POINT_INIT (0, 0), &origin));
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-origin.x, -origin.y));
  gtk_widget_snapshot_child (gtk_widget_get_parent (widget), widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  gsk_render_node_draw (node, cr);
  gsk_render_node_unref (node);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
pixel (cairo_surface_t *surface, int x, int y, guint8 rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 argb = *(const guint32 *) (data + y * cairo_image_surface_get_stride (surface) + x * 4);

  rgb[0] = (argb >> 16) & 0xff;
  rgb[1] = (argb >> 8) & 0xff;
  rgb[2] = argb & 0xff;
}

static void
clip_reset_cb (StrataMeterWidget *meter, int *count)
{
  (*count)++;
}

/* Peak 0.5 is -6.02 dBFS: the bar is yellow (between -12 and -3) and its top is where the
 * scale's formula puts it. */
static void
test_meter (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *meter = strata_meter_widget_new ();
  StrataMeter levels = { { 0.5f, 0.5f }, { 0, 0 }, { 0.5f, 0.5f }, FALSE };
  gdouble fraction = (20 * log10 (0.5) - STRATA_METER_FLOOR_DB)
                     / (STRATA_METER_TOP_DB - STRATA_METER_FLOOR_DB);
  cairo_surface_t *surface;
  graphene_rect_t bar;
  int x, top = -1, resets = 0;
  gdouble expected;

  g_object_ref (meter);
  gtk_widget_set_valign (meter, GTK_ALIGN_FILL);
  strata_meter_widget_set_levels (STRATA_METER_WIDGET (meter), &levels);
  show_in_window (window, meter, 60, 300);
  strata_meter_widget_get_bar_rect (STRATA_METER_WIDGET (meter), &bar);
  g_assert_cmpfloat (bar.size.height, >, 200);
  g_assert_cmpfloat_with_epsilon (strata_meter_widget_level_to_fraction (0.5), fraction, 1e-12);

  surface = render (meter);
  x = (int) (bar.origin.x + 4);
  for (int y = (int) bar.origin.y; y < bar.origin.y + bar.size.height && top < 0; y++)
    {
      guint8 rgb[3];

      pixel (surface, x, y, rgb);
      if (rgb[0] > 200 && rgb[1] > 150 && rgb[2] < 100)
        top = y;
    }
  cairo_surface_destroy (surface);
  expected = bar.origin.y + bar.size.height * (1 - fraction);
  g_assert_cmpfloat (fabs (top - expected), <=, 1.0);

  /* The clip light stays lit after the clip has passed, until clicked. */
  g_signal_connect (meter, "clip-reset", G_CALLBACK (clip_reset_cb), &resets);
  levels.clipped = TRUE;
  strata_meter_widget_set_levels (STRATA_METER_WIDGET (meter), &levels);
  levels.clipped = FALSE;
  levels.peak[0] = 0.1f;
  strata_meter_widget_set_levels (STRATA_METER_WIDGET (meter), &levels);
  g_assert_true (strata_meter_widget_get_clip_lit (STRATA_METER_WIDGET (meter)));
  g_signal_emit_by_name (find_controller (meter, GTK_TYPE_GESTURE_CLICK, GTK_PHASE_BUBBLE),
                         "pressed", 1, 5.0, 3.0);
  g_assert_false (strata_meter_widget_get_clip_lit (STRATA_METER_WIDGET (meter)));
  g_assert_cmpint (resets, ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (meter);
}

/* The whole page as a user sees it; STRATA_MIX_PNG names a file to save it to. */
static void
test_render (Fixture *f, gconstpointer data)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *master = strip_widget (f, "master");
  cairo_surface_t *surface;
  graphene_point_t corner;

  show_in_window (window, f->view, 1280, 760);
  /* The master is pinned at the right edge, outside the scrolled strips. */
  g_assert_true (gtk_widget_compute_point (master, f->view,
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (master),
                                                                 0), &corner));
  g_assert_cmpfloat (fabs (corner.x - gtk_widget_get_width (f->view)), <=, 12);
  g_assert_null (gtk_widget_get_ancestor (master, GTK_TYPE_SCROLLED_WINDOW));
  g_assert_nonnull (gtk_widget_get_ancestor (strip_widget (f, "kick"),
                                             GTK_TYPE_SCROLLED_WINDOW));

  surface = render (f->view);
  if (g_getenv ("STRATA_MIX_PNG"))
    g_assert_cmpint (cairo_surface_write_to_png (surface, g_getenv ("STRATA_MIX_PNG")), ==,
                     CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate ();
}

static GtkWidget *
find_button (GtkWidget *widget, const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A track's role set in its strip, then Bus Presets: the drums bus gets its default chain and
 * the track is routed to it, in one undo step each. */
static void
test_roles_and_presets (Fixture *f, gconstpointer data)
{
  StrataStrip *snare = model_strip (f, "snare");
  GtkWidget *role = find_child (strip_widget (f, "snare"), GTK_TYPE_DROP_DOWN, "role");
  GtkWidget *presets = find_button (f->view, "_Bus Presets");
  StrataBus *drums;
  guint depth = undo_depth (f);
  GListModel *inserts;

  g_assert_nonnull (role);
  g_assert_nonnull (presets);
  g_assert_cmpint (strata_track_get_role (STRATA_TRACK (snare)), ==, STRATA_TRACK_ROLE_OTHER);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (role), STRATA_TRACK_ROLE_VOCALS);
  g_assert_cmpint (strata_track_get_role (STRATA_TRACK (snare)), ==, STRATA_TRACK_ROLE_VOCALS);
  g_assert_cmpuint (undo_depth (f), ==, depth + 1);
  undo (f);
  iterate ();
  g_assert_cmpint (strata_track_get_role (STRATA_TRACK (snare)), ==, STRATA_TRACK_ROLE_OTHER);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (role)), ==,
                    STRATA_TRACK_ROLE_OTHER);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (role), STRATA_TRACK_ROLE_DRUMS);
  depth = undo_depth (f);
  g_signal_emit_by_name (presets, "clicked");
  iterate ();
  g_assert_cmpuint (undo_depth (f), ==, depth + 1);
  g_assert_cmpstr (strata_strip_get_output (snare), ==, "drums");
  drums = strata_project_find_bus (f->project, "drums");
  g_assert_nonnull (drums);
  inserts = strata_strip_get_inserts (STRATA_STRIP (drums));
  /* The demo's drums bus has an empty chain: it gets the preset's eq and compressor. */
  g_assert_cmpuint (g_list_model_get_n_items (inserts), ==, 2);
  {
    g_autoptr(StrataInsert) first = g_list_model_get_item (inserts, 0);
    g_autoptr(StrataInsert) second = g_list_model_get_item (inserts, 1);

    g_assert_cmpstr (strata_insert_get_kind (first), ==, "eq");
    g_assert_cmpstr (strata_insert_get_kind (second), ==, "compressor");
  }
  undo (f);
  iterate ();
  g_assert_cmpuint (undo_depth (f), ==, depth);
}

int
main (int argc, char *argv[])
{
  ui_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/ui-mix/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("strips", test_strips);
  ADD ("follows-tracks", test_follows_tracks);
  ADD ("follows-buses", test_follows_buses);
  g_test_add_func ("/ui-mix/fader-law", test_fader_law);
  ADD ("fader-drag", test_fader_drag);
  ADD ("fader-reset", test_fader_reset);
  ADD ("pan-reset", test_pan_reset);
  ADD ("mute", test_mute);
  ADD ("output", test_output);
  ADD ("send-drag", test_send_drag);
  ADD ("inserts", test_inserts);
  ADD ("effect-panel", test_effect_panel);
  ADD ("rename-and-arm", test_rename_and_arm);
  ADD ("roles-and-presets", test_roles_and_presets);
  g_test_add_func ("/ui-mix/engine-meters", test_engine_meters);
  g_test_add_func ("/ui-mix/meter", test_meter);
  ADD ("render", test_render);
#undef ADD
  return g_test_run ();
}
