/* strata-export-dialog.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three pages in a stack: the settings, the running render (progress, time remaining, Cancel)
 * and the result (the loudness the render measured, the files, Open Folder). The render is
 * strata_render_async, the same as strata-render's; the dialog only turns its rows into
 * StrataRenderOptions. The defaults are chosen so that Export works with one click: the
 * project's folder (or Music), the project's name, the whole song, WAV 24-bit.
 */
#define G_LOG_DOMAIN "strata-export-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-export-dialog.h"
#include "strata-ui.h"

struct _StrataExportDialog
{
  AdwWindow             parent_instance;

  StrataSession        *session;
  gint64                range_start[3];
  gint64                range_end[3];

  GtkWidget            *stack;
  GtkWidget            *cancel_button;
  GtkWidget            *export_button;
  GtkWidget            *error_group;
  GtkWidget            *range_checks[3];
  GtkWidget            *format_row;
  GtkWidget            *name_row;
  GtkWidget            *folder_row;
  GtkWidget            *master_switch;
  GtkWidget            *stems_switch;
  GtkWidget            *stem_kinds_row;  /* tracks and buses, tracks only, buses only */
  GtkWidget            *loudness_row;
  GtkWidget            *custom_row;
  GtkWidget            *custom_spin;
  GtkWidget            *peak_row;
  GtkWidget            *peak_spin;
  GtkWidget            *progress_bar;
  GtkWidget            *remaining_label;
  GtkWidget            *integrated_label;
  GtkWidget            *lra_label;
  GtkWidget            *peak_label;
  GtkWidget            *files_row;

  char                 *folder;
  guint                 format;           /* index into formats[] */
  GtkFileChooserNative *chooser;
  GCancellable         *cancellable;      /* non-NULL while rendering */
  gint64                started;          /* monotonic, microseconds */
  char                 *target;           /* what is being written, for messages */
  char                 *replace_ok;       /* an existing master the user agreed to replace */
};

G_DEFINE_FINAL_TYPE (StrataExportDialog, strata_export_dialog, ADW_TYPE_WINDOW)

static const struct
{
  const char *label;
  const char *extension;
  guint       bit_depth;
} formats[] = {
  { N_("WAV 16-bit"),       ".wav",  16 },
  { N_("WAV 24-bit"),       ".wav",  24 },
  { N_("WAV 32-bit float"), ".wav",  32 },
  { N_("FLAC 16-bit"),      ".flac", 16 },
  { N_("FLAC 24-bit"),      ".flac", 24 },
};
#define DEFAULT_FORMAT 1

static const struct
{
  const char *label;
  gdouble     target;
} loudness_presets[] = {
  { N_("Off"),                              0.0 },
  { N_("−14 LUFS (streaming)"),           -14.0 },
  { N_("−16 LUFS (podcast)"),             -16.0 },
  { N_("−23 LUFS (broadcast, EBU R128)"), -23.0 },
  { N_("Custom…"),                          0.0 },
};

/* The choices of "Stems Of", in order. */
enum { STEMS_OF_ALL, STEMS_OF_TRACKS, STEMS_OF_BUSES };
static const char *stem_kind_labels[] = { N_("Tracks and Buses"), N_("Tracks"), N_("Buses") };

/* ---- helpers ------------------------------------------------------------------------------ */

static char *
format_duration (gdouble seconds)
{
  guint total = (guint) MAX (0.0, round (seconds));

  return g_strdup_printf ("%u:%02u", total / 60, total % 60);
}

static char *
format_range (StrataSession *session, gint64 start, gint64 end)
{
  StrataTempoMap *map = strata_session_get_tempo_map (session);
  StrataBbt a, b;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *length = NULL;

  strata_tempo_map_frame_to_bbt (map, start, &a);
  strata_tempo_map_frame_to_bbt (map, end, &b);
  from = strata_tempo_map_format_bbt (&a);
  to = strata_tempo_map_format_bbt (&b);
  length = format_duration (strata_tempo_map_frames_to_seconds (map, end - start));
  /* Translators: a range of the song in bars, then its length in minutes:seconds */
  return g_strdup_printf (_("%s to %s (%s)"), from, to, length);
}

