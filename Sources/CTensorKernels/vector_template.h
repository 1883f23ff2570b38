// The element-wise and sparse kernels, written once and compiled once per
// instruction set: a kernel file defines the macros below and then includes
// this file (as sgemm_template.h is used).
//
// Every kernel does, element by element, exactly the floating-point
// operations of its portable Swift twin (Tensor+Elementwise.swift,
// Adam.swift, SparseRows.swift), each rounded on its own: separate multiplies
// and adds, never an FMA, so that the result does not depend on which
// instruction set ran it. The tests compare them bit for bit.
//
// Expected macros:
//   CTK_TARGET, FN(name), VEC, VL             as in sgemm_template.h
//   V_SET1(x), V_LOAD(p), V_STORE(p, v), V_LOAD_N(p, n), V_STORE_N(p, v, n)
//   V_ADD, V_SUB, V_MUL, V_DIV, V_MIN, V_MAX (a, b): the instruction's
//   semantics, in particular V_MIN/V_MAX return b when either is NaN
//   V_SQRT(a)
//   V_DIFFERENT_BITS(a, b)   bit i set when lane i of a and b differ (a NaN always does)

#include <stdint.h>

// Tensor.fastTanh (Eigen's rational approximation), lane-wise. Operand
// order of min/max is Swift's: a NaN input comes out NaN.
static inline __attribute__((always_inline)) CTK_TARGET VEC FN(tanh_lanes)(VEC value)
{
    const VEC clamp = V_SET1(7.90531110763549805f);
    VEC x = V_MIN(clamp, V_MAX(V_SET1(-7.90531110763549805f), value));
    VEC x2 = V_MUL(x, x);
    VEC p = V_SET1(-2.76076847742355e-16f);
    p = V_ADD(V_MUL(p, x2), V_SET1(2.00018790482477e-13f));
    p = V_ADD(V_MUL(p, x2), V_SET1(-8.60467152213735e-11f));
    p = V_ADD(V_MUL(p, x2), V_SET1(5.12229709037114e-08f));
    p = V_ADD(V_MUL(p, x2), V_SET1(1.48572235717979e-05f));
    p = V_ADD(V_MUL(p, x2), V_SET1(6.37261928875436e-04f));
    p = V_ADD(V_MUL(p, x2), V_SET1(4.89352455891786e-03f));
    p = V_MUL(p, x);
    VEC q = V_SET1(1.19825839466702e-06f);
    q = V_ADD(V_MUL(q, x2), V_SET1(1.18534705686654e-04f));
    q = V_ADD(V_MUL(q, x2), V_SET1(2.26843463243900e-03f));
    q = V_ADD(V_MUL(q, x2), V_SET1(4.89352518554385e-03f));
    return V_DIV(p, q);
}

// y[r, j] ← tanh(y[r, j] + b[j]) (b may be NULL: tanh alone), rows of `columns`.
static CTK_TARGET void FN(bias_tanh)(float *y, const float *b, ptrdiff_t rows, ptrdiff_t columns)
{
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = y + r * columns;
        ptrdiff_t j = 0;
        for (; j + VL <= columns; j += VL) {
            VEC v = V_LOAD(row + j);
            if (b) v = V_ADD(v, V_LOAD(b + j));
            V_STORE(row + j, FN(tanh_lanes)(v));
        }
        if (j < columns) {
            int n = (int)(columns - j);
            VEC v = V_LOAD_N(row + j, n);
            if (b) v = V_ADD(v, V_LOAD_N(b + j, n));
            V_STORE_N(row + j, FN(tanh_lanes)(v), n);
        }
    }
}

// y[r, j] ← y[r, j] + b[j].
static CTK_TARGET void FN(add_row_vector)(float *y, const float *b, ptrdiff_t rows, ptrdiff_t columns)
{
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = y + r * columns;
        ptrdiff_t j = 0;
        for (; j + VL <= columns; j += VL) V_STORE(row + j, V_ADD(V_LOAD(row + j), V_LOAD(b + j)));
        if (j < columns) {
            int n = (int)(columns - j);
            V_STORE_N(row + j, V_ADD(V_LOAD_N(row + j, n), V_LOAD_N(b + j, n)), n);
        }
    }
}

