// The per-instruction-set element-wise and sparse kernels (vector_avx2.c,
// vector_avx512.c) as seen by the dispatcher (vector.c). Internal to
// CTensorKernels.
#ifndef CTK_VECTOR_KERNELS_H
#define CTK_VECTOR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

struct ctk_vector_kernels {
    void (*bias_tanh)(float *y, const float *b, ptrdiff_t rows, ptrdiff_t columns);
    void (*add_row_vector)(float *y, const float *b, ptrdiff_t rows, ptrdiff_t columns);
    void (*sum_rows)(const float *x, ptrdiff_t rows, ptrdiff_t columns, float *out);
    void (*tanh_backward)(float *g, const float *y, ptrdiff_t count);
    void (*gelu)(const float *x, float *y, ptrdiff_t count);
    void (*gelu_backward)(const float *x, const float *dy, float *dx, ptrdiff_t count);
    void (*adam)(
        float *m, float *v, const float *g, float *w, ptrdiff_t count, float b1, float one_minus_b1, float b2,
        float one_minus_b2, float eps, float step_size, float root_bias_correction2);
    ptrdiff_t (*differences)(const float *x, const float *reference, ptrdiff_t count, int32_t *columns, float *values);
    void (*sparse_matmul)(
        ptrdiff_t rows, ptrdiff_t n, const int32_t *starts, const int32_t *columns, const float *values,
        const float *base, const float *w, ptrdiff_t ldw, float *y, ptrdiff_t ldy);
    void (*sparse_scatter)(
        ptrdiff_t rows, ptrdiff_t n, const int32_t *starts, const int32_t *columns, const float *values,
        const float *dy, ptrdiff_t lddy, float *dw, ptrdiff_t lddw);
};

#if defined(__x86_64__)
extern const struct ctk_vector_kernels ctk_vector_avx2;
extern const struct ctk_vector_kernels ctk_vector_avx512;
#endif

#endif
