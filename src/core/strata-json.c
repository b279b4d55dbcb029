/* strata-json.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads and writes the JSON project format. Reading is strict (unknown keys, wrong types and
 * values out of range are errors naming their JSON path) and builds a whole new project, so
 * a bad file never leaves a half-loaded one. Writing gives positions in frames (tempo segments
 * as bars) and reads back to an identical project.
 */
#define G_LOG_DOMAIN "strata-json"
#include "config.h"
#include "strata-json.h"
#include "strata-error.h"
#include "strata-import.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define FMT G_GINT64_FORMAT

typedef struct
{
  StrataProject  *project;
  StrataTempoMap *map;
  StrataMediaFunc media_func;
  gpointer        media_data;
  GError        **error;
} Reader;

static gboolean G_GNUC_PRINTF (4, 5)
fail (Reader *r, int code, const char *path, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (r->error, STRATA_ERROR, code, "%s: %s", path, message);
  return FALSE;
}

static char *
member_path (const char *path, const char *key)
{
  return *path ? g_strdup_printf ("%s.%s", path, key) : g_strdup (key);
}

static gboolean
check_keys (Reader *r, JsonObject *object, const char *path, const char *const *allowed)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      if (!g_str_has_prefix (key, "x-") && !g_strv_contains (allowed, key))
        {
          g_autofree char *at = member_path (path, key);
          return fail (r, STRATA_ERROR_PARSE, at, "unknown key");
        }
    }
  return TRUE;
}

static JsonObject *
get_object (Reader *r, JsonNode *node, const char *path)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (r, STRATA_ERROR_PARSE, path, "expected an object");
      return NULL;
    }
  return json_node_get_object (node);
}

/* The member's node, or NULL if absent. An absent required member is an error. */
static JsonNode *
member (Reader *r, JsonObject *object, const char *path, const char *key, gboolean required,
        gboolean *ok)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL && required)
    {
      g_autofree char *at = member_path (path, key);
      *ok = fail (r, STRATA_ERROR_PARSE, at, "missing");
    }
  return node;
}

static gboolean
read_double (Reader *r, JsonObject *object, const char *path, const char *key,
             gboolean required, gboolean allow_null, double min, double max, double *value)
{
  gboolean ok = TRUE;
  JsonNode *node = member (r, object, path, key, required, &ok);
  g_autofree char *at = NULL;

  if (node == NULL)
    return ok;
  at = member_path (path, key);
  if (allow_null && JSON_NODE_HOLDS_NULL (node))
    {
      *value = -INFINITY;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node)
      || (json_node_get_value_type (node) != G_TYPE_DOUBLE
          && json_node_get_value_type (node) != G_TYPE_INT64))
    return fail (r, STRATA_ERROR_PARSE, at, "expected a number");
  *value = json_node_get_double (node);
  if (!(*value >= min && *value <= max))
    return fail (r, STRATA_ERROR_INVALID, at, "%g is outside [%g, %g]", *value, min, max);
  return TRUE;
}

static gboolean
read_int64 (Reader *r, JsonObject *object, const char *path, const char *key,
            gboolean required, gint64 min, gint64 *value)
{
  gboolean ok = TRUE;
  JsonNode *node = member (r, object, path, key, required, &ok);
  g_autofree char *at = NULL;

  if (node == NULL)
    return ok;
  at = member_path (path, key);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fail (r, STRATA_ERROR_PARSE, at, "expected a whole number");
  *value = json_node_get_int (node);
  if (*value < min)
    return fail (r, STRATA_ERROR_INVALID, at, "must be >= %" FMT, min);
  return TRUE;
}

static gboolean
read_bool (Reader *r, JsonObject *object, const char *path, const char *key, gboolean *value)
{
  gboolean ok = TRUE;
  JsonNode *node = member (r, object, path, key, FALSE, &ok);
  g_autofree char *at = NULL;

  if (node == NULL)
    return ok;
  at = member_path (path, key);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fail (r, STRATA_ERROR_PARSE, at, "expected true or false");
  *value = json_node_get_boolean (node);
  return TRUE;
}

/* A string member; *value stays untouched when the member is absent. */
static gboolean
read_string (Reader *r, JsonObject *object, const char *path, const char *key,
             gboolean required, const char **value)
{
  gboolean ok = TRUE;
  JsonNode *node = member (r, object, path, key, required, &ok);
  g_autofree char *at = NULL;

  if (node == NULL)
    return ok;
  at = member_path (path, key);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (r, STRATA_ERROR_PARSE, at, "expected a string");
  *value = json_node_get_string (node);
  if (required && **value == '\0')
    return fail (r, STRATA_ERROR_INVALID, at, "must not be empty");
  return TRUE;
}

/* A position: frames, or "BAR.BEAT.TICK" through the tempo map. */
static gboolean
read_position (Reader *r, JsonObject *object, const char *path, const char *key,
               gboolean required, gint64 *frame)
{
  gboolean ok = TRUE;
  JsonNode *node = member (r, object, path, key, required, &ok);
  g_autofree char *at = NULL;
  g_autoptr(GError) local_error = NULL;

  if (node == NULL)
    return ok;
  at = member_path (path, key);
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *frame = json_node_get_int (node);
      if (*frame < 0)
        return fail (r, STRATA_ERROR_INVALID, at, "must be >= 0");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (r, STRATA_ERROR_PARSE, at,
                 "expected a frame number or a \"BAR.BEAT.TICK\" string");
  if (!strata_tempo_map_parse_position (r->map, json_node_get_string (node), frame,
                                        &local_error))
    return fail (r, local_error->code, at, "%s", local_error->message);
  return TRUE;
}

static JsonArray *
read_array (Reader *r, JsonObject *object, const char *path, const char *key,
            gboolean required, gboolean *ok)
{
  JsonNode *node = member (r, object, path, key, required, ok);
  g_autofree char *at = NULL;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      at = member_path (path, key);
      *ok = fail (r, STRATA_ERROR_PARSE, at, "expected an array");
      return NULL;
    }
  return json_node_get_array (node);
}

/* ---- reading ---------------------------------------------------------------------------- */

