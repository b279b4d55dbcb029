/* test-recorder.c: the recorder's state machine and the placement of takes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure logic, no audio. The expected regions are worked out by hand from the definition in
 * strata-recorder.h: file frame k was captured at seq record_seq + k and heard the output
 * played at seq record_seq + k - round_trip; a played segment {seq, position, n} puts
 * timeline position `position + i` at seq `seq + i`, so it is heard by file frame
 * seq + i + round_trip - record_seq. Only file frames in [0, file_frames) exist; with a punch
 * only positions in [punch_in, punch_out) are kept; a stretch continues a region only when
 * both its file frames and its positions follow on.
 */
#include <string.h>

#include "strata-error.h"
#include "strata-recorder.h"

/* ---- the state machine ---------------------------------------------------------------------- */

#define IDLE      STRATA_RECORDER_IDLE
#define ARMED     STRATA_RECORDER_ARMED
#define RECORDING STRATA_RECORDER_RECORDING
#define STOPPING  STRATA_RECORDER_STOPPING

static const char *
event_name (StrataRecorderEvent event)
{
  static const char *names[] = { "arm", "disarm", "record", "stop", "finished" };
  return names[event];
}

static void
test_transition_legal (void)
{
  static const struct
  {
    StrataRecorderState state;
    StrataRecorderEvent event;
    guint               n_armed;
    StrataRecorderState next;
  } cases[] = {
    { IDLE, STRATA_RECORDER_ARM, 1, ARMED },
    { IDLE, STRATA_RECORDER_DISARM, 0, IDLE },         /* disarming an unarmed track */
    { ARMED, STRATA_RECORDER_ARM, 2, ARMED },
    { ARMED, STRATA_RECORDER_DISARM, 1, ARMED },       /* one of two disarmed */
    { ARMED, STRATA_RECORDER_DISARM, 0, IDLE },        /* the last one disarmed */
    { ARMED, STRATA_RECORDER_RECORD, 1, RECORDING },
    { RECORDING, STRATA_RECORDER_STOP, 1, STOPPING },
    { STOPPING, STRATA_RECORDER_FINISHED, 1, ARMED },  /* tracks stay armed for the next take */
    { STOPPING, STRATA_RECORDER_FINISHED, 0, IDLE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      StrataRecorderState next = (StrataRecorderState) 99;

      g_test_message ("%s + %s (%u armed)", strata_recorder_state_name (cases[i].state),
                      event_name (cases[i].event), cases[i].n_armed);
      g_assert_true (strata_recorder_transition (cases[i].state, cases[i].event,
                                                 cases[i].n_armed, &next, &error));
      g_assert_no_error (error);
      g_assert_cmpint (next, ==, cases[i].next);
    }
}

static void
test_transition_illegal (void)
{
  static const struct
  {
    StrataRecorderState state;
    StrataRecorderEvent event;
    guint               n_armed;
    const char         *why;
  } cases[] = {
    { IDLE, STRATA_RECORDER_RECORD, 0, "record with nothing armed" },
    { RECORDING, STRATA_RECORDER_RECORD, 1, "record while recording" },
    { STOPPING, STRATA_RECORDER_RECORD, 1, "record while stopping" },
    { STOPPING, STRATA_RECORDER_STOP, 1, "stop while stopping" },
    { IDLE, STRATA_RECORDER_STOP, 0, "stop when idle" },
    { ARMED, STRATA_RECORDER_STOP, 1, "stop when armed, not recording" },
    { RECORDING, STRATA_RECORDER_ARM, 2, "arm while recording" },
    { RECORDING, STRATA_RECORDER_DISARM, 0, "disarm while recording" },
    { STOPPING, STRATA_RECORDER_ARM, 2, "arm while stopping" },
    { STOPPING, STRATA_RECORDER_DISARM, 0, "disarm while stopping" },
    { IDLE, STRATA_RECORDER_FINISHED, 0, "finished when idle" },
    { ARMED, STRATA_RECORDER_FINISHED, 1, "finished when armed" },
    { RECORDING, STRATA_RECORDER_FINISHED, 1, "finished while recording" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      StrataRecorderState next = (StrataRecorderState) 99;

      g_test_message ("%s", cases[i].why);
      g_assert_false (strata_recorder_transition (cases[i].state, cases[i].event,
                                                  cases[i].n_armed, &next, &error));
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
      /* The message says which state refused, for the status bar. */
      g_assert_nonnull (strstr (error->message, strata_recorder_state_name (cases[i].state)));
      g_assert_cmpint (next, ==, 99);
    }

  /* A NULL error is allowed (the engine's own bookkeeping passes one). */
  {
    StrataRecorderState next = (StrataRecorderState) 99;
    g_assert_false (strata_recorder_transition (IDLE, STRATA_RECORDER_STOP, 0, &next, NULL));
    g_assert_cmpint (next, ==, 99);
  }
}

static void
test_state_names (void)
{
  g_assert_cmpstr (strata_recorder_state_name (IDLE), ==, "idle");
  g_assert_cmpstr (strata_recorder_state_name (ARMED), ==, "armed");
  g_assert_cmpstr (strata_recorder_state_name (RECORDING), ==, "recording");
  g_assert_cmpstr (strata_recorder_state_name (STOPPING), ==, "stopping");
}

/* ---- placement ------------------------------------------------------------------------------ */

/* The segments the audio thread logs for a transport that rolls from `position` at seq `seq`
 * in periods of `period` frames, wrapping [loop_start, loop_end) when loop_end > 0, for
 * `frames` frames in all: a period that crosses the loop end is split in two. This only
 * builds the input; every expected region below is written out by hand. */
static GArray *
roll (gint64 seq, gint64 position, gint64 frames, gint64 period, gint64 loop_start,
      gint64 loop_end)
{
  GArray *segments = g_array_new (FALSE, FALSE, sizeof (StrataPlaySegment));
  gint64 done = 0;

  while (done < frames)
    {
      gint64 in_period = period - done % period;
      gint64 n = MIN (in_period, frames - done);
      StrataPlaySegment s;

      if (loop_end > 0 && position + n > loop_end)
        n = loop_end - position;
      s = (StrataPlaySegment) { seq + done, position, n };
      g_array_append_val (segments, s);
      done += n;
      position += n;
      if (loop_end > 0 && position == loop_end)
        position = loop_start;
    }
  return segments;
}

static void
expect_regions (GArray *regions, const StrataTakeRegion *expected, guint n_expected)
{
  for (guint i = 0; i < regions->len; i++)
    {
      const StrataTakeRegion *r = &g_array_index (regions, StrataTakeRegion, i);
      g_test_message ("region %u: file_start %" G_GINT64_FORMAT ", position %" G_GINT64_FORMAT
                      ", length %" G_GINT64_FORMAT, i, r->file_start, r->position, r->length);
    }
  g_assert_cmpuint (regions->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      const StrataTakeRegion *r = &g_array_index (regions, StrataTakeRegion, i);
      g_assert_cmpint (r->file_start, ==, expected[i].file_start);
      g_assert_cmpint (r->position, ==, expected[i].position);
      g_assert_cmpint (r->length, ==, expected[i].length);
    }
}

static GArray *
regions_of (GArray *segments, gint64 record_seq, gint64 file_frames, gint64 round_trip,
            gboolean punch, gint64 punch_in, gint64 punch_out)
{
  return strata_take_regions ((const StrataPlaySegment *) segments->data, segments->len,
                              record_seq, file_frames, round_trip, punch, punch_in, punch_out);
}

/* Recording started with playback at position 0 (seq 1000), 10 periods of 256, the tail
 * captured: file frames 0..255 heard the period before playback (nothing played), file frame
 * 256 heard position 0. */
static void
test_regions_linear (void)
{
  g_autoptr(GArray) segments = roll (1000, 0, 2560, 256, 0, 0);
  g_autoptr(GArray) regions = regions_of (segments, 1000, 256 + 2560, 256, FALSE, 0, 0);
  const StrataTakeRegion expected[] = { { 256, 0, 2560 } };

  g_assert_cmpuint (segments->len, ==, 10);
  expect_regions (regions, expected, G_N_ELEMENTS (expected));
}

/* A round trip of 0 places file frame 0 at the first played frame. */
static void
test_regions_no_latency (void)
{
  g_autoptr(GArray) segments = roll (512, 7000, 1000, 256, 0, 0);
  g_autoptr(GArray) regions = regions_of (segments, 512, 1000, 0, FALSE, 0, 0);
  const StrataTakeRegion expected[] = { { 0, 7000, 1000 } };

  expect_regions (regions, expected, G_N_ELEMENTS (expected));
}

/* Recording started while the transport was already rolling (the engine's log starts at
 * the record seq): the clip starts where the first logged segment played, round_trip frames
 * into the file. */
static void
test_regions_mid_playback (void)
{
  g_autoptr(GArray) segments = roll (5120, 48000, 1024, 256, 0, 0);
  g_autoptr(GArray) regions = regions_of (segments, 5120, 256 + 1024, 256, FALSE, 0, 0);
  const StrataTakeRegion expected[] = { { 256, 48000, 1024 } };

  expect_regions (regions, expected, G_N_ELEMENTS (expected));
}

/* Segments played before the record seq, given too: the file's first frames heard them.
 * Segment {0, 9000, 256}: file frames -744..-489, none exist. Segment {500, 10000, 512}:
 * file frames -244..267, so positions 10244..10511 at file frames 0..267. Segment
 * {1012, 10512, 1000}: file frames 268..1267, following on: one region. */
static void
test_regions_before_record (void)
{
  const StrataPlaySegment segments[] = {
    { 0, 9000, 256 }, { 500, 10000, 512 }, { 1012, 10512, 1000 },
  };
  g_autoptr(GArray) regions = strata_take_regions (segments, G_N_ELEMENTS (segments), 1000,
                                                   5000, 256, FALSE, 0, 0);
  const StrataTakeRegion expected[] = { { 0, 10244, 1268 } };

  expect_regions (regions, expected, G_N_ELEMENTS (expected));
}

/* Punch [1000, 3000) in a linear pass from 0 (record seq 0): position p is at file frame
 * p + 256. The punch edges fall inside periods (1000 = 3 * 256 + 232, 3000 = 11 * 256 + 184):
 * the trimmed pieces still join. */
static void
test_regions_punch (void)
{
  g_autoptr(GArray) segments = roll (0, 0, 5120, 256, 0, 0);
  g_autoptr(GArray) regions = regions_of (segments, 0, 256 + 5120, 256, TRUE, 1000, 3000);
  const StrataTakeRegion expected[] = { { 1256, 1000, 2000 } };

  expect_regions (regions, expected, G_N_ELEMENTS (expected));
}

/* A punch that starts before the recording and ends after it keeps what was recorded; one
 * wholly outside keeps nothing. */
static void
test_regions_punch_outside (void)
{
  g_autoptr(GArray) segments = roll (0, 2000, 1000, 256, 0, 0);
  g_autoptr(GArray) wide = regions_of (segments, 0, 256 + 1000, 256, TRUE, 0, 100000);
  g_autoptr(GArray) before = regions_of (segments, 0, 256 + 1000, 256, TRUE, 0, 2000);
  g_autoptr(GArray) after = regions_of (segments, 0, 256 + 1000, 256, TRUE, 3000, 4000);
  const StrataTakeRegion expected[] = { { 256, 2000, 1000 } };

  expect_regions (wide, expected, G_N_ELEMENTS (expected));
  expect_regions (before, NULL, 0);
  expect_regions (after, NULL, 0);
}

/* Loop [1000, 1600) (600 frames), three passes from the loop start, record seq 2048, round
 * trip 256, every frame captured (256 + 1800 file frames): one take per pass, each at 1000,
 * 600 long, file_start 256, 856, 1456. The loop end falls inside periods (600 = 2 * 256 +
 * 88), so each pass is made of pieces from different periods. */
static void
test_regions_loop (void)
{
  g_autoptr(GArray) segments = roll (2048, 1000, 1800, 256, 1000, 1600);
  g_autoptr(GArray) regions = regions_of (segments, 2048, 256 + 1800, 256, FALSE, 0, 0);
  const StrataTakeRegion expected[] = {
    { 256, 1000, 600 }, { 856, 1000, 600 }, { 1456, 1000, 600 },
  };

  expect_regions (regions, expected, G_N_ELEMENTS (expected));
}

/* Playback from 700, before the loop: the first pass is [700, 1600), 900 frames; then two
 * passes of the loop. */
static void
test_regions_loop_preroll (void)
{
  g_autoptr(GArray) segments = roll (0, 700, 900 + 1200, 256, 1000, 1600);
  g_autoptr(GArray) regions = regions_of (segments, 0, 256 + 2100, 256, FALSE, 0, 0);
  const StrataTakeRegion expected[] = {
    { 256, 700, 900 }, { 1156, 1000, 600 }, { 1756, 1000, 600 },
  };

  expect_regions (regions, expected, G_N_ELEMENTS (expected));
}

/* The same loop with punch [1100, 1500): each pass keeps 400 frames at 1100, 100 frames into
 * the pass. A punch that starts before the loop ([800, 1200)) keeps [1000, 1200) of each. */
static void
test_regions_loop_punch (void)
{
  g_autoptr(GArray) segments = roll (2048, 1000, 1800, 256, 1000, 1600);
  g_autoptr(GArray) inner = regions_of (segments, 2048, 256 + 1800, 256, TRUE, 1100, 1500);
  g_autoptr(GArray) early = regions_of (segments, 2048, 256 + 1800, 256, TRUE, 800, 1200);
  const StrataTakeRegion expected_inner[] = {
    { 356, 1100, 400 }, { 956, 1100, 400 }, { 1556, 1100, 400 },
  };
  const StrataTakeRegion expected_early[] = {
    { 256, 1000, 200 }, { 856, 1000, 200 }, { 1456, 1000, 200 },
  };

  expect_regions (inner, expected_inner, G_N_ELEMENTS (expected_inner));
  expect_regions (early, expected_early, G_N_ELEMENTS (expected_early));
}

/* A file shorter than the playback (the capture stopped before the last played frames came
 * back): the last region ends with the file; regions past the end disappear. */
static void
test_regions_truncated (void)
{
  g_autoptr(GArray) segments = roll (2048, 1000, 1800, 256, 1000, 1600);
  /* 100 frames short: the third pass keeps 500. */
  g_autoptr(GArray) short_loop = regions_of (segments, 2048, 256 + 1800 - 100, 256, FALSE, 0, 0);
  /* Exactly two passes' worth: the third is gone. */
  g_autoptr(GArray) two = regions_of (segments, 2048, 256 + 1200, 256, FALSE, 0, 0);
  /* Only the round trip: nothing heard any played frame. */
  g_autoptr(GArray) none = regions_of (segments, 2048, 256, 256, FALSE, 0, 0);
  g_autoptr(GArray) linear = roll (0, 0, 2560, 256, 0, 0);
  /* Linear, without the tail: the last 256 played frames were never captured. */
  g_autoptr(GArray) no_tail = regions_of (linear, 0, 2560, 256, FALSE, 0, 0);
  const StrataTakeRegion expected_short[] = {
    { 256, 1000, 600 }, { 856, 1000, 600 }, { 1456, 1000, 500 },
  };
  const StrataTakeRegion expected_two[] = { { 256, 1000, 600 }, { 856, 1000, 600 } };
  const StrataTakeRegion expected_linear[] = { { 256, 0, 2304 } };

  expect_regions (short_loop, expected_short, G_N_ELEMENTS (expected_short));
  expect_regions (two, expected_two, G_N_ELEMENTS (expected_two));
  expect_regions (none, NULL, 0);
  expect_regions (no_tail, expected_linear, G_N_ELEMENTS (expected_linear));
}

/* Contiguous segments merge whatever their sizes; a jump in position (a locate) or in seq
 * (periods in which nothing played, e.g. waiting for the butler) starts a new region. */
static void
test_regions_merge (void)
{
  const StrataPlaySegment contiguous[] = {
    { 100, 500, 17 }, { 117, 517, 239 }, { 356, 756, 256 }, { 612, 1012, 1 }, { 613, 1013, 3000 },
  };
  const StrataPlaySegment jumps[] = {
    { 0, 0, 256 },
    { 256, 5000, 256 },     /* located: the seq follows on, the position does not */
    { 768, 5256, 256 },     /* one period with nothing played: the position follows on */
    { 1024, 5512, 256 },
  };
  g_autoptr(GArray) merged = strata_take_regions (contiguous, G_N_ELEMENTS (contiguous), 100,
                                                  1000000, 256, FALSE, 0, 0);
  g_autoptr(GArray) split = strata_take_regions (jumps, G_N_ELEMENTS (jumps), 0, 1000000, 256,
                                                 FALSE, 0, 0);
  g_autoptr(GArray) empty = strata_take_regions (NULL, 0, 0, 1000, 256, FALSE, 0, 0);
  const StrataTakeRegion expected_merged[] = { { 256, 500, 17 + 239 + 256 + 1 + 3000 } };
  const StrataTakeRegion expected_split[] = {
    { 256, 0, 256 }, { 512, 5000, 256 }, { 1024, 5256, 512 },
  };

  expect_regions (merged, expected_merged, G_N_ELEMENTS (expected_merged));
  expect_regions (split, expected_split, G_N_ELEMENTS (expected_split));
  expect_regions (empty, NULL, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/recorder/transition/legal", test_transition_legal);
  g_test_add_func ("/recorder/transition/illegal", test_transition_illegal);
  g_test_add_func ("/recorder/transition/names", test_state_names);
  g_test_add_func ("/recorder/regions/linear", test_regions_linear);
  g_test_add_func ("/recorder/regions/no-latency", test_regions_no_latency);
  g_test_add_func ("/recorder/regions/mid-playback", test_regions_mid_playback);
  g_test_add_func ("/recorder/regions/before-record", test_regions_before_record);
  g_test_add_func ("/recorder/regions/punch", test_regions_punch);
  g_test_add_func ("/recorder/regions/punch-outside", test_regions_punch_outside);
  g_test_add_func ("/recorder/regions/loop", test_regions_loop);
  g_test_add_func ("/recorder/regions/loop-preroll", test_regions_loop_preroll);
  g_test_add_func ("/recorder/regions/loop-punch", test_regions_loop_punch);
  g_test_add_func ("/recorder/regions/truncated", test_regions_truncated);
  g_test_add_func ("/recorder/regions/merge", test_regions_merge);
  return g_test_run ();
}
