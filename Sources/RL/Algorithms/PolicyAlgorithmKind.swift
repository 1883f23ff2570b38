/// The policy-gradient algorithm a run trains with (`--algo`): a
/// `PolicyAlgorithm` type, recorded in config.json by its name.
public struct PolicyAlgorithmKind: RawRepresentable, Codable, Hashable, Sendable, CaseIterable {
    /// Every algorithm `--algo` can name, the default first. Adding one is
    /// its file and one line here.
    public static let registered: [any PolicyAlgorithm.Type] = [PPO.self, GRPO.self, DrGRPO.self, RLOO.self, ExpertIteration.self]

    public let type: any PolicyAlgorithm.Type

    public init(_ type: any PolicyAlgorithm.Type) { self.type = type }

    public init?(rawValue: String) {
        guard let type = Self.registered.first(where: { $0.name == rawValue }) else { return nil }
        self.type = type
    }

    public var rawValue: String { type.name }
    public static var allCases: [PolicyAlgorithmKind] { registered.map(PolicyAlgorithmKind.init) }

    public static func == (lhs: Self, rhs: Self) -> Bool { ObjectIdentifier(lhs.type) == ObjectIdentifier(rhs.type) }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(type)) }

    public static let ppo = PolicyAlgorithmKind(PPO.self)
    public static let grpo = PolicyAlgorithmKind(GRPO.self)
    public static let drGRPO = PolicyAlgorithmKind(DrGRPO.self)
    public static let rloo = PolicyAlgorithmKind(RLOO.self)

    /// Whether the algorithm trains a critic (PPO) or samples groups instead.
    public var usesCritic: Bool { type.rollout.usesCritic }

    /// The critic-free algorithms' names, for messages and help:
    /// "grpo, dr-grpo, rloo or expert-iteration".
    public static var criticFreeNames: String {
        let names = allCases.filter { !$0.usesCritic }.map(\.rawValue)
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }

    /// The algorithm, built from the run's hyperparameters.
    func make(_ config: PPOConfig) -> any PolicyAlgorithm { type.init(config: config) }

    /// The algorithm as a critic-free one (GRPO, Dr. GRPO, RLOO); nil for
    /// one that needs a critic.
    public func groupRelative(_ config: PPOConfig) -> (any GroupRelativeAlgorithm)? {
        make(config) as? any GroupRelativeAlgorithm
    }
}
