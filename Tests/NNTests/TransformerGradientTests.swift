import XCTest
import Tensor
@testable import NN

/// Every transformer piece's hand-written backward pass against central
/// finite differences of L = Σ c ⊙ output (c random, summed in Float64), at
/// sizes small enough that every entry is checked. As in `MLPTests`, the
/// error is relative to the largest analytic entry.
final class TransformerGradientTests: XCTestCase {
    let tolerance = 2e-3  // measured errors are 1e-5 … 4e-4

    func random(_ count: Int, _ rng: inout TestRNG, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in scale * rng.uniform() }
    }

    func dot(_ a: [Float], _ c: [Float]) -> Double {
        zip(a, c).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Largest |numeric − analytic| over the largest |analytic|, perturbing each entry of `values`.
    func relativeError(_ values: [Float], analytic: [Float], step: Float = 1e-2, loss: ([Float]) -> Double) -> Double {
        XCTAssertEqual(values.count, analytic.count)
        var worst = 0.0, scale = 1e-12
        for i in values.indices {
            var plus = values, minus = values
            plus[i] += step
            minus[i] -= step
            let numeric = (loss(plus) - loss(minus)) / (2 * Double(step))
            worst = max(worst, abs(numeric - Double(analytic[i])))
            scale = max(scale, abs(Double(analytic[i])))
        }
        return worst / scale
    }

    /// Checks every parameter reached by `paths` of `piece` (whose gradients
    /// `analytic` holds after one backward pass) against `loss(piece)`.
    func checkParameters<P>(
        _ piece: P, analytic: P, paths: [WritableKeyPath<P, Parameter>], file: StaticString = #filePath,
        line: UInt = #line, loss: @escaping (P) -> Double
    ) {
        for (i, path) in paths.enumerated() {
            let error = relativeError(piece[keyPath: path].value.scalars, analytic: analytic[keyPath: path].gradient.scalars) {
                var p = piece
                p[keyPath: path].value.scalars = $0
                return loss(p)
            }
            XCTAssertLessThan(error, tolerance, "parameter \(i)", file: file, line: line)
        }
    }

    /// Moves LayerNorm and bias parameters off their 1/0 init, so that every term matters.
    func perturb<P>(_ piece: inout P, _ paths: [WritableKeyPath<P, Parameter>], _ rng: inout TestRNG) {
        for path in paths where piece[keyPath: path].value.rank == 1 {
            for j in piece[keyPath: path].value.scalars.indices { piece[keyPath: path].value.scalars[j] += 0.3 * rng.uniform() }
        }
    }

    func testLayerNorm() {
        var rng = TestRNG(state: 1)
        let (rows, d) = (3, 6)
        var norm = LayerNorm(size: d)
        let paths: [WritableKeyPath<LayerNorm, Parameter>] = [\.weight, \.bias]
        perturb(&norm, paths, &rng)
        let x = random(rows * d, &rng), c = random(rows * d, &rng)
        func run(_ n: LayerNorm, _ x: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: rows * d), m = [Float](repeating: 0, count: rows), s = m
            n.forward(x, rows: rows, into: &y, mean: &m, rstd: &s)
            return y
        }
        var analytic = norm
        var m = [Float](repeating: 0, count: rows), s = m, y = [Float](repeating: 0, count: rows * d)
        norm.forward(x, rows: rows, into: &y, mean: &m, rstd: &s)
        var dx = [Float](repeating: 0.5, count: rows * d)  // backward adds onto what is there
        analytic.backward(x, outputGradient: c, rows: rows, mean: m, rstd: s, inputGradient: &dx)
        checkParameters(norm, analytic: analytic, paths: paths) { self.dot(run($0, x), c) }
        XCTAssertLessThan(relativeError(x, analytic: dx.map { $0 - 0.5 }) { self.dot(run(norm, $0), c) }, tolerance)
    }

    func testGELU() {
        var rng = TestRNG(state: 2)
        let x = random(40, &rng, scale: 3), c = random(40, &rng)
        func run(_ x: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: x.count)
            GELU.forward(x, into: &y, count: x.count)
            return y
        }
        var dx = [Float](repeating: 0, count: x.count)
        GELU.backward(x, outputGradient: c, inputGradient: &dx, count: x.count)
        XCTAssertLessThan(relativeError(x, analytic: dx, step: 1e-3) { self.dot(run($0), c) }, tolerance)
        // The tanh approximation of GPT-2: GELU(1) = 0.841192, GELU(−2) = −0.0454023.
        XCTAssertEqual(run([1, -2])[0], 0.841192, accuracy: 1e-5)
        XCTAssertEqual(run([1, -2])[1], -0.0454023, accuracy: 1e-5)
    }

    func testEmbedding() {
        var rng = TestRNG(state: 3)
        let embedding = TokenPositionEmbedding(vocabularySize: 5, context: 4, dModel: 3, rng: &rng)
        let batch = TokenBatch([[1, 4, 1], [0, 1], [4]])
        let c = random(batch.totalTokens * 3, &rng)
        func run(_ e: TokenPositionEmbedding) -> [Float] {
            var y = [Float](repeating: 0, count: batch.totalTokens * 3)
            e.forward(tokens: batch.tokens, positions: batch.positions, into: &y)
            return y
        }
        var analytic = embedding
        analytic.backward(tokens: batch.tokens, positions: batch.positions, outputGradient: c)
        checkParameters(embedding, analytic: analytic, paths: [\.token, \.position]) { self.dot(run($0), c) }
        XCTAssertEqual(batch.positions, [0, 1, 2, 0, 1, 0])
    }

    /// Attention over three packed sequences of different lengths, weights
    /// scaled up so that the softmax is far from uniform.
    func testCausalSelfAttention() {
        var rng = TestRNG(state: 4)
        let (d, heads) = (6, 2)
        var attention = CausalSelfAttention(dModel: d, heads: heads, projectionStd: 0.5, rng: &rng)
        attention.qkv.weight.value.scale(by: 40)
        let paths: [WritableKeyPath<CausalSelfAttention, Parameter>] =
            [\.qkv.weight, \.qkv.bias, \.projection.weight, \.projection.bias]
        perturb(&attention, paths, &rng)
        let batch = TokenBatch([[0, 0, 0, 0], [0], [0, 0, 0]])
        let layout = SequenceLayout(batch, heads: heads)
        let rows = batch.totalTokens
        let x = random(rows * d, &rng), c = random(rows * d, &rng)
        var qkv = [Float](repeating: 0, count: rows * 3 * d), p = [Float](repeating: 0, count: layout.probabilityCount)
        var y = [Float](repeating: 0, count: rows * d)
        func run(_ a: CausalSelfAttention, _ x: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: rows * d)
            a.forward(x, sequences: layout, qkvOut: &qkv, probabilities: &p, headsOut: &y, addingInto: &out, blas: .shared)
            return out
        }
        _ = run(attention, x)
        var analytic = attention
        var dy = y, dqkv = qkv, ds = [Float](repeating: 0, count: 16), dx = y
        analytic.backward(x, outputGradient: c, sequences: layout, qkvOut: qkv, probabilities: p, headsOut: y,
                          dy: &dy, dqkv: &dqkv, dScores: &ds, inputGradient: &dx, blas: .shared)
        checkParameters(attention, analytic: analytic, paths: paths) { self.dot(run($0, x), c) }
        XCTAssertLessThan(relativeError(x, analytic: dx) { self.dot(run(attention, $0), c) }, tolerance)
        // Causality and packing: changing a sequence's last token changes no other row.
        let before = run(attention, x)
        var later = x
        for j in 0..<d { later[3 * d + j] += 1 }  // row 3 ends sequence 0
        let after = run(attention, later)
        for r in 0..<rows where r != 3 {
            XCTAssertEqual(Array(before[(r * d)..<(r * d + d)]), Array(after[(r * d)..<(r * d + d)]), "row \(r)")
        }
    }

    func testFeedForward() {
        var rng = TestRNG(state: 5)
        let (rows, d) = (3, 4)
        var ff = FeedForward(dModel: d, projectionStd: 0.3, rng: &rng)
        ff.expand.weight.value.scale(by: 20)
        let paths: [WritableKeyPath<FeedForward, Parameter>] = [\.expand.weight, \.expand.bias, \.contract.weight, \.contract.bias]
        perturb(&ff, paths, &rng)
        let x = random(rows * d, &rng), c = random(rows * d, &rng)
        var pre = [Float](repeating: 0, count: rows * 4 * d), act = pre
        func run(_ f: FeedForward, _ x: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: rows * d)
            f.forward(x, rows: rows, preActivation: &pre, activation: &act, addingInto: &out, blas: .shared)
            return out
        }
        _ = run(ff, x)
        var analytic = ff
        var hidden = pre, dx = x
        analytic.backward(x, outputGradient: c, rows: rows, preActivation: pre, activation: act, dHidden: &hidden,
                          inputGradient: &dx, blas: .shared)
        checkParameters(ff, analytic: analytic, paths: paths) { self.dot(run($0, x), c) }
        XCTAssertLessThan(relativeError(x, analytic: dx) { self.dot(run(ff, $0), c) }, tolerance)
    }

    func testOutputHead() {
        var rng = TestRNG(state: 6)
        let (rows, d, v) = (4, 3, 5)
        let head = OutputHead(dModel: d, vocabularySize: v, rng: &rng)
        let x = random(rows * d, &rng), c = random(rows * v, &rng)
        func run(_ h: OutputHead, _ x: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: rows * v)
            h.forward(x, rows: rows, into: &out, blas: .shared)
            return out
        }
        var analytic = head
        var dx = x
        analytic.backward(x, outputGradient: c, rows: rows, inputGradient: &dx, blas: .shared)
        checkParameters(head, analytic: analytic, paths: [\.weight]) { self.dot(run($0, x), c) }
        XCTAssertLessThan(relativeError(x, analytic: dx) { self.dot(run(head, $0), c) }, tolerance)
    }

    /// Masked cross-entropy: the gradient, the per-token log-probabilities,
    /// and the normaliser dividing the masked sum.
    func testSoftmaxCrossEntropy() {
        var rng = TestRNG(state: 7)
        let (rows, v) = (5, 4)
        let logits = random(rows * v, &rng, scale: 3)
        let targets = [2, 0, -1, 3, 1], mask: [Float] = [1, 0, 0, 1, 1]
        func loss(_ l: [Float]) -> Double {
            SoftmaxCrossEntropy.loss(logits: Tensor(shape: [rows, v], scalars: l), targets: targets, mask: mask, normaliser: 6).loss
        }
        var gradient = Tensor(zeros: [0])
        SoftmaxCrossEntropy.lossGradient(logits: Tensor(shape: [rows, v], scalars: logits), targets: targets, mask: mask,
                                         normaliser: 6, into: &gradient)
        XCTAssertLessThan(relativeError(logits, analytic: gradient.scalars, step: 1e-3, loss: loss), tolerance)
        XCTAssertEqual(Array(gradient.scalars[v..<(3 * v)]), [Float](repeating: 0, count: 2 * v))  // masked out
        let (total, logProbabilities) = SoftmaxCrossEntropy.loss(
            logits: Tensor(shape: [rows, v], scalars: logits), targets: targets, mask: mask, normaliser: 6)
        for t in 0..<rows where targets[t] >= 0 {
            let row = logits[(t * v)..<(t * v + v)].map(Double.init)
            let expected = row[row.startIndex + targets[t]] - log(row.map(exp).reduce(0, +))
            XCTAssertEqual(Double(logProbabilities[t]), expected, accuracy: 1e-5)
        }
        XCTAssertEqual(logProbabilities[2], 0)
        XCTAssertEqual(total, -Double(logProbabilities[0] + logProbabilities[3] + logProbabilities[4]) / 6, accuracy: 1e-6)
    }

    /// A whole block (both residual branches) and then the whole model, end
    /// to end through the cross-entropy, on a packed batch.
    func testBlockAndWholeModel() throws {
        var rng = TestRNG(state: 8)
        let config = try TransformerConfig(vocabularySize: 5, context: 5, layers: 2, dModel: 6, heads: 2)
        var model = Transformer(config: config, rng: &rng)
        // Larger weights than GPT-2's 0.02, so that attention and GELU are not near-linear.
        model.updateEachParameter { _, p in
            if p.value.rank == 2 { p.value.scale(by: 20) } else { for j in p.value.scalars.indices { p.value.scalars[j] += 0.3 * rng.uniform() } }
        }
        let batch = TokenBatch([[1, 4, 2, 0, 3], [2], [0, 3, 3]])
        let targets = batch.nextTokenTargets
        let mask = batch.completionMask(promptLengths: [2, 1, 1])
        XCTAssertEqual(targets, [4, 2, 0, 3, -1, -1, 3, 3, -1])
        XCTAssertEqual(mask, [0, 1, 1, 1, 0, 0, 1, 1, 0])
        func loss(_ m: Transformer) -> Double {
            var ws = Transformer.Workspace()
            let logits = m.forward(batch, workspace: &ws)
            return SoftmaxCrossEntropy.loss(logits: logits, targets: targets, mask: mask, normaliser: 5).loss
        }
        var analytic = model
        var ws = Transformer.Workspace()
        let logits = analytic.forward(batch, workspace: &ws)
        var dlogits = Tensor(zeros: [0])
        SoftmaxCrossEntropy.lossGradient(logits: logits, targets: targets, mask: mask, normaliser: 5, into: &dlogits)
        analytic.backward(batch, logitsGradient: dlogits, workspace: &ws)
        checkParameters(model, analytic: analytic, paths: model.parameterPaths, loss: loss)

        // The block alone, including the gradient into its input.
        let block = model.blocks[0]
        let layout = SequenceLayout(batch, heads: 2)
        let rows = batch.totalTokens, d = 6
        let x = random(rows * d, &rng), c = random(rows * d, &rng)
        var storage = [Float](repeating: 0, count: BlockActivations.count(rows: rows, width: d, probabilityCount: layout.probabilityCount)
                                  + BackwardScratch.count(rows: rows, width: d, longest: layout.longest))
        func run(_ b: TransformerBlock, _ x: [Float], backward: Bool = false) -> (out: [Float], dx: [Float], block: TransformerBlock) {
            var out = [Float](repeating: 0, count: rows * d), b = b, g = c
            storage.withUnsafeMutableBufferPointer { s in
                var offset = 0
                func next(_ n: Int) -> UnsafeMutablePointer<Float> { defer { offset += n }; return s.baseAddress! + offset }
                let a = BlockActivations(next, rows: rows, width: d, probabilityCount: layout.probabilityCount)
                let scratch = BackwardScratch(next, rows: rows, width: d, longest: layout.longest)
                b.forward(x, sequences: layout, activations: a, into: &out, blas: .shared)
                if backward { b.backward(x, sequences: layout, activations: a, residualGradient: &g, scratch: scratch, blas: .shared) }
            }
            return (out, g, b)
        }
        let (_, dx, blockAnalytic) = run(block, x, backward: true)
        let blockPaths: [WritableKeyPath<TransformerBlock, Parameter>] = [
            \.norm1.weight, \.norm1.bias, \.attention.qkv.weight, \.attention.qkv.bias, \.attention.projection.weight,
            \.attention.projection.bias, \.norm2.weight, \.norm2.bias, \.feedForward.expand.weight,
            \.feedForward.expand.bias, \.feedForward.contract.weight, \.feedForward.contract.bias,
        ]
        // model.blocks[0] has zero gradients, so blockAnalytic's are this check's alone.
        checkParameters(block, analytic: blockAnalytic, paths: blockPaths) { self.dot(run($0, x).out, c) }
        XCTAssertLessThan(relativeError(x, analytic: dx) { self.dot(run(block, $0).out, c) }, tolerance)
    }

    /// The check can fail: a wrong gradient in one parameter is caught.
    func testCheckCatchesAWrongGradient() {
        var rng = TestRNG(state: 9)
        let head = OutputHead(dModel: 3, vocabularySize: 4, rng: &rng)
        let x = random(6, &rng), c = random(8, &rng)
        var analytic = head
        var dx = x
        analytic.backward(x, outputGradient: c, rows: 2, inputGradient: &dx, blas: .shared)
        analytic.weight.gradient.scalars[5] *= 1.05
        let error = relativeError(head.weight.value.scalars, analytic: analytic.weight.gradient.scalars) {
            var h = head
            h.weight.value.scalars = $0
            var out = [Float](repeating: 0, count: 8)
            h.forward(x, rows: 2, into: &out, blas: .shared)
            return self.dot(out, c)
        }
        XCTAssertGreaterThan(error, tolerance)
    }
}
