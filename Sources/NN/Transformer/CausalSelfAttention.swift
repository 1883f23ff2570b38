import Foundation
import Tensor

/// Causal multi-head self-attention: one fused Linear d → 3d makes each
/// token's query, key and value (q | k | v, each split into h heads of d/h),
/// every head computes softmax(QKᵀ/√(d/h))·V over its own sequence's earlier
/// tokens, and a Linear d → d projects the concatenated heads.
///
/// Sequences are packed (`TokenBatch`): each (sequence, head) pair is its own
/// pair of small GEMMs on strided views of the qkv rows, so attention never
/// crosses sequences and no padding is computed. The scores are computed as a
/// full len×len product and the upper triangle is then zeroed by the softmax:
/// twice the causal work, in one GEMM call instead of len dot products.
public struct CausalSelfAttention: Sendable, Codable, Equatable {
    /// d → 3d, columns [q | k | v].
    public var qkv: Linear
    /// d → d, a residual output projection (GPT-2 scales its init by 1/√(2L)).
    public var projection: Linear
    public let heads: Int

    init<G: RandomNumberGenerator>(dModel: Int, heads: Int, projectionStd: Double, rng: inout G) {
        qkv = Linear(inputs: dModel, outputs: 3 * dModel, std: 0.02, rng: &rng)
        projection = Linear(inputs: dModel, outputs: dModel, std: projectionStd, rng: &rng)
        self.heads = heads
    }

    var width: Int { projection.outputSize }

    /// out += Proj(Attention(x)) for the packed rows x [T, d] (LN1's output).
    /// Keeps qkv [T, 3d], the probabilities (per sequence, per head, len×len)
    /// and the heads' concatenated output y [T, d] for the backward pass.
    func forward(
        _ x: UnsafePointer<Float>, sequences: SequenceLayout, qkvOut: UnsafeMutablePointer<Float>,
        probabilities: UnsafeMutablePointer<Float>, headsOut y: UnsafeMutablePointer<Float>,
        addingInto out: UnsafeMutablePointer<Float>, blas: BLAS
    ) {
        let rows = sequences.totalTokens
        qkv.forward(x, rows: rows, into: qkvOut, accumulate: false, blas: blas)
        Self.attend(qkv: qkvOut, sequences: sequences, width: width, heads: heads,
                    probabilities: probabilities, into: y, blas: blas)
        projection.forward(y, rows: rows, into: out, accumulate: true, blas: blas)
    }

    /// softmax(QKᵀ/√(d/h))·V for every sequence and head.
    static func attend(
        qkv: UnsafePointer<Float>, sequences: SequenceLayout, width d: Int, heads: Int,
        probabilities: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>, blas: BLAS
    ) {
        let hs = d / heads
        let scale = 1 / Float(hs).squareRoot()
        for s in 0..<sequences.count {
            let (start, n) = (sequences.starts[s], sequences.lengths[s])
            for h in 0..<heads {
                let q = qkv + start * 3 * d + h * hs
                let p = probabilities + sequences.probabilityOffsets[s] + h * n * n
                blas.gemm(transposeA: false, transposeB: true, m: n, n: n, k: hs, alpha: scale,
                          a: q, lda: 3 * d, b: q + d, ldb: 3 * d, beta: 0, c: p, ldc: n)
                causalSoftmax(p, n: n)
                blas.gemm(transposeA: false, transposeB: false, m: n, n: hs, k: n, alpha: 1,
                          a: p, lda: n, b: q + 2 * d, ldb: 3 * d, beta: 0, c: y + start * d + h * hs, ldc: d)
            }
        }
    }

    /// Row i ← softmax of its first i + 1 entries (max subtracted), zeros after.
    static func causalSoftmax(_ p: UnsafeMutablePointer<Float>, n: Int) {
        for i in 0..<n {
            let row = p + i * n
            var m = -Float.infinity
            for j in 0...i { m = max(m, row[j]) }
            var sum: Float = 0
            for j in 0...i {
                let e = exp(row[j] - m)
                row[j] = e
                sum += e
            }
            let inverse = 1 / sum
            for j in 0...i { row[j] *= inverse }
            for j in (i + 1)..<n { row[j] = 0 }
        }
    }