static void
set_label (GtkWidget *widget, const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static GtkWidget *
suffix_row (GtkWidget *group, const char *title, const char *subtitle, GtkWidget *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (suffix != NULL)
    {
      gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
      set_label (suffix, title);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static GtkWidget *
spin_new (gdouble min, gdouble max, gdouble step, gdouble value, const char *tooltip)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, step);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_tooltip_text (spin, tooltip);
  return spin;
}

static GtkWidget *
combo_row_new (GtkWidget *group, const char *title, const char *tooltip, const char **labels,
               guint n_labels)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; i < n_labels; i++)
    gtk_string_list_append (model, _(labels[i]));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_tooltip_text (row, tooltip);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static guint
selected_range (StrataExportDialog *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->range_checks); i++)
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (self->range_checks[i])))
      return i;
  return STRATA_EXPORT_RANGE_WHOLE;
}

static gboolean
is_rendering (StrataExportDialog *self)
{
  return self->cancellable != NULL;
}

static void
show_page (StrataExportDialog *self, const char *page)
{
  gboolean settings = g_str_equal (page, "settings");

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), page);
  gtk_widget_set_visible (self->export_button, settings);
  gtk_widget_set_visible (self->cancel_button, settings);
}

/* Loudness normalisation measures the master, so it and its ceiling need the master on. */
static void
update_sensitivity (StrataExportDialog *self)
{
  gboolean master = gtk_switch_get_active (GTK_SWITCH (self->master_switch));
  gboolean stems = gtk_switch_get_active (GTK_SWITCH (self->stems_switch));
  guint loudness = adw_combo_row_get_selected (ADW_COMBO_ROW (self->loudness_row));

  gtk_widget_set_sensitive (self->loudness_row, master);
  gtk_widget_set_sensitive (self->peak_row, master && loudness != STRATA_EXPORT_LOUDNESS_OFF);
  gtk_widget_set_visible (self->custom_row, loudness == STRATA_EXPORT_LOUDNESS_CUSTOM);
  gtk_widget_set_sensitive (self->custom_row, master);
  gtk_widget_set_sensitive (self->stem_kinds_row, stems);
  gtk_widget_set_sensitive (self->export_button, master || stems);
}

static void
set_folder (StrataExportDialog *self, const char *folder)
{
  g_free (self->folder);
  self->folder = g_strdup (folder);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->folder_row), folder);
}

static char *
default_folder (StrataProject *project)
{
  const char *env = g_getenv ("STRATA_EXPORT_DIR");
  const char *path = strata_project_get_path (project);
  const char *music;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (path != NULL)
    return g_path_get_dirname (path);
  music = g_get_user_special_dir (G_USER_DIRECTORY_MUSIC);
  return g_strdup (music != NULL ? music : g_get_home_dir ());
}

/* ---- the render --------------------------------------------------------------------------- */

static void
render_progress_cb (gdouble fraction, gpointer user_data)
{
  StrataExportDialog *self = user_data;
  gdouble elapsed;
  g_autofree char *text = NULL;

  if (self->session == NULL || !is_rendering (self))
    return;
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), fraction);
  elapsed = (gdouble) (g_get_monotonic_time () - self->started) / G_USEC_PER_SEC;
  /* The first few percent say little about the rate. */
  if (fraction >= 0.02 && fraction < 1.0)
    {
      g_autofree char *remaining = format_duration (elapsed * (1.0 - fraction) / fraction);
      /* Translators: time left of an export, in minutes:seconds */
      text = g_strdup_printf (_("About %s remaining"), remaining);
    }
  gtk_label_set_text (GTK_LABEL (self->remaining_label),
                      text != NULL ? text : _("Estimating time remaining…"));
}

static void
set_figure (GtkWidget *label, gdouble value, const char *unit)
{
  g_autofree char *text = isfinite (value) ? g_strdup_printf ("%.1f %s", value, unit)
                                           : g_strdup_printf ("−∞ %s", unit);

  gtk_label_set_text (GTK_LABEL (label), text);
}

