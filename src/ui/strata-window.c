/* strata-window.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-window"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "strata-application.h"
#include "strata-arrange-view.h"
#include "strata-commands.h"
#include "strata-core-enums.h"
#include "strata-export-dialog.h"
#include "strata-json.h"
#include "strata-mix-view.h"
#include "strata-snapshots-dialog.h"
#include "strata-store.h"
#include "strata-window.h"

struct _StrataWindow
{
  AdwApplicationWindow parent_instance;

  /* template */
  AdwToastOverlay     *toasts;
  GtkStack            *main_stack;
  AdwViewStack        *view_stack;
  GtkLabel            *position_label;
  GtkButton           *position_button;
  GtkMenuButton       *tempo_button;
  GtkSpinButton       *bpm_spin;
  GtkEntry            *metre_entry;
  gint32               tempo_bar;       /* the bar whose segment the tempo popover edits */
  GtkMenuButton       *snap_button;
  GtkButton           *play_button;
  GtkToggleButton     *record_button;
  GtkToggleButton     *loop_button;
  GMenu               *recent_menu;

  StrataEngine        *engine;
  guint                engine_rate;
  gboolean             engine_stale;    /* the audio preferences changed since it started */
  StrataSession       *session;
  GFile               *file;          /* NULL: never saved */
  GtkWidget           *arrange_view;
  GtkWidget           *mix_view;
  gboolean             position_as_time;
  guint                autosave_id;
  gboolean             autosaved;       /* an autosave of this project was started here */
  GCancellable        *autosave_cancellable;
};

static gboolean offer_autosave (StrataWindow *self,
                                const char   *path);
static void     offer_takes    (StrataWindow *self,
                                gboolean      unsaved);

G_DEFINE_FINAL_TYPE (StrataWindow, strata_window, ADW_TYPE_APPLICATION_WINDOW)

/* Snap names as the GSettings key and the win.snap action say them. */
static const struct { StrataSnap snap; const char *id; const char *label; } snaps[] = {
  { STRATA_SNAP_OFF, "off", N_("Off") },
  { STRATA_SNAP_BAR, "bar", N_("Bar") },
  { STRATA_SNAP_BEAT, "beat", N_("Beat") },
  { STRATA_SNAP_1_2, "1-2", "1/2" },
  { STRATA_SNAP_1_4, "1-4", "1/4" },
  { STRATA_SNAP_1_8, "1-8", "1/8" },
  { STRATA_SNAP_1_16, "1-16", "1/16" },
  { STRATA_SNAP_1_32, "1-32", "1/32" },
  { STRATA_SNAP_1_64, "1-64", "1/64" },
  { STRATA_SNAP_1_2_TRIPLET, "1-2-triplet", "1/2T" },
  { STRATA_SNAP_1_4_TRIPLET, "1-4-triplet", "1/4T" },
  { STRATA_SNAP_1_8_TRIPLET, "1-8-triplet", "1/8T" },
  { STRATA_SNAP_1_16_TRIPLET, "1-16-triplet", "1/16T" },
  { STRATA_SNAP_1_32_TRIPLET, "1-32-triplet", "1/32T" },
  { STRATA_SNAP_1_64_TRIPLET, "1-64-triplet", "1/64T" },
};

static GSettings *
window_settings (StrataWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return STRATA_IS_APPLICATION (app)
           ? strata_application_get_settings (STRATA_APPLICATION (app)) : NULL;
}

void
strata_window_show_toast (StrataWindow *self, const char *message)
{
  g_return_if_fail (STRATA_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (message));
}

