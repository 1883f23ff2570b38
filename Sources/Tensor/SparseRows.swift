import CTensorKernels

/// A batch of rows most of whose entries are zero — one-hot or binary
/// observations — stored as each row's nonzero entries (compressed sparse
/// rows), with the entries that every row shares (same column, same value)
/// held once, in `shared`.
///
/// A layer y = x·W + b over such a batch is a sum of a few rows of W per
/// row of x (`multiply`), and its weight gradient xᵀ·dy a scatter-add of dy's
/// rows into those rows of W (`accumulateTransposedProduct`); the shared
/// entries cost one row of W for the whole batch, and one scaled column sum
/// of dy in the gradient. What `rows` and `columns` describe is the dense
/// matrix `dense()` returns.
public struct SparseRows: Sendable, Equatable {
    /// The largest fraction of nonzero entries at which a batch should go
    /// the sparse way through a layer (`multiply` and
    /// `accumulateTransposedProduct` instead of two GEMMs): see
    /// docs/benchmarks/gridworld.md for the measurement behind it.
    public static let densityLimit = 0.25

    /// Columns of the dense matrix.
    public let columns: Int
    /// The entries every row has, sorted by column; no row holds them among
    /// its own entries.
    public private(set) var shared: Entries
    /// Row r's own entries are `entries` rowStarts[r] ..< rowStarts[r + 1],
    /// each row's sorted by column (rowStarts has rows + 1 elements).
    public private(set) var rowStarts: [Int32]
    public private(set) var entries: Entries

    /// Working storage of the methods below, one element per column; not
    /// part of the value.
    private var scratch = Scratch()

    private struct Scratch: Sendable {
        /// One row's differing columns and values, as the scan finds them.
        var columns: [Int32] = []
        var values: [Float] = []
        /// The shared entries as a dense row (zero between calls).
        var reference: [Float] = []
        /// Rows matching row 0's entry in each column (zero between calls),
        /// and row 0's value there.
        var matches: [Int32] = []
        var candidates: [Float] = []

        mutating func reserve(_ columns: Int) {
            guard self.columns.count < columns else { return }
            self.columns = [Int32](repeating: 0, count: columns)
            values = [Float](repeating: 0, count: columns)
            reference = [Float](repeating: 0, count: columns)
            matches = [Int32](repeating: 0, count: columns)
            candidates = [Float](repeating: 0, count: columns)
        }
    }

    /// Nonzero entries: parallel arrays of columns and values.
    public struct Entries: Sendable, Equatable {
        public internal(set) var columns: [Int32] = []
        public internal(set) var values: [Float] = []
        public var count: Int { columns.count }

        mutating func removeAll() {
            columns.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
        }
    }

    public static func == (a: SparseRows, b: SparseRows) -> Bool {
        a.columns == b.columns && a.shared == b.shared && a.rowStarts == b.rowStarts && a.entries == b.entries
    }

    /// An empty batch (no rows) of `columns`-wide rows.
    public init(columns: Int) {
        precondition(columns >= 0 && columns <= Int(Int32.max), "SparseRows: \(columns) columns")
        self.columns = columns
        shared = Entries()
        rowStarts = [0]
        entries = Entries()
    }

    /// The rows of a dense row-major matrix (`rows` × `columns` floats), with
    /// the entries they all share factored out.
    public init(dense: UnsafePointer<Float>, rows: Int, columns: Int, kernel: BLAS.Kernel = Tensor.vectorKernel) {
        self.init(columns: columns)
        assign(dense: dense, rows: rows, kernel: kernel)
    }

    public init(_ dense: Tensor) {
        precondition(dense.rank == 2, "SparseRows needs a matrix, got \(dense.shape)")
        self = dense.scalars.withUnsafeBufferPointer { x in
            guard let base = x.baseAddress else { return SparseRows(columns: dense.columns) }
            return SparseRows(dense: base, rows: dense.rows, columns: dense.columns)
        }
    }

    public var rows: Int { rowStarts.count - 1 }

    /// Stored entries (shared ones once).
    public var storedEntryCount: Int { shared.count + entries.count }

    /// Nonzero entries of the dense matrix (shared ones once per row).
    public var nonzeroCount: Int { shared.count * rows + entries.count }

