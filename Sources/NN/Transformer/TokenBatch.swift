/// Token sequences of varying length packed back to back, without padding:
/// sequence i is `tokens[starts[i] ..< starts[i] + lengths[i]]`. Positions
/// restart at 0 in every sequence and attention never crosses from one into
/// another, so a packed batch computes exactly what each sequence would alone.
public struct TokenBatch: Sendable, Equatable {
    public private(set) var tokens: [Int] = []
    public private(set) var starts: [Int] = []
    public private(set) var lengths: [Int] = []

    public init() {}

    public init(_ sequences: [[Int]]) {
        for sequence in sequences { append(sequence) }
    }

    /// Adds one sequence at the end (it must not be empty).
    public mutating func append(_ sequence: some Collection<Int>) {
        precondition(!sequence.isEmpty, "TokenBatch: an empty sequence has no tokens to run")
        starts.append(tokens.count)
        lengths.append(sequence.count)
        tokens.append(contentsOf: sequence)
    }

    /// Empties the batch, keeping its storage for the next one.
    public mutating func removeAll() {
        tokens.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
    }

    /// Number of sequences.
    public var count: Int { starts.count }
    public var totalTokens: Int { tokens.count }

    public subscript(sequence: Int) -> ArraySlice<Int> {
        tokens[starts[sequence] ..< starts[sequence] + lengths[sequence]]
    }

    /// Σ lengths², the number of (query, key) pairs per head before the causal
    /// mask: the size of one layer's attention-probability buffer per head.
    var squaredLengthSum: Int { lengths.reduce(0) { $0 + $1 * $1 } }
}
