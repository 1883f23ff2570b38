import RL

/// What an environment is, as `--env NAME` selects it and config.json
/// stores it: its name, flags, defaults, validation and the environment a
/// run builds.
public protocol TaskDefinition: Codable, Sendable, Equatable {
    associatedtype Env: Environment

    /// The `--env` value and the key of these settings in `config.json`.
    static var name: String { get }
    /// One line for `--help`.
    static var summary: String { get }
    /// The default settings.
    init()
    /// The training flags that set these settings.
    static var options: [CommandLineOption<Self>] { get }
    /// PPO and worker defaults that differ from CleanRL's for this
    /// environment (the README's table of defaults says why).
    static func adjustDefaults(_ ppo: inout PPOConfig, envsPerWorker: inout Int)
    /// Throws one line naming the flag for the first setting out of range.
    func validate() throws(ConfigError)
    /// A short description for progress lines: `arithmetic 1-3 digits, think budget 1`.
    var label: String { get }
    /// The environment every slot starts from (settings already validated).
    func makeEnvironment() throws -> Env
}
