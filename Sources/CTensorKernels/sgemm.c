// Run-time selection of the SGEMM kernels: each kernel is compiled for its
// own instruction set (per-function target attributes), and runs only after
// the CPU said it supports that set.
#include "CTensorKernels.h"
#include "sgemm_kernels.h"
#include "cpu_features.h"

static const struct ctk_sgemm_kernel *kernel_named(int kernel)
{
#if defined(__x86_64__)
    switch (kernel) {
    case CTK_SGEMM_AVX2: return &ctk_sgemm_avx2;
    case CTK_SGEMM_AVX512: return &ctk_sgemm_avx512;
    default: return NULL;
    }
#else
    (void)kernel;
    return NULL;
#endif
}

bool ctk_sgemm_supported(int kernel)
{
    struct ctk_cpu_features cpu = ctk_cpu_features();
    switch (kernel) {
    case CTK_SGEMM_AVX2: return kernel_named(kernel) != NULL && cpu.avx2 && cpu.fma;
    case CTK_SGEMM_AVX512: return kernel_named(kernel) != NULL && cpu.avx512f;
    default: return false;
    }
}

int ctk_sgemm_best(void)
{
    if (ctk_sgemm_supported(CTK_SGEMM_AVX512)) return CTK_SGEMM_AVX512;
    if (ctk_sgemm_supported(CTK_SGEMM_AVX2)) return CTK_SGEMM_AVX2;
    return CTK_SGEMM_NONE;
}

int ctk_sgemm_tile_rows(int kernel)
{
    const struct ctk_sgemm_kernel *k = kernel_named(kernel);
    return k ? k->tile_rows : 0;
}

int ctk_sgemm_tile_columns(int kernel)
{
    const struct ctk_sgemm_kernel *k = kernel_named(kernel);
    return k ? k->tile_columns : 0;
}

ptrdiff_t ctk_sgemm_scratch_count(int kernel, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k)
{
    const struct ctk_sgemm_kernel *kn = kernel_named(kernel);
    return kn ? kn->scratch_count(m, n, k) : 0;
}

void ctk_sgemm(
    int kernel, bool transpose_a, bool transpose_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
    float alpha, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
    float beta, float *c, ptrdiff_t ldc, float *scratch)
{
    const struct ctk_sgemm_kernel *kn = kernel_named(kernel);
    if (kn == NULL || m <= 0 || n <= 0 || k <= 0) return;
    kn->sgemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, scratch);
}
