import Foundation
import Environments
import ExperimentsTestSupport
@testable import Experiments
@testable import Sweeps

/// A stand-in for the CLI's parser: a few flags, the CLI's style of errors.
let testSweepBuilder: SweepConfigBuilder = { arguments in
    var config = RunConfig.defaults(for: .arithmetic)
    var i = 0
    func int(_ flag: String, _ text: String) throws -> Int {
        guard let v = Int(text) else { throw SweepError("The value '\(text)' is invalid for '--\(flag) <\(flag)>'") }
        return v
    }
    while i < arguments.count {
        let flag = String(arguments[i].dropFirst(2)), value = arguments[i + 1]
        switch flag {
        case "env":
            guard let env = TestEnvironment(rawValue: value) else { throw SweepError("The value '\(value)' is invalid for '--env <env>'") }
            let seed = config.ppo.seed
            config = RunConfig.defaults(for: env)
            config.ppo.seed = seed
        case "seed": config.ppo.seed = UInt64(value)!
        case "total-timesteps": config.ppo.totalTimesteps = try int(flag, value)
        case "num-steps": config.ppo.numSteps = try int(flag, value)
        case "num-envs": config.ppo.numEnvs = try int(flag, value)
        case "demos": config.arithmetic.demos = try int(flag, value)
        case "bc-steps": config.arithmetic.bcSteps = try int(flag, value)
        case "eval-problems": config.arithmetic.evalProblems = try int(flag, value)
        case "hidden": config.network.hidden = value.split(separator: ",").map { Int($0)! }
        case "learning-rate": config.ppo.learningRate = Double(value)!
        default: throw SweepError("Unknown option '--\(flag)'")
        }
        i += 2
    }
    try config.validate()
    return config
}
