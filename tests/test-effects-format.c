/* test-effects-format.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inserts in the project format (docs/effects.md, first paragraph): an insert's type is a
 * registry type, every parameter is one of its descriptor's with a value of its kind and in
 * its range, parameters not given take their defaults, `inserts[N].NAME` automation names a
 * parameter of insert N; and a project saved and loaded back is the same project. The
 * parameter names and ranges used here are effects.md's; a test whose effect does not yet
 * describe the parameter it needs is skipped, not passed.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-commands.h"
#include "strata-error.h"
#include "strata-json.h"
#include "strata-project.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* A project of three tracks; the third has the given inserts and automation. */
static StrataProject *
load_with (const char *inserts, const char *automation, GError **error)
{
  g_autofree char *json = g_strdup_printf (
    "{\"format\": \"strata-project\", \"version\": 1, \"sample_rate\": 48000,"
    " \"tempo_map\": [{\"at\": \"1.1.0\", \"bpm\": 120}],"
    " \"tracks\": [{\"id\": \"a\"}, {\"id\": \"b\"},"
    "   {\"id\": \"c\", \"inserts\": %s, \"automation\": %s}]}", inserts, automation);

  return strata_json_load_data (json, -1, NULL, error);
}

/* Skips the test when an effect of effects.md does not (yet) describe `name`. */
static gboolean
have (const char *type, const char *name)
{
  const StrataEffectClass *klass = strata_effect_class_find (type);

  g_assert_nonnull (klass);
  if (strata_effect_param_index (klass, name) >= 0)
    return TRUE;
  g_test_skip_printf ("%s has no parameter %s yet", type, name);
  return FALSE;
}

static StrataInsert *
insert_of (StrataProject *project, const char *track_id, guint index)
{
  StrataStrip *strip = strata_project_find_strip (project, track_id);
  g_autoptr(StrataInsert) insert = g_list_model_get_item (strata_strip_get_inserts (strip),
                                                          index);
  return insert;   /* the strip keeps it */
}

static double
value_of (StrataInsert *insert, const char *name)
{
  double value = NAN;

  g_assert_cmpint (strata_insert_get_value (insert, name, &value), >=, 0);
  return value;
}

/* ---- round trip ------------------------------------------------------------------------- */

static void
test_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataProject) again = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *resaved = NULL;
  StrataInsert *comp, *eq, *limiter;

  if (!have ("compressor", "ratio") || !have ("compressor", "threshold_db")
      || !have ("compressor", "attack_ms") || !have ("eq", "b1_type")
      || !have ("eq", "b2_type") || !have ("eq", "b1_freq") || !have ("limiter", "true_peak"))
    return;
  project = load_with (
    "[{\"type\": \"compressor\", \"bypass\": true,"
    "  \"params\": {\"ratio\": 8, \"threshold_db\": -20.5}},"
    " {\"type\": \"eq\", \"params\": {\"b1_type\": \"peak\", \"b1_freq\": 1000}},"
    " {\"type\": \"limiter\", \"params\": {\"true_peak\": false}},"
    " {\"type\": \"hall_reverb\"}]",
    "[{\"param\": \"inserts[0].threshold_db\","
    "  \"points\": [{\"at\": 0, \"value\": -30}, {\"at\": 4800, \"value\": 0}]},"
    " {\"param\": \"inserts[1].b1_type\", \"points\": [{\"at\": 0, \"value\": 1}]}]",
    &error);
  g_assert_no_error (error);

  comp = insert_of (project, "c", 0);
  g_assert_cmpstr (strata_insert_get_kind (comp), ==, "compressor");
  g_assert_true (strata_insert_get_bypass (comp));
  g_assert_cmpfloat (value_of (comp, "ratio"), ==, 8.0);
  g_assert_cmpfloat (value_of (comp, "threshold_db"), ==, -20.5);
  /* Not given: effects.md's default. */
  g_assert_cmpfloat (value_of (comp, "attack_ms"), ==, 10.0);
  eq = insert_of (project, "c", 1);
  g_assert_false (strata_insert_get_bypass (eq));
  /* A choice is its index in the descriptor: effects.md lists off, peak, ... */
  g_assert_cmpfloat (value_of (eq, "b1_type"), ==, 1.0);
  g_assert_cmpfloat (value_of (eq, "b2_type"), ==, 0.0);
  g_assert_cmpfloat (value_of (eq, "b1_freq"), ==, 1000.0);
  limiter = insert_of (project, "c", 2);
  g_assert_cmpfloat (value_of (limiter, "true_peak"), ==, 0.0);
  g_assert_cmpint (strata_insert_get_value (limiter, "no_such", &(double) { 0 }), ==, -1);

  saved = strata_json_to_data (project, NULL, NULL);
  /* What was given is written as given: a choice by name, a toggle as a boolean. */
  g_assert_nonnull (strstr (saved, "\"b1_type\" : \"peak\""));
  g_assert_nonnull (strstr (saved, "\"true_peak\" : false"));
  again = strata_json_load_data (saved, -1, NULL, &error);
  g_assert_no_error (error);
  resaved = strata_json_to_data (again, NULL, NULL);
  g_assert_cmpstr (resaved, ==, saved);
  g_assert_true (g_variant_equal (strata_insert_get_params (insert_of (again, "c", 0)),
                                  strata_insert_get_params (comp)));
}

