/// Worked examples packed end to end into one token stream, without padding:
/// the form of a transformer training batch that attends within each
/// sequence only (`starts`, `lengths`) and learns its positions
/// (`positions`).
///
/// Every array but `starts` and `lengths` has one entry per token.
public struct PackedSequences: Sendable, Hashable {
    /// Each example's prompt then completion, one after another.
    public let tokens: [Int]
    /// The token each position predicts: the next token of the same sequence;
    /// `<pad>` at a sequence's last token, which predicts nothing.
    public let targets: [Int]
    /// The loss weight of each position's prediction: 1 where its target is a
    /// completion token (the mode token through `<eos>`), 0 where it is a
    /// prompt token or `<pad>`. Aligned with `targets`.
    public let lossMask: [Float]
    /// 1 on the completion tokens themselves, 0 on the prompt: `lossMask`
    /// shifted by one, for code that masks inputs rather than targets.
    public let completionMask: [Float]
    /// Each token's position within its own sequence, from 0.
    public let positions: [Int]
    /// Where each sequence starts in `tokens`.
    public let starts: [Int]
    /// Each sequence's length, prompt and completion.
    public let lengths: [Int]

    public init(_ examples: [TextExample]) {
        let total = examples.reduce(0) { $0 + $1.prompt.count + $1.completion.count }
        var tokens: [Int] = [], targets: [Int] = [], positions: [Int] = []
        var lossMask: [Float] = [], completionMask: [Float] = []
        var starts: [Int] = [], lengths: [Int] = []
        tokens.reserveCapacity(total)
        targets.reserveCapacity(total)
        positions.reserveCapacity(total)
        lossMask.reserveCapacity(total)
        completionMask.reserveCapacity(total)
        for example in examples {
            let sequence = example.prompt + example.completion
            starts.append(tokens.count)
            lengths.append(sequence.count)
            for (position, token) in sequence.enumerated() {
                let next = position + 1 < sequence.count ? sequence[position + 1] : Vocabulary.pad
                tokens.append(token)
                targets.append(next)
                positions.append(position)
                completionMask.append(position >= example.prompt.count ? 1 : 0)
                lossMask.append(position + 1 >= example.prompt.count && position + 1 < sequence.count ? 1 : 0)
            }
        }
        self.tokens = tokens
        self.targets = targets
        self.lossMask = lossMask
        self.completionMask = completionMask
        self.positions = positions
        self.starts = starts
        self.lengths = lengths
    }
}
