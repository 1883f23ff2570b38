// The SGEMM for AVX-512F: a 12 × 32 register tile (24 of the 32 zmm
// registers accumulate; each k step is 2 loads of B, 12 broadcasts of A from
// memory and 24 FMAs).
#include "sgemm_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CTK_TARGET __attribute__((target("avx512f")))
#define FN(name) ctk_avx512_##name
#define VEC __m512
#define VL 16
#define MR 12
#define KC_MAX 384
#define NC_MAX 512
#define V_ZERO() _mm512_setzero_ps()
#define V_SET1(x) _mm512_set1_ps(x)
#define V_BCAST(p) _mm512_set1_ps(*(p))
#define V_LOAD(p) _mm512_loadu_ps(p)
#define V_STORE(p, v) _mm512_storeu_ps((p), (v))
#define V_MUL(a, b) _mm512_mul_ps((a), (b))
#define V_FMA(a, b, acc) _mm512_fmadd_ps((a), (b), (acc))
#define V_LOAD_N(p, n) _mm512_maskz_loadu_ps((__mmask16)((1u << (n)) - 1), (p))
#define V_STORE_N(p, v, n) _mm512_mask_storeu_ps((p), (__mmask16)((1u << (n)) - 1), (v))
#define CTK_TILE_ROWS                                                                              \
    CTK_TILE_CASE(1) CTK_TILE_CASE(2) CTK_TILE_CASE(3) CTK_TILE_CASE(4) CTK_TILE_CASE(5)           \
    CTK_TILE_CASE(6) CTK_TILE_CASE(7) CTK_TILE_CASE(8) CTK_TILE_CASE(9) CTK_TILE_CASE(10)          \
    CTK_TILE_CASE(11) CTK_TILE_CASE(12)

// Few columns (n ≤ 4: PPO's policy and value heads) with A untransposed: the
// register tile above would fill a quarter of each vector, or less. This path
// vectorises along k instead, where A's rows and the packed columns of B are
// both contiguous: C[i, j] = Σ_p A[i, p]·Bᵀ[j, p] as 16-lane partial dot
// products, a 4 × 4 block of C per 16 accumulators, whose 16 horizontal sums
// are folded together into one vector at the end (30 shuffles for 16 sums).
#define NARROW_MAX_N 4

// Floats of scratch for the packed Bᵀ: 4 rows of k rounded up to 16.
static ptrdiff_t ctk_avx512_narrow_scratch(ptrdiff_t k) { return 4 * ((k + 15) / 16 * 16); }

// Lane q of the result holds the sum of the 16 lanes of x[q].
static inline __attribute__((always_inline)) CTK_TARGET __m512 ctk_avx512_sum16(const __m512 x[16])
{
    // Fold 256-bit halves: u[q] holds 8 partials of x[q] (low half) and of x[q + 8].
    __m512 u[8], v[4], w[2];
    for (int q = 0; q < 8; q++) {
        __m512 lo = _mm512_shuffle_f32x4(x[q], x[q + 8], _MM_SHUFFLE(1, 0, 1, 0));
        __m512 hi = _mm512_shuffle_f32x4(x[q], x[q + 8], _MM_SHUFFLE(3, 2, 3, 2));
        u[q] = _mm512_add_ps(lo, hi);
    }
    // Fold 128-bit lanes: v[q]'s lanes hold 4 partials of x[q], x[q+8], x[q+4], x[q+12].
    for (int q = 0; q < 4; q++) {
        __m512 even = _mm512_shuffle_f32x4(u[q], u[q + 4], _MM_SHUFFLE(2, 0, 2, 0));
        __m512 odd = _mm512_shuffle_f32x4(u[q], u[q + 4], _MM_SHUFFLE(3, 1, 3, 1));
        v[q] = _mm512_add_ps(even, odd);
    }
    // Fold pairs within lanes, then single elements.
    for (int q = 0; q < 2; q++) {
        __m512 lo = _mm512_shuffle_ps(v[q], v[q + 2], _MM_SHUFFLE(1, 0, 1, 0));
        __m512 hi = _mm512_shuffle_ps(v[q], v[q + 2], _MM_SHUFFLE(3, 2, 3, 2));
        w[q] = _mm512_add_ps(lo, hi);
    }
    __m512 even = _mm512_shuffle_ps(w[0], w[1], _MM_SHUFFLE(2, 0, 2, 0));
    __m512 odd = _mm512_shuffle_ps(w[0], w[1], _MM_SHUFFLE(3, 1, 3, 1));
    __m512 z = _mm512_add_ps(even, odd);
    // z's lane 4ℓ + e holds the sum of x[[0, 2, 1, 3][e] + [0, 8, 4, 12][ℓ]]; put it at that index.
    const __m512i order = _mm512_setr_epi32(0, 2, 1, 3, 8, 10, 9, 11, 4, 6, 5, 7, 12, 14, 13, 15);
    return _mm512_permutexvar_ps(order, z);
}

