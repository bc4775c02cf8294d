/* libFuzzer target: the onnx frontend and every analysis after it. */
#include "fuzz_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fv_fuzz_run(FV_FUZZ_ONNX, data, size);
    return 0;
}
