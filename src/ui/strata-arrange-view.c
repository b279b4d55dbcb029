/* strata-arrange-view.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Arrange page. The canvas sits in a scrolled window; the ruler reads that window's
 * horizontal adjustment and the track header column shares its vertical one, so the three
 * scroll as one. The header column never configures the adjustment (the canvas owns its
 * extent); it only follows its value. Imports run one file at a time off the main thread and
 * land as one undo step per file. Following the playhead while playing is the canvas's: it
 * owns the horizontal adjustment's extent and pages it.
 */
#define G_LOG_DOMAIN "strata-arrange-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "strata-arrange-view.h"
#include "strata-commands.h"
#include "strata-ruler.h"
#include "strata-track-header.h"

#define HEADER_WIDTH 220

/* ---- the header column: a GtkScrollable that follows a shared vertical adjustment ----- */

#define STRATA_TYPE_HEADER_COLUMN (strata_header_column_get_type ())
G_DECLARE_FINAL_TYPE (StrataHeaderColumn, strata_header_column, STRATA, HEADER_COLUMN,
                      GtkWidget)

struct _StrataHeaderColumn
{
  GtkWidget      parent_instance;
  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
};

enum { COL_PROP_0, COL_PROP_HADJ, COL_PROP_VADJ, COL_PROP_HPOLICY, COL_PROP_VPOLICY };