    /// Whether the batch is sparse enough for the sparse path (`densityLimit`).
    public var isSparseEnough: Bool {
        Double(nonzeroCount) <= Self.densityLimit * Double(rows) * Double(columns)
    }

    /// Removes every row and the shared entries, keeping the storage.
    public mutating func removeAll() {
        shared.removeAll()
        rowStarts.removeAll(keepingCapacity: true)
        rowStarts.append(0)
        entries.removeAll()
    }

    // MARK: - From dense rows

    /// Replaces the batch with the rows of a dense row-major matrix (`rows`
    /// × `columns` floats; NaN counts as nonzero), the entries they all
    /// share factored out. Returns false, leaving the batch empty, as soon as
    /// the rows turn out to hold more than `maximumDensity` of nonzero entries.
    ///
    /// The shared entries the batch held before serve as a guess: when every
    /// row has them, the rows are compared with them instead of scanned for
    /// every nonzero entry, which finds only what differs (a gridworld
    /// observation's agent and goal, not its walls). The result does not
    /// depend on the guess; a wrong guess costs a second scan.
    @discardableResult
    public mutating func assign(
        dense x: UnsafePointer<Float>, rows: Int, maximumDensity: Double = 1, kernel: BLAS.Kernel = Tensor.vectorKernel
    ) -> Bool {
        let limit = Int((maximumDensity * Double(rows) * Double(columns)).rounded(.down))
        let guess = shared
        removeAll()
        if rows > 0 && guess.count > 0 && guess.count * rows <= limit {
            if appendRows(x, rows: rows, differingFrom: guess, limit: limit, kernel: kernel) {
                shared = guess
                factorShared()  // what the rows share beyond the guess
                return true
            }
            removeAll()
        }
        guard appendRows(x, rows: rows, differingFrom: nil, limit: limit, kernel: kernel) else {
            removeAll()
            return false
        }
        factorShared()
        return true
    }

    /// Appends dense rows as own entries: those that differ from `reference`
    /// (the shared entries; nil: zero). Returns false as soon as a row
    /// differs from the reference at one of its entries (it lacks a shared
    /// entry), or the entries with the reference's, counted once per row,
    /// exceed `limit`.
    private mutating func appendRows(
        _ x: UnsafePointer<Float>, rows: Int, differingFrom reference: Entries?, limit: Int, kernel: BLAS.Kernel
    ) -> Bool {
        guard columns > 0 else {
            for _ in 0..<rows { rowStarts.append(0) }
            return true
        }
        scratch.reserve(columns)
        var found = scratch.columns, values = scratch.values, dense = scratch.reference
        (scratch.columns, scratch.values, scratch.reference) = ([], [], [])  // unique while written
        defer { (scratch.columns, scratch.values, scratch.reference) = (found, values, dense) }
        let sharedCount = reference?.count ?? 0
        let columns = self.columns
        return dense.withUnsafeMutableBufferPointer { dense in
            let dense = dense.baseAddress!  // columns > 0
            if let reference {
                for (c, v) in zip(reference.columns, reference.values) { dense[Int(c)] = v }
            }
            defer {
                if let reference { for c in reference.columns { dense[Int(c)] = 0 } }
            }
            return found.withUnsafeMutableBufferPointer { found in
                values.withUnsafeMutableBufferPointer { values in
                    let (f, v) = (found.baseAddress!, values.baseAddress!)
                    for r in 0..<rows {
                        let row = x + r * columns
                        let count = Self.differences(
                            row, reference == nil ? nil : UnsafePointer(dense), columns, f, v, kernel: kernel)
                        if reference != nil {
                            for e in 0..<count where dense[Int(f[e])] != 0 { return false }
                        }
                        entries.columns.append(contentsOf: UnsafeBufferPointer(start: f, count: count))
                        entries.values.append(contentsOf: UnsafeBufferPointer(start: v, count: count))
                        rowStarts.append(Int32(entries.count))
                        if entries.count + sharedCount * (r + 1) > limit { return false }
                    }
                    return true
                }
            }
        }
    }