static void
show_error_dialog (StrataWindow *self, const char *heading, const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Title */

static char *
project_display_name (StrataWindow *self)
{
  if (self->file != NULL)
    {
      g_autofree char *base = g_file_get_basename (self->file);
      char *dot = strrchr (base, '.');

      if (dot != NULL && dot != base)
        *dot = '\0';
      return g_steal_pointer (&base);
    }
  if (self->session != NULL)
    {
      const char *name = strata_project_get_name (strata_session_get_project (self->session));

      if (name != NULL && *name != '\0')
        return g_strdup (name);
    }
  return g_strdup (_("Untitled"));
}

static void
update_title (StrataWindow *self)
{
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  gboolean dirty;

  if (self->session == NULL)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Strata"));
      return;
    }
  name = project_display_name (self);
  dirty = strata_project_get_dirty (strata_session_get_project (self->session));
  /* Translators: the window title: the project name, then the application name; the bullet
   * marks unsaved changes. */
  title = g_strdup_printf (dirty ? _("• %s — Strata") : _("%s — Strata"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* Header bar state */

static void
update_position (StrataWindow *self)
{
  StrataTempoMap *map;
  gint64 frame;
  g_autofree char *text = NULL;

  if (self->session == NULL)
    return;
  map = strata_session_get_tempo_map (self->session);
  frame = strata_session_get_position (self->session);
  if (self->position_as_time)
    {
      gdouble seconds = strata_tempo_map_frames_to_seconds (map, frame);
      gint64 ms = (gint64) (seconds * 1000.0 + 0.5);

      text = g_strdup_printf ("%02" G_GINT64_FORMAT ":%02d.%03d", ms / 60000,
                              (int) (ms / 1000 % 60), (int) (ms % 1000));
    }
  else
    {
      StrataBbt bbt;

      strata_tempo_map_frame_to_bbt (map, frame, &bbt);
      text = g_strdup_printf ("%d.%d.%03d", bbt.bar, bbt.beat, bbt.tick);
    }
  gtk_label_set_label (self->position_label, text);
}

static const StrataTempoSegment *
playhead_segment (StrataWindow *self)
{
  return strata_tempo_map_segment_at_frame (strata_session_get_tempo_map (self->session),
                                            strata_session_get_position (self->session));
}

/* The tempo popover's fields follow the segment at the playhead while it is closed, and keep
 * what is typed while it is open and the playhead moves on: Apply edits the segment it opened
 * on. */
static void
update_tempo_fields (StrataWindow *self)
{
  const StrataTempoSegment *seg;
  g_autofree char *metre = NULL;

  if (self->session == NULL)
    return;
  seg = playhead_segment (self);
  self->tempo_bar = seg->bar;
  gtk_spin_button_set_value (self->bpm_spin, seg->bpm);
  metre = g_strdup_printf ("%u/%u", seg->numerator, seg->denominator);
  gtk_editable_set_text (GTK_EDITABLE (self->metre_entry), metre);
}

static void
update_tempo (StrataWindow *self)
{
  const StrataTempoSegment *seg;
  g_autofree char *label = NULL;

  if (self->session == NULL)
    return;
  seg = playhead_segment (self);
  /* Translators: tempo in beats per minute and the time signature, e.g. "120 BPM  4/4". */
  label = g_strdup_printf (_("%g BPM  %u/%u"), seg->bpm, seg->numerator, seg->denominator);
  if (g_strcmp0 (label, gtk_menu_button_get_label (self->tempo_button)) == 0
      && seg->bar == self->tempo_bar)
    return;
  gtk_menu_button_set_label (self->tempo_button, label);
  if (!gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (self->tempo_button))))
    update_tempo_fields (self);
}

static void
update_transport (StrataWindow *self)
{
  gboolean playing = self->session != NULL && strata_session_get_playing (self->session);
  gboolean recording = self->engine != NULL
                       && strata_engine_get_record_state (self->engine)
                            == STRATA_RECORDER_RECORDING;
  gboolean loop = FALSE;

  gtk_button_set_icon_name (self->play_button, playing ? "media-playback-pause-symbolic"
                                                       : "media-playback-start-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  playing ? _("Pause") : _("Play"), -1);
  gtk_toggle_button_set_active (self->record_button, recording);
  if (self->session != NULL)
    {
      gint64 start, end;

      strata_timeline_get_loop (strata_session_get_timeline (self->session), &start, &end,
                                &loop);
    }
  gtk_toggle_button_set_active (self->loop_button, loop);
}

static void
update_snap (StrataWindow *self)
{
  StrataSnap snap = self->session != NULL ? strata_session_get_snap (self->session)
                                          : STRATA_SNAP_BEAT;
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "snap");

  for (guint i = 0; i < G_N_ELEMENTS (snaps); i++)
    if (snaps[i].snap == snap)
      {
        g_autofree char *label = g_strdup_printf (_("Snap: %s"), _(snaps[i].label));

        gtk_menu_button_set_label (self->snap_button, label);
        g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (snaps[i].id));
      }
}

static void
update_actions (StrataWindow *self)
{
  gboolean open = self->session != NULL;
  StrataUndoStack *undo = open ? strata_project_get_undo_stack (
                                   strata_session_get_project (self->session)) : NULL;
  static const char *const project_actions[] = {
    "save", "save-as", "snapshots", "import", "export", "play", "stop", "record", "loop",
    "return-to-start", "go-to-end", "apply-tempo", "toggle-position-format",
  };

  for (guint i = 0; i < G_N_ELEMENTS (project_actions); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                   G_ACTION_MAP (self), project_actions[i])), open);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                 G_ACTION_MAP (self), "undo")),
                               undo != NULL && strata_undo_stack_can_undo (undo));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                 G_ACTION_MAP (self), "redo")),
                               undo != NULL && strata_undo_stack_can_redo (undo));
}

static void
project_changed_cb (StrataWindow *self)
{
  update_title (self);
  update_tempo (self);
  update_transport (self);
  update_position (self);
  update_actions (self);
}

static void
session_toast_cb (StrataWindow *self, const char *message, gboolean offer_undo)
{
  AdwToast *toast = adw_toast_new (message);

  if (offer_undo)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "win.undo");
    }
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
engine_message_cb (StrataWindow *self, const char *message)
{
  strata_window_show_toast (self, message);
}

static void
engine_takes_added_cb (StrataWindow *self, guint n_takes)
{
  g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Recorded %u take",
                                                           "Recorded %u takes", n_takes),
                                              n_takes);
  strata_window_show_toast (self, message);
}

/* The engine */

