/// Expert iteration (Anthony et al. 2017; STaR, Zelikman et al. 2022;
/// ReST-EM, Singh et al. 2023), online: each step samples G completions
/// per problem, keeps the ones the verifier accepts and fine-tunes on them —
/// the policy improves on its own verified samples, with no new human
/// example and no penalty on the rejected ones:
///   Â_i = 1 if r_i passes, else 0, every token weighted alike.
/// With one pass per step (the ratio is 1) the clipped surrogate's gradient
/// is then −Σ_kept Σ_t ∇log π(o_t), SFT's on the kept completions; its scale
/// (1/N of all sampled rather than of the kept) is Adam's to absorb.
/// A completion passes when its return exceeds one half: the checker's 1
/// for a right answer (less any think cost, far below one half), 0 for a
/// wrong one.
struct ExpertIteration: GroupRelativeAlgorithm {
    static let name = "expert-iteration"
    static let passMark: Float = 0.5
    let clipCoef: Float
    let entCoef: Float
    let klCoef: Float
    var normalisesLength: Bool { false }

    func advantages(returns: [Float]) -> [Float] {
        returns.map { $0 > Self.passMark ? 1 : 0 }
    }
}
