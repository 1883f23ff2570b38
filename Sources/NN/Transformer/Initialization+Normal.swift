import Tensor

extension Initialization {
    /// A tensor of independent normal(0, std) draws, row-major, from
    /// `gaussian` (Box–Muller on the generator's raw bits): the values are
    /// fixed by the caller's generator alone, on every platform.
    static func normal<G: RandomNumberGenerator>(shape: [Int], std: Double, rng: inout G) -> Tensor {
        let count = shape.reduce(1, *)
        var scalars = [Float](repeating: 0, count: count)
        for i in 0..<count { scalars[i] = Float(std * gaussian(&rng)) }
        return Tensor(shape: shape, scalars: scalars)
    }
}
