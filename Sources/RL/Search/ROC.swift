/// The area under the ROC curve of scores against binary labels: the
/// probability that a right solution scores above a wrong one (ties count
/// half) — the Mann–Whitney statistic, computed from mid-ranks.
public enum ROC {
    /// Nil when every label is the same (no pair to compare).
    public static func auc(scores: [Double], labels: [Bool]) -> Double? {
        precondition(scores.count == labels.count, "ROC.auc: \(scores.count) scores, \(labels.count) labels")
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let midRank = Double(i + j) / 2 + 1  // ranks are 1-based
            for k in i...j where labels[order[k]] { rankSum += midRank }
            i = j + 1
        }
        let p = Double(positives), n = Double(negatives)
        return (rankSum - p * (p + 1) / 2) / (p * n)
    }
}
