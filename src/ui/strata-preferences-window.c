/* strata-preferences-window.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every row is a GSettings key, bound so that the key and the row follow each other; the
 * window applies nothing itself, except the latency calibration it measures. The main window
 * owns the engine and reads the audio keys when it opens a project.
 */
#define G_LOG_DOMAIN "strata-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-preferences-window.h"
#include "strata-ui.h"

struct _StrataPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings           *settings;
  StrataEngine        *engine;
  GtkWidget           *output_row;
  GtkWidget           *input_row;
  GtkWidget           *measure_row;
  GtkWidget           *measure_button;
  GCancellable        *measuring;      /* while the click is out */
  GPtrArray           *output_names;   /* device names behind the rows' items; "" = default */
  GPtrArray           *input_names;
  GPtrArray           *bound;          /* widgets bound to a key, for dispose */
};

G_DEFINE_FINAL_TYPE (StrataPreferencesWindow, strata_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

/* The choices of an enum or number key, in row order: the key's value and its label. */
typedef struct
{
  const char *nick;
  guint       number;
  const char *label;
} Choice;

static const Choice backends[] = {
  { "pipewire",  0, N_("PipeWire") },
  { "gstreamer", 0, N_("GStreamer") },
  { "dummy",     0, N_("Dummy (no audio device)") },
  { NULL }
};

static const Choice color_schemes[] = {
  { "default", 0, N_("Follow System") },
  { "dark",    0, N_("Dark") },
  { "light",   0, N_("Light") },
  { NULL }
};

static const Choice buffer_sizes[] = {
  { NULL, 64,   N_("64 frames") },
  { NULL, 128,  N_("128 frames") },
  { NULL, 256,  N_("256 frames") },
  { NULL, 512,  N_("512 frames") },
  { NULL, 1024, N_("1024 frames") },
  { NULL, 2048, N_("2048 frames") },
  { NULL }
};

static const Choice sample_rates[] = {
  { NULL, 44100, N_("44.1 kHz") },
  { NULL, 48000, N_("48 kHz") },
  { NULL, 88200, N_("88.2 kHz") },
  { NULL, 96000, N_("96 kHz") },
  { NULL }
};

/* ---- helpers ------------------------------------------------------------------------------ */

static void
set_label (GtkWidget *widget, const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static GtkWidget *
group_new (GtkWidget *page, const char *title, const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  return group;
}

static GtkWidget *
combo_new (GtkWidget *group, const char *key, const char *title, const char *subtitle,
           GtkStringList *model)
{
  GtkWidget *row = adw_combo_row_new ();

  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_tooltip_text (row, subtitle != NULL ? subtitle : title);
  gtk_widget_set_name (row, key);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static gboolean
choice_get_cb (GValue *value, GVariant *variant, gpointer user_data)
{
  const Choice *choices = user_data;

  for (guint i = 0; choices[i].label != NULL; i++)
    if (choices[i].nick != NULL ? g_str_equal (choices[i].nick, g_variant_get_string (variant,
                                                                                     NULL))
                                : choices[i].number == g_variant_get_uint32 (variant))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
choice_set_cb (const GValue *value, const GVariantType *type, gpointer user_data)
{
  const Choice *choices = user_data;
  guint i = g_value_get_uint (value);

  for (guint n = 0; choices[n].label != NULL; n++)
    if (n == i)
      return choices[i].nick != NULL ? g_variant_new_string (choices[i].nick)
                                     : g_variant_new_uint32 (choices[i].number);
  return NULL;
}

/* A combo row whose items are `choices`, bound to an enum (nick) or uint key. */
static GtkWidget *
choice_row_new (StrataPreferencesWindow *self, GtkWidget *group, const char *key,
                const char *title, const char *subtitle, const Choice *choices)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  GtkWidget *row;

  for (guint i = 0; choices[i].label != NULL; i++)
    gtk_string_list_append (model, _(choices[i].label));
  row = combo_new (group, key, title, subtitle, model);
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_get_cb, choice_set_cb, (gpointer) choices, NULL);
  g_ptr_array_add (self->bound, row);
  return row;
}

static GtkWidget *
spin_row_new (StrataPreferencesWindow *self, GtkWidget *group, const char *key,
              const char *title, const char *subtitle, gdouble min, gdouble max, gdouble step)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, step);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (spin, subtitle);
  gtk_widget_set_name (spin, key);
  set_label (spin, title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  g_settings_bind (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_ptr_array_add (self->bound, spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static GPtrArray *
list_devices (GSettings *settings)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *devices = NULL;

  switch (g_settings_get_enum (settings, "audio-backend"))
    {
    case STRATA_BACKEND_PIPEWIRE:
      devices = strata_backend_pipewire_devices (&error);
      break;
    case STRATA_BACKEND_GSTREAMER:
      devices = strata_backend_gstreamer_devices (&error);
      break;
    default:
      break;
    }
  if (error != NULL)
    g_debug ("no device list: %s", error->message);
  return devices;
}

/* Fills a device row: "System default", the devices of the chosen backend, and the stored
 * device when it is not connected now, so that opening the window does not forget it. */
static void
fill_device_row (StrataPreferencesWindow *self, GtkWidget *row, GPtrArray *names,
                 GPtrArray *devices, gboolean input, const char *key)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *current = g_settings_get_string (self->settings, key);
  guint selected = 0;

  g_ptr_array_set_size (names, 0);
  gtk_string_list_append (model, _("System default"));
  g_ptr_array_add (names, g_strdup (""));
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      StrataAudioDevice *device = g_ptr_array_index (devices, i);

      if (input ? !device->input : !device->output)
        continue;
      if (g_str_equal (device->name, current))
        selected = names->len;
      gtk_string_list_append (model, device->description);
      g_ptr_array_add (names, g_strdup (device->name));
    }
  if (*current != '\0' && selected == 0)
    {
      g_autofree char *label = g_strdup_printf (_("%s (not connected)"), current);
      selected = names->len;
      gtk_string_list_append (model, label);
      g_ptr_array_add (names, g_strdup (current));
    }
  g_object_set_data (G_OBJECT (row), "filling", GINT_TO_POINTER (TRUE));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  g_object_set_data (G_OBJECT (row), "filling", NULL);
}

static void
fill_devices (StrataPreferencesWindow *self)
{
  g_autoptr(GPtrArray) devices = list_devices (self->settings);

  fill_device_row (self, self->output_row, self->output_names, devices, FALSE, "output-device");
  fill_device_row (self, self->input_row, self->input_names, devices, TRUE, "input-device");
}

/* ---- signal callbacks --------------------------------------------------------------------- */

static void
device_selected_cb (GtkWidget *row, GParamSpec *pspec, StrataPreferencesWindow *self)
{
  gboolean output = row == self->output_row;
  GPtrArray *names = output ? self->output_names : self->input_names;
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row));

  if (g_object_get_data (G_OBJECT (row), "filling") != NULL || selected >= names->len)
    return;
  g_settings_set_string (self->settings, output ? "output-device" : "input-device",
                         g_ptr_array_index (names, selected));
}

