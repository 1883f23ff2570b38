import Tensor

/// Parameters as one flat array, in `updateEachParameter` order: what a
/// checkpoint stores. The architecture (sizes, activation) is saved with the
/// run's config, and loading checks that the counts agree.
extension MLP {
    public func flatParameters() -> [Float] {
        var flat: [Float] = []
        flat.reserveCapacity(parameterCount)
        for layer in layers {
            flat += layer.weight.value.scalars
            flat += layer.bias.value.scalars
        }
        return flat
    }

    public mutating func loadFlatParameters(_ flat: [Float]) throws(ParameterCountMismatch) {
        guard flat.count == parameterCount else {
            throw ParameterCountMismatch(expected: parameterCount, found: flat.count, sizes: sizes)
        }
        var offset = 0
        updateEachParameter { _, p in
            let n = p.value.count
            p.value.scalars.replaceSubrange(0..<n, with: flat[offset..<(offset + n)])
            offset += n
        }
    }
}

public struct ParameterCountMismatch: Error, CustomStringConvertible {
    public let expected: Int
    public let found: Int
    public let sizes: [Int]
    public var description: String {
        "network \(sizes.map(String.init).joined(separator: "-")) has \(expected) parameters, the saved ones number \(found)"
    }
}
