/* strata-mix-view.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Mix page: the tracks' strips, then the buses', in a horizontally scrolling row, and the
 * master pinned at the right edge. The rows follow the timeline's track list and the
 * project's bus list (a strip keeps its widget when its track moves); while the page is on
 * screen and there is an engine, a tick callback refreshes every meter once per frame.
 */
#define G_LOG_DOMAIN "strata-mix-view"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-channel-strip.h"
#include "strata-commands.h"
#include "strata-mix-view.h"

struct _StrataMixView
{
  GtkWidget      parent_instance;
  StrataSession *session;
  GtkWidget     *root;
  GtkWidget     *tracks_box;
  GtkWidget     *buses_box;
  GtkWidget     *master;
  guint          tick_id;
};

G_DEFINE_FINAL_TYPE (StrataMixView, strata_mix_view, GTK_TYPE_WIDGET)

static gboolean
is_master (StrataStrip *strip)
{
  return STRATA_IS_BUS (strip) && strata_bus_is_master (STRATA_BUS (strip));
}

static GtkWidget *
find_strip_widget (GtkWidget *box, StrataStrip *strip)
{
  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (strata_channel_strip_get_strip (STRATA_CHANNEL_STRIP (child)) == strip)
      return child;
  return NULL;
}

/* Makes `box` hold one strip per item of `model` (the master left out), in the model's order,
 * reusing the strips it already has. */
static void
sync_box (StrataMixView *self, GtkWidget *box, GListModel *model)
{
  g_autoptr(GHashTable) keep = g_hash_table_new (NULL, NULL);
  GtkWidget *previous = NULL;
  GtkWidget *child;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(StrataStrip) strip = g_list_model_get_item (model, i);
      GtkWidget *widget;

      if (is_master (strip))
        continue;
      widget = find_strip_widget (box, strip);
      if (widget == NULL)
        {
          widget = strata_channel_strip_new (self->session, strip);
          gtk_box_insert_child_after (GTK_BOX (box), widget, previous);
        }
      else
        gtk_box_reorder_child_after (GTK_BOX (box), widget, previous);
      g_hash_table_add (keep, widget);
      previous = widget;
    }
  child = gtk_widget_get_first_child (box);
  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (!g_hash_table_contains (keep, child))
        gtk_box_remove (GTK_BOX (box), child);
      child = next;
    }
}

static void
tracks_changed_cb (StrataMixView *self)
{
  sync_box (self, self->tracks_box,
            strata_timeline_get_tracks (strata_session_get_timeline (self->session)));
}

static void
buses_changed_cb (StrataMixView *self)
{
  sync_box (self, self->buses_box,
            strata_project_get_buses (strata_session_get_project (self->session)));
}

static void
update_box_meters (GtkWidget *box)
{
  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    strata_channel_strip_update_meters (STRATA_CHANNEL_STRIP (child));
}

static gboolean
tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  StrataMixView *self = STRATA_MIX_VIEW (widget);

  update_box_meters (self->tracks_box);
  update_box_meters (self->buses_box);
  strata_channel_strip_update_meters (STRATA_CHANNEL_STRIP (self->master));
  return G_SOURCE_CONTINUE;
}

static void
strata_mix_view_map (GtkWidget *widget)
{
  StrataMixView *self = STRATA_MIX_VIEW (widget);

  GTK_WIDGET_CLASS (strata_mix_view_parent_class)->map (widget);
  if (self->tick_id == 0 && strata_session_get_engine (self->session) != NULL)
    self->tick_id = gtk_widget_add_tick_callback (widget, tick_cb, NULL, NULL);
}

static void
strata_mix_view_unmap (GtkWidget *widget)
{
  StrataMixView *self = STRATA_MIX_VIEW (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }
  GTK_WIDGET_CLASS (strata_mix_view_parent_class)->unmap (widget);
}

static void
strata_mix_view_dispose (GObject *object)
{
  StrataMixView *self = STRATA_MIX_VIEW (object);

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (
        strata_timeline_get_tracks (strata_session_get_timeline (self->session)), self);
      g_signal_handlers_disconnect_by_data (
        strata_project_get_buses (strata_session_get_project (self->session)), self);
    }
  g_clear_pointer (&self->root, gtk_widget_unparent);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (strata_mix_view_parent_class)->dispose (object);
}

static void
strata_mix_view_class_init (StrataMixViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_mix_view_dispose;
  widget_class->map = strata_mix_view_map;
  widget_class->unmap = strata_mix_view_unmap;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mixview");
}

static void
strata_mix_view_init (StrataMixView *self)
{
}

/* Bus Presets: the buses that the tracks' roles need, with their default chains, and each
 * track with a role routed to its bus, as one undo step. */
static void
bus_presets_cb (StrataMixView *self)
{
  GError *error = NULL;
  StrataCommand *command =
    strata_commands_apply_bus_presets (strata_session_get_project (self->session), &error);

  strata_session_apply (self->session, command, error);
}

static GtkWidget *
toolbar_new (StrataMixView *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Bus Presets"));
  const char *text = _("Create the drums, bass, vocals and effects buses the tracks’ roles "
                       "need, with their default effects, and route each track to its bus");

  g_object_set (bar, "margin-start", 6, "margin-end", 6, "margin-top", 6, NULL);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Bus presets"), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (bus_presets_cb), self);
  gtk_box_append (GTK_BOX (bar), button);
  return bar;
}

static GtkWidget *
strip_row_new (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_widget_set_vexpand (box, TRUE);
  return box;
}

GtkWidget *
strata_mix_view_new (StrataSession *session)
{
  StrataMixView *self;
  GtkWidget *scroller, *content, *separator, *row;
  GListModel *tracks, *buses;

  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);

  self = g_object_new (STRATA_TYPE_MIX_VIEW, NULL);
  self->session = g_object_ref (session);
  tracks = strata_timeline_get_tracks (strata_session_get_timeline (session));
  buses = strata_project_get_buses (strata_session_get_project (session));

  self->root = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->root, GTK_WIDGET (self));
  gtk_box_append (GTK_BOX (self->root), toolbar_new (self));
  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_vexpand (row, TRUE);
  gtk_box_append (GTK_BOX (self->root), row);

  content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_object_set (content, "margin-start", 6, "margin-end", 6, "margin-top", 6,
                "margin-bottom", 6, NULL);
  self->tracks_box = strip_row_new ();
  self->buses_box = strip_row_new ();
  gtk_box_append (GTK_BOX (content), self->tracks_box);
  separator = gtk_separator_new (GTK_ORIENTATION_VERTICAL);
  gtk_box_append (GTK_BOX (content), separator);
  gtk_box_append (GTK_BOX (content), self->buses_box);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), content);
  gtk_widget_set_hexpand (scroller, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (scroller), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Track and bus strips"), -1);
  gtk_box_append (GTK_BOX (row), scroller);

  gtk_box_append (GTK_BOX (row), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  self->master = strata_channel_strip_new (session,
                                           STRATA_STRIP (strata_project_get_master (
                                             strata_session_get_project (session))));
  g_object_set (self->master, "margin-start", 6, "margin-end", 6, "margin-top", 6,
                "margin-bottom", 6, NULL);
  gtk_box_append (GTK_BOX (row), self->master);

  g_signal_connect_swapped (tracks, "items-changed", G_CALLBACK (tracks_changed_cb), self);
  g_signal_connect_swapped (buses, "items-changed", G_CALLBACK (buses_changed_cb), self);
  tracks_changed_cb (self);
  buses_changed_cb (self);
  return GTK_WIDGET (self);
}