static gboolean
ensure_engine (StrataWindow *self, guint rate, GError **error)
{
  GSettings *settings = window_settings (self);
  StrataEngineOptions options = { 0 };
  const char *env = g_getenv ("STRATA_AUDIO_BACKEND");
  g_autofree char *output = NULL;
  g_autofree char *input = NULL;

  if (self->engine != NULL && self->engine_rate == rate && !self->engine_stale)
    return TRUE;
  self->engine_stale = FALSE;
  if (self->engine != NULL)
    {
      strata_engine_shutdown (self->engine);
      g_clear_object (&self->engine);
    }

  options.backend = STRATA_BACKEND_PIPEWIRE;
  options.config.rate = rate;
  if (settings != NULL)
    {
      options.backend = g_settings_get_enum (settings, "audio-backend");
      options.config.period = g_settings_get_uint (settings, "buffer-size");
      output = g_settings_get_string (settings, "output-device");
      input = g_settings_get_string (settings, "input-device");
    }
  if (env != NULL && !strata_backend_kind_parse (env, &options.backend))
    strata_window_show_toast (self, _("STRATA_AUDIO_BACKEND names no audio backend; use "
                                      "pipewire, gstreamer or dummy"));
  options.config.output_device = output != NULL && *output != '\0' ? output : NULL;
  options.config.input_device = input != NULL && *input != '\0' ? input : NULL;
  options.config.capture = TRUE;

  self->engine = strata_engine_new ();
  g_signal_connect_object (self->engine, "message", G_CALLBACK (engine_message_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "error", G_CALLBACK (engine_message_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "takes-added", G_CALLBACK (engine_takes_added_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::record-state",
                           G_CALLBACK (update_transport), self, G_CONNECT_SWAPPED);
  if (!strata_engine_start (self->engine, &options, error))
    {
      g_clear_object (&self->engine);
      return FALSE;
    }
  if (settings != NULL)
    strata_engine_set_calibration (self->engine,
                                   g_settings_get_int (settings, "latency-calibration-frames"));
  self->engine_rate = rate;
  return TRUE;
}

/* Audio preferences apply at once: the engine restarts with them when the transport stands,
 * else when it next stops. */
static void
audio_settings_changed_cb (StrataWindow *self)
{
  self->engine_stale = TRUE;
  if (self->session == NULL || strata_session_get_playing (self->session))
    return;
  strata_window_set_project (self, strata_session_get_project (self->session));
  strata_window_show_toast (self, self->engine != NULL
                                    ? _("Audio restarted with the new settings")
                                    : _("Audio could not restart with the new settings"));
}

static void
engine_playing_cb (StrataWindow *self)
{
  if (self->engine_stale && !strata_session_get_playing (self->session))
    audio_settings_changed_cb (self);
}

static void
calibration_changed_cb (StrataWindow *self)
{
  if (self->engine != NULL)
    strata_engine_set_calibration (self->engine,
                                   g_settings_get_int (window_settings (self),
                                                       "latency-calibration-frames"));
}

/* The project */

static void
autosave_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!strata_store_autosave_finish (result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("autosave: %s", error->message);
}

/* Starts an autosave when the saved project has unsaved changes; the window does this on its
 * interval. An untitled or JSON project has no .strata file to put an autosave beside. */
gboolean
strata_window_autosave (StrataWindow *self)
{
  StrataProject *project;

  g_return_val_if_fail (STRATA_IS_WINDOW (self), FALSE);

  if (self->session == NULL || self->file == NULL)
    return FALSE;
  project = strata_session_get_project (self->session);
  if (!strata_project_get_dirty (project)
      || !g_str_has_suffix (strata_project_get_path (project) ?: "", ".strata"))
    return FALSE;
  self->autosaved = TRUE;
  strata_store_autosave_async (project, self->autosave_cancellable, autosave_done_cb, NULL);
  return TRUE;
}

static gboolean
autosave_cb (gpointer user_data)
{
  strata_window_autosave (user_data);
  return G_SOURCE_CONTINUE;
}

static void
schedule_autosave (StrataWindow *self)
{
  GSettings *settings = window_settings (self);
  guint seconds = settings != NULL ? g_settings_get_uint (settings, "autosave-interval-seconds")
                                   : 60;

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  if (seconds > 0)
    self->autosave_id = g_timeout_add_seconds (seconds, autosave_cb, self);
}

void
strata_window_set_project (StrataWindow *self, StrataProject *project)
{
  g_autoptr(GError) error = NULL;
  StrataProject *old = self->session != NULL ? strata_session_get_project (self->session) : NULL;
  g_autoptr(StrataProject) keep = NULL;

  g_return_if_fail (STRATA_IS_WINDOW (self));
  g_return_if_fail (STRATA_IS_PROJECT (project));

  /* The project may be the one shown now, whose last reference the old session holds. */
  keep = g_object_ref (project);

  if (old != NULL)
    {
      g_signal_handlers_disconnect_by_data (old, self);
      g_signal_handlers_disconnect_by_data (strata_project_get_undo_stack (old), self);
      g_signal_handlers_disconnect_by_data (self->session, self);
    }
  if (self->arrange_view != NULL)
    {
      adw_view_stack_remove (self->view_stack, self->arrange_view);
      adw_view_stack_remove (self->view_stack, self->mix_view);
      self->arrange_view = self->mix_view = NULL;
    }
  if (self->engine != NULL)
    strata_engine_stop (self->engine);
  g_clear_object (&self->session);
  self->autosaved = FALSE;

  if (!ensure_engine (self, strata_project_get_sample_rate (project), &error))
    {
      g_autofree char *message = g_strdup_printf (_("No audio: %s"), error->message);
      strata_window_show_toast (self, message);
      g_clear_error (&error);
    }
  if (self->engine != NULL && !strata_engine_set_project (self->engine, project, &error))
    strata_window_show_toast (self, error->message);

  self->session = strata_session_new (project, self->engine);
  if (window_settings (self) != NULL)
    {
      g_autofree char *snap = g_settings_get_string (window_settings (self), "snap");

      for (guint i = 0; i < G_N_ELEMENTS (snaps); i++)
        if (g_str_equal (snaps[i].id, snap))
          strata_session_set_snap (self->session, snaps[i].snap);
    }
  g_signal_connect_object (project, "changed", G_CALLBACK (project_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "notify::dirty", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (strata_project_get_undo_stack (project), "changed",
                           G_CALLBACK (project_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "toast", G_CALLBACK (session_toast_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::position", G_CALLBACK (update_position), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::position", G_CALLBACK (update_tempo), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::playing", G_CALLBACK (update_transport), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::playing", G_CALLBACK (engine_playing_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::snap", G_CALLBACK (update_snap), self,
                           G_CONNECT_SWAPPED);

  self->arrange_view = strata_arrange_view_new (self->session);
  self->mix_view = strata_mix_view_new (self->session);
  adw_view_stack_page_set_icon_name (
    adw_view_stack_add_titled (self->view_stack, self->arrange_view, "arrange", _("Arrange")),
    "view-list-symbolic");
  adw_view_stack_page_set_icon_name (
    adw_view_stack_add_titled (self->view_stack, self->mix_view, "mix", _("Mix")),
    "audio-volume-high-symbolic");
  gtk_stack_set_visible_child_name (self->main_stack, "project");

  schedule_autosave (self);
  update_snap (self);
  project_changed_cb (self);
}

const char *
strata_window_get_help_page (StrataWindow *self)
{
  const char *page;

  g_return_val_if_fail (STRATA_IS_WINDOW (self), NULL);
  if (self->session == NULL)
    return NULL;
  /* Armed or recording, the page is about recording whichever view shows. */
  if (self->engine != NULL
      && strata_engine_get_record_state (self->engine) != STRATA_RECORDER_IDLE)
    return "recording";
  page = adw_view_stack_get_visible_child_name (self->view_stack);
  return g_strcmp0 (page, "mix") == 0 ? "mixing" : "arranging";
}

StrataSession *
strata_window_get_session (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), NULL);
  return self->session;
}

static void
remember_recent (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

static int
recent_newest_first (gconstpointer a, gconstpointer b)
{
  return g_date_time_compare (gtk_recent_info_get_modified ((GtkRecentInfo *) b),
                              gtk_recent_info_get_modified ((GtkRecentInfo *) a));
}

/* Open Recent lists the last eight projects that still exist. */
static void
populate_recent_menu (StrataWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  guint n = 0;

  g_menu_remove_all (self->recent_menu);
  items = g_list_sort (items, recent_newest_first);
  for (GList *l = items; l != NULL && n < 8; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      g_autoptr(GMenuItem) item = NULL;

      if (!(g_str_has_suffix (uri, ".strata") || g_str_has_suffix (uri, ".json"))
          || !gtk_recent_info_exists (info))
        continue;
      item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (uri));
      g_menu_append_item (self->recent_menu, item);
      n++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

gboolean
strata_window_open_file (StrataWindow *self, GFile *file, GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (STRATA_IS_WINDOW (self), FALSE);

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (&local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s: only local files can be opened"), uri);
    }
  else if (g_str_has_suffix (path, ".json"))
    project = strata_json_load_file (path, &local_error);
  else
    project = strata_store_load (path, &local_error);

  if (project == NULL)
    {
      show_error_dialog (self, _("Could Not Open the Project"), local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_set_object (&self->file, file);
  strata_window_set_project (self, project);
  remember_recent (file);
  populate_recent_menu (self);
  /* The autosave first: the tracks the takes were recorded on may exist only in it. */
  if (!offer_autosave (self, path))
    offer_takes (self, FALSE);
  return TRUE;
}

/* A question offering something back: "_Not Now" (also on close) or `accept`, the default. */
static GtkWidget *
offer_dialog (StrataWindow *self, const char *heading, const char *body, const char *accept,
              const char *accept_label)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "ignore", _("_Not Now"),
                                    accept, accept_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), accept,
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), accept);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "ignore");
  return dialog;
}

/* An autosave newer than its project means Strata stopped without saving (a crash, a power
 * cut): the changes in it are offered back. */
static gboolean
autosave_pending (const char *path)
{
  g_autofree char *autosave = strata_store_autosave_path (path);
  GStatBuf project_stat, autosave_stat;

  return g_stat (autosave, &autosave_stat) == 0
         && (g_stat (path, &project_stat) != 0
             || autosave_stat.st_mtime >= project_stat.st_mtime);
}

static void
recover_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  StrataWindow *self = user_data;
  const char *path = g_object_get_data (G_OBJECT (dialog), "path");
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  if (g_str_equal (response, "restore"))
    {
      project = strata_store_load_autosave (path, &error);
      if (project == NULL)
        show_error_dialog (self, _("Could Not Restore the Changes"), error->message);
      else
        {
          file = g_file_new_for_path (path);
          g_set_object (&self->file, file);
          strata_window_set_project (self, project);
          self->autosaved = TRUE;  /* its changes are this window's now */
        }
    }
  offer_takes (self, FALSE);
}

/* Shows the autosave question; FALSE when there is nothing to ask. */
static gboolean
offer_autosave (StrataWindow *self, const char *path)
{
  GtkWidget *dialog;
  g_autofree char *base = NULL;
  g_autofree char *body = NULL;

  if (path == NULL || !g_str_has_suffix (path, ".strata") || !autosave_pending (path))
    return FALSE;
  base = g_path_get_basename (path);
  body = g_strdup_printf (_("Strata closed without saving “%s”. Its last changes were kept "
                            "in an autosave."), base);
  dialog = offer_dialog (self, _("Restore Unsaved Changes?"), body, "restore", _("_Restore"));
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (recover_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

void
strata_window_offer_recovery (StrataWindow *self, const char *path)
{
  g_return_if_fail (STRATA_IS_WINDOW (self));
  offer_autosave (self, path);
}

static void
recover_takes_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  StrataWindow *self = user_data;
  StrataProject *project = g_object_get_data (G_OBJECT (dialog), "project");
  g_autoptr(GPtrArray) recovered = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->session == NULL || strata_session_get_project (self->session) != project)
    return;
  /* Not Now leaves the files: the question comes back when the project is next opened, or
   * for an untitled project's folder, which this project lets go of, at the next start. */
  if (!g_str_equal (response, "recover"))
    {
      if (g_object_get_data (G_OBJECT (dialog), "unsaved") != NULL)
        strata_project_release_media_dir (project);
      return;
    }
  ok = strata_recorder_recover_takes (project, STRATA_RECOVER_NEW_TRACKS, &recovered, &error);
  if (recovered->len > 0)
    {
      g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "Recovered %u take",
                                                               "Recovered %u takes",
                                                               recovered->len),
                                                  recovered->len);
      strata_window_show_toast (self, message);
    }
  if (!ok)
    show_error_dialog (self, _("Could Not Recover a Take"), error->message);
}

/* Takes a crash while recording left in the shown project's media folder are offered back
 * where they were recorded; a take whose track is gone (added after the last save) gets a
 * new track rather than being lost. */
static void
offer_takes (StrataWindow *self, gboolean unsaved)
{
  StrataProject *project;
  GtkWidget *dialog;
  g_autofree char *name = NULL;
  g_autofree char *body = NULL;
  guint n;

  if (self->session == NULL)
    return;
  project = strata_session_get_project (self->session);
  n = strata_recorder_count_recoverable (project, STRATA_RECOVER_NEW_TRACKS);
  if (n == 0)
    return;
  name = project_display_name (self);
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Strata stopped while recording. %u take of “%s” was "
                                       "kept: add it back as a clip where it was recorded?",
                                       "Strata stopped while recording. %u takes of “%s” were "
                                       "kept: add them back as clips where they were recorded?",
                                       n),
                          n, name);
  dialog = offer_dialog (self, _("Recover Recorded Takes?"), body, "recover", _("_Recover"));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_object_set_data_full (G_OBJECT (dialog), "project", g_object_ref (project), g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "unsaved", GINT_TO_POINTER (unsaved));
  g_signal_connect_object (dialog, "response", G_CALLBACK (recover_takes_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* An untitled project keeps no autosave, so what comes back after a crash is its takes:
 * onto new tracks, one per track recorded on, so that takes recorded together (a vocal and a
 * guitar) play together rather than stacking as alternatives on one track. */
gboolean
strata_window_recover_unsaved (StrataWindow *self, const char *media_dir)
{
  g_autoptr(GPtrArray) orphans = NULL;
  g_autoptr(StrataProject) project = NULL;
  GSettings *settings = window_settings (self);
  guint rate = settings != NULL ? g_settings_get_uint (settings, "sample-rate") : 48000;

  g_return_val_if_fail (STRATA_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (media_dir != NULL, FALSE);

  orphans = strata_recorder_find_orphans (media_dir, NULL);
  if (orphans == NULL || orphans->len == 0)
    return FALSE;
  /* At the rate it was recorded at, so that nothing is resampled. */
  rate = ((StrataOrphanTake *) orphans->pdata[0])->rate ?: rate;
  project = strata_project_new (rate);
  if (!strata_project_adopt_media_dir (project, media_dir, NULL))
    return FALSE;
  if (strata_recorder_count_recoverable (project, STRATA_RECOVER_NEW_TRACKS) == 0)
    {
      strata_project_release_media_dir (project);
      return FALSE;
    }
  g_clear_object (&self->file);
  strata_window_set_project (self, project);
  offer_takes (self, TRUE);
  return TRUE;
}

/* The most recent project that was left with unsaved changes in its autosave, or NULL. */
char *
strata_window_find_crashed_project (void)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  char *found = NULL;

  items = g_list_sort (items, recent_newest_first);
  for (GList *l = items; l != NULL && found == NULL; l = l->next)
    {
      g_autofree char *path = g_filename_from_uri (gtk_recent_info_get_uri (l->data), NULL, NULL);

      if (path != NULL && g_str_has_suffix (path, ".strata") && autosave_pending (path))
        found = g_steal_pointer (&path);
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  return found;
}

char *
strata_window_find_demo (void)
{
  const char *env = g_getenv ("STRATA_DEMO_PROJECT");
  g_autofree char *installed = g_build_filename (STRATA_DATADIR, "strata", "demo", "demo.json",
                                                 NULL);

  if (env != NULL && g_file_test (env, G_FILE_TEST_EXISTS))
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&installed);
  if (g_file_test (STRATA_BUILD_DEMO, G_FILE_TEST_EXISTS))
    return g_strdup (STRATA_BUILD_DEMO);
  return NULL;
}

/* Saving */

static gboolean
save_to (StrataWindow *self, GFile *file)
{
  g_autofree char *chosen = g_file_get_path (file);
  StrataProject *project = strata_session_get_project (self->session);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) saved = NULL;
  g_autofree char *path = NULL;
  gboolean ok;

  if (chosen == NULL)
    {
      show_error_dialog (self, _("Could Not Save the Project"),
                         _("Projects can only be saved to local folders."));
      return FALSE;
    }
  /* A project is a .strata file, or a .json one when asked for (scripts, tests). */
  path = g_str_has_suffix (chosen, ".json") || g_str_has_suffix (chosen, ".strata")
           ? g_strdup (chosen) : g_strconcat (chosen, ".strata", NULL);
  ok = g_str_has_suffix (path, ".json") ? strata_json_save_file (project, path, &error)
                                         : strata_store_save (project, path, &error);
  if (!ok)
    {
      show_error_dialog (self, _("Could Not Save the Project"), error->message);
      return FALSE;
    }
  saved = g_file_new_for_path (path);
  strata_project_set_path (project, path);
  strata_project_mark_saved (project);
  g_set_object (&self->file, saved);
  remember_recent (self->file);
  update_title (self);
  strata_window_show_toast (self, _("Saved"));
  return TRUE;
}

typedef void (*SavedFunc) (StrataWindow *self);

static void
save_as_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  StrataWindow *self = user_data;
  SavedFunc then = g_object_get_data (G_OBJECT (dialog), "then");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (save_to (self, file) && then != NULL)
        then (self);
    }
  g_object_unref (dialog);
}