    /// The positions where x differs from `reference` (nil: zero; NaN
    /// always differs), ascending, and x's values there (ctk_differences,
    /// or its Swift twin).
    static func differences(
        _ x: UnsafePointer<Float>, _ reference: UnsafePointer<Float>?, _ count: Int,
        _ columns: UnsafeMutablePointer<Int32>, _ values: UnsafeMutablePointer<Float>, kernel: BLAS.Kernel
    ) -> Int {
        if kernel.hasVectorKernels { return ctk_differences(kernel.cKernel, x, reference, count, columns, values) }
        var found = 0
        for j in 0..<count where x[j] != (reference?[j] ?? 0) {
            columns[found] = Int32(j)
            values[found] = x[j]
            found += 1
        }
        return found
    }

    /// Appends one dense row of `columns` floats: its nonzero entries (NaN
    /// counts as nonzero) become the row's own entries. Shared entries are
    /// not looked for (see `factorShared`); the batch must have none yet.
    public mutating func appendRow(_ row: UnsafePointer<Float>, kernel: BLAS.Kernel = Tensor.vectorKernel) {
        precondition(shared.count == 0, "SparseRows.appendRow after the shared entries were factored out")
        _ = appendRows(row, rows: 1, differingFrom: nil, limit: Int.max, kernel: kernel)
    }

    /// Moves the entries that every row has (same column, same value) among
    /// its own into `shared`, merged with the shared entries already there.
    /// With one row, all of it is shared; with none, nothing.
    public mutating func factorShared() {
        let rows = self.rows, rowCount = Int32(rows)
        guard rows > 0, rowStarts[1] > 0 else { return }  // row 0 has no own entry: nothing more is shared
        scratch.reserve(columns)
        // Everything edited moves out of self into locals (unique storage,
        // no exclusivity conflicts), and back at the end.
        var matches = scratch.matches, candidates = scratch.candidates
        var columnOf = entries.columns, valueOf = entries.values, starts = rowStarts
        (scratch.matches, scratch.candidates, entries.columns, entries.values, rowStarts) = ([], [], [], [], [])
        defer {
            (scratch.matches, scratch.candidates, entries.columns, entries.values) = (matches, candidates, columnOf, valueOf)
            rowStarts = starts
        }
        let firstEnd = Int(starts[1])
        let entryCount = columnOf.count
        var newColumns: [Int32] = [], newValues: [Float] = []
        var kept = entryCount
        matches.withUnsafeMutableBufferPointer { matches in
            candidates.withUnsafeMutableBufferPointer { candidates in
                columnOf.withUnsafeMutableBufferPointer { columnOf in
                    valueOf.withUnsafeMutableBufferPointer { valueOf in
                        starts.withUnsafeMutableBufferPointer { starts in
                            // Candidates are row 0's entries; count the rows with the same
                            // value there (row 0 included). NaN never matches: never shared.
                            for e in 0..<firstEnd {
                                let c = Int(columnOf[e])
                                candidates[c] = valueOf[e]
                                matches[c] = valueOf[e] == valueOf[e] ? 1 : 0
                            }
                            for e in firstEnd..<entryCount {
                                let c = Int(columnOf[e])
                                if matches[c] > 0 && candidates[c] == valueOf[e] { matches[c] += 1 }
                            }
                            for e in 0..<firstEnd where matches[Int(columnOf[e])] == rowCount {
                                newColumns.append(columnOf[e])
                                newValues.append(valueOf[e])
                            }
                            if !newColumns.isEmpty {
                                // Compact every row's entries in place, dropping the shared ones.
                                var write = 0, read = 0
                                for r in 0..<rows {
                                    let end = Int(starts[r + 1])
                                    starts[r] = Int32(write)
                                    while read < end {
                                        let c = columnOf[read]
                                        if matches[Int(c)] != rowCount {
                                            columnOf[write] = c
                                            valueOf[write] = valueOf[read]
                                            write += 1
                                        }
                                        read += 1
                                    }
                                }
                                starts[rows] = Int32(write)
                                kept = write
                            }
                            // Leave the scratch zeroed: row 0's columns are now the
                            // new shared ones and row 0's remaining entries.
                            for c in newColumns { matches[Int(c)] = 0 }
                            for e in 0..<Int(starts[1]) { matches[Int(columnOf[e])] = 0 }
                        }
                    }
                }
            }
        }
        columnOf.removeLast(entryCount - kept)
        valueOf.removeLast(entryCount - kept)
        guard !newColumns.isEmpty else { return }
        if shared.count == 0 {
            shared.columns = newColumns
            shared.values = newValues
            return
        }
        // Merge the new shared entries into the old, by column (disjoint).
        var merged = Entries()
        var (i, j) = (0, 0)
        while i < shared.count || j < newColumns.count {
            if j == newColumns.count || (i < shared.count && shared.columns[i] < newColumns[j]) {
                merged.columns.append(shared.columns[i])
                merged.values.append(shared.values[i])
                i += 1
            } else {
                merged.columns.append(newColumns[j])
                merged.values.append(newValues[j])
                j += 1
            }
        }
        shared = merged
    }

