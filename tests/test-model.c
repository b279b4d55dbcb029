/* test-model.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model's contract with views: notify only on change, items-changed with the right
 * positions, clips kept sorted, one "changed" per main-loop iteration, validation errors that
 * name the object, fresh ids, deep copies and the find functions.
 */
#include "config.h"

#include <math.h>

#include "strata-commands.h"
#include "strata-error.h"
#include "strata-json.h"
#include "strata-project.h"

#define SR 48000

static guint
count_notify (gpointer object, const char *property)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (object), property));
}

static void
notify_cb (GObject *object, GParamSpec *pspec, gpointer data)
{
  g_object_set_data (object, pspec->name,
                     GUINT_TO_POINTER (count_notify (object, pspec->name) + 1));
}

static void
watch (gpointer object)
{
  g_signal_connect (object, "notify", G_CALLBACK (notify_cb), NULL);
}

static StrataSource *
add_source (StrataProject *project, const char *id, gint64 frames)
{
  g_autoptr(StrataSource) source = strata_source_new (id, "x.wav", 2, frames);

  g_list_store_append (G_LIST_STORE (strata_project_get_sources (project)), source);
  return source;
}

static GListModel *
tracks_of (StrataProject *project)
{
  return strata_timeline_get_tracks (strata_project_get_timeline (project));
}

/* ---- notify only on change ----------------------------------------------------------------- */

static void
test_notify_on_change (void)
{
  g_autoptr(StrataProject) project = strata_project_new (SR);
  StrataSource *src = add_source (project, "m1", 10 * SR);
  g_autoptr(StrataClip) clip = strata_clip_new (src, 0, 0, SR);
  g_autoptr(StrataTrack) track = strata_track_new ("t1", 2);
  g_autoptr(StrataMarker) marker = strata_marker_new ("A", 5);
  StrataTimeline *timeline = strata_project_get_timeline (project);

  watch (clip);
  watch (track);
  watch (marker);
  watch (timeline);

  g_object_set (clip, "start", (gint64) 0, "length", (gint64) SR, "gain-db", 0.0, NULL);
  g_assert_cmpuint (count_notify (clip, "start"), ==, 0);
  g_assert_cmpuint (count_notify (clip, "length"), ==, 0);
  g_assert_cmpuint (count_notify (clip, "gain-db"), ==, 0);
  g_object_set (clip, "start", (gint64) 100, NULL);
  g_object_set (clip, "start", (gint64) 100, NULL);
  g_assert_cmpuint (count_notify (clip, "start"), ==, 1);
  g_assert_cmpint (strata_clip_get_start (clip), ==, 100);
  g_object_set (clip, "gain-db", -3.0, "mute", TRUE, NULL);
  g_object_set (clip, "gain-db", -3.0, "mute", TRUE, NULL);
  g_assert_cmpuint (count_notify (clip, "gain-db"), ==, 1);
  g_assert_cmpuint (count_notify (clip, "mute"), ==, 1);

  g_object_set (track, "volume-db", 0.0, "pan", 0.0, "output", "master", "name", NULL, NULL);
  g_assert_cmpuint (count_notify (track, "volume-db"), ==, 0);
  g_assert_cmpuint (count_notify (track, "output"), ==, 0);
  g_assert_cmpuint (count_notify (track, "name"), ==, 0);
  g_object_set (track, "volume-db", -INFINITY, NULL);
  g_object_set (track, "volume-db", -INFINITY, NULL);
  g_assert_cmpuint (count_notify (track, "volume-db"), ==, 1);
  g_object_set (track, "name", "Kick", "record-arm", TRUE, NULL);
  g_object_set (track, "name", "Kick", "record-arm", TRUE, NULL);
  g_assert_cmpuint (count_notify (track, "name"), ==, 1);
  g_assert_cmpuint (count_notify (track, "record-arm"), ==, 1);

  g_object_set (marker, "frame", (gint64) 5, NULL);
  g_assert_cmpuint (count_notify (marker, "frame"), ==, 0);
  g_object_set (marker, "frame", (gint64) 6, NULL);
  g_assert_cmpuint (count_notify (marker, "frame"), ==, 1);

  /* Through a command: a loop range with an unchanged end notifies only what moved. */
  strata_project_push (project, strata_commands_set_loop (project, 0, SR, FALSE, NULL));
  g_assert_cmpuint (count_notify (timeline, "loop-start"), ==, 0);
  g_assert_cmpuint (count_notify (timeline, "loop-end"), ==, 1);
  g_assert_cmpuint (count_notify (timeline, "loop-enabled"), ==, 0);
  strata_project_push (project, strata_commands_set_loop (project, 10, SR, FALSE, NULL));
  g_assert_cmpuint (count_notify (timeline, "loop-start"), ==, 1);
  g_assert_cmpuint (count_notify (timeline, "loop-end"), ==, 1);
  g_assert_true (strata_undo_stack_undo (strata_project_get_undo_stack (project)));
  g_assert_cmpuint (count_notify (timeline, "loop-start"), ==, 2);
  g_assert_cmpuint (count_notify (timeline, "loop-end"), ==, 1);
}