static void
save_as (StrataWindow *self, SavedFunc then)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter = gtk_file_filter_new ();
  g_autofree char *name = project_display_name (self);
  g_autofree char *file_name = g_strconcat (name, ".strata", NULL);

  dialog = gtk_file_chooser_native_new (_("Save Project"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Strata projects"));
  gtk_file_filter_add_pattern (filter, "*.strata");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), file_name);
  g_object_set_data (G_OBJECT (dialog), "then", then);
  g_signal_connect (dialog, "response", G_CALLBACK (save_as_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
save (StrataWindow *self, SavedFunc then)
{
  if (self->file == NULL)
    save_as (self, then);
  else if (save_to (self, self->file) && then != NULL)
    then (self);
}

/* The project is left as it is on disk (its changes discarded, or undone back to what was
 * saved): an autosave this window wrote beside it holds nothing to offer back at the next
 * start. One it did not write is from an earlier run that stopped without saving, and stays
 * until the user restores it or saves. Pending autosaves are cancelled first so none lands
 * afterwards. */
static void
forget_autosave (StrataWindow *self)
{
  const char *path;

  if (!self->autosaved)  /* never without a session */
    return;
  path = strata_project_get_path (strata_session_get_project (self->session));
  self->autosaved = FALSE;
  g_cancellable_cancel (self->autosave_cancellable);
  g_clear_object (&self->autosave_cancellable);
  self->autosave_cancellable = g_cancellable_new ();
  if (path != NULL && g_str_has_suffix (path, ".strata"))
    {
      g_autofree char *autosave = strata_store_autosave_path (path);

      g_unlink (autosave);
    }
}

/* Asking before unsaved changes go: runs `then` after Save or Discard, nothing on Cancel. */
static void
unsaved_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  StrataWindow *self = user_data;
  SavedFunc then = g_object_get_data (G_OBJECT (dialog), "then");

  if (g_str_equal (response, "save"))
    save (self, then);
  else if (g_str_equal (response, "discard"))
    {
      forget_autosave (self);
      then (self);
    }
}

static void
confirm_unsaved (StrataWindow *self, SavedFunc then)
{
  GtkWidget *dialog;
  g_autofree char *name = NULL;
  g_autofree char *heading = NULL;

  if (self->session == NULL || !strata_project_get_dirty (strata_session_get_project (self->session)))
    {
      forget_autosave (self);
      then (self);
      return;
    }
  name = project_display_name (self);
  heading = g_strdup_printf (_("Save Changes to “%s”?"), name);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("Unsaved changes will be lost for good if you don’t save."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "then", then);
  g_signal_connect (dialog, "response", G_CALLBACK (unsaved_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Actions */

static void
new_project_now (StrataWindow *self)
{
  GSettings *settings = window_settings (self);
  guint rate = settings != NULL ? g_settings_get_uint (settings, "sample-rate") : 48000;
  g_autoptr(StrataProject) project = strata_project_new (rate);
  g_autoptr(StrataCommand) command = NULL;

  g_clear_object (&self->file);
  strata_window_set_project (self, project);
  /* A new song starts with one stereo track to record or drop audio on; not an undo step. */
  command = strata_commands_add_track (project, 2, NULL, 0, NULL);
  strata_command_apply (command);
  strata_project_mark_saved (project);
}

static void
new_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  confirm_unsaved (STRATA_WINDOW (widget), new_project_now);
}

static void
open_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  StrataWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      strata_window_open_file (self, file, NULL);
    }
  g_object_unref (dialog);
}

static void
open_now (StrataWindow *self)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Open Project"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Strata projects"));
  gtk_file_filter_add_pattern (filter, "*.strata");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  confirm_unsaved (STRATA_WINDOW (widget), open_now);
}

