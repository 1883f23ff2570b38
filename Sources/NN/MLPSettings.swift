/// The MLP's architecture, as `--hidden` and `--activation` set it and
/// config.json records it (key `network`).
public struct MLPSettings: NetworkSettings {
    public typealias Network = MLP

    /// Hidden layer widths, input side first.
    public var hidden: [Int] = [64, 64]
    /// "tanh" or "relu" (a string, so that a bad value is refused by
    /// `validate()` with the flag's name rather than by decoding).
    public var activation: String = "tanh"

    public init(hidden: [Int] = [64, 64], activation: String = "tanh") {
        self.hidden = hidden
        self.activation = activation
    }

    /// The activation, tanh when the string names none (validation refuses that first).
    public var hiddenActivation: Activation { Activation(rawValue: activation) ?? .tanh }

    /// Layer widths from input to output.
    public func sizes(inputSize: Int, outputSize: Int) -> [Int] { [inputSize] + hidden + [outputSize] }

    /// Checks the flags; the message is one line naming the flag.
    public func validationError() -> String? {
        if hidden.isEmpty || hidden.contains(where: { $0 <= 0 || $0 > 65_536 }) {
            return "--hidden must list positive layer widths such as 64,64, got \(hidden.map(String.init).joined(separator: ","))"
        }
        if Activation(rawValue: activation) == nil { return "--activation must be tanh or relu, got \(activation)" }
        return nil
    }
}
