// The element-wise and sparse kernels for AVX2 (see vector_template.h). No
// FMA: the kernels round every multiply and add on their own.
#include "vector_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CTK_TARGET __attribute__((target("avx2")))
#define FN(name) ctk_vector_avx2_##name
#define VEC __m256
#define VL 8
#define V_SET1(x) _mm256_set1_ps(x)
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_STORE(p, v) _mm256_storeu_ps((p), (v))
// Lane i is active when i < n.
#define V_MASK(n) _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define V_LOAD_N(p, n) _mm256_maskload_ps((p), V_MASK(n))
#define V_STORE_N(p, v, n) _mm256_maskstore_ps((p), V_MASK(n), (v))
#define V_ADD(a, b) _mm256_add_ps((a), (b))
#define V_SUB(a, b) _mm256_sub_ps((a), (b))
#define V_MUL(a, b) _mm256_mul_ps((a), (b))
#define V_DIV(a, b) _mm256_div_ps((a), (b))
#define V_MIN(a, b) _mm256_min_ps((a), (b))
#define V_MAX(a, b) _mm256_max_ps((a), (b))
#define V_SQRT(a) _mm256_sqrt_ps(a)
#define V_DIFFERENT_BITS(a, b) ((uint32_t)_mm256_movemask_ps(_mm256_cmp_ps((a), (b), _CMP_NEQ_UQ)))

#include "vector_template.h"

const struct ctk_vector_kernels ctk_vector_avx2 = CTK_VECTOR_KERNELS_TABLE;

#endif
