// mpi-selftest: checks the MPI module's collectives on however many ranks
// mpirun starts (MPITests runs it on 2). Every rank computes the expected
// result of each collective from the rank-indexed inputs it can regenerate,
// so a wrong sum, a wrong root or a misplaced blob fails on the rank that sees
// it. Exit status: 0 all checks passed, 1 a check failed, 2 bad usage or not
// under mpirun. Usage: mpirun -np N mpi-selftest [--expect-size N]
import Foundation
import MPI

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("mpi-selftest: \(message)\n".utf8))
    exit(status)
}

var expectedSize: Int?
switch Array(CommandLine.arguments.dropFirst()) {
case []: break
case let arguments where arguments.count == 2 && arguments[0] == "--expect-size":
    guard let n = Int(arguments[1]), n >= 1 else { fail("--expect-size needs a positive integer, got \(arguments[1])", status: 2) }
    expectedSize = n
default: fail("usage: mpirun -np N mpi-selftest [--expect-size N]", status: 2)
}

// Without mpirun the binary must not load or initialise MPI at all.
guard MPIRuntime.launchedByMPI else { fail("not started by mpirun; run: mpirun -np 2 mpi-selftest", status: 2) }

let communicator: Communicator
do { communicator = try MPIRuntime.initialize() } catch { fail("\(error)", status: 2) }

let checks = SelfTestChecks(communicator: communicator, expectedSize: expectedSize)
do {
    try checks.run()
} catch {
    FileHandle.standardError.write(Data("mpi-selftest: rank \(communicator.rank): unexpected \(error)\n".utf8))
    communicator.abort(code: 1)
}
do {
    try communicator.finalize()
    checks.expect(communicator.isFinalized, "isFinalized after finalize()")
    do {
        try communicator.barrier()
        checks.expect(false, "barrier() after finalize() did not throw")
    } catch {
        checks.expect(error == .finalized, "barrier() after finalize() threw \(error), not .finalized")
    }
} catch {
    fail("rank \(communicator.rank): \(error)", status: 1)
}

if checks.failures.isEmpty {
    print("mpi-selftest: rank \(communicator.rank) of \(communicator.size): \(checks.count) checks passed")
    exit(0)
}
for failure in checks.failures {
    FileHandle.standardError.write(Data("mpi-selftest: rank \(communicator.rank): FAILED \(failure)\n".utf8))
}
exit(1)