static void
measured_cb (GObject *engine, GAsyncResult *result, gpointer data)
{
  g_autoptr(StrataPreferencesWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gint64 calibration = 0;

  if (!strata_engine_measure_latency_finish (STRATA_ENGINE (engine), result, &calibration,
                                             &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the window is gone */
  g_clear_object (&self->measuring);
  gtk_widget_set_sensitive (self->measure_button, TRUE);
  if (error == NULL)
    {
      g_settings_set_int (self->settings, "latency-calibration-frames", (int) calibration);
      strata_engine_set_calibration (self->engine, calibration);
      message = g_strdup_printf (_("Measured: %lld frames beyond the reported latency"),
                                 (long long) calibration);
      gtk_widget_remove_css_class (self->measure_row, "error");
    }
  else
    {
      message = g_strdup_printf (_("Could not measure the latency: %s"), error->message);
      gtk_widget_add_css_class (self->measure_row, "error");
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->measure_row), message);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

/* The click goes out and the window stays live while Strata listens (up to 3 s). */
static void
measure_cb (GtkWidget *button, StrataPreferencesWindow *self)
{
  if (self->engine == NULL || self->measuring != NULL)
    return;
  self->measuring = g_cancellable_new ();
  gtk_widget_set_sensitive (self->measure_button, FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->measure_row),
                               _("Listening for the click…"));
  strata_engine_measure_latency_async (self->engine, self->measuring, measured_cb,
                                       g_object_ref (self));
}

/* ---- building ----------------------------------------------------------------------------- */

static GtkWidget *
build_audio_page (StrataPreferencesWindow *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group;
  g_autoptr(GtkStringList) empty = gtk_string_list_new (NULL);

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Audio"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "audio-speakers-symbolic");

  group = group_new (page, _("Device"),
                     _("Changes to the backend, the devices and the buffer size apply to the "
                       "next project you open, or when Strata restarts."));
  choice_row_new (self, group, "audio-backend", _("Audio Backend"),
                        _("The sound system Strata plays and records through"), backends);
  g_signal_connect_object (self->settings, "changed::audio-backend",
                           G_CALLBACK (fill_devices), self, G_CONNECT_SWAPPED);
  self->output_row = combo_new (group, "output-device", _("Output Device"),
                                _("Where the master is heard"), empty);
  self->input_row = combo_new (group, "input-device", _("Input Device"),
                               _("Where armed tracks record from"), empty);
  fill_devices (self);
  g_signal_connect (self->output_row, "notify::selected", G_CALLBACK (device_selected_cb), self);
  g_signal_connect (self->input_row, "notify::selected", G_CALLBACK (device_selected_cb), self);
  choice_row_new (self, group, "buffer-size", _("Buffer Size"),
                  _("Smaller is quicker to respond; larger is safer from dropouts"),
                  buffer_sizes);

  group = group_new (page, _("New Projects"), NULL);
  choice_row_new (self, group, "sample-rate", _("Sample Rate"),
                  _("The rate new projects are created at"), sample_rates);

  group = group_new (page, _("Latency"),
                     _("Recorded takes are moved earlier by the latency the backend reports "
                       "plus this calibration, so that they line up with what was playing."));
  spin_row_new (self, group, "latency-calibration-frames", _("Calibration (frames)"),
                _("Extra round-trip latency the backend does not report"), -48000, 48000, 1);

  self->measure_button = gtk_button_new_with_mnemonic (_("_Measure Latency"));
  gtk_widget_set_valign (self->measure_button, GTK_ALIGN_CENTER);
  gtk_widget_set_name (self->measure_button, "measure");
  gtk_widget_set_tooltip_text (self->measure_button,
                               _("Play a click and time its return through a loopback"));
  set_label (self->measure_button, _("Measure Latency"));
  gtk_widget_set_sensitive (self->measure_button, self->engine != NULL);
  g_signal_connect (self->measure_button, "clicked", G_CALLBACK (measure_cb), self);
  self->measure_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->measure_row), _("Measure Latency"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->measure_row),
                               self->engine != NULL
                                 ? _("Connect the output to the input with a cable first")
                                 : _("Open a project with audio running first"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->measure_row), self->measure_button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->measure_row);
  return page;
}

