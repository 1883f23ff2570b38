import Foundation
import MPI
import RL

/// The trainer's `Collective` over Open MPI's MPI_COMM_WORLD.
///
/// `@unchecked Sendable`: the trainer (a Sendable value) holds it, but only
/// the thread that runs the updates calls it — never the rollout workers or
/// the actor ∥ critic threads — which is the one-thread-at-a-time rule
/// `Communicator` documents. A failed collective is fatal to the job: this
/// rank says why in one line and aborts every rank (another rank may be
/// waiting inside the same call).
public final class MPICollective: Collective, @unchecked Sendable {
    public let communicator: Communicator
    public var rank: Int { communicator.rank }
    public var size: Int { communicator.size }

    public private(set) var secondsInCalls = 0.0
    private let clock = ContinuousClock()

    public init(_ communicator: Communicator) {
        self.communicator = communicator
    }

    public func sum(_ values: inout [Float]) { fatalOnError { try communicator.allreduceSum(&values) } }
    public func sum(_ values: inout [Double]) { fatalOnError { try communicator.allreduceSum(&values) } }

    public func broadcast(_ bytes: inout [UInt8], root: Int) {
        fatalOnError { try communicator.broadcast(bytes: &bytes, root: root) }
    }

    /// Gathers at rank 0, which sends the whole list back to everyone.
    public func allGather(_ bytes: [UInt8]) -> [[UInt8]] {
        var packed: [UInt8] = []
        fatalOnError {
            if let blobs = try communicator.gatherBytes(bytes, root: 0) {
                for blob in blobs {
                    withUnsafeBytes(of: UInt64(blob.count).littleEndian) { packed += $0 }
                    packed += blob
                }
            }
            try communicator.broadcast(bytes: &packed, root: 0)
        }
        var blobs: [[UInt8]] = []
        var offset = 0
        while offset + 8 <= packed.count {
            let length = packed[offset..<(offset + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
            offset += 8
            blobs.append(Array(packed[offset..<(offset + length)]))
            offset += length
        }
        return blobs
    }

    private func fatalOnError(_ body: () throws -> Void) {
        let started = clock.now
        defer { secondsInCalls += (clock.now - started).seconds }
        do {
            try body()
        } catch {
            FileHandle.standardError.write(Data("rltrain: rank \(rank): \(error)\n".utf8))
            communicator.abort(code: 1)
        }
    }
}