/* ---- errors ------------------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  const char *type;       /* the effect and parameter the case needs (skipped without it) */
  const char *param;
  const char *inserts;
  const char *automation;
  int         code;
  const char *message;    /* the whole message: the JSON path, then the problem */
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "ratio-out-of-range", "compressor", "ratio",
    "[{\"type\": \"compressor\", \"params\": {\"ratio\": 80}}]", "[]", STRATA_ERROR_INVALID,
    "tracks[2].inserts[0].params.ratio: 80 is out of range 1..50" },
  { "threshold-above-0", "compressor", "threshold_db",
    "[{\"type\": \"eq\"}, {\"type\": \"compressor\", \"params\": {\"threshold_db\": 0.5}}]",
    "[]", STRATA_ERROR_INVALID,
    "tracks[2].inserts[1].params.threshold_db: 0.5 is out of range -60..0" },
  { "unknown-type", "eq", NULL, "[{\"type\": \"reverb\"}]", "[]", STRATA_ERROR_INVALID,
    NULL },
  { "unknown-param", "eq", NULL, "[{\"type\": \"eq\", \"params\": {\"gain_db\": 3}}]", "[]",
    STRATA_ERROR_INVALID, "tracks[2].inserts[0].params.gain_db: 'gain_db' is not a parameter "
    "of eq" },
  { "number-as-string", "compressor", "ratio",
    "[{\"type\": \"compressor\", \"params\": {\"ratio\": \"4\"}}]", "[]", STRATA_ERROR_PARSE,
    "tracks[2].inserts[0].params.ratio: expected a number" },
  { "choice-as-number", "eq", "b1_type",
    "[{\"type\": \"eq\", \"params\": {\"b1_type\": 1}}]", "[]", STRATA_ERROR_PARSE, NULL },
  { "choice-unknown", "eq", "b1_type",
    "[{\"type\": \"eq\", \"params\": {\"b1_type\": \"bell\"}}]", "[]", STRATA_ERROR_INVALID,
    "tracks[2].inserts[0].params.b1_type: 'bell' is not off, peak, low_shelf, high_shelf, "
    "low_cut, high_cut or notch" },
  { "toggle-as-number", "limiter", "true_peak",
    "[{\"type\": \"limiter\", \"params\": {\"true_peak\": 1}}]", "[]", STRATA_ERROR_PARSE,
    "tracks[2].inserts[0].params.true_peak: expected true or false" },
  { "params-not-object", "eq", NULL, "[{\"type\": \"eq\", \"params\": [1]}]", "[]",
    STRATA_ERROR_PARSE, NULL },
  { "automation-unknown-param", "compressor", "ratio",
    "[{\"type\": \"compressor\"}]",
    "[{\"param\": \"inserts[0].gain_db\", \"points\": [{\"at\": 0, \"value\": 1}]}]",
    STRATA_ERROR_INVALID,
    "tracks[2].automation[0].param: 'gain_db' is not a parameter of compressor (insert 0)" },
  { "automation-no-insert", "compressor", "ratio",
    "[{\"type\": \"compressor\"}]",
    "[{\"param\": \"inserts[1].ratio\", \"points\": [{\"at\": 0, \"value\": 1}]}]",
    STRATA_ERROR_INVALID, "tracks[2].automation[0].param: there is no insert 1" },
  { "automation-out-of-range", "compressor", "ratio",
    "[{\"type\": \"compressor\"}]",
    "[{\"param\": \"inserts[0].ratio\","
    "  \"points\": [{\"at\": 0, \"value\": 2}, {\"at\": 10, \"value\": 0.5}]}]",
    STRATA_ERROR_INVALID,
    "tracks[2].automation[0].points[1].value: 0.5 is out of range 1..50" },
  { "automation-choice-between", "eq", "b1_type",
    "[{\"type\": \"eq\"}]",
    "[{\"param\": \"inserts[0].b1_type\", \"points\": [{\"at\": 0, \"value\": 1.5}]}]",
    STRATA_ERROR_INVALID,
    "tracks[2].automation[0].points[0].value: 1.5 is not a whole number" },
  { "automation-toggle-2", "limiter", "true_peak",
    "[{\"type\": \"limiter\"}]",
    "[{\"param\": \"inserts[0].true_peak\", \"points\": [{\"at\": 0, \"value\": 2}]}]",
    STRATA_ERROR_INVALID, "tracks[2].automation[0].points[0].value: 2 is out of range 0..1" },
};

