/* bench-canvas.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How long the clip canvas takes to snapshot a full view: 64 tracks x 40 clips, the canvas
 * 1920 x (64 x STRATA_TRACK_HEIGHT_MIN) so that every clip is in view, zoomed so that the 40
 * clips fill the width. Twice: without peaks (sources with no audio), then with peaks (a
 * synthetic <hash>.peaks beside each source's path in a temporary folder), so that the
 * waveform path is drawn: the same view redrawn (the canvas keeps each clip's waveform), zoom
 * steps (waveforms rebuilt within the canvas's per-frame budget, the rest stretched until the
 * next frame), and the first frame of a new canvas (names laid out, waveforms built within the
 * same budget, the rest drawn by the next frames: it also counts those frames). Times N full snapshots (the widget's snapshot into a GtkSnapshot,
 * then the node), and separately snapshot plus drawing the node with cairo on a 1920-wide
 * image, and prints the median and the 95th percentile. The budget is 8 ms for the snapshot.
 *
 * Needs a display: run it under tests/harness/headless.py.
 * Usage: bench-canvas [N]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "strata-clip-canvas.h"
#include "strata-commands.h"
#include "strata-ui.h"

#define RATE         48000
#define N_TRACKS     64
#define N_CLIPS      40
#define BAR_FRAMES   (4 * RATE / 2)           /* 4/4 at 120 BPM */
#define CLIP_FRAMES  (BAR_FRAMES - RATE / 10) /* a bar, with a gap before the next */
#define WIDTH        1920
#define HEIGHT       (N_TRACKS * STRATA_TRACK_HEIGHT_MIN)
#define BUDGET_MS    8.0

static const char * const palette[] = {
  "#e01b24", "#ff7800", "#f6d32d", "#33d17a", "#3584e4", "#9141ac", "#986a44", "#deddda",
};

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
percentile (double *values, int n, double p)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return values[MIN (n - 1, (int) ceil (p * n) - 1)];
}

/* 64 tracks, each with one clip per bar, clip i of every track from source i. */
static StrataProject *
make_project (const char *dir, StrataSource **sources)
{
  StrataProject *project = strata_project_new (RATE);

  for (int i = 0; i < N_CLIPS; i++)
    {
      g_autofree char *id = g_strdup_printf ("src%d", i);
      g_autofree char *hash = g_strdup_printf ("bench%04d", i);
      g_autofree char *name = g_strdup_printf ("Take %d", i + 1);
      g_autofree char *path = g_strdup_printf ("%s/%s.wav", dir, hash);

      sources[i] = strata_source_new (id, path, 1, CLIP_FRAMES);
      strata_source_set_file_path (sources[i], path);
      strata_source_set_hash (sources[i], hash);
      strata_source_set_name (sources[i], name);
      strata_project_push (project, strata_commands_add_source (project, sources[i]));
    }
  for (int t = 0; t < N_TRACKS; t++)
    {
      g_autofree char *name = g_strdup_printf ("Track %d", t + 1);
      StrataTrack *track = NULL;

      strata_project_push (project, strata_commands_add_track (project, 1, name, G_MAXUINT,
                                                               &track));
      g_object_set (track, "color", palette[t % G_N_ELEMENTS (palette)], NULL);
      for (int i = 0; i < N_CLIPS; i++)
        {
          g_autoptr(StrataClip) clip = strata_clip_new (sources[i], (gint64) i * BAR_FRAMES, 0,
                                                        CLIP_FRAMES);
          strata_track_insert_clip (track, clip);
        }
    }
  return project;
}

