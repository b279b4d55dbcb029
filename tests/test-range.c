/* test-range.c: the default render range of project-format.md, as the compiled graph has it
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "strata-commands.h"
#include "strata-graph.h"

static StrataTrack *
add_track (StrataProject *project)
{
  StrataTrack *track = NULL;

  strata_project_push (project, strata_commands_add_track (project, 2, NULL, G_MAXUINT, &track));
  return track;
}

static StrataClip *
add_clip (StrataProject *project, StrataTrack *track, StrataSource *source, gint64 start,
          gint64 length)
{
  g_autoptr(StrataClip) clip = strata_clip_new (source, start, 0, length);
  g_autoptr(GError) error = NULL;
  StrataCommand *command = strata_commands_add_clip (project, track, clip, &error);

  g_assert_no_error (error);
  strata_project_push (project, command);
  return clip;
}

static void
default_range (StrataProject *project, gint64 *start, gint64 *end)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataGraph) graph = strata_graph_compile (project, &error);

  g_assert_no_error (error);
  strata_graph_default_range (graph, start, end);
}

static void
test_default_range (void)
{
  g_autoptr(StrataProject) project = strata_project_new (48000);
  g_autoptr(StrataSource) source = strata_source_new ("m", "m.wav", 1, 480000);
  StrataTrack *a, *b;
  StrataClip *last;
  gint64 start = -1, end = -1;

  g_list_store_append (G_LIST_STORE (strata_project_get_sources (project)), source);
  default_range (project, &start, &end);
  g_assert_cmpint (start, ==, 0);
  g_assert_cmpint (end, ==, 0);

  a = add_track (project);
  b = add_track (project);
  add_clip (project, a, source, 1000, 48000);
  add_clip (project, b, source, 96000, 24000);
  last = add_clip (project, a, source, 200000, 10000);

  default_range (project, &start, &end);
  g_assert_cmpint (start, ==, 0);
  g_assert_cmpint (end, ==, 210000);

  /* A muted clip does not extend the song... */
  g_object_set (last, "mute", TRUE, NULL);
  default_range (project, &start, &end);
  g_assert_cmpint (end, ==, 120000);

  /* ...nor does anything on a muted track. */
  g_object_set (b, "mute", TRUE, NULL);
  default_range (project, &start, &end);
  g_assert_cmpint (end, ==, 49000);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/default-range", test_default_range);
  return g_test_run ();
}