static void
open_demo_now (StrataWindow *self)
{
  g_autofree char *path = strata_window_find_demo ();
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    {
      show_error_dialog (self, _("The Demo Is Missing"),
                         _("The demo project is not installed with this copy of Strata."));
      return;
    }
  /* The demo opens like a template: untitled, so Save asks where to keep the user's version
   * and the installed copy stays as it is. */
  project = strata_json_load_file (path, &error);
  if (project == NULL)
    {
      show_error_dialog (self, _("Could Not Open the Project"), error->message);
      return;
    }
  g_clear_object (&self->file);
  strata_window_set_project (self, project);
}

static void
open_demo_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  confirm_unsaved (STRATA_WINDOW (widget), open_demo_now);
}

static void
open_recent_now (StrataWindow *self)
{
  const char *uri = g_object_get_data (G_OBJECT (self), "recent-uri");
  g_autoptr(GFile) file = g_file_new_for_uri (uri);

  strata_window_open_file (self, file, NULL);
}

static void
open_recent_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  g_object_set_data_full (G_OBJECT (widget), "recent-uri",
                          g_variant_dup_string (param, NULL), g_free);
  confirm_unsaved (STRATA_WINDOW (widget), open_recent_now);
}

static void
save_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  save (STRATA_WINDOW (widget), NULL);
}

