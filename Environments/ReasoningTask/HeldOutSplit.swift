/// The held-out split of the reasoning tasks: a problem is reserved for
/// evaluation when a fixed 64-bit hash of it is 0 modulo 8 and it has at
/// least two digits (the one-digit tables must be learned in full). The
/// hash is FNV-1a over the problem's parts, then the SplitMix64 finaliser
/// so that its low bits are well mixed: stable across processes and platforms.
public struct HeldOutSplit {
    /// One problem in `modulus` (for D ≥ 2) is reserved for evaluation.
    public static let modulus: UInt64 = 8

    private var h: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    /// Mixes one part of the problem into the hash (FNV-1a).
    public mutating func combine(_ value: UInt64) {
        h = (h ^ value) &* 0x100_0000_01B3
    }

    /// The finished hash (SplitMix64's finaliser).
    public var hash: UInt64 {
        var x = h
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }

    /// Whether a problem of `digits` digits with this hash is held out.
    public static func isHeldOut(digits: Int, hash: UInt64) -> Bool {
        digits >= 2 && hash % modulus == 0
    }
}
