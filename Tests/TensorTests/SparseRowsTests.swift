import Foundation
import XCTest

@testable import Tensor

final class SparseRowsTests: XCTestCase {
    /// Rows with a common part (every third column 1, column 1 equal to 0.5
    /// in every row), a column present in every row with different values
    /// (not shared), and a few entries of their own.
    func batch(rows: Int = 6, columns: Int = 23) -> Tensor {
        var x = Tensor(zeros: [rows, columns])
        for r in 0..<rows {
            for c in stride(from: 0, to: columns, by: 3) { x[r, c] = 1 }
            x[r, 1] = 0.5
            x[r, 2] = Float(r + 1)
            x[r, 4 + 3 * r] = -2  // never a multiple of 3
        }
        return x
    }

    func testDenseRoundTripAndSharedEntries() {
        let x = batch()
        let s = SparseRows(x)
        XCTAssertEqual(s.rows, 6)
        XCTAssertEqual(s.columns, 23)
        XCTAssertEqual(s.dense(), x)
        XCTAssertEqual(s.shared.columns, [0, 1, 3, 6, 9, 12, 15, 18, 21])
        XCTAssertEqual(s.shared.values, [1, 0.5, 1, 1, 1, 1, 1, 1, 1])
        // Column 2 is in every row but with different values: each row keeps its own.
        for r in 0..<6 {
            let own = Array(s.entries.columns[Int(s.rowStarts[r])..<Int(s.rowStarts[r + 1])])
            XCTAssertTrue(own.contains(2), "row \(r): \(own)")
            XCTAssertEqual(own, own.sorted())
        }
        XCTAssertEqual(s.nonzeroCount, x.scalars.filter { $0 != 0 }.count)
    }

    func testOneRowIsAllSharedAndNoRowsIsEmpty() {
        let x = Tensor(shape: [1, 4], scalars: [0, 3, 0, -1])
        let s = SparseRows(x)
        XCTAssertEqual(s.shared.columns, [1, 3])
        XCTAssertEqual(s.entries.count, 0)
        XCTAssertEqual(s.dense(), x)
        let empty = SparseRows(Tensor(zeros: [0, 4]))
        XCTAssertEqual(empty.rows, 0)
        XCTAssertEqual(empty.dense(), Tensor(zeros: [0, 4]))
        let zeros = SparseRows(Tensor(zeros: [3, 4]))
        XCTAssertEqual(zeros.storedEntryCount, 0)
        XCTAssertEqual(zeros.dense(), Tensor(zeros: [3, 4]))
    }

    func testNaNIsKeptButNeverShared() {
        let x = Tensor(shape: [2, 3], scalars: [.nan, 1, 0, .nan, 1, 0])
        let s = SparseRows(x)
        XCTAssertEqual(s.shared.columns, [1])
        XCTAssertEqual(s.entries.columns, [0, 0])
        XCTAssertTrue(s.dense()[0, 0].isNaN && s.dense()[1, 0].isNaN)
    }

    func testGatheringRowsKeepsTheirContent() {
        let x = batch()
        let all = SparseRows(x)
        let picks = [4, 0, 4, 5]
        // Sharing the source's shared entries.
        var gathered = SparseRows(columns: 23)
        gathered.adoptShared(of: all)
        for r in picks { gathered.appendRow(r, of: all) }
        // Without shared entries: the source's are merged into each row.
        var merged = SparseRows(columns: 23)
        for r in picks { merged.appendRow(r, of: all) }
        XCTAssertEqual(merged.shared.count, 0)
        for (row, r) in picks.enumerated() {
            for c in 0..<23 {
                XCTAssertEqual(gathered.dense()[row, c], x[r, c])
                XCTAssertEqual(merged.dense()[row, c], x[r, c])
            }
        }
        // Reuse after removeAll gives the same batch.
        gathered.adoptShared(of: all)
        gathered.appendRows(picks, of: all)
        XCTAssertEqual(gathered.rows, 4)
        merged.factorShared()
        XCTAssertEqual(merged.dense(), gathered.dense())
    }

