/// Generalised Advantage Estimation (Schulman et al. 2016) over one
/// environment's trajectory of T steps.
///
/// Termination and truncation differ: `nextValues[t]` is the critic's value
/// of the state reached after step t — the final observation when the
/// episode ended there — and it is bootstrapped unless the episode
/// *terminated*. Whether it terminated or was truncated, the advantage
/// recursion stops at an episode boundary (`episodeEnded`).
///
///   δ_t = r_t + γ · V(s_{t+1}) · (1 − terminated_t) − V(s_t)
///   A_t = δ_t + γ · λ · (1 − ended_t) · A_{t+1}
///   returns_t = A_t + V(s_t)
public enum GAE {
    public static func advantages(
        rewards: UnsafePointer<Float>, values: UnsafePointer<Float>, nextValues: UnsafePointer<Float>,
        terminated: UnsafePointer<Bool>, episodeEnded: UnsafePointer<Bool>, count: Int,
        gamma: Float, lambda: Float,
        advantages: UnsafeMutablePointer<Float>, returns: UnsafeMutablePointer<Float>
    ) {
        var next: Float = 0
        for t in stride(from: count - 1, through: 0, by: -1) {
            let bootstrap: Float = terminated[t] ? 0 : gamma * nextValues[t]
            let delta = rewards[t] + bootstrap - values[t]
            next = delta + (episodeEnded[t] ? 0 : gamma * lambda * next)
            advantages[t] = next
            returns[t] = next + values[t]
        }
    }

    /// Array convenience for tests and small callers.
    public static func advantages(
        rewards: [Float], values: [Float], nextValues: [Float], terminated: [Bool], episodeEnded: [Bool],
        gamma: Float, lambda: Float
    ) -> (advantages: [Float], returns: [Float]) {
        let n = rewards.count
        precondition([values.count, nextValues.count, terminated.count, episodeEnded.count].allSatisfy { $0 == n },
                     "GAE inputs differ in length")
        var adv = [Float](repeating: 0, count: n)
        var ret = [Float](repeating: 0, count: n)
        adv.withUnsafeMutableBufferPointer { a in
            ret.withUnsafeMutableBufferPointer { r in
                advantages(
                    rewards: rewards, values: values, nextValues: nextValues, terminated: terminated,
                    episodeEnded: episodeEnded, count: n, gamma: gamma, lambda: lambda,
                    advantages: a.baseAddress!, returns: r.baseAddress!)
            }
        }
        return (adv, ret)
    }
}
