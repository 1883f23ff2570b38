import RL

/// A task a language-model policy learns as text: a prompt of tokens of
/// `Vocabulary.standard`, and a completion it writes itself, either DIRECT
/// (`D`, the answer, `<eos>`) or THINK (`T`, the working, `>`, the answer,
/// `<eos>`), paid 1 for exactly the right answer.
///
/// A task supplies its problems and its formats; completions, the checker,
/// the step labels, worked examples and packing come from extensions, so a
/// new task is a problem generator, its formats and, only if the default
/// checker does not fit, a checker (see README.md next to this file).
public protocol TextTask: Sendable {
    associatedtype Problem: Sendable, Hashable

    /// The sizes training problems are drawn with: digits per operand for
    /// arithmetic, numbers given for countdown. Evaluation, `eval.csv`'s
    /// `digits` column and the figures group problems by it.
    var digits: ClosedRange<Int> { get }
    /// What `digits` counts, singular: `digit` (the default), `number`.
    var sizeUnit: String { get }

    /// The tokens prompts and completions are written in: `.standard`
    /// unless the task needs more (their ids then follow the standard ones).
    var vocabulary: Vocabulary { get }
    /// Whether `token` may appear in an answer (after `>`, or after `D`):
    /// digits by default.
    func isAnswerToken(_ token: Int) -> Bool

    /// A training problem: never a held-out one.
    func trainingProblem(rng: inout RNG) -> Problem
    /// A held-out (evaluation) problem with `digits` digits per operand.
    func heldOutProblem(digits: Int, rng: inout RNG) -> Problem
    /// `count` held-out problems of a run with seed `seed`. Defaults to draws
    /// from `RNG(seed:).stream("eval-problems", digits)`; tasks built on an
    /// environment return that environment's evaluation set, so accuracies
    /// compare.
    func heldOutProblems(count: Int, digits: Int, seed: UInt64) -> [Problem]
    func isHeldOut(_ problem: Problem) -> Bool

    /// The problem's size, as `digits` counts it.
    func digits(of problem: Problem) -> Int
    /// What makes the problem hard, for grouping results: `"3 digits"`, `"×7"`.
    func difficulty(of problem: Problem) -> String

    func prompt(for problem: Problem) -> [Int]
    /// The true answer's tokens, digits only, as it is written after `>`.
    func answer(for problem: Problem) -> [Int]
    /// The THINK working, one token list per step; a completion writes each
    /// step followed by `|`.
    func workingSteps(for problem: Problem) -> [[Int]]

    /// The verifiable reward of a finished completion (everything the policy
    /// wrote, its `<eos>` last): 1 or 0. The default is `TextCompletion`'s
    /// checker against `answer(for:)`.
    func reward(of completion: [Int], for problem: Problem) -> Double
    /// For each working step the completion wrote, whether it is right. The
    /// default compares step i with `workingSteps(for:)[i]` token by token.
    func stepCorrectness(of completion: [Int], for problem: Problem) -> [Bool]
    /// The most tokens a completion may have: a sampler's limit, and a longer
    /// completion scores 0. Defaults to twice the THINK worked example.
    func maxCompletionLength(for problem: Problem) -> Int
    /// The most tokens a prompt and its worked THINK completion take for
    /// problems of size `digits`: what the model's context must hold.
    /// Defaults to one held-out problem's, for tasks whose lengths are fixed
    /// by the size.
    func longestWorkedSequence(digits: Int) -> Int
    /// The attempts a completion's working makes at the problem, and whether
    /// it tried again after one that missed: a task whose working is a
    /// search counts them (`eval.csv`'s `attempts_mean`, `retry_fraction`);
    /// nil (the default) for one whose working is a single derivation.
    func attempts(of completion: [Int], for problem: Problem) -> (count: Int, retriedAfterMiss: Bool)?
    /// What majority vote counts a completion's answer as; nil keeps it out
    /// of the vote. Defaults to its answer's tokens when it is well-formed.
    func voteKey(of completion: [Int], for problem: Problem) -> [Int]?
}

extension TextTask {
    public var vocabulary: Vocabulary { .standard }

    public var sizeUnit: String { "digit" }

    public func attempts(of completion: [Int], for problem: Problem) -> (count: Int, retriedAfterMiss: Bool)? { nil }

    public func isAnswerToken(_ token: Int) -> Bool { Vocabulary.isDigit(token) }

    public func voteKey(of completion: [Int], for problem: Problem) -> [Int]? { read(completion).answer }

    /// A completion read back with this task's answer tokens.
    public func read(_ completion: [Int]) -> TextCompletion {
        TextCompletion(parsing: completion, vocabulary: vocabulary, isAnswerToken: isAnswerToken)
    }

    public func longestWorkedSequence(digits: Int) -> Int {
        var rng = RNG(seed: 0)
        let problem = heldOutProblem(digits: digits, rng: &rng)
        return prompt(for: problem).count + completion(for: problem, format: .think).count
    }

    public func heldOutProblems(count: Int, digits: Int, seed: UInt64) -> [Problem] {
        var rng = RNG(seed: seed).stream("eval-problems", digits)
        return (0..<max(count, 0)).map { _ in heldOutProblem(digits: digits, rng: &rng) }
    }
}
