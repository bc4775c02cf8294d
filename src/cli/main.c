#include "fovea.h"
int main(void) { return 0; }