    // MARK: - From other batches

    /// Empties the batch and takes `other`'s shared entries as its own, so
    /// that rows of `other` can be appended as they are stored.
    public mutating func adoptShared(of other: SparseRows) {
        precondition(other.columns == columns, "SparseRows: \(other.columns) columns, not \(columns)")
        removeAll()
        shared = other.shared
    }

    /// Appends the rows `rows` of `other` (same columns): their own entries
    /// as they are when this batch shares `other`'s shared entries (see
    /// `adoptShared`), else with `other`'s shared entries merged in (then
    /// this batch must have no shared entries).
    public mutating func appendRows<Rows: Collection>(_ rows: Rows, of other: SparseRows) where Rows.Element == Int {
        precondition(other.columns == columns, "SparseRows: appending rows of \(other.columns) columns to \(columns)")
        guard other.shared == shared || other.shared.count == 0 else {
            for row in rows { appendMerging(row, of: other) }
            return
        }
        var total = 0
        for row in rows { total += Int(other.rowStarts[row + 1] - other.rowStarts[row]) }
        let start = entries.count
        entries.columns.append(contentsOf: repeatElement(0, count: total))
        entries.values.append(contentsOf: repeatElement(0, count: total))
        rowStarts.reserveCapacity(rowStarts.count + rows.count)
        var write = start
        other.rowStarts.withUnsafeBufferPointer { from in
            other.entries.columns.withUnsafeBufferPointer { sourceColumns in
                other.entries.values.withUnsafeBufferPointer { sourceValues in
                    entries.columns.withUnsafeMutableBufferPointer { targetColumns in
                        entries.values.withUnsafeMutableBufferPointer { targetValues in
                            for row in rows {
                                let lo = Int(from[row]), n = Int(from[row + 1]) - lo
                                if n > 0 {
                                    (targetColumns.baseAddress! + write).update(from: sourceColumns.baseAddress! + lo, count: n)
                                    (targetValues.baseAddress! + write).update(from: sourceValues.baseAddress! + lo, count: n)
                                }
                                write += n
                                rowStarts.append(Int32(write))
                            }
                        }
                    }
                }
            }
        }
    }

    /// Appends row `row` of `other`; see `appendRows`.
    public mutating func appendRow(_ row: Int, of other: SparseRows) {
        appendRows(CollectionOfOne(row), of: other)
    }

    /// Row `row` of `other` with `other`'s shared entries merged in, by column.
    private mutating func appendMerging(_ row: Int, of other: SparseRows) {
        precondition(shared.count == 0, "SparseRows: rows with other shared entries than this batch's")
        let lo = Int(other.rowStarts[row]), hi = Int(other.rowStarts[row + 1])
        var (s, e) = (0, lo)
        while s < other.shared.count || e < hi {
            if e == hi || (s < other.shared.count && other.shared.columns[s] < other.entries.columns[e]) {
                entries.columns.append(other.shared.columns[s])
                entries.values.append(other.shared.values[s])
                s += 1
            } else {
                entries.columns.append(other.entries.columns[e])
                entries.values.append(other.entries.values[e])
                e += 1
            }
        }
        rowStarts.append(Int32(entries.count))
    }

    /// The dense matrix, rows × columns.
    public func dense() -> Tensor {
        var out = Tensor(zeros: [rows, columns])
        for r in 0..<rows {
            for s in 0..<shared.count { out[r, Int(shared.columns[s])] = shared.values[s] }
            for e in Int(rowStarts[r])..<Int(rowStarts[r + 1]) { out[r, Int(entries.columns[e])] = entries.values[e] }
        }
        return out
    }
}
