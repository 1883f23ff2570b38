import Foundation

/// A one-line, user-facing error from the multiplication environment: a bad
/// setting or range, or a problem that does not fit.
public struct MultiplicationError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}

/// Settings of the multiplication environment (see README.md next to this file).
public struct MultiplicationConfig: Codable, Sendable, Equatable {
    /// How an episode is paid (always at its last step): the fraction of the
    /// D+1 answer digits that are right, or 1 if all are.
    public typealias Reward = AnswerReward

    /// Longest multiplicand the environment supports.
    public static let maxSupportedDigits = 32
    /// Largest think budget (tally marks per column): keeps an episode within
    /// (D+1)(B+1) steps.
    public static let maxThinkBudget = 64

    /// Length D of the multiplicand, drawn uniformly from this range per episode.
    public var digits: ClosedRange<Int>
    /// The multiplier m (the difficulty: the carry into a column is at most
    /// m − 1), drawn uniformly from this range per episode; within 1…9.
    public var multiplier: ClosedRange<Int>
    /// Tally marks allowed per column, drawn uniformly from this range per
    /// episode (budget forcing: at the cap the mark is masked and the policy
    /// must answer). One value fixes the cap.
    public var thinkBudget: ClosedRange<Int>
    public var reward: Reward
    /// Subtracted from the reward of every tally mark.
    public var thinkCost: Double

    public init(
        digits: ClosedRange<Int> = 1...3,
        multiplier: ClosedRange<Int> = 1...9,
        thinkBudget: ClosedRange<Int> = 0...16,
        reward: Reward = .digits,
        thinkCost: Double = 0
    ) {
        self.digits = digits
        self.multiplier = multiplier
        self.thinkBudget = thinkBudget
        self.reward = reward
        self.thinkCost = thinkCost
    }

    /// Throws a one-line error for the first setting out of range.
    public func validate() throws {
        try Self.check(digits, Self.digitsLimits, what: "digits")
        try Self.check(multiplier, Self.multiplierLimits, what: "multiplier")
        try Self.check(thinkBudget, Self.thinkBudgetLimits, what: "think budget")
        guard thinkCost.isFinite, thinkCost >= 0 else {
            throw MultiplicationError("think cost must be a finite number ≥ 0, got \(thinkCost)")
        }
    }

    static let digitsLimits = 1...maxSupportedDigits
    static let multiplierLimits = 1...9
    static let thinkBudgetLimits = 0...maxThinkBudget

    // MARK: Ranges as text

    /// `--digits`: `"3"` or `"1-3"`, within 1…32.
    public static func parseDigits(_ text: String) throws -> ClosedRange<Int> {
        try parseRange(text, what: "digits", limits: digitsLimits)
    }

    /// `--multiplier`: `"9"` or `"1-9"`, within 1…9.
    public static func parseMultiplier(_ text: String) throws -> ClosedRange<Int> {
        try parseRange(text, what: "multiplier", limits: multiplierLimits)
    }

    /// `--think-budget`: `"8"` or `"0-16"`, within 0…64.
    public static func parseThinkBudget(_ text: String) throws -> ClosedRange<Int> {
        try parseRange(text, what: "think budget", limits: thinkBudgetLimits)
    }

    /// Parses `"3"` or `"1-4"` for the setting `what`, checked against `limits`.
    static func parseRange(_ text: String, what: String, limits: ClosedRange<Int>) throws -> ClosedRange<Int> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else {
            throw MultiplicationError("\(what): expected a number such as \"3\" or a range such as \"1-4\", got \"\(text)\"")
        }
        // All-digit text too long for an Int is simply too large.
        let values = parts.map { Int($0) ?? Int.max }
        let low = values[0], high = values[values.count - 1]
        guard low <= high else {
            throw MultiplicationError("\(what): range \"\(trimmed)\" is reversed; write \"\(parts[1])-\(parts[0])\"")
        }
        try check(low...high, limits, what: what)
        return low...high
    }

    /// `"3"` or `"1-4"`: the text `parseRange` reads back.
    public static func describe(_ range: ClosedRange<Int>) -> String {
        range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
    }

    private static func check(_ range: ClosedRange<Int>, _ limits: ClosedRange<Int>, what: String) throws {
        guard limits.contains(range.lowerBound), limits.contains(range.upperBound) else {
            throw MultiplicationError(
                "\(what) must be within \(limits.lowerBound)-\(limits.upperBound), got \"\(describe(range))\"")
        }
    }

    // MARK: Codable — ranges as the readable text "1-4"; missing keys take their defaults; decoding validates.

    private enum CodingKeys: String, CodingKey {
        case digits, multiplier, thinkBudget, reward, thinkCost
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = MultiplicationConfig()
        func range(_ key: CodingKeys, _ parse: (String) throws -> ClosedRange<Int>, _ fallback: ClosedRange<Int>) throws -> ClosedRange<Int> {
            guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return fallback }
            do {
                return try parse(text)
            } catch let error as MultiplicationError {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: error.message)
            }
        }
        digits = try range(.digits, Self.parseDigits, defaults.digits)
        multiplier = try range(.multiplier, Self.parseMultiplier, defaults.multiplier)
        thinkBudget = try range(.thinkBudget, Self.parseThinkBudget, defaults.thinkBudget)
        reward = try container.decodeIfPresent(Reward.self, forKey: .reward) ?? defaults.reward
        thinkCost = try container.decodeIfPresent(Double.self, forKey: .thinkCost) ?? defaults.thinkCost
        do {
            try validate()
        } catch let error as MultiplicationError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.describe(digits), forKey: .digits)
        try container.encode(Self.describe(multiplier), forKey: .multiplier)
        try container.encode(Self.describe(thinkBudget), forKey: .thinkBudget)
        try container.encode(reward, forKey: .reward)
        try container.encode(thinkCost, forKey: .thinkCost)
    }
}
