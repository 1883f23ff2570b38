import Foundation
import XCTest
import RL
@testable import Environments

/// ArithmeticConfig: the --digits parser, validation, Codable.
final class ArithmeticConfigTests: XCTestCase {
    func testDigitsParser() throws {
        XCTAssertEqual(try ArithmeticConfig.parseDigits("3"), 3...3)
        XCTAssertEqual(try ArithmeticConfig.parseDigits("1-4"), 1...4)
        XCTAssertEqual(try ArithmeticConfig.parseDigits(" 2-2 "), 2...2)
        XCTAssertEqual(try ArithmeticConfig.parseDigits("32"), 32...32)
        XCTAssertEqual(try ArithmeticConfig.parseDigits("1-32"), 1...32)
        XCTAssertEqual(ArithmeticConfig.describeDigits(1...4), "1-4")
        XCTAssertEqual(ArithmeticConfig.describeDigits(3...3), "3")

        let cases: [(String, String)] = [
            ("0", "at least 1"),
            ("0-3", "at least 1"),
            ("4-1", "reversed"),
            ("33", "at most 32"),
            ("1-40", "at most 32"),
            ("99999999999999999999", "at most 32"),
            ("", "expected a count"),
            ("abc", "expected a count"),
            ("1-", "expected a count"),
            ("-3", "expected a count"),
            ("1-2-3", "expected a count"),
            ("+3", "expected a count"),
            ("3.5", "expected a count"),
            ("1 - 4", "expected a count"),
            ("٣", "expected a count"),  // a non-ASCII digit
        ]
        for (text, fragment) in cases {
            XCTAssertThrowsError(try ArithmeticConfig.parseDigits(text), "\"\(text)\"") { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains(fragment), "\"\(text)\": \(message)")
                XCTAssertFalse(message.contains("\n"))
                XCTAssertEqual(error.localizedDescription, message)
            }
        }
        XCTAssertThrowsError(try ArithmeticConfig.parseDigits("4-1")) { error in
            XCTAssertEqual("\(error)", "digits: range \"4-1\" is reversed; write \"1-4\"")
        }
    }

    func testValidate() throws {
        XCTAssertNoThrow(try ArithmeticConfig().validate())
        XCTAssertNoThrow(try ArithmeticConfig(digits: 32...32, thinkBudget: 0, thinkSymbols: 1, thinkCost: 0.5).validate())
        let bad: [(ArithmeticConfig, String)] = [
            (.init(digits: 0...2), "at least 1"),
            (.init(digits: 1...33), "at most 32"),
            (.init(thinkBudget: -1), "think budget"),
            (.init(thinkBudget: 101), "think budget"),
            (.init(thinkSymbols: 0), "think symbols"),
            (.init(thinkSymbols: 17), "think symbols"),
            (.init(thinkCost: -0.1), "think cost"),
            (.init(thinkCost: .nan), "think cost"),
            (.init(thinkCost: .infinity), "think cost"),
        ]
        for (config, fragment) in bad {
            XCTAssertThrowsError(try config.validate()) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
        }
    }

    func testConfigCodable() throws {
        let config = ArithmeticConfig(digits: 2...6, thinkBudget: 3, thinkSymbols: 4, view: .full, reward: .outcome, thinkCost: 0.01)
        let data = try JSONEncoder().encode(config)
        let json = try XCTUnwrap(String(data: data, encoding: .utf8))
        XCTAssertTrue(json.contains("\"2-6\""), json)
        XCTAssertEqual(try JSONDecoder().decode(ArithmeticConfig.self, from: data), config)
        // Missing keys take defaults.
        XCTAssertEqual(try JSONDecoder().decode(ArithmeticConfig.self, from: Data("{}".utf8)), ArithmeticConfig())
        // Bad values are refused with the validation message.
        for (json, fragment) in [(#"{"digits": "4-1"}"#, "reversed"), (#"{"thinkBudget": -2}"#, "think budget")] {
            XCTAssertThrowsError(try JSONDecoder().decode(ArithmeticConfig.self, from: Data(json.utf8))) { error in
                guard case DecodingError.dataCorrupted(let context) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(context.debugDescription.contains(fragment), context.debugDescription)
            }
        }
    }
}
