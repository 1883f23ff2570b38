import Foundation

/// A one-line, user-facing error from the arithmetic environment: bad settings,
/// a problem that does not fit the observation, or a policy that broke the rules.
public struct ArithmeticError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}

/// Settings of the arithmetic environment (see README.md next to this file).
public struct ArithmeticConfig: Codable, Sendable, Equatable {
    /// What the policy sees.
    public enum View: String, Codable, Sendable, CaseIterable {
        /// Only the cursor's column, its note and the previous column's note:
        /// the size depends on neither the digit count nor the think budget.
        case column
        /// The column view plus every digit of both operands and the cursor position,
        /// padded to `digits.upperBound` columns.
        case full
    }

    /// How an episode is paid (always at its last step): the fraction of the
    /// D+1 answer digits that are right, or 1 if all are.
    public typealias Reward = AnswerReward

    /// Largest operand length the environment supports.
    public static let maxSupportedDigits = 32
    /// Largest think budget per column (keeps episodes bounded by (D+1)·(B+1)).
    public static let maxThinkBudget = 100
    /// Largest number of note symbols K.
    public static let maxThinkSymbols = 16

    /// Operand length D, drawn uniformly from this range at each training reset.
    public var digits: ClosedRange<Int>
    /// Think tokens allowed per column; 0 removes thinking (the non-reasoning baseline).
    /// With `minThinkBudget` below it, the largest of the caps drawn per episode.
    public var thinkBudget: Int
    /// The smallest cap: each training episode draws its cap uniformly from
    /// `minThinkBudget…thinkBudget` (budget forcing — a policy trained so
    /// answers whatever the cap; see `thinkBudgets`). Equal to `thinkBudget`
    /// for a fixed cap.
    public var minThinkBudget: Int
    /// Number of note symbols K: actions 10 ..< 10+K are think tokens.
    public var thinkSymbols: Int
    public var view: View
    public var reward: Reward
    /// Subtracted from the reward of every think step.
    public var thinkCost: Double

    public init(
        digits: ClosedRange<Int> = 1...3,
        thinkBudget: Int = 1,
        minThinkBudget: Int? = nil,
        thinkSymbols: Int = 2,
        view: View = .column,
        reward: Reward = .digits,
        thinkCost: Double = 0
    ) {
        self.digits = digits
        self.thinkBudget = thinkBudget
        self.minThinkBudget = minThinkBudget ?? thinkBudget
        self.thinkSymbols = thinkSymbols
        self.view = view
        self.reward = reward
        self.thinkCost = thinkCost
    }

    /// Throws a one-line `ArithmeticError` for the first setting out of range.
    public func validate() throws {
        try Self.checkDigits(digits, text: Self.describeDigits(digits))
        guard (0...Self.maxThinkBudget).contains(thinkBudget) else {
            throw ArithmeticError("think budget must be between 0 and \(Self.maxThinkBudget), got \(thinkBudget)")
        }
        guard (0...thinkBudget).contains(minThinkBudget) else {
            throw ArithmeticError("think budget: the smallest cap must be between 0 and the largest (\(thinkBudget)), got \(minThinkBudget)")
        }
        guard (1...Self.maxThinkSymbols).contains(thinkSymbols) else {
            throw ArithmeticError("think symbols must be between 1 and \(Self.maxThinkSymbols), got \(thinkSymbols)")
        }
        guard thinkCost.isFinite, thinkCost >= 0 else {
            throw ArithmeticError("think cost must be a finite number ≥ 0, got \(thinkCost)")
        }
    }

    /// The caps a training episode draws from (one value: a fixed cap).
    public var thinkBudgets: ClosedRange<Int> { minThinkBudget...thinkBudget }

