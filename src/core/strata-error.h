/* strata-error.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STRATA_ERROR (strata_error_quark ())

/* Errors a user can cause: each carries a message that names the file, object or JSON path
 * and the problem, fit to show in a dialog or print from the CLI. */
typedef enum
{
  STRATA_ERROR_INVALID,       /* a value out of range, an overlap, a cycle */
  STRATA_ERROR_PARSE,         /* malformed JSON, a bad position string */
  STRATA_ERROR_NOT_FOUND,     /* a reference to an id that does not exist */
  STRATA_ERROR_MEDIA,         /* a media file that cannot be decoded */
  STRATA_ERROR_IO,            /* a file that cannot be read or written */
  STRATA_ERROR_PATH_ESCAPE,   /* a media path that leaves the media folder */
  STRATA_ERROR_VERSION,       /* a project written by a newer Strata */
  STRATA_ERROR_STATE,         /* an operation that is illegal in the current state */
  STRATA_ERROR_DEVICE,        /* no audio backend or device could start, or one went away */
} StrataError;

GQuark strata_error_quark (void);

G_END_DECLS