static void
test_error_case (gconstpointer data)
{
  const ErrorCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;

  if (c->param != NULL && !have (c->type, c->param))
    return;
  project = load_with (c->inserts, c->automation, &error);
  g_assert_null (project);
  g_assert_error (error, STRATA_ERROR, c->code);
  g_assert_true (g_str_has_prefix (error->message, "tracks[2]."));
  if (c->message)
    g_assert_cmpstr (error->message, ==, c->message);
}

/* An unknown type names the path and what the types are. */
static void
test_error_unknown_type (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = load_with ("[{\"type\": \"eq\"}, {\"type\": \"reverb\"}]",
                                                "[]", &error);

  g_assert_null (project);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message,
                                   "tracks[2].inserts[1].type: 'reverb' is not an effect ("));
  for (guint i = 0; i < strata_effect_n_classes (); i++)
    g_assert_nonnull (strstr (error->message, strata_effect_class_get (i)->type));
}

/* ---- track roles and bus presets -------------------------------------------------------- */

static StrataProject *
load_json (const char *buses, const char *tracks)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
    "{\"format\": \"strata-project\", \"version\": 1, \"sample_rate\": 48000,"
    " \"tempo_map\": [{\"at\": \"1.1.0\", \"bpm\": 120}],"
    " \"buses\": %s, \"tracks\": %s}", buses, tracks);
  StrataProject *project = strata_json_load_data (json, -1, NULL, &error);

  g_assert_no_error (error);
  return project;
}

static const char *
output_of (StrataProject *project, const char *id)
{
  return strata_strip_get_output (strata_project_find_strip (project, id));
}

/* The bus's insert types, space-separated. */
static char *
chain_of (StrataStrip *strip)
{
  GListModel *inserts = strata_strip_get_inserts (strip);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (inserts); i++)
    {
      g_autoptr(StrataInsert) insert = g_list_model_get_item (inserts, i);
      g_string_append_printf (s, "%s%s", i ? " " : "", strata_insert_get_kind (insert));
      g_assert_false (strata_insert_get_bypass (insert));
    }
  return g_string_free (s, FALSE);
}

