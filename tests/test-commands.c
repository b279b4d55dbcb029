/* test-commands.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every edit builder of strata-commands.h applied, undone and redone, with the model state a
 * user would see checked after each step, and refused edits checked to change nothing.
 */
#include "config.h"

#include <math.h>

#include "strata-commands.h"
#include "strata-error.h"
#include "strata-json.h"
#include "strata-project.h"

#define SR 48000

typedef struct
{
  StrataProject *project;
  StrataSource  *m1;   /* stereo, 10 s */
  StrataSource  *m2;   /* mono, 5 s */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  GListStore *sources;

  f->project = strata_project_new (SR);
  sources = G_LIST_STORE (strata_project_get_sources (f->project));
  f->m1 = strata_source_new ("m1", "m1.wav", 2, 10 * SR);
  f->m2 = strata_source_new ("m2", "m2.wav", 1, 5 * SR);
  g_list_store_append (sources, f->m1);
  g_list_store_append (sources, f->m2);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->m1);
  g_clear_object (&f->m2);
  g_assert_finalize_object (f->project);
}

/* ---- helpers ----------------------------------------------------------------------------- */

static char *
ser (StrataProject *project)
{
  return strata_json_to_data (project, NULL, NULL);
}

static StrataUndoStack *
stack (Fixture *f)
{
  return strata_project_get_undo_stack (f->project);
}

static void
undo (Fixture *f)
{
  g_assert_true (strata_undo_stack_undo (stack (f)));
}

static void
redo (Fixture *f)
{
  g_assert_true (strata_undo_stack_redo (stack (f)));
}

static void
push (Fixture *f, StrataCommand *command)
{
  g_assert_nonnull (command);
  strata_project_push (f->project, command);
}

static void
assert_valid (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  if (!strata_project_validate (f->project, &error))
    g_error ("project invalid: %s", error->message);
}

/* A refused edit: NULL, an error, and the serialized project and undo depth unchanged. */
#define assert_refused(f, before, depth, expr, code)                                     \
  G_STMT_START {                                                                         \
    g_autoptr(GError) _error = NULL;                                                     \
    StrataCommand *_command = NULL;                                                      \
    g_autofree char *_after = NULL;                                                      \
    {                                                                                    \
      GError **error = &_error;                                                          \
      _command = (expr);                                                                 \
    }                                                                                    \
    g_assert_null (_command);                                                            \
    g_assert_error (_error, STRATA_ERROR, code);                                         \
    g_assert_nonnull (_error->message);                                                  \
    g_assert_cmpuint (strlen (_error->message), >, 0);                                   \
    _after = ser ((f)->project);                                                         \
    g_assert_cmpstr (_after, ==, before);                                                \
    g_assert_cmpuint (strata_undo_stack_get_depth (stack (f)), ==, depth);               \
  } G_STMT_END

static StrataTimeline *
timeline (Fixture *f)
{
  return strata_project_get_timeline (f->project);
}

static GListModel *
tracks (Fixture *f)
{
  return strata_timeline_get_tracks (timeline (f));
}

static GListModel *
buses (Fixture *f)
{
  return strata_project_get_buses (f->project);
}

static StrataTrack *
track_at (Fixture *f, guint i)
{
  g_autoptr(StrataTrack) track = g_list_model_get_item (tracks (f), i);
  g_assert_nonnull (track);
  return track;
}

static StrataBus *
bus_at (Fixture *f, guint i)
{
  g_autoptr(StrataBus) bus = g_list_model_get_item (buses (f), i);
  g_assert_nonnull (bus);
  return bus;
}

static StrataTrack *
add_track (Fixture *f, const char *name)
{
  StrataTrack *track = NULL;

  push (f, strata_commands_add_track (f->project, 2, name, G_MAXUINT, &track));
  return track;
}

static StrataBus *
add_bus (Fixture *f, const char *name)
{
  StrataBus *bus = NULL;

  push (f, strata_commands_add_bus (f->project, name, G_MAXUINT, &bus));
  return bus;
}

static StrataClip *
add_clip (Fixture *f, StrataTrack *track, StrataSource *source, gint64 start,
          gint64 source_start, gint64 length)
{
  g_autoptr(StrataClip) clip = strata_clip_new (source, start, source_start, length);
  g_autoptr(GError) error = NULL;
  StrataCommand *command = strata_commands_add_clip (f->project, track, clip, &error);

  g_assert_no_error (error);
  push (f, command);
  return clip;
}

static StrataClip *
clip_at (StrataTrack *track, guint i)
{
  g_autoptr(StrataClip) clip = g_list_model_get_item (strata_track_get_clips (track), i);
  g_assert_nonnull (clip);
  return clip;
}

static guint
n_clips (StrataTrack *track)
{
  return g_list_model_get_n_items (strata_track_get_clips (track));
}

static void
assert_clip (StrataClip *clip, gint64 start, gint64 source_start, gint64 length,
             gint64 fade_in, gint64 fade_out)
{
  g_assert_cmpint (strata_clip_get_start (clip), ==, start);
  g_assert_cmpint (strata_clip_get_source_start (clip), ==, source_start);
  g_assert_cmpint (strata_clip_get_length (clip), ==, length);
  g_assert_cmpint (strata_clip_get_fade_in (clip), ==, fade_in);
  g_assert_cmpint (strata_clip_get_fade_out (clip), ==, fade_out);
}

static void
set_fades (Fixture *f, StrataClip *clip, gint64 in, gint64 out)
{
  g_autoptr(GError) error = NULL;
  StrataCommand *command = strata_commands_set_fades (f->project, clip, in, out, &error);

  g_assert_no_error (error);
  push (f, command);
}

/* ---- clips --------------------------------------------------------------------------------- */

static void
test_add_remove_clip (Fixture *f, gconstpointer data)
{
  StrataTrack *t = add_track (f, "Drums");
  StrataClip *a, *b, *c;
  g_autofree char *before = NULL;
  g_autoptr(StrataClip) overlap = NULL;
  g_autoptr(StrataClip) past = NULL;
  StrataClip *both[2];
  guint depth;

  b = add_clip (f, t, f->m1, 2 * SR, 0, SR);
  a = add_clip (f, t, f->m1, 0, SR, SR);
  c = add_clip (f, t, f->m2, 4 * SR, 0, SR);
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Add Clip");

  /* Sorted by start whatever the insertion order. */
  g_assert_cmpuint (n_clips (t), ==, 3);
  g_assert_true (clip_at (t, 0) == a);
  g_assert_true (clip_at (t, 1) == b);
  g_assert_true (clip_at (t, 2) == c);
  assert_valid (f);

  undo (f);
  g_assert_cmpuint (n_clips (t), ==, 2);
  g_assert_false (strata_track_find_clip (t, c, NULL));
  redo (f);
  g_assert_true (clip_at (t, 2) == c);

  /* Overlaps, touching is fine. */
  before = ser (f->project);
  depth = strata_undo_stack_get_depth (stack (f));
  overlap = strata_clip_new (f->m1, SR + SR / 2, 0, SR);
  assert_refused (f, before, depth, strata_commands_add_clip (f->project, t, overlap, error),
                  STRATA_ERROR_INVALID);
  past = strata_clip_new (f->m2, 6 * SR, 4 * SR, SR + 1);
  assert_refused (f, before, depth, strata_commands_add_clip (f->project, t, past, error),
                  STRATA_ERROR_INVALID);
  g_clear_object (&past);
  past = strata_clip_new (f->m2, 6 * SR, 4 * SR, SR);   /* exactly to the end: fine */
  push (f, strata_commands_add_clip (f->project, t, past, NULL));
  g_assert_cmpuint (n_clips (t), ==, 4);
  undo (f);

  /* Remove two, one step; undo puts them back at their sorted places. */
  both[0] = c;
  both[1] = a;
  push (f, strata_commands_remove_clips (f->project, both, 2));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Delete Clips");
  g_assert_cmpuint (n_clips (t), ==, 1);
  g_assert_true (clip_at (t, 0) == b);
  undo (f);
  g_assert_cmpuint (n_clips (t), ==, 3);
  g_assert_true (clip_at (t, 0) == a);
  g_assert_true (clip_at (t, 1) == b);
  g_assert_true (clip_at (t, 2) == c);
  assert_clip (a, 0, SR, SR, 0, 0);
  redo (f);
  g_assert_cmpuint (n_clips (t), ==, 1);
  push (f, strata_commands_remove_clips (f->project, &b, 1));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Delete Clip");
  g_assert_cmpuint (n_clips (t), ==, 0);
}