    /// Sets the caps from `"1"` or `"1-4"` (`--think-budget`).
    public mutating func setThinkBudgets(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else {
            throw ArithmeticError("think budget: expected a count such as \"1\" or a range of caps such as \"1-4\", got \"\(text)\"")
        }
        let values = parts.map { Int($0) ?? Int.max }
        guard values[0] <= values[values.count - 1] else {
            throw ArithmeticError("think budget: range \"\(trimmed)\" is reversed; write \"\(parts[1])-\(parts[0])\"")
        }
        guard values.allSatisfy({ (0...Self.maxThinkBudget).contains($0) }) else {
            throw ArithmeticError("think budget must be between 0 and \(Self.maxThinkBudget), got \"\(trimmed)\"")
        }
        minThinkBudget = values[0]
        thinkBudget = values[values.count - 1]
    }

    /// `"1"` or `"1-4"`: the text `setThinkBudgets` reads back.
    public var thinkBudgetText: String {
        minThinkBudget == thinkBudget ? "\(thinkBudget)" : "\(minThinkBudget)-\(thinkBudget)"
    }

    /// Parses a digit count such as `"3"` or a range such as `"1-4"`.
    public static func parseDigits(_ text: String) throws -> ClosedRange<Int> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else {
            throw ArithmeticError("digits: expected a count such as \"3\" or a range such as \"1-4\", got \"\(text)\"")
        }
        // All-ASCII-digit text that does not fit an Int is simply too large.
        let values = parts.map { Int($0) ?? Int.max }
        let low = values[0], high = values[values.count - 1]
        guard low <= high else {
            throw ArithmeticError("digits: range \"\(trimmed)\" is reversed; write \"\(parts[1])-\(parts[0])\"")
        }
        let range = low...high
        try checkDigits(range, text: trimmed)
        return range
    }

    /// `"3"` or `"1-4"`: the text `parseDigits` reads back.
    public static func describeDigits(_ range: ClosedRange<Int>) -> String {
        range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
    }

    private static func checkDigits(_ range: ClosedRange<Int>, text: String) throws {
        guard range.lowerBound >= 1 else {
            throw ArithmeticError("digits: must be at least 1, got \"\(text)\"")
        }
        guard range.upperBound <= maxSupportedDigits else {
            throw ArithmeticError("digits: at most \(maxSupportedDigits) are supported, got \"\(text)\"")
        }
    }

    // MARK: Codable — digits as the readable text "1-4"; missing keys take their defaults; decoding validates.

    private enum CodingKeys: String, CodingKey {
        case digits, thinkBudget, minThinkBudget, thinkSymbols, view, reward, thinkCost
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ArithmeticConfig()
        do {
            let digitsText = try container.decodeIfPresent(String.self, forKey: .digits)
            self.digits = try digitsText.map(Self.parseDigits) ?? defaults.digits
        } catch let error as ArithmeticError {
            throw DecodingError.dataCorruptedError(forKey: .digits, in: container, debugDescription: error.message)
        }
        self.thinkBudget = try container.decodeIfPresent(Int.self, forKey: .thinkBudget) ?? defaults.thinkBudget
        // Absent (a fixed cap, as before caps could be drawn): the cap itself.
        self.minThinkBudget = try container.decodeIfPresent(Int.self, forKey: .minThinkBudget) ?? thinkBudget
        self.thinkSymbols = try container.decodeIfPresent(Int.self, forKey: .thinkSymbols) ?? defaults.thinkSymbols
        self.view = try container.decodeIfPresent(View.self, forKey: .view) ?? defaults.view
        self.reward = try container.decodeIfPresent(Reward.self, forKey: .reward) ?? defaults.reward
        self.thinkCost = try container.decodeIfPresent(Double.self, forKey: .thinkCost) ?? defaults.thinkCost
        do {
            try validate()
        } catch let error as ArithmeticError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.describeDigits(digits), forKey: .digits)
        try container.encode(thinkBudget, forKey: .thinkBudget)
        // Only a range is written, so a fixed cap's JSON reads as before.
        if minThinkBudget != thinkBudget { try container.encode(minThinkBudget, forKey: .minThinkBudget) }
        try container.encode(thinkSymbols, forKey: .thinkSymbols)
        try container.encode(view, forKey: .view)
        try container.encode(reward, forKey: .reward)
        try container.encode(thinkCost, forKey: .thinkCost)
    }
}
