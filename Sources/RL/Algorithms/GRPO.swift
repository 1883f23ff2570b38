/// GRPO (Shao et al. 2024, DeepSeekMath): the group's mean return as the
/// baseline and its standard deviation as the scale,
///   Â_i = (r_i − mean(r)) / (std(r) + ε),
/// with the per-sequence length normalisation 1/|o_i| in the loss.
struct GRPO: GroupRelativeAlgorithm {
    static let name = "grpo"
    let clipCoef: Float
    let entCoef: Float
    let klCoef: Float
    var normalisesLength: Bool { true }
    static let epsilon: Float = 1e-8

    func advantages(returns: [Float]) -> [Float] {
        let (mean, std) = Self.meanAndStd(returns)
        return returns.map { ($0 - mean) / (std + Self.epsilon) }
    }
}