static gboolean
read_tempo_map (Reader *r, JsonObject *root)
{
  static const char *const keys[] = { "at", "bpm", "time_signature", NULL };
  gboolean ok = TRUE;
  JsonArray *array = read_array (r, root, "", "tempo_map", TRUE, &ok);
  g_autoptr(GArray) segments = g_array_new (FALSE, FALSE, sizeof (StrataTempoSegment));
  guint n;

  if (!ok)
    return FALSE;
  n = json_array_get_length (array);
  if (n == 0)
    return fail (r, STRATA_ERROR_INVALID, "tempo_map", "needs at least one segment");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("tempo_map[%u]", i);
      JsonObject *object = get_object (r, json_array_get_element (array, i), path);
      StrataTempoSegment segment = { 1, 120.0, 4, 4, 0 };
      const char *signature = "4/4";
      guint num, den;
      gint64 frame = 0;
      StrataBbt bbt;
      char extra;

      if (object == NULL || !check_keys (r, object, path, keys))
        return FALSE;
      /* A later segment's position goes through the segments before it. */
      if (!read_double (r, object, path, "bpm", TRUE, FALSE, -G_MAXDOUBLE, G_MAXDOUBLE,
                        &segment.bpm)
          || !read_string (r, object, path, "time_signature", FALSE, &signature)
          || !read_position (r, object, path, "at", TRUE, &frame))
        return FALSE;
      if (!(segment.bpm > 0.0 && segment.bpm <= 999.0))
        {
          g_autofree char *at = member_path (path, "bpm");
          return fail (r, STRATA_ERROR_INVALID, at, "%g is outside (0, 999]", segment.bpm);
        }
      if (sscanf (signature, "%u/%u%c", &num, &den, &extra) != 2 || num == 0 || num > 32
          || (den & (den - 1)) != 0 || den == 0 || den > 32)
        {
          g_autofree char *at = member_path (path, "time_signature");
          return fail (r, STRATA_ERROR_INVALID, at, "'%s' is not a time signature like \"4/4\"",
                       signature);
        }
      segment.numerator = num;
      segment.denominator = den;
      strata_tempo_map_frame_to_bbt (r->map, frame, &bbt);
      if (bbt.beat != 1 || bbt.tick != 0 || strata_tempo_map_bbt_to_frame (r->map, &bbt) != frame)
        {
          g_autofree char *at = member_path (path, "at");
          return fail (r, STRATA_ERROR_INVALID, at, "a tempo segment must start on a bar line");
        }
      if (i == 0 && bbt.bar != 1)
        {
          g_autofree char *at = member_path (path, "at");
          return fail (r, STRATA_ERROR_INVALID, at, "the first segment must be at \"1.1.0\"");
        }
      segment.bar = bbt.bar;
      g_array_append_val (segments, segment);
      if (!strata_tempo_map_set_segments (r->map, (gpointer) segments->data, segments->len,
                                          r->error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_range (Reader *r, JsonObject *root, const char *key, const char *prefix)
{
  static const char *const keys[] = { "start", "end", "enabled", NULL };
  JsonNode *node = json_object_get_member (root, key);
  JsonObject *object;
  gint64 start = 0, end = 0;
  gboolean enabled = FALSE;
  g_autofree char *p_start = g_strdup_printf ("%s-start", prefix);
  g_autofree char *p_end = g_strdup_printf ("%s-end", prefix);
  g_autofree char *p_enabled = g_strdup_printf ("%s-enabled", prefix);

  if (node == NULL)
    return TRUE;
  object = get_object (r, node, key);
  if (object == NULL || !check_keys (r, object, key, keys)
      || !read_position (r, object, key, "start", FALSE, &start)
      || !read_position (r, object, key, "end", FALSE, &end)
      || !read_bool (r, object, key, "enabled", &enabled))
    return FALSE;
  if (end < start)
    {
      g_autofree char *at = member_path (key, "end");
      return fail (r, STRATA_ERROR_INVALID, at, "must not be before start");
    }
  g_object_set (strata_project_get_timeline (r->project), p_start, start, p_end, end,
                p_enabled, enabled, NULL);
  return TRUE;
}

static gboolean
read_markers (Reader *r, JsonObject *root)
{
  static const char *const keys[] = { "name", "at", NULL };
  gboolean ok = TRUE;
  JsonArray *array = read_array (r, root, "", "markers", FALSE, &ok);
  StrataTimeline *timeline = strata_project_get_timeline (r->project);

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("markers[%u]", i);
      JsonObject *object = get_object (r, json_array_get_element (array, i), path);
      g_autoptr(StrataMarker) marker = NULL;
      const char *name = "";
      gint64 at = 0;

      if (object == NULL || !check_keys (r, object, path, keys)
          || !read_string (r, object, path, "name", FALSE, &name)
          || !read_position (r, object, path, "at", TRUE, &at))
        return FALSE;
      marker = strata_marker_new (name, at);
      strata_timeline_insert_marker (timeline, marker);
    }
  return ok;
}

static gboolean
read_media (Reader *r, JsonObject *root)
{
  static const char *const keys[] = { "id", "path", "name", NULL };
  gboolean ok = TRUE;
  JsonArray *array = read_array (r, root, "", "media", FALSE, &ok);
  GListStore *sources = G_LIST_STORE (strata_project_get_sources (r->project));
  guint rate = strata_project_get_sample_rate (r->project);

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("media[%u]", i);
      JsonObject *object = get_object (r, json_array_get_element (array, i), path);
      g_autoptr(StrataSource) source = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *file_path = NULL;
      g_autofree char *hash = NULL;
      const char *id = NULL, *media_path = NULL, *name = NULL;
      guint channels = 0;
      gint64 frames = 0;

      if (object == NULL || !check_keys (r, object, path, keys)
          || !read_string (r, object, path, "id", TRUE, &id)
          || !read_string (r, object, path, "path", TRUE, &media_path)
          || !read_string (r, object, path, "name", FALSE, &name))
        return FALSE;
      if (strata_project_find_source (r->project, id))
        {
          g_autofree char *at = member_path (path, "id");
          return fail (r, STRATA_ERROR_INVALID, at, "the id '%s' is used twice", id);
        }
      if (!r->media_func (id, media_path, rate, &file_path, &channels, &frames, &hash,
                          r->media_data, &local_error))
        {
          g_autofree char *at = member_path (path, "path");
          return fail (r, local_error->code, at, "%s", local_error->message);
        }
      source = strata_source_new (id, media_path, channels, frames);
      strata_source_set_file_path (source, file_path);
      strata_source_set_hash (source, hash);
      strata_source_set_name (source, name);
      g_list_store_append (sources, source);
    }
  return ok;
}

/* An insert's "params": every name a parameter of the effect, every value of its kind and in
 * its range. Only what is given is stored (the rest take their defaults), so the project
 * writes back what it read. */
static gboolean
read_params (Reader *r, JsonObject *object, const char *path,
             const StrataEffectClass *klass, GVariant **params)
{
  gboolean ok = TRUE;
  JsonNode *node = member (r, object, path, "params", FALSE, &ok);
  g_autofree char *at = member_path (path, "params");
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GList) members = NULL;
  JsonObject *dict;

  if (node != NULL)
    {
      if ((dict = get_object (r, node, at)) == NULL)
        return FALSE;
      members = json_object_get_members (dict);
      members = g_list_sort (members, (GCompareFunc) strcmp);
      for (GList *l = members; l; l = l->next)
        {
          JsonNode *value = json_object_get_member (dict, l->data);
          GType type = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value)
                                                    : G_TYPE_INVALID;
          g_autofree char *p = member_path (at, l->data);
          g_autoptr(GError) local_error = NULL;
          g_autoptr(GVariant) v = NULL;
          int index = strata_effect_param_index (klass, l->data);
          double number;

          if (type == G_TYPE_DOUBLE || type == G_TYPE_INT64)
            v = g_variant_ref_sink (g_variant_new_double (json_node_get_double (value)));
          else if (type == G_TYPE_STRING)
            v = g_variant_ref_sink (g_variant_new_string (json_node_get_string (value)));
          else if (type == G_TYPE_BOOLEAN)
            v = g_variant_ref_sink (g_variant_new_boolean (json_node_get_boolean (value)));
          else
            return fail (r, STRATA_ERROR_PARSE, p, "expected a number, a string or a boolean");
          if (index < 0)
            return fail (r, STRATA_ERROR_INVALID, p, "'%s' is not a parameter of %s",
                         (const char *) l->data, klass->type);
          if (!strata_param_from_variant (&klass->params[index], v, &number, &local_error))
            return fail (r, local_error->code, p, "%s", local_error->message);
          g_variant_builder_add (&builder, "{sv}", (const char *) l->data, v);
        }
    }
  *params = g_variant_ref_sink (g_variant_builder_end (&builder));
  return TRUE;
}

