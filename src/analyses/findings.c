/* Findings: severities, rule names, and the list both design analyses fill. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"

static const char *const severity_names[] = {
    [FV_SEVERITY_INFO] = "info",
    [FV_SEVERITY_WARNING] = "warning",
    [FV_SEVERITY_ERROR] = "error",
};
static_assert(sizeof severity_names / sizeof severity_names[0] == FV_SEVERITY_COUNT,
              "severity_names needs one row per fv_severity");

static const char *const rule_names[] = {
    [FV_RULE_MAP_SIZE] = "map_size",
    [FV_RULE_EDGE_LOSS] = "edge_loss",
    [FV_RULE_CAPACITY] = "capacity",
    [FV_RULE_TOP_RF] = "top_rf",
    [FV_RULE_BORDER] = "border",
    [FV_RULE_INPUT_RANGE] = "input_range",
    [FV_RULE_MISALIGNED] = "misaligned",
    [FV_RULE_SAME_SHIFT] = "same_shift",
    [FV_RULE_STEP] = "step",
    [FV_RULE_ANCHOR_CENTRE] = "anchor_centre",
    [FV_RULE_ANCHOR_SIZE] = "anchor_size",
    [FV_RULE_DENSITY] = "density",
    [FV_RULE_SCALE_GAP] = "scale_gap",
    [FV_RULE_SCALE_OVERLAP] = "scale_overlap",
    [FV_RULE_OBJECTS] = "objects",
    [FV_RULE_ANCHOR_ERF] = "anchor_erf",
};
static_assert(sizeof rule_names / sizeof rule_names[0] == FV_RULE_COUNT,
              "rule_names needs one row per fv_rule");

const char *fv_severity_name(fv_severity s)
{
    return (unsigned)s < FV_SEVERITY_COUNT ? severity_names[s] : "?";
}

const char *fv_rule_name(fv_rule r) { return (unsigned)r < FV_RULE_COUNT ? rule_names[r] : "?"; }

fv_finding *fv_findings_add(fv_findings *list, fv_severity severity, fv_rule rule, int32_t node)
{
    if (list->per_rule[rule] == FV_FINDINGS_PER_RULE) {
        if (!list->dropped[rule]++ || severity > list->dropped_severity[rule])
            list->dropped_severity[rule] = severity;
        /* Marked so that filling it costs nothing. */
        list->scratch.rule = FV_RULE_COUNT;
        return &list->scratch;
    }
    list->per_rule[rule]++;
    if (list->n == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 16;
        fv_finding *p = realloc(list->items, cap * sizeof *p);
        if (!p)
            return NULL;
        list->items = p;
        list->cap = cap;
    }
    fv_finding *f = &list->items[list->n++];
    memset(f, 0, sizeof *f);
    f->severity = severity;
    f->rule = rule;
    f->node = node;
    return f;
}

void fv_finding_what(fv_finding *f, const char *fmt, ...)
{
    if (f->rule == FV_RULE_COUNT)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->what, sizeof f->what, fmt, ap);
    va_end(ap);
}

void fv_finding_advice(fv_finding *f, const char *fmt, ...)
{
    if (f->rule == FV_RULE_COUNT)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->advice, sizeof f->advice, fmt, ap);
    va_end(ap);
}

void fv_finding_number(fv_finding *f, const char *name, double value)
{
    if (f->rule == FV_RULE_COUNT || f->n_numbers == FV_FINDING_NUMBERS)
        return;
    f->numbers[f->n_numbers].name = name;
    f->numbers[f->n_numbers].value = value;
    f->n_numbers++;
}

fv_status fv_findings_finish(fv_findings *list)
{
    for (int r = 0; r < FV_RULE_COUNT; r++) {
        size_t dropped = list->dropped[r];
        if (!dropped)
            continue;
        list->per_rule[r] = 0; /* room for the summary */
        fv_finding *f = fv_findings_add(list, list->dropped_severity[r], (fv_rule)r, -1);
        if (!f)
            return FV_ERR_NOMEM;
        fv_finding_what(f, "%zu more %s findings beyond the first %d are not listed", dropped,
                        rule_names[r], FV_FINDINGS_PER_RULE);
        fv_finding_number(f, "not_listed", (double)dropped);
        fv_finding_advice(f, "the per-layer table has the numbers of every layer");
        list->dropped[r] = 0;
    }
    /* Stable, by severity: one pass per severity into a new array. */
    fv_finding *sorted = malloc((list->n ? list->n : 1) * sizeof *sorted);
    if (!sorted)
        return FV_ERR_NOMEM;
    size_t k = 0;
    for (int s = FV_SEVERITY_COUNT - 1; s >= 0; s--)
        for (size_t i = 0; i < list->n; i++)
            if ((int)list->items[i].severity == s)
                sorted[k++] = list->items[i];
    free(list->items);
    list->items = sorted;
    list->cap = list->n;
    return FV_OK;
}

void fv_findings_free(fv_findings *list)
{
    free(list->items);
    list->items = NULL;
    list->n = list->cap = 0;
}

void fv_fmt_num(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.4g", v);
}
