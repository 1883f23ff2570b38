import NN
import RL

/// How `rltrain eval` and a sweep's evaluations measure a trained policy
/// on this environment, and the problems test-time search draws.
public protocol EvaluationHooks: TaskDefinition {
    associatedtype EvaluationRequest: Sendable

    /// What `rltrain eval` runs when given no flag.
    static var defaultEvaluation: EvaluationRequest { get }
    /// The flags of `rltrain eval` (and the keys of a sweep's `eval`).
    static var evaluationOptions: [CommandLineOption<EvaluationRequest>] { get }
    /// Throws one line naming the flag for the first value out of range.
    static func validate(_ request: EvaluationRequest) throws(ConfigError)
    /// The columns of `eval.csv`.
    static var evaluationColumns: [String] { get }
    /// Measures a trained actor, prints the result and appends it to `eval.csv`.
    func evaluate(actor: some PolicyNetwork, _ request: EvaluationRequest, run: RunContext) throws

    // MARK: Test-time search

    /// `count` problems as `request` (flags of `rltrain eval`) chooses them —
    /// length, difficulty, cap — each an environment reset to its problem:
    /// held out (what evaluation and a verifier's test see) or from the
    /// training split (what a verifier learns on). Nil: this environment has
    /// no test-time search and no verifier (see Search/).
    func searchProblems(_ request: EvaluationRequest, count: Int, heldOut: Bool, seed: UInt64) throws -> [Env]?
}

extension EvaluationHooks {
    /// No test-time search and no verifier.
    public func searchProblems(_ request: EvaluationRequest, count: Int, heldOut: Bool, seed: UInt64) throws -> [Env]? { nil }
}
