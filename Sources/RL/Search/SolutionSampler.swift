import NN

/// Samples solutions of problems from a policy: test-time search's first
/// half (choosing among them is `SampleSelection`'s), and the data a
/// verifier learns from.
///
/// A problem is an environment already reset to it; every sample plays a
/// copy. Sample s of problem i draws every random number — the policy's
/// and the environment's — from `policyRNG.stream("problem", i).stream("sample", s)`,
/// so results are deterministic, the first S samples are the same whatever
/// S, and they do not depend on how the problems are spread over threads.
public enum SolutionSampler {
    /// Picks an available action; sampling draws from `rng`.
    public typealias Policy = (_ observation: UnsafeBufferPointer<Float>, _ mask: UnsafeBufferPointer<Bool>, _ rng: inout RNG) -> Int

    /// Plays `samples` episodes from each of `starts`, one after another;
    /// `starts[i]` is problem `firstIndex + i`. With `deterministic` (a
    /// greedy policy, which draws nothing) one episode per problem is played
    /// and repeated. `keepObservations` keeps every step's observation;
    /// with a `verifier` every solution is scored.
    public static func play<Env: Environment>(
        _ starts: [Env], firstIndex: Int = 0, samples: Int, deterministic: Bool = false, policyRNG: RNG,
        keepObservations: Bool = false, verifier: Verifier? = nil, policy: Policy
    ) throws(SearchError) -> [[SampledSolution<Env>]] {
        guard samples >= 1 else { throw SearchError("samples must be at least 1, got \(samples)") }
        var scorer = verifier.map(VerifierInference.init)
        if let verifier, let first = starts.first,
           verifier.observationSize != first.observationSize || verifier.actionCount != first.actionCount {
            throw SearchError("the verifier reads \(verifier.observationSize) observation floats and \(verifier.actionCount) actions, the environment has \(first.observationSize) and \(first.actionCount)")
        }
        var out: [[SampledSolution<Env>]] = []
        out.reserveCapacity(starts.count)
        for (offset, start) in starts.enumerated() {
            let problemStream = policyRNG.stream("problem", firstIndex + offset)
            var solutions: [SampledSolution<Env>] = []
            solutions.reserveCapacity(samples)
            for sample in 0..<samples {
                if deterministic, let first = solutions.first {
                    solutions.append(first)
                    continue
                }
                var rng = problemStream.stream("sample", sample)
                var solution = try episode(start, rng: &rng, keepObservations: keepObservations || scorer != nil, policy: policy)
                if scorer != nil {
                    solution.verifierScore = scorer?.score(observations: solution.observations, actions: solution.actions)
                    if !keepObservations { solution.observations = [] }
                }
                solutions.append(solution)
            }
            out.append(solutions)
        }
        return out
    }

    /// One episode from `start`.
    static func episode<Env: Environment>(
        _ start: Env, rng: inout RNG, keepObservations: Bool, policy: Policy
    ) throws(SearchError) -> SampledSolution<Env> {
        var env = start
        var observation = [Float](repeating: 0, count: env.observationSize)
        var mask = [Bool](repeating: false, count: env.actionCount)
        var actions: [Int] = [], observations: [Float] = []
        while true {
            observation.withUnsafeMutableBufferPointer { env.writeObservation(into: $0) }
            mask.withUnsafeMutableBufferPointer { env.writeActionMask(into: $0) }
            let action = observation.withUnsafeBufferPointer { o in mask.withUnsafeBufferPointer { policy(o, $0, &rng) } }
            guard mask.indices.contains(action), mask[action] else {
                throw SearchError("the policy chose unavailable action \(action)")
            }
            actions.append(action)
            if keepObservations { observations += observation }
            if env.step(action, rng: &rng).episodeEnded { break }
        }
        return SampledSolution(actions: actions, summary: env.episodeSummary(), final: env, observations: observations)
    }

    /// `play` for an actor network sampling at `temperature` (0: greedy),
    /// over `workers` threads, each with its own inference: the problems in
    /// contiguous blocks, merged in order. The numbers do not depend on
    /// `workers`: every solution is computed exactly as with one.
    public static func play<Env: Environment>(
        _ starts: [Env], samples: Int, temperature: Float, actor: some PolicyNetwork, policyRNG: RNG,
        keepObservations: Bool = false, verifier: Verifier? = nil, workers: Int
    ) throws(SearchError) -> [[SampledSolution<Env>]] {
        guard temperature >= 0, temperature.isFinite else { throw SearchError("temperature must be a finite number ≥ 0, got \(temperature)") }
        let count = max(1, min(workers, starts.count))
        var blocks: [SamplerBlock<Env>] = (0..<count).map { w in
            let lo = starts.count * w / count, hi = starts.count * (w + 1) / count
            return SamplerBlock(starts: Array(starts[lo..<hi]), first: lo)
        }
        Parallel.forEach(&blocks) { block, _ in
            var inference = PolicyInference(network: actor)
            block.result = Result { () throws(SearchError) in
                try play(
                    block.starts, firstIndex: block.first, samples: samples, deterministic: temperature == 0, policyRNG: policyRNG,
                    keepObservations: keepObservations, verifier: verifier
                ) { observation, mask, rng in
                    inference.act(observation: observation, mask: mask, temperature: temperature, rng: &rng)
                }
            }
        }
        var out: [[SampledSolution<Env>]] = []
        out.reserveCapacity(starts.count)
        for block in blocks {
            switch block.result {
            case .success(let solutions): out += solutions
            case .failure(let error): throw error
            case nil: break
            }
        }
        return out
    }
}

/// One worker's share of the problems, and what it sampled.
struct SamplerBlock<Env: Environment>: Sendable {
    var starts: [Env]
    var first: Int
    var result: Result<[[SampledSolution<Env>]], SearchError>? = nil
}