/* ---- items-changed ------------------------------------------------------------------------- */

typedef struct
{
  guint count;
  guint position;
  guint removed;
  guint added;
} Change;

static void
items_changed_cb (GListModel *list, guint position, guint removed, guint added, Change *c)
{
  c->count++;
  c->position = position;
  c->removed = removed;
  c->added = added;
}

static void
assert_change (Change *c, guint count, guint position, guint removed, guint added)
{
  g_assert_cmpuint (c->count, ==, count);
  g_assert_cmpuint (c->position, ==, position);
  g_assert_cmpuint (c->removed, ==, removed);
  g_assert_cmpuint (c->added, ==, added);
}

static void
test_items_changed (void)
{
  g_autoptr(StrataProject) project = strata_project_new (SR);
  StrataUndoStack *stack = strata_project_get_undo_stack (project);
  StrataSource *src = add_source (project, "m1", 10 * SR);
  GListModel *markers = strata_timeline_get_markers (strata_project_get_timeline (project));
  Change ct = { 0 }, cb = { 0 }, cc = { 0 }, cm = { 0 };
  StrataTrack *t1 = NULL, *t2 = NULL;
  g_autoptr(StrataClip) a = strata_clip_new (src, 0, 0, SR);
  g_autoptr(StrataClip) b = strata_clip_new (src, 2 * SR, 0, SR);
  g_autoptr(StrataClip) c = strata_clip_new (src, 4 * SR, 0, SR);

  g_signal_connect (tracks_of (project), "items-changed", G_CALLBACK (items_changed_cb), &ct);
  g_signal_connect (strata_project_get_buses (project), "items-changed",
                    G_CALLBACK (items_changed_cb), &cb);
  g_signal_connect (markers, "items-changed", G_CALLBACK (items_changed_cb), &cm);

  strata_project_push (project, strata_commands_add_track (project, 2, "A", 0, &t1));
  assert_change (&ct, 1, 0, 0, 1);
  strata_project_push (project, strata_commands_add_track (project, 2, "B", 0, &t2));
  assert_change (&ct, 2, 0, 0, 1);
  strata_project_push (project, strata_commands_move_track (project, 0, 1));
  g_assert_cmpuint (ct.count, >=, 3);
  g_assert_true (strata_undo_stack_undo (stack));
  ct.count = 0;
  strata_project_push (project, strata_commands_remove_track (project, t1));
  assert_change (&ct, 1, 1, 1, 0);
  g_assert_true (strata_undo_stack_undo (stack));
  assert_change (&ct, 2, 1, 0, 1);

  strata_project_push (project, strata_commands_add_bus (project, "X", 0, NULL));
  assert_change (&cb, 1, 0, 0, 1);
  strata_project_push (project, strata_commands_add_bus (project, "Y", 5, NULL));
  assert_change (&cb, 2, 1, 0, 1);
  g_assert_true (strata_undo_stack_undo (stack));
  assert_change (&cb, 3, 1, 1, 0);

  g_signal_connect (strata_track_get_clips (t1), "items-changed", G_CALLBACK (items_changed_cb),
                    &cc);
  strata_project_push (project, strata_commands_add_clip (project, t1, c, NULL));
  assert_change (&cc, 1, 0, 0, 1);
  strata_project_push (project, strata_commands_add_clip (project, t1, a, NULL));
  assert_change (&cc, 2, 0, 0, 1);
  strata_project_push (project, strata_commands_add_clip (project, t1, b, NULL));
  assert_change (&cc, 3, 1, 0, 1);
  g_assert_true (strata_undo_stack_undo (stack));
  assert_change (&cc, 4, 1, 1, 0);
  g_assert_true (strata_undo_stack_redo (stack));
  assert_change (&cc, 5, 1, 0, 1);

  strata_project_push (project, strata_commands_add_marker (project, "B", 200));
  assert_change (&cm, 1, 0, 0, 1);
  strata_project_push (project, strata_commands_add_marker (project, "A", 100));
  assert_change (&cm, 2, 0, 0, 1);
  strata_project_push (project, strata_commands_add_marker (project, "C", 300));
  assert_change (&cm, 3, 2, 0, 1);
  g_assert_true (strata_undo_stack_undo (stack));
  assert_change (&cm, 4, 2, 1, 0);

  g_signal_handlers_disconnect_by_data (tracks_of (project), &ct);
  g_signal_handlers_disconnect_by_data (strata_project_get_buses (project), &cb);
  g_signal_handlers_disconnect_by_data (markers, &cm);
  g_signal_handlers_disconnect_by_data (strata_track_get_clips (t1), &cc);
}

