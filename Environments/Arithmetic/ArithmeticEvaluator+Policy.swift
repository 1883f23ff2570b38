import NN
import RL

extension ArithmeticEvaluator {
    /// Evaluates an actor network on held-out problems: greedy with one
    /// sample, otherwise `samples` sampled solutions per problem and a
    /// majority vote (test-time compute). Problems come from the run's
    /// evaluation stream, so every call with the same seed sees the same ones.
    public func evaluate(
        actor: some PolicyNetwork, seed: UInt64, problems: Int, digits: Int, thinkBudget: Int? = nil,
        samples: Int = 1, traces: Int = 0
    ) throws -> ArithmeticEvaluation {
        var inference = PolicyInference(network: actor)
        let greedy = samples == 1
        let root = RNG(seed: seed)
        return try evaluate(
            problems: problems, digits: digits, thinkBudget: thinkBudget, samples: samples, traces: traces,
            problemRNG: root.stream("eval-problems", digits), policyRNG: root.stream("eval-policy")
        ) { observation, mask, rng in
            inference.act(observation: observation, mask: mask, greedy: greedy, rng: &rng)
        }
    }
}
