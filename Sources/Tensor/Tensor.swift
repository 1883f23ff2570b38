/// A dense, contiguous, row-major array of `Float`.
///
/// `Tensor` is a value type: copies share storage until one of them is written
/// (Swift's copy-on-write arrays), so passing tensors around is cheap and safe
/// across threads. Hot loops reach the storage through `withUnsafe…` pointers;
/// shapes are checked up front so that a mismatch stops with a message naming
/// both shapes instead of corrupting memory.
import Foundation

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

extension Tensor {
    enum CodingKeys: String, CodingKey { case shape, float32 }

    /// Encoded as its shape and its scalars' bit patterns (base64 in JSON).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shape, forKey: .shape)
        try container.encode(scalars.float32Bits, forKey: .float32)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let shape = try container.decode([Int].self, forKey: .shape)
        let data = try container.decode(Data.self, forKey: .float32)
        guard let scalars = [Float](float32Bits: data), shape.allSatisfy({ $0 >= 0 }),
              shape.reduce(1, { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }) == scalars.count
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .float32, in: container, debugDescription: "tensor data does not match shape \(shape)")
        }
        self.init(shape: shape, scalars: scalars)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { "Tensor(shape: \(shape), scalars: \(scalars.prefix(8))\(count > 8 ? "…" : ""))" }
}
