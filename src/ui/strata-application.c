/* strata-application.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-application"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-application.h"
#include "strata-preferences-window.h"
#include "strata-ui.h"
#include "strata-window.h"

struct _StrataApplication
{
  AdwApplication  parent_instance;
  GSettings      *settings;
  gboolean        open_demo;
};

G_DEFINE_FINAL_TYPE (StrataApplication, strata_application, ADW_TYPE_APPLICATION)

static void
apply_color_scheme (StrataApplication *self)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_DARK, ADW_COLOR_SCHEME_FORCE_LIGHT,
  };
  int scheme = g_settings_get_enum (self->settings, "color-scheme");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      schemes[CLAMP (scheme, 0, 2)]);
}

/* The project window in front: the active one, or the one under the active dialog, or any;
 * a new one when there is none. */
static StrataWindow *
active_window (StrataApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL && !STRATA_IS_WINDOW (window))
    window = gtk_window_get_transient_for (window);
  if (STRATA_IS_WINDOW (window))
    return STRATA_WINDOW (window);
  for (GList *w = gtk_application_get_windows (GTK_APPLICATION (self)); w != NULL; w = w->next)
    if (STRATA_IS_WINDOW (w->data))
      return STRATA_WINDOW (w->data);
  return strata_window_new (GTK_APPLICATION (self));
}

static void
preferences_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  StrataApplication *self = user_data;
  StrataWindow *window = active_window (self);
  StrataSession *session = strata_window_get_session (window);

  gtk_window_present (GTK_WINDOW (strata_preferences_window_new (
    GTK_WINDOW (window), self->settings,
    session != NULL ? strata_session_get_engine (session) : NULL)));
}

static void
about_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  StrataApplication *self = user_data;
  static const char *developers[] = { "The Strata developers", NULL };

  adw_show_about_window (GTK_WINDOW (active_window (self)),
                         "application-name", _("Strata"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("The Strata developers"),
                         "developers", developers,
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/stratadaw/strata",
                         "issue-url", "https://github.com/stratadaw/strata/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Record, arrange, mix and export songs"),
                         NULL);
}

static void
help_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  StrataApplication *self = user_data;
  GtkWindow *front = gtk_application_get_active_window (GTK_APPLICATION (self));
  StrataWindow *window = active_window (self);
  const char *page;
  g_autofree char *uri = NULL;

  /* F1 opens the page of what is in front: a dialog's, or the window's view. */
  if (param != NULL)
    page = g_variant_get_string (param, NULL);
  else if (front != NULL && strata_ui_dialog_help_page (front) != NULL)
    page = strata_ui_dialog_help_page (front);
  else
    page = strata_window_get_help_page (window);
  uri = page != NULL && *page != '\0' ? g_strconcat ("help:strata/", page, NULL)
                                      : g_strdup ("help:strata");
  gtk_show_uri (front != NULL ? front : GTK_WINDOW (window), uri, GDK_CURRENT_TIME);
}

static void
quit_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  StrataApplication *self = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Each window asks about its unsaved changes before it goes. */
  for (GList *w = windows; w != NULL; w = w->next)
    gtk_window_close (w->data);
  g_list_free (windows);
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_action },
  { "about", about_action },
  { "help", help_action },
  { "help-page", help_action, "s" },
  { "quit", quit_action },
};

static void
strata_application_startup (GApplication *app)
{
  StrataApplication *self = STRATA_APPLICATION (app);
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.help", { "F1", NULL } },
    { "win.new", { "<Control>n", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "win.import", { "<Control>i", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "win.undo", { "<Control>z", NULL } },
    { "win.redo", { "<Control><Shift>z", "<Control>y", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "win.view('arrange')", { "<Alt>1", NULL } },
    { "win.view('mix')", { "<Alt>2", NULL } },
  };

  G_APPLICATION_CLASS (strata_application_parent_class)->startup (app);
  strata_ui_init ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);
  g_signal_connect_swapped (self->settings, "changed::color-scheme",
                            G_CALLBACK (apply_color_scheme), self);
  apply_color_scheme (self);
}

static void
strata_application_activate (GApplication *app)
{
  StrataApplication *self = STRATA_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      g_autofree char *crashed = strata_window_find_crashed_project ();
      g_autoptr(GPtrArray) unsaved = strata_project_find_unsaved_leftovers ();

      window = GTK_WINDOW (strata_window_new (GTK_APPLICATION (app)));
      if (self->open_demo)
        g_action_group_activate_action (G_ACTION_GROUP (window), "open-demo", NULL);
      else if (crashed != NULL)
        {
          /* After a crash, the project comes back as saved and its autosave is offered. */
          g_autoptr(GFile) file = g_file_new_for_path (crashed);

          strata_window_open_file (STRATA_WINDOW (window), file, NULL);
        }
      /* Untitled projects a crash took with takes in them: each comes back untitled with its
       * takes offered, in this window while it shows nothing, else in a window of its own. */
      for (guint i = 0; i < unsaved->len; i++)
        {
          gboolean empty = strata_window_get_session (STRATA_WINDOW (window)) == NULL;
          StrataWindow *target = empty ? STRATA_WINDOW (window)
                                       : strata_window_new (GTK_APPLICATION (app));

          if (strata_window_recover_unsaved (target, unsaved->pdata[i]))
            {
              if (!empty)
                gtk_window_present (GTK_WINDOW (target));
            }
          else if (!empty)
            gtk_window_destroy (GTK_WINDOW (target));
        }
    }
  gtk_window_present (window);
}

static void
strata_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  /* One project per window. */
  for (int i = 0; i < n_files; i++)
    {
      StrataWindow *window = strata_window_new (GTK_APPLICATION (app));

      strata_window_open_file (window, files[i], NULL);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static int
strata_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  StrataApplication *self = STRATA_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("strata %s\n", PACKAGE_VERSION);
      return 0;
    }
  self->open_demo = g_variant_dict_contains (options, "demo");
  return -1;
}

static void
strata_application_dispose (GObject *object)
{
  StrataApplication *self = STRATA_APPLICATION (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (strata_application_parent_class)->dispose (object);
}

static void
strata_application_class_init (StrataApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = strata_application_dispose;
  app_class->startup = strata_application_startup;
  app_class->activate = strata_application_activate;
  app_class->open = strata_application_open;
  app_class->handle_local_options = strata_application_handle_local_options;
}

static void
strata_application_init (StrataApplication *self)
{
  static const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Open the demo project"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  self->settings = g_settings_new (APPLICATION_ID);
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

StrataApplication *
strata_application_new (void)
{
  return g_object_new (STRATA_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       NULL);
}

GSettings *
strata_application_get_settings (StrataApplication *self)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);
  return self->settings;
}
