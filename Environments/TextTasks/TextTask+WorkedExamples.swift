import RL

extension TextTask {
    /// `count` worked examples on training problems, drawn from `seed` alone.
    /// Problems and formats come from separate streams, so one seed gives the
    /// same problems whatever the mix: a DIRECT and a THINK set differ only in
    /// how they are written.
    public func workedExamples(count: Int, seed: UInt64, mix: WorkedExampleMix) -> [TextExample] {
        let root = RNG(seed: seed).stream("worked-examples")
        var problems = root.stream("problems"), formats = root.stream("formats")
        return (0..<max(count, 0)).map { _ in
            let problem = trainingProblem(rng: &problems)
            let format: CompletionFormat
            switch mix {
            case .direct: format = .direct
            case .think: format = .think
            case .mixed(let fraction):
                format = formats.uniformDouble() < fraction ? .think : .direct
            }
            return TextExample(prompt: prompt(for: problem), completion: completion(for: problem, format: format))
        }
    }
}
