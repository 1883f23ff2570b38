// The blocked SGEMM, written once and compiled once per instruction set: a
// kernel file defines the macros below and then includes this file. Every
// function here carries CTK_TARGET (a per-function target attribute), so the
// code is generated for that instruction set without a global -march flag.
//
// Expected macros:
//   CTK_TARGET           __attribute__((target("…")))
//   FN(name)             the instruction set's prefix on a function name
//   VEC, VL              the vector type and its length in floats
//   MR                   rows of the register tile; its columns are NR = 2·VL
//   KC_MAX, NC_MAX       cache blocking: k-slice depth, column-block width
//   V_ZERO(), V_SET1(x), V_BCAST(p), V_LOAD(p), V_STORE(p, v), V_MUL(a, b),
//   V_FMA(a, b, acc) = a·b + acc
//   V_LOAD_N(p, n), V_STORE_N(p, v, n)   the first n < VL lanes; the rest of a
//                                        load is zero, of a store untouched
// Optional: NARROW_MAX_N, with FN(narrow_scratch)(k) and FN(sgemm_narrow)(…),
// a separate path for products with at most that many columns and A
// untransposed.
//
// Layout of the work (Goto/BLIS blocking, in row-major terms):
// - The register tile is MR rows × NR columns of C, NR/VL vectors per row.
//   Per k step the kernel loads one row of the B panel (NR floats) and
//   broadcasts MR values of A from memory; every multiply is an FMA.
// - A is read in place when it is untransposed (its rows are contiguous in k,
//   so the kernel broadcasts from MR row pointers), and packed k-major (MR
//   contiguous floats per k step) when it is transposed: then one k step of
//   a panel is a short contiguous run of A but successive steps are lda
//   apart (in one L1 set when lda is a multiple of 1024), and packing is one
//   masked vector copy per step.
// - B is packed once per (k-slice × column block) into NR-column panels, zero
//   padded at the right edge, so the kernel reads it sequentially whatever B's
//   transpose and stride. With few rows (rollout inference, m ≤ DIRECT_B_ROWS)
//   an untransposed B is read in place instead: it would serve only one or
//   two row panels, so packing it would cost as much as using it.
// - The last column panel uses a one-vector-wide kernel when at most VL
//   columns remain (a two-vector tile would compute mostly zeros there), and
//   C's partial vectors are written with masked stores.

#define NR (2 * VL)
#define DIRECT_B_ROWS (2 * MR)
#define CTK_INLINE static inline __attribute__((always_inline))

// C[0..<rows, 0..<cols] ← α·Σ_p A(r, p)·Bpanel[p] + β·C for one tile. R and
// NV are compile-time constants at every call (the switch in FN(tile) below),
// so the accumulators live in registers and the loops unroll. A(r, p) is at
// a[r·as + p] when A_ROWS (A in place, untransposed), else at a[p·as + r].
CTK_INLINE CTK_TARGET void FN(tile_body)(
    const int R, const int NV, const int A_ROWS, ptrdiff_t kc, const float *a, ptrdiff_t as,
    const float *b, ptrdiff_t bs, float *c, ptrdiff_t ldc, int cols, float alpha, float beta)
{
    VEC acc[MR][2];
    for (int r = 0; r < R; r++) {
        acc[r][0] = V_ZERO();
        acc[r][1] = V_ZERO();
    }
    if (A_ROWS) {
        for (ptrdiff_t p = 0; p < kc; p++) {
            VEC b0 = V_LOAD(b);
            VEC b1 = NV > 1 ? V_LOAD(b + VL) : b0;
            for (int r = 0; r < R; r++) {
                VEC x = V_BCAST(a + r * as);
                acc[r][0] = V_FMA(x, b0, acc[r][0]);
                if (NV > 1) acc[r][1] = V_FMA(x, b1, acc[r][1]);
            }
            a += 1;
            b += bs;
        }
    } else {
        for (ptrdiff_t p = 0; p < kc; p++) {
            VEC b0 = V_LOAD(b);
            VEC b1 = NV > 1 ? V_LOAD(b + VL) : b0;
            for (int r = 0; r < R; r++) {
                VEC x = V_BCAST(a + r);
                acc[r][0] = V_FMA(x, b0, acc[r][0]);
                if (NV > 1) acc[r][1] = V_FMA(x, b1, acc[r][1]);
            }
            a += as;
            b += bs;
        }
    }
    const VEC va = V_SET1(alpha), vb = V_SET1(beta);
    for (int r = 0; r < R; r++) {
        float *row = c + r * ldc;
        for (int v = 0; v < NV; v++) {
            int n = cols - v * VL;
            if (n <= 0) break;
            float *p = row + v * VL;
            VEC x = acc[r][v];
            if (n >= VL) {
                if (beta == 0) x = V_MUL(x, va);
                else if (beta == 1) x = V_FMA(x, va, V_LOAD(p));
                else x = V_FMA(x, va, V_MUL(V_LOAD(p), vb));
                V_STORE(p, x);
            } else {
                if (beta == 0) x = V_MUL(x, va);
                else if (beta == 1) x = V_FMA(x, va, V_LOAD_N(p, n));
                else x = V_FMA(x, va, V_MUL(V_LOAD_N(p, n), vb));
                V_STORE_N(p, x, n);
            }
        }
    }
}

