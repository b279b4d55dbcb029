/* strata-cli.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the command-line tools share: opening and saving a project by its file name, and
 * reading a position option.
 */
#pragma once

#include "strata-project.h"

G_BEGIN_DECLS

/* A .json project, else a .strata one. */
StrataProject *strata_cli_load_project (const char     *path,
                                        GError        **error);
/* By the name's ending: .json or .strata (anything else is an error). */
gboolean       strata_cli_save_project (StrataProject  *project,
                                        const char     *path,
                                        GError        **error);
/* A position option: frames, or a position the tempo map reads (bars.beats.ticks, time).
 * On failure, `message` names the option. */
gboolean       strata_cli_parse_position (StrataProject *project,
                                          const char    *option,
                                          const char    *text,
                                          gint64        *frame,
                                          char         **message);

G_END_DECLS
