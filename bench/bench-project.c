/* bench-project.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Save and open speed of a large .strata project: 200 tracks of 20 clips, each track with a
 * volume and a pan lane of 16 points, sends to two buses. Saves it once into a temporary
 * folder, then times strata_store_save over the existing file and strata_store_load, and
 * prints the median of 7 runs of each against its target.
 *
 * Usage: bench-project [TRACKS]
 * Exit status: 0 when both targets are met, 1 when one is missed, 2 on an error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "strata-commands.h"
#include "strata-store.h"
#include "strata-track.h"
#include "strata-files.h"

#define RATE          48000
#define CLIPS         20
#define POINTS        16
#define RUNS          7
#define SAVE_TARGET   100.0   /* ms */
#define OPEN_TARGET   150.0   /* ms */

static void
push (StrataProject *project, StrataCommand *command, GError *error)
{
  if (command == NULL)
    g_error ("cannot build the project: %s", error ? error->message : "?");
  strata_project_push (project, command);
}

static StrataProject *
build_project (guint n_tracks)
{
  StrataProject *p = strata_project_new (RATE);
  GListStore *sources = G_LIST_STORE (strata_project_get_sources (p));
  StrataSource *media[4];
  StrataBus *verb = NULL, *delay = NULL;
  const char *bus_ids[2];
  GError *error = NULL;

  g_object_set (p, "name", "Benchmark", NULL);
  for (guint m = 0; m < G_N_ELEMENTS (media); m++)
    {
      g_autofree char *id = g_strdup_printf ("take%u", m);
      g_autofree char *path = g_strdup_printf ("%064x.wav", m + 1);
      media[m] = strata_source_new (id, path, m % 2 + 1, (gint64) RATE * 600);
      strata_source_set_hash (media[m], path);
      g_list_store_append (sources, media[m]);
      g_object_unref (media[m]);
    }
  push (p, strata_commands_set_tempo (p, 33, 96.0, 3, 4, &error), error);
  for (guint k = 0; k < 8; k++)
    push (p, strata_commands_add_marker (p, "Section", (gint64) k * RATE * 30), NULL);
  push (p, strata_commands_set_loop (p, RATE * 10, RATE * 20, TRUE, &error), error);
  push (p, strata_commands_add_bus (p, "Verb", 0, &verb), NULL);
  push (p, strata_commands_add_bus (p, "Delay", 1, &delay), NULL);
  bus_ids[0] = strata_strip_get_id (STRATA_STRIP (verb));
  bus_ids[1] = strata_strip_get_id (STRATA_STRIP (delay));
  push (p, strata_commands_add_send (p, STRATA_STRIP (delay), bus_ids[0], -6.0, FALSE, &error),
        error);

  for (guint t = 0; t < n_tracks; t++)
    {
      g_autofree char *name = g_strdup_printf ("Track %u", t + 1);
      StrataTrack *track = NULL;
      StrataStrip *strip;

      push (p, strata_commands_add_track (p, t % 2 + 1, name, t, &track), NULL);
      strip = STRATA_STRIP (track);
      push (p, strata_commands_set_volume (p, strip, -6.0 + t % 5, 0, &error), error);
      push (p, strata_commands_set_pan (p, strip, (t % 9) / 4.0 - 1.0, 0, &error), error);
      for (guint s = 0; s < 2; s++)
        push (p, strata_commands_add_send (p, strip, bus_ids[s], -12.0 - s, s == 1, &error),
              error);
      for (guint c = 0; c < CLIPS; c++)
        {
          g_autoptr(StrataClip) clip = strata_clip_new (media[(t + c) % 4],
                                                        (gint64) c * RATE * 10 + t,
                                                        (gint64) c * RATE, RATE * 8);
          push (p, strata_commands_add_clip (p, track, clip, &error), error);
          push (p, strata_commands_set_fades (p, clip, 480, 4800, &error), error);
        }
      for (guint k = 0; k < POINTS; k++)
        {
          push (p, strata_commands_add_point (p, strip, "volume_db", (gint64) k * RATE * 12,
                                              -30.0 + (k * 7 + t) % 30, &error), error);
          push (p, strata_commands_add_point (p, strip, "pan", (gint64) k * RATE * 12 + 5,
                                              ((k + t) % 11) / 5.0 - 1.0, &error), error);
        }
    }
  return p;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof *v, compare_double);
  return v[n / 2];
}

static gboolean
report (const char *what, double ms, double target)
{
  gboolean pass = ms <= target;
  printf ("%s: %.1f ms (target <= %.0f ms) %s\n", what, ms, target, pass ? "PASS" : "FAIL");
  return pass;
}

int
main (int argc, char **argv)
{
  guint n_tracks = argc > 1 ? (guint) atoi (argv[1]) : 200;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  double save_ms[RUNS], open_ms[RUNS];
  GStatBuf st;
  gint64 t0;
  gboolean ok;

  if (n_tracks == 0)
    {
      fprintf (stderr, "usage: %s [TRACKS]\n", argv[0]);
      return 2;
    }
  dir = g_dir_make_tmp ("bench-project-XXXXXX", &error);
  if (dir == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  path = g_build_filename (dir, "Bench.strata", NULL);

  t0 = g_get_monotonic_time ();
  project = build_project (n_tracks);
  printf ("built %u tracks x %d clips x 2 lanes of %d points in %.0f ms\n", n_tracks, CLIPS,
          POINTS, (g_get_monotonic_time () - t0) / 1000.0);
  if (!strata_store_save (project, path, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      strata_remove_tree (dir);
      return 2;
    }
  if (g_stat (path, &st) == 0)
    printf ("file: %.1f MB\n", st.st_size / 1e6);

  for (int i = 0; i < RUNS; i++)
    {
      t0 = g_get_monotonic_time ();
      ok = strata_store_save (project, path, &error);
      save_ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
      if (!ok)
        break;
    }
  for (int i = 0; ok && i < RUNS; i++)
    {
      g_autoptr(StrataProject) loaded = NULL;

      t0 = g_get_monotonic_time ();
      loaded = strata_store_load (path, &error);
      open_ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
      ok = loaded != NULL;
    }
  strata_remove_tree (dir);
  if (!ok)
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }

  ok = report ("save", median (save_ms, RUNS), SAVE_TARGET);
  ok = report ("open", median (open_ms, RUNS), OPEN_TARGET) && ok;
  return ok ? 0 : 1;
}
