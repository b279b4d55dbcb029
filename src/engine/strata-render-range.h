/* strata-render-range.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-project.h"

G_BEGIN_DECLS

/* The default render range of project-format.md: frame 0 to the end of the last unmuted clip
 * on an unmuted track. Effect tails are added by the graph once effects exist. */
void strata_render_default_range (StrataProject *project,
                                  gint64        *start,
                                  gint64        *end);

G_END_DECLS
