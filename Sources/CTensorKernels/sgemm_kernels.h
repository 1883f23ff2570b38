// The per-instruction-set SGEMMs (sgemm_avx2.c, sgemm_avx512.c) as seen by
// the dispatcher (sgemm.c). Internal to CTensorKernels.
#ifndef CTK_SGEMM_KERNELS_H
#define CTK_SGEMM_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

struct ctk_sgemm_kernel {
    int tile_rows, tile_columns;
    ptrdiff_t (*scratch_count)(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k);
    void (*sgemm)(
        bool transpose_a, bool transpose_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
        float alpha, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
        float beta, float *c, ptrdiff_t ldc, float *scratch);
};

#if defined(__x86_64__)
extern const struct ctk_sgemm_kernel ctk_sgemm_avx2;
extern const struct ctk_sgemm_kernel ctk_sgemm_avx512;
#endif

#endif