static void
test_move_clips (Fixture *f, gconstpointer data)
{
  StrataTrack *t1 = add_track (f, "One");
  StrataTrack *t2 = add_track (f, "Two");
  StrataClip *a = add_clip (f, t1, f->m1, 0, 0, SR);
  StrataClip *b = add_clip (f, t1, f->m1, 2 * SR, SR, SR);
  StrataClip *c = add_clip (f, t1, f->m1, 4 * SR, 2 * SR, SR);
  StrataClip *d = add_clip (f, t2, f->m2, 3 * SR, 0, SR);
  StrataClip *sel[3];
  g_autofree char *s0 = ser (f->project);
  g_autofree char *s1 = NULL;
  g_autofree char *s2 = NULL;
  guint depth = strata_undo_stack_get_depth (stack (f));

  /* In time: a passes b, so the order on the track changes. */
  push (f, strata_commands_move_clips (f->project, &a, 1, 5 * SR, 0, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Move Clip");
  assert_clip (a, 5 * SR, 0, SR, 0, 0);
  g_assert_true (clip_at (t1, 0) == b);
  g_assert_true (clip_at (t1, 1) == c);
  g_assert_true (clip_at (t1, 2) == a);
  assert_valid (f);
  s1 = ser (f->project);
  undo (f);
  assert_clip (a, 0, 0, SR, 0, 0);
  g_assert_true (clip_at (t1, 0) == a);
  s2 = ser (f->project);
  g_assert_cmpstr (s2, ==, s0);
  redo (f);
  g_clear_pointer (&s2, g_free);
  s2 = ser (f->project);
  g_assert_cmpstr (s2, ==, s1);
  undo (f);

  /* Across tracks: b and c down one track, 1 s later; d is at 3 s..4 s on t2 and b lands at
   * 3 s: refused; 0.5 s later b lands on 2.5..3.5: refused; 2 s later fine. */
  sel[0] = b;
  sel[1] = c;
  assert_refused (f, s0, depth,
                  strata_commands_move_clips (f->project, sel, 2, SR, 1, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth,
                  strata_commands_move_clips (f->project, sel, 2, SR / 2, 1, error),
                  STRATA_ERROR_INVALID);
  push (f, strata_commands_move_clips (f->project, sel, 2, -2 * SR, 1, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Move Clips");
  g_assert_cmpuint (n_clips (t1), ==, 1);
  g_assert_cmpuint (n_clips (t2), ==, 3);
  g_assert_true (clip_at (t2, 0) == b);
  g_assert_true (clip_at (t2, 1) == c);
  g_assert_true (clip_at (t2, 2) == d);
  assert_clip (b, 0, SR, SR, 0, 0);
  assert_clip (c, 2 * SR, 2 * SR, SR, 0, 0);
  assert_valid (f);
  undo (f);
  g_clear_pointer (&s2, g_free);
  s2 = ser (f->project);
  g_assert_cmpstr (s2, ==, s0);
  g_assert_cmpuint (n_clips (t1), ==, 3);
  g_assert_cmpuint (n_clips (t2), ==, 1);
  g_assert_true (clip_at (t1, 1) == b);
  redo (f);
  g_assert_cmpuint (n_clips (t2), ==, 3);
  undo (f);

  /* A selection moving into its own old place is fine (they move together). */
  sel[0] = a;
  sel[1] = b;
  sel[2] = c;
  push (f, strata_commands_move_clips (f->project, sel, 3, SR, 0, NULL));
  assert_clip (a, SR, 0, SR, 0, 0);
  assert_clip (b, 3 * SR, SR, SR, 0, 0);
  assert_clip (c, 5 * SR, 2 * SR, SR, 0, 0);
  undo (f);

  /* Refused: before the song start, off the track list (up from the first, down from the
   * last), and overlapping a clip that stays. */
  assert_refused (f, s0, depth, strata_commands_move_clips (f->project, &b, 1, -2 * SR - 1, 0,
                                                             error), STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_move_clips (f->project, &a, 1, 0, -1, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_move_clips (f->project, &d, 1, 0, 1, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_move_clips (f->project, &a, 1, 2 * SR - 1, 0,
                                                             error), STRATA_ERROR_INVALID);
  /* Exactly to the song start and touching a neighbour: fine. */
  push (f, strata_commands_move_clips (f->project, &b, 1, -SR, 0, NULL));
  assert_clip (b, SR, SR, SR, 0, 0);
  undo (f);
}

static void
test_trim (Fixture *f, gconstpointer data)
{
  StrataTrack *t = add_track (f, "One");
  StrataClip *a = add_clip (f, t, f->m1, 0, 0, SR);
  StrataClip *b = add_clip (f, t, f->m1, 2 * SR, SR, 2 * SR);   /* source 1 s..3 s */
  g_autofree char *s0 = NULL;
  g_autofree char *s1 = NULL;
  guint depth;

  set_fades (f, b, 1000, 2000);
  s0 = ser (f->project);
  depth = strata_undo_stack_get_depth (stack (f));

  /* Trim start later: start and source offset move together, the end stays. */
  push (f, strata_commands_trim_clip_start (f->project, b, 2 * SR + 500, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Trim Clip");
  assert_clip (b, 2 * SR + 500, SR + 500, 2 * SR - 500, 1000, 2000);
  g_assert_cmpint (strata_clip_get_end (b), ==, 4 * SR);
  undo (f);
  assert_clip (b, 2 * SR, SR, 2 * SR, 1000, 2000);
  redo (f);
  undo (f);

  /* Earlier: to the media start exactly, then refused one frame more. */
  push (f, strata_commands_trim_clip_start (f->project, b, SR, NULL));
  assert_clip (b, SR, 0, 3 * SR, 1000, 2000);
  undo (f);
  assert_refused (f, s0, depth, strata_commands_trim_clip_start (f->project, b, SR - 1, error),
                  STRATA_ERROR_INVALID);
  /* Into the clip before it: refused. */
  push (f, strata_commands_trim_clip_end (f->project, b, 4 * SR, NULL));   /* no-op trim */
  undo (f);
  {
    StrataClip *c = add_clip (f, t, f->m2, SR + SR / 2, 0, SR / 4);
    g_autofree char *s = ser (f->project);
    guint d = strata_undo_stack_get_depth (stack (f));
    assert_refused (f, s, d, strata_commands_trim_clip_start (f->project, b, SR + SR / 2, error),
                    STRATA_ERROR_INVALID);
    g_assert_nonnull (c);
    undo (f);
  }
  /* Trimming the start past the fade-out shortens the fade-in to fit. */
  push (f, strata_commands_trim_clip_start (f->project, b, 4 * SR - 2500, NULL));
  assert_clip (b, 4 * SR - 2500, 3 * SR - 2500, 2500, 500, 2000);
  g_assert_true (strata_project_validate (f->project, NULL));
  undo (f);
  assert_clip (b, 2 * SR, SR, 2 * SR, 1000, 2000);
  /* Shorter than the fade-out, or to nothing: refused. */
  assert_refused (f, s0, depth,
                  strata_commands_trim_clip_start (f->project, b, 4 * SR - 1999, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_trim_clip_start (f->project, b, 4 * SR, error),
                  STRATA_ERROR_INVALID);

  /* Trim end: later up to the media end (source 1 s + 9 s = 10 s), refused one frame past. */
  push (f, strata_commands_trim_clip_end (f->project, b, 2 * SR + 9 * SR, NULL));
  assert_clip (b, 2 * SR, SR, 9 * SR, 1000, 2000);
  s1 = ser (f->project);
  undo (f);
  assert_clip (b, 2 * SR, SR, 2 * SR, 1000, 2000);
  redo (f);
  {
    g_autofree char *s = ser (f->project);
    g_assert_cmpstr (s, ==, s1);
  }
  undo (f);
  assert_refused (f, s0, depth,
                  strata_commands_trim_clip_end (f->project, b, 2 * SR + 9 * SR + 1, error),
                  STRATA_ERROR_INVALID);
  /* Shorter: the fade-out shrinks to fit beside the fade-in. */
  push (f, strata_commands_trim_clip_end (f->project, b, 2 * SR + 2500, NULL));
  assert_clip (b, 2 * SR, SR, 2500, 1000, 1500);
  undo (f);
  assert_clip (b, 2 * SR, SR, 2 * SR, 1000, 2000);
  assert_refused (f, s0, depth, strata_commands_trim_clip_end (f->project, b, 2 * SR + 999,
                                                                error), STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_trim_clip_end (f->project, b, 2 * SR, error),
                  STRATA_ERROR_INVALID);
  /* Into a following clip: refused. */
  push (f, strata_commands_move_clips (f->project, &a, 1, 5 * SR, 0, NULL));
  {
    g_autofree char *s = ser (f->project);
    guint d = strata_undo_stack_get_depth (stack (f));
    assert_refused (f, s, d, strata_commands_trim_clip_end (f->project, b, 5 * SR + 1, error),
                    STRATA_ERROR_INVALID);
    push (f, strata_commands_trim_clip_end (f->project, b, 5 * SR, NULL));
    g_assert_cmpint (strata_clip_get_end (b), ==, strata_clip_get_start (a));
    assert_valid (f);
  }
}

static void
test_fades (Fixture *f, gconstpointer data)
{
  StrataTrack *t = add_track (f, "One");
  StrataClip *a = add_clip (f, t, f->m1, 0, 0, 1000);
  g_autofree char *s0 = ser (f->project);
  guint depth = strata_undo_stack_get_depth (stack (f));

  push (f, strata_commands_set_fades (f->project, a, 400, 600, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Change Fades");
  assert_clip (a, 0, 0, 1000, 400, 600);
  undo (f);
  assert_clip (a, 0, 0, 1000, 0, 0);
  redo (f);
  assert_clip (a, 0, 0, 1000, 400, 600);
  undo (f);
  assert_refused (f, s0, depth, strata_commands_set_fades (f->project, a, 401, 600, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_set_fades (f->project, a, -1, 0, error),
                  STRATA_ERROR_INVALID);
}

static void
test_split_join (Fixture *f, gconstpointer data)
{
  StrataTrack *t = add_track (f, "One");
  StrataClip *a = add_clip (f, t, f->m1, SR, 1000, 2 * SR);   /* SR..3 SR, source 1000.. */
  StrataClip *right, *pair[2];
  g_autofree char *s0 = NULL;
  g_autofree char *s1 = NULL;
  g_autofree char *s = NULL;
  guint depth;

  set_fades (f, a, 300, 700);
  s0 = ser (f->project);
  depth = strata_undo_stack_get_depth (stack (f));

  push (f, strata_commands_split_clip (f->project, a, SR + 12345, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Split Clip");
  g_assert_cmpuint (n_clips (t), ==, 2);
  g_assert_true (clip_at (t, 0) == a);
  right = clip_at (t, 1);
  /* Left keeps the fade-in, right keeps the fade-out; the audio stays where it was. */
  assert_clip (a, SR, 1000, 12345, 300, 0);
  assert_clip (right, SR + 12345, 1000 + 12345, 2 * SR - 12345, 0, 700);
  g_assert_cmpint (strata_clip_get_end (right), ==, 3 * SR);
  g_assert_true (strata_clip_get_source (right) == f->m1);
  assert_valid (f);
  s1 = ser (f->project);
  undo (f);
  g_assert_cmpuint (n_clips (t), ==, 1);
  assert_clip (a, SR, 1000, 2 * SR, 300, 700);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);
  redo (f);
  g_clear_pointer (&s, g_free);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s1);

  /* Join restores the clip as it was before the split. */
  pair[0] = right;
  pair[1] = a;
  push (f, strata_commands_join_clips (f->project, pair, 2, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Join Clips");
  g_assert_cmpuint (n_clips (t), ==, 1);
  g_assert_true (clip_at (t, 0) == a);
  g_clear_pointer (&s, g_free);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);
  undo (f);
  g_clear_pointer (&s, g_free);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s1);
  undo (f);

  /* Refused splits: at the edges and outside. */
  assert_refused (f, s0, depth, strata_commands_split_clip (f->project, a, SR, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_split_clip (f->project, a, 3 * SR, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_split_clip (f->project, a, 0, error),
                  STRATA_ERROR_INVALID);
  /* Split inside the fade-in: the left fade-in shrinks to the left part. */
  push (f, strata_commands_split_clip (f->project, a, SR + 100, NULL));
  assert_clip (a, SR, 1000, 100, 100, 0);
  assert_valid (f);
  undo (f);
  assert_clip (a, SR, 1000, 2 * SR, 300, 700);
}

static void
test_join_refused (Fixture *f, gconstpointer data)
{
  StrataTrack *t1 = add_track (f, "One");
  StrataTrack *t2 = add_track (f, "Two");
  StrataClip *a = add_clip (f, t1, f->m1, 0, 0, SR);
  StrataClip *b = add_clip (f, t1, f->m2, SR, SR, SR);      /* other media, continuing */
  StrataClip *c = add_clip (f, t1, f->m1, 3 * SR, 2 * SR, SR); /* same media, not continuing */
  StrataClip *d = add_clip (f, t2, f->m1, SR, SR, SR);      /* continues a, other track */
  StrataClip *e = add_clip (f, t1, f->m1, 5 * SR, 5 * SR, SR); /* continues a, b in the gap */
  StrataClip *pair[2];
  g_autofree char *s0 = ser (f->project);
  guint depth = strata_undo_stack_get_depth (stack (f));

  pair[0] = a;
  pair[1] = b;
  assert_refused (f, s0, depth, strata_commands_join_clips (f->project, pair, 2, error),
                  STRATA_ERROR_INVALID);
  pair[1] = c;
  assert_refused (f, s0, depth, strata_commands_join_clips (f->project, pair, 2, error),
                  STRATA_ERROR_INVALID);
  pair[1] = d;
  assert_refused (f, s0, depth, strata_commands_join_clips (f->project, pair, 2, error),
                  STRATA_ERROR_INVALID);
  pair[1] = e;
  assert_refused (f, s0, depth, strata_commands_join_clips (f->project, pair, 2, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_join_clips (f->project, pair, 1, error),
                  STRATA_ERROR_INVALID);

  /* With the gap free, a and e join through it (the gap is filled from the media). */
  push (f, strata_commands_remove_clips (f->project, &b, 1));
  push (f, strata_commands_remove_clips (f->project, &c, 1));
  push (f, strata_commands_join_clips (f->project, pair, 2, NULL));
  g_assert_cmpuint (n_clips (t1), ==, 1);
  assert_clip (a, 0, 0, 6 * SR, 0, 0);
  assert_valid (f);
}

/* A selection that names a clip twice acts as if it named it once. */
static void
test_selection_duplicates (Fixture *f, gconstpointer data)
{
  StrataTrack *t1 = add_track (f, "One");
  StrataClip *a = add_clip (f, t1, f->m1, SR, 0, SR);          /* 1 s..2 s */
  StrataClip *b = add_clip (f, t1, f->m1, 2 * SR, SR, SR);     /* 2 s..3 s, continues a */
  StrataClip *twice[3] = { a, a, b };
  g_autofree char *s0 = ser (f->project);
  g_autoptr(GError) error = NULL;

  push (f, strata_commands_duplicate_clips (f->project, twice, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_clips (t1), ==, 4);
  g_assert_cmpint (strata_clip_get_start (clip_at (t1, 2)), ==, 3 * SR);
  g_assert_cmpint (strata_clip_get_start (clip_at (t1, 3)), ==, 4 * SR);
  assert_valid (f);
  g_assert_true (strata_undo_stack_undo (stack (f)));

  push (f, strata_commands_move_clips (f->project, twice, 3, SR / 2, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (strata_clip_get_start (a), ==, SR + SR / 2);
  g_assert_cmpint (strata_clip_get_start (b), ==, 2 * SR + SR / 2);
  g_assert_true (strata_undo_stack_undo (stack (f)));

  push (f, strata_commands_join_clips (f->project, twice, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_clips (t1), ==, 1);
  g_assert_cmpint (strata_clip_get_length (a), ==, 2 * SR);
  g_assert_true (strata_undo_stack_undo (stack (f)));

  push (f, strata_commands_remove_clips (f->project, twice, 3));
  g_assert_cmpuint (n_clips (t1), ==, 0);
  g_assert_true (strata_undo_stack_undo (stack (f)));
  {
    g_autofree char *back = ser (f->project);
    g_assert_cmpstr (back, ==, s0);
  }
}

static void
test_duplicate_clips (Fixture *f, gconstpointer data)
{
  StrataTrack *t1 = add_track (f, "One");
  StrataTrack *t2 = add_track (f, "Two");
  StrataClip *a = add_clip (f, t1, f->m1, SR, 0, SR);          /* 1 s..2 s */
  StrataClip *b = add_clip (f, t2, f->m2, 2 * SR, 100, SR);    /* 2 s..3 s */
  StrataClip *sel[2] = { a, b };
  StrataClip *ca, *cb;
  g_autofree char *s0 = NULL;
  guint depth;

  set_fades (f, a, 10, 20);
  s0 = ser (f->project);
  depth = strata_undo_stack_get_depth (stack (f));

  /* The selection spans 1 s..3 s: copies land 2 s later, right after it. */
  push (f, strata_commands_duplicate_clips (f->project, sel, 2, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Duplicate Clips");
  g_assert_cmpuint (n_clips (t1), ==, 2);
  g_assert_cmpuint (n_clips (t2), ==, 2);
  ca = clip_at (t1, 1);
  cb = clip_at (t2, 1);
  g_assert_true (ca != a && cb != b);
  assert_clip (ca, 3 * SR, 0, SR, 10, 20);
  assert_clip (cb, 4 * SR, 100, SR, 0, 0);
  assert_valid (f);
  undo (f);
  g_assert_cmpuint (n_clips (t1), ==, 1);
  g_assert_cmpuint (n_clips (t2), ==, 1);
  redo (f);
  g_assert_true (clip_at (t1, 1) == ca);
  undo (f);

  /* One clip: right after itself. */
  push (f, strata_commands_duplicate_clips (f->project, &a, 1, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Duplicate Clip");
  assert_clip (clip_at (t1, 1), 2 * SR, 0, SR, 10, 20);
  undo (f);

  /* Refused when the place is taken. */
  add_clip (f, t2, f->m1, 3 * SR + SR / 2, 0, 10);
  {
    g_autofree char *s = ser (f->project);
    guint d = strata_undo_stack_get_depth (stack (f));
    assert_refused (f, s, d, strata_commands_duplicate_clips (f->project, &b, 1, error),
                    STRATA_ERROR_INVALID);
  }
  undo (f);
  {
    g_autofree char *s = ser (f->project);
    g_assert_cmpstr (s, ==, s0);
    g_assert_cmpuint (strata_undo_stack_get_depth (stack (f)), ==, depth);
  }
}

/* ---- tracks and buses ---------------------------------------------------------------------- */

static const char *
strip_id (gpointer strip)
{
  return strata_strip_get_id (STRATA_STRIP (strip));
}

static void
test_tracks (Fixture *f, gconstpointer data)
{
  StrataTrack *a, *b, *c, *copy = NULL, *first = NULL;
  g_autofree char *s0 = NULL;
  g_autofree char *s = NULL;

  a = add_track (f, "A");
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Add Track");
  b = add_track (f, "B");
  c = add_track (f, "C");
  g_assert_cmpstr (strip_id (a), ==, "t1");
  g_assert_cmpstr (strip_id (b), ==, "t2");
  g_assert_cmpstr (strip_id (c), ==, "t3");
  g_assert_cmpstr (strata_strip_get_name (STRATA_STRIP (b)), ==, "B");
  add_clip (f, b, f->m1, 0, 0, SR);
  add_clip (f, b, f->m1, 2 * SR, 0, SR);
  s0 = ser (f->project);

  /* Insert at a position. */
  push (f, strata_commands_add_track (f->project, 1, "Mono", 0, &first));
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, 4);
  g_assert_true (track_at (f, 0) == first);
  g_assert_cmpuint (strata_track_get_channels (first), ==, 1);
  g_assert_cmpstr (strip_id (first), ==, "t4");
  undo (f);
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, 3);
  g_assert_true (track_at (f, 0) == a);

  /* Remove keeps the clips with the track for undo. */
  push (f, strata_commands_remove_track (f->project, b));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Delete Track");
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, 2);
  g_assert_true (track_at (f, 1) == c);
  undo (f);
  g_assert_true (track_at (f, 1) == b);
  g_assert_cmpuint (n_clips (b), ==, 2);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);

  /* Duplicate: right after the original, a new id, its own clips. */
  push (f, strata_commands_duplicate_track (f->project, b, &copy));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Duplicate Track");
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, 4);
  g_assert_true (track_at (f, 2) == copy);
  g_assert_true (track_at (f, 3) == c);
  g_assert_cmpstr (strip_id (copy), ==, "t4");
  g_assert_cmpstr (strata_strip_get_name (STRATA_STRIP (copy)), ==, "B copy");
  g_assert_cmpuint (n_clips (copy), ==, 2);
  g_assert_true (clip_at (copy, 0) != clip_at (b, 0));
  assert_clip (clip_at (copy, 1), 2 * SR, 0, SR, 0, 0);
  assert_valid (f);
  undo (f);
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, 3);
  redo (f);
  g_assert_true (track_at (f, 2) == copy);
  undo (f);

  /* Reorder: a to the end, then undo. */
  push (f, strata_commands_move_track (f->project, 0, 2));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Reorder Tracks");
  g_assert_true (track_at (f, 0) == b);
  g_assert_true (track_at (f, 1) == c);
  g_assert_true (track_at (f, 2) == a);
  undo (f);
  g_assert_true (track_at (f, 0) == a);
  g_assert_true (track_at (f, 1) == b);
  g_assert_true (track_at (f, 2) == c);
  redo (f);
  g_assert_true (track_at (f, 2) == a);
  undo (f);
  g_clear_pointer (&s, g_free);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);
}

static gboolean
has_send (StrataStrip *strip, const char *bus_id)
{
  GListModel *sends = strata_strip_get_sends (strip);

  for (guint i = 0; i < g_list_model_get_n_items (sends); i++)
    {
      g_autoptr(StrataSend) send = g_list_model_get_item (sends, i);
      if (g_str_equal (strata_send_get_bus (send), bus_id))
        return TRUE;
    }
  return FALSE;
}

static void
set_output (Fixture *f, gpointer strip, const char *output)
{
  g_autoptr(GError) error = NULL;
  StrataCommand *command = strata_commands_set_output (f->project, strip, output, &error);

  g_assert_no_error (error);
  push (f, command);
}

static void
add_send (Fixture *f, gpointer strip, const char *bus, gdouble level)
{
  g_autoptr(GError) error = NULL;
  StrataCommand *command = strata_commands_add_send (f->project, strip, bus, level, FALSE,
                                                     &error);

  g_assert_no_error (error);
  push (f, command);
}

static void
test_buses (Fixture *f, gconstpointer data)
{
  StrataTrack *t1 = add_track (f, "Kick");
  StrataTrack *t2 = add_track (f, "Snare");
  StrataBus *drums, *verb, *fx;
  g_autofree char *s0 = NULL;
  g_autofree char *s = NULL;

  drums = add_bus (f, "Drums");
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Add Bus");
  verb = add_bus (f, "Verb");
  g_assert_cmpstr (strip_id (drums), ==, "bus1");
  g_assert_cmpstr (strip_id (verb), ==, "bus2");
  g_assert_cmpstr (strata_strip_get_output (STRATA_STRIP (drums)), ==, "master");

  set_output (f, t1, "bus1");
  set_output (f, t2, "bus1");
  add_send (f, t1, "bus2", -12.0);
  add_send (f, drums, "bus2", -6.0);
  s0 = ser (f->project);

  /* Insert a bus first. */
  push (f, strata_commands_add_bus (f->project, "Fx", 0, &fx));
  g_assert_true (bus_at (f, 0) == fx);
  g_assert_cmpstr (strip_id (fx), ==, "bus3");
  undo (f);
  g_assert_cmpuint (g_list_model_get_n_items (buses (f)), ==, 2);

  /* Remove the drums bus: its feeders go to the master, in the same undo step. */
  push (f, strata_commands_remove_bus (f->project, drums));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Delete Bus");
  g_assert_cmpuint (g_list_model_get_n_items (buses (f)), ==, 1);
  g_assert_true (bus_at (f, 0) == verb);
  g_assert_cmpstr (strata_strip_get_output (STRATA_STRIP (t1)), ==, "master");
  g_assert_cmpstr (strata_strip_get_output (STRATA_STRIP (t2)), ==, "master");
  g_assert_true (has_send (STRATA_STRIP (t1), "bus2"));
  assert_valid (f);
  undo (f);
  g_assert_cmpuint (g_list_model_get_n_items (buses (f)), ==, 2);
  g_assert_true (bus_at (f, 0) == drums);
  g_assert_cmpstr (strata_strip_get_output (STRATA_STRIP (t1)), ==, "bus1");
  g_assert_cmpstr (strata_strip_get_output (STRATA_STRIP (t2)), ==, "bus1");
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);

  /* Remove the verb bus: the sends to it go, and come back on undo. */
  push (f, strata_commands_remove_bus (f->project, verb));
  g_assert_false (has_send (STRATA_STRIP (t1), "bus2"));
  g_assert_false (has_send (STRATA_STRIP (drums), "bus2"));
  g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_sends (STRATA_STRIP (t1))), ==, 0);
  assert_valid (f);
  undo (f);
  g_assert_true (has_send (STRATA_STRIP (t1), "bus2"));
  g_assert_true (has_send (STRATA_STRIP (drums), "bus2"));
  redo (f);
  undo (f);
  g_clear_pointer (&s, g_free);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);

  /* Reorder buses. */
  push (f, strata_commands_move_bus (f->project, 1, 0));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Reorder Buses");
  g_assert_true (bus_at (f, 0) == verb);
  g_assert_true (bus_at (f, 1) == drums);
  undo (f);
  g_assert_true (bus_at (f, 0) == drums);
}

/* ---- strip properties, routing, sends, inserts -------------------------------------------- */

static void
test_volume_pan_merge (Fixture *f, gconstpointer data)
{
  StrataTrack *t = add_track (f, "One");
  StrataStrip *strip = STRATA_STRIP (t);
  guint depth;

  push (f, strata_commands_set_volume (f->project, strip, -6.0, 0, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Change Volume");
  g_assert_cmpfloat (strata_strip_get_volume_db (strip), ==, -6.0);
  strata_undo_stack_seal (stack (f));
  depth = strata_undo_stack_get_depth (stack (f));

  /* A drag: 50 pushes with one key make one step; undo returns to before the drag. */
  for (int i = 1; i <= 50; i++)
    push (f, strata_commands_set_volume (f->project, strip, -6.0 + i * 0.2, 7, NULL));
  g_assert_cmpfloat_with_epsilon (strata_strip_get_volume_db (strip), 4.0, 1e-9);
  g_assert_cmpuint (strata_undo_stack_get_depth (stack (f)), ==, depth + 1);
  undo (f);
  g_assert_cmpfloat (strata_strip_get_volume_db (strip), ==, -6.0);
  redo (f);
  g_assert_cmpfloat_with_epsilon (strata_strip_get_volume_db (strip), 4.0, 1e-9);
  g_assert_false (strata_undo_stack_can_redo (stack (f)));

  /* Seal ends the gesture: the next drag with the same key is a new step. */
  strata_undo_stack_seal (stack (f));
  push (f, strata_commands_set_volume (f->project, strip, 1.0, 7, NULL));
  push (f, strata_commands_set_volume (f->project, strip, 2.0, 7, NULL));
  g_assert_cmpuint (strata_undo_stack_get_depth (stack (f)), ==, depth + 2);
  /* A different key does not merge, nor does key 0. */
  push (f, strata_commands_set_volume (f->project, strip, 3.0, 8, NULL));
  g_assert_cmpuint (strata_undo_stack_get_depth (stack (f)), ==, depth + 3);
  push (f, strata_commands_set_volume (f->project, strip, -3.0, 0, NULL));
  push (f, strata_commands_set_volume (f->project, strip, -4.0, 0, NULL));
  g_assert_cmpuint (strata_undo_stack_get_depth (stack (f)), ==, depth + 5);
  undo (f);
  g_assert_cmpfloat (strata_strip_get_volume_db (strip), ==, -3.0);
  undo (f);
  g_assert_cmpfloat (strata_strip_get_volume_db (strip), ==, 3.0);
  undo (f);
  g_assert_cmpfloat (strata_strip_get_volume_db (strip), ==, 2.0);
  undo (f);
  g_assert_cmpfloat_with_epsilon (strata_strip_get_volume_db (strip), 4.0, 1e-9);

  /* Pan with the same key as the volume drag does not fold into it. */
  strata_undo_stack_seal (stack (f));
  depth = strata_undo_stack_get_depth (stack (f));
  push (f, strata_commands_set_volume (f->project, strip, 0.5, 9, NULL));
  for (int i = 1; i <= 10; i++)
    push (f, strata_commands_set_pan (f->project, strip, -i / 10.0, 9, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Change Pan");
  g_assert_cmpuint (strata_undo_stack_get_depth (stack (f)), ==, depth + 2);
  g_assert_cmpfloat (strata_strip_get_pan (strip), ==, -1.0);
  undo (f);
  g_assert_cmpfloat (strata_strip_get_pan (strip), ==, 0.0);
  g_assert_cmpfloat (strata_strip_get_volume_db (strip), ==, 0.5);
  /* After an undo nothing merges into the step below. */
  push (f, strata_commands_set_volume (f->project, strip, 0.75, 9, NULL));
  g_assert_cmpuint (strata_undo_stack_get_depth (stack (f)), ==, depth + 2);

  /* -inf is allowed; out of range is refused. */
  push (f, strata_commands_set_volume (f->project, strip, -INFINITY, 0, NULL));
  g_assert_true (isinf (strata_strip_get_volume_db (strip)));
  {
    g_autofree char *s = ser (f->project);
    guint d = strata_undo_stack_get_depth (stack (f));
    assert_refused (f, s, d, strata_commands_set_volume (f->project, strip, 12.5, 0, error),
                    STRATA_ERROR_INVALID);
    assert_refused (f, s, d, strata_commands_set_volume (f->project, strip, -145, 0, error),
                    STRATA_ERROR_INVALID);
    assert_refused (f, s, d, strata_commands_set_volume (f->project, strip, NAN, 0, error),
                    STRATA_ERROR_INVALID);
    assert_refused (f, s, d, strata_commands_set_pan (f->project, strip, 1.01, 0, error),
                    STRATA_ERROR_INVALID);
    assert_refused (f, s, d, strata_commands_set_pan (f->project, strip, NAN, 0, error),
                    STRATA_ERROR_INVALID);
  }
  while (strata_undo_stack_undo (stack (f)))
    ;
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, 0);
}

static void
test_output_cycle (Fixture *f, gconstpointer data)
{
  StrataTrack *t = add_track (f, "One");
  StrataBus *a = add_bus (f, "A");
  StrataBus *b = add_bus (f, "B");
  StrataBus *c = add_bus (f, "C");
  g_autofree char *s0 = NULL;
  g_autoptr(GError) cycle_error = NULL;
  guint depth;

  set_output (f, a, "bus2");
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Change Output");
  g_assert_cmpstr (strata_strip_get_output (STRATA_STRIP (a)), ==, "bus2");
  undo (f);
  g_assert_cmpstr (strata_strip_get_output (STRATA_STRIP (a)), ==, "master");
  redo (f);
  set_output (f, b, "bus3");
  set_output (f, t, "bus1");
  s0 = ser (f->project);
  depth = strata_undo_stack_get_depth (stack (f));

  /* c -> a -> b -> c: refused, and the message names the cycle. */
  g_assert_null (strata_commands_set_output (f->project, STRATA_STRIP (c), "bus1", &cycle_error));
  g_assert_error (cycle_error, STRATA_ERROR, STRATA_ERROR_INVALID);
  g_assert_nonnull (strstr (cycle_error->message, "bus3 -> bus1 -> bus2 -> bus3"));
  g_clear_error (&cycle_error);
  /* A bus into itself, and to a bus that does not exist. */
  assert_refused (f, s0, depth, strata_commands_set_output (f->project, STRATA_STRIP (b),
                                                             "bus2", error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_set_output (f->project, STRATA_STRIP (b),
                                                             "nope", error),
                  STRATA_ERROR_NOT_FOUND);
  /* A track can go to any bus. */
  set_output (f, t, "bus3");
  set_output (f, a, "master");
  set_output (f, c, "bus1");
  assert_valid (f);
  g_assert_cmpstr (strata_strip_get_output (STRATA_STRIP (c)), ==, "bus1");
}

static void
test_sends (Fixture *f, gconstpointer data)
{
  StrataTrack *t = add_track (f, "One");
  StrataBus *a = add_bus (f, "A");
  StrataBus *b = add_bus (f, "B");
  GListModel *sends = strata_strip_get_sends (STRATA_STRIP (t));
  g_autoptr(StrataSend) first = NULL;
  g_autofree char *s0 = NULL;
  guint depth;

  add_send (f, t, "bus1", -12.0);
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Add Send");
  add_send (f, t, "bus2", -3.0);
  g_assert_cmpuint (g_list_model_get_n_items (sends), ==, 2);
  first = g_list_model_get_item (sends, 0);
  g_assert_cmpstr (strata_send_get_bus (first), ==, "bus1");
  g_assert_cmpfloat (strata_send_get_level_db (first), ==, -12.0);
  g_assert_false (strata_send_get_pre_fader (first));
  undo (f);
  g_assert_cmpuint (g_list_model_get_n_items (sends), ==, 1);
  redo (f);

  push (f, strata_commands_remove_send (f->project, STRATA_STRIP (t), first));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Remove Send");
  g_assert_cmpuint (g_list_model_get_n_items (sends), ==, 1);
  g_assert_false (has_send (STRATA_STRIP (t), "bus1"));
  undo (f);
  /* Back in its place, the first. */
  {
    g_autoptr(StrataSend) again = g_list_model_get_item (sends, 0);
    g_assert_true (again == first);
  }

  /* a sends to b; b may not output to a nor send to a. */
  add_send (f, a, "bus2", -6.0);
  s0 = ser (f->project);
  depth = strata_undo_stack_get_depth (stack (f));
  assert_refused (f, s0, depth, strata_commands_set_output (f->project, STRATA_STRIP (b),
                                                             "bus1", error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_add_send (f->project, STRATA_STRIP (b), "bus1",
                                                           0.0, FALSE, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_add_send (f->project, STRATA_STRIP (a), "bus1",
                                                           0.0, FALSE, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_add_send (f->project, STRATA_STRIP (t),
                                                           "master", 0.0, FALSE, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_add_send (f->project, STRATA_STRIP (t), "nope",
                                                           0.0, FALSE, error),
                  STRATA_ERROR_NOT_FOUND);
  assert_refused (f, s0, depth, strata_commands_add_send (f->project, STRATA_STRIP (b), "bus1",
                                                           13.0, FALSE, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth, strata_commands_add_send (f->project, STRATA_STRIP (a), "bus2",
                                                           NAN, FALSE, error),
                  STRATA_ERROR_INVALID);
  /* Nor may the master feed a bus: it has no output and no sends. */
  assert_refused (f, s0, depth,
                  strata_commands_add_send (f->project,
                                            STRATA_STRIP (strata_project_get_master (f->project)),
                                            "bus1", 0.0, FALSE, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s0, depth,
                  strata_commands_set_output (f->project,
                                              STRATA_STRIP (strata_project_get_master (f->project)),
                                              "bus1", error),
                  STRATA_ERROR_INVALID);
  assert_valid (f);
}

static StrataInsert *
insert_new (const char *kind)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "gain_db", "d", 1.5);
  return strata_insert_new (kind, g_variant_dict_end (&dict));
}

static const char *
insert_kind (StrataStrip *strip, guint i)
{
  g_autoptr(StrataInsert) insert = g_list_model_get_item (strata_strip_get_inserts (strip), i);
  g_assert_nonnull (insert);
  return strata_insert_get_kind (insert);
}

static void
test_inserts (Fixture *f, gconstpointer data)
{
  StrataStrip *strip = STRATA_STRIP (add_track (f, "One"));
  GListModel *inserts = strata_strip_get_inserts (strip);
  g_autoptr(StrataInsert) eq = insert_new ("low_shelf");
  g_autoptr(StrataInsert) comp = insert_new ("compressor");
  g_autoptr(StrataInsert) gate = insert_new ("high_shelf");

  push (f, strata_commands_add_insert (f->project, strip, eq, 0));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Add Effect");
  push (f, strata_commands_add_insert (f->project, strip, comp, 99));
  push (f, strata_commands_add_insert (f->project, strip, gate, 0));
  g_assert_cmpuint (g_list_model_get_n_items (inserts), ==, 3);
  g_assert_cmpstr (insert_kind (strip, 0), ==, "high_shelf");
  g_assert_cmpstr (insert_kind (strip, 1), ==, "low_shelf");
  g_assert_cmpstr (insert_kind (strip, 2), ==, "compressor");
  undo (f);
  g_assert_cmpuint (g_list_model_get_n_items (inserts), ==, 2);
  g_assert_cmpstr (insert_kind (strip, 0), ==, "low_shelf");
  redo (f);

  push (f, strata_commands_move_insert (f->project, strip, 0, 2));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Reorder Effects");
  g_assert_cmpstr (insert_kind (strip, 0), ==, "low_shelf");
  g_assert_cmpstr (insert_kind (strip, 1), ==, "compressor");
  g_assert_cmpstr (insert_kind (strip, 2), ==, "high_shelf");
  undo (f);
  g_assert_cmpstr (insert_kind (strip, 0), ==, "high_shelf");
  g_assert_cmpstr (insert_kind (strip, 2), ==, "compressor");
  redo (f);

  push (f, strata_commands_remove_insert (f->project, strip, comp));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Remove Effect");
  g_assert_cmpuint (g_list_model_get_n_items (inserts), ==, 2);
  g_assert_cmpstr (insert_kind (strip, 1), ==, "high_shelf");
  undo (f);
  g_assert_cmpstr (insert_kind (strip, 1), ==, "compressor");

  /* Insert automation follows its effect: [low_shelf, compressor, high_shelf] with lanes on
   * the shelves (gain_db is a parameter of both, docs/effects.md). */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *s0 = NULL;
    g_autofree char *s = NULL;
    StrataAutomationLane *lane;

    g_assert_null (strata_commands_add_point (f->project, strip, "inserts[3].gain_db", 0, 1.0,
                                              &error));
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (strata_commands_add_point (f->project, strip, "nothing", 0, 1.0, &error));
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
    push (f, strata_commands_add_point (f->project, strip, "inserts[0].gain_db", 0, 1.0, NULL));
    push (f, strata_commands_add_point (f->project, strip, "inserts[2].gain_db", 0, 2.0, NULL));
    s0 = ser (f->project);

    /* Moving low_shelf to the end: its lane becomes inserts[2], high_shelf's becomes inserts[1]. */
    push (f, strata_commands_move_insert (f->project, strip, 0, 2));
    g_assert_cmpstr (insert_kind (strip, 2), ==, "low_shelf");
    lane = strata_strip_find_lane (strip, "inserts[2].gain_db");
    g_assert_nonnull (lane);
    g_assert_cmpfloat (strata_automation_lane_value_at (lane, 0, 0), ==, 1.0);
    lane = strata_strip_find_lane (strip, "inserts[1].gain_db");
    g_assert_nonnull (lane);
    g_assert_cmpfloat (strata_automation_lane_value_at (lane, 0, 0), ==, 2.0);
    g_assert_null (strata_strip_find_lane (strip, "inserts[0].gain_db"));
    undo (f);
    s = ser (f->project);
    g_assert_cmpstr (s, ==, s0);

    /* Removing low_shelf drops its lane; high_shelf's lane becomes inserts[1]. */
    push (f, strata_commands_remove_insert (f->project, strip, eq));
    g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_automation (strip)), ==, 1);
    lane = strata_strip_find_lane (strip, "inserts[1].gain_db");
    g_assert_nonnull (lane);
    g_assert_cmpfloat (strata_automation_lane_value_at (lane, 0, 0), ==, 2.0);
    assert_valid (f);
    undo (f);
    g_clear_pointer (&s, g_free);
    s = ser (f->project);
    g_assert_cmpstr (s, ==, s0);
  }
}

/* ---- automation ---------------------------------------------------------------------------- */

static void
assert_points (StrataAutomationLane *lane, const StrataAutomationPoint *expected, guint n)
{
  guint n_points;
  const StrataAutomationPoint *points = strata_automation_lane_get_points (lane, &n_points);

  g_assert_cmpuint (n_points, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (points[i].frame, ==, expected[i].frame);
      g_assert_cmpfloat (points[i].value, ==, expected[i].value);
    }
}

static void
add_point (Fixture *f, StrataStrip *strip, const char *param, gint64 frame, gdouble value)
{
  g_autoptr(GError) error = NULL;
  StrataCommand *command = strata_commands_add_point (f->project, strip, param, frame, value,
                                                      &error);

  g_assert_no_error (error);
  push (f, command);
}

static void
test_automation (Fixture *f, gconstpointer data)
{
  StrataStrip *strip = STRATA_STRIP (add_track (f, "One"));
  GListModel *lanes = strata_strip_get_automation (strip);
  StrataAutomationLane *lane;
  g_autofree char *s0 = ser (f->project);
  g_autofree char *s = NULL;
  guint depth = strata_undo_stack_get_depth (stack (f));

  /* The first point creates the lane, in the same step. */
  add_point (f, strip, "volume_db", 0, -60.0);
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Add Automation Point");
  g_assert_cmpuint (g_list_model_get_n_items (lanes), ==, 1);
  lane = strata_strip_find_lane (strip, "volume_db");
  g_assert_nonnull (lane);
  undo (f);
  g_assert_cmpuint (g_list_model_get_n_items (lanes), ==, 0);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);
  redo (f);
  g_assert_true (strata_strip_find_lane (strip, "volume_db") == lane);

  add_point (f, strip, "volume_db", 96000, -12.0);
  add_point (f, strip, "volume_db", 48000, 0.0);
  {
    const StrataAutomationPoint expected[] = { { 0, -60.0 }, { 48000, 0.0 }, { 96000, -12.0 } };
    assert_points (lane, expected, 3);
  }
  /* Linear between points, held outside. */
  g_assert_cmpfloat (strata_automation_lane_value_at (lane, -100, 5.0), ==, -60.0);
  g_assert_cmpfloat (strata_automation_lane_value_at (lane, 0, 5.0), ==, -60.0);
  g_assert_cmpfloat_with_epsilon (strata_automation_lane_value_at (lane, 24000, 5.0), -30.0,
                                  1e-9);
  g_assert_cmpfloat_with_epsilon (strata_automation_lane_value_at (lane, 12000, 5.0), -45.0,
                                  1e-9);
  g_assert_cmpfloat_with_epsilon (strata_automation_lane_value_at (lane, 72000, 5.0), -6.0,
                                  1e-9);
  g_assert_cmpfloat (strata_automation_lane_value_at (lane, 96000, 5.0), ==, -12.0);
  g_assert_cmpfloat (strata_automation_lane_value_at (lane, 10 * SR, 5.0), ==, -12.0);

  /* A second point at 48000 makes a step: before it the ramp, from it the new value. */
  add_point (f, strip, "volume_db", 48000, -24.0);
  {
    const StrataAutomationPoint expected[] = { { 0, -60.0 }, { 48000, 0.0 }, { 48000, -24.0 },
                                               { 96000, -12.0 } };
    assert_points (lane, expected, 4);
  }
  g_assert_cmpfloat_with_epsilon (strata_automation_lane_value_at (lane, 47999, 5.0),
                                  -60.0 + 60.0 * 47999 / 48000, 1e-9);
  g_assert_cmpfloat (strata_automation_lane_value_at (lane, 48000, 5.0), ==, -24.0);
  g_assert_cmpfloat_with_epsilon (strata_automation_lane_value_at (lane, 72000, 5.0), -18.0,
                                  1e-9);
  undo (f);
  g_assert_cmpfloat (strata_automation_lane_value_at (lane, 48000, 5.0), ==, 0.0);
  redo (f);

  /* Move the step's second point later: it is re-sorted. */
  push (f, strata_commands_move_point (f->project, lane, 2, 120000, -3.0, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Move Automation Point");
  {
    const StrataAutomationPoint expected[] = { { 0, -60.0 }, { 48000, 0.0 }, { 96000, -12.0 },
                                               { 120000, -3.0 } };
    assert_points (lane, expected, 4);
  }
  undo (f);
  {
    const StrataAutomationPoint expected[] = { { 0, -60.0 }, { 48000, 0.0 }, { 48000, -24.0 },
                                               { 96000, -12.0 } };
    assert_points (lane, expected, 4);
  }
  push (f, strata_commands_remove_point (f->project, lane, 0));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Delete Automation Point");
  {
    const StrataAutomationPoint expected[] = { { 48000, 0.0 }, { 48000, -24.0 },
                                               { 96000, -12.0 } };
    assert_points (lane, expected, 3);
  }
  g_assert_cmpfloat (strata_automation_lane_value_at (lane, 0, 5.0), ==, 0.0);
  undo (f);
  g_assert_cmpfloat (strata_automation_lane_value_at (lane, 0, 5.0), ==, -60.0);

  /* Refused: values out of the parameter's range, negative frames. */
  g_clear_pointer (&s, g_free);
  s = ser (f->project);
  depth = strata_undo_stack_get_depth (stack (f));
  assert_refused (f, s, depth, strata_commands_add_point (f->project, strip, "volume_db", 0,
                                                           13.0, error), STRATA_ERROR_INVALID);
  assert_refused (f, s, depth, strata_commands_add_point (f->project, strip, "pan", 0, -1.5,
                                                           error), STRATA_ERROR_INVALID);
  assert_refused (f, s, depth, strata_commands_add_point (f->project, strip, "mute", 0, 0.5,
                                                           error), STRATA_ERROR_INVALID);
  assert_refused (f, s, depth, strata_commands_add_point (f->project, strip, "pan", -1, 0.0,
                                                           error), STRATA_ERROR_INVALID);
  assert_refused (f, s, depth, strata_commands_move_point (f->project, lane, 1, 0, NAN, error),
                  STRATA_ERROR_INVALID);

  /* A mute lane is stepped: no interpolation. */
  add_point (f, strip, "mute", 0, 0.0);
  add_point (f, strip, "mute", 48000, 1.0);
  g_assert_cmpuint (g_list_model_get_n_items (lanes), ==, 2);
  g_assert_cmpfloat (strata_automation_lane_value_at (strata_strip_find_lane (strip, "mute"),
                                                      47999, 5.0), ==, 0.0);
}

/* ---- tempo, markers, loop, punch ----------------------------------------------------------- */

static StrataTempoMap *
tempo_map (Fixture *f)
{
  return strata_timeline_get_tempo_map (timeline (f));
}

static gint64
bar_frame (Fixture *f, gint32 bar)
{
  StrataBbt bbt = { bar, 1, 0 };
  return strata_tempo_map_bbt_to_frame (tempo_map (f), &bbt);
}

static void
test_tempo (Fixture *f, gconstpointer data)
{
  const StrataTempoSegment *seg;
  g_autofree char *s0 = ser (f->project);
  g_autofree char *s1 = NULL;
  g_autofree char *s = NULL;
  guint depth = strata_undo_stack_get_depth (stack (f));

  g_assert_cmpuint (strata_tempo_map_get_n_segments (tempo_map (f)), ==, 1);
  /* 120 bpm 4/4: bar 17 starts after 16 * 4 half-second beats = 32 s. */
  g_assert_cmpint (bar_frame (f, 17), ==, 32 * SR);

  push (f, strata_commands_set_tempo (f->project, 17, 90.0, 3, 4, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Change Tempo");
  g_assert_cmpuint (strata_tempo_map_get_n_segments (tempo_map (f)), ==, 2);
  seg = strata_tempo_map_get_segment (tempo_map (f), 1);
  g_assert_cmpint (seg->bar, ==, 17);
  g_assert_cmpfloat (seg->bpm, ==, 90.0);
  g_assert_cmpuint (seg->numerator, ==, 3);
  g_assert_cmpuint (seg->denominator, ==, 4);
  g_assert_cmpint (seg->frame, ==, 32 * SR);
  /* A 3/4 bar at 90 bpm lasts 2 s. */
  g_assert_cmpint (bar_frame (f, 18), ==, 34 * SR);
  g_assert_cmpint (bar_frame (f, 17), ==, 32 * SR);
  s1 = ser (f->project);
  undo (f);
  g_assert_cmpuint (strata_tempo_map_get_n_segments (tempo_map (f)), ==, 1);
  g_assert_cmpint (bar_frame (f, 18), ==, 34 * SR);   /* 4/4 120: 17 * 2 s */
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);
  redo (f);
  g_clear_pointer (&s, g_free);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s1);

  /* Changing the first segment moves the later one in time. */
  push (f, strata_commands_set_tempo (f->project, 1, 60.0, 4, 4, NULL));
  g_assert_cmpuint (strata_tempo_map_get_n_segments (tempo_map (f)), ==, 2);
  g_assert_cmpint (strata_tempo_map_get_segment (tempo_map (f), 1)->frame, ==, 64 * SR);
  undo (f);
  g_assert_cmpint (strata_tempo_map_get_segment (tempo_map (f), 1)->frame, ==, 32 * SR);

  /* Remove the change at bar 17, then undo. */
  push (f, strata_commands_remove_tempo (f->project, 17, NULL));
  g_assert_cmpuint (strata_tempo_map_get_n_segments (tempo_map (f)), ==, 1);
  g_clear_pointer (&s, g_free);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);
  undo (f);
  g_assert_cmpuint (strata_tempo_map_get_n_segments (tempo_map (f)), ==, 2);
  g_assert_cmpfloat (strata_tempo_map_get_segment (tempo_map (f), 1)->bpm, ==, 90.0);

  depth = strata_undo_stack_get_depth (stack (f));
  assert_refused (f, s1, depth, strata_commands_remove_tempo (f->project, 9, error),
                  STRATA_ERROR_NOT_FOUND);
  assert_refused (f, s1, depth, strata_commands_remove_tempo (f->project, 1, error),
                  STRATA_ERROR_NOT_FOUND);
  assert_refused (f, s1, depth, strata_commands_set_tempo (f->project, 5, 0.0, 4, 4, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s1, depth, strata_commands_set_tempo (f->project, 5, 1000.0, 4, 4, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s1, depth, strata_commands_set_tempo (f->project, 5, 120.0, 0, 4, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s1, depth, strata_commands_set_tempo (f->project, 5, 120.0, 4, 3, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s1, depth, strata_commands_set_tempo (f->project, 5, 120.0, 4, 260, error),
                  STRATA_ERROR_INVALID);
  assert_refused (f, s1, depth, strata_commands_set_tempo (f->project, 0, 120.0, 4, 4, error),
                  STRATA_ERROR_INVALID);
}

static const char *
marker_name (Fixture *f, guint i)
{
  g_autoptr(StrataMarker) m = g_list_model_get_item (strata_timeline_get_markers (timeline (f)),
                                                     i);
  g_assert_nonnull (m);
  return strata_marker_get_name (m);
}

static void
test_markers (Fixture *f, gconstpointer data)
{
  GListModel *markers = strata_timeline_get_markers (timeline (f));
  g_autoptr(StrataMarker) verse = NULL;
  g_autofree char *s0 = NULL;
  g_autofree char *s = NULL;

  push (f, strata_commands_add_marker (f->project, "Chorus", 8 * SR));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Add Marker");
  push (f, strata_commands_add_marker (f->project, "Intro", 0));
  push (f, strata_commands_add_marker (f->project, "Verse", 2 * SR));
  g_assert_cmpuint (g_list_model_get_n_items (markers), ==, 3);
  g_assert_cmpstr (marker_name (f, 0), ==, "Intro");
  g_assert_cmpstr (marker_name (f, 1), ==, "Verse");
  g_assert_cmpstr (marker_name (f, 2), ==, "Chorus");
  undo (f);
  g_assert_cmpuint (g_list_model_get_n_items (markers), ==, 2);
  g_assert_cmpstr (marker_name (f, 1), ==, "Chorus");
  redo (f);
  verse = g_list_model_get_item (markers, 1);
  s0 = ser (f->project);

  /* Moving a marker keeps the list sorted, and its undo puts it back. */
  push (f, strata_property_command_new_value (verse, "frame", (gint64) 10 * SR));
  g_assert_cmpstr (marker_name (f, 0), ==, "Intro");
  g_assert_cmpstr (marker_name (f, 1), ==, "Chorus");
  g_assert_cmpstr (marker_name (f, 2), ==, "Verse");
  undo (f);
  g_assert_cmpstr (marker_name (f, 1), ==, "Verse");
  g_assert_cmpint (strata_marker_get_frame (verse), ==, 2 * SR);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);

  push (f, strata_commands_remove_marker (f->project, verse));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Delete Marker");
  g_assert_cmpuint (g_list_model_get_n_items (markers), ==, 2);
  g_assert_cmpstr (marker_name (f, 1), ==, "Chorus");
  undo (f);
  g_assert_cmpstr (marker_name (f, 1), ==, "Verse");

  /* Two markers at one frame sort by name; removing the first and undoing restores the
   * order (undo inserts it again). */
  push (f, strata_commands_add_marker (f->project, "Bridge", 2 * SR));
  g_assert_cmpstr (marker_name (f, 1), ==, "Bridge");
  g_assert_cmpstr (marker_name (f, 2), ==, "Verse");
  g_clear_pointer (&s0, g_free);
  s0 = ser (f->project);
  {
    g_autoptr(StrataMarker) bridge = g_list_model_get_item (markers, 1);
    push (f, strata_commands_remove_marker (f->project, bridge));
    g_assert_cmpstr (marker_name (f, 1), ==, "Verse");
    undo (f);
  }
  g_assert_cmpstr (marker_name (f, 1), ==, "Bridge");
  g_assert_cmpstr (marker_name (f, 2), ==, "Verse");
  g_clear_pointer (&s, g_free);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);
  /* Moving Verse away and back to the tie also gives the same list. */
  push (f, strata_property_command_new_value (verse, "frame", (gint64) 0));
  push (f, strata_property_command_new_value (verse, "frame", (gint64) 2 * SR));
  g_clear_pointer (&s, g_free);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);
  undo (f);
  undo (f);
  g_clear_pointer (&s, g_free);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, s0);

  /* A negative frame clamps to the start. */
  push (f, strata_commands_add_marker (f->project, "Pre", -5));
  g_assert_cmpstr (marker_name (f, 1), ==, "Pre");
}

static void
test_loop_punch (Fixture *f, gconstpointer data)
{
  gint64 start, end;
  gboolean enabled;
  g_autofree char *s0 = ser (f->project);
  guint depth = 0;

  push (f, strata_commands_set_loop (f->project, SR, 5 * SR, TRUE, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Change Loop Range");
  strata_timeline_get_loop (timeline (f), &start, &end, &enabled);
  g_assert_cmpint (start, ==, SR);
  g_assert_cmpint (end, ==, 5 * SR);
  g_assert_true (enabled);
  undo (f);
  strata_timeline_get_loop (timeline (f), &start, &end, &enabled);
  g_assert_cmpint (start, ==, 0);
  g_assert_cmpint (end, ==, 0);
  g_assert_false (enabled);
  redo (f);

  push (f, strata_commands_set_punch (f->project, 2 * SR, 3 * SR, FALSE, NULL));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Change Punch Range");
  strata_timeline_get_punch (timeline (f), &start, &end, &enabled);
  g_assert_cmpint (start, ==, 2 * SR);
  g_assert_cmpint (end, ==, 3 * SR);
  g_assert_false (enabled);
  /* The loop is untouched by the punch. */
  strata_timeline_get_loop (timeline (f), &start, &end, &enabled);
  g_assert_cmpint (end, ==, 5 * SR);
  undo (f);
  strata_timeline_get_punch (timeline (f), &start, &end, &enabled);
  g_assert_cmpint (end, ==, 0);

  {
    g_autofree char *s = ser (f->project);
    depth = strata_undo_stack_get_depth (stack (f));
    assert_refused (f, s, depth, strata_commands_set_loop (f->project, SR, SR, TRUE, error),
                    STRATA_ERROR_INVALID);
    assert_refused (f, s, depth, strata_commands_set_loop (f->project, SR, SR - 1, TRUE, error),
                    STRATA_ERROR_INVALID);
    assert_refused (f, s, depth, strata_commands_set_punch (f->project, 5, 4, TRUE, error),
                    STRATA_ERROR_INVALID);
    assert_refused (f, s, depth, strata_commands_set_punch (f->project, -1, 4, TRUE, error),
                    STRATA_ERROR_INVALID);
  }
  undo (f);
  {
    g_autofree char *s = ser (f->project);
    g_assert_cmpstr (s, ==, s0);
  }
}

/* ---- undo stack: labels, notifications, dirty ------------------------------------------- */

typedef struct
{
  guint can_undo;
  guint can_redo;
  guint undo_label;
  guint dirty;
  guint changed;
} Counts;

static void
count_notify_cb (GObject *object, GParamSpec *pspec, Counts *counts)
{
  if (g_str_equal (pspec->name, "can-undo"))
    counts->can_undo++;
  else if (g_str_equal (pspec->name, "can-redo"))
    counts->can_redo++;
  else if (g_str_equal (pspec->name, "undo-label"))
    counts->undo_label++;
  else if (g_str_equal (pspec->name, "dirty"))
    counts->dirty++;
}

static void
count_changed_cb (gpointer object, Counts *counts)
{
  counts->changed++;
}

static void
test_undo_stack (Fixture *f, gconstpointer data)
{
  StrataUndoStack *s = stack (f);
  Counts counts = { 0 };
  StrataTrack *t;
  gboolean b;

  g_signal_connect (s, "notify", G_CALLBACK (count_notify_cb), &counts);
  g_signal_connect (s, "changed", G_CALLBACK (count_changed_cb), &counts);
  g_signal_connect (f->project, "notify::dirty", G_CALLBACK (count_notify_cb), &counts);

  g_assert_false (strata_undo_stack_can_undo (s));
  g_assert_false (strata_undo_stack_can_redo (s));
  g_assert_null (strata_undo_stack_get_undo_label (s));
  g_assert_false (strata_project_get_dirty (f->project));
  g_assert_false (strata_undo_stack_undo (s));
  g_assert_false (strata_undo_stack_redo (s));

  t = add_track (f, "One");
  g_assert_cmpuint (counts.changed, ==, 1);
  g_assert_cmpuint (counts.can_undo, ==, 1);
  g_assert_cmpuint (counts.can_redo, ==, 0);
  g_assert_cmpuint (counts.dirty, ==, 1);
  g_assert_true (strata_project_get_dirty (f->project));
  g_object_get (s, "can-undo", &b, NULL);
  g_assert_true (b);

  /* A second edit changes the label but not can-undo nor dirty. */
  add_clip (f, t, f->m1, 0, 0, SR);
  g_assert_cmpuint (counts.changed, ==, 2);
  g_assert_cmpuint (counts.can_undo, ==, 1);
  g_assert_cmpuint (counts.dirty, ==, 1);
  g_assert_cmpuint (counts.undo_label, ==, 2);
  g_assert_cmpstr (strata_undo_stack_get_undo_label (s), ==, "Add Clip");

  undo (f);
  g_assert_cmpuint (counts.changed, ==, 3);
  g_assert_cmpuint (counts.can_redo, ==, 1);
  g_assert_cmpuint (counts.can_undo, ==, 1);
  g_assert_cmpstr (strata_undo_stack_get_undo_label (s), ==, "Add Track");
  g_assert_cmpstr (strata_undo_stack_get_redo_label (s), ==, "Add Clip");
  undo (f);
  g_assert_cmpuint (counts.can_undo, ==, 2);
  g_assert_false (strata_undo_stack_can_undo (s));
  g_assert_cmpuint (counts.dirty, ==, 2);
  g_assert_false (strata_project_get_dirty (f->project));
  redo (f);
  g_assert_cmpuint (counts.dirty, ==, 3);
  g_assert_true (strata_project_get_dirty (f->project));

  /* Saving makes it clean; undo past the save is dirty again, redo back is clean. */
  strata_project_mark_saved (f->project);
  g_assert_false (strata_project_get_dirty (f->project));
  g_assert_cmpuint (counts.dirty, ==, 4);
  redo (f);
  g_assert_true (strata_project_get_dirty (f->project));
  undo (f);
  g_assert_false (strata_project_get_dirty (f->project));
  /* A new edit over the redo tail at the saved point drops the tail: can-redo goes false. */
  counts.can_redo = 0;
  push (f, strata_commands_add_marker (f->project, "M", 0));
  g_assert_cmpuint (counts.can_redo, ==, 1);
  g_assert_false (strata_undo_stack_can_redo (s));
  g_assert_true (strata_project_get_dirty (f->project));
  undo (f);
  g_assert_false (strata_project_get_dirty (f->project));
  /* After a save, edits never merge into the saved step. */
  strata_undo_stack_seal (s);
  push (f, strata_commands_set_volume (f->project, STRATA_STRIP (t), -1.0, 3, NULL));
  strata_project_mark_saved (f->project);
  push (f, strata_commands_set_volume (f->project, STRATA_STRIP (t), -2.0, 3, NULL));
  g_assert_true (strata_project_get_dirty (f->project));
  undo (f);
  g_assert_false (strata_project_get_dirty (f->project));
  g_assert_cmpfloat (strata_strip_get_volume_db (STRATA_STRIP (t)), ==, -1.0);
  /* Saving with redo steps, then a new edit that removes them: the saved state is gone. */
  undo (f);
  g_assert_true (strata_project_get_dirty (f->project));
  push (f, strata_commands_set_volume (f->project, STRATA_STRIP (t), -5.0, 0, NULL));
  undo (f);
  g_assert_true (strata_project_get_dirty (f->project));

  strata_undo_stack_clear (s);
  g_assert_false (strata_undo_stack_can_undo (s));
  g_assert_false (strata_undo_stack_can_redo (s));
  g_assert_cmpuint (strata_undo_stack_get_depth (s), ==, 0);

  g_signal_handlers_disconnect_by_data (s, &counts);
  g_signal_handlers_disconnect_by_data (f->project, &counts);
}

/* ---- whole-project replacement ------------------------------------------------------------- */

static void
test_replace_content (Fixture *f, gconstpointer data)
{
  g_autoptr(StrataProject) other = strata_project_new (SR);
  StrataTimeline *before_timeline = timeline (f);
  GListModel *before_tracks = tracks (f);
  StrataTrack *t = add_track (f, "Mine");
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *s = NULL;
  StrataBus *bus;

  add_clip (f, t, f->m1, SR, 0, SR);
  add_bus (f, "Bus");
  set_output (f, t, "bus1");
  add_send (f, t, "bus1", -3.0);
  add_point (f, STRATA_STRIP (t), "pan", 0, 0.5);
  push (f, strata_commands_add_marker (f->project, "Mark", SR));
  push (f, strata_commands_set_tempo (f->project, 3, 100.0, 7, 8, NULL));
  push (f, strata_commands_set_loop (f->project, 0, SR, TRUE, NULL));
  push (f, strata_commands_set_volume (f->project,
                                       STRATA_STRIP (strata_project_get_master (f->project)),
                                       -2.0, 0, NULL));
  mine = ser (f->project);

  /* The other project: different everything. */
  {
    GListStore *sources = G_LIST_STORE (strata_project_get_sources (other));
    g_autoptr(StrataSource) src = strata_source_new ("x", "x.wav", 1, SR);
    StrataTrack *ot = NULL;
    g_autoptr(StrataClip) clip = strata_clip_new (src, 0, 0, SR / 2);
    g_list_store_append (sources, src);
    g_object_set (other, "name", "Other", NULL);
    strata_project_push (other, strata_commands_add_track (other, 1, "Theirs", 0, &ot));
    strata_project_push (other, strata_commands_add_track (other, 2, "Second", 1, NULL));
    strata_project_push (other, strata_commands_add_clip (other, ot, clip, NULL));
    strata_project_push (other, strata_commands_add_marker (other, "Z", 5));
    strata_project_push (other, strata_commands_add_bus (other, "B1", 0, NULL));
    strata_project_push (other, strata_commands_add_bus (other, "B2", 0, NULL));
    theirs = ser (other);
  }

  push (f, strata_commands_replace_content (f->project, other));
  g_assert_cmpstr (strata_undo_stack_get_undo_label (stack (f)), ==, "Replace Project");
  s = ser (f->project);
  g_assert_cmpstr (s, ==, theirs);
  g_clear_pointer (&s, g_free);
  /* The objects views bind to stay the same. */
  g_assert_true (timeline (f) == before_timeline);
  g_assert_true (tracks (f) == before_tracks);
  g_assert_cmpuint (g_list_model_get_n_items (tracks (f)), ==, 2);
  assert_valid (f);

  undo (f);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, mine);
  g_clear_pointer (&s, g_free);
  g_assert_true (track_at (f, 0) == t);
  redo (f);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, theirs);
  g_clear_pointer (&s, g_free);
  undo (f);

  /* Edits after the round trip still work and undo. */
  bus = bus_at (f, 0);
  push (f, strata_commands_remove_bus (f->project, bus));
  g_assert_cmpstr (strata_strip_get_output (STRATA_STRIP (t)), ==, "master");
  undo (f);
  s = ser (f->project);
  g_assert_cmpstr (s, ==, mine);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/commands/clips/add-remove", test_add_remove_clip);
  ADD ("/commands/clips/move", test_move_clips);
  ADD ("/commands/clips/trim", test_trim);
  ADD ("/commands/clips/fades", test_fades);
  ADD ("/commands/clips/split-join", test_split_join);
  ADD ("/commands/clips/join-refused", test_join_refused);
  ADD ("/commands/clips/duplicate", test_duplicate_clips);
  ADD ("/commands/clips/selection-duplicates", test_selection_duplicates);
  ADD ("/commands/tracks", test_tracks);
  ADD ("/commands/buses", test_buses);
  ADD ("/commands/strip/volume-pan-merge", test_volume_pan_merge);
  ADD ("/commands/strip/output-cycle", test_output_cycle);
  ADD ("/commands/strip/sends", test_sends);
  ADD ("/commands/strip/inserts", test_inserts);
  ADD ("/commands/automation", test_automation);
  ADD ("/commands/tempo", test_tempo);
  ADD ("/commands/markers", test_markers);
  ADD ("/commands/loop-punch", test_loop_punch);
  ADD ("/commands/undo-stack", test_undo_stack);
  ADD ("/commands/replace-content", test_replace_content);
#undef ADD

  return g_test_run ();
}