// out[j] ← out[j] + Σ_r x[r, j], rows added in order.
static CTK_TARGET void FN(sum_rows)(const float *x, ptrdiff_t rows, ptrdiff_t columns, float *out)
{
    ptrdiff_t j = 0;
    for (; j + VL <= columns; j += VL) {
        VEC s = V_LOAD(out + j);
        for (ptrdiff_t r = 0; r < rows; r++) s = V_ADD(s, V_LOAD(x + r * columns + j));
        V_STORE(out + j, s);
    }
    if (j < columns) {
        int n = (int)(columns - j);
        VEC s = V_LOAD_N(out + j, n);
        for (ptrdiff_t r = 0; r < rows; r++) s = V_ADD(s, V_LOAD_N(x + r * columns + j, n));
        V_STORE_N(out + j, s, n);
    }
}

// g[i] ← g[i]·(1 − y[i]·y[i]).
static CTK_TARGET void FN(tanh_backward)(float *g, const float *y, ptrdiff_t count)
{
    const VEC one = V_SET1(1.0f);
    ptrdiff_t i = 0;
    for (; i + VL <= count; i += VL) {
        VEC t = V_LOAD(y + i);
        V_STORE(g + i, V_MUL(V_LOAD(g + i), V_SUB(one, V_MUL(t, t))));
    }
    if (i < count) {
        int n = (int)(count - i);
        VEC t = V_LOAD_N(y + i, n);
        V_STORE_N(g + i, V_MUL(V_LOAD_N(g + i, n), V_SUB(one, V_MUL(t, t))), n);
    }
}

// GELU with GPT-2's tanh form (Tensor+GELU.swift), lane-wise, with the
// Swift code's operations in its order:
//   u = s·(x + ((c·x)·x)·x), t = tanh(u), y = (½·x)·(1 + t);
//   dx = dy·(½·(1 + t) + (½·x)·(((1 − t·t)·s)·(1 + ((3c)·x)·x))).
#define CTK_GELU_SCALE 0.7978845608028654f
#define CTK_GELU_CUBIC 0.044715f

static inline __attribute__((always_inline)) CTK_TARGET VEC FN(gelu_tanh)(VEC x)
{
    VEC cubic = V_MUL(V_MUL(V_MUL(V_SET1(CTK_GELU_CUBIC), x), x), x);
    return FN(tanh_lanes)(V_MUL(V_SET1(CTK_GELU_SCALE), V_ADD(x, cubic)));
}

static inline __attribute__((always_inline)) CTK_TARGET VEC FN(gelu_lanes)(VEC x)
{
    return V_MUL(V_MUL(V_SET1(0.5f), x), V_ADD(V_SET1(1.0f), FN(gelu_tanh)(x)));
}

static inline __attribute__((always_inline)) CTK_TARGET VEC FN(gelu_backward_lanes)(VEC x, VEC dy)
{
    const VEC half = V_SET1(0.5f), one = V_SET1(1.0f);
    VEC t = FN(gelu_tanh)(x);
    VEC slope = V_ADD(one, V_MUL(V_MUL(V_SET1(3.0f * CTK_GELU_CUBIC), x), x));
    VEC dt = V_MUL(V_MUL(V_SUB(one, V_MUL(t, t)), V_SET1(CTK_GELU_SCALE)), slope);
    return V_MUL(dy, V_ADD(V_MUL(half, V_ADD(one, t)), V_MUL(V_MUL(half, x), dt)));
}

// y[i] ← GELU(x[i]).
static CTK_TARGET void FN(gelu)(const float *x, float *y, ptrdiff_t count)
{
    ptrdiff_t i = 0;
    for (; i + VL <= count; i += VL) V_STORE(y + i, FN(gelu_lanes)(V_LOAD(x + i)));
    if (i < count) {
        int n = (int)(count - i);
        V_STORE_N(y + i, FN(gelu_lanes)(V_LOAD_N(x + i, n)), n);
    }
}

