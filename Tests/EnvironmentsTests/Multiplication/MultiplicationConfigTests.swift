import Foundation
import XCTest
@testable import Environments

final class MultiplicationConfigTests: XCTestCase {
    func testRangesAndValidation() throws {
        XCTAssertEqual(try MultiplicationConfig.parseDigits("1-3"), 1...3)
        XCTAssertEqual(try MultiplicationConfig.parseMultiplier(" 9 "), 9...9)
        XCTAssertEqual(try MultiplicationConfig.parseThinkBudget("0-16"), 0...16)
        let bad: [(() throws -> ClosedRange<Int>, String)] = [
            ({ try MultiplicationConfig.parseMultiplier("0") }, "multiplier must be within 1-9, got \"0\""),
            ({ try MultiplicationConfig.parseMultiplier("1-10") }, "multiplier must be within 1-9"),
            ({ try MultiplicationConfig.parseMultiplier("9-1") }, "reversed; write \"1-9\""),
            ({ try MultiplicationConfig.parseMultiplier("1--9") }, "expected a number"),
            ({ try MultiplicationConfig.parseMultiplier("") }, "expected a number"),
            ({ try MultiplicationConfig.parseDigits("0-3") }, "digits must be within 1-32"),
            ({ try MultiplicationConfig.parseDigits("99999999999999999999999") }, "digits must be within"),
            ({ try MultiplicationConfig.parseThinkBudget("-1") }, "expected a number"),
            ({ try MultiplicationConfig.parseThinkBudget("65") }, "think budget must be within 0-64"),
            ({ try MultiplicationConfig.parseThinkBudget("8-a") }, "expected a number"),
        ]
        for (parse, fragment) in bad {
            XCTAssertThrowsError(try parse()) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error) lacks \(fragment)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
        }
        XCTAssertThrowsError(try MultiplicationConfig(thinkCost: .nan).validate())
        XCTAssertThrowsError(try MultiplicationConfig(multiplier: 0...9).validate())

        // JSON: ranges as text, missing keys default, decoding validates.
        let config = MultiplicationConfig(digits: 2...5, multiplier: 3...9, thinkBudget: 4...4, reward: .outcome, thinkCost: 0.01)
        let json = try JSONEncoder().encode(config)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains(#""multiplier":"3-9""#))
        XCTAssertEqual(try JSONDecoder().decode(MultiplicationConfig.self, from: json), config)
        XCTAssertEqual(try JSONDecoder().decode(MultiplicationConfig.self, from: Data("{}".utf8)), MultiplicationConfig())
        XCTAssertThrowsError(try JSONDecoder().decode(MultiplicationConfig.self, from: Data(#"{"multiplier": "0-4"}"#.utf8)))
    }
}
