/* strata-help-effects.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes the help page of the built-in effects (help/C/effects.page) from the effects'
 * descriptor table, so the help never keeps a second list: the page in the repository is this
 * program's output, and the 'help-effects' test fails when they differ.
 *
 * Usage: strata-help-effects > help/C/effects.page
 */
#include <stdio.h>
#include <string.h>

#include "strata-effect.h"

/* Mallard is XML: labels and descriptions are plain text, escaped here. */
static void
put_text (const char *text)
{
  for (; *text != '\0'; text++)
    switch (*text)
      {
      case '&': fputs ("&amp;", stdout); break;
      case '<': fputs ("&lt;", stdout); break;
      case '>': fputs ("&gt;", stdout); break;
      default: putchar (*text);
      }
}

/* A number as a person writes it: no trailing zeros. */
static void
put_number (double value)
{
  char buf[64];

  snprintf (buf, sizeof buf, "%.6g", value);
  fputs (strcmp (buf, "-0") == 0 ? "0" : buf, stdout);
}

static void
put_value (const StrataParamDesc *param, double value)
{
  if (param->kind == STRATA_PARAM_CHOICE)
    fputs (param->choices[(int) value], stdout);
  else if (param->kind == STRATA_PARAM_TOGGLE)
    fputs (value != 0.0 ? "true" : "false", stdout);
  else
    {
      put_number (value);
      if (param->unit[0] != '\0')
        printf (" %s", param->unit);
    }
}

static void
put_range (const StrataParamDesc *param)
{
  if (param->kind == STRATA_PARAM_CHOICE)
    {
      for (int i = 0; param->choices[i] != NULL; i++)
        printf ("%s<code>%s</code>", i > 0 ? ", " : "", param->choices[i]);
    }
  else if (param->kind == STRATA_PARAM_TOGGLE)
    fputs ("<code>true</code> or <code>false</code>", stdout);
  else
    {
      put_number (param->min);
      fputs (" to ", stdout);
      put_value (param, param->max);
      if (param->flags & STRATA_PARAM_LOG)
        fputs (" (logarithmic)", stdout);
    }
}

static void
put_effect (const StrataEffectClass *klass)
{
  printf ("  <section id=\"%s\">\n    <title>", klass->type);
  put_text (klass->label);
  printf (" (<code>%s</code>)</title>\n    <p>", klass->type);
  put_text (klass->description);
  fputs ("</p>\n"
         "    <table frame=\"all\" rules=\"rows\" shade=\"rows\">\n"
         "      <thead>\n"
         "        <tr><td><p>Parameter</p></td><td><p>Name in the project</p></td>"
         "<td><p>Values</p></td><td><p>Default</p></td></tr>\n"
         "      </thead>\n"
         "      <tbody>\n", stdout);
  for (unsigned i = 0; i < klass->n_params; i++)
    {
      const StrataParamDesc *param = &klass->params[i];

      fputs ("        <tr><td><p>", stdout);
      put_text (param->label);
      printf ("</p></td><td><p><code>%s</code></p></td><td><p>", param->name);
      put_range (param);
      fputs ("</p></td><td><p>", stdout);
      put_value (param, param->def);
      fputs ("</p></td></tr>\n", stdout);
    }
  fputs ("      </tbody>\n    </table>\n  </section>\n\n", stdout);
}

int
main (void)
{
  fputs ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<!-- Written by help/strata-help-effects from the effects' descriptor table:\n"
         "     regenerate it rather than editing it (the help-effects test compares). -->\n"
         "<page xmlns=\"http://projectmallard.org/1.0/\"\n"
         "      type=\"topic\" style=\"reference\"\n"
         "      id=\"effects\">\n\n"
         "  <info>\n"
         "    <link type=\"guide\" xref=\"index#music\"/>\n"
         "    <link type=\"seealso\" xref=\"mixing\"/>\n"
         "    <credit type=\"author\">\n"
         "      <name>The Strata developers</name>\n"
         "    </credit>\n"
         "    <include href=\"legal.xml\" xmlns=\"http://www.w3.org/2001/XInclude\"/>\n"
         "    <desc>Every built-in effect and its parameters.</desc>\n"
         "  </info>\n\n"
         "  <title>Effects</title>\n\n"
         "  <p>Add an effect to a track, a bus or the master with <gui>Add Effect</gui> on its\n"
         "  strip in the mixer; click the effect to set its parameters, and switch it off with\n"
         "  its bypass button. Every parameter can be automated: show the track's automation\n"
         "  lanes and choose it in <gui>Add Lane</gui>. In a project file the parameter is\n"
         "  written under the name given here, and its automation lane as\n"
         "  <code>inserts[N].NAME</code>.</p>\n\n", stdout);
  for (unsigned i = 0; i < strata_effect_n_classes (); i++)
    put_effect (strata_effect_class_get (i));
  fputs ("</page>\n", stdout);
  return 0;
}
