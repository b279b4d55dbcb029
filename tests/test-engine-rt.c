/* test-engine-rt.c: the engine's audio thread keeps its rules (no allocation, no locks)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test binary interposes malloc and its kin and the mutex locks. While `armed`, a call
 * made on the dummy backend's thread (named "strata-dummy": it runs nothing but the engine's
 * process callback and its sleep) is counted. A 32-track project with clips and volume and
 * pan automation plays for 30 s while faders and pans move through the undo stack (each move
 * a parameter message to the audio thread, then a recompile and a program swap); the audio
 * thread must allocate, free and lock nothing, play every frame and never run dry.
 *
 * The interposers must not allocate themselves: the thread's name is read with prctl() into
 * a stack buffer (and remembered in a thread-local flag once it matched); the real lock
 * functions are found with dlsym() before anything is armed.
 */
#define _GNU_SOURCE
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "strata-commands.h"
#include "strata-engine.h"
#include "strata-files.h"
#include "strata-test-audio.h"

/* ---- the interposers ------------------------------------------------------------------------ */

extern void *__libc_malloc (size_t);
extern void *__libc_calloc (size_t, size_t);
extern void *__libc_realloc (void *, size_t);
extern void *__libc_memalign (size_t, size_t);
extern void __libc_free (void *);

#define AUDIO_THREAD_NAME "strata-dummy"
#define N_CALLERS 8

static int armed;
static int allocations;
static int frees;
static int locks;
static void *callers[N_CALLERS];   /* where the first counted calls came from */
static int n_callers;

/* Set once the thread's name has been seen to be the audio thread's. Only the positive
 * answer is kept: a new thread allocates (for its thread-specific data) before GLib names it. */
static __thread int is_audio_thread;

static inline gboolean
counting (void)
{
  if (!__atomic_load_n (&armed, __ATOMIC_RELAXED))
    return FALSE;
  if (!is_audio_thread)
    {
      char name[17] = { 0 };
      prctl (PR_GET_NAME, name, 0, 0, 0);
      is_audio_thread = strcmp (name, AUDIO_THREAD_NAME) == 0;
    }
  return is_audio_thread;
}

static inline void
count (int *counter, void *caller)
{
  int i = __atomic_fetch_add (&n_callers, 1, __ATOMIC_RELAXED);

  if (i < N_CALLERS)
    callers[i] = caller;
  __atomic_fetch_add (counter, 1, __ATOMIC_RELAXED);
}

#define COUNT(counter) count (&(counter), __builtin_return_address (0))

void *
malloc (size_t n)
{
  if (counting ())
    COUNT (allocations);
  return __libc_malloc (n);
}

void *
calloc (size_t a, size_t b)
{
  if (counting ())
    COUNT (allocations);
  return __libc_calloc (a, b);
}

void *
realloc (void *p, size_t n)
{
  if (counting ())
    COUNT (allocations);
  return __libc_realloc (p, n);
}

void
free (void *p)
{
  if (p != NULL && counting ())
    COUNT (frees);
  __libc_free (p);
}

int
posix_memalign (void **p, size_t alignment, size_t n)
{
  if (counting ())
    COUNT (allocations);
  *p = __libc_memalign (alignment, n);
  return *p != NULL || n == 0 ? 0 : ENOMEM;
}

void *
aligned_alloc (size_t alignment, size_t n)
{
  if (counting ())
    COUNT (allocations);
  return __libc_memalign (alignment, n);
}

void *
memalign (size_t alignment, size_t n)
{
  if (counting ())
    COUNT (allocations);
  return __libc_memalign (alignment, n);
}

typedef int (*PthreadLockFunc) (pthread_mutex_t *);
typedef void (*GMutexLockFunc) (GMutex *);
typedef void (*GRecMutexLockFunc) (GRecMutex *);

static void *real_pthread_mutex_lock;
static void *real_pthread_mutex_trylock;
static void *real_g_mutex_lock;
static void *real_g_rec_mutex_lock;

/* Found on first use: another library's constructor may lock before ours runs. dlsym() takes
 * the loader's own lock, not one of these. */
static void *
real (void **slot, const char *name)
{
  void *f = __atomic_load_n (slot, __ATOMIC_ACQUIRE);

  if (__builtin_expect (f == NULL, 0))
    {
      f = dlsym (RTLD_NEXT, name);
      __atomic_store_n (slot, f, __ATOMIC_RELEASE);
    }
  return f;
}