static void
show_report (StrataExportDialog *self, const StrataRenderReport *report)
{
  GString *files = g_string_new (NULL);

  set_figure (self->integrated_label, report->integrated_lufs, "LUFS");
  set_figure (self->lra_label, report->loudness_range_lu, "LU");
  set_figure (self->peak_label, report->true_peak_dbtp, "dBTP");
  for (guint i = 0; report->files != NULL && i < report->files->len; i++)
    {
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (report->files, i));
      g_string_append_printf (files, "%s%s", i > 0 ? "\n" : "", base);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->files_row), files->str);
  g_string_free (files, TRUE);
  show_page (self, "done");
}

static void
render_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(StrataExportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRenderReport) report = strata_render_finish (result, &error);

  g_clear_object (&self->cancellable);
  if (self->session == NULL)   /* closed while rendering */
    return;
  if (report != NULL)
    {
      show_report (self, report);
      return;
    }
  show_page (self, "settings");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    strata_ui_error_group_show (self->error_group,
                                _("The export was cancelled; no file was written."));
  else
    {
      /* Name the file, unless the render's message already does. */
      g_autofree char *message = strstr (error->message, self->target) != NULL
        ? g_strdup_printf (_("Could not export: %s"), error->message)
        : g_strdup_printf (_("Could not export “%s”: %s"), self->target, error->message);
      strata_ui_error_group_show (self->error_group, message);
    }
}

static void
replace_response_cb (AdwMessageDialog *message, const char *response, gpointer user_data)
{
  StrataExportDialog *self = user_data;

  if (g_str_equal (response, "replace"))
    {
      g_free (self->replace_ok);
      self->replace_ok = g_strdup (g_object_get_data (G_OBJECT (message), "path"));
      gtk_widget_activate_action (GTK_WIDGET (self), "export.start", NULL);
    }
}

/* An export never overwrites an earlier one without asking: it may be the only copy of a mix. */
static gboolean
confirm_replace (StrataExportDialog *self, const char *path)
{
  GtkWidget *message;
  g_autofree char *base = NULL;
  g_autofree char *heading = NULL;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS)
      || g_strcmp0 (self->replace_ok, path) == 0)
    return TRUE;
  base = g_path_get_basename (path);
  heading = g_strdup_printf (_("Replace “%s”?"), base);
  message = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                    _("A file with this name is already in the folder. "
                                      "Replacing it overwrites what it holds."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (message),
                                    "cancel", _("_Cancel"),
                                    "replace", _("_Replace"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (message), "replace",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (message), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (message), "cancel");
  g_object_set_data_full (G_OBJECT (message), "path", g_strdup (path), g_free);
  g_signal_connect_object (message, "response", G_CALLBACK (replace_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (message));
  return FALSE;
}

static void
export_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  StrataExportDialog *self = STRATA_EXPORT_DIALOG (widget);
  StrataRenderOptions options;
  g_autoptr(GError) error = NULL;

  if (is_rendering (self) || !gtk_widget_get_sensitive (self->export_button))
    return;
  if (!strata_export_dialog_get_options (self, &options, &error))
    {
      strata_ui_error_group_show (self->error_group, error->message);
      return;
    }
  if (!confirm_replace (self, options.output))
    {
      strata_render_options_clear (&options);
      return;
    }
  strata_ui_error_group_show (self->error_group, NULL);
  g_free (self->target);
  self->target = g_strdup (options.output != NULL ? options.output : options.stems_dir);
  self->cancellable = g_cancellable_new ();
  self->started = g_get_monotonic_time ();
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), 0.0);
  gtk_label_set_text (GTK_LABEL (self->remaining_label), _("Estimating time remaining…"));
  show_page (self, "progress");
  /* The reference keeps the progress target alive until the result, which comes last. */
  strata_render_async (strata_session_get_project (self->session), &options, self->cancellable,
                       render_progress_cb, self, render_done_cb, g_object_ref (self));
  strata_render_options_clear (&options);
}

static void
cancel_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  StrataExportDialog *self = STRATA_EXPORT_DIALOG (widget);

  if (is_rendering (self))
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
open_folder_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  StrataExportDialog *self = STRATA_EXPORT_DIALOG (widget);
  g_autoptr(GFile) folder = g_file_new_for_path (self->folder);
  g_autofree char *uri = g_file_get_uri (folder);

  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

/* ---- signal callbacks --------------------------------------------------------------------- */

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  StrataExportDialog *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        set_folder (self, path);
    }
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

