/// Next-token targets and completion masks for a packed batch.
extension TokenBatch {
    /// Row t's target is the next token of its sequence; −1 (no target) for
    /// each sequence's last token.
    public var nextTokenTargets: [Int] {
        var targets = Array(tokens.dropFirst()) + [-1]
        for (start, length) in zip(starts, lengths) { targets[start + length - 1] = -1 }
        return targets
    }

    /// 1 for rows whose target is a completion token (at or after its
    /// sequence's prompt), 0 for rows predicting prompt tokens and for each
    /// sequence's last row: the loss mask of supervised fine-tuning and of
    /// policy-gradient losses on completions.
    public func completionMask(promptLengths: [Int]) -> [Float] {
        precondition(promptLengths.count == count, "completionMask: \(promptLengths.count) prompt lengths for \(count) sequences")
        var mask = [Float](repeating: 0, count: totalTokens)
        for s in 0..<count {
            // Row start + i predicts token i + 1, a completion token when i + 1 ≥ prompt length.
            for i in max(promptLengths[s] - 1, 0) ..< (lengths[s] - 1) { mask[starts[s] + i] = 1 }
        }
        return mask
    }
}