int
pthread_mutex_lock (pthread_mutex_t *mutex)
{
  if (counting ())
    COUNT (locks);
  return ((PthreadLockFunc) real (&real_pthread_mutex_lock, "pthread_mutex_lock")) (mutex);
}

int
pthread_mutex_trylock (pthread_mutex_t *mutex)
{
  if (counting ())
    COUNT (locks);
  return ((PthreadLockFunc) real (&real_pthread_mutex_trylock, "pthread_mutex_trylock")) (mutex);
}

/* GLib's mutexes are futexes on Linux, not pthread mutexes: count them too. */
void
g_mutex_lock (GMutex *mutex)
{
  if (counting ())
    COUNT (locks);
  ((GMutexLockFunc) real (&real_g_mutex_lock, "g_mutex_lock")) (mutex);
}

void
g_rec_mutex_lock (GRecMutex *mutex)
{
  if (counting ())
    COUNT (locks);
  ((GRecMutexLockFunc) real (&real_g_rec_mutex_lock, "g_rec_mutex_lock")) (mutex);
}

static void
resolve_real (void)
{
  g_assert_nonnull (real (&real_pthread_mutex_lock, "pthread_mutex_lock"));
  g_assert_nonnull (real (&real_pthread_mutex_trylock, "pthread_mutex_trylock"));
  g_assert_nonnull (real (&real_g_mutex_lock, "g_mutex_lock"));
  g_assert_nonnull (real (&real_g_rec_mutex_lock, "g_rec_mutex_lock"));
}