G_DEFINE_FINAL_TYPE_WITH_CODE (StrataHeaderColumn, strata_header_column, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static void
column_value_changed_cb (StrataHeaderColumn *self)
{
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
column_set_vadjustment (StrataHeaderColumn *self, GtkAdjustment *adjustment)
{
  if (self->vadjustment == adjustment)
    return;
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, column_value_changed_cb, self);
  g_set_object (&self->vadjustment, adjustment);
  if (adjustment != NULL)
    g_signal_connect_swapped (adjustment, "value-changed", G_CALLBACK (column_value_changed_cb),
                              self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
strata_header_column_get_property (GObject *object, guint prop_id, GValue *value,
                                   GParamSpec *pspec)
{
  StrataHeaderColumn *self = STRATA_HEADER_COLUMN (object);

  switch (prop_id)
    {
    case COL_PROP_HADJ:
      g_value_set_object (value, self->hadjustment);
      break;
    case COL_PROP_VADJ:
      g_value_set_object (value, self->vadjustment);
      break;
    case COL_PROP_HPOLICY:
    case COL_PROP_VPOLICY:
      g_value_set_enum (value, GTK_SCROLL_MINIMUM);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_header_column_set_property (GObject *object, guint prop_id, const GValue *value,
                                   GParamSpec *pspec)
{
  StrataHeaderColumn *self = STRATA_HEADER_COLUMN (object);

  switch (prop_id)
    {
    case COL_PROP_HADJ:
      g_set_object (&self->hadjustment, g_value_get_object (value));
      break;
    case COL_PROP_VADJ:
      column_set_vadjustment (self, g_value_get_object (value));
      break;
    case COL_PROP_HPOLICY:
    case COL_PROP_VPOLICY:
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_header_column_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                              int *minimum, int *natural, int *minimum_baseline,
                              int *natural_baseline)
{
  *minimum = *natural = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int min, nat;

      gtk_widget_measure (child, orientation, -1, &min, &nat, NULL, NULL);
      if (orientation == GTK_ORIENTATION_VERTICAL)
        {
          *minimum += min;
          *natural += nat;
        }
      else
        {
          *minimum = MAX (*minimum, min);
          *natural = MAX (*natural, nat);
        }
    }
  /* Vertically it scrolls: it asks for nothing. */
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = 0;
}

/* Each header gets exactly its row height, stacked from the top like the canvas rows. */
static void
strata_header_column_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  StrataHeaderColumn *self = STRATA_HEADER_COLUMN (widget);
  double y = self->vadjustment != NULL ? -gtk_adjustment_get_value (self->vadjustment) : 0.0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int row;

      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, &row, NULL, NULL, NULL);
      gtk_widget_size_allocate (child, &(GtkAllocation) { 0, (int) y, width, row }, -1);
      y += row;
    }
}

static void
strata_header_column_dispose (GObject *object)
{
  StrataHeaderColumn *self = STRATA_HEADER_COLUMN (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  column_set_vadjustment (self, NULL);
  g_clear_object (&self->hadjustment);
  G_OBJECT_CLASS (strata_header_column_parent_class)->dispose (object);
}

static void
strata_header_column_class_init (StrataHeaderColumnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_header_column_dispose;
  object_class->get_property = strata_header_column_get_property;
  object_class->set_property = strata_header_column_set_property;
  widget_class->measure = strata_header_column_measure;
  widget_class->size_allocate = strata_header_column_size_allocate;
  g_object_class_override_property (object_class, COL_PROP_HADJ, "hadjustment");
  g_object_class_override_property (object_class, COL_PROP_VADJ, "vadjustment");
  g_object_class_override_property (object_class, COL_PROP_HPOLICY, "hscroll-policy");
  g_object_class_override_property (object_class, COL_PROP_VPOLICY, "vscroll-policy");
  gtk_widget_class_set_css_name (widget_class, "trackheaders");
}

static void
strata_header_column_init (StrataHeaderColumn *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

/* ---- the arrange view ---------------------------------------------------------------- */

typedef struct
{
  GFile       *file;
  StrataTrack *track;   /* NULL: a new track */
  gint64       frame;
} ImportJob;

struct _StrataArrangeView
{
  GtkWidget         parent_instance;
  StrataSession    *session;

  GtkWidget        *box;
  GtkWidget        *import_revealer;
  GtkWidget        *import_label;
  GtkWidget        *import_progress;
  GtkWidget        *ruler;
  GtkWidget        *column;
  GtkWidget        *canvas_window;
  GtkWidget        *canvas;
  GPtrArray        *headers;        /* StrataTrackHeader *, in track order */

  GQueue            import_queue;   /* ImportJob * */
  ImportJob        *importing;      /* the file being decoded */
  GCancellable     *import_cancellable;
};

G_DEFINE_FINAL_TYPE (StrataArrangeView, strata_arrange_view, GTK_TYPE_WIDGET)

static void import_next (StrataArrangeView *self);

static void
import_job_free (ImportJob *job)
{
  g_clear_object (&job->file);
  g_clear_object (&job->track);
  g_free (job);
}

static void
set_accessible (GtkWidget *widget, const char *label)
{
  gtk_widget_set_tooltip_text (widget, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static GListModel *
tracks (StrataArrangeView *self)
{
  return strata_timeline_get_tracks (strata_session_get_timeline (self->session));
}

/* New tracks go after the track of the last selected clip, or at the end. */
static guint
new_track_position (StrataArrangeView *self)
{
  GPtrArray *selection = strata_session_get_selection (self->session);
  guint position = g_list_model_get_n_items (tracks (self));

  if (selection->len > 0
      && strata_timeline_find_clip (strata_session_get_timeline (self->session),
                                    selection->pdata[selection->len - 1], &position) != NULL)
    position++;
  return position;
}

static char *
display_name (GFile *file)
{
  g_autofree char *base = g_file_get_basename (file);

  return g_filename_display_name (base);
}

/* ---- track headers ------------------------------------------------------------------- */

static GdkContentProvider *
header_drag_prepare_cb (GtkDragSource *source, double x, double y, StrataTrackHeader *header)
{
  return gdk_content_provider_new_typed (STRATA_TYPE_TRACK,
                                         strata_track_header_get_track (header));
}

static GtkWidget *
header_new (StrataArrangeView *self, StrataTrack *track)
{
  GtkWidget *header = strata_track_header_new (self->session, track);
  GtkDragSource *source = gtk_drag_source_new ();

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (header_drag_prepare_cb), header);
  gtk_widget_add_controller (header, GTK_EVENT_CONTROLLER (source));
  return header;
}

static void
tracks_changed_cb (StrataArrangeView *self, guint position, guint removed, guint added,
                   GListModel *list)
{
  GtkWidget *before;

  for (guint i = 0; i < removed; i++)
    gtk_widget_unparent (self->headers->pdata[position + i]);
  g_ptr_array_remove_range (self->headers, position, removed);
  before = position > 0 ? self->headers->pdata[position - 1] : NULL;
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (list, position + i);
      GtkWidget *header = header_new (self, track);

      gtk_widget_insert_after (header, self->column, before);
      g_ptr_array_insert (self->headers, position + i, header);
      before = header;
    }
}

/* Where a header dropped at column coordinate `y` lands: before the row whose upper half
 * holds `y`. */
static guint
drop_slot (StrataArrangeView *self, double y)
{
  guint slot = 0;
  double top = 0;

  for (; slot < self->headers->len; slot++)
    {
      double row = gtk_widget_get_height (self->headers->pdata[slot]);

      if (y < top + row / 2)
        break;
      top += row;
    }
  return slot;
}

static gboolean
header_drop_cb (GtkDropTarget *target, const GValue *value, double x, double y,
                StrataArrangeView *self)
{
  StrataTrack *track = g_value_get_object (value);
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (
    GTK_SCROLLED_WINDOW (self->canvas_window));
  guint from, to;

  if (!STRATA_IS_TRACK (track) || !g_list_store_find (G_LIST_STORE (tracks (self)), track, &from))
    return FALSE;
  to = drop_slot (self, y + gtk_adjustment_get_value (vadj));
  if (to > from)
    to--;
  if (to == from)
    return TRUE;
  return strata_session_apply (self->session,
                               strata_commands_move_track (
                                 strata_session_get_project (self->session), from, to),
                               NULL);
}

/* ---- import -------------------------------------------------------------------------- */

static void
import_progress_cb (gdouble fraction, gpointer user_data)
{
  StrataArrangeView *self = user_data;

  if (self->import_progress != NULL)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->import_progress), fraction);
}

static void
import_failed (StrataArrangeView *self, GFile *file, const char *reason)
{
  g_autofree char *name = display_name (file);
  g_autofree char *message = g_strdup_printf (_("Could not import “%s”: %s"), name, reason);

  strata_session_toast (self->session, message, FALSE);
}

/* One undo step per file: its source (unless the pool already has that audio), its track
 * when it needs a new one, and its clip. */
static void
import_land (StrataArrangeView *self, ImportJob *job, StrataImportResult *result)
{
  StrataProject *project = strata_session_get_project (self->session);
  g_autofree char *base = g_file_get_basename (job->file);
  g_autofree char *name = display_name (job->file);
  gboolean known = strata_project_find_source_by_hash (project, result->hash) != NULL;
  g_autoptr(StrataSource) source = strata_project_source_for_import (project, result, base);
  g_autoptr(StrataClip) clip = strata_clip_new (source, job->frame, 0, result->frames);
  g_autoptr(StrataCommand) group = strata_group_command_new (_("Import Audio"));
  StrataTrack *track = job->track;
  g_autoptr(GError) error = NULL;
  StrataCommand *add_clip;

  if (!known)
    strata_group_command_add (group, strata_commands_add_source (project, source));
  if (track == NULL)
    {
      char *dot = strrchr (name, '.');

      if (dot != NULL && dot != name)
        *dot = '\0';
      strata_group_command_add (group,
                                strata_commands_add_track (project, result->channels, name,
                                                           g_list_model_get_n_items (tracks (self)),
                                                           &track));
    }
  add_clip = strata_commands_add_clip (project, track, clip, &error);
  if (add_clip == NULL)
    {
      import_failed (self, job->file, error->message);
      return;
    }
  strata_group_command_add (group, add_clip);
  strata_session_apply (self->session, g_steal_pointer (&group), NULL);

  /* The next file on the same track goes right after this one. */
  if (job->track != NULL)
    for (GList *l = self->import_queue.head; l != NULL; l = l->next)
      {
        ImportJob *next = l->data;

        if (next->track == job->track)
          next->frame = strata_clip_get_end (clip);
      }
}

static void
import_done_cb (GObject *object, GAsyncResult *async_result, gpointer user_data)
{
  g_autoptr(StrataArrangeView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataImportResult) result = strata_import_file_finish (async_result, &error);
  ImportJob *job = g_steal_pointer (&self->importing);

  if (result != NULL && self->session != NULL)
    import_land (self, job, result);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_queue_clear_full (&self->import_queue, (GDestroyNotify) import_job_free);
  else if (error != NULL && self->session != NULL)
    import_failed (self, job->file, error->message);
  import_job_free (job);
  import_next (self);
}

static void
import_next (StrataArrangeView *self)
{
  StrataProject *project;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  const char *media_dir;

  if (self->importing != NULL)
    return;
  if (self->session == NULL || g_queue_is_empty (&self->import_queue))
    {
      if (self->import_revealer != NULL)
        gtk_revealer_set_reveal_child (GTK_REVEALER (self->import_revealer), FALSE);
      return;
    }
  project = strata_session_get_project (self->session);
  media_dir = strata_project_ensure_media_dir (project, &error);
  if (media_dir == NULL)
    {
      ImportJob *job = g_queue_pop_head (&self->import_queue);

      import_failed (self, job->file, error->message);
      import_job_free (job);
      import_next (self);
      return;
    }

  self->importing = g_queue_pop_head (&self->import_queue);
  name = display_name (self->importing->file);
  text = g_strdup_printf (_("Importing “%s”"), name);
  gtk_label_set_text (GTK_LABEL (self->import_label), text);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->import_progress), 0.0);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->import_revealer), TRUE);
  if (self->import_cancellable == NULL || g_cancellable_is_cancelled (self->import_cancellable))
    g_set_object (&self->import_cancellable, g_cancellable_new ());
  path = g_file_get_path (self->importing->file);
  if (path == NULL)
    path = g_file_get_uri (self->importing->file);
  strata_import_file_async (path, media_dir, strata_project_get_sample_rate (project),
                            self->import_cancellable, import_progress_cb, self, import_done_cb,
                            g_object_ref (self));
}

