#ifndef CTENSORKERNELS_H
#define CTENSORKERNELS_H

// Small pieces of Tensor that Swift cannot express: SGEMM kernels compiled
// for specific x86-64 extensions (per function, selected at run time, so the
// package still builds for and runs on any x86-64 and on arm64), and CPU
// feature detection. Everything here is internal to Tensor; Swift code reaches
// it through BLAS.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

// Element-wise and sparse kernels (vector_template.h): `kernel` names the
// instruction set, CTK_SGEMM_AVX2 or CTK_SGEMM_AVX512, one the CPU supports.
// Each does exactly the rounded operations of its portable Swift twin, in
// the same order (no FMA), so every instruction set gives the same bits.

/// Whether the element-wise kernels for `kernel` were compiled in and run here.
bool ctk_vector_available(int kernel);

/// y[r, j] ← tanh(y[r, j] + b[j]) by Tensor.fastTanh's approximation; b may be NULL.
void ctk_bias_tanh(int kernel, float *y, const float *b, ptrdiff_t rows, ptrdiff_t columns);
/// y[r, j] ← y[r, j] + b[j].
void ctk_add_row_vector(int kernel, float *y, const float *b, ptrdiff_t rows, ptrdiff_t columns);
/// out[j] ← out[j] + Σ_r x[r, j], rows in order.
void ctk_sum_rows(int kernel, const float *x, ptrdiff_t rows, ptrdiff_t columns, float *out);
/// g[i] ← g[i]·(1 − y[i]²).
void ctk_tanh_backward(int kernel, float *g, const float *y, ptrdiff_t count);
/// y[i] ← GELU(x[i]), GPT-2's tanh form by Tensor.fastTanh (Tensor+GELU.swift).
void ctk_gelu(int kernel, const float *x, float *y, ptrdiff_t count);
/// dx[i] ← dy[i]·GELU′(x[i]); dx may be dy.
void ctk_gelu_backward(int kernel, const float *x, const float *dy, float *dx, ptrdiff_t count);
/// One Adam step over `count` parameters (see Adam.step).
void ctk_adam(
    int kernel, float *m, float *v, const float *g, float *w, ptrdiff_t count, float b1, float one_minus_b1,
    float b2, float one_minus_b2, float eps, float step_size, float root_bias_correction2);
/// Writes the positions where x differs from `reference` (NULL: from zero;
/// NaN always differs) in ascending order into `columns`, and x there into
/// `values` (room for `count` each); returns how many.
ptrdiff_t ctk_differences(
    int kernel, const float *x, const float *reference, ptrdiff_t count, int32_t *columns, float *values);
/// y[r, 0..<n] ← base + Σ values[e]·w[columns[e], 0..<n] over e in
/// starts[r] ..< starts[r + 1], in order; base (n floats) may be NULL for zero.
void ctk_sparse_matmul(
    int kernel, ptrdiff_t rows, ptrdiff_t n, const int32_t *starts, const int32_t *columns, const float *values,
    const float *base, const float *w, ptrdiff_t ldw, float *y, ptrdiff_t ldy);
/// dw[columns[e], 0..<n] += values[e]·dy[r, 0..<n] for every entry e of every
/// row r, rows in order.
void ctk_sparse_scatter(
    int kernel, ptrdiff_t rows, ptrdiff_t n, const int32_t *starts, const int32_t *columns, const float *values,
    const float *dy, ptrdiff_t lddy, float *dw, ptrdiff_t lddw);

/// The OpenBLAS core type (an OPENBLAS_CORETYPE value) whose kernels this
/// CPU can run, best first: "Cooperlake", "SkylakeX", "Haswell",
/// "Sandybridge"; NULL when there is nothing better than OpenBLAS's own
/// detection to offer (non-x86 CPUs, CPUs without AVX).
const char *ctk_openblas_core_type(void);

/// Asks the CPU to start loading `bytes` bytes from `p` into its caches
/// (one prefetch per 64-byte line); changes nothing else.
static inline void ctk_prefetch(const void *p, ptrdiff_t bytes)
{
    for (ptrdiff_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch((const char *)p + offset, 0, 3);
}

#ifdef __cplusplus
}
#endif

#endif
