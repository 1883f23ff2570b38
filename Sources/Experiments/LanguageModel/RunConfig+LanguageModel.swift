import NN
import RL
import Environments

extension RunConfig {
    /// The environment's task as text, when it has one (`TextTaskSource`).
    public var textTask: (any TextTask)? { (environment as? any TextTaskSource)?.textTask }

    /// Makes this a language-model run with `settings`, and takes the
    /// defaults such a run differs in: its RL hyperparameters
    /// (`LanguageModelSettings.adjustDefaults`) and a held-out evaluation
    /// every 50 RL steps instead of every update. Flags applied afterwards
    /// override them.
    public mutating func useLanguageModel(_ settings: LanguageModelSettings = LanguageModelSettings()) {
        languageModel = settings
        LanguageModelSettings.adjustDefaults(&ppo)
        if var source = environment as? any TextTaskSource {
            source.evalEvery = 50
            environment = source
        }
    }

    /// The environment's `--think-cost`: RL's reward less this per token of working.
    var textThinkCost: Double { (environment as? any TextTaskSource)?.thinkCost ?? 0 }

    /// The environment's held-out evaluation settings, for the language model.
    var textTaskEvaluation: (problems: Int, every: Int) {
        guard let source = environment as? any TextTaskSource else { return (0, 1) }
        return (source.evalProblems, source.evalEvery)
    }

    /// What a language-model run needs beyond its own settings: a text task,
    /// a critic-free algorithm, a batch every rank has a share of, a context that holds every
    /// prompt with its worked THINK completion.
    func validateLanguageModel(_ settings: LanguageModelSettings) throws(ConfigError) {
        if let message = settings.validationError() { throw ConfigError(message) }
        guard let needed = longestTextSequence else {
            let names = EnvironmentRegistry.all.filter(Self.hasTextTask).map { $0.name }
            throw ConfigError("--policy transformer needs a text task; --env \(env) has none (text tasks: \(names.joined(separator: ", ")))")
        }
        guard ppo.algorithm.groupRelative(ppo) != nil else {
            throw ConfigError("--algo \(ppo.algorithm.rawValue) needs a critic; the transformer policy trains with a critic-free algorithm (\(PolicyAlgorithmKind.criticFreeNames))")
        }
        if settings.stepReward > 0 && ppo.algorithm.rawValue == "expert-iteration" {
            throw ConfigError("--step-reward does not apply to --algo expert-iteration, which keeps the completions the checker accepts")
        }
        if ppo.groupSize < 2 { throw ConfigError("--group-size must be at least 2 for a group-relative advantage, got \(ppo.groupSize)") }
        // Data parallelism splits each SFT batch and each step's prompts over the ranks.
        if run.ranks > min(settings.sft.batchSize, settings.promptsPerStep) {
            throw ConfigError("--policy transformer under mpirun -np \(run.ranks) needs at least \(run.ranks) SFT examples and prompts per step (--sft-batch \(settings.sft.batchSize), --prompts-per-step \(settings.promptsPerStep))")
        }
        if settings.context < needed {
            throw ConfigError("--context \(settings.context) is shorter than the longest prompt plus its worked completion (\(needed) tokens)")
        }
    }

    private static func hasTextTask(_ type: any EnvironmentSettings.Type) -> Bool {
        type is any TextTaskSource.Type
    }

    /// The longest prompt plus worked completion of the run's text task; nil without one.
    private var longestTextSequence: Int? {
        guard let task = textTask else { return nil }
        return Self.longestSequence(task)
    }

    /// Prompt plus THINK completion of the longest problems the task trains
    /// and evaluates on.
    static func longestSequence<T: TextTask>(_ task: T) -> Int {
        task.digits.map { task.longestWorkedSequence(digits: $0) }.max() ?? 0
    }

    /// When `--context` is not given and the default is too short for the
    /// task's worked examples, the shortest multiple of 16 that holds them.
    /// Settings the environment refuses are left to `validate()` to name.
    public mutating func fitContextToTextTask() {
        guard (try? environment.validate()) != nil,
              var settings = languageModel, let needed = longestTextSequence, needed > settings.context else { return }
        settings.context = (needed + 15) / 16 * 16
        languageModel = settings
    }
}
