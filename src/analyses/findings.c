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
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->what, sizeof f->what, fmt, ap);
    va_end(ap);
}

void fv_finding_advice(fv_finding *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->advice, sizeof f->advice, fmt, ap);
    va_end(ap);
}

void fv_finding_number(fv_finding *f, const char *name, double value)
{
    if (f->n_numbers == FV_FINDING_NUMBERS)
        return;
    f->numbers[f->n_numbers].name = name;
    f->numbers[f->n_numbers].value = value;
    f->n_numbers++;
}

void fv_findings_sort(fv_findings *list)
{
    /* Insertion sort: stable, and lists are short. */
    for (size_t i = 1; i < list->n; i++) {
        fv_finding f = list->items[i];
        size_t j = i;
        while (j > 0 && list->items[j - 1].severity < f.severity) {
            list->items[j] = list->items[j - 1];
            j--;
        }
        list->items[j] = f;
    }
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