/* ---- clips stay sorted ---------------------------------------------------------------------- */

static StrataClip *
clip_at (StrataTrack *track, guint i)
{
  g_autoptr(StrataClip) clip = g_list_model_get_item (strata_track_get_clips (track), i);
  return clip;
}

static void
test_clips_sorted (void)
{
  g_autoptr(StrataProject) project = strata_project_new (SR);
  StrataUndoStack *stack = strata_project_get_undo_stack (project);
  StrataSource *src = add_source (project, "m1", 10 * SR);
  StrataTrack *t = NULL;
  g_autoptr(StrataClip) a = strata_clip_new (src, 0, 0, SR);
  g_autoptr(StrataClip) b = strata_clip_new (src, 2 * SR, 0, SR);
  g_autoptr(StrataClip) c = strata_clip_new (src, 4 * SR, 0, SR);
  Change cc = { 0 };

  strata_project_push (project, strata_commands_add_track (project, 2, NULL, 0, &t));
  strata_project_push (project, strata_commands_add_clip (project, t, b, NULL));
  strata_project_push (project, strata_commands_add_clip (project, t, c, NULL));
  strata_project_push (project, strata_commands_add_clip (project, t, a, NULL));
  g_assert_true (clip_at (t, 0) == a && clip_at (t, 1) == b && clip_at (t, 2) == c);

  /* Setting a start directly re-sorts. */
  g_signal_connect (strata_track_get_clips (t), "items-changed", G_CALLBACK (items_changed_cb),
                    &cc);
  g_object_set (a, "start", (gint64) 6 * SR, NULL);
  g_assert_true (clip_at (t, 0) == b && clip_at (t, 1) == c && clip_at (t, 2) == a);
  g_assert_cmpuint (cc.count, >=, 1);
  g_object_set (a, "start", (gint64) 0, NULL);
  g_assert_true (clip_at (t, 0) == a);

  /* Through a property command and its undo. */
  strata_project_push (project, strata_property_command_new_value (c, "start",
                                                                   (gint64) SR));
  g_assert_true (clip_at (t, 0) == a && clip_at (t, 1) == c && clip_at (t, 2) == b);
  g_assert_true (strata_undo_stack_undo (stack));
  g_assert_true (clip_at (t, 0) == a && clip_at (t, 1) == b && clip_at (t, 2) == c);
  g_assert_cmpint (strata_clip_get_start (c), ==, 4 * SR);
  g_assert_true (strata_undo_stack_redo (stack));
  g_assert_true (clip_at (t, 1) == c);

  /* A clip taken off the track no longer moves in it. */
  g_assert_true (strata_undo_stack_undo (stack));
  strata_project_push (project, strata_commands_remove_clips (project, &c, 1));
  cc.count = 0;
  g_object_set (c, "start", (gint64) 0, NULL);
  g_assert_cmpuint (cc.count, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (t)), ==, 2);
  g_object_set (c, "start", (gint64) 4 * SR, NULL);
  g_signal_handlers_disconnect_by_data (strata_track_get_clips (t), &cc);
}

