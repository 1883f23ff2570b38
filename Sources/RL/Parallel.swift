import Dispatch

/// The two shapes of parallelism PPO needs, on Dispatch's pool (which runs at
/// most one thread per core, so 8 workers on 2 cores do not oversubscribe).
public enum Parallel {
    /// Calls `body(&elements[i], i)` for every element concurrently and waits.
    public static func forEach<T: Sendable>(_ elements: inout [T], _ body: @Sendable (inout T, Int) -> Void) {
        if elements.count == 1 {
            body(&elements[0], 0)
            return
        }
        elements.withUnsafeMutableBufferPointer { buffer in
            let base = ExclusiveElements(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: buffer.count) { i in
                body(&base.base[i], i)
            }
        }
    }

    /// Runs `first(&a)` and `second(&b)` concurrently and returns both results.
    public static func both<A: Sendable, B: Sendable, RA: Sendable, RB: Sendable>(
        _ a: inout A, _ b: inout B,
        _ first: @Sendable (inout A) -> RA, _ second: @Sendable (inout B) -> RB
    ) -> (RA, RB) {
        withUnsafeMutablePointer(to: &a) { pa in
            withUnsafeMutablePointer(to: &b) { pb in
                let a = ExclusiveElements(base: pa)
                let b = ExclusiveElements(base: pb)
                var resultA: RA?
                var resultB: RB?
                withUnsafeMutablePointer(to: &resultA) { ra in
                    withUnsafeMutablePointer(to: &resultB) { rb in
                        let ra = ExclusiveElements(base: ra)
                        let rb = ExclusiveElements(base: rb)
                        DispatchQueue.concurrentPerform(iterations: 2) { i in
                            if i == 0 {
                                ra.base.pointee = first(&a.base.pointee)
                            } else {
                                rb.base.pointee = second(&b.base.pointee)
                            }
                        }
                    }
                }
                return (resultA!, resultB!)
            }
        }
    }
}

/// A pointer shared by concurrent iterations that each touch a different
/// element: iteration i reads and writes `base[i]` (or its own pointee) only,
/// and the caller waits for every iteration before touching the memory again.
/// That discipline, not the type system, is what makes this `Sendable`.
struct ExclusiveElements<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}
