/// The character-level vocabulary every text task shares: one token per
/// character, plus `<eos>` and `<pad>`.
///
/// Token ids are positions in `tokens` and are saved in checkpoints and
/// exported beside them (`config.json`), so the list only ever grows at its
/// end: never reorder or remove an entry. Digit d is token id d, so a digit's
/// value and its id are the same number.
public struct Vocabulary: Sendable, Hashable, Codable {
    /// Every token's text, indexed by id.
    public let tokens: [String]

    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// The vocabulary of the text tasks: 19 tokens.
    public static let standard = Vocabulary(
        tokens: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "*", "=", "|", ">", "T", "D", "<eos>", "<pad>"])

    public var count: Int { tokens.count }

    // Ids of the standard vocabulary's tokens, fixed by its list above.
    public static let plus = 10
    public static let times = 11
    public static let equals = 12
    /// Ends one step of THINK working.
    public static let stepEnd = 13
    /// Separates THINK working from the answer.
    public static let answerMark = 14
    /// First token of a completion that thinks.
    public static let think = 15
    /// First token of a completion that answers directly.
    public static let direct = 16
    public static let eos = 17
    /// Fills a batch's unused slots; never part of a prompt or completion.
    public static let pad = 18

    /// The token id of digit `value` (0…9).
    @inline(__always)
    public static func digit(_ value: Int) -> Int { value }

    /// Whether `token` is a digit; its value is then the token id itself.
    @inline(__always)
    public static func isDigit(_ token: Int) -> Bool { (0...9).contains(token) }
}