static void
choose_folder_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  StrataExportDialog *self = STRATA_EXPORT_DIALOG (widget);
  g_autoptr(GFile) current = g_file_new_for_path (self->folder);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export to Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), current, NULL);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* A new format changes the name's extension, when the name still has the old one. */
static void
format_changed_cb (StrataExportDialog *self)
{
  guint format = adw_combo_row_get_selected (ADW_COMBO_ROW (self->format_row));
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  const char *old = formats[self->format].extension;

  if (format >= G_N_ELEMENTS (formats))
    return;
  if (g_str_has_suffix (name, old) && !g_str_equal (old, formats[format].extension))
    {
      g_autofree char *stem = g_strndup (name, strlen (name) - strlen (old));
      g_autofree char *renamed = g_strconcat (stem, formats[format].extension, NULL);
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), renamed);
    }
  self->format = format;
}

static gboolean
close_request_cb (StrataExportDialog *self)
{
  if (is_rendering (self))
    g_cancellable_cancel (self->cancellable);
  return FALSE;
}

/* ---- building ----------------------------------------------------------------------------- */

static GtkWidget *
build_settings (StrataExportDialog *self)
{
  StrataProject *project = strata_session_get_project (self->session);
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group;
  GtkWidget *button;
  GtkWidget *row;
  const char *labels[MAX (G_N_ELEMENTS (formats), G_N_ELEMENTS (loudness_presets))];
  const char *name = strata_project_get_name (project);
  g_autofree char *folder = default_folder (project);
  g_autofree char *file_name = NULL;
  static const char *range_titles[] = { N_("Whole Song"), N_("Loop Range"), N_("Selection") };
  static const char *range_names[] = { "range-whole", "range-loop", "range-selection" };
  const char *unavailable[] = { NULL, _("The song has no loop range"),
                                _("Select clips in the arranger first") };

  self->error_group = strata_ui_error_group_new (page);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Range"));
  for (guint i = 0; i < G_N_ELEMENTS (range_titles); i++)
    {
      gboolean available = self->range_end[i] > self->range_start[i];
      g_autofree char *subtitle = NULL;

      if (i != STRATA_EXPORT_RANGE_WHOLE && available)
        subtitle = format_range (self->session, self->range_start[i], self->range_end[i]);
      self->range_checks[i] = gtk_check_button_new ();
      gtk_widget_set_name (self->range_checks[i], range_names[i]);
      if (i > 0)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (self->range_checks[i]),
                                    GTK_CHECK_BUTTON (self->range_checks[0]));
      gtk_widget_set_tooltip_text (self->range_checks[i], _(range_titles[i]));
      set_label (self->range_checks[i], _(range_titles[i]));
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(range_titles[i]));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   i == STRATA_EXPORT_RANGE_WHOLE
                                     ? _("From the start to the end of the last clip")
                                     : available ? subtitle : unavailable[i]);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), self->range_checks[i]);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->range_checks[i]);
      gtk_widget_set_sensitive (row, i == STRATA_EXPORT_RANGE_WHOLE || available);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->range_checks[0]), TRUE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Output"));
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    labels[i] = formats[i].label;
  self->format_row = combo_row_new (group, _("Format"), _("The file type and sample format"),
                                    labels, G_N_ELEMENTS (formats));
  gtk_widget_set_name (self->format_row, "format");
  self->format = DEFAULT_FORMAT;
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->format_row), DEFAULT_FORMAT);
  g_signal_connect_swapped (self->format_row, "notify::selected",
                            G_CALLBACK (format_changed_cb), self);

  self->name_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("File Name"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->name_row), FALSE);
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (self->name_row), TRUE);
  gtk_widget_set_tooltip_text (self->name_row, _("The name of the master file"));
  gtk_widget_set_name (self->name_row, "name");
  file_name = g_strconcat (name != NULL && *name != '\0' ? name : _("Untitled"),
                           formats[DEFAULT_FORMAT].extension, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), file_name);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->name_row);

  button = gtk_button_new_with_mnemonic (_("_Choose…"));
  gtk_widget_set_tooltip_text (button, _("Choose the folder to export to"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "export.choose-folder");
  self->folder_row = suffix_row (group, _("Folder"), NULL, button);
  set_label (button, _("Choose Folder"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->folder_row), FALSE);
  set_folder (self, folder);

  self->master_switch = gtk_switch_new ();
  gtk_switch_set_active (GTK_SWITCH (self->master_switch), TRUE);
  gtk_widget_set_tooltip_text (self->master_switch, _("Write the mix of the master bus"));
  row = suffix_row (group, _("Master"), _("The whole mix in one file"), self->master_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->master_switch);

  self->stems_switch = gtk_switch_new ();
  gtk_widget_set_tooltip_text (self->stems_switch,
                               _("Also write one file per track and per bus"));
  gtk_widget_set_name (self->stems_switch, "stems");
  row = suffix_row (group, _("Stems"),
                    _("One file per track and per bus, in a “stems” folder beside the master"),
                    self->stems_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->stems_switch);
  self->stem_kinds_row = combo_row_new (group, _("Stems Of"),
                                        _("Which strips get a file of their own"),
                                        stem_kind_labels, G_N_ELEMENTS (stem_kind_labels));
  gtk_widget_set_name (self->stem_kinds_row, "stem-kinds");
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Loudness"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
    _("Normalizes the master to an integrated loudness, keeping its true peak under the "
      "ceiling."));
  for (guint i = 0; i < G_N_ELEMENTS (loudness_presets); i++)
    labels[i] = loudness_presets[i].label;
  self->loudness_row = combo_row_new (group, _("Target"),
                                      _("The loudness the master is normalized to"),
                                      labels, G_N_ELEMENTS (loudness_presets));
  gtk_widget_set_name (self->loudness_row, "loudness");

  self->custom_spin = spin_new (-40.0, -5.0, 0.5, -18.0, _("The target loudness in LUFS"));
  gtk_widget_set_name (self->custom_spin, "custom-lufs");
  self->custom_row = suffix_row (group, _("Custom Target (LUFS)"), NULL, self->custom_spin);

  self->peak_spin = spin_new (-9.0, 0.0, 0.1, -1.0,
                              _("The highest true peak the master may reach, in dBTP"));
  gtk_widget_set_name (self->peak_spin, "true-peak");
  self->peak_row = suffix_row (group, _("True-Peak Ceiling (dBTP)"),
                               _("−1 dBTP leaves room for lossy encoders"), self->peak_spin);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  g_signal_connect_swapped (self->loudness_row, "notify::selected",
                            G_CALLBACK (update_sensitivity), self);
  g_signal_connect_swapped (self->master_switch, "notify::active",
                            G_CALLBACK (update_sensitivity), self);
  g_signal_connect_swapped (self->stems_switch, "notify::active",
                            G_CALLBACK (update_sensitivity), self);
  return page;
}