#define CTK_TILE_CASE(R)                                                                        \
    case R:                                                                                     \
        if (cols > VL) {                                                                        \
            if (a_rows) FN(tile_body)(R, 2, 1, kc, a, as, b, bs, c, ldc, cols, alpha, beta);    \
            else FN(tile_body)(R, 2, 0, kc, a, as, b, bs, c, ldc, cols, alpha, beta);           \
        } else {                                                                                \
            if (a_rows) FN(tile_body)(R, 1, 1, kc, a, as, b, bs, c, ldc, cols, alpha, beta);    \
            else FN(tile_body)(R, 1, 0, kc, a, as, b, bs, c, ldc, cols, alpha, beta);           \
        }                                                                                       \
        break;

// One tile of rows ≤ MR, cols ≤ NR: picks the specialisation.
static CTK_TARGET void FN(tile)(
    int rows, int cols, int a_rows, ptrdiff_t kc, const float *a, ptrdiff_t as,
    const float *b, ptrdiff_t bs, float *c, ptrdiff_t ldc, float alpha, float beta)
{
    switch (rows) {
        CTK_TILE_ROWS
    default: break;
    }
}

// Rows i0..<i0+rows, columns k0..<k0+kc of op(A) = Aᵀ into a k-major panel:
// dst[p·MR + r] = A[k0 + p, i0 + r].
CTK_INLINE CTK_TARGET void FN(pack_a_transposed)(
    const float *a, ptrdiff_t lda, ptrdiff_t i0, int rows, ptrdiff_t k0, ptrdiff_t kc, float *dst)
{
    // One masked vector load and store per k step (MR < VL). Written
    // element by element, the compiler kept it scalar (src and dst might
    // alias) and packing took as long as the multiplication.
    _Static_assert(MR < VL, "a panel's k step must fit one vector");
    const float *src = a + k0 * lda + i0;
    for (ptrdiff_t p = 0; p < kc; p++, src += lda, dst += MR) V_STORE_N(dst, V_LOAD_N(src, rows), rows);
}

// Rows k0..<k0+kc, columns j0..<j0+cols of op(B) into one NR-column panel,
// dst[p·NR + j], columns past `cols` zero.
CTK_INLINE CTK_TARGET void FN(pack_b)(
    bool transposed, const float *b, ptrdiff_t ldb, ptrdiff_t k0, ptrdiff_t kc, ptrdiff_t j0, int cols,
    float *dst)
{
    if (transposed) {
        // op(B)[p, j] = B[j, p]: each panel column is a contiguous run of a row of B.
        for (int j = 0; j < NR; j++) {
            if (j < cols) {
                const float *src = b + (j0 + j) * ldb + k0;
                for (ptrdiff_t p = 0; p < kc; p++) dst[p * NR + j] = src[p];
            } else {
                for (ptrdiff_t p = 0; p < kc; p++) dst[p * NR + j] = 0;
            }
        }
    } else {
        const float *src = b + k0 * ldb + j0;
        for (ptrdiff_t p = 0; p < kc; p++, src += ldb, dst += NR) {
            if (cols == NR) {
                V_STORE(dst, V_LOAD(src));
                V_STORE(dst + VL, V_LOAD(src + VL));
            } else if (cols > VL) {
                V_STORE(dst, V_LOAD(src));
                V_STORE(dst + VL, cols - VL == VL ? V_LOAD(src + VL) : V_LOAD_N(src + VL, cols - VL));
            } else {
                V_STORE(dst, cols == VL ? V_LOAD(src) : V_LOAD_N(src, cols));
                V_STORE(dst + VL, V_ZERO());
            }
        }
    }
}