// dx[i] ← dy[i]·GELU′(x[i]); dx may be dy.
static CTK_TARGET void FN(gelu_backward)(const float *x, const float *dy, float *dx, ptrdiff_t count)
{
    ptrdiff_t i = 0;
    for (; i + VL <= count; i += VL) V_STORE(dx + i, FN(gelu_backward_lanes)(V_LOAD(x + i), V_LOAD(dy + i)));
    if (i < count) {
        int n = (int)(count - i);
        V_STORE_N(dx + i, FN(gelu_backward_lanes)(V_LOAD_N(x + i, n), V_LOAD_N(dy + i, n)), n);
    }
}

// One Adam step (Adam.step): m ← b1·m + (1−b1)·g; v ← b2·v + (1−b2)·g·g;
// w ← w − (lr′·m) / (√v / √(1−b2ᵗ) + eps).
static inline __attribute__((always_inline)) CTK_TARGET void FN(adam_lanes)(
    VEC g, VEC *m, VEC *v, VEC *w, VEC b1, VEC c1, VEC b2, VEC c2, VEC eps, VEC step, VEC root)
{
    *m = V_ADD(V_MUL(b1, *m), V_MUL(c1, g));
    *v = V_ADD(V_MUL(b2, *v), V_MUL(V_MUL(c2, g), g));
    *w = V_SUB(*w, V_DIV(V_MUL(step, *m), V_ADD(V_DIV(V_SQRT(*v), root), eps)));
}

static CTK_TARGET void FN(adam)(
    float *m, float *v, const float *g, float *w, ptrdiff_t count,
    float b1, float one_minus_b1, float b2, float one_minus_b2, float eps, float step_size, float root_bias_correction2)
{
    const VEC vb1 = V_SET1(b1), vc1 = V_SET1(one_minus_b1), vb2 = V_SET1(b2), vc2 = V_SET1(one_minus_b2);
    const VEC veps = V_SET1(eps), vstep = V_SET1(step_size), vroot = V_SET1(root_bias_correction2);
    ptrdiff_t i = 0;
    for (; i + VL <= count; i += VL) {
        VEC mi = V_LOAD(m + i), vi = V_LOAD(v + i), wi = V_LOAD(w + i);
        FN(adam_lanes)(V_LOAD(g + i), &mi, &vi, &wi, vb1, vc1, vb2, vc2, veps, vstep, vroot);
        V_STORE(m + i, mi);
        V_STORE(v + i, vi);
        V_STORE(w + i, wi);
    }
    if (i < count) {
        int n = (int)(count - i);
        VEC mi = V_LOAD_N(m + i, n), vi = V_LOAD_N(v + i, n), wi = V_LOAD_N(w + i, n);
        FN(adam_lanes)(V_LOAD_N(g + i, n), &mi, &vi, &wi, vb1, vc1, vb2, vc2, veps, vstep, vroot);
        V_STORE_N(m + i, mi, n);
        V_STORE_N(v + i, vi, n);
        V_STORE_N(w + i, wi, n);
    }
}

// The positions where x differs from `reference` (NULL: from zero; NaN
// always differs), ascending, into `columns`, and x's values there into
// `values`; returns how many.
static CTK_TARGET ptrdiff_t FN(differences)(
    const float *x, const float *reference, ptrdiff_t count, int32_t *columns, float *values)
{
    ptrdiff_t found = 0, i = 0;
    for (; i + VL <= count; i += VL) {
        VEC r = reference ? V_LOAD(reference + i) : V_SET1(0.0f);
        uint32_t bits = V_DIFFERENT_BITS(V_LOAD(x + i), r);
        while (bits) {
            ptrdiff_t j = i + __builtin_ctz(bits);
            columns[found] = (int32_t)j;
            values[found++] = x[j];
            bits &= bits - 1;
        }
    }
    for (; i < count; i++) {
        if (x[i] != (reference ? reference[i] : 0.0f)) {
            columns[found] = (int32_t)i;
            values[found++] = x[i];
        }
    }
    return found;
}