    func testDenseBatchesAreRefused() {
        let x = Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0 + 1) })
        var s = SparseRows(columns: 4)
        XCTAssertFalse(x.scalars.withUnsafeBufferPointer { s.assign(dense: $0.baseAddress!, rows: 3, maximumDensity: 0.25) })
        XCTAssertEqual(s.rows, 0)
        XCTAssertFalse(SparseRows(x).isSparseEnough)
        XCTAssertFalse(SparseRows(batch()).isSparseEnough)  // 11 of 23 entries per row
        // Two entries of 40 per row, one of them shared.
        var y = Tensor(zeros: [6, 40])
        for r in 0..<6 { y[r, 0] = 1; y[r, 5 + r] = 1 }
        var t = SparseRows(columns: 40)
        XCTAssertTrue(y.scalars.withUnsafeBufferPointer { t.assign(dense: $0.baseAddress!, rows: 6, maximumDensity: 0.25) })
        XCTAssertEqual(t, SparseRows(y))
        XCTAssertTrue(t.isSparseEnough)
        XCTAssertEqual(t.shared.columns, [0])
    }

    /// Assigning rows to a batch that held shared entries before (the guess)
    /// gives exactly what a fresh batch gets, whether the guess is right,
    /// too small, or wrong (a row lacks a guessed entry, or has another value).
    func testTheGuessDoesNotChangeTheResult() {
        func assign(_ x: Tensor, to s: inout SparseRows) {
            x.scalars.withUnsafeBufferPointer { _ = s.assign(dense: $0.baseAddress!, rows: x.rows) }
        }
        let x = batch()
        var guessed = SparseRows(x)
        // Right guess; the same batch again.
        assign(x, to: &guessed)
        XCTAssertEqual(guessed, SparseRows(x))
        // Too small a guess: fewer rows, so more is shared (column 2 is 1 in row 0 only: one row).
        var one = SparseRows(columns: 23)
        assign(Tensor(shape: [2, 23], scalars: Array(x.scalars[0..<46])), to: &one)
        let widened = one.shared.count
        assign(Tensor(shape: [1, 23], scalars: Array(x.scalars[0..<23])), to: &one)
        XCTAssertGreaterThan(one.shared.count, widened)
        XCTAssertEqual(one, SparseRows(Tensor(shape: [1, 23], scalars: Array(x.scalars[0..<23]))))
        // Wrong guesses: a row without a shared entry, or with another value there.
        for (column, value) in [(3, Float(0)), (6, Float(7))] {
            var y = x
            y[4, column] = value
            var s = SparseRows(x)
            assign(y, to: &s)
            XCTAssertEqual(s, SparseRows(y), "column \(column) = \(value)")
            XCTAssertEqual(s.dense(), y)
        }
    }

    /// The sparse products against the dense GEMMs, to Float32 rounding:
    /// y = x·W + b, and W's gradient accumulated as xᵀ·dy.
    func testProductsMatchTheDenseGEMMs() {
        var rng = TestRandom(seed: 9)
        for (rows, columns, n) in [(6, 23, 5), (6, 23, 64), (1, 23, 17), (12, 507, 64)] {
            var x = batch(rows: rows, columns: columns)
            if columns > 100 { for r in 0..<rows { x[r, 300 + r] = 1 } }
            let s = SparseRows(x)
            let w = Tensor(shape: [columns, n], scalars: (0..<(columns * n)).map { _ in rng.float() })
            let bias = Tensor(shape: [n], scalars: (0..<n).map { _ in rng.float() })
            var y = Tensor(zeros: [0])
            s.multiply(by: w, adding: bias, into: &y)
            var expected = Tensor.matmul(x, w)
            expected.addRowVector(bias)
            XCTAssertEqual(y.shape, expected.shape)
            for i in y.scalars.indices { XCTAssertEqual(y.scalars[i], expected.scalars[i], accuracy: 1e-4) }

            let dy = Tensor(shape: [rows, n], scalars: (0..<(rows * n)).map { _ in rng.float() })
            let start = Tensor(shape: [columns, n], scalars: (0..<(columns * n)).map { _ in rng.float() })
            var dw = start, dwDense = start
            s.accumulateTransposedProduct(dy, into: &dw)
            Tensor.matmul(x, dy, transposeA: true, into: &dwDense, beta: 1)
            for i in dw.scalars.indices { XCTAssertEqual(dw.scalars[i], dwDense.scalars[i], accuracy: 1e-4) }
            // Without a bias the sum starts at zero.
            s.multiply(by: w, into: &y)
            let plain = Tensor.matmul(x, w)
            for i in y.scalars.indices { XCTAssertEqual(y.scalars[i], plain.scalars[i], accuracy: 1e-4) }
        }
    }
}
