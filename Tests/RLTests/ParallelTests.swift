import XCTest
@testable import RL

final class ParallelTests: XCTestCase {
    func testForEachVisitsEveryElementOnceWithItsIndex() {
        var values = Array(repeating: 0, count: 37)
        Parallel.forEach(&values) { value, index in value += index + 1 }
        XCTAssertEqual(values, (1...37).map { $0 })
    }

    func testBothRunsBothClosuresAndReturnsTheirResults() {
        var a = [1, 2, 3]
        var b = "x"
        let (ra, rb) = Parallel.both(&a, &b, { a in a.append(4); return a.count }, { b in b += "y"; return b })
        XCTAssertEqual(a, [1, 2, 3, 4])
        XCTAssertEqual(b, "xy")
        XCTAssertEqual(ra, 4)
        XCTAssertEqual(rb, "xy")
    }
}
