import XCTest
import Foundation
@testable import Tensor

final class FastTanhTests: XCTestCase {
    /// The rational approximation stays within 5e-7 of tanh everywhere,
    /// saturates cleanly and keeps tiny inputs exact.
    func testFastTanhMatchesTanh() {
        var worst = 0.0
        var x: Float = -20
        while x < 20 {
            worst = max(worst, abs(Double(Tensor.fastTanh(x)) - Foundation.tanh(Double(x))))
            x += 0.000_37
        }
        XCTAssertLessThan(worst, 5e-7)
        XCTAssertEqual(Tensor.fastTanh(0 as Float), 0)
        XCTAssertEqual(Tensor.fastTanh(1e-30 as Float), 1e-30, accuracy: 1e-36)
        XCTAssertEqual(Tensor.fastTanh(1e6 as Float), 1, accuracy: 1e-6)
        XCTAssertEqual(Tensor.fastTanh(-.infinity as Float), -1, accuracy: 1e-6)
        XCTAssertTrue(Tensor.fastTanh(.nan as Float).isNaN)
        // Eight lanes at once give each lane's scalar result, bit for bit.
        let lanes = SIMD8<Float>(-9, -1.5, -0.25, 0, 1e-3, 0.7, 3, .nan)
        let vector = Tensor.fastTanh(lanes)
        for k in 0..<7 { XCTAssertEqual(vector[k].bitPattern, Tensor.fastTanh(lanes[k]).bitPattern) }
        XCTAssertTrue(vector[7].isNaN)
    }
}