static void
import_cancel_cb (StrataArrangeView *self)
{
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
}

static gboolean
file_drop_cb (GtkDropTarget *target, const GValue *value, double x, double y,
              StrataArrangeView *self)
{
  StrataClipCanvas *canvas = STRATA_CLIP_CANVAS (self->canvas);
  GdkFileList *list = g_value_get_boxed (value);
  g_autoptr(GSList) files = list != NULL ? gdk_file_list_get_files (list) : NULL;
  g_autoptr(GPtrArray) array = g_ptr_array_new ();
  gint64 frame = strata_session_snap (self->session, strata_clip_canvas_frame_at (canvas, x));

  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (array, l->data);
  if (array->len == 0)
    return FALSE;
  strata_arrange_view_import (self, (GFile **) array->pdata, array->len,
                              strata_clip_canvas_track_at (canvas, y), frame);
  return TRUE;
}

/* ---- actions ------------------------------------------------------------------------- */

static void
add_track_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  StrataArrangeView *self = STRATA_ARRANGE_VIEW (widget);
  StrataProject *project = strata_session_get_project (self->session);
  const char *kind = g_variant_get_string (param, NULL);
  guint position = new_track_position (self);
  g_autofree char *name = NULL;

  if (g_str_equal (kind, "bus"))
    {
      GListModel *buses = strata_project_get_buses (project);

      name = g_strdup_printf (_("Bus %u"), g_list_model_get_n_items (buses) + 1);
      strata_session_apply (self->session,
                            strata_commands_add_bus (project, name,
                                                     g_list_model_get_n_items (buses), NULL),
                            NULL);
      return;
    }
  name = g_strdup_printf (_("Audio %u"), g_list_model_get_n_items (tracks (self)) + 1);
  strata_session_apply (self->session,
                        strata_commands_add_track (project, g_str_equal (kind, "mono") ? 1 : 2,
                                                   name, position, NULL),
                        NULL);
}