static gboolean
read_inserts (Reader *r, JsonObject *object, const char *path, StrataStrip *strip)
{
  static const char *const keys[] = { "type", "bypass", "params", NULL };
  gboolean ok = TRUE;
  JsonArray *array = read_array (r, object, path, "inserts", FALSE, &ok);
  GListStore *store = G_LIST_STORE (strata_strip_get_inserts (strip));

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      g_autofree char *at = g_strdup_printf ("%s.inserts[%u]", path, i);
      JsonObject *item = get_object (r, json_array_get_element (array, i), at);
      g_autoptr(StrataInsert) insert = NULL;
      g_autoptr(GVariant) params = NULL;
      const StrataEffectClass *klass;
      const char *type = NULL;
      gboolean bypass = FALSE;

      if (item == NULL || !check_keys (r, item, at, keys)
          || !read_string (r, item, at, "type", TRUE, &type)
          || !read_bool (r, item, at, "bypass", &bypass))
        return FALSE;
      if ((klass = strata_effect_class_find (type)) == NULL)
        {
          g_autofree char *p = member_path (at, "type");
          g_autofree char *types = strata_effect_types_list ();
          return fail (r, STRATA_ERROR_INVALID, p, "'%s' is not an effect (%s)", type, types);
        }
      if (!read_params (r, item, at, klass, &params))
        return FALSE;
      insert = strata_insert_new (type, params);
      g_object_set (insert, "bypass", bypass, NULL);
      g_list_store_append (store, insert);
    }
  return ok;
}

static gboolean
read_sends (Reader *r, JsonObject *object, const char *path, StrataStrip *strip)
{
  static const char *const keys[] = { "bus", "level_db", "pre_fader", NULL };
  gboolean ok = TRUE;
  JsonArray *array = read_array (r, object, path, "sends", FALSE, &ok);
  GListStore *store = G_LIST_STORE (strata_strip_get_sends (strip));

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      g_autofree char *at = g_strdup_printf ("%s.sends[%u]", path, i);
      JsonObject *item = get_object (r, json_array_get_element (array, i), at);
      g_autoptr(StrataSend) send = NULL;
      const char *bus = NULL;
      double level = 0.0;
      gboolean pre = FALSE;

      if (item == NULL || !check_keys (r, item, at, keys)
          || !read_string (r, item, at, "bus", TRUE, &bus)
          || !read_double (r, item, at, "level_db", FALSE, TRUE, -144.0, 12.0, &level)
          || !read_bool (r, item, at, "pre_fader", &pre))
        return FALSE;
      if (g_str_equal (bus, "master"))
        {
          g_autofree char *p = member_path (at, "bus");
          return fail (r, STRATA_ERROR_INVALID, p, "a send goes to a bus, not the master");
        }
      if (strata_project_find_bus (r->project, bus) == NULL)
        {
          g_autofree char *p = member_path (at, "bus");
          return fail (r, STRATA_ERROR_NOT_FOUND, p, "no bus with id '%s'", bus);
        }
      send = strata_send_new (bus, level, pre);
      g_list_store_append (store, send);
    }
  return ok;
}

/* An automation lane's param: volume_db, pan, mute, or inserts[N].NAME with NAME a parameter
 * of insert N's effect, whose descriptor then gives the range of the points (`*desc`). */
static gboolean
check_param (Reader *r, const char *at, const char *param, StrataStrip *strip,
             const StrataParamDesc **desc)
{
  GListModel *inserts = strata_strip_get_inserts (strip);
  guint index;
  int consumed = 0;

  *desc = NULL;
  if (g_str_equal (param, "volume_db") || g_str_equal (param, "pan")
      || g_str_equal (param, "mute"))
    return TRUE;
  if (sscanf (param, "inserts[%u].%*[A-Za-z0-9_]%n", &index, &consumed) == 1
      && consumed == (int) strlen (param))
    {
      g_autoptr(StrataInsert) insert = NULL;
      const StrataEffectClass *klass;
      const char *name = strchr (param, '.') + 1;
      int p;

      if (index >= g_list_model_get_n_items (inserts))
        return fail (r, STRATA_ERROR_INVALID, at, "there is no insert %u", index);
      insert = g_list_model_get_item (inserts, index);
      klass = strata_insert_get_class (insert);
      if ((p = strata_effect_param_index (klass, name)) < 0)
        return fail (r, STRATA_ERROR_INVALID, at, "'%s' is not a parameter of %s (insert %u)",
                     name, klass->type, index);
      *desc = &klass->params[p];
      return TRUE;
    }
  return fail (r, STRATA_ERROR_INVALID, at,
               "'%s' is not volume_db, pan, mute or inserts[N].NAME", param);
}

