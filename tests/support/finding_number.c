/* finding_number.h */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "finding_number.h"

double finding_number(const fv_finding *f, const char *name)
{
    for (size_t k = 0; k < f->n_numbers; k++)
        if (strcmp(f->numbers[k].name, name) == 0)
            return f->numbers[k].value;
    fail_msg("finding has no number '%s'", name);
    return 0;
}
