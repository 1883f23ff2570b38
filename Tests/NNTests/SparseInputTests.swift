import XCTest
import Tensor
@testable import NN

/// An MLP given its batch as sparse rows computes what it computes from the
/// dense batch — outputs, every parameter's gradient, the input gradient —
/// up to the order of Float32 sums.
final class SparseInputTests: XCTestCase {
    /// Three binary planes like a gridworld's: a fixed wall plane shared by
    /// every row, and one agent and one goal cell per row.
    func planes(rows: Int, cells: Int, _ rng: inout TestRNG) -> Tensor {
        var x = Tensor(zeros: [rows, 3 * cells])
        for r in 0..<rows {
            for c in stride(from: 0, to: cells, by: 4) { x[r, c] = 1 }
            x[r, cells + Int(rng.next() % UInt64(cells))] = 1
            x[r, 2 * cells + Int(rng.next() % UInt64(cells))] = 1
        }
        return x
    }

    func testSparseAndDenseBatchesGiveTheSameForwardAndBackward() {
        for activation in Activation.allCases {
            var rng = TestRNG(state: 21)
            let x = planes(rows: 9, cells: 25, &rng)
            let sparse = SparseRows(x)
            XCTAssertGreaterThan(sparse.shared.count, 0)
            var model = MLP(sizes: [75, 16, 16, 4], activation: activation, outputGain: 1, rng: &rng)
            model.updateEachParameter { _, p in
                for i in p.value.scalars.indices where p.value.rank == 1 { p.value.scalars[i] = 0.3 * rng.uniform() }
            }
            let c = Tensor(shape: [9, 4], scalars: (0..<36).map { _ in rng.uniform() })

            var dense = model, sparseModel = model
            var (wsDense, wsSparse) = (MLP.Workspace(), MLP.Workspace())
            let yDense = dense.forward(.dense(x), workspace: &wsDense)
            let ySparse = sparseModel.forward(.sparse(sparse), workspace: &wsSparse)
            for i in yDense.scalars.indices { XCTAssertEqual(yDense.scalars[i], ySparse.scalars[i], accuracy: 1e-5) }

            let dxDense = dense.backward(.dense(x), outputGradient: c, workspace: &wsDense, inputGradient: true)
            let dxSparse = sparseModel.backward(.sparse(sparse), outputGradient: c, workspace: &wsSparse, inputGradient: true)
            for (a, b) in zip(dense.flatGradients(), sparseModel.flatGradients()) {
                XCTAssertEqual(a, b, accuracy: 1e-5, "\(activation)")
            }
            guard let dxDense, let dxSparse else { return XCTFail("no input gradient") }
            XCTAssertEqual(dxDense.shape, [9, 75])
            for i in dxDense.scalars.indices { XCTAssertEqual(dxDense.scalars[i], dxSparse.scalars[i], accuracy: 1e-5) }
            // Not trivially equal: the gradient reaches the first layer's weights.
            XCTAssertGreaterThan(sparseModel.layers[0].weight.gradient.squaredNorm(), 0)
        }
    }
}

extension MLP {
    /// Every gradient in parameter order.
    func flatGradients() -> [Float] {
        var copy = self
        var out: [Float] = []
        copy.updateEachParameter { _, p in out += p.gradient.scalars }
        return out
    }
}
