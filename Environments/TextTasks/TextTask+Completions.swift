/// How a completion is written: its first token says which.
public enum CompletionFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// `D`, the answer, `<eos>`.
    case direct
    /// `T`, the working (each step followed by `|`), `>`, the answer, `<eos>`.
    case think

    /// The token a completion in this format starts with.
    public var modeToken: Int {
        switch self {
        case .direct: Vocabulary.direct
        case .think: Vocabulary.think
        }
    }
}

extension TextTask {
    /// The worked example of `problem` in `format`: what SFT imitates, and
    /// what the checker scores 1.
    public func completion(for problem: Problem, format: CompletionFormat) -> [Int] {
        var tokens = [format.modeToken]
        if format == .think {
            for step in workingSteps(for: problem) {
                tokens += step
                tokens.append(Vocabulary.stepEnd)
            }
            tokens.append(Vocabulary.answerMark)
        }
        tokens += answer(for: problem)
        tokens.append(Vocabulary.eos)
        return tokens
    }

    public func maxCompletionLength(for problem: Problem) -> Int {
        2 * completion(for: problem, format: .think).count
    }
}