static void
save_as_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  save_as (STRATA_WINDOW (widget), NULL);
}

static void
snapshots_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (strata_snapshots_dialog_new (GTK_WINDOW (self),
                                                               self->session)));
}

static void
import_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  StrataWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && self->arrange_view != NULL)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      guint n = g_list_model_get_n_items (files);
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      strata_arrange_view_import (STRATA_ARRANGE_VIEW (self->arrange_view),
                                  (GFile **) array->pdata, array->len, NULL,
                                  strata_session_get_position (self->session));
    }
  g_object_unref (dialog);
}

static void
import_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Import Audio"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"),
                                        _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_file_filter_set_name (filter, _("Audio files"));
  gtk_file_filter_add_mime_type (filter, "audio/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_signal_connect (dialog, "response", G_CALLBACK (import_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
export_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (strata_export_dialog_new (GTK_WINDOW (self), self->session)));
}

static void
undo_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  if (self->session != NULL)
    strata_undo_stack_undo (strata_project_get_undo_stack (
                              strata_session_get_project (self->session)));
}

static void
redo_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  if (self->session != NULL)
    strata_undo_stack_redo (strata_project_get_undo_stack (
                              strata_session_get_project (self->session)));
}

static void
play_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  strata_session_toggle_play (STRATA_WINDOW (widget)->session);
}

