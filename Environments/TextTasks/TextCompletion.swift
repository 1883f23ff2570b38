/// A completion read back: its format, working and answer, and whether it is
/// well-formed. Reading never traps, whatever the tokens.
///
/// Well-formed means: a mode token first; `<eos>` last and nowhere else; for
/// THINK exactly one `>`, and working of vocabulary tokens other than the
/// mode tokens, `<eos>` and `<pad>`; for DIRECT no working at all; and an
/// answer of at least one answer token (a digit, unless the task says
/// otherwise) and nothing else.
public struct TextCompletion: Sendable, Hashable {
    /// The format its first token announces; nil if that is not a mode token.
    public let format: CompletionFormat?
    /// THINK: the tokens between `T` and the first `>` (or `<eos>`, or the
    /// end). Empty for DIRECT.
    public let working: [Int]
    /// The answer's digits if the completion is well-formed, else nil: a
    /// malformed completion has no answer to compare.
    public let answer: [Int]?

    /// Reads `tokens` written in `vocabulary`, whose answers are made of
    /// the tokens `isAnswerToken` accepts (digits by default).
    public init(parsing tokens: [Int], vocabulary: Vocabulary = .standard,
                isAnswerToken: (Int) -> Bool = Vocabulary.isDigit) {
        guard let first = tokens.first, let format = CompletionFormat.allCases.first(where: { $0.modeToken == first }) else {
            self.format = nil
            working = []
            answer = nil
            return
        }
        self.format = format
        let eos = tokens.firstIndex(of: Vocabulary.eos)
        var body = tokens[1..<(eos ?? tokens.endIndex)]
        var wellFormed = eos == tokens.endIndex - 1
        if format == .think {
            let mark = body.firstIndex(of: Vocabulary.answerMark)
            working = Array(body[..<(mark ?? body.endIndex)])
            wellFormed = wellFormed && mark != nil && working.allSatisfy { Self.isWorkingToken($0, vocabulary: vocabulary) }
            body = body[(mark.map { $0 + 1 } ?? body.endIndex)...]
        } else {
            working = []
        }
        wellFormed = wellFormed && !body.isEmpty && body.allSatisfy(isAnswerToken)
        answer = wellFormed ? Array(body) : nil
    }

    public var isWellFormed: Bool { answer != nil }

    /// Whether the completion thinks: its first token is `T`.
    public var thinks: Bool { format == .think }

    /// Tokens of working written: 0 for DIRECT.
    public var thinkingLength: Int { working.count }

    /// The working cut into steps at each `|` (the `|` dropped); a last step
    /// the completion did not end with `|` is kept.
    public var steps: [[Int]] {
        var steps = working.split(separator: Vocabulary.stepEnd, omittingEmptySubsequences: false).map(Array.init)
        if steps.last?.isEmpty == true { steps.removeLast() }
        return steps
    }

    private static func isWorkingToken(_ token: Int, vocabulary: Vocabulary) -> Bool {
        (0..<vocabulary.count).contains(token)
            && ![Vocabulary.think, Vocabulary.direct, Vocabulary.answerMark, Vocabulary.eos, Vocabulary.pad].contains(token)
    }
}