/* ---- "changed" coalesces ------------------------------------------------------------------- */

static void
changed_cb (StrataProject *project, guint *count)
{
  (*count)++;
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_changed_coalesces (void)
{
  g_autoptr(StrataProject) project = strata_project_new (SR);
  StrataTrack *t = NULL;
  guint count = 0;

  spin ();
  g_signal_connect (project, "changed", G_CALLBACK (changed_cb), &count);
  strata_project_push (project, strata_commands_add_track (project, 2, NULL, 0, &t));
  for (int i = 0; i < 19; i++)
    strata_project_push (project, strata_commands_set_volume (project, STRATA_STRIP (t),
                                                              -i, 0, NULL));
  g_assert_cmpuint (count, ==, 0);
  g_assert_true (g_main_context_iteration (NULL, FALSE));
  g_assert_cmpuint (count, ==, 1);
  spin ();
  g_assert_cmpuint (count, ==, 1);

  /* Undo and redo are changes too; again one per iteration. */
  for (int i = 0; i < 5; i++)
    g_assert_true (strata_undo_stack_undo (strata_project_get_undo_stack (project)));
  g_assert_true (strata_undo_stack_redo (strata_project_get_undo_stack (project)));
  spin ();
  g_assert_cmpuint (count, ==, 2);

  /* No edit, no emission. */
  spin ();
  g_assert_cmpuint (count, ==, 2);
  g_signal_handlers_disconnect_by_data (project, &count);
}

/* ---- validate ------------------------------------------------------------------------------ */

static void
assert_invalid (StrataProject *project, const char *needle)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_project_validate (project, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
  if (strstr (error->message, needle) == NULL)
    g_error ("'%s' does not name '%s'", error->message, needle);
}

static void
test_validate (void)
{
  g_autoptr(StrataProject) project = strata_project_new (SR);
  StrataSource *src = add_source (project, "m1", 10 * SR);
  StrataTrack *t0 = NULL, *t1 = NULL;
  StrataBus *a = NULL, *b = NULL;
  g_autoptr(StrataClip) c0 = strata_clip_new (src, 0, 0, SR);
  g_autoptr(StrataClip) c1 = strata_clip_new (src, 2 * SR, 0, SR);
  g_autoptr(StrataClip) c2 = strata_clip_new (src, 2 * SR + SR / 2, 0, SR);
  g_autoptr(GError) error = NULL;

  strata_project_push (project, strata_commands_add_track (project, 2, "Kick", 0, &t0));
  strata_project_push (project, strata_commands_add_track (project, 2, "Snare", 1, &t1));
  strata_project_push (project, strata_commands_add_bus (project, "A", 0, &a));
  strata_project_push (project, strata_commands_add_bus (project, "B", 1, &b));
  strata_project_push (project, strata_commands_add_clip (project, t1, c0, NULL));
  strata_project_push (project, strata_commands_add_clip (project, t1, c1, NULL));
  g_assert_true (strata_project_validate (project, &error));
  g_assert_no_error (error);

  /* Overlap, put there behind the commands' back. */
  strata_track_insert_clip (t1, c2);
  assert_invalid (project, "tracks[1].clips[2] overlaps tracks[1].clips[1]");
  assert_invalid (project, "Snare");
  strata_track_remove_clip (t1, c2);
  g_assert_true (strata_project_validate (project, NULL));

  /* Past the end of the media. */
  g_object_set (c1, "source-start", (gint64) 9 * SR + 1, NULL);
  assert_invalid (project, "tracks[1].clips[1]");
  assert_invalid (project, "'m1'");
  g_object_set (c1, "source-start", (gint64) 9 * SR, NULL);
  g_assert_true (strata_project_validate (project, NULL));

  /* A bus cycle. */
  g_object_set (a, "output", "bus2", NULL);
  g_object_set (b, "output", "bus1", NULL);
  assert_invalid (project, "buses[0].output");
  assert_invalid (project, "bus1 -> bus2 -> bus1");
  g_object_set (b, "output", "master", NULL);
  g_assert_true (strata_project_validate (project, NULL));

  /* A cycle closed by a send is a cycle too (bus1 still outputs to bus2). */
  {
    g_autoptr(StrataSend) ab = strata_send_new ("bus2", 0, FALSE);
    g_autoptr(StrataSend) ba = strata_send_new ("bus1", 0, FALSE);
    GListStore *a_sends = G_LIST_STORE (strata_strip_get_sends (STRATA_STRIP (a)));
    GListStore *b_sends = G_LIST_STORE (strata_strip_get_sends (STRATA_STRIP (b)));

    g_list_store_append (a_sends, ab);
    g_list_store_append (b_sends, ba);
    assert_invalid (project, "buses[0].output: routing cycle: bus1 -> bus2 -> bus1");
    g_list_store_remove (b_sends, 0);
    g_assert_true (strata_project_validate (project, NULL));
    g_list_store_remove (a_sends, 0);
  }

  /* The master feeds nothing: routing out of it is refused. */
  {
    g_autoptr(GError) master_error = NULL;
    g_assert_false (strata_project_check_routing (project, "master", "bus1", &master_error));
    g_assert_error (master_error, STRATA_ERROR, STRATA_ERROR_INVALID);
  }

  /* Volume out of range. */
  g_object_set (t0, "volume-db", -200.0, NULL);
  assert_invalid (project, "tracks[0].volume_db");
  g_object_set (t0, "volume-db", -INFINITY, NULL);
  g_assert_true (strata_project_validate (project, NULL));
  g_object_set (b, "volume-db", -144.5, NULL);
  assert_invalid (project, "buses[1].volume_db");
  g_object_set (b, "volume-db", 0.0, NULL);

  /* Fades longer than the clip. */
  g_object_set (c0, "fade-in", (gint64) SR / 2, "fade-out", (gint64) SR / 2 + 1, NULL);
  assert_invalid (project, "tracks[1].clips[0]");
  g_object_set (c0, "fade-out", (gint64) SR / 2, NULL);

  /* A send to the master, and to a bus that does not exist. */
  {
    g_autoptr(StrataSend) send = strata_send_new ("master", 0, FALSE);
    GListStore *sends = G_LIST_STORE (strata_strip_get_sends (STRATA_STRIP (t0)));
    g_list_store_append (sends, send);
    assert_invalid (project, "tracks[0].sends[0]");
    g_list_store_remove_all (sends);
  }
  g_assert_true (strata_project_validate (project, NULL));
}

/* ---- ids, copies, finding ------------------------------------------------------------------ */

static void
test_new_id (void)
{
  g_autoptr(StrataProject) project = strata_project_new (SR);
  g_autofree char *id1 = NULL;
  g_autofree char *id2 = NULL;
  g_autofree char *id3 = NULL;
  g_autofree char *id4 = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  id1 = strata_project_new_id (project, "t");
  g_assert_cmpstr (id1, ==, "t1");
  strata_project_push (project, strata_commands_add_track (project, 2, NULL, 0, NULL));
  strata_project_push (project, strata_commands_add_track (project, 2, NULL, 0, NULL));
  add_source (project, "t3", SR);
  id2 = strata_project_new_id (project, "t");
  g_assert_cmpstr (id2, ==, "t4");
  strata_project_push (project, strata_commands_add_bus (project, NULL, 0, NULL));
  id3 = strata_project_new_id (project, "bus");
  g_assert_cmpstr (id3, ==, "bus2");
  id4 = strata_project_new_id (project, "master");
  g_assert_cmpstr (id4, ==, "master1");

  /* Many tracks and buses, all distinct, none the master. */
  for (int i = 0; i < 30; i++)
    {
      StrataTrack *t = NULL;
      StrataBus *b = NULL;
      strata_project_push (project, strata_commands_add_track (project, 2, NULL, i % 3, &t));
      strata_project_push (project, strata_commands_add_bus (project, NULL, 0, &b));
      g_assert_true (g_hash_table_add (seen, g_strdup (strata_strip_get_id (STRATA_STRIP (t)))));
      g_assert_true (g_hash_table_add (seen, g_strdup (strata_strip_get_id (STRATA_STRIP (b)))));
      if (i % 4 == 0)
        strata_project_push (project, strata_commands_duplicate_track (project, t, &t));
      g_assert_false (g_str_equal (strata_strip_get_id (STRATA_STRIP (b)), "master"));
    }
  g_assert_true (strata_project_validate (project, NULL));
}

static void
test_track_copy_deep (void)
{
  g_autoptr(StrataProject) project = strata_project_new (SR);
  StrataSource *src = add_source (project, "m1", 10 * SR);
  StrataTrack *t = NULL;
  StrataBus *bus = NULL;
  g_autoptr(StrataTrack) copy = NULL;
  g_autoptr(StrataClip) a = strata_clip_new (src, 0, 0, SR);
  g_autoptr(StrataClip) b = strata_clip_new (src, 2 * SR, 0, SR);
  g_autoptr(StrataInsert) eq = strata_insert_new ("eq", g_variant_new ("a{sv}", NULL));
  g_autoptr(StrataClip) extra = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  StrataClip *ca;

  strata_project_push (project, strata_commands_add_track (project, 1, "Vox", 0, &t));
  strata_project_push (project, strata_commands_add_bus (project, NULL, 0, &bus));
  strata_project_push (project, strata_commands_add_clip (project, t, a, NULL));
  strata_project_push (project, strata_commands_add_clip (project, t, b, NULL));
  strata_project_push (project, strata_commands_add_send (project, STRATA_STRIP (t), "bus1",
                                                          -6, TRUE, NULL));
  strata_project_push (project, strata_commands_add_insert (project, STRATA_STRIP (t), eq, 0));
  strata_project_push (project, strata_commands_add_point (project, STRATA_STRIP (t), "pan",
                                                           0, -1, NULL));
  strata_project_push (project, strata_commands_set_output (project, STRATA_STRIP (t), "bus1",
                                                            NULL));
  g_object_set (t, "record-arm", TRUE, "input", "in1", "color", "#ff0000", NULL);
  before = strata_json_to_data (project, NULL, NULL);

  copy = strata_track_copy (t, "t9");
  g_assert_cmpstr (strata_strip_get_id (STRATA_STRIP (copy)), ==, "t9");
  g_assert_cmpstr (strata_strip_get_name (STRATA_STRIP (copy)), ==, "Vox");
  g_assert_cmpstr (strata_strip_get_output (STRATA_STRIP (copy)), ==, "bus1");
  g_assert_cmpstr (strata_strip_get_color (STRATA_STRIP (copy)), ==, "#ff0000");
  g_assert_cmpstr (strata_track_get_input (copy), ==, "in1");
  g_assert_true (strata_track_get_record_arm (copy));
  g_assert_cmpuint (strata_track_get_channels (copy), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (copy)), ==, 2);
  ca = clip_at (copy, 0);
  g_assert_true (ca != a);
  g_assert_true (strata_clip_get_source (ca) == src);   /* sources are shared */

  /* Editing the copy leaves the original alone, and the copy stays sorted. */
  g_object_set (ca, "start", (gint64) 5 * SR, "fade-in", (gint64) 10, NULL);
  g_assert_true (clip_at (copy, 1) == ca);
  g_assert_cmpint (strata_clip_get_start (a), ==, 0);
  g_assert_true (clip_at (t, 0) == a);
  extra = strata_clip_new (src, 8 * SR, 0, SR);
  strata_track_insert_clip (copy, extra);
  g_list_store_remove_all (G_LIST_STORE (strata_strip_get_sends (STRATA_STRIP (copy))));
  g_list_store_remove_all (G_LIST_STORE (strata_strip_get_inserts (STRATA_STRIP (copy))));
  {
    StrataAutomationLane *lane = strata_strip_find_lane (STRATA_STRIP (copy), "pan");
    StrataAutomationPoint p = { 0, 1.0 };
    g_assert_nonnull (lane);
    g_assert_true (lane != strata_strip_find_lane (STRATA_STRIP (t), "pan"));
    strata_automation_lane_set_points (lane, &p, 1);
  }
  g_object_set (copy, "volume-db", -10.0, "name", "Other", NULL);
  after = strata_json_to_data (project, NULL, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (g_list_model_get_n_items (strata_track_get_clips (t)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_sends (STRATA_STRIP (t))), ==, 1);
}

static void
test_find (void)
{
  g_autoptr(StrataProject) project = strata_project_new (SR);
  StrataTimeline *timeline = strata_project_get_timeline (project);
  StrataSource *src = add_source (project, "m1", 10 * SR);
  StrataTrack *t0 = NULL, *t1 = NULL;
  StrataBus *bus = NULL;
  g_autoptr(StrataClip) a = strata_clip_new (src, 0, 0, SR);
  g_autoptr(StrataClip) b = strata_clip_new (src, 2 * SR, 0, SR);
  g_autoptr(StrataClip) loose = strata_clip_new (src, 0, 0, SR);
  guint pos = 99;

  strata_project_push (project, strata_commands_add_track (project, 2, NULL, 0, &t0));
  strata_project_push (project, strata_commands_add_track (project, 2, NULL, 1, &t1));
  strata_project_push (project, strata_commands_add_bus (project, NULL, 0, &bus));
  strata_project_push (project, strata_commands_add_clip (project, t1, a, NULL));
  strata_project_push (project, strata_commands_add_clip (project, t1, b, NULL));

  g_assert_true (strata_timeline_find_track (timeline, "t1") == t0);
  g_assert_true (strata_timeline_find_track (timeline, "t2") == t1);
  g_assert_null (strata_timeline_find_track (timeline, "t3"));
  g_assert_null (strata_timeline_find_track (timeline, "bus1"));
  g_assert_true (strata_timeline_find_clip (timeline, b, &pos) == t1);
  g_assert_cmpuint (pos, ==, 1);
  g_assert_null (strata_timeline_find_clip (timeline, loose, NULL));
  g_assert_true (strata_track_find_clip (t1, b, &pos));
  g_assert_cmpuint (pos, ==, 1);
  g_assert_false (strata_track_find_clip (t0, b, NULL));

  g_assert_true (strata_project_find_strip (project, "t2") == STRATA_STRIP (t1));
  g_assert_true (strata_project_find_strip (project, "bus1") == STRATA_STRIP (bus));
  g_assert_true (strata_project_find_bus (project, "master") == strata_project_get_master (project));
  g_assert_null (strata_project_find_bus (project, "t1"));
  g_assert_true (strata_project_find_source (project, "m1") == src);
  g_assert_null (strata_project_find_source (project, "m2"));
  {
    g_autofree char *where = strata_project_describe_clip (project, b);
    g_assert_cmpstr (where, ==, "tracks[1].clips[1]");
  }

  /* After the tracks are reordered the positions follow. */
  strata_project_push (project, strata_commands_move_track (project, 1, 0));
  g_assert_true (strata_timeline_find_clip (timeline, a, &pos) == t1);
  g_assert_cmpuint (pos, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/notify-on-change", test_notify_on_change);
  g_test_add_func ("/model/items-changed", test_items_changed);
  g_test_add_func ("/model/clips-sorted", test_clips_sorted);
  g_test_add_func ("/model/changed-coalesces", test_changed_coalesces);
  g_test_add_func ("/model/validate", test_validate);
  g_test_add_func ("/model/new-id", test_new_id);
  g_test_add_func ("/model/track-copy-deep", test_track_copy_deep);
  g_test_add_func ("/model/find", test_find);
  return g_test_run ();
}