static void
assert_chain (StrataProject *project, const char *bus_id, const char *chain)
{
  StrataBus *bus = strata_project_find_bus (project, bus_id);
  g_autofree char *types = NULL;

  g_assert_nonnull (bus);
  types = chain_of (STRATA_STRIP (bus));
  g_assert_cmpstr (types, ==, chain);
  g_assert_cmpstr (strata_strip_get_output (STRATA_STRIP (bus)), ==, "master");
}

static const char *const role_tracks =
  "[{\"id\": \"kick\", \"role\": \"drums\"}, {\"id\": \"snare\", \"role\": \"drums\"},"
  " {\"id\": \"bass1\", \"role\": \"bass\"}, {\"id\": \"vox\", \"role\": \"vocals\"},"
  " {\"id\": \"fx1\", \"role\": \"fx\"}, {\"id\": \"keys\", \"output\": \"grp\"},"
  " {\"id\": \"pad\"}, {\"id\": \"gtr\", \"output\": \"bass\"}]";

static void
test_presets_route (void)
{
  g_autoptr(StrataProject) p = load_json ("[{\"id\": \"bass\", \"name\": \"My Bass\"},"
                                          " {\"id\": \"grp\"}]", role_tracks);
  StrataBus *old_bass = strata_project_find_bus (p, "bass");
  g_autoptr(GError) error = NULL;
  StrataCommand *command = strata_commands_apply_bus_presets (p, &error);
  StrataStrip *vocals;
  g_autoptr(StrataSend) send = NULL;
  g_autoptr(StrataInsert) reverb = NULL;
  double mix = 0.0;

  g_assert_no_error (error);
  g_assert_nonnull (command);
  strata_project_push (p, command);

  /* The existing bass bus is reused; the others are added after the existing ones. */
  g_assert_cmpuint (g_list_model_get_n_items (strata_project_get_buses (p)), ==, 5);
  g_assert_true (strata_project_find_bus (p, "bass") == old_bass);
  g_assert_cmpstr (strata_strip_get_name (STRATA_STRIP (old_bass)), ==, "My Bass");
  assert_chain (p, "drums", "eq compressor");
  assert_chain (p, "bass", "eq compressor");
  assert_chain (p, "vocals", "eq compressor");
  assert_chain (p, "fx", "hall_reverb");
  g_assert_cmpstr (strata_strip_get_name (strata_project_find_strip (p, "drums")), ==, "Drums");

  /* Vocals send to fx, post-fader; fx is fully wet. */
  vocals = strata_project_find_strip (p, "vocals");
  g_assert_cmpuint (g_list_model_get_n_items (strata_strip_get_sends (vocals)), ==, 1);
  send = g_list_model_get_item (strata_strip_get_sends (vocals), 0);
  g_assert_cmpstr (strata_send_get_bus (send), ==, "fx");
  g_assert_cmpfloat (strata_send_get_level_db (send), ==, -12.0);
  g_assert_false (strata_send_get_pre_fader (send));
  reverb = g_list_model_get_item (strata_strip_get_inserts (strata_project_find_strip (p, "fx")),
                                  0);
  if (strata_insert_get_value (reverb, "mix", &mix) >= 0)
    g_assert_cmpfloat (mix, ==, 1.0);

  /* Each role to its bus; without a role: to the master, unless routed to a bus of one's own. */
  g_assert_cmpstr (output_of (p, "kick"), ==, "drums");
  g_assert_cmpstr (output_of (p, "snare"), ==, "drums");
  g_assert_cmpstr (output_of (p, "bass1"), ==, "bass");
  g_assert_cmpstr (output_of (p, "vox"), ==, "vocals");
  g_assert_cmpstr (output_of (p, "fx1"), ==, "fx");
  g_assert_cmpstr (output_of (p, "keys"), ==, "grp");
  g_assert_cmpstr (output_of (p, "pad"), ==, "master");
  g_assert_cmpstr (output_of (p, "gtr"), ==, "master");

  /* Applying again changes nothing. */
  {
    g_autofree char *before = strata_json_to_data (p, NULL, NULL);
    g_autofree char *after = NULL;
    strata_project_push (p, strata_commands_apply_bus_presets (p, &error));
    g_assert_no_error (error);
    after = strata_json_to_data (p, NULL, NULL);
    g_assert_cmpstr (after, ==, before);
  }
}