static void
reset_counts (void)
{
  __atomic_store_n (&allocations, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n (&frees, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n (&locks, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n (&n_callers, 0, __ATOMIC_SEQ_CST);
}

static void
report_callers (void)
{
  for (int i = 0; i < MIN (n_callers, N_CALLERS); i++)
    {
      Dl_info info = { 0 };
      if (dladdr (callers[i], &info) && info.dli_sname != NULL)
        g_test_message ("counted call from %s+%#lx", info.dli_sname,
                        (unsigned long) ((char *) callers[i] - (char *) info.dli_saddr));
      else
        g_test_message ("counted call from %p (%s)", callers[i],
                        info.dli_fname ? info.dli_fname : "?");
    }
}

/* ---- the counters count --------------------------------------------------------------------- */

typedef struct
{
  GMutex mutex;
  int    allocations, frees, locks;   /* counted while the thread's own code ran */
} Pretend;

static gpointer
pretend_audio (gpointer data)
{
  Pretend *p = data;
  pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;
  int a0 = __atomic_load_n (&allocations, __ATOMIC_SEQ_CST);
  int f0 = __atomic_load_n (&frees, __ATOMIC_SEQ_CST);
  int l0 = __atomic_load_n (&locks, __ATOMIC_SEQ_CST);
  void *block;

  block = g_malloc (16);           /* 1 allocation */
  block = g_realloc (block, 4096); /* 2 */
  g_free (block);                  /* 1 free */
  g_free (g_malloc0 (8));          /* 3 allocations, 2 frees */
  g_mutex_lock (&p->mutex);        /* 1 lock */
  g_mutex_unlock (&p->mutex);
  pthread_mutex_lock (&plain);     /* 2 locks */
  pthread_mutex_unlock (&plain);
  p->allocations = __atomic_load_n (&allocations, __ATOMIC_SEQ_CST) - a0;
  p->frees = __atomic_load_n (&frees, __ATOMIC_SEQ_CST) - f0;
  p->locks = __atomic_load_n (&locks, __ATOMIC_SEQ_CST) - l0;
  return NULL;
}

/* A test that cannot fail would prove nothing: calls on a thread with the audio thread's
 * name are counted, calls elsewhere are not. */
static void
test_counter_counts (void)
{
  Pretend pretend = { 0 };
  GThread *thread;
  void *block;

  g_mutex_init (&pretend.mutex);
  reset_counts ();
  __atomic_store_n (&armed, 1, __ATOMIC_SEQ_CST);
  block = g_malloc (32);           /* the main thread: not counted */
  g_free (block);
  g_mutex_lock (&pretend.mutex);
  g_mutex_unlock (&pretend.mutex);
  g_assert_cmpint (allocations + frees + locks, ==, 0);
  thread = g_thread_new (AUDIO_THREAD_NAME, pretend_audio, &pretend);
  g_thread_join (thread);
  __atomic_store_n (&armed, 0, __ATOMIC_SEQ_CST);
  g_mutex_clear (&pretend.mutex);
  g_assert_cmpint (pretend.allocations, ==, 3);
  g_assert_cmpint (pretend.frees, ==, 2);
  g_assert_cmpint (pretend.locks, ==, 2);
  reset_counts ();
}

/* ---- the project ---------------------------------------------------------------------------- */

#define RATE      48000
#define N_TRACKS  32
#define SECONDS   30
#define MEDIA_FRAMES (10 * RATE)

static char *work_dir;

static void
write_wav (const char *path, int channels, gint64 frames, double freq)
{
  g_autofree float *data = g_new (float, (gsize) frames * channels);

  for (gint64 i = 0; i < frames; i++)
    for (int c = 0; c < channels; c++)
      data[i * channels + c] = (float) (0.05 * sin (2.0 * G_PI * freq * (double) i / RATE + c));
  write_float_wav (path, RATE, channels, data, frames);
}

static void
push (StrataProject *project, StrataCommand *command, GError *error)
{
  g_assert_no_error (error);
  g_assert_nonnull (command);
  strata_project_push (project, command);
}

static void
add_point (StrataProject *project, gpointer strip, const char *param, gint64 frame, double value)
{
  GError *error = NULL;
  StrataCommand *command = strata_commands_add_point (project, STRATA_STRIP (strip), param, frame,
                                                      value, &error);
  push (project, command, error);
}

/* 32 tracks, mono and stereo in turn, each with three clips covering the 30 s (staggered, so
 * clip edges fall all over the periods, with fades), all but two with volume and pan
 * automation. */
static void
add_insert (StrataProject *project, StrataTrack *track, const char *type)
{
  g_autoptr(StrataInsert) insert = strata_insert_new (type, NULL);

  push (project, strata_commands_add_insert (project, STRATA_STRIP (track), insert, G_MAXUINT),
        NULL);
}

static StrataProject *
make_project (StrataTrack **tracks)
{
  StrataProject *project = strata_project_new (RATE);
  StrataSource *sources[4];

  strata_project_set_media_dir (project, work_dir);
  for (guint s = 0; s < 4; s++)
    {
      guint channels = s % 2 ? 2 : 1;
      g_autofree char *name = g_strdup_printf ("tone%u.wav", s);
      g_autofree char *id = g_strdup_printf ("tone%u", s);
      g_autofree char *path = g_build_filename (work_dir, name, NULL);
      g_autoptr(StrataSource) source = NULL;

      write_wav (path, (int) channels, MEDIA_FRAMES, 110.0 * (s + 1));
      source = strata_source_new (id, path, channels, MEDIA_FRAMES);
      strata_source_set_file_path (source, path);
      push (project, strata_commands_add_source (project, source), NULL);
      sources[s] = source;
    }
  for (guint t = 0; t < N_TRACKS; t++)
    {
      g_autofree char *name = g_strdup_printf ("Track %u", t + 1);
      StrataTrack *track = NULL;

      push (project, strata_commands_add_track (project, t % 2 ? 2 : 1, name, G_MAXUINT, &track),
            NULL);
      tracks[t] = track;
      for (guint k = 0; k < 3; k++)
        {
          gint64 start = (gint64) k * MEDIA_FRAMES + t * 37;
          g_autoptr(StrataClip) clip = strata_clip_new (sources[(t + k) % 4], start, t * 11,
                                                        MEDIA_FRAMES - 1000);
          GError *error = NULL;
          StrataCommand *command;

          g_object_set (clip, "fade-in", (gint64) 480, "fade-out", (gint64) 960, NULL);
          command = strata_commands_add_clip (project, track, clip, &error);
          push (project, command, error);
        }
      /* Every track runs an effect chain, one with latency; the audio thread must keep them
       * (and the delay lines that compensate) without allocating. */
      add_insert (project, track, t % 3 == 0 ? "limiter" : t % 3 == 1 ? "compressor" : "eq");
      /* The first two tracks are the ones the test's faders move: no automation in the way. */
      if (t < 2)
        continue;
      add_point (project, track, "volume_db", 0, -24.0);
      add_point (project, track, "volume_db", 15 * RATE + t, -12.0);
      add_point (project, track, "volume_db", SECONDS * RATE, -18.0);
      add_point (project, track, "pan", 0, -0.7);
      add_point (project, track, "pan", SECONDS * RATE - t, 0.7);
    }
  return project;
}

static void
on_changed (StrataProject *project, guint *n)
{
  (*n)++;
}

static void
on_error (StrataEngine *engine, const char *message, gpointer data)
{
  g_test_message ("engine error: %s", message);
  g_test_fail ();
}

/* Lets the main loop run (the engine's recompiles, its tick) until `frames` have played. */
static void
run_until (StrataEngine *engine, gint64 frames)
{
  gint64 deadline = g_get_monotonic_time () + 2 * SECONDS * G_USEC_PER_SEC;

  while (strata_engine_get_frames_played (engine) < frames)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

/* Whether a thread of this process has the name the counter looks for. */
static gboolean
audio_thread_exists (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *task;

  g_assert_nonnull (dir);
  while ((task = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", task, "comm", NULL);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (path, &comm, NULL, NULL)
          && g_str_equal (g_strchomp (comm), AUDIO_THREAD_NAME))
        return TRUE;
    }
  return FALSE;
}

static void
test_no_allocation (void)
{
  StrataTrack *tracks[N_TRACKS];
  g_autoptr(StrataProject) project = make_project (tracks);
  g_autoptr(StrataEngine) engine = strata_engine_new ();
  g_autoptr(GError) error = NULL;
  StrataEngineOptions options = { .backend = STRATA_BACKEND_DUMMY, .no_fallback = TRUE };
  const gint64 total = (gint64) SECONDS * RATE;
  StrataStrip *master = STRATA_STRIP (strata_project_get_master (project));
  guint changed = 0;

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_signal_connect (engine, "error", G_CALLBACK (on_error), NULL);
  g_assert_true (strata_engine_set_project (engine, project, &error));
  g_assert_no_error (error);
  options.config.rate = RATE;
  g_assert_true (strata_engine_start (engine, &options, &error));
  g_assert_no_error (error);
  g_signal_connect (project, "changed", G_CALLBACK (on_changed), &changed);

  reset_counts ();
  __atomic_store_n (&armed, 1, __ATOMIC_SEQ_CST);
  strata_engine_locate (engine, 0);
  strata_engine_set_stop_at (engine, total, 0);
  strata_engine_play (engine);
  run_until (engine, 1);
  /* The counter looks at the right thread (a name that matched none would count nothing). */
  g_assert_true (audio_thread_exists ());

  /* Every 5 s a fader (and a pan, and the master) moves: parameter messages, then a recompile
   * and a program swap on the audio thread. */
  for (guint move = 1; move < SECONDS / 5; move++)
    {
      StrataStrip *strip = STRATA_STRIP (tracks[move % 2]);
      GError *e = NULL;
      StrataCommand *command;

      run_until (engine, (gint64) move * 5 * RATE);
      command = strata_commands_set_volume (project, strip, -3.0 * move, 0, &e);
      push (project, command, e);
      command = strata_commands_set_pan (project, strip, move % 2 ? -0.5 : 0.5, 0, &e);
      push (project, command, e);
      command = strata_commands_set_volume (project, master, -1.0 * move, 0, &e);
      push (project, command, e);
    }
  g_assert_true (strata_engine_wait_stopped (engine, 2 * SECONDS * 1000));
  __atomic_store_n (&armed, 0, __ATOMIC_SEQ_CST);

  report_callers ();
  g_test_message ("audio thread: %d allocations, %d frees, %d locks; %u recompiles",
                  allocations, frees, locks, changed);
  g_assert_cmpint (allocations, ==, 0);
  g_assert_cmpint (frees, ==, 0);
  g_assert_cmpint (locks, ==, 0);
  g_assert_cmpint (strata_engine_get_frames_played (engine), ==, total);
  g_assert_cmpuint (strata_engine_get_xruns (engine), ==, 0);
  /* The moves did reach the engine: one recompile each at least. */
  g_assert_cmpuint (changed, >=, SECONDS / 5 - 1);
  g_assert_cmpint (strata_engine_get_position (engine), ==, total);
  strata_engine_shutdown (engine);
}

int
main (int argc, char *argv[])
{
  int status;

  resolve_real ();
  g_test_init (&argc, &argv, NULL);
  work_dir = g_dir_make_tmp ("strata-engine-rt-XXXXXX", NULL);
  g_assert_nonnull (work_dir);
  g_test_add_func ("/engine/rt/counter-counts", test_counter_counts);
  g_test_add_func ("/engine/rt/no-allocation", test_no_allocation);
  status = g_test_run ();
  strata_remove_tree (work_dir);
  g_free (work_dir);
  return status;
}