static void
zoom_to_fit_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  StrataArrangeView *self = STRATA_ARRANGE_VIEW (widget);

  strata_clip_canvas_zoom_to_fit (STRATA_CLIP_CANVAS (self->canvas));
}

/* ---- construction -------------------------------------------------------------------- */

static GtkWidget *
toolbar_new (void)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *add = gtk_menu_button_new ();
  GtkWidget *fit = gtk_button_new_from_icon_name ("zoom-fit-best-symbolic");
  g_autoptr(GMenu) menu = g_menu_new ();

  gtk_widget_add_css_class (toolbar, "toolbar");
  g_menu_append (menu, _("_Mono Track"), "arrange.add-track::mono");
  g_menu_append (menu, _("_Stereo Track"), "arrange.add-track::stereo");
  g_menu_append (menu, _("_Bus"), "arrange.add-track::bus");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (add), G_MENU_MODEL (menu));
  gtk_menu_button_set_child (GTK_MENU_BUTTON (add),
                             g_object_new (ADW_TYPE_BUTTON_CONTENT,
                                           "icon-name", "list-add-symbolic",
                                           "label", _("Add Track"),
                                           "use-underline", TRUE, NULL));
  set_accessible (add, _("Add a track or a bus"));
  gtk_box_append (GTK_BOX (toolbar), add);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (fit), "arrange.zoom-to-fit");
  set_accessible (fit, _("Zoom to fit the whole song"));
  gtk_box_append (GTK_BOX (toolbar), fit);
  return toolbar;
}