static GtkWidget *
build_progress (StrataExportDialog *self)
{
  GtkWidget *status = adw_status_page_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Cancel"));

  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("Exporting…"));
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "document-save-symbolic");
  self->progress_bar = gtk_progress_bar_new ();
  gtk_widget_set_tooltip_text (self->progress_bar, _("How much of the song is rendered"));
  set_label (self->progress_bar, _("Export progress"));
  self->remaining_label = gtk_label_new (NULL);
  gtk_widget_set_name (self->remaining_label, "remaining");
  gtk_widget_add_css_class (self->remaining_label, "dim-label");
  gtk_widget_set_tooltip_text (button, _("Stop the export; no file is left behind"));
  set_label (button, _("Cancel Export"));
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "export.cancel");
  gtk_box_append (GTK_BOX (box), self->progress_bar);
  gtk_box_append (GTK_BOX (box), self->remaining_label);
  gtk_box_append (GTK_BOX (box), button);
  adw_status_page_set_child (ADW_STATUS_PAGE (status), box);
  return status;
}

static GtkWidget *
figure_row (GtkWidget *group, const char *title, const char *name, GtkWidget **label)
{
  *label = gtk_label_new (NULL);
  gtk_label_set_selectable (GTK_LABEL (*label), TRUE);
  gtk_widget_set_name (*label, name);
  gtk_widget_set_tooltip_text (*label, title);
  return suffix_row (group, title, NULL, *label);
}

