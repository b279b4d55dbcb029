/* strata-direct-file.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An export writes gigabytes the user will not read back soon: through the page cache, every
 * page of it is fresh memory for the kernel to find, fill and later write back, which costs
 * more system time than the whole mix on a virtual machine (bench/render's 1.5 GB of stems:
 * 0.5 to 3.5 s). Written with O_DIRECT in windows of a megabyte, the same bytes go from one
 * reused buffer to the disk in 0.1 s of system time.
 *
 * libsndfile still writes the file, through virtual I/O: the header at the start, the audio
 * appended after it, the tags and the final header at the close. Appends collect in an
 * aligned window that starts at the block holding the end of the file (the bytes already
 * there read back into it). A full window goes to the disk on a pool thread while a second
 * one fills, so the writer never waits on the device unless it outruns it. Anything else (a
 * seek, a write inside the file, a read, the close) first waits for that and writes out the
 * window, its last partial block through an ordinary descriptor, so the file always reads as
 * libsndfile wrote it.
 *
 * A window of nothing but zeros (a stem while its track is silent) is not written at all: it
 * stays a hole, which reads back as the same zeros, takes no disk space and no time of the
 * device. The close sets the file's length in case the holes run to its end.
 */
#define _GNU_SOURCE   /* O_DIRECT */
#define G_LOG_DOMAIN "strata-render"
#include "config.h"
#include "strata-direct-file.h"
#include "strata-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ALIGN  4096       /* O_DIRECT's offsets, lengths and buffer: any block size to a page */
#define WINDOW (1 << 20)  /* appended audio goes to the disk this much at a time */

struct _StrataDirectFile
{
  char   *name;
  int     fd;        /* ordinary writes and reads */
  int     direct;    /* O_DIRECT, -1 without */
  guint8 *windows[2];
  guint8 *window;    /* the one being filled: WINDOW bytes, aligned */
  GMutex  lock;      /* for `sending` and `error` while a window is out */
  GCond   sent;
  guint8 *sending;   /* the other one, when it is on its way to the disk */
  gint64  start;     /* the window's file offset (aligned), -1 when there is none */
  gsize   fill;
  gint64  position;  /* libsndfile's */
  gint64  length;
  int     error;     /* errno of the first failed write */
};

/* Each write's errno, 0 when it went well. */
static int
write_all (int fd, const guint8 *data, gsize n, gint64 offset)
{
  while (n > 0)
    {
      gssize done = pwrite (fd, data, n, offset);

      if (done < 0 && errno == EINTR)
        continue;
      if (done <= 0)
        return done < 0 ? errno : ENOSPC;
      data += done;
      n -= (gsize) done;
      offset += done;
    }
  return 0;
}

/* n bytes (whole blocks) of `data` to the disk at `offset`. A file system that turns O_DIRECT
 * down here (or writes only part: a full disk) gets the rest through the page cache. */
static int
send_now (StrataDirectFile *self, const guint8 *data, gsize n, gint64 offset)
{
  gssize done = -1;

  if (self->direct >= 0)
    {
      do
        done = pwrite (self->direct, data, n, offset);
      while (done < 0 && errno == EINTR);
      if (done < 0 && errno != EINVAL)
        return errno;
      if (done < 0)
        {
          close (self->direct);
          self->direct = -1;
        }
    }
  done = MAX (done, 0);
  return write_all (self->fd, data + done, n - (gsize) done, offset + done);
}

/* Keeps the first error; FALSE when there is one. Only while no window is on its way. */
static gboolean
check (StrataDirectFile *self, int error)
{
  if (self->error == 0)
    self->error = error;
  return self->error == 0;
}

typedef struct
{
  StrataDirectFile *file;
  gint64            offset;
} Sending;

static void
send_thread (gpointer data, gpointer user_data)
{
  Sending *job = data;
  StrataDirectFile *self = job->file;
  int error = send_now (self, self->sending, WINDOW, job->offset);

  g_mutex_lock (&self->lock);
  if (self->error == 0)
    self->error = error;
  self->sending = NULL;
  g_cond_signal (&self->sent);
  g_mutex_unlock (&self->lock);
  g_free (job);
}

