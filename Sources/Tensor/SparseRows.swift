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
    /// Columns of the dense matrix.
    public let columns: Int
    /// The entries every row has, sorted by column.
    public private(set) var shared: Entries
    /// Row r's own entries are `entries` rowStarts[r] ..< rowStarts[r + 1],
    /// each row's sorted by column (rowStarts has rows + 1 elements).
    public private(set) var rowStarts: [Int32]
    public private(set) var entries: Entries

    /// Scratch of appendRow and factorShared, one element per column; not
    /// part of the value.
    private var scratch = Scratch()

    private struct Scratch: Sendable {
        /// A row's nonzero columns, as the scan finds them.
        var found: [Int32] = []
        /// Rows matching row 0's entry in each column (zero between calls), and its value.
        var matches: [Int32] = []
        var candidates: [Float] = []
    }

    public static func == (a: SparseRows, b: SparseRows) -> Bool {
        a.columns == b.columns && a.shared == b.shared && a.rowStarts == b.rowStarts && a.entries == b.entries
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

        mutating func append(column: Int32, value: Float) {
            columns.append(column)
            values.append(value)
        }
    }

    /// The largest fraction of nonzero entries at which a batch should go
    /// the sparse way through a layer (`multiply` and
    /// `accumulateTransposedProduct` instead of two GEMMs): see
    /// docs/benchmarks/gridworld.md for the measurement behind it.
    public static let densityLimit = 0.25

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
        for r in 0..<rows { appendRow(dense + r * columns, kernel: kernel) }
        factorShared()
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

    /// Appends the rows of a dense row-major matrix, giving up (returning
    /// false, with some rows appended) as soon as they hold more nonzero
    /// entries than `densityLimit` allows for all `rows`.
    public mutating func appendRowsIfSparse(
        _ dense: UnsafePointer<Float>, rows: Int, kernel: BLAS.Kernel = Tensor.vectorKernel
    ) -> Bool {
        let limit = Int(Self.densityLimit * Double(rows) * Double(columns))
        let start = entries.count
        for r in 0..<rows {
            appendRow(dense + r * columns, kernel: kernel)
            if entries.count - start > limit { return false }
        }
        return true
    }

    /// Removes every row (and the shared entries), keeping the storage.
    public mutating func removeAll() {
        shared.removeAll()
        rowStarts.removeAll(keepingCapacity: true)
        rowStarts.append(0)
        entries.removeAll()
    }

    /// Appends a dense row of `columns` floats: its nonzero entries (NaN
    /// counts as nonzero) become the row's own entries. Shared entries are
    /// not looked for (see `factorShared`); the batch must have none yet.
    public mutating func appendRow(_ row: UnsafePointer<Float>, kernel: BLAS.Kernel = Tensor.vectorKernel) {
        precondition(shared.count == 0, "SparseRows.appendRow after the shared entries were factored out")
        var found = scratch.found
        scratch.found = []  // unique while the scan writes it
        defer { scratch.found = found }
        if found.count < columns { found = [Int32](repeating: 0, count: columns) }
        let columns = self.columns
        found.withUnsafeMutableBufferPointer { found in
            guard let f = found.baseAddress else { return }  // no columns: an empty row
            var count = 0
            if kernel.hasVectorKernels {
                count = ctk_nonzeros(kernel.cKernel, row, columns, f)
            } else {
                for j in 0..<columns where row[j] != 0 || row[j].isNaN {
                    f[count] = Int32(j)
                    count += 1
                }
            }
            entries.columns.append(contentsOf: UnsafeBufferPointer(start: f, count: count))
            for e in 0..<count { entries.values.append(row[Int(f[e])]) }
        }
        rowStarts.append(Int32(entries.count))
    }

    /// Appends row `row` of `other` (same columns), its shared entries
    /// included as own entries unless this batch shares the same ones: a
    /// minibatch gathered from a rollout's rows takes the rollout's shared
    /// entries with `adoptShared` first, then appends rows.
    public mutating func appendRow(_ row: Int, of other: SparseRows) {
        precondition(other.columns == columns, "SparseRows: appending a row of \(other.columns) columns to \(columns)")
        let lo = Int(other.rowStarts[row]), hi = Int(other.rowStarts[row + 1])
        if other.shared == shared || other.shared.count == 0 {
            entries.columns.append(contentsOf: other.entries.columns[lo..<hi])
            entries.values.append(contentsOf: other.entries.values[lo..<hi])
        } else {
            precondition(shared.count == 0, "SparseRows: rows with other shared entries than this batch's")
            // Merge the row's own entries with other's shared ones, by column.
            var (s, e) = (0, lo)
            while s < other.shared.count || e < hi {
                if e == hi || (s < other.shared.count && other.shared.columns[s] < other.entries.columns[e]) {
                    entries.append(column: other.shared.columns[s], value: other.shared.values[s])
                    s += 1
                } else {
                    entries.append(column: other.entries.columns[e], value: other.entries.values[e])
                    e += 1
                }
            }
        }
        rowStarts.append(Int32(entries.count))
    }

    /// Empties the batch and takes `other`'s shared entries as its own, so
    /// that rows of `other` can be appended as they are stored.
    public mutating func adoptShared(of other: SparseRows) {
        precondition(other.columns == columns, "SparseRows: \(other.columns) columns, not \(columns)")
        removeAll()
        shared = other.shared
    }

    /// Moves the entries that every row has (same column, same value) into
    /// `shared`. With one row, all of it is shared; with none, nothing.
    public mutating func factorShared() {
        let rows = self.rows, rowCount = Int32(rows)
        guard rows > 0, shared.count == 0 else { return }
        // Everything edited moves out of self into locals (unique storage,
        // no exclusivity conflicts), and back at the end.
        var matches = scratch.matches, candidates = scratch.candidates
        var columnOf = entries.columns, valueOf = entries.values, starts = rowStarts
        var sharedColumns = shared.columns, sharedValues = shared.values
        (scratch.matches, scratch.candidates, entries.columns, entries.values, rowStarts) = ([], [], [], [], [])
        (shared.columns, shared.values) = ([], [])
        defer {
            (scratch.matches, scratch.candidates, entries.columns, entries.values) = (matches, candidates, columnOf, valueOf)
            (rowStarts, shared.columns, shared.values) = (starts, sharedColumns, sharedValues)
        }
        if matches.count != columns {
            matches = [Int32](repeating: 0, count: columns)
            candidates = [Float](repeating: 0, count: columns)
        }
        let firstEnd = Int(starts[1])
        let entryCount = columnOf.count
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
                                sharedColumns.append(columnOf[e])
                                sharedValues.append(valueOf[e])
                            }
                            guard !sharedColumns.isEmpty else {
                                for e in 0..<firstEnd { matches[Int(columnOf[e])] = 0 }
                                return
                            }
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
                            // Leave the scratch zeroed: row 0's columns are now the
                            // shared ones and row 0's remaining entries.
                            for c in sharedColumns { matches[Int(c)] = 0 }
                            for e in 0..<Int(starts[1]) { matches[Int(columnOf[e])] = 0 }
                        }
                    }
                }
            }
        }
        columnOf.removeLast(entryCount - kept)
        valueOf.removeLast(entryCount - kept)
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
