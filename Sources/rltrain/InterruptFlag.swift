import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a request to stop between updates: the first
/// signal lets the current update finish, a checkpoint be written and the
/// CSVs be flushed; a second one exits at once with status 130.
final class InterruptFlag: Sendable {
    private let count = Atomic<Int>(0)
    /// The sources must outlive `install()`; they live as long as the flag.
    private let sources = Mutex<[SignalSource]>([])

    init() {}

    /// Installs the handlers (call once, from the command).
    func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)  // let Dispatch deliver it instead
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                let seen = count.add(1, ordering: .sequentiallyConsistent).newValue
                // Under mpirun every rank gets the signal; rank 0 says so.
                if seen >= 2 {
                    if DataParallel.speaks { FileHandle.standardError.write(Data("\nrltrain: stopped at once\n".utf8)) }
                    _exit(130)
                }
                if DataParallel.speaks {
                    FileHandle.standardError.write(Data("\nrltrain: stopping after this update (again to stop at once)\n".utf8))
                }
            }
            source.resume()
            let box = SignalSource(source: source)
            sources.withLock { $0.append(box) }
        }
    }

    var isRaised: Bool { count.load(ordering: .sequentiallyConsistent) > 0 }
}

/// DispatchSource objects are thread-safe (documented by Dispatch), but the
/// Swift overlay does not mark them Sendable.
private struct SignalSource: @unchecked Sendable {
    let source: any DispatchSourceSignal
}