/* Waits until no window is on its way; FALSE if any write failed. */
static gboolean
wait_sent (StrataDirectFile *self)
{
  gboolean ok;

  g_mutex_lock (&self->lock);
  while (self->sending != NULL)
    g_cond_wait (&self->sent, &self->lock);
  ok = self->error == 0;
  g_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
all_zero (const guint8 *data, gsize n)
{
  return data[0] == 0 && memcmp (data, data + 1, n - 1) == 0;
}

/* The full window goes to the disk on a pool thread while the other one fills; silence
 * stays a hole. */
static gboolean
send_window (StrataDirectFile *self)
{
  static GThreadPool *pool;
  static gsize once;
  Sending *job;

  if (all_zero (self->window, WINDOW))
    return TRUE;
  if (g_once_init_enter (&once))
    {
      pool = g_thread_pool_new (send_thread, NULL, 8, FALSE, NULL);
      g_once_init_leave (&once, 1);
    }
  if (!wait_sent (self))
    return FALSE;
  job = g_new (Sending, 1);
  job->file = self;
  job->offset = self->start;
  self->sending = self->window;
  self->window = self->window == self->windows[0] ? self->windows[1] : self->windows[0];
  g_thread_pool_push (pool, job, NULL);
  return TRUE;
}

/* Writes out the window, its last partial block through the page cache, and closes it. */
static gboolean
flush (StrataDirectFile *self)
{
  gsize whole = self->fill & ~(gsize) (ALIGN - 1);
  gboolean ok;

  if (self->start < 0)
    return TRUE;
  ok = wait_sent (self)
       && check (self, send_now (self, self->window, whole, self->start))
       && check (self, write_all (self->fd, self->window + whole, self->fill - whole,
                                  self->start + whole));
  self->start = -1;
  self->fill = 0;
  return ok;
}

/* Appends at the end of the file (position == length). */
static gboolean
append (StrataDirectFile *self, const guint8 *data, gsize n)
{
  if (self->start < 0)
    {
      gint64 start = self->position & ~(gint64) (ALIGN - 1);
      gsize head = (gsize) (self->position - start);

      if (head > 0 && pread (self->fd, self->window, head, start) != (gssize) head)
        return check (self, errno ? errno : EIO);
      self->start = start;
      self->fill = head;
    }
  while (n > 0)
    {
      gsize m = MIN (n, WINDOW - self->fill);

      memcpy (self->window + self->fill, data, m);
      self->fill += m;
      self->position += (gint64) m;
      self->length = self->position;
      data += m;
      n -= m;
      if (self->fill == WINDOW)
        {
          if (!send_window (self))
            return FALSE;
          self->start += WINDOW;
          self->fill = 0;
        }
    }
  return TRUE;
}

static sf_count_t
vio_get_filelen (void *user_data)
{
  StrataDirectFile *self = user_data;

  return self->length;
}

static sf_count_t
vio_seek (sf_count_t offset, int whence, void *user_data)
{
  StrataDirectFile *self = user_data;
  gint64 to = whence == SEEK_CUR ? self->position + offset
              : whence == SEEK_END ? self->length + offset : offset;

  if (to < 0)
    return -1;
  if (self->start >= 0 && to != self->position)
    flush (self);
  self->position = to;
  return to;
}

static sf_count_t
vio_read (void *ptr, sf_count_t count, void *user_data)
{
  StrataDirectFile *self = user_data;
  gssize done;

  if (!flush (self))
    return 0;
  done = pread (self->fd, ptr, (gsize) count, self->position);
  if (done <= 0)
    return 0;
  self->position += done;
  return done;
}

static sf_count_t
vio_write (const void *ptr, sf_count_t count, void *user_data)
{
  StrataDirectFile *self = user_data;

  if (self->position == self->length)
    {
      if (!append (self, ptr, (gsize) count))
        return 0;
      return count;
    }
  if (!flush (self) || !check (self, write_all (self->fd, ptr, (gsize) count, self->position)))
    return 0;
  self->position += count;
  self->length = MAX (self->length, self->position);
  return count;
}

static sf_count_t
vio_tell (void *user_data)
{
  StrataDirectFile *self = user_data;

  return self->position;
}

SF_VIRTUAL_IO *
strata_direct_file_vio (void)
{
  static SF_VIRTUAL_IO vio = {
    .get_filelen = vio_get_filelen,
    .seek = vio_seek,
    .read = vio_read,
    .write = vio_write,
    .tell = vio_tell,
  };

  return &vio;
}

StrataDirectFile *
strata_direct_file_new (const char *path, const char *name, GError **error)
{
  g_autoptr(StrataDirectFile) self = g_new0 (StrataDirectFile, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->sent);
  self->name = g_strdup (name);
  self->direct = -1;
  self->start = -1;
  self->fd = g_open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (self->fd < 0)
    {
      int saved = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot write: %s"), name,
                   g_strerror (saved));
      return NULL;
    }
  self->direct = g_open (path, O_WRONLY | O_DIRECT | O_CLOEXEC, 0);   /* -1: not here */
  self->windows[0] = g_aligned_alloc (WINDOW, 1, ALIGN);
  self->windows[1] = g_aligned_alloc (WINDOW, 1, ALIGN);
  self->window = self->windows[0];
  return g_steal_pointer (&self);
}

int
strata_direct_file_get_error (StrataDirectFile *self)
{
  return self->error;
}

gboolean
strata_direct_file_close (StrataDirectFile *self, GError **error)
{
  struct stat st;
  int saved;

  if (flush (self) && fstat (self->fd, &st) == 0 && st.st_size < self->length)
    check (self, ftruncate (self->fd, self->length) == 0 ? 0 : errno);
  if (self->direct >= 0 && close (self->direct) != 0)
    check (self, errno);
  self->direct = -1;
  if (close (self->fd) != 0)
    check (self, errno);
  self->fd = -1;
  saved = self->error;
  if (saved != 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("%s: cannot write: %s"), self->name,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

void
strata_direct_file_free (StrataDirectFile *self)
{
  if (self == NULL)
    return;
  wait_sent (self);
  if (self->direct >= 0)
    close (self->direct);
  if (self->fd >= 0)
    close (self->fd);
  g_aligned_free (self->windows[0]);
  g_aligned_free (self->windows[1]);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->sent);
  g_free (self->name);
  g_free (self);
}
