import Tensor

/// Parameters as one flat array, in `updateEachParameter` order: what a
/// checkpoint stores. The architecture is saved with the run's config, and
/// loading checks that the counts agree.
extension Module {
    public func flatParameters() -> [Float] {
        var flat: [Float] = []
        flat.reserveCapacity(parameterCount)
        forEachParameter { _, p in flat += p.value.scalars }
        return flat
    }

    public mutating func loadFlatParameters(_ flat: [Float]) throws(ParameterCountMismatch) {
        guard flat.count == parameterCount else {
            throw ParameterCountMismatch(expected: parameterCount, found: flat.count, architecture: architecture)
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
    public let architecture: String
    public var description: String {
        "network \(architecture) has \(expected) parameters, the saved ones number \(found)"
    }
}
