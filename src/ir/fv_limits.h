/* Hard limits on what a model may ask for. Files come from anywhere: every
 * size is checked against these before it is used, so that no input can make
 * fovea allocate without bound or overflow 64-bit arithmetic. */
#ifndef FV_LIMITS_H
#define FV_LIMITS_H

#include <stdint.h>

#define FV_MAX_NODES        (1 << 24)   /* 16.7 M nodes */
#define FV_MAX_INPUTS       4096        /* inputs of one merge node */
#define FV_MAX_NAME         255         /* bytes of a node name */
#define FV_MAX_KERNEL       (1 << 16)   /* kernel taps per axis */
#define FV_MAX_STRIDE       (1 << 16)   /* stride, dilation, block, scale terms */
#define FV_MAX_PAD          (1 << 20)   /* padding per side */
#define FV_MAX_DIM          (1LL << 31) /* spatial size of any feature map */
#define FV_MAX_CHANNELS     (1LL << 31)
#define FV_MAX_PERIOD       (1 << 16)   /* units before an RF pattern repeats */

#endif