    /// Given dL/dout (the residual stream's gradient), accumulates every
    /// parameter's gradient and writes dL/dx into `dx`. `dy` [T, d], `dqkv`
    /// [T, 3d] and `dScores` (the longest sequence's len²) are scratch.
    mutating func backward(
        _ x: UnsafePointer<Float>, outputGradient dout: UnsafePointer<Float>, sequences: SequenceLayout,
        qkvOut: UnsafePointer<Float>, probabilities: UnsafePointer<Float>, headsOut y: UnsafePointer<Float>,
        dy: UnsafeMutablePointer<Float>, dqkv: UnsafeMutablePointer<Float>, dScores: UnsafeMutablePointer<Float>,
        inputGradient dx: UnsafeMutablePointer<Float>, blas: BLAS
    ) {
        let rows = sequences.totalTokens
        projection.backward(y, outputGradient: dout, rows: rows, inputGradient: dy, blas: blas)
        Self.attendBackward(qkv: qkvOut, sequences: sequences, width: width, heads: heads, probabilities: probabilities,
                            outputGradient: dy, dScores: dScores, qkvGradient: dqkv, blas: blas)
        qkv.backward(x, outputGradient: dqkv, rows: rows, inputGradient: dx, blas: blas)
    }

    /// dQ, dK, dV (written into dqkv, laid out as qkv) from dY, per sequence and head:
    /// dP = dY·Vᵀ, dV = Pᵀ·dY, dS = P ⊙ (dP − rowsum(P ⊙ dP))/√(d/h), dQ = dS·K, dK = dSᵀ·Q.
    static func attendBackward(
        qkv: UnsafePointer<Float>, sequences: SequenceLayout, width d: Int, heads: Int,
        probabilities: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
        dScores ds: UnsafeMutablePointer<Float>, qkvGradient dqkv: UnsafeMutablePointer<Float>, blas: BLAS
    ) {
        let hs = d / heads
        let scale = 1 / Float(hs).squareRoot()
        for s in 0..<sequences.count {
            let (start, n) = (sequences.starts[s], sequences.lengths[s])
            for h in 0..<heads {
                let q = qkv + start * 3 * d + h * hs
                let dq = dqkv + start * 3 * d + h * hs
                let dyh = dy + start * d + h * hs
                let p = probabilities + sequences.probabilityOffsets[s] + h * n * n
                blas.gemm(transposeA: false, transposeB: true, m: n, n: n, k: hs, alpha: 1,
                          a: dyh, lda: d, b: q + 2 * d, ldb: 3 * d, beta: 0, c: ds, ldc: n)
                blas.gemm(transposeA: true, transposeB: false, m: n, n: hs, k: n, alpha: 1,
                          a: p, lda: n, b: dyh, ldb: d, beta: 0, c: dq + 2 * d, ldc: 3 * d)
                for i in 0..<n {
                    let (pr, dr) = (p + i * n, ds + i * n)
                    var dot: Float = 0
                    for j in 0...i { dot += pr[j] * dr[j] }
                    for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) * scale }
                    for j in (i + 1)..<n { dr[j] = 0 }
                }
                blas.gemm(transposeA: false, transposeB: false, m: n, n: hs, k: n, alpha: 1,
                          a: ds, lda: n, b: q + d, ldb: 3 * d, beta: 0, c: dq, ldc: 3 * d)
                blas.gemm(transposeA: true, transposeB: false, m: n, n: hs, k: n, alpha: 1,
                          a: ds, lda: n, b: q, ldb: 3 * d, beta: 0, c: dq + d, ldc: 3 * d)
            }
        }
    }
}

/// Where each packed sequence starts, how long it is, and where its
/// attention probabilities live (heads × len² floats per sequence).
struct SequenceLayout: Sendable, Equatable {
    var starts: [Int] = []
    var lengths: [Int] = []
    var probabilityOffsets: [Int] = []
    var totalTokens = 0
    var probabilityCount = 0
    var longest = 0

    init() {}

    init(_ batch: TokenBatch, heads: Int) {
        starts = batch.starts
        lengths = batch.lengths
        totalTokens = batch.totalTokens
        for n in lengths {
            probabilityOffsets.append(probabilityCount)
            probabilityCount += heads * n * n
            longest = max(longest, n)
        }
    }

    var count: Int { starts.count }
}