static GtkWidget *
build_general_page (StrataPreferencesWindow *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group;

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("General"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page),
                                      "preferences-system-symbolic");
  group = group_new (page, _("Appearance"), NULL);
  choice_row_new (self, group, "color-scheme", _("Style"),
                  _("Dark suits a studio; Follow System uses the desktop's choice"),
                  color_schemes);
  group = group_new (page, _("Editing"), NULL);
  spin_row_new (self, group, "autosave-interval-seconds", _("Autosave Interval (seconds)"),
                _("How often unsaved changes are saved in the background; 0 turns it off"),
                0, 3600, 10);
  return page;
}

/* ---- overrides ---------------------------------------------------------------------------- */

static void
strata_preferences_window_dispose (GObject *object)
{
  StrataPreferencesWindow *self = STRATA_PREFERENCES_WINDOW (object);

  /* libadwaita 1.2's preferences window keeps its rows alive after it is gone (its search
   * model); unbinding at least lets the GSettings go. */
  for (guint i = 0; self->bound != NULL && i < self->bound->len; i++)
    {
      GObject *widget = g_ptr_array_index (self->bound, i);
      g_settings_unbind (widget, ADW_IS_COMBO_ROW (widget) ? "selected" : "value");
      g_settings_unbind (widget, "sensitive");
    }
  g_clear_pointer (&self->bound, g_ptr_array_unref);
  if (self->measuring != NULL)
    g_cancellable_cancel (self->measuring);
  g_clear_object (&self->measuring);
  g_clear_object (&self->settings);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->output_names, g_ptr_array_unref);
  g_clear_pointer (&self->input_names, g_ptr_array_unref);
  G_OBJECT_CLASS (strata_preferences_window_parent_class)->dispose (object);
}

static void
strata_preferences_window_class_init (StrataPreferencesWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = strata_preferences_window_dispose;
}

static void
strata_preferences_window_init (StrataPreferencesWindow *self)
{
  self->output_names = g_ptr_array_new_with_free_func (g_free);
  self->input_names = g_ptr_array_new_with_free_func (g_free);
  self->bound = g_ptr_array_new ();
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
strata_preferences_window_new (GtkWindow *parent, GSettings *settings, StrataEngine *engine)
{
  StrataPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (engine == NULL || STRATA_IS_ENGINE (engine), NULL);

  self = g_object_new (STRATA_TYPE_PREFERENCES_WINDOW, "transient-for", parent, "modal", TRUE,
                       NULL);
  strata_ui_dialog_setup (GTK_WINDOW (self), parent, "recording");
  self->settings = g_object_ref (settings);
  self->engine = engine != NULL ? g_object_ref (engine) : NULL;
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (build_audio_page (self)));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (build_general_page (self)));
  return GTK_WIDGET (self);
}
