// One core's peak multiply-add rate in float32 (VFMADD231PS) and in bf16 (VDPBF16PS,
// two bf16 products per float32 lane), 512-bit registers: twelve independent
// accumulators kept in registers, so the loop is bound by issue rate, not latency.
// Whether bf16 beats float32 on a CPU without AMX depends on this ratio: Tandem runs
// oneDNN's bf16 kernels only where it is about 2 (BF16Rate.swift).
//
//   gcc -O2 -march=native bench/bf16_peak.c -o /tmp/bf16_peak && /tmp/bf16_peak
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define DECLARE(init) __m512 c0 = init, c1 = init, c2 = init, c3 = init, c4 = init, c5 = init, \
    c6 = init, c7 = init, c8 = init, c9 = init, c10 = init, c11 = init;
#define EACH(OP) OP(c0); OP(c1); OP(c2); OP(c3); OP(c4); OP(c5); OP(c6); OP(c7); OP(c8); OP(c9); OP(c10); OP(c11);
// An empty asm that claims to change every accumulator: the compiler can neither fold
// the chains nor move them to memory.
#define KEEP __asm__ volatile("" : "+v"(c0), "+v"(c1), "+v"(c2), "+v"(c3), "+v"(c4), "+v"(c5), \
    "+v"(c6), "+v"(c7), "+v"(c8), "+v"(c9), "+v"(c10), "+v"(c11));
#define TOTAL(c) total += _mm512_reduce_add_ps(c)

int main(void) {
    const long iterations = 30000000;
    __m512 a = _mm512_set1_ps(1e-8f), b = _mm512_set1_ps(1.0001f);
    __m512i xi = _mm512_set1_epi16(0x3f80), yi = _mm512_set1_epi16(0x3280);
    __asm__ volatile("" : "+v"(a), "+v"(b), "+v"(xi), "+v"(yi));
    __m512bh x = (__m512bh)xi, y = (__m512bh)yi;
#define FMA(c) c = _mm512_fmadd_ps(a, b, c)
#define DOT(c) c = _mm512_dpbf16_ps(c, x, y)
// Times `iterations` rounds of STEP on the twelve accumulators; PRODUCTS multiply-adds
// per instruction.
#define MEASURE(STEP, NAME, PRODUCTS)                                                          \
    {                                                                                          \
        DECLARE(_mm512_setzero_ps())                                                           \
        double start = now();                                                                  \
        for (long i = 0; i < iterations; i++) { EACH(STEP) KEEP }                              \
        double seconds = now() - start;                                                        \
        float total = 0;                                                                       \
        EACH(TOTAL)                                                                            \
        printf("{\"bench\": \"peak\", \"instruction\": \"%s\", \"gflops\": %.1f, \"check\": %g}\n", NAME, \
               2.0 * PRODUCTS * 12 * iterations / seconds / 1e9, total);                          \
    }
    for (int round = 0; round < 3; round++) {
        MEASURE(FMA, "vfmadd231ps", 16)
        MEASURE(DOT, "vdpbf16ps", 32)
    }
    return 0;
}