static GtkWidget *
build_done (StrataExportDialog *self)
{
  GtkWidget *status = adw_status_page_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *open = gtk_button_new_with_mnemonic (_("_Open Folder"));
  GtkWidget *close = gtk_button_new_with_mnemonic (_("C_lose"));

  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("Export Complete"));
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "emblem-ok-symbolic");
  figure_row (group, _("Integrated Loudness"), "integrated", &self->integrated_label);
  figure_row (group, _("Loudness Range"), "loudness-range", &self->lra_label);
  figure_row (group, _("True Peak"), "true-peak-result", &self->peak_label);
  self->files_row = suffix_row (group, _("Files"), NULL, NULL);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->files_row), FALSE);
  gtk_widget_set_name (self->files_row, "files");

  gtk_widget_set_tooltip_text (open, _("Show the exported files in the file manager"));
  set_label (open, _("Open Folder"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "export.open-folder");
  gtk_widget_add_css_class (open, "pill");
  gtk_widget_add_css_class (open, "suggested-action");
  gtk_widget_set_tooltip_text (close, _("Close this window"));
  set_label (close, _("Close"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (close), "window.close");
  gtk_widget_add_css_class (close, "pill");
  gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (buttons), close);
  gtk_box_append (GTK_BOX (buttons), open);
  gtk_box_append (GTK_BOX (box), group);
  gtk_box_append (GTK_BOX (box), buttons);
  adw_status_page_set_child (ADW_STATUS_PAGE (status), box);
  return status;
}

/* ---- overrides ---------------------------------------------------------------------------- */

static void
strata_export_dialog_dispose (GObject *object)
{
  StrataExportDialog *self = STRATA_EXPORT_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (strata_export_dialog_parent_class)->dispose (object);
}

static void
strata_export_dialog_finalize (GObject *object)
{
  StrataExportDialog *self = STRATA_EXPORT_DIALOG (object);

  g_free (self->folder);
  g_free (self->target);
  g_free (self->replace_ok);
  G_OBJECT_CLASS (strata_export_dialog_parent_class)->finalize (object);
}

static void
strata_export_dialog_class_init (StrataExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_export_dialog_dispose;
  object_class->finalize = strata_export_dialog_finalize;
  gtk_widget_class_install_action (widget_class, "export.start", NULL, export_cb);
  gtk_widget_class_install_action (widget_class, "export.cancel", NULL, cancel_cb);
  gtk_widget_class_install_action (widget_class, "export.choose-folder", NULL,
                                   choose_folder_cb);
  gtk_widget_class_install_action (widget_class, "export.open-folder", NULL, open_folder_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "export.cancel", NULL);
}

static void
strata_export_dialog_init (StrataExportDialog *self)
{
  gtk_window_set_title (GTK_WINDOW (self), _("Export"));
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 720);
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
}

/* The ranges the Range rows offer, from the session as the dialog opens (empty: unavailable). */
static void
find_ranges (StrataExportDialog *self)
{
  GPtrArray *selection = strata_session_get_selection (self->session);
  gboolean enabled;

  self->range_start[STRATA_EXPORT_RANGE_WHOLE] = 0;
  self->range_end[STRATA_EXPORT_RANGE_WHOLE] = 1;
  strata_timeline_get_loop (strata_session_get_timeline (self->session),
                            &self->range_start[STRATA_EXPORT_RANGE_LOOP],
                            &self->range_end[STRATA_EXPORT_RANGE_LOOP], &enabled);
  self->range_start[STRATA_EXPORT_RANGE_SELECTION] = G_MAXINT64;
  self->range_end[STRATA_EXPORT_RANGE_SELECTION] = G_MININT64;
  for (guint i = 0; selection != NULL && i < selection->len; i++)
    {
      StrataClip *clip = g_ptr_array_index (selection, i);
      self->range_start[STRATA_EXPORT_RANGE_SELECTION] =
        MIN (self->range_start[STRATA_EXPORT_RANGE_SELECTION], strata_clip_get_start (clip));
      self->range_end[STRATA_EXPORT_RANGE_SELECTION] =
        MAX (self->range_end[STRATA_EXPORT_RANGE_SELECTION], strata_clip_get_end (clip));
    }
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
strata_export_dialog_new (GtkWindow *parent, StrataSession *session)
{
  StrataExportDialog *self;
  GtkWidget *box;
  GtkWidget *header;

  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);

  self = g_object_new (STRATA_TYPE_EXPORT_DIALOG, "transient-for", parent, "modal", TRUE,
                       NULL);
  strata_ui_dialog_setup (GTK_WINDOW (self), parent, "exporting");
  self->session = g_object_ref (session);
  find_ranges (self);

  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  self->cancel_button = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_widget_set_tooltip_text (self->cancel_button, _("Close without exporting"));
  set_label (self->cancel_button, _("Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->cancel_button), "export.cancel");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->cancel_button);
  self->export_button = gtk_button_new_with_mnemonic (_("_Export"));
  gtk_widget_add_css_class (self->export_button, "suggested-action");
  gtk_widget_set_tooltip_text (self->export_button, _("Render the song to the file"));
  set_label (self->export_button, _("Export"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->export_button), "export.start");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->export_button);

  self->stack = gtk_stack_new ();
  gtk_widget_set_name (self->stack, "pages");
  gtk_widget_set_vexpand (self->stack, TRUE);
  gtk_stack_set_transition_type (GTK_STACK (self->stack), GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_stack_add_named (GTK_STACK (self->stack), build_settings (self), "settings");
  gtk_stack_add_named (GTK_STACK (self->stack), build_progress (self), "progress");
  gtk_stack_add_named (GTK_STACK (self->stack), build_done (self), "done");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), self->stack);
  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->export_button);
  /* Not Cancel, the first in the focus chain: Enter on opening exports. */
  gtk_window_set_focus (GTK_WINDOW (self), self->export_button);
  update_sensitivity (self);
  show_page (self, "settings");
  return GTK_WIDGET (self);
}