// The k-slice depth: balanced so that the last slice is not a sliver.
CTK_INLINE ptrdiff_t FN(kc_tile)(ptrdiff_t k)
{
    ptrdiff_t blocks = (k + KC_MAX - 1) / KC_MAX;
    return (k + blocks - 1) / blocks;
}

CTK_INLINE ptrdiff_t FN(nc_tile)(ptrdiff_t n)
{
    ptrdiff_t padded = (n + NR - 1) / NR * NR;
    return padded < NC_MAX ? padded : NC_MAX;
}

// Floats of scratch: one packed A panel, then the packed B block, each
// starting on a cache line.
static ptrdiff_t FN(scratch_count)(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k)
{
    (void)m;
    ptrdiff_t kc = FN(kc_tile)(k);
    ptrdiff_t a_count = (MR * kc + 15) / 16 * 16;
    ptrdiff_t count = a_count + kc * FN(nc_tile)(n);
#ifdef NARROW_MAX_N
    if (n <= NARROW_MAX_N && FN(narrow_scratch)(k) > count) count = FN(narrow_scratch)(k);
#endif
    return count;
}

static CTK_TARGET void FN(sgemm)(
    bool transpose_a, bool transpose_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
    float alpha, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
    float beta, float *c, ptrdiff_t ldc, float *scratch)
{
#ifdef NARROW_MAX_N
    if (!transpose_a && n <= NARROW_MAX_N) {
        FN(sgemm_narrow)(transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, scratch);
        return;
    }
#endif
    const bool direct_b = !transpose_b && m <= DIRECT_B_ROWS;
    const ptrdiff_t kc_tile = FN(kc_tile)(k);
    const ptrdiff_t nc_tile = FN(nc_tile)(n);
    float *a_pack = scratch;
    float *b_pack = scratch + (MR * kc_tile + 15) / 16 * 16;
    for (ptrdiff_t jc = 0; jc < n; jc += nc_tile) {
        const ptrdiff_t nc = n - jc < nc_tile ? n - jc : nc_tile;
        for (ptrdiff_t pc = 0; pc < k; pc += kc_tile) {
            const ptrdiff_t kc = k - pc < kc_tile ? k - pc : kc_tile;
            const float block_beta = pc == 0 ? beta : 1;
            if (!direct_b) {
                for (ptrdiff_t jr = 0; jr < nc; jr += NR) {
                    int cols = (int)(nc - jr < NR ? nc - jr : NR);
                    FN(pack_b)(transpose_b, b, ldb, pc, kc, jc + jr, cols, b_pack + jr * kc);
                }
            }
            for (ptrdiff_t ir = 0; ir < m; ir += MR) {
                const int rows = (int)(m - ir < MR ? m - ir : MR);
                const float *a_panel;
                ptrdiff_t as;
                if (transpose_a) {
                    FN(pack_a_transposed)(a, lda, ir, rows, pc, kc, a_pack);
                    a_panel = a_pack;
                    as = MR;
                } else {
                    a_panel = a + ir * lda + pc;
                    as = lda;
                }
                for (ptrdiff_t jr = 0; jr < nc; jr += NR) {
                    const int cols = (int)(nc - jr < NR ? nc - jr : NR);
                    const float *b_panel;
                    ptrdiff_t bs;
                    if (!direct_b) {
                        b_panel = b_pack + jr * kc;
                        bs = NR;
                    } else if (cols == NR) {
                        b_panel = b + pc * ldb + jc + jr;
                        bs = ldb;
                    } else {
                        FN(pack_b)(false, b, ldb, pc, kc, jc + jr, cols, b_pack);
                        b_panel = b_pack;
                        bs = NR;
                    }
                    FN(tile)(
                        rows, cols, !transpose_a, kc, a_panel, as, b_panel, bs,
                        c + ir * ldc + jc + jr, ldc, alpha, block_beta);
                }
            }
        }
    }
}

#undef NR
#undef DIRECT_B_ROWS
#undef CTK_INLINE
#undef CTK_TILE_CASE
#undef NARROW_MAX_N
