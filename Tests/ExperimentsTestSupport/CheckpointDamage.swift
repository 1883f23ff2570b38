import Foundation
import Tensor
import NN
import RL

/// Ways a checkpoint can hold together as a file — valid container, valid
/// JSON, every tensor's data matching its own shape — and still not fit its
/// run: what a hand edit or a bug would leave. Each must be refused at load
/// with one line containing `fragment`, never met as a trap in the first
/// update or forward pass.
public enum CheckpointDamage: String, CaseIterable, Sendable {
    /// The first weight transposed: as many floats, but no longer matching its bias.
    case transposedWeight
    /// The first weight with one input row more: a layer, but not of this network.
    case weightOfAnotherInputSize
    /// A gradient of another shape than its weight.
    case gradientOfAnotherShape
    /// The actor replaced by a whole, consistent network of another width.
    case actorOfAnotherWidth
    /// Adam's two moments of the first weight one float short.
    case adamMomentsTooShort
    /// One more first moment than second moments.
    case adamMomentCountsDiffer
    /// PPO's critic missing.
    case criticMissing
    /// One environment fewer than the run has.
    case environmentMissing
    /// Negative env steps.
    case negativeCounter
    /// A KL reference policy of another width (needs a run that has one).
    case referenceOfAnotherWidth

    /// Words the refusal must contain.
    public var fragment: String {
        switch self {
        case .transposedWeight: "do not form a layer"
        case .weightOfAnotherInputSize: "do not chain into sizes"
        case .gradientOfAnotherShape: "differs from value shape"
        case .actorOfAnotherWidth: "the checkpoint's networks are"
        case .adamMomentsTooShort: "optimiser state does not match"
        case .adamMomentCountsDiffer: "moment shapes differ"
        case .criticMissing: "the checkpoint's networks are"
        case .environmentMissing: "environments, the config asks for"
        case .negativeCounter: "counters are out of range"
        case .referenceOfAnotherWidth: "reference policy is"
        }
    }

    /// Whether `state` has what this damage changes (a critic, a reference,
    /// moments: an optimiser that has stepped).
    public func applies<E: Environment>(to state: Trainer<E, MLP>.State) -> Bool {
        switch self {
        case .criticMissing: state.critic != nil
        case .referenceOfAnotherWidth: state.reference != nil
        case .adamMomentsTooShort, .adamMomentCountsDiffer: state.actor.optimizer.step > 0
        default: true
        }
    }

    /// Applies the damage to `state`.
    public func apply<E: Environment>(to state: inout Trainer<E, MLP>.State) throws {
        var network = state.actor.network
        switch self {
        case .transposedWeight:
            let weight = network.layers[0].weight.value
            network.layers[0].weight = Parameter(Tensor(shape: [weight.shape[1], weight.shape[0]], scalars: weight.scalars))
        case .weightOfAnotherInputSize:
            let shape = network.layers[0].weight.value.shape
            network.layers[0].weight = Parameter(Tensor(zeros: [shape[0] + 1, shape[1]]))
        case .gradientOfAnotherShape:
            network.layers[0].weight.gradient = Tensor(zeros: [1])
        case .actorOfAnotherWidth, .referenceOfAnotherWidth:
            var rng = RNG(seed: 1)
            let other = MLP(sizes: [network.inputSize, 3, network.outputSize], outputGain: 0.01, rng: &rng)
            if self == .referenceOfAnotherWidth {
                state.reference = other
                return
            }
            network = other
        case .adamMomentsTooShort:
            state.actor = Learner(network: network, optimizer: try shortenMoments(state.actor.optimizer))
            return
        case .adamMomentCountsDiffer:
            return  // Adam cannot hold it: see `edit(_:)`
        case .criticMissing:
            state.critic = nil
            return
        case .environmentMissing:
            state.slots.removeLast()
            return
        case .negativeCounter:
            state.envSteps = -5
            return
        }
        state.actor = Learner(network: network, optimizer: state.actor.optimizer)
    }

    /// Applies what cannot be expressed in a decoded state to the payload's
    /// JSON text (compact, sorted keys): the actor's first moments gain a copy
    /// of their first entry.
    public func edit(_ json: String) -> String {
        guard self == .adamMomentCountsDiffer, let range = json.range(of: #""firstMoments":\["[^"]*""#, options: .regularExpression) else {
            return json
        }
        let first = json[range].dropFirst(#""firstMoments":["#.count)
        return json.replacingCharacters(in: range, with: #""firstMoments":["# + first + "," + first)
    }

    /// Adam's moments are internal to NN: edited through its own JSON form
    /// (every moment array of the first parameter one float short).
    private func shortenMoments(_ adam: Adam) throws -> Adam {
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(adam)) as? [String: Any] ?? [:]
        for key in ["firstMoments", "secondMoments"] {
            var moments = object[key] as? [String] ?? []
            moments[0] = (Data(base64Encoded: moments[0])?.dropLast(4)).map { Data($0).base64EncodedString() } ?? ""
            object[key] = moments
        }
        return try JSONDecoder().decode(Adam.self, from: JSONSerialization.data(withJSONObject: object))
    }
}
