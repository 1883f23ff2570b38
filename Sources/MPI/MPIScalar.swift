/// Element types the collectives move and reduce: the four an RL trainer
/// needs (gradients, statistics, counters). Other modules cannot add
/// conformances, because `MPIDatatype` has no public initialiser.
public protocol MPIScalar: BitwiseCopyable {
    static var mpiDatatype: MPIDatatype { get }
}

/// Which predefined MPI datatype a Swift scalar maps to.
public struct MPIDatatype: Sendable, Hashable {
    enum Kind: Sendable, Hashable { case float, double, int32, int64 }
    let kind: Kind
}

extension Float: MPIScalar { public static var mpiDatatype: MPIDatatype { MPIDatatype(kind: .float) } }
extension Double: MPIScalar { public static var mpiDatatype: MPIDatatype { MPIDatatype(kind: .double) } }
extension Int32: MPIScalar { public static var mpiDatatype: MPIDatatype { MPIDatatype(kind: .int32) } }
extension Int64: MPIScalar { public static var mpiDatatype: MPIDatatype { MPIDatatype(kind: .int64) } }

/// Element-wise reduction across ranks.
public enum MPIReduction: Sendable, Hashable {
    case sum, max, min
}

extension MPILibrary {
    func handle(_ type: MPIDatatype) -> Handle {
        switch type.kind {
        case .float: float
        case .double: double
        case .int32: int32
        case .int64: int64
        }
    }

    func handle(_ reduction: MPIReduction) -> Handle {
        switch reduction {
        case .sum: opSum
        case .max: opMax
        case .min: opMin
        }
    }
}