static gboolean
read_automation (Reader *r, JsonObject *object, const char *path, StrataStrip *strip)
{
  static const char *const keys[] = { "param", "points", NULL };
  static const char *const point_keys[] = { "at", "value", NULL };
  gboolean ok = TRUE;
  JsonArray *array = read_array (r, object, path, "automation", FALSE, &ok);
  GListStore *store = G_LIST_STORE (strata_strip_get_automation (strip));

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      g_autofree char *at = g_strdup_printf ("%s.automation[%u]", path, i);
      g_autofree char *param_at = member_path (at, "param");
      JsonObject *item = get_object (r, json_array_get_element (array, i), at);
      g_autoptr(StrataAutomationLane) lane = NULL;
      g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (StrataAutomationPoint));
      const StrataParamDesc *desc = NULL;
      const char *param = NULL;
      gboolean enabled = TRUE;
      JsonArray *list;
      JsonNode *x_enabled;

      if (item == NULL || !check_keys (r, item, at, keys)
          || !read_string (r, item, at, "param", TRUE, &param)
          || !check_param (r, param_at, param, strip, &desc))
        return FALSE;
      if (strata_strip_find_lane (strip, param))
        return fail (r, STRATA_ERROR_INVALID, param_at, "'%s' has two lanes", param);
      list = read_array (r, item, at, "points", TRUE, &ok);
      if (!ok)
        return FALSE;
      for (guint p = 0; p < json_array_get_length (list); p++)
        {
          g_autofree char *pat = g_strdup_printf ("%s.points[%u]", at, p);
          JsonObject *pobj = get_object (r, json_array_get_element (list, p), pat);
          gboolean is_volume = g_str_equal (param, "volume_db");
          StrataAutomationPoint point = { 0, 0 };

          if (pobj == NULL || !check_keys (r, pobj, pat, point_keys)
              || !read_position (r, pobj, pat, "at", TRUE, &point.frame)
              || !read_double (r, pobj, pat, "value", TRUE, is_volume,
                               is_volume ? -144.0 : g_str_equal (param, "pan") ? -1.0
                                         : g_str_equal (param, "mute") ? 0.0 : -G_MAXDOUBLE,
                               is_volume ? 12.0 : g_str_equal (param, "pan") ? 1.0
                                         : g_str_equal (param, "mute") ? 1.0 : G_MAXDOUBLE,
                               &point.value))
            return FALSE;
          if (desc != NULL)
            {
              g_autoptr(GError) local_error = NULL;
              if (!strata_param_check_value (desc, point.value, &local_error))
                {
                  g_autofree char *pv = member_path (pat, "value");
                  return fail (r, local_error->code, pv, "%s", local_error->message);
                }
            }
          if (p > 0 && point.frame < g_array_index (points, StrataAutomationPoint, p - 1).frame)
            {
              g_autofree char *pa = member_path (pat, "at");
              return fail (r, STRATA_ERROR_INVALID, pa,
                           "points must be in order of position");
            }
          if (is_volume && isinf (point.value))
            point.value = -144.0;
          g_array_append_val (points, point);
        }
      x_enabled = json_object_get_member (item, "x-enabled");
      if (x_enabled && JSON_NODE_HOLDS_VALUE (x_enabled)
          && json_node_get_value_type (x_enabled) == G_TYPE_BOOLEAN)
        enabled = json_node_get_boolean (x_enabled);
      lane = strata_automation_lane_new (param);
      g_object_set (lane, "enabled", enabled, NULL);
      strata_automation_lane_set_points (lane, (gpointer) points->data, points->len);
      g_list_store_append (store, lane);
    }
  return ok;
}

/* What tracks, buses and the master share. The output is checked once all buses exist. */
static gboolean
read_strip (Reader *r, JsonObject *object, const char *path, StrataStrip *strip)
{
  const char *name = NULL, *color = NULL, *output = "master";
  double volume = 0.0, pan = 0.0;
  gboolean mute = FALSE, solo = FALSE;

  if (!read_string (r, object, path, "name", FALSE, &name)
      || !read_string (r, object, path, "color", FALSE, &color)
      || !read_double (r, object, path, "volume_db", FALSE, TRUE, -144.0, 12.0, &volume)
      || !read_double (r, object, path, "pan", FALSE, FALSE, -1.0, 1.0, &pan)
      || !read_bool (r, object, path, "mute", &mute)
      || !read_bool (r, object, path, "solo", &solo)
      || !read_string (r, object, path, "output", FALSE, &output))
    return FALSE;
  if (color != NULL)
    {
      gboolean valid = strlen (color) == 7 && color[0] == '#';
      for (guint i = 1; valid && i < 7; i++)
        valid = g_ascii_isxdigit (color[i]);
      if (!valid)
        {
          g_autofree char *at = member_path (path, "color");
          return fail (r, STRATA_ERROR_INVALID, at, "'%s' is not a colour like \"#e01b24\"",
                       color);
        }
    }
  g_object_set (strip, "name", name, "color", color, "volume-db", volume, "pan", pan,
                "mute", mute, "solo", solo, NULL);
  if (!STRATA_IS_BUS (strip) || !strata_bus_is_master (STRATA_BUS (strip)))
    g_object_set (strip, "output", output, NULL);
  return read_inserts (r, object, path, strip) && read_sends (r, object, path, strip)
         && read_automation (r, object, path, strip);
}

static gboolean
check_id (Reader *r, const char *path, const char *id)
{
  if (g_str_equal (id, "master") || strata_project_find_strip (r->project, id))
    {
      g_autofree char *at = member_path (path, "id");
      return fail (r, STRATA_ERROR_INVALID, at, "the id '%s' is already used", id);
    }
  return TRUE;
}

static gboolean
read_buses (Reader *r, JsonObject *root, JsonArray **array_out)
{
  static const char *const keys[] = { "id", "name", "color", "volume_db", "pan", "mute", "solo",
                                      "output", "inserts", "sends", "automation", NULL };
  gboolean ok = TRUE;
  JsonArray *array = read_array (r, root, "", "buses", FALSE, &ok);
  GListStore *store = G_LIST_STORE (strata_project_get_buses (r->project));

  /* Create every bus first so that outputs and sends can name a later one. */
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("buses[%u]", i);
      JsonObject *object = get_object (r, json_array_get_element (array, i), path);
      g_autoptr(StrataBus) bus = NULL;
      const char *id = NULL;

      if (object == NULL || !check_keys (r, object, path, keys)
          || !read_string (r, object, path, "id", TRUE, &id) || !check_id (r, path, id))
        return FALSE;
      bus = strata_bus_new (id);
      g_list_store_append (store, bus);
    }
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("buses[%u]", i);
      g_autoptr(StrataStrip) bus = g_list_model_get_item (G_LIST_MODEL (store), i);
      if (!read_strip (r, json_array_get_object_element (array, i), path, bus))
        return FALSE;
    }
  *array_out = array;
  return ok;
}

