import CTensorKernels

extension SparseRows {
    /// y ← x·W + bias for this batch x and a dense W of shape [columns, n];
    /// `y` is resized to [rows, n]. Row r of y is the sum, in this order, of
    /// the bias, the shared entries' rows of W (summed once for the batch)
    /// and the row's own entries' rows of W, each row of W scaled by its value.
    public func multiply(
        by w: Tensor, adding bias: Tensor? = nil, into y: inout Tensor, kernel: BLAS.Kernel = Tensor.vectorKernel
    ) {
        precondition(w.rank == 2 && w.shape[0] == columns,
                     "sparse matmul shape mismatch: [\(rows), \(columns)] · \(w.shape)")
        let n = w.shape[1]
        precondition(bias.map { $0.count == n } ?? true, "sparse matmul: bias \(bias?.shape ?? []) for \(n) outputs")
        y.resize(to: [rows, n])
        guard rows > 0, n > 0 else { return }
        let base = BLAS.Scratch.buffer(count: n)
        if let bias {
            bias.scalars.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: n) }  // n > 0 floats
        } else {
            base.update(repeating: 0, count: n)
        }
        w.scalars.withUnsafeBufferPointer { w in
            y.scalars.withUnsafeMutableBufferPointer { y in
                withEntryPointers { sharedColumns, sharedValues, starts, columns, values in
                    // The base row: the bias plus the shared entries' rows of W, in place.
                    let sharedStarts = (Int32(0), Int32(shared.count))
                    withUnsafePointer(to: sharedStarts) { pair in
                        pair.withMemoryRebound(to: Int32.self, capacity: 2) { sharedStarts in
                            Self.sparseMatmul(
                                rows: 1, n: n, starts: sharedStarts, columns: sharedColumns, values: sharedValues,
                                base: base, w: w.baseAddress, ldw: n, y: base, ldy: n, kernel: kernel)
                        }
                    }
                    Self.sparseMatmul(
                        rows: rows, n: n, starts: starts, columns: columns, values: values,
                        base: base, w: w.baseAddress, ldw: n, y: y.baseAddress!, ldy: n, kernel: kernel)
                }
            }
        }
    }

    /// dW ← dW + xᵀ·dy for this batch x ([rows, columns]) and dy of shape
    /// [rows, n]: every entry's value times its row of dy is added into the
    /// entry's row of dW, rows in order; then each shared entry's value times
    /// the column sums of dy (rows added in order) is added once.
    public func accumulateTransposedProduct(
        _ dy: Tensor, into dw: inout Tensor, kernel: BLAS.Kernel = Tensor.vectorKernel
    ) {
        precondition(dy.rank == 2 && dy.shape[0] == rows, "sparse xᵀ·dy: dy \(dy.shape) for \(rows) rows")
        let n = dy.shape[1]
        precondition(dw.shape == [columns, n], "sparse xᵀ·dy accumulates into \(dw.shape), product is \([columns, n])")
        guard rows > 0, n > 0, columns > 0 else { return }
        dy.scalars.withUnsafeBufferPointer { dy in
            dw.scalars.withUnsafeMutableBufferPointer { dw in
                let dy = dy.baseAddress!, dw = dw.baseAddress!  // rows·n > 0 and columns·n > 0 floats
                withEntryPointers { sharedColumns, sharedValues, starts, columns, values in
                    Self.sparseScatter(
                        rows: rows, n: n, starts: starts, columns: columns, values: values,
                        dy: dy, lddy: n, dw: dw, lddw: n, kernel: kernel)
                    guard shared.count > 0 else { return }
                    let sums = BLAS.Scratch.buffer(count: n)
                    sums.update(repeating: 0, count: n)
                    if kernel.hasVectorKernels {
                        ctk_sum_rows(kernel.cKernel, dy, rows, n, sums)
                    } else {
                        for r in 0..<rows { for j in 0..<n { sums[j] += dy[r * n + j] } }
                    }
                    // Every row has every shared entry: one row of column sums carries them all.
                    let sharedStarts = (Int32(0), Int32(shared.count))
                    withUnsafePointer(to: sharedStarts) { pair in
                        pair.withMemoryRebound(to: Int32.self, capacity: 2) { sharedStarts in
                            Self.sparseScatter(
                                rows: 1, n: n, starts: sharedStarts, columns: sharedColumns, values: sharedValues,
                                dy: sums, lddy: n, dw: dw, lddw: n, kernel: kernel)
                        }
                    }
                }
            }
        }
    }

    /// The storage as pointers (nil where an array is empty): shared columns
    /// and values, row starts, entry columns and values.
    private func withEntryPointers<R>(
        _ body: (UnsafePointer<Int32>?, UnsafePointer<Float>?, UnsafePointer<Int32>, UnsafePointer<Int32>?, UnsafePointer<Float>?) -> R
    ) -> R {
        shared.columns.withUnsafeBufferPointer { sc in
            shared.values.withUnsafeBufferPointer { sv in
                rowStarts.withUnsafeBufferPointer { starts in
                    entries.columns.withUnsafeBufferPointer { c in
                        entries.values.withUnsafeBufferPointer { v in
                            body(sc.baseAddress, sv.baseAddress, starts.baseAddress!, c.baseAddress, v.baseAddress)  // rowStarts is never empty
                        }
                    }
                }
            }
        }
    }

    /// y[r, :] ← base + Σ values[e]·w[columns[e], :] over row r's entries
    /// starts[r] ..< starts[r + 1], in order (ctk_sparse_matmul, or its Swift
    /// twin: the same operations). `base` may alias y's row when rows == 1;
    /// w, columns and values may be nil only when no row has an entry.
    static func sparseMatmul(
        rows: Int, n: Int, starts: UnsafePointer<Int32>, columns: UnsafePointer<Int32>?, values: UnsafePointer<Float>?,
        base: UnsafePointer<Float>?, w: UnsafePointer<Float>?, ldw: Int, y: UnsafeMutablePointer<Float>, ldy: Int,
        kernel: BLAS.Kernel
    ) {
        if kernel.hasVectorKernels {
            ctk_sparse_matmul(kernel.cKernel, rows, n, starts, columns, values, base, w, ldw, y, ldy)
            return
        }
        for r in 0..<rows {
            let out = y + r * ldy
            for j in 0..<n { out[j] = base?[j] ?? 0 }
            guard let columns, let values, let w else { continue }
            for e in Int(starts[r])..<Int(starts[r + 1]) {
                let row = w + Int(columns[e]) * ldw
                let scale = values[e]
                for j in 0..<n { out[j] = out[j] + scale * row[j] }
            }
        }
    }

    /// dw[columns[e], :] += values[e]·dy[r, :] for every entry of every row,
    /// rows in order (ctk_sparse_scatter, or its Swift twin).
    static func sparseScatter(
        rows: Int, n: Int, starts: UnsafePointer<Int32>, columns: UnsafePointer<Int32>?, values: UnsafePointer<Float>?,
        dy: UnsafePointer<Float>, lddy: Int, dw: UnsafeMutablePointer<Float>, lddw: Int, kernel: BLAS.Kernel
    ) {
        guard let columns, let values else { return }  // no entries
        if kernel.hasVectorKernels {
            ctk_sparse_scatter(kernel.cKernel, rows, n, starts, columns, values, dy, lddy, dw, lddw)
            return
        }
        for r in 0..<rows {
            let g = dy + r * lddy
            for e in Int(starts[r])..<Int(starts[r + 1]) {
                let out = dw + Int(columns[e]) * lddw
                let scale = values[e]
                for j in 0..<n { out[j] = out[j] + scale * g[j] }
            }
        }
    }
}
