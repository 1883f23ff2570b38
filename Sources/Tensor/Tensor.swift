/// A dense, contiguous, row-major array of `Float`.
///
/// `Tensor` is a value type: copies share storage until one of them is written
/// (Swift's copy-on-write arrays), so passing tensors around is cheap and safe
/// across threads. Hot loops reach the storage through `withUnsafe…` pointers;
/// shapes are checked up front so that a mismatch stops with a message naming
/// both shapes instead of corrupting memory.
public struct Tensor: Sendable, Equatable, Codable {
    public private(set) var shape: [Int]
    public var scalars: [Float]

    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative dimension")
        precondition(
            shape.reduce(1, *) == scalars.count,
            "Tensor shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }

    /// Rows of a matrix (rank 2), or 1 for a vector.
    public var rows: Int { rank == 2 ? shape[0] : 1 }
    /// Columns of a matrix, or the length of a vector.
    public var columns: Int { shape.last ?? 1 }

    public subscript(row: Int, column: Int) -> Float {
        get { scalars[row * columns + column] }
        set { scalars[row * columns + column] = newValue }
    }

    /// Changes the shape, reallocating only when the element count changes, so
    /// that reusable workspaces allocate nothing in steady state.
    public mutating func resize(to newShape: [Int]) {
        let newCount = newShape.reduce(1, *)
        if newCount != scalars.count {
            scalars = [Float](repeating: 0, count: newCount)
        }
        shape = newShape
    }

    /// Reinterprets the same scalars under another shape of equal size.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    public mutating func fill(_ value: Float) {
        scalars.withUnsafeMutableBufferPointer { buffer in
            buffer.update(repeating: value)
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { "Tensor(shape: \(shape), scalars: \(scalars.prefix(8))\(count > 8 ? "…" : ""))" }
}