typedef struct
{
  guint       index;
  StrataClip *clip;
} ClipAt;

static int
compare_clip_at (gconstpointer a, gconstpointer b)
{
  return strata_clip_compare_start (((ClipAt *) a)->clip, ((ClipAt *) b)->clip, NULL);
}

/* A track's "clips" (no overlaps), or its "x-takes" (take lanes: overlaps allowed). */
static gboolean
read_clips (Reader *r, JsonObject *object, const char *path, StrataTrack *track,
            JsonArray *array, const char *member, guint *first_channels)
{
  gboolean takes = g_str_equal (member, "x-takes");
  static const char *const keys[] = { "media", "start", "source_start", "length", "gain_db",
                                      "fade_in", "fade_out", "mute", NULL };
  g_autoptr(GArray) placed = g_array_new (FALSE, FALSE, sizeof (ClipAt));
  guint n = array ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *at = g_strdup_printf ("%s.%s[%u]", path, member, i);
      JsonObject *item = get_object (r, json_array_get_element (array, i), at);
      g_autoptr(StrataClip) clip = NULL;
      const char *media_id = NULL;
      StrataSource *source;
      gint64 start = 0, source_start = 0, length = -1, fade_in = 0, fade_out = 0;
      double gain = 0.0;
      gboolean mute = FALSE;
      ClipAt entry;

      if (item == NULL || !check_keys (r, item, at, keys)
          || !read_string (r, item, at, "media", TRUE, &media_id))
        return FALSE;
      source = strata_project_find_source (r->project, media_id);
      if (source == NULL)
        {
          g_autofree char *p = member_path (at, "media");
          return fail (r, STRATA_ERROR_NOT_FOUND, p, "no media with id '%s'", media_id);
        }
      if (!read_position (r, item, at, "start", TRUE, &start)
          || !read_int64 (r, item, at, "source_start", FALSE, 0, &source_start)
          || !read_int64 (r, item, at, "length", FALSE, 1, &length)
          || !read_double (r, item, at, "gain_db", FALSE, FALSE, -144.0, 24.0, &gain)
          || !read_int64 (r, item, at, "fade_in", FALSE, 0, &fade_in)
          || !read_int64 (r, item, at, "fade_out", FALSE, 0, &fade_out)
          || !read_bool (r, item, at, "mute", &mute))
        return FALSE;
      if (length < 0)
        length = strata_source_get_frames (source) - source_start;
      if (length < 1 || source_start + length > strata_source_get_frames (source))
        return fail (r, STRATA_ERROR_INVALID, at,
                     "source_start + length (%" FMT ") is past the end of media '%s' "
                     "(%" FMT " frames)", source_start + MAX (length, 0), media_id,
                     strata_source_get_frames (source));
      if (fade_in + fade_out > length)
        return fail (r, STRATA_ERROR_INVALID, at,
                     "fade_in + fade_out (%" FMT ") is longer than the clip (%" FMT ")",
                     fade_in + fade_out, length);
      if (i == 0 && !takes)
        *first_channels = strata_source_get_channels (source);

      clip = strata_clip_new (source, start, source_start, length);
      g_object_set (clip, "gain-db", gain, "fade-in", fade_in, "fade-out", fade_out,
                    "mute", mute, NULL);
      entry.index = i;
      entry.clip = g_object_ref (clip);
      g_array_append_val (placed, entry);
    }

  if (takes)
    {
      for (guint i = 0; i < placed->len; i++)
        {
          StrataClip *clip = g_array_index (placed, ClipAt, i).clip;
          strata_track_insert_take (track, clip);
          g_object_unref (clip);
        }
      return TRUE;
    }
  g_array_sort (placed, compare_clip_at);
  for (guint i = 0; i < placed->len; i++)
    {
      ClipAt *a = &g_array_index (placed, ClipAt, i);
      if (i > 0)
        {
          ClipAt *prev = &g_array_index (placed, ClipAt, i - 1);
          if (strata_clip_get_end (prev->clip) > strata_clip_get_start (a->clip))
            {
              g_autofree char *at = g_strdup_printf ("%s.clips[%u]", path, a->index);
              gboolean ok = fail (r, STRATA_ERROR_INVALID, at,
                                  "overlaps %s.clips[%u] (frames %" FMT "..%" FMT
                                  " and %" FMT "..%" FMT ")", path, prev->index,
                                  strata_clip_get_start (a->clip),
                                  strata_clip_get_end (a->clip),
                                  strata_clip_get_start (prev->clip),
                                  strata_clip_get_end (prev->clip));
              for (guint j = 0; j < placed->len; j++)
                g_object_unref (g_array_index (placed, ClipAt, j).clip);
              return ok;
            }
        }
    }
  for (guint i = 0; i < placed->len; i++)
    {
      StrataClip *clip = g_array_index (placed, ClipAt, i).clip;
      strata_track_insert_clip (track, clip);
      g_object_unref (clip);
    }
  return TRUE;
}

