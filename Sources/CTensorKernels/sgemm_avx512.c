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

#include "sgemm_template.h"

const struct ctk_sgemm_kernel ctk_sgemm_avx512 = {
    .tile_rows = MR,
    .tile_columns = 2 * VL,
    .scratch_count = ctk_avx512_scratch_count,
    .sgemm = ctk_avx512_sgemm,
};

#endif
