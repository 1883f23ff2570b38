import XCTest
import Tensor
import NN
@testable import RL

final class MinibatchTests: XCTestCase {
    /// A buffer of 2 environments × 4 steps whose observations are
    /// `observation(sample)`, 12 floats each.
    func buffer(_ observation: (Int) -> [Float]) -> RolloutBuffer {
        let buffer = RolloutBuffer(numEnvs: 2, numSteps: 4, observationSize: 12, actionCount: 2)
        for sample in 0..<buffer.count {
            _ = buffer.observation(sample).update(fromContentsOf: observation(sample))
            buffer.actions[sample] = Int32(sample % 2)
            buffer.advantages[sample] = Float(sample)
        }
        return buffer
    }

    func rows(_ input: MLP.Input) -> Tensor {
        switch input {
        case .dense(let x): x
        case .sparse(let x): x.dense()
        }
    }

    /// Sparse observations (a shared "wall" entry and one own entry) are
    /// gathered as sparse rows holding exactly the samples' observations.
    func testSparseObservationsAreGatheredAsSparseRows() {
        let observation: (Int) -> [Float] = { s in (0..<12).map { $0 == 0 ? 1 : $0 == 1 + s ? 2 : 0 } }
        let buffer = buffer(observation)
        buffer.indexObservations()
        XCTAssertEqual(buffer.sparseObservations?.shared.columns, [0])
        var minibatch = Minibatch(size: 3, observationSize: 12, actionCount: 2)
        for indices in [[5, 0, 7], [1, 1, 2]] {
            minibatch.gather(indices[...], from: buffer, normalize: false)
            XCTAssertTrue(minibatch.isSparse)
            let x = rows(minibatch.observations)
            for (row, sample) in indices.enumerated() {
                XCTAssertEqual(Array(x.scalars[(row * 12)..<((row + 1) * 12)]), observation(sample))
                XCTAssertEqual(minibatch.advantages[row], Float(sample))
            }
        }
    }

    /// Dense observations stay dense, and a buffer not indexed since it was
    /// resized is not taken for sparse.
    func testDenseObservationsStayDense() {
        let buffer = buffer { s in (0..<12).map { Float($0 + s + 1) } }
        buffer.indexObservations()
        XCTAssertNil(buffer.sparseObservations)
        var minibatch = Minibatch(size: 2, observationSize: 12, actionCount: 2)
        minibatch.gather([3, 6], from: buffer, normalize: false)
        XCTAssertFalse(minibatch.isSparse)
        XCTAssertEqual(Array(rows(minibatch.observations).scalars[12..<24]), (0..<12).map { Float($0 + 7) })

        let sparse = self.buffer { s in (0..<12).map { $0 == s ? 1 : 0 } }
        sparse.indexObservations()
        XCTAssertNotNil(sparse.sparseObservations)
        sparse.resize(count: 8)
        XCTAssertNil(sparse.sparseObservations)
    }
}