static gboolean
read_tracks (Reader *r, JsonObject *root, JsonArray **array_out)
{
  static const char *const keys[] = { "id", "name", "color", "channels", "volume_db", "pan",
                                      "mute", "solo", "output", "inserts", "sends", "clips",
                                      "automation", "role", NULL };
  gboolean ok = TRUE;
  JsonArray *array = read_array (r, root, "", "tracks", FALSE, &ok);
  StrataTimeline *timeline = strata_project_get_timeline (r->project);
  GListStore *store = G_LIST_STORE (strata_timeline_get_tracks (timeline));

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("tracks[%u]", i);
      JsonObject *object = get_object (r, json_array_get_element (array, i), path);
      g_autoptr(StrataTrack) track = NULL;
      JsonArray *clips;
      const char *id = NULL, *input = NULL, *monitoring = "auto", *role_name = "other";
      StrataTrackRole role = STRATA_TRACK_ROLE_OTHER;
      gint64 channels = 0;
      guint first_channels = 2;
      gboolean arm = FALSE;
      static const char *const monitor_names[] = { "off", "auto", "on", NULL };
      int monitor_index = -1;

      if (object == NULL || !check_keys (r, object, path, keys)
          || !read_string (r, object, path, "id", TRUE, &id) || !check_id (r, path, id)
          || !read_int64 (r, object, path, "channels", FALSE, 1, &channels)
          || !read_bool (r, object, path, "x-record-arm", &arm)
          || !read_string (r, object, path, "x-input", FALSE, &input)
          || !read_string (r, object, path, "x-monitoring", FALSE, &monitoring)
          || !read_string (r, object, path, "role", FALSE, &role_name))
        return FALSE;
      if (!strata_track_role_from_string (role_name, &role))
        {
          g_autofree char *at = member_path (path, "role");
          return fail (r, STRATA_ERROR_INVALID, at,
                       "'%s' is not \"drums\", \"bass\", \"vocals\", \"fx\" or \"other\"",
                       role_name);
        }
      if (channels > 2)
        {
          g_autofree char *at = member_path (path, "channels");
          return fail (r, STRATA_ERROR_INVALID, at, "must be 1 or 2");
        }
      for (int m = 0; monitor_names[m]; m++)
        if (g_str_equal (monitoring, monitor_names[m]))
          monitor_index = m;
      if (monitor_index < 0)
        {
          g_autofree char *at = member_path (path, "x-monitoring");
          return fail (r, STRATA_ERROR_INVALID, at, "must be \"off\", \"auto\" or \"on\"");
        }

      track = strata_track_new (id, 2);
      clips = read_array (r, object, path, "clips", FALSE, &ok);
      if (!ok || !read_clips (r, object, path, track, clips, "clips", &first_channels))
        return FALSE;
      clips = read_array (r, object, path, "x-takes", FALSE, &ok);
      if (!ok || !read_clips (r, object, path, track, clips, "x-takes", &first_channels))
        return FALSE;
      g_object_set (track, "channels", (guint) (channels ? channels : first_channels),
                    "record-arm", arm, "input", input, "monitoring", monitor_index,
                    "role", role, NULL);
      if (!read_strip (r, object, path, STRATA_STRIP (track)))
        return FALSE;
      g_list_store_append (store, track);
    }
  *array_out = array;
  return ok;
}

static gboolean
read_master (Reader *r, JsonObject *root)
{
  static const char *const keys[] = { "name", "volume_db", "pan", "mute", "inserts",
                                      "automation", NULL };
  JsonNode *node = json_object_get_member (root, "master");
  JsonObject *object;

  if (node == NULL)
    return TRUE;
  object = get_object (r, node, "master");
  return object != NULL && check_keys (r, object, "master", keys)
         && read_strip (r, object, "master", STRATA_STRIP (strata_project_get_master (r->project)));
}

/* Outputs and sends are checked once every bus exists: each must name a bus (or, for an
 * output, the master) and must not close a loop in the mix graph. */
static gboolean
check_routing (Reader *r, GListModel *strips, const char *kind)
{
  for (guint i = 0; i < g_list_model_get_n_items (strips); i++)
    {
      g_autoptr(StrataStrip) strip = g_list_model_get_item (strips, i);
      GListModel *sends = strata_strip_get_sends (strip);
      const char *id = strata_strip_get_id (strip);
      g_autoptr(GError) local_error = NULL;

      if (!strata_project_check_routing (r->project, id, strata_strip_get_output (strip),
                                         &local_error))
        {
          g_autofree char *at = g_strdup_printf ("%s[%u].output", kind, i);
          return fail (r, local_error->code, at, "%s", local_error->message);
        }
      for (guint s = 0; s < g_list_model_get_n_items (sends); s++)
        {
          g_autoptr(StrataSend) send = g_list_model_get_item (sends, s);
          if (!strata_project_check_routing (r->project, id, strata_send_get_bus (send),
                                             &local_error))
            {
              g_autofree char *at = g_strdup_printf ("%s[%u].sends[%u].bus", kind, i, s);
              return fail (r, local_error->code, at, "%s", local_error->message);
            }
        }
    }
  return TRUE;
}

StrataProject *
strata_json_load_node (JsonNode *root_node, StrataMediaFunc media_func, gpointer media_data,
                       GError **error)
{
  static const char *const keys[] = { "format", "version", "name", "sample_rate", "tempo_map",
                                      "markers", "loop", "media", "buses", "tracks", "master",
                                      NULL };
  g_autoptr(StrataProject) project = NULL;
  Reader reader = { NULL, NULL, media_func, media_data, error };
  Reader *r = &reader;
  JsonObject *root;
  JsonArray *buses = NULL, *tracks = NULL;
  const char *format = NULL, *name = NULL;
  gint64 version = 0, rate = 0;

  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("the project is not a JSON object"));
      return NULL;
    }
  root = json_node_get_object (root_node);
  if (!check_keys (r, root, "", keys) || !read_string (r, root, "", "format", TRUE, &format))
    return NULL;
  if (!g_str_equal (format, "strata-project"))
    {
      fail (r, STRATA_ERROR_PARSE, "format", "expected \"strata-project\", not \"%s\"", format);
      return NULL;
    }
  if (!read_int64 (r, root, "", "version", TRUE, 1, &version))
    return NULL;
  if (version > 1)
    {
      fail (r, STRATA_ERROR_VERSION, "version",
            "this project was written by a newer Strata (format version %" FMT ")", version);
      return NULL;
    }
  if (!read_int64 (r, root, "", "sample_rate", TRUE, 1, &rate))
    return NULL;
  if (rate != 44100 && rate != 48000 && rate != 88200 && rate != 96000 && rate != 192000)
    {
      fail (r, STRATA_ERROR_INVALID, "sample_rate",
            "%" FMT " is not one of 44100, 48000, 88200, 96000, 192000", rate);
      return NULL;
    }
  if (!read_string (r, root, "", "name", FALSE, &name))
    return NULL;

  project = strata_project_new ((guint) rate);
  g_object_set (project, "name", name, NULL);
  r->project = project;
  r->map = strata_timeline_get_tempo_map (strata_project_get_timeline (project));

  if (!read_tempo_map (r, root) || !read_markers (r, root)
      || !read_range (r, root, "loop", "loop") || !read_range (r, root, "x-punch", "punch")
      || !read_media (r, root) || !read_buses (r, root, &buses)
      || !read_tracks (r, root, &tracks) || !read_master (r, root)
      || !check_routing (r, strata_project_get_buses (project), "buses")
      || !check_routing (r, strata_timeline_get_tracks (strata_project_get_timeline (project)),
                         "tracks")
      || !strata_project_validate (project, error))
    return NULL;

  strata_undo_stack_clear (strata_project_get_undo_stack (project));
  return g_steal_pointer (&project);
}

/* Media of a JSON file: relative to the JSON's folder (and inside it), probed for its length
 * at the project rate. */
