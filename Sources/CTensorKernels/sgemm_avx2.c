// The SGEMM for AVX2 + FMA: a 6 × 16 register tile (12 of the 16 ymm
// registers accumulate; each k step is 2 loads of B, 6 broadcasts of A from
// memory and 12 FMAs).
#include "sgemm_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CTK_TARGET __attribute__((target("avx2,fma")))
#define FN(name) ctk_avx2_##name
#define VEC __m256
#define VL 8
#define MR 6
#define KC_MAX 384
#define NC_MAX 512
#define V_ZERO() _mm256_setzero_ps()
#define V_SET1(x) _mm256_set1_ps(x)
#define V_BCAST(p) _mm256_broadcast_ss(p)
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_STORE(p, v) _mm256_storeu_ps((p), (v))
#define V_MUL(a, b) _mm256_mul_ps((a), (b))
#define V_FMA(a, b, acc) _mm256_fmadd_ps((a), (b), (acc))
// Lane i is active when i < n.
#define V_MASK(n) _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define V_LOAD_N(p, n) _mm256_maskload_ps((p), V_MASK(n))
#define V_STORE_N(p, v, n) _mm256_maskstore_ps((p), V_MASK(n), (v))
#define CTK_TILE_ROWS                                                                              \
    CTK_TILE_CASE(1) CTK_TILE_CASE(2) CTK_TILE_CASE(3) CTK_TILE_CASE(4) CTK_TILE_CASE(5)           \
    CTK_TILE_CASE(6)

#include "sgemm_template.h"

const struct ctk_sgemm_kernel ctk_sgemm_avx2 = {
    .tile_rows = MR,
    .tile_columns = 2 * VL,
    .scratch_count = ctk_avx2_scratch_count,
    .sgemm = ctk_avx2_sgemm,
};

#endif
