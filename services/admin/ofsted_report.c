/*
 * ofsted_report.c - the summary of an Ofsted import, as text for a person or
 * one JSON object for a script (ofsted_import.h).
 */
#include <stdio.h>

#include <jansson.h>

#include "ofsted_import.h"

/* Text lists stop here; --json always lists everything. */
#define TEXT_LIST_MAX 20

static json_t *note_json(const struct ofsted_inspection_note *n)
{
	return json_pack("{s:I, s:s, s:s, s:s*, s:s, s:s, s:s}", "line", (json_int_t)n->line,
			 "urn", n->urn, "setting_id", n->setting_id, "inspection_id",
			 n->inspection_id[0] ? n->inspection_id : NULL, "inspection_type",
			 n->inspection_type ? n->inspection_type : "", "inspected_on",
			 n->inspected_on, "risk_band", n->risk_band);
}

static void print_json(const struct ofsted_summary *s, const char *tenant, int dry_run,
		       FILE *out)
{
	json_t *doc = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:[], s:[], s:[], s:[], s:[]}",
				"tenant_id", tenant, "dry_run", dry_run,
				"rows_read", (json_int_t)s->rows_read,
				"settings_matched", (json_int_t)s->settings_matched,
				"settings_updated", (json_int_t)s->updated.n,
				"settings_unchanged", (json_int_t)s->settings_unchanged,
				"inspections_recorded", (json_int_t)s->recorded.n,
				"inspections_already_recorded",
				(json_int_t)s->inspections_already_recorded,
				"updated", "recorded", "differing", "unknown_urns", "bad_rows");
	json_t *list;

	if (!doc) {
		fputs("{\"error\": \"out of memory\"}\n", out);
		return;
	}
	list = json_object_get(doc, "updated");
	for (size_t i = 0; i < s->updated.n; i++) {
		const struct ofsted_setting_change *c = &s->updated.items[i];
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:o}", "line",
						      (json_int_t)c->line, "urn", c->urn,
						      "setting_id", c->setting_id, "status",
						      c->status, "registered_places",
						      c->places >= 0 ? json_integer(c->places)
								     : json_null()));
	}
	list = json_object_get(doc, "recorded");
	for (size_t i = 0; i < s->recorded.n; i++)
		json_array_append_new(list, note_json(&s->recorded.items[i]));
	list = json_object_get(doc, "differing");
	for (size_t i = 0; i < s->differing.n; i++)
		json_array_append_new(list, note_json(&s->differing.items[i]));
	list = json_object_get(doc, "unknown_urns");
	for (size_t i = 0; i < s->unknown.n; i++)
		json_array_append_new(list, json_pack("{s:I, s:s}", "line",
						      (json_int_t)s->unknown.items[i].line, "urn",
						      s->unknown.items[i].urn));
	list = json_object_get(doc, "bad_rows");
	for (size_t i = 0; i < s->bad.n; i++)
		json_array_append_new(list, json_pack("{s:I, s:s?, s:s}", "line",
						      (json_int_t)s->bad.items[i].line, "urn",
						      s->bad.items[i].urn[0] ? s->bad.items[i].urn
									     : NULL,
						      "reason", s->bad.items[i].reason));
	json_dumpf(doc, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(doc);
}

static void print_text(const struct ofsted_summary *s, int dry_run, FILE *out)
{
	const char *would = dry_run ? " (dry run: nothing written)" : "";

	fprintf(out, "rows read: %zu%s\n", s->rows_read, would);
	fprintf(out, "settings matched: %zu (updated %zu, unchanged %zu)\n", s->settings_matched,
		s->updated.n, s->settings_unchanged);
	for (size_t i = 0; i < s->updated.n; i++) {
		const struct ofsted_setting_change *c = &s->updated.items[i];
		fprintf(out, "  updated  line %lu  URN %s  setting %s: %s, %d places\n", c->line,
			c->urn, c->setting_id, c->status, c->places);
	}
	fprintf(out, "inspections recorded: %zu (already recorded %zu)\n", s->recorded.n,
		s->inspections_already_recorded);
	for (size_t i = 0; i < s->recorded.n; i++) {
		const struct ofsted_inspection_note *n = &s->recorded.items[i];
		fprintf(out, "  recorded line %lu  URN %s  %s inspection of %s: risk band %s\n",
			n->line, n->urn, n->inspection_type, n->inspected_on, n->risk_band);
	}
	for (size_t i = 0; i < s->differing.n; i++) {
		const struct ofsted_inspection_note *n = &s->differing.items[i];
		fprintf(out, "  differs  line %lu  URN %s: inspection %s of %s is recorded with "
			"other judgements; left as it is\n", n->line, n->urn, n->inspection_id,
			n->inspected_on);
	}
	fprintf(out, "unknown URNs: %zu (not created)\n", s->unknown.n);
	for (size_t i = 0; i < s->unknown.n && i < TEXT_LIST_MAX; i++)
		fprintf(out, "  line %lu  URN %s\n", s->unknown.items[i].line,
			s->unknown.items[i].urn);
	if (s->unknown.n > TEXT_LIST_MAX)
		fprintf(out, "  ... and %zu more (--json lists them all)\n",
			s->unknown.n - TEXT_LIST_MAX);
	fprintf(out, "bad rows: %zu (skipped)\n", s->bad.n);
	for (size_t i = 0; i < s->bad.n; i++)
		fprintf(out, "  line %lu%s%s: %s\n", s->bad.items[i].line,
			s->bad.items[i].urn[0] ? "  URN " : "", s->bad.items[i].urn,
			s->bad.items[i].reason);
}

void ofsted_summary_print(const struct ofsted_summary *s, const char *tenant, int dry_run,
			  int json, FILE *out)
{
	if (json)
		print_json(s, tenant, dry_run, out);
	else
		print_text(s, dry_run, out);
}
