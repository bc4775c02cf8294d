/* Findings in table, Markdown and JSON form (finding_report.h). */
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "finding_report.h"
#include "graph_private.h"

static const char *layer_name(const fv_graph *g, int32_t node)
{
    return node >= 0 ? fv_graph_name(g, node) : "(network)";
}

/* Markdown cells may not hold a pipe. */
static void md_text(const char *s, FILE *out)
{
    for (; *s; s++)
        fputs(*s == '|' ? "\\|" : (char[2]){*s, 0}, out);
}

void fv_write_findings(const fv_graph *g, const fv_finding *const *fs, size_t n, fv_format format,
                       int color, FILE *out)
{
    if (format == FV_FORMAT_MD) {
        if (n == 0) {
            fputs("No findings.\n", out);
            return;
        }
        fputs("| severity | rule | layer | finding | what to do |\n|---|---|---|---|---|\n", out);
        for (size_t k = 0; k < n; k++) {
            fprintf(out, "| %s | %s | ", fv_severity_name(fs[k]->severity), fv_rule_name(fs[k]->rule));
            md_text(layer_name(g, fs[k]->node), out);
            fputs(" | ", out);
            md_text(fs[k]->what, out);
            fputs(" | ", out);
            md_text(fs[k]->advice, out);
            fputs(" |\n", out);
        }
        return;
    }
    if (n == 0) {
        fputs("no findings\n", out);
        return;
    }
    /* Severity in colour: errors bold red, warnings yellow, information cyan. */
    static const fv_style severity_style[FV_SEVERITY_COUNT] = {FV_STYLE_WHOLE, FV_STYLE_WARN,
                                                                FV_STYLE_BAD};
    for (size_t k = 0; k < n; k++) {
        fv_severity s = fs[k]->severity;
        fv_write_styled(fv_severity_name(s), s < FV_SEVERITY_COUNT ? severity_style[s] : FV_STYLE_PLAIN,
                        color, out);
        fprintf(out, " [%s] ", fv_rule_name(fs[k]->rule));
        fv_write_printable(layer_name(g, fs[k]->node), out);
        fputs(": ", out);
        fv_write_printable(fs[k]->what, out);
        fputs("\n  -> ", out);
        fv_write_printable(fs[k]->advice, out);
        fputc('\n', out);
    }
}

cJSON *fv_findings_json(const fv_graph *g, const fv_finding *const *fs, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t k = 0; arr && k < n; k++) {
        const fv_finding *f = fs[k];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "severity", fv_severity_name(f->severity));
        cJSON_AddStringToObject(o, "rule", fv_rule_name(f->rule));
        if (f->node >= 0)
            cJSON_AddStringToObject(o, "layer", fv_graph_name(g, f->node));
        else
            cJSON_AddNullToObject(o, "layer");
        cJSON_AddStringToObject(o, "finding", f->what);
        cJSON_AddStringToObject(o, "advice", f->advice);
        cJSON *nums = cJSON_AddObjectToObject(o, "numbers");
        for (size_t i = 0; i < f->n_numbers; i++)
            cJSON_AddNumberToObject(nums, f->numbers[i].name, f->numbers[i].value);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

fv_status fv_json_emit(cJSON *doc, FILE *out, fv_diag *diag)
{
    char *text = doc ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    if (!text)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    fputs(text, out);
    fputc('\n', out);
    free(text);
    return FV_OK;
}

void fv_fmt_percent_pair(char *buf, size_t size, double y, double x)
{
    char a[32], b[32];
    if (y <= 0 && x <= 0) {
        buf[0] = '\0';
        return;
    }
    snprintf(a, sizeof a, "%.0f%%", 100 * y);
    snprintf(b, sizeof b, "%.0f%%", 100 * x);
    fv_fmt_pair(buf, size, a, b);
}

void fv_fmt_num_pair(char *buf, size_t size, double y, double x)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "%.4g", y);
    snprintf(b, sizeof b, "%.4g", x);
    fv_fmt_pair(buf, size, a, b);
}
