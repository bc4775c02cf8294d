/* A growing list of design findings, shared by the check and anchor
 * analyses: add one, fill its text and numbers, sort by severity. */
#ifndef FV_FINDINGS_H
#define FV_FINDINGS_H

#include "fovea.h"

/* Findings of one rule kept in full; beyond it they are counted and summed
 * up in one finding, so that a pathological graph cannot flood the report. */
#define FV_FINDINGS_PER_RULE 50

typedef struct fv_findings {
    fv_finding *items;
    size_t n, cap;
    size_t per_rule[FV_RULE_COUNT];
    size_t dropped[FV_RULE_COUNT];
    fv_severity dropped_severity[FV_RULE_COUNT];
    fv_finding scratch;   /* what callers fill for a finding beyond the limit */
} fv_findings;

/* Appends a finding with empty text; NULL when memory runs out. Beyond
 * FV_FINDINGS_PER_RULE findings of its rule it returns a scratch finding
 * that is only counted. */
fv_finding *fv_findings_add(fv_findings *list, fv_severity severity, fv_rule rule, int32_t node);

void fv_finding_what(fv_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fv_finding_advice(fv_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records a named number (static name); ignored beyond FV_FINDING_NUMBERS. */
void fv_finding_number(fv_finding *f, const char *name, double value);

/* Adds one finding per rule that went over the limit, then sorts: most
 * severe first, within a severity the order they were added. FV_ERR_NOMEM
 * when memory runs out. */
fv_status fv_findings_finish(fv_findings *list);

void fv_findings_free(fv_findings *list);

/* A double as the shortest text that reads back the same to 4 significant digits:
 * "48", "0.1667", "5.5". */
void fv_fmt_num(char *buf, size_t size, double v);

#endif