/* Only the buses the roles need: drums alone makes no fx bus; vocals alone makes vocals and fx. */
static void
test_presets_only_needed (void)
{
  g_autoptr(StrataProject) p = load_json ("[]", "[{\"id\": \"k\", \"role\": \"drums\"}]");
  g_autoptr(StrataProject) q = load_json ("[]", "[{\"id\": \"v\", \"role\": \"vocals\"}]");
  g_autoptr(GError) error = NULL;

  strata_project_push (p, strata_commands_apply_bus_presets (p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (strata_project_get_buses (p)), ==, 1);
  assert_chain (p, "drums", "eq compressor");
  strata_project_push (q, strata_commands_apply_bus_presets (q, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (strata_project_get_buses (q)), ==, 2);
  assert_chain (q, "vocals", "eq compressor");
  assert_chain (q, "fx", "hall_reverb");
  g_assert_cmpstr (output_of (q, "v"), ==, "vocals");
}

static void
test_presets_one_undo (void)
{
  g_autoptr(StrataProject) p = load_json ("[{\"id\": \"bass\"}, {\"id\": \"grp\"}]",
                                          role_tracks);
  StrataUndoStack *undo = strata_project_get_undo_stack (p);
  g_autofree char *before = strata_json_to_data (p, NULL, NULL);
  g_autofree char *after = NULL;
  g_autofree char *undone = NULL;
  g_autofree char *redone = NULL;
  g_autoptr(GError) error = NULL;

  strata_project_push (p, strata_commands_apply_bus_presets (p, &error));
  g_assert_no_error (error);
  after = strata_json_to_data (p, NULL, NULL);
  g_assert_cmpstr (after, !=, before);
  g_assert_cmpuint (strata_undo_stack_get_depth (undo), ==, 1);
  g_assert_true (strata_undo_stack_undo (undo));
  undone = strata_json_to_data (p, NULL, NULL);
  g_assert_cmpstr (undone, ==, before);
  g_assert_false (strata_undo_stack_can_undo (undo));
  g_assert_true (strata_undo_stack_redo (undo));
  redone = strata_json_to_data (p, NULL, NULL);
  g_assert_cmpstr (redone, ==, after);
}

static void
assert_refused (StrataProject *p, const char *message)
{
  g_autofree char *before = strata_json_to_data (p, NULL, NULL);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  StrataCommand *command = strata_commands_apply_bus_presets (p, &error);

  g_assert_null (command);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
  after = strata_json_to_data (p, NULL, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (strata_undo_stack_get_depth (strata_project_get_undo_stack (p)), ==, 0);
}

/* An existing fx bus that feeds the vocals bus: the vocals send to fx would close a loop. */
static void
test_presets_cycle_refused (void)
{
  g_autoptr(StrataProject) p =
    load_json ("[{\"id\": \"vocals\", \"inserts\": [{\"type\": \"eq\"}]},"
               " {\"id\": \"fx\", \"sends\": [{\"bus\": \"vocals\"}]}]",
               "[{\"id\": \"v\", \"role\": \"vocals\"}, {\"id\": \"d\", \"role\": \"drums\"}]");
  g_autoptr(StrataProject) q =
    load_json ("[]", "[{\"id\": \"drums\", \"role\": \"drums\"}]");

  assert_refused (p, "routing cycle: vocals -> fx -> vocals");
  assert_refused (q, "the Drums bus cannot be made: a track has the id 'drums'");
}

static void
test_role_format (void)
{
  g_autoptr(StrataProject) p = load_json ("[]", "[{\"id\": \"a\", \"role\": \"vocals\"},"
                                                " {\"id\": \"b\"}]");
  g_autoptr(StrataProject) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = strata_json_to_data (p, NULL, NULL);
  g_autofree char *resaved = NULL;
  const char *bad = "{\"format\": \"strata-project\", \"version\": 1, \"sample_rate\": 48000,"
                    " \"tempo_map\": [{\"at\": \"1.1.0\", \"bpm\": 120}],"
                    " \"tracks\": [{\"id\": \"a\", \"role\": \"keys\"}]}";

  g_assert_cmpint (strata_track_get_role (STRATA_TRACK (strata_project_find_strip (p, "a"))), ==,
                   STRATA_TRACK_ROLE_VOCALS);
  g_assert_cmpint (strata_track_get_role (STRATA_TRACK (strata_project_find_strip (p, "b"))), ==,
                   STRATA_TRACK_ROLE_OTHER);
  /* "other" is the default and is not written. */
  g_assert_nonnull (strstr (saved, "\"role\" : \"vocals\""));
  g_assert_null (strstr (saved, "\"other\""));
  again = strata_json_load_data (saved, -1, NULL, &error);
  g_assert_no_error (error);
  resaved = strata_json_to_data (again, NULL, NULL);
  g_assert_cmpstr (resaved, ==, saved);

  g_assert_null (strata_json_load_data (bad, -1, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "tracks[0].role: 'keys' is not \"drums\", \"bass\", "
                   "\"vocals\", \"fx\" or \"other\"");
}

/* ---- the insert parameter command --------------------------------------------------------- */

static void
test_set_param_command (void)
{
  g_autoptr(StrataProject) p = NULL;
  g_autoptr(GError) error = NULL;
  StrataUndoStack *undo;
  StrataInsert *comp;
  GVariant *before;

  if (!have ("compressor", "threshold_db"))
    return;
  p = load_with ("[{\"type\": \"compressor\", \"params\": {\"ratio\": 3}}]", "[]", &error);
  g_assert_no_error (error);
  undo = strata_project_get_undo_stack (p);
  comp = insert_of (p, "c", 0);
  before = g_variant_ref (strata_insert_get_params (comp));

  /* A drag: three changes with one merge key are one undo step. */
  for (int i = 1; i <= 3; i++)
    strata_project_push (p, strata_commands_set_insert_param (p, comp, "threshold_db", -10.0 * i,
                                                              7, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (value_of (comp, "threshold_db"), ==, -30.0);
  g_assert_cmpfloat (value_of (comp, "ratio"), ==, 3.0);
  g_assert_cmpuint (strata_undo_stack_get_depth (undo), ==, 1);
  g_assert_true (strata_undo_stack_undo (undo));
  g_assert_true (g_variant_equal (strata_insert_get_params (comp), before));
  g_variant_unref (before);

  g_assert_null (strata_commands_set_insert_param (p, comp, "threshold_db", 6.0, 0, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "threshold_db: 6 is out of range -60..0");
  g_clear_error (&error);
  g_assert_null (strata_commands_set_insert_param (p, comp, "gain_db", 0.0, 0, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
  g_clear_error (&error);
  /* Automation points of an insert parameter keep to its range too. */
  g_assert_null (strata_commands_add_point (p, strata_project_find_strip (p, "c"),
                                            "inserts[0].threshold_db", 0, 3.0, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (strata_commands_add_point (p, strata_project_find_strip (p, "c"),
                                            "inserts[0].gain_db", 0, 0.0, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/effects-format/roundtrip", test_roundtrip);
  g_test_add_func ("/effects-format/error/unknown-type-lists-types", test_error_unknown_type);
  g_test_add_func ("/effects-format/set-param-command", test_set_param_command);
  g_test_add_func ("/effects-format/role", test_role_format);
  g_test_add_func ("/effects-format/presets/route", test_presets_route);
  g_test_add_func ("/effects-format/presets/only-needed", test_presets_only_needed);
  g_test_add_func ("/effects-format/presets/one-undo", test_presets_one_undo);
  g_test_add_func ("/effects-format/presets/cycle-refused", test_presets_cycle_refused);
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/effects-format/error/%s", error_cases[i].name);
      g_test_add_data_func (path, &error_cases[i], test_error_case);
    }
  return g_test_run ();
}
