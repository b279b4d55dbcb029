/* strata-source.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-source"
#include "config.h"
#include "strata-source.h"
#include "strata-props-private.h"
#include "strata-error.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>

struct _StrataSource
{
  GObject parent_instance;
  char   *id;
  char   *name;
  char   *path;
  char   *file_path;
  char   *hash;
  guint   channels;
  gint64  frames;
};

G_DEFINE_FINAL_TYPE (StrataSource, strata_source, G_TYPE_OBJECT)

enum { PROP_0, PROP_ID, PROP_NAME, PROP_PATH, PROP_FILE_PATH, PROP_HASH, PROP_CHANNELS,
       PROP_FRAMES, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
strata_source_finalize (GObject *object)
{
  StrataSource *self = STRATA_SOURCE (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->path);
  g_free (self->file_path);
  g_free (self->hash);
  G_OBJECT_CLASS (strata_source_parent_class)->finalize (object);
}

static void
strata_source_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  StrataSource *self = STRATA_SOURCE (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, strata_source_get_name (self)); break;
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_FILE_PATH: g_value_set_string (value, self->file_path); break;
    case PROP_HASH: g_value_set_string (value, self->hash); break;
    case PROP_CHANNELS: g_value_set_uint (value, self->channels); break;
    case PROP_FRAMES: g_value_set_int64 (value, self->frames); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_source_set_property (GObject *object, guint prop_id, const GValue *value,
                            GParamSpec *pspec)
{
  StrataSource *self = STRATA_SOURCE (object);

  switch (prop_id)
    {
    case PROP_ID: self->id = g_value_dup_string (value); break;
    case PROP_NAME: strata_source_set_name (self, g_value_get_string (value)); break;
    case PROP_PATH: self->path = g_value_dup_string (value); break;
    case PROP_FILE_PATH: strata_source_set_file_path (self, g_value_get_string (value)); break;
    case PROP_HASH: strata_source_set_hash (self, g_value_get_string (value)); break;
    case PROP_CHANNELS: self->channels = g_value_get_uint (value); break;
    case PROP_FRAMES: self->frames = g_value_get_int64 (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_source_class_init (StrataSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = strata_source_finalize;
  object_class->get_property = strata_source_get_property;
  object_class->set_property = strata_source_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, co);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, co);
  properties[PROP_FILE_PATH] = g_param_spec_string ("file-path", NULL, NULL, NULL, rw);
  properties[PROP_HASH] = g_param_spec_string ("hash", NULL, NULL, NULL, rw);
  properties[PROP_CHANNELS] = g_param_spec_uint ("channels", NULL, NULL, 1, 2, 1, co);
  properties[PROP_FRAMES] = g_param_spec_int64 ("frames", NULL, NULL, 0, G_MAXINT64, 0, co);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_source_init (StrataSource *self)
{
}

StrataSource *
strata_source_new (const char *id, const char *path, guint channels, gint64 frames)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (channels == 1 || channels == 2, NULL);

  return g_object_new (STRATA_TYPE_SOURCE, "id", id, "path", path, "channels", channels,
                       "frames", frames, NULL);
}

const char *
strata_source_get_id (StrataSource *self)
{
  g_return_val_if_fail (STRATA_IS_SOURCE (self), NULL);
  return self->id;
}

const char *
strata_source_get_name (StrataSource *self)
{
  g_return_val_if_fail (STRATA_IS_SOURCE (self), NULL);
  return self->name ? self->name : self->id;
}

void
strata_source_set_name (StrataSource *self, const char *name)
{
  g_return_if_fail (STRATA_IS_SOURCE (self));
  if (strata_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
strata_source_get_path (StrataSource *self)
{
  g_return_val_if_fail (STRATA_IS_SOURCE (self), NULL);
  return self->path;
}

const char *
strata_source_get_file_path (StrataSource *self)
{
  g_return_val_if_fail (STRATA_IS_SOURCE (self), NULL);
  return self->file_path;
}

void
strata_source_set_file_path (StrataSource *self, const char *file_path)
{
  g_return_if_fail (STRATA_IS_SOURCE (self));
  if (strata_set_str (&self->file_path, file_path))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE_PATH]);
}

const char *
strata_source_get_hash (StrataSource *self)
{
  g_return_val_if_fail (STRATA_IS_SOURCE (self), NULL);
  return self->hash;
}

void
strata_source_set_hash (StrataSource *self, const char *hash)
{
  g_return_if_fail (STRATA_IS_SOURCE (self));
  if (strata_set_str (&self->hash, hash))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HASH]);
}

guint
strata_source_get_channels (StrataSource *self)
{
  g_return_val_if_fail (STRATA_IS_SOURCE (self), 0);
  return self->channels;
}

gint64
strata_source_get_frames (StrataSource *self)
{
  g_return_val_if_fail (STRATA_IS_SOURCE (self), 0);
  return self->frames;
}

/* Resolves symlinks in the longest existing prefix of `path`, so that a link anywhere on the
 * way is followed even when the file itself does not exist (yet). */
static char *
real_path (const char *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  g_autofree char *parent = NULL;
  g_autofree char *base = NULL;
  g_autofree char *real_parent = NULL;
  char *real = realpath (canonical, NULL);

  if (real != NULL || g_str_equal (canonical, "/"))
    return real ? real : g_strdup ("/");
  parent = g_path_get_dirname (canonical);
  base = g_path_get_basename (canonical);
  real_parent = real_path (parent);
  return g_build_filename (real_parent, base, NULL);
}

/* Where a media path stored in a project points on this machine. A relative path must stay
 * inside `base_dir` (the media folder, or the folder of a JSON project) once `..` and
 * symlinks are resolved; an absolute path is a file the user picked and is taken as it is. */
char *
strata_media_resolve_path (const char *base_dir, const char *path, GError **error)
{
  g_autofree char *joined = NULL;
  g_autofree char *real_base = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_path_is_absolute (path))
    return real_path (path);
  if (base_dir == NULL)
    base_dir = ".";

  joined = g_build_filename (base_dir, path, NULL);
  real_base = real_path (base_dir);
  resolved = real_path (joined);
  prefix = g_str_has_suffix (real_base, "/") ? g_strdup (real_base)
                                              : g_strconcat (real_base, "/", NULL);
  if (*path == '\0' || !g_str_has_prefix (resolved, prefix))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PATH_ESCAPE,
                   _("media path '%s' leads outside the folder '%s'"), path, base_dir);
      return NULL;
    }
  return g_steal_pointer (&resolved);
}
