/// Eigen's `generic_fast_tanh_float`: a rational approximation a few ulp from
/// tanh, clamped where tanh is ±1 in Float. One formula for a scalar and for
/// eight lanes at once; `@inlinable` so that callers in other modules (the
/// transformer's GELU) get it inlined — a call per element cost a sixth of a
/// training step (perf).
extension Tensor {
    @inlinable @inline(__always)
    public static func fastTanh<V: FastTanhOperand>(_ value: V) -> V {
        let x = value.clamped(toMagnitude: 7.90531110763549805)
        let x2 = x * x
        var p = V(broadcast: -2.76076847742355e-16)
        p = p * x2 + V(broadcast: 2.00018790482477e-13)
        p = p * x2 + V(broadcast: -8.60467152213735e-11)
        p = p * x2 + V(broadcast: 5.12229709037114e-08)
        p = p * x2 + V(broadcast: 1.48572235717979e-05)
        p = p * x2 + V(broadcast: 6.37261928875436e-04)
        p = p * x2 + V(broadcast: 4.89352455891786e-03)
        p = p * x
        var q = V(broadcast: 1.19825839466702e-06)
        q = q * x2 + V(broadcast: 1.18534705686654e-04)
        q = q * x2 + V(broadcast: 2.26843463243900e-03)
        q = q * x2 + V(broadcast: 4.89352518554385e-03)
        return p / q
    }
}

/// What `Tensor.fastTanh` needs of its operand: arithmetic, a broadcast
/// constant and a clamp (NaN passes through).
public protocol FastTanhOperand {
    init(broadcast: Float)
    func clamped(toMagnitude bound: Float) -> Self
    static func + (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
}

extension Float: FastTanhOperand {
    @inlinable @inline(__always)
    public init(broadcast value: Float) { self = value }

    @inlinable @inline(__always)
    public func clamped(toMagnitude bound: Float) -> Float { Swift.min(Swift.max(self, -bound), bound) }
}

extension SIMD8: FastTanhOperand where Scalar == Float {
    @inlinable @inline(__always)
    public init(broadcast value: Float) { self.init(repeating: value) }

    /// Lane-wise; not `clamped(lowerBound:upperBound:)`, whose generic
    /// pointwiseMin/Max did not inline (perf).
    @inlinable @inline(__always)
    public func clamped(toMagnitude bound: Float) -> SIMD8<Float> {
        var x = replacing(with: bound, where: self .> bound)
        x.replace(with: -bound, where: x .< -bound)
        return x
    }
}
