/// A seeded, splittable pseudo-random generator: xoshiro256** for draws,
/// SplitMix64 for seeding and for deriving child streams.
///
/// Every random choice in a run — each environment's resets, each action
/// sample, each minibatch shuffle — draws from its own stream derived from
/// `--seed` by name, e.g. `RNG(seed: 1).stream("env", 3)`. A child depends only
/// on its parent's identity, never on how many numbers the parent has drawn,
/// so adding a draw in one place never shifts the numbers seen in another.
/// The whole state is four words, so checkpoints store it exactly.
public struct RNG: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var s0, s1, s2, s3: UInt64
    /// The stream's identity, from which children are derived.
    public let key: UInt64

    public init(seed: UInt64) {
        self.init(key: RNG.mix(seed ^ 0x5851_F42D_4C95_7F2D))
    }

    private init(key: UInt64) {
        self.key = key
        var sm = key
        s0 = RNG.splitMix(&sm)
        s1 = RNG.splitMix(&sm)
        s2 = RNG.splitMix(&sm)
        s3 = RNG.splitMix(&sm)
    }

    /// A child stream named `name` (and `index`), independent of the draws made so far.
    public func stream(_ name: String, _ index: Int = 0) -> RNG {
        // FNV-1a: a fixed hash (Swift's Hasher is reseeded every process).
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            h = (h ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        return RNG(key: RNG.mix(key ^ RNG.mix(h ^ RNG.mix(UInt64(bitPattern: Int64(index)) &+ 0x9E37_79B9_7F4A_7C15))))
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 24 bits of precision.
    public mutating func uniformFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    public mutating func uniformDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform integer in 0..<bound (Lemire's unbiased multiply-shift).
    public mutating func int(below bound: Int) -> Int {
        precondition(bound > 0, "RNG.int(below:) needs a positive bound, got \(bound)")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold {
                product = next().multipliedFullWidth(by: b)
            }
        }
        return Int(product.high)
    }

    /// Fisher–Yates shuffle driven by this stream (the standard library's
    /// `shuffle(using:)` is not specified to stay the same across versions).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, int(below: i + 1))
        }
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