gboolean
strata_json_probe_media (const char *id, const char *path, guint project_rate,
                         char **file_path, guint *channels, gint64 *frames, char **hash,
                         gpointer base_dir, GError **error)
{
  g_autofree char *resolved = strata_media_resolve_path (base_dir, path, error);
  g_autoptr(GError) local_error = NULL;
  guint file_rate = 0;
  gint64 file_frames = 0;

  if (resolved == NULL)
    return FALSE;
  /* The probe names the resolved file; the message quotes the path as written instead (the
   * prefix is translated as the probe translates it). */
  if (!strata_media_probe (resolved, channels, &file_frames, &file_rate, &local_error))
    {
      g_autofree char *probe_prefix = g_strdup_printf (_("cannot read '%s': "), resolved);
      const char *reason = local_error->message;

      if (g_str_has_prefix (reason, probe_prefix))
        reason += strlen (probe_prefix);
      g_set_error (error, STRATA_ERROR, local_error->domain == STRATA_ERROR ? local_error->code
                                                                          : STRATA_ERROR_MEDIA,
                   _("cannot open '%s': %s"), path, reason);
      return FALSE;
    }
  if (*channels > 2)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MEDIA,
                   _("'%s' has %u channels; Strata plays mono and stereo media"), path, *channels);
      return FALSE;
    }
  /* Resampled media keeps round (frames * rate / file_rate) frames. */
  *frames = (gint64) (((__int128) file_frames * project_rate * 2 + file_rate) / (2 * file_rate));
  *file_path = g_steal_pointer (&resolved);
  *hash = NULL;
  return TRUE;
}

StrataProject *
strata_json_load_data (const char *data, gssize length, const char *base_dir, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  StrataProject *project;

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("not valid JSON: %s"),
                   local_error->message);
      return NULL;
    }
  project = strata_json_load_node (json_parser_get_root (parser), strata_json_probe_media,
                                   (gpointer) base_dir, error);
  return project;
}

StrataProject *
strata_json_load_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;
  StrataProject *project;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, "%s: %s", path, local_error->message);
      return NULL;
    }
  dir = g_path_get_dirname (path);
  project = strata_json_load_data (contents, length, dir, &local_error);
  if (project == NULL)
    {
      g_set_error (error, STRATA_ERROR, local_error->code, "%s: %s", path, local_error->message);
      return NULL;
    }
  return project;
}

/* ---- writing ---------------------------------------------------------------------------- */

static void
add_volume (JsonBuilder *b, const char *key, double db)
{
  json_builder_set_member_name (b, key);
  if (isinf (db))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, db);
}

static void
write_params (JsonBuilder *b, GVariant *params)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  json_builder_begin_object (b);
  g_variant_iter_init (&iter, params);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      json_builder_set_member_name (b, key);
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
        json_builder_add_double_value (b, g_variant_get_double (value));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        json_builder_add_boolean_value (b, g_variant_get_boolean (value));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        json_builder_add_string_value (b, g_variant_get_string (value, NULL));
      else
        json_builder_add_null_value (b);
    }
  json_builder_end_object (b);
}

static void
write_strip (JsonBuilder *b, StrataStrip *strip, gboolean is_master)
{
  GListModel *inserts = strata_strip_get_inserts (strip);
  GListModel *sends = strata_strip_get_sends (strip);
  GListModel *lanes = strata_strip_get_automation (strip);

  add_volume (b, "volume_db", strata_strip_get_volume_db (strip));
  json_builder_set_member_name (b, "pan");
  json_builder_add_double_value (b, strata_strip_get_pan (strip));
  json_builder_set_member_name (b, "mute");
  json_builder_add_boolean_value (b, strata_strip_get_mute (strip));
  if (!is_master)
    {
      json_builder_set_member_name (b, "solo");
      json_builder_add_boolean_value (b, strata_strip_get_solo (strip));
      json_builder_set_member_name (b, "output");
      json_builder_add_string_value (b, strata_strip_get_output (strip));
    }

  json_builder_set_member_name (b, "inserts");
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (inserts); i++)
    {
      g_autoptr(StrataInsert) insert = g_list_model_get_item (inserts, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, strata_insert_get_kind (insert));
      json_builder_set_member_name (b, "bypass");
      json_builder_add_boolean_value (b, strata_insert_get_bypass (insert));
      json_builder_set_member_name (b, "params");
      write_params (b, strata_insert_get_params (insert));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  if (!is_master)
    {
      json_builder_set_member_name (b, "sends");
      json_builder_begin_array (b);
      for (guint i = 0; i < g_list_model_get_n_items (sends); i++)
        {
          g_autoptr(StrataSend) send = g_list_model_get_item (sends, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "bus");
          json_builder_add_string_value (b, strata_send_get_bus (send));
          add_volume (b, "level_db", strata_send_get_level_db (send));
          json_builder_set_member_name (b, "pre_fader");
          json_builder_add_boolean_value (b, strata_send_get_pre_fader (send));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }

  json_builder_set_member_name (b, "automation");
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (lanes); i++)
    {
      g_autoptr(StrataAutomationLane) lane = g_list_model_get_item (lanes, i);
      const StrataAutomationPoint *points;
      guint n;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "param");
      json_builder_add_string_value (b, strata_automation_lane_get_param (lane));
      if (!strata_automation_lane_get_enabled (lane))
        {
          json_builder_set_member_name (b, "x-enabled");
          json_builder_add_boolean_value (b, FALSE);
        }
      json_builder_set_member_name (b, "points");
      json_builder_begin_array (b);
      points = strata_automation_lane_get_points (lane, &n);
      for (guint p = 0; p < n; p++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "at");
          json_builder_add_int_value (b, points[p].frame);
          json_builder_set_member_name (b, "value");
          json_builder_add_double_value (b, points[p].value);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
write_identity (JsonBuilder *b, StrataStrip *strip)
{
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, strata_strip_get_id (strip));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, strata_strip_get_name (strip));
  if (strata_strip_get_color (strip))
    {
      json_builder_set_member_name (b, "color");
      json_builder_add_string_value (b, strata_strip_get_color (strip));
    }
}

static void
write_clip (JsonBuilder *b, StrataClip *clip)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "media");
  json_builder_add_string_value (b, strata_source_get_id (strata_clip_get_source (clip)));
  json_builder_set_member_name (b, "start");
  json_builder_add_int_value (b, strata_clip_get_start (clip));
  json_builder_set_member_name (b, "source_start");
  json_builder_add_int_value (b, strata_clip_get_source_start (clip));
  json_builder_set_member_name (b, "length");
  json_builder_add_int_value (b, strata_clip_get_length (clip));
  json_builder_set_member_name (b, "gain_db");
  json_builder_add_double_value (b, strata_clip_get_gain_db (clip));
  json_builder_set_member_name (b, "fade_in");
  json_builder_add_int_value (b, strata_clip_get_fade_in (clip));
  json_builder_set_member_name (b, "fade_out");
  json_builder_add_int_value (b, strata_clip_get_fade_out (clip));
  json_builder_set_member_name (b, "mute");
  json_builder_add_boolean_value (b, strata_clip_get_mute (clip));
  json_builder_end_object (b);
}