static void
stop_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  /* Stop twice returns to the start, as in most DAWs. */
  if (!strata_session_get_playing (self->session))
    strata_session_locate (self->session, 0);
  strata_session_stop (self->session);
}

static void
record_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->engine != NULL
      && strata_engine_get_record_state (self->engine) == STRATA_RECORDER_RECORDING)
    strata_session_stop (self->session);
  else if (!strata_session_record (self->session, &error))
    strata_window_show_toast (self, error->message);
  update_transport (self);
}

static void
loop_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  strata_session_toggle_loop (STRATA_WINDOW (widget)->session);
}

static void
return_to_start_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  strata_session_locate (STRATA_WINDOW (widget)->session, 0);
}

static void
go_to_end_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  StrataSession *session = STRATA_WINDOW (widget)->session;

  strata_session_locate (session, strata_session_get_end (session));
}

static void
toggle_position_format_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  self->position_as_time = !self->position_as_time;
  update_position (self);
}

static void
apply_tempo_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  const char *metre = gtk_editable_get_text (GTK_EDITABLE (self->metre_entry));
  GError *error = NULL;
  StrataCommand *command;
  guint num = 0, den = 0;

  if (sscanf (metre, "%u/%u", &num, &den) != 2)
    {
      strata_window_show_toast (self, _("Write the time signature as beats/value, like 4/4"));
      return;
    }
  command = strata_commands_set_tempo (strata_session_get_project (self->session), self->tempo_bar,
                                       gtk_spin_button_get_value (self->bpm_spin), num, den,
                                       &error);
  if (strata_session_apply (self->session, command, error))
    gtk_menu_button_popdown (self->tempo_button);
}

