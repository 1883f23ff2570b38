// The element-wise and sparse kernels for AVX-512F (see vector_template.h).
#include "vector_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CTK_TARGET __attribute__((target("avx512f")))
#define FN(name) ctk_vector_avx512_##name
#define VEC __m512
#define VL 16
#define V_SET1(x) _mm512_set1_ps(x)
#define V_LOAD(p) _mm512_loadu_ps(p)
#define V_STORE(p, v) _mm512_storeu_ps((p), (v))
#define V_LOAD_N(p, n) _mm512_maskz_loadu_ps((__mmask16)((1u << (n)) - 1), (p))
#define V_STORE_N(p, v, n) _mm512_mask_storeu_ps((p), (__mmask16)((1u << (n)) - 1), (v))
#define V_ADD(a, b) _mm512_add_ps((a), (b))
#define V_SUB(a, b) _mm512_sub_ps((a), (b))
#define V_MUL(a, b) _mm512_mul_ps((a), (b))
#define V_DIV(a, b) _mm512_div_ps((a), (b))
#define V_MIN(a, b) _mm512_min_ps((a), (b))
#define V_MAX(a, b) _mm512_max_ps((a), (b))
#define V_SQRT(a) _mm512_sqrt_ps(a)
#define V_DIFFERENT_BITS(a, b) ((uint32_t)_mm512_cmp_ps_mask((a), (b), _CMP_NEQ_UQ))

#include "vector_template.h"

const struct ctk_vector_kernels ctk_vector_avx512 = CTK_VECTOR_KERNELS_TABLE;

#endif