// y[r, :] ← base + Σ_e values[e]·w[columns[e], :] over row r's entries
// e in starts[r] ..< starts[r + 1], in order: a sparse batch times a dense
// matrix w (`columns` floats per row, row stride ldw), with `base` (a row
// vector, or NULL for zero) as the sum's first term.
static CTK_TARGET void FN(sparse_matmul)(
    ptrdiff_t rows, ptrdiff_t n, const int32_t *starts, const int32_t *columns, const float *values,
    const float *base, const float *w, ptrdiff_t ldw, float *y, ptrdiff_t ldy)
{
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *out = y + r * ldy;
        const int32_t first = starts[r], end = starts[r + 1];
        ptrdiff_t j = 0;
        // Four vectors at a time: four independent sums per entry.
        for (; j + 4 * VL <= n; j += 4 * VL) {
            VEC a0 = base ? V_LOAD(base + j) : V_SET1(0.0f), a1 = base ? V_LOAD(base + j + VL) : V_SET1(0.0f);
            VEC a2 = base ? V_LOAD(base + j + 2 * VL) : V_SET1(0.0f), a3 = base ? V_LOAD(base + j + 3 * VL) : V_SET1(0.0f);
            for (int32_t e = first; e < end; e++) {
                const float *row = w + (ptrdiff_t)columns[e] * ldw + j;
                VEC s = V_SET1(values[e]);
                a0 = V_ADD(a0, V_MUL(s, V_LOAD(row)));
                a1 = V_ADD(a1, V_MUL(s, V_LOAD(row + VL)));
                a2 = V_ADD(a2, V_MUL(s, V_LOAD(row + 2 * VL)));
                a3 = V_ADD(a3, V_MUL(s, V_LOAD(row + 3 * VL)));
            }
            V_STORE(out + j, a0);
            V_STORE(out + j + VL, a1);
            V_STORE(out + j + 2 * VL, a2);
            V_STORE(out + j + 3 * VL, a3);
        }
        for (; j < n; j += VL) {
            int lanes = n - j < VL ? (int)(n - j) : VL;
            VEC a = base ? V_LOAD_N(base + j, lanes) : V_SET1(0.0f);
            for (int32_t e = first; e < end; e++) {
                a = V_ADD(a, V_MUL(V_SET1(values[e]), V_LOAD_N(w + (ptrdiff_t)columns[e] * ldw + j, lanes)));
            }
            V_STORE_N(out + j, a, lanes);
        }
    }
}

// dw[columns[e], :] ← dw[columns[e], :] + values[e]·dy[r, :] for every entry
// e of every row r, rows in order: the weight gradient xᵀ·dy of a sparse x.
static CTK_TARGET void FN(sparse_scatter)(
    ptrdiff_t rows, ptrdiff_t n, const int32_t *starts, const int32_t *columns, const float *values,
    const float *dy, ptrdiff_t lddy, float *dw, ptrdiff_t lddw)
{
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *g = dy + r * lddy;
        for (int32_t e = starts[r]; e < starts[r + 1]; e++) {
            float *out = dw + (ptrdiff_t)columns[e] * lddw;
            VEC s = V_SET1(values[e]);
            ptrdiff_t j = 0;
            for (; j + VL <= n; j += VL) V_STORE(out + j, V_ADD(V_LOAD(out + j), V_MUL(s, V_LOAD(g + j))));
            if (j < n) {
                int lanes = (int)(n - j);
                V_STORE_N(out + j, V_ADD(V_LOAD_N(out + j, lanes), V_MUL(s, V_LOAD_N(g + j, lanes))), lanes);
            }
        }
    }
}

#define CTK_VECTOR_KERNELS_TABLE                                                                   \
    {                                                                                              \
        .bias_tanh = FN(bias_tanh), .add_row_vector = FN(add_row_vector), .sum_rows = FN(sum_rows), \
        .tanh_backward = FN(tanh_backward), .gelu = FN(gelu), .gelu_backward = FN(gelu_backward),      \
        .adam = FN(adam), .differences = FN(differences),                                          \
        .sparse_matmul = FN(sparse_matmul), .sparse_scatter = FN(sparse_scatter),                  \
    }
