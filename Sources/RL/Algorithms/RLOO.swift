/// RLOO (Ahmadian et al. 2024, REINFORCE leave-one-out): each episode's
/// baseline is the mean return of the other G − 1 episodes of its group,
///   Â_i = r_i − (Σ_j r_j − r_i)/(G − 1) = G/(G − 1) · (r_i − mean(r)),
/// every token weighted alike.
struct RLOO: GroupRelativeAlgorithm {
    static let name = "rloo"
    let clipCoef: Float
    let entCoef: Float
    let klCoef: Float
    var normalisesLength: Bool { false }

    func advantages(returns: [Float]) -> [Float] {
        let sum = returns.reduce(0, +)
        let others = Float(returns.count - 1)
        return returns.map { $0 - (sum - $0) / others }
    }
}
