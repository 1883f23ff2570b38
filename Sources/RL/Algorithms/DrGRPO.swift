/// Dr. GRPO (Liu et al. 2025, "Understanding R1-Zero-like training"): GRPO
/// without its two normalisations, which bias it — dividing by the group's
/// std up-weights groups that are nearly all right or all wrong, and 1/|o_i|
/// penalises a long wrong answer less per token:
///   Â_i = r_i − mean(r), every token weighted alike.
struct DrGRPO: GroupRelativeAlgorithm {
    static let name = "dr-grpo"
    let clipCoef: Float
    let entCoef: Float
    let klCoef: Float
    var normalisesLength: Bool { false }

    func advantages(returns: [Float]) -> [Float] {
        let mean = returns.reduce(0, +) / Float(returns.count)
        return returns.map { $0 - mean }
    }
}
