/* test-graph-rt.c: the process path keeps the audio thread's rules (no allocation)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test binary interposes malloc and its kin; while `armed`, any call is counted. prepare
 * and process run over every kind of strip and clip (automation, sends, solo, fades, mono and
 * stereo), block sizes from 1 to 4096, and must allocate nothing.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>

#include "strata-files.h"
#include "strata-graph.h"
#include "strata-json.h"

extern void *__libc_malloc (size_t);
extern void *__libc_calloc (size_t, size_t);
extern void *__libc_realloc (void *, size_t);
extern void __libc_free (void *);

static volatile int armed;
static volatile int allocations;

void *malloc (size_t n) { if (armed) allocations++; return __libc_malloc (n); }
void *calloc (size_t a, size_t b) { if (armed) allocations++; return __libc_calloc (a, b); }
void *realloc (void *p, size_t n) { if (armed) allocations++; return __libc_realloc (p, n); }
void free (void *p) { if (armed && p) allocations++; __libc_free (p); }

static void
write_wav (const char *path, int channels, int frames)
{
  SF_INFO info = { .samplerate = 48000, .channels = channels,
                   .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);
  float *data = g_new (float, (gsize) frames * channels);

  for (int i = 0; i < frames * channels; i++)
    data[i] = 0.5f * sinf (0.01f * i);
  sf_writef_float (file, data, frames);
  sf_close (file);
  g_free (data);
}

static void
test_no_allocation (void)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-rt-XXXXXX", NULL);
  g_autofree char *mono = g_build_filename (dir, "mono.wav", NULL);
  g_autofree char *stereo = g_build_filename (dir, "stereo.wav", NULL);
  g_autofree char *json = g_build_filename (dir, "song.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  const guint blocks[] = { 1, 17, 64, 256, 4096 };
  float *out = g_new (float, 4096 * 2);

  write_wav (mono, 1, 96000);
  write_wav (stereo, 2, 96000);
  g_assert_true (g_file_set_contents (json,
    "{\"format\": \"strata-project\", \"version\": 1, \"sample_rate\": 48000,"
    " \"tempo_map\": [{\"at\": \"1.1.0\", \"bpm\": 120}],"
    " \"media\": [{\"id\": \"m\", \"path\": \"mono.wav\"}, {\"id\": \"s\", \"path\": \"stereo.wav\"}],"
    " \"buses\": [{\"id\": \"verb\", \"solo\": true, \"sends\": [],"
    "   \"inserts\": [{\"type\": \"hall_reverb\"}, {\"type\": \"delay\"}, {\"type\": \"chorus\"}],"
    "   \"automation\":"
    "   [{\"param\": \"pan\", \"points\": [{\"at\": 0, \"value\": -1}, {\"at\": 96000, \"value\": 1}]}]},"
    "   {\"id\": \"grp\", \"output\": \"verb\"}],"
    " \"tracks\": ["
    "  {\"id\": \"a\", \"channels\": 1, \"output\": \"grp\","
    "   \"sends\": [{\"bus\": \"verb\", \"level_db\": -6, \"pre_fader\": true}],"
    "   \"clips\": [{\"media\": \"m\", \"start\": 0, \"length\": 30000, \"fade_in\": 4800, \"fade_out\": 4800},"
    "               {\"media\": \"m\", \"start\": 30000, \"length\": 20}, {\"media\": \"m\", \"start\": 30020, \"length\": 60000}],"
    "   \"automation\": [{\"param\": \"volume_db\", \"points\": [{\"at\": 0, \"value\": -30}, {\"at\": 48000, \"value\": 0}]},"
    "                    {\"param\": \"mute\", \"points\": [{\"at\": 60000, \"value\": 1}, {\"at\": 70000, \"value\": 0}]}]},"
    "  {\"id\": \"b\", \"pan\": 0.3, \"sends\": [{\"bus\": \"verb\", \"level_db\": -12}],"
    "   \"inserts\": [{\"type\": \"eq\", \"params\": {\"b1_type\": \"peak\", \"b1_gain_db\": 6}},"
    "                {\"type\": \"compressor\"}, {\"type\": \"limiter\"}, {\"type\": \"utility\"}],"
    "   \"automation\": [{\"param\": \"inserts[3].gain_db\", \"points\": [{\"at\": 0, \"value\": -6},"
    "                    {\"at\": 5001, \"value\": -6}, {\"at\": 5001, \"value\": 0}, {\"at\": 90000, \"value\": -12}]}],"
    "   \"clips\": [{\"media\": \"s\", \"start\": 1000}]},"
    "  {\"id\": \"c\", \"channels\": 1, \"mute\": true, \"clips\": [{\"media\": \"s\", \"start\": 0}]}],"
    " \"master\": {\"volume_db\": -3, \"inserts\": [{\"type\": \"limiter\"}]}}", -1, NULL));
  project = strata_json_load_file (json, &error);
  g_assert_no_error (error);
  graph = strata_graph_compile (project, &error);
  g_assert_no_error (error);

  for (guint b = 0; b < G_N_ELEMENTS (blocks); b++)
    {
      g_autoptr(StrataGraphState) state = strata_graph_state_new (graph, blocks[b]);

      for (gboolean stems = FALSE; stems <= TRUE; stems++)
        {
          strata_graph_state_set_stems (state, stems);
          for (gint64 position = 0; position < 100000; position += blocks[b])
            {
              guint n_spans;
              const StrataClipSpan *spans;

              armed = 1;
              spans = strata_graph_prepare (graph, state, position, blocks[b], &n_spans);
              armed = 0;
              for (guint s = 0; s < n_spans; s++)
                for (guint k = 0; k < spans[s].n * 2; k++)
                  spans[s].buffer[k] = 0.25f;
              armed = 1;
              strata_graph_process (graph, state, position, blocks[b], out);
              armed = 0;
            }
        }
    }
  g_assert_cmpint (allocations, ==, 0);
  g_free (out);
  strata_remove_tree (dir);
}

/* The counter itself works: a test that cannot fail would prove nothing. */
static void
test_counter_counts (void)
{
  void *p;

  allocations = 0;
  armed = 1;
  p = g_malloc (16);
  g_free (p);
  armed = 0;
  g_assert_cmpint (allocations, ==, 2);
  allocations = 0;
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph/rt/counter-counts", test_counter_counts);
  g_test_add_func ("/graph/rt/no-allocation", test_no_allocation);
  return g_test_run ();
}
