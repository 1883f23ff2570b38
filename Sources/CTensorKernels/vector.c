// Run-time selection of the element-wise and sparse kernels, as sgemm.c does
// for the SGEMMs: the caller names an instruction set the CPU supports
// (ctk_sgemm_supported), and a kernel that is not compiled in does nothing.
#include "CTensorKernels.h"
#include "vector_kernels.h"

static const struct ctk_vector_kernels *kernels(int kernel)
{
#if defined(__x86_64__)
    switch (kernel) {
    case CTK_SGEMM_AVX2: return &ctk_vector_avx2;
    case CTK_SGEMM_AVX512: return &ctk_vector_avx512;
    default: return NULL;
    }
#else
    (void)kernel;
    return NULL;
#endif
}

bool ctk_vector_available(int kernel) { return kernels(kernel) != NULL && ctk_sgemm_supported(kernel); }

void ctk_bias_tanh(int kernel, float *y, const float *b, ptrdiff_t rows, ptrdiff_t columns)
{
    const struct ctk_vector_kernels *k = kernels(kernel);
    if (k) k->bias_tanh(y, b, rows, columns);
}

void ctk_add_row_vector(int kernel, float *y, const float *b, ptrdiff_t rows, ptrdiff_t columns)
{
    const struct ctk_vector_kernels *k = kernels(kernel);
    if (k) k->add_row_vector(y, b, rows, columns);
}

void ctk_sum_rows(int kernel, const float *x, ptrdiff_t rows, ptrdiff_t columns, float *out)
{
    const struct ctk_vector_kernels *k = kernels(kernel);
    if (k) k->sum_rows(x, rows, columns, out);
}

void ctk_tanh_backward(int kernel, float *g, const float *y, ptrdiff_t count)
{
    const struct ctk_vector_kernels *k = kernels(kernel);
    if (k) k->tanh_backward(g, y, count);
}

void ctk_gelu(int kernel, const float *x, float *y, ptrdiff_t count)
{
    const struct ctk_vector_kernels *k = kernels(kernel);
    if (k) k->gelu(x, y, count);
}

void ctk_gelu_backward(int kernel, const float *x, const float *dy, float *dx, ptrdiff_t count)
{
    const struct ctk_vector_kernels *k = kernels(kernel);
    if (k) k->gelu_backward(x, dy, dx, count);
}

void ctk_adam(
    int kernel, float *m, float *v, const float *g, float *w, ptrdiff_t count, float b1, float one_minus_b1,
    float b2, float one_minus_b2, float eps, float step_size, float root_bias_correction2)
{
    const struct ctk_vector_kernels *k = kernels(kernel);
    if (k) k->adam(m, v, g, w, count, b1, one_minus_b1, b2, one_minus_b2, eps, step_size, root_bias_correction2);
}

ptrdiff_t ctk_differences(
    int kernel, const float *x, const float *reference, ptrdiff_t count, int32_t *columns, float *values)
{
    const struct ctk_vector_kernels *k = kernels(kernel);
    return k ? k->differences(x, reference, count, columns, values) : 0;
}

void ctk_sparse_matmul(
    int kernel, ptrdiff_t rows, ptrdiff_t n, const int32_t *starts, const int32_t *columns, const float *values,
    const float *base, const float *w, ptrdiff_t ldw, float *y, ptrdiff_t ldy)
{
    const struct ctk_vector_kernels *k = kernels(kernel);
    if (k) k->sparse_matmul(rows, n, starts, columns, values, base, w, ldw, y, ldy);
}

void ctk_sparse_scatter(
    int kernel, ptrdiff_t rows, ptrdiff_t n, const int32_t *starts, const int32_t *columns, const float *values,
    const float *dy, ptrdiff_t lddy, float *dw, ptrdiff_t lddw)
{
    const struct ctk_vector_kernels *k = kernels(kernel);
    if (k) k->sparse_scatter(rows, n, starts, columns, values, dy, lddy, dw, lddw);
}