/* Decaying noise bursts, like drum hits, as peaks stored where the cache looks for them. */
static void
write_peaks (const char *dir, StrataSource **sources)
{
  g_autofree float *samples = g_new (float, CLIP_FRAMES);
  guint32 state = 1;

  for (int i = 0; i < N_CLIPS; i++)
    {
      g_autoptr(StrataPeaksBuilder) builder = strata_peaks_builder_new (1);
      g_autoptr(StrataPeaks) peaks = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strconcat (strata_source_get_hash (sources[i]), ".peaks", NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      for (int f = 0; f < CLIP_FRAMES; f++)
        {
          double envelope = exp (-(f % (RATE / 2)) / (RATE / 16.0));

          state = state * 1664525u + 1013904223u;
          samples[f] = (float) (envelope * ((state >> 8) / (double) (1 << 24) - 0.5) * 1.8);
        }
      strata_peaks_builder_add (builder, samples, CLIP_FRAMES);
      peaks = strata_peaks_builder_finish (g_steal_pointer (&builder));
      if (!strata_peaks_save (peaks, path, &error))
        g_error ("%s", error->message);
    }
}

static void
count_warning (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  (*(guint *) data)++;
}

typedef enum
{
  REDRAW,   /* the same view again: the playhead moved, the selection changed */
  ZOOM,     /* a zoom step: waveforms rebuilt within the canvas's per-frame budget */
  FRESH,    /* a new canvas on the view: every waveform and name computed */
} Mode;

static GtkWidget *
new_canvas (StrataSession *session, GtkWidget *window)
{
  GtkWidget *canvas = strata_clip_canvas_new (session);
  int min;

  gtk_window_set_child (GTK_WINDOW (window), canvas);
  gtk_widget_measure (canvas, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  gtk_widget_measure (canvas, GTK_ORIENTATION_VERTICAL, WIDTH, &min, NULL, NULL, NULL);
  gtk_widget_size_allocate (canvas, &(GtkAllocation) { 0, 0, WIDTH, HEIGHT }, -1);
  return canvas;
}

/* Returns whether the snapshot met the budget. */
/* Frames a canvas takes until a snapshot adds nothing more: waveforms left for later frames. */
static guint
frames_to_complete (GtkWidget *canvas, gsize first_size)
{
  guint frames = 0;
  gsize last_size = first_size;

  for (;;)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      GskRenderNode *node;
      gsize size;

      GTK_WIDGET_GET_CLASS (canvas)->snapshot (canvas, snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      size = gsk_render_node_get_node_type (node) == GSK_CONTAINER_NODE
               ? gsk_container_node_get_n_children (node) : 1;
      gsk_render_node_unref (node);
      if (size == last_size)
        return frames;
      last_size = size;
      frames++;
    }
}

static gboolean
run (const char *label, StrataProject *project, int n, Mode mode, const char *png)
{
  StrataSession *session = strata_session_new (project, NULL);
  StrataPeakCache *cache = strata_session_get_peak_cache (session);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *canvas = new_canvas (session, window);
  GtkWidgetClass *klass = GTK_WIDGET_GET_CLASS (canvas);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  g_autofree double *snap_ms = g_new (double, n);
  g_autofree double *draw_ms = g_new (double, n);
  double zoom = (double) N_CLIPS * BAR_FRAMES / WIDTH;
  guint n_nodes = 0, warnings = 0, max_frames = 0;
  double snap_median, snap_p95, draw_median, draw_p95;
  gboolean pass;

  strata_session_set_track_height (session, STRATA_TRACK_HEIGHT_MIN);
  strata_session_set_zoom (session, zoom);

  /* The first snapshot asks the cache for every source; then the peaks (or their absence)
   * are settled and the text of every name is laid out. */
  g_log_set_handler ("strata-peak-cache", G_LOG_LEVEL_WARNING, count_warning, &warnings);
  for (int i = 0; i < 3; i++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      klass->snapshot (canvas, snapshot);
      g_clear_pointer (&snapshot, g_object_unref);
      strata_peak_cache_wait (cache);
    }

  for (int i = 0; i < n; i++)
    {
      GtkSnapshot *snapshot;
      GskRenderNode *node;
      cairo_t *cr;
      gint64 t0, t1, t2;
      gsize size;

      /* A zoom change too small to see, so that the view stays the same. */
      if (mode == ZOOM)
        strata_session_set_zoom (session, zoom * (1.0 + (i % 2 + 1) * 1e-9));
      else if (mode == FRESH)
        canvas = new_canvas (session, window);
      snapshot = gtk_snapshot_new ();
      t0 = g_get_monotonic_time ();
      klass->snapshot (canvas, snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      t1 = g_get_monotonic_time ();
      cr = cairo_create (surface);
      gsk_render_node_draw (node, cr);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      t2 = g_get_monotonic_time ();
      snap_ms[i] = (t1 - t0) / 1000.0;
      draw_ms[i] = (t2 - t0) / 1000.0;
      size = gsk_render_node_get_node_type (node) == GSK_CONTAINER_NODE
               ? gsk_container_node_get_n_children (node) : 1;
      if (i == 0)
        n_nodes = size;
      gsk_render_node_unref (node);
      if (mode == FRESH)
        max_frames = MAX (max_frames, frames_to_complete (canvas, size));
    }
  if (png != NULL)
    cairo_surface_write_to_png (surface, png);

  snap_median = percentile (snap_ms, n, 0.5);
  snap_p95 = percentile (snap_ms, n, 0.95);
  draw_median = percentile (draw_ms, n, 0.5);
  draw_p95 = percentile (draw_ms, n, 0.95);
  pass = snap_median <= BUDGET_MS;
  printf ("%s: %d tracks x %d clips, %dx%d, %d runs, %u top-level nodes, %u sources without "
          "audio\n", label, N_TRACKS, N_CLIPS, WIDTH, HEIGHT, n, n_nodes, warnings);
  printf ("  snapshot          median %6.2f ms  p95 %6.2f ms  %s (budget %.0f ms)\n",
          snap_median, snap_p95, pass ? "PASS" : "FAIL", BUDGET_MS);
  printf ("  snapshot + draw   median %6.2f ms  p95 %6.2f ms\n", draw_median, draw_p95);
  if (mode == FRESH)
    printf ("  every waveform drawn after at most %u more frames\n", max_frames);

  cairo_surface_destroy (surface);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (session);
  return pass;
}

int
main (int argc, char **argv)
{
  int n = argc > 1 ? atoi (argv[1]) : 200;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *png = NULL;
  StrataSource *sources[N_CLIPS];
  StrataProject *project;
  gboolean pass;

  if (n < 1)
    {
      fprintf (stderr, "usage: %s [N]\n", argv[0]);
      return 2;
    }
  gtk_init ();
  adw_init ();
  strata_ui_init ();

  dir = g_dir_make_tmp ("strata-bench-canvas-XXXXXX", &error);
  if (dir == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  project = make_project (dir, sources);
  pass = run ("without peaks, redrawn", project, n, REDRAW, NULL);
  write_peaks (dir, sources);
  png = g_build_filename (dir, "canvas.png", NULL);
  pass = run ("with peaks, redrawn", project, n, REDRAW, png) && pass;
  pass = run ("with peaks, zoom steps", project, n, ZOOM, NULL) && pass;
  pass = run ("with peaks, first frame of a new canvas", project, MIN (n, 40), FRESH, NULL)
         && pass;
  printf ("last frame: %s\n", png);

  for (int i = 0; i < N_CLIPS; i++)
    {
      g_autofree char *name = g_strconcat (strata_source_get_hash (sources[i]), ".peaks", NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
      g_object_unref (sources[i]);
    }
  g_object_unref (project);
  printf ("%s\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
