import Foundation
import NN
import RL
import RunStorage
import Plotting

/// Everything rltrain knows about one environment, carried by the type of
/// its settings: what `--env NAME` selects and `config.json` stores under
/// NAME; its flags, defaults and validation; how a run builds the
/// environment, what it logs each update, its warm start and closing
/// summary; how `rltrain eval` and a sweep's evaluations measure a trained
/// policy; and which metrics its figures and sweep thresholds use.
///
/// An environment is one folder holding its `Environment` and a type
/// conforming to this protocol; registering it is one line in
/// `EnvironmentRegistry`. Nothing outside the folder names it.
///
/// Its requirements come in four concerns, one protocol each in a file
/// beside this one: the task's definition, its training hooks, its
/// evaluation (with test-time search), and its sweep metrics. Each has
/// defaults for an environment that needs nothing more.
public protocol EnvironmentSettings: TaskDefinition, TrainingHooks, EvaluationHooks, SweepMetrics {}

extension EnvironmentSettings {
    /// Settings compared across environment types (false for different types).
    public func isEqual(to other: any EnvironmentSettings) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }

    /// Each training flag's name and whether it takes a value.
    public static var trainingFlagNames: [(name: String, takesValue: Bool)] {
        options.map { ($0.name, $0.valueName != nil) }
    }

    /// Each evaluation flag's name and whether it takes a value.
    public static var evaluationFlagNames: [(name: String, takesValue: Bool)] {
        evaluationOptions.map { ($0.name, $0.valueName != nil) }
    }

    /// The evaluation `arguments` (flags of `rltrain eval`) ask for, checked.
    public static func evaluationRequest(_ arguments: [String]) throws -> EvaluationRequest {
        var request = defaultEvaluation
        try evaluationOptions.apply(arguments, to: &request, context: "\(name) runs") { flag in
            EnvironmentRegistry.evaluationOwner(of: flag, except: name)
        }
        try validate(request)
        return request
    }
}
