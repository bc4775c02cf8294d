/* Reading a design finding's named numbers in tests. */
#ifndef FV_FINDING_NUMBER_H
#define FV_FINDING_NUMBER_H

#include "fovea.h"

/* The number called `name` in finding f; fails the test when it has none. */
double finding_number(const fv_finding *f, const char *name);

#endif
