/// The default checker: the verifiable reward and the step labels, from the
/// task's true answer and working alone.
extension TextTask {
    public func reward(of completion: [Int], for problem: Problem) -> Double {
        guard completion.count <= maxCompletionLength(for: problem) else { return 0 }
        return read(completion).answer == answer(for: problem) ? 1 : 0
    }

    public func stepCorrectness(of completion: [Int], for problem: Problem) -> [Bool] {
        let expected = workingSteps(for: problem)
        return read(completion).steps.enumerated().map { index, step in
            index < expected.count && step == expected[index]
        }
    }

    /// Whether a completion thinks (its first token is `T`).
    public func thinks(_ completion: [Int]) -> Bool {
        completion.first == Vocabulary.think
    }

    /// Tokens of working a completion wrote before its answer: 0 for DIRECT.
    public func thinkingLength(of completion: [Int]) -> Int {
        read(completion).thinkingLength
    }
}