static void
write_track (JsonBuilder *b, StrataTrack *track)
{
  static const char *const monitor_names[] = { "off", "auto", "on" };
  GListModel *clips = strata_track_get_clips (track);
  StrataTrackRole role = strata_track_get_role (track);

  json_builder_begin_object (b);
  write_identity (b, STRATA_STRIP (track));
  json_builder_set_member_name (b, "channels");
  json_builder_add_int_value (b, strata_track_get_channels (track));
  if (role != STRATA_TRACK_ROLE_OTHER)
    {
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, strata_track_role_to_string (role));
    }
  write_strip (b, STRATA_STRIP (track), FALSE);
  json_builder_set_member_name (b, "clips");
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (clips); i++)
    {
      g_autoptr(StrataClip) clip = g_list_model_get_item (clips, i);
      write_clip (b, clip);
    }
  json_builder_end_array (b);
  if (g_list_model_get_n_items (strata_track_get_takes (track)) > 0)
    {
      GListModel *takes = strata_track_get_takes (track);
      json_builder_set_member_name (b, "x-takes");
      json_builder_begin_array (b);
      for (guint i = 0; i < g_list_model_get_n_items (takes); i++)
        {
          g_autoptr(StrataClip) take = g_list_model_get_item (takes, i);
          write_clip (b, take);
        }
      json_builder_end_array (b);
    }
  if (strata_track_get_record_arm (track))
    {
      json_builder_set_member_name (b, "x-record-arm");
      json_builder_add_boolean_value (b, TRUE);
    }
  if (strata_track_get_monitoring (track) != STRATA_MONITORING_AUTO)
    {
      json_builder_set_member_name (b, "x-monitoring");
      json_builder_add_string_value (b, monitor_names[strata_track_get_monitoring (track)]);
    }
  if (strata_track_get_input (track))
    {
      json_builder_set_member_name (b, "x-input");
      json_builder_add_string_value (b, strata_track_get_input (track));
    }
  json_builder_end_object (b);
}

static void
write_range (JsonBuilder *b, const char *key, gint64 start, gint64 end, gboolean enabled)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "start");
  json_builder_add_int_value (b, start);
  json_builder_set_member_name (b, "end");
  json_builder_add_int_value (b, end);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, enabled);
  json_builder_end_object (b);
}

/* A media path as seen from `base_dir`: relative when the file is inside it, else absolute.
 * Without a base_dir the path is written as the project holds it. */
static char *
media_path_for (StrataSource *source, const char *base_dir)
{
  const char *file = strata_source_get_file_path (source);
  g_autofree char *prefix = NULL;

  if (base_dir == NULL || file == NULL)
    return g_strdup (strata_source_get_path (source));
  prefix = g_strconcat (base_dir, G_DIR_SEPARATOR_S, NULL);
  if (g_str_has_prefix (file, prefix))
    return g_strdup (file + strlen (prefix));
  return g_strdup (file);
}

/* `base_dir` is the folder the JSON will live in (media paths are written relative to it), or
 * NULL to keep each media path as the project holds it. */
JsonNode *
strata_json_serialize (StrataProject *project, const char *base_dir)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  StrataTimeline *timeline = strata_project_get_timeline (project);
  StrataTempoMap *map = strata_timeline_get_tempo_map (timeline);
  GListModel *markers = strata_timeline_get_markers (timeline);
  GListModel *sources = strata_project_get_sources (project);
  GListModel *buses = strata_project_get_buses (project);
  GListModel *tracks = strata_timeline_get_tracks (timeline);
  g_autofree char *real_base = base_dir ? g_canonicalize_filename (base_dir, NULL) : NULL;
  gint64 start, end;
  gboolean enabled;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "strata-project");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, strata_project_get_name (project));
  json_builder_set_member_name (b, "sample_rate");
  json_builder_add_int_value (b, strata_project_get_sample_rate (project));

  json_builder_set_member_name (b, "tempo_map");
  json_builder_begin_array (b);
  for (guint i = 0; i < strata_tempo_map_get_n_segments (map); i++)
    {
      const StrataTempoSegment *s = strata_tempo_map_get_segment (map, i);
      g_autofree char *at = g_strdup_printf ("%d.1.0", s->bar);
      g_autofree char *sig = g_strdup_printf ("%u/%u", s->numerator, s->denominator);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "at");
      json_builder_add_string_value (b, at);
      json_builder_set_member_name (b, "bpm");
      json_builder_add_double_value (b, s->bpm);
      json_builder_set_member_name (b, "time_signature");
      json_builder_add_string_value (b, sig);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "markers");
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (markers); i++)
    {
      g_autoptr(StrataMarker) marker = g_list_model_get_item (markers, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, strata_marker_get_name (marker) ?: "");
      json_builder_set_member_name (b, "at");
      json_builder_add_int_value (b, strata_marker_get_frame (marker));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  strata_timeline_get_loop (timeline, &start, &end, &enabled);
  write_range (b, "loop", start, end, enabled);
  strata_timeline_get_punch (timeline, &start, &end, &enabled);
  if (start != 0 || end != 0 || enabled)
    write_range (b, "x-punch", start, end, enabled);

  json_builder_set_member_name (b, "media");
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(StrataSource) source = g_list_model_get_item (sources, i);
      g_autofree char *path = media_path_for (source, real_base);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, strata_source_get_id (source));
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, path);
      if (!g_str_equal (strata_source_get_name (source), strata_source_get_id (source)))
        {
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, strata_source_get_name (source));
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "buses");
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (buses); i++)
    {
      g_autoptr(StrataStrip) bus = g_list_model_get_item (buses, i);
      json_builder_begin_object (b);
      write_identity (b, bus);
      write_strip (b, bus, FALSE);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "tracks");
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(StrataTrack) track = g_list_model_get_item (tracks, i);
      write_track (b, track);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "master");
  json_builder_begin_object (b);
  write_strip (b, STRATA_STRIP (strata_project_get_master (project)), TRUE);
  json_builder_end_object (b);

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
strata_json_to_data (StrataProject *project, const char *base_dir, gsize *length)
{
  g_autoptr(JsonNode) root = strata_json_serialize (project, base_dir);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, length);
}

gboolean
strata_json_save_file (StrataProject *project, const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *real_dir = g_canonicalize_filename (dir, NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  data = strata_json_to_data (project, real_dir, &length);
  if (!g_file_set_contents (path, data, length, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, "%s: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