static CTK_TARGET void ctk_avx512_sgemm_narrow(
    bool transpose_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda,
    const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc, float *scratch)
{
    // Bᵀ, 4 rows of kp floats, zero past n rows and k columns (so that a
    // full-width load past k adds zeros, and missing columns sum to zero).
    const ptrdiff_t kp = (k + 15) / 16 * 16;
    float *bt = scratch;
    for (int j = 0; j < 4; j++) {
        float *row = bt + j * kp;
        ptrdiff_t p = 0;
        if (j < n) {
            if (transpose_b) {
                for (; p < k; p++) row[p] = b[j * ldb + p];
            } else {
                for (; p < k; p++) row[p] = b[p * ldb + j];
            }
        }
        for (; p < kp; p++) row[p] = 0;
    }
    const __mmask16 tail = (__mmask16)((1u << (k % 16)) - 1);
    const __m128i column_mask = _mm_cmpgt_epi32(_mm_set1_epi32((int)n), _mm_setr_epi32(0, 1, 2, 3));
    const __m128 va = _mm_set1_ps(alpha), vb = _mm_set1_ps(beta);
    for (ptrdiff_t i0 = 0; i0 < m; i0 += 4) {
        const int rows = (int)(m - i0 < 4 ? m - i0 : 4);
        // Rows past m repeat the last row: computed, never stored.
        const float *ar[4];
        for (int r = 0; r < 4; r++) ar[r] = a + (i0 + (r < rows ? r : rows - 1)) * lda;
        __m512 acc[16];
        for (int q = 0; q < 16; q++) acc[q] = _mm512_setzero_ps();
        ptrdiff_t p = 0;
        for (; p + 16 <= k; p += 16) {
            __m512 y0 = _mm512_load_ps(bt + p), y1 = _mm512_load_ps(bt + kp + p);
            __m512 y2 = _mm512_load_ps(bt + 2 * kp + p), y3 = _mm512_load_ps(bt + 3 * kp + p);
            for (int r = 0; r < 4; r++) {
                __m512 x = _mm512_loadu_ps(ar[r] + p);
                acc[4 * r] = _mm512_fmadd_ps(x, y0, acc[4 * r]);
                acc[4 * r + 1] = _mm512_fmadd_ps(x, y1, acc[4 * r + 1]);
                acc[4 * r + 2] = _mm512_fmadd_ps(x, y2, acc[4 * r + 2]);
                acc[4 * r + 3] = _mm512_fmadd_ps(x, y3, acc[4 * r + 3]);
            }
        }
        if (p < k) {
            __m512 y0 = _mm512_load_ps(bt + p), y1 = _mm512_load_ps(bt + kp + p);
            __m512 y2 = _mm512_load_ps(bt + 2 * kp + p), y3 = _mm512_load_ps(bt + 3 * kp + p);
            for (int r = 0; r < 4; r++) {
                __m512 x = _mm512_maskz_loadu_ps(tail, ar[r] + p);
                acc[4 * r] = _mm512_fmadd_ps(x, y0, acc[4 * r]);
                acc[4 * r + 1] = _mm512_fmadd_ps(x, y1, acc[4 * r + 1]);
                acc[4 * r + 2] = _mm512_fmadd_ps(x, y2, acc[4 * r + 2]);
                acc[4 * r + 3] = _mm512_fmadd_ps(x, y3, acc[4 * r + 3]);
            }
        }
        // Lanes 4r..4r+3 of the sums are C[i0 + r, 0..3].
        const __m512 sums = ctk_avx512_sum16(acc);
        __m128 s[4] = {
            _mm512_extractf32x4_ps(sums, 0), _mm512_extractf32x4_ps(sums, 1),
            _mm512_extractf32x4_ps(sums, 2), _mm512_extractf32x4_ps(sums, 3),
        };
        for (int r = 0; r < rows; r++) {
            float *row = c + (i0 + r) * ldc;
            __m128 out = _mm_mul_ps(s[r], va);
            if (beta != 0) out = _mm_fmadd_ps(_mm_maskload_ps(row, column_mask), vb, out);
            _mm_maskstore_ps(row, column_mask, out);
        }
    }
}

#include "sgemm_template.h"

const struct ctk_sgemm_kernel ctk_sgemm_avx512 = {
    .tile_rows = MR,
    .tile_columns = 2 * VL,
    .scratch_count = ctk_avx512_scratch_count,
    .sgemm = ctk_avx512_sgemm,
};

#endif
