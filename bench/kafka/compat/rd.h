/*
 * Minimal stand-in for librdkafka's internal src/rd.h, just enough to build
 * examples/rdkafka_performance.c (shipped by Debian's librdkafka-dev) outside
 * the librdkafka source tree. Not part of librdkafka's public API.
 */
#ifndef ROBUSTMQ_BENCH_RD_H
#define ROBUSTMQ_BENCH_RD_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strndup(), usleep() */
#endif

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* Microsecond timestamp. */
typedef int64_t rd_ts_t;

/* Monotonic clock in microseconds. */
static inline rd_ts_t rd_clock(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ((rd_ts_t)ts.tv_sec * 1000000LL) +
               ((rd_ts_t)ts.tv_nsec / 1000LL);
}

#define rd_snprintf(...) snprintf(__VA_ARGS__)

#define RD_MAX(a, b) ((a) > (b) ? (a) : (b))
#define RD_MIN(a, b) ((a) < (b) ? (a) : (b))

#endif /* ROBUSTMQ_BENCH_RD_H */