static void
view_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  if (self->session != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (param, NULL));
}

static void
snap_action (GSimpleAction *action, GVariant *param, gpointer widget)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  const char *id = g_variant_get_string (param, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (snaps); i++)
    if (g_str_equal (snaps[i].id, id))
      {
        if (self->session != NULL)
          strata_session_set_snap (self->session, snaps[i].snap);
        if (window_settings (self) != NULL)
          g_settings_set_string (window_settings (self), "snap", id);
      }
  update_snap (self);
}

/* Space, R, L, Home and End reach the transport wherever the focus is, except while typing. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType state, StrataWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  const char *action = NULL;

  if (self->session == NULL || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)))
    return FALSE;
  if (focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT (focus)))
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_space:
      action = "play";
      break;
    case GDK_KEY_r:
    case GDK_KEY_R:
      action = "record";
      break;
    case GDK_KEY_l:
    case GDK_KEY_L:
      action = "loop";
      break;
    case GDK_KEY_Home:
      action = "return-to-start";
      break;
    case GDK_KEY_End:
      action = "go-to-end";
      break;
    default:
      return FALSE;
    }
  g_action_group_activate_action (G_ACTION_GROUP (self), action, NULL);
  return TRUE;
}

static void
position_clicked_cb (StrataWindow *self)
{
  g_action_group_activate_action (G_ACTION_GROUP (self), "toggle-position-format", NULL);
}


static const GActionEntry win_actions[] = {
  { "new", new_action },
  { "open", open_action },
  { "open-demo", open_demo_action },
  { "open-recent", open_recent_action, "s" },
  { "save", save_action },
  { "save-as", save_as_action },
  { "snapshots", snapshots_action },
  { "import", import_action },
  { "export", export_action },
  { "undo", undo_action },
  { "redo", redo_action },
  { "play", play_action },
  { "stop", stop_action },
  { "record", record_action },
  { "loop", loop_action },
  { "return-to-start", return_to_start_action },
  { "go-to-end", go_to_end_action },
  { "toggle-position-format", toggle_position_format_action },
  { "apply-tempo", apply_tempo_action },
  { "snap", NULL, "s", "'beat'", snap_action },
  { "view", view_action, "s" },
};

/* Overrides */

/* The window comes back at the size it was closed at. */
static void
restore_size (StrataWindow *self)
{
  GSettings *settings = window_settings (self);

  if (settings == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_size (StrataWindow *self)
{
  GSettings *settings = window_settings (self);
  int width, height;

  if (settings == NULL)
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
strata_window_close_request (GtkWindow *window)
{
  StrataWindow *self = STRATA_WINDOW (window);

  save_size (self);
  if (self->session == NULL
      || !strata_project_get_dirty (strata_session_get_project (self->session)))
    {
      forget_autosave (self);
      return GTK_WINDOW_CLASS (strata_window_parent_class)->close_request (window);
    }
  confirm_unsaved (self, (SavedFunc) gtk_window_destroy);
  return TRUE;
}

static void
strata_window_constructed (GObject *object)
{
  StrataWindow *self = STRATA_WINDOW (object);
  GSettings *settings;
  static const char *const audio_keys[] = {
    "changed::audio-backend", "changed::output-device", "changed::input-device",
    "changed::buffer-size",
  };

  G_OBJECT_CLASS (strata_window_parent_class)->constructed (object);
  restore_size (self);
  settings = window_settings (self);
  for (guint i = 0; settings != NULL && i < G_N_ELEMENTS (audio_keys); i++)
    g_signal_connect_object (settings, audio_keys[i], G_CALLBACK (audio_settings_changed_cb),
                             self, G_CONNECT_SWAPPED);
  if (settings != NULL)
    g_signal_connect_object (settings, "changed::latency-calibration-frames",
                             G_CALLBACK (calibration_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
strata_window_dispose (GObject *object)
{
  StrataWindow *self = STRATA_WINDOW (object);

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  g_cancellable_cancel (self->autosave_cancellable);
  g_clear_object (&self->autosave_cancellable);
  g_clear_object (&self->session);
  if (self->engine != NULL)
    strata_engine_shutdown (self->engine);
  g_clear_object (&self->engine);
  g_clear_object (&self->file);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_WINDOW);
  G_OBJECT_CLASS (strata_window_parent_class)->dispose (object);
}

static void
strata_window_class_init (StrataWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = strata_window_constructed;
  object_class->dispose = strata_window_dispose;
  window_class->close_request = strata_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stratadaw/Strata/strata-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, position_label);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, position_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, tempo_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, bpm_spin);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, metre_entry);
  gtk_widget_class_bind_template_callback (widget_class, update_tempo_fields);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, snap_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, record_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, loop_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, recent_menu);

}

static void
strata_window_init (StrataWindow *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->autosave_cancellable = g_cancellable_new ();

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  g_signal_connect_swapped (self->position_button, "clicked", G_CALLBACK (position_clicked_cb),
                            self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
  populate_recent_menu (self);
  update_actions (self);
  update_title (self);
}

StrataWindow *
strata_window_new (GtkApplication *application)
{
  return g_object_new (STRATA_TYPE_WINDOW, "application", application, NULL);
}