static GtkWidget *
import_bar_new (StrataArrangeView *self)
{
  GtkWidget *revealer = gtk_revealer_new ();
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

  gtk_widget_add_css_class (bar, "toolbar");
  self->import_label = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (self->import_label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_box_append (GTK_BOX (bar), self->import_label);
  self->import_progress = gtk_progress_bar_new ();
  gtk_widget_set_hexpand (self->import_progress, TRUE);
  gtk_widget_set_valign (self->import_progress, GTK_ALIGN_CENTER);
  set_accessible (self->import_progress, _("Import progress"));
  gtk_box_append (GTK_BOX (bar), self->import_progress);
  set_accessible (cancel, _("Stop importing"));
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (import_cancel_cb), self);
  gtk_box_append (GTK_BOX (bar), cancel);
  gtk_revealer_set_child (GTK_REVEALER (revealer), bar);
  return revealer;
}

static void
build (StrataArrangeView *self)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *corner = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *headers_window = gtk_scrolled_window_new ();
  GtkDropTarget *drop;
  GtkAdjustment *hadj, *vadj;
  GListModel *list = tracks (self);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_box_append (GTK_BOX (self->box), toolbar_new ());
  self->import_revealer = import_bar_new (self);
  gtk_box_append (GTK_BOX (self->box), self->import_revealer);
  gtk_box_append (GTK_BOX (self->box), grid);

  self->canvas = strata_clip_canvas_new (self->session);
  self->canvas_window = gtk_scrolled_window_new ();
  gtk_widget_set_hexpand (self->canvas_window, TRUE);
  gtk_widget_set_vexpand (self->canvas_window, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->canvas_window), self->canvas);
  hadj = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->canvas_window));
  vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->canvas_window));
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (file_drop_cb), self);
  gtk_widget_add_controller (self->canvas, GTK_EVENT_CONTROLLER (drop));

  self->ruler = strata_ruler_new (self->session, hadj);
  gtk_widget_set_hexpand (self->ruler, TRUE);

  self->column = g_object_new (STRATA_TYPE_HEADER_COLUMN, NULL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (headers_window), GTK_POLICY_NEVER,
                                  GTK_POLICY_EXTERNAL);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (headers_window), self->column);
  gtk_scrolled_window_set_vadjustment (GTK_SCROLLED_WINDOW (headers_window), vadj);
  gtk_widget_set_size_request (headers_window, HEADER_WIDTH, -1);
  gtk_widget_set_vexpand (headers_window, TRUE);
  drop = gtk_drop_target_new (STRATA_TYPE_TRACK, GDK_ACTION_MOVE);
  g_signal_connect (drop, "drop", G_CALLBACK (header_drop_cb), self);
  gtk_widget_add_controller (self->column, GTK_EVENT_CONTROLLER (drop));

  gtk_widget_set_size_request (corner, HEADER_WIDTH, -1);
  gtk_grid_attach (GTK_GRID (grid), corner, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->ruler, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), headers_window, 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->canvas_window, 1, 1, 1, 1);

  tracks_changed_cb (self, 0, 0, g_list_model_get_n_items (list), list);
  g_signal_connect_object (list, "items-changed", G_CALLBACK (tracks_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
strata_arrange_view_dispose (GObject *object)
{
  StrataArrangeView *self = STRATA_ARRANGE_VIEW (object);

  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  g_queue_clear_full (&self->import_queue, (GDestroyNotify) import_job_free);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  self->import_revealer = self->import_label = self->import_progress = NULL;
  g_clear_pointer (&self->headers, g_ptr_array_unref);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (strata_arrange_view_parent_class)->dispose (object);
}

static void
strata_arrange_view_class_init (StrataArrangeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_arrange_view_dispose;
  gtk_widget_class_install_action (widget_class, "arrange.add-track", "s", add_track_action);
  gtk_widget_class_install_action (widget_class, "arrange.zoom-to-fit", NULL,
                                   zoom_to_fit_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "arrangeview");
}

static void
strata_arrange_view_init (StrataArrangeView *self)
{
  self->headers = g_ptr_array_new ();
  g_queue_init (&self->import_queue);
}

/* ---- public API ---------------------------------------------------------------------- */

GtkWidget *
strata_arrange_view_new (StrataSession *session)
{
  StrataArrangeView *self;

  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);

  self = g_object_new (STRATA_TYPE_ARRANGE_VIEW, NULL);
  self->session = g_object_ref (session);
  build (self);
  return GTK_WIDGET (self);
}

void
strata_arrange_view_import (StrataArrangeView *self, GFile **files, guint n_files,
                            StrataTrack *track, gint64 frame)
{
  g_return_if_fail (STRATA_IS_ARRANGE_VIEW (self));
  g_return_if_fail (files != NULL || n_files == 0);
  g_return_if_fail (track == NULL || STRATA_IS_TRACK (track));

  frame = strata_session_snap (self->session, frame);
  for (guint i = 0; i < n_files; i++)
    {
      ImportJob *job = g_new0 (ImportJob, 1);

      job->file = g_object_ref (files[i]);
      job->track = track != NULL ? g_object_ref (track) : NULL;
      job->frame = frame;
      g_queue_push_tail (&self->import_queue, job);
    }
  import_next (self);
}

StrataClipCanvas *
strata_arrange_view_get_canvas (StrataArrangeView *self)
{
  g_return_val_if_fail (STRATA_IS_ARRANGE_VIEW (self), NULL);
  return STRATA_CLIP_CANVAS (self->canvas);
}

gboolean
strata_arrange_view_is_importing (StrataArrangeView *self)
{
  g_return_val_if_fail (STRATA_IS_ARRANGE_VIEW (self), FALSE);
  return self->importing != NULL || !g_queue_is_empty (&self->import_queue);
}
