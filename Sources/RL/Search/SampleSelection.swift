/// How one answer is chosen among several sampled solutions of a problem.
///
/// * `majority`: the most frequent answer (self-consistency); a tie goes to
///   the answer seen first.
/// * `verifier`: the solution a learned verifier scores highest (best-of-N);
///   a tie goes to the first.
/// * `oracle`: pass@N — whether any sample is right, by the verifiable
///   reward. It needs the reward at test time, so it is coverage, an upper
///   bound on any way of choosing, never an accuracy.
public enum SampleSelection: String, CaseIterable, Sendable, Codable {
    case majority, verifier, oracle

    /// The index of the first sample whose answer is the most frequent.
    public static func majorityIndex<Answer: Hashable>(_ answers: [Answer]) -> Int {
        var votes: [Answer: (count: Int, first: Int)] = [:]
        for (i, answer) in answers.enumerated() { votes[answer, default: (0, i)].count += 1 }
        let winner = votes.values.min { a, b in a.count != b.count ? a.count > b.count : a.first < b.first }
        return winner?.first ?? 0
    }

    /// The index of the highest score; ties (and NaN) go to the lowest index.
    public static func bestIndex(_ scores: [Double]) -> Int {
        var best = 0
        for i in scores.indices.dropFirst() where scores[i] > scores[best] || (scores[best].isNaN && !scores[i].isNaN) { best = i }
        return best
    }
}