gboolean
strata_export_dialog_get_options (StrataExportDialog  *self,
                                  StrataRenderOptions *options,
                                  GError             **error)
{
  const char *text;
  const char *extension;
  g_autofree char *name = NULL;
  guint range, loudness;
  gboolean master, stems;

  g_return_val_if_fail (STRATA_IS_EXPORT_DIALOG (self), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  strata_render_options_init (options);
  text = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  name = g_strstrip (g_strdup (text));
  if (*name == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                           _("Give the exported file a name."));
      return FALSE;
    }
  if (strchr (name, G_DIR_SEPARATOR) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("The file name “%s” cannot contain “%c”; choose the folder with Choose…"),
                   name, G_DIR_SEPARATOR);
      return FALSE;
    }
  master = gtk_switch_get_active (GTK_SWITCH (self->master_switch));
  stems = gtk_switch_get_active (GTK_SWITCH (self->stems_switch));
  if (!master && !stems)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Turn on the master, the stems or both."));
      return FALSE;
    }

  options->bit_depth = formats[self->format].bit_depth;
  extension = formats[self->format].extension;
  if (!g_str_has_suffix (name, extension))
    {
      char *full = g_strconcat (name, extension, NULL);
      g_free (name);
      name = full;
    }
  if (master)
    options->output = g_build_filename (self->folder, name, NULL);
  if (stems)
    {
      g_autofree char *stem = g_strndup (name, strlen (name) - strlen (extension));
      /* Translators: the folder of stems beside the master, from the master's name */
      g_autofree char *dir = g_strdup_printf (_("%s stems"), stem);
      guint kinds = adw_combo_row_get_selected (ADW_COMBO_ROW (self->stem_kinds_row));

      options->stems_dir = g_build_filename (self->folder, dir, NULL);
      options->track_stems = kinds != STEMS_OF_BUSES;
      options->bus_stems = kinds != STEMS_OF_TRACKS;
    }

  range = selected_range (self);
  if (range != STRATA_EXPORT_RANGE_WHOLE)
    {
      options->has_start = options->has_end = TRUE;
      options->start = self->range_start[range];
      options->end = self->range_end[range];
    }

  loudness = adw_combo_row_get_selected (ADW_COMBO_ROW (self->loudness_row));
  if (master && loudness != STRATA_EXPORT_LOUDNESS_OFF && loudness < G_N_ELEMENTS (loudness_presets))
    {
      options->normalize = TRUE;
      options->target_lufs = loudness == STRATA_EXPORT_LOUDNESS_CUSTOM
        ? gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->custom_spin))
        : loudness_presets[loudness].target;
      options->true_peak_dbtp = gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->peak_spin));
    }
  return TRUE;
}
