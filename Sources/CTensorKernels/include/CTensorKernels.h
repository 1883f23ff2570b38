#ifndef CTENSORKERNELS_H
#define CTENSORKERNELS_H

// Small pieces of Tensor that Swift cannot express: SGEMM kernels compiled
// for specific x86-64 extensions (per function, selected at run time, so the
// package still builds for and runs on any x86-64 and on arm64), and CPU
// feature detection. Everything here is internal to Tensor; Swift code reaches
// it through BLAS.

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The kernels this file can provide. `CTK_SGEMM_NONE` means "no C kernel":
/// the caller runs its portable path.
enum {
    CTK_SGEMM_NONE = 0,
    CTK_SGEMM_AVX2 = 1,    // AVX2 + FMA, 6×16 register tile
    CTK_SGEMM_AVX512 = 2,  // AVX-512F, 12×32 register tile
};

/// Whether `kernel` was compiled in and this CPU (and OS) can run it.
bool ctk_sgemm_supported(int kernel);

/// The fastest supported kernel, or CTK_SGEMM_NONE.
int ctk_sgemm_best(void);

/// The register tile of `kernel` (rows × columns of C), 0 × 0 for NONE.
int ctk_sgemm_tile_rows(int kernel);
int ctk_sgemm_tile_columns(int kernel);

/// Floats of scratch memory (64-byte aligned) that `ctk_sgemm` needs for
/// this problem.
ptrdiff_t ctk_sgemm_scratch_count(int kernel, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k);

/// C ← α·op(A)·op(B) + β·C, row-major, op(A) m×k, op(B) k×n, with a
/// supported kernel. Requires m, n, k ≥ 1 and α ≠ 0 (the caller handles the
/// degenerate cases); β == 0 ignores C's old content. `scratch` holds at
/// least ctk_sgemm_scratch_count(…) floats, 64-byte aligned, private to the
/// calling thread for the duration of the call.
void ctk_sgemm(
    int kernel, bool transpose_a, bool transpose_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
    float alpha, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
    float beta, float *c, ptrdiff_t ldc, float *scratch);

/// The OpenBLAS core type (an OPENBLAS_CORETYPE value) whose kernels this
/// CPU can run, best first: "Cooperlake", "SkylakeX", "Haswell",
/// "Sandybridge"; NULL when there is nothing better than OpenBLAS's own
/// detection to offer (non-x86 CPUs, CPUs without AVX).
const char *ctk_openblas_core_type(void);

#ifdef __cplusplus
}
#endif

#endif
