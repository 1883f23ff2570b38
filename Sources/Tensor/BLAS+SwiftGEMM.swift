extension BLAS {
    /// The pure-Swift GEMM: a Goto-style blocked kernel, the built-in GEMM's
    /// `portable` kernel (arm64, and x86-64 CPUs without AVX2+FMA; elsewhere
    /// the C kernels of BLAS+Kernel.swift run).
    ///
    /// Why it looks the way it does: SwiftPM builds for the baseline x86-64
    /// target (SSE2: 16 registers of 4 floats, two-operand instructions, no
    /// FMA, no broadcast load) unless the package passes CPU flags, which this
    /// package does not. The kernel is therefore written so that LLVM emits
    /// the minimum SSE2 sequence per 4 multiply-adds, `movaps b→t; mulps
    /// [a], t; addps t, acc`, with every operand but one coming from memory:
    ///
    /// - Micro-kernel: an `mr` × `nr` = 12 × 4 tile of C lives in twelve
    ///   SIMD4<Float> accumulators (one per row). Each k step loads one SIMD4
    ///   row of the B panel into a register and multiplies it by twelve A
    ///   values that the packing already broadcast to SIMD4, straight from
    ///   memory. 14 of the 16 xmm registers are live, so nothing spills.
    ///   Edge panels of at most 8 or 4 rows run the same body with fewer rows
    ///   (one specialisation per height, the row count a constant).
    /// - Packing: A is copied one `mr`-row panel at a time into a k-major,
    ///   pre-broadcast layout (each scalar stored 4 times: 16 bytes), so the
    ///   panel (12 × kc × 16 bytes = 24 KB at kc = 128) stays in L1 while the
    ///   kernel sweeps all B panels. B is copied per (k-slice × column block)
    ///   into `nr`-column panels (nr floats per k step), zero-padded at the
    ///   edge, so the kernel reads it sequentially whatever the transposes and
    ///   strides were; the B block stays in L2.
    /// - Cache blocking: k-slices of at most `kcMax` (balanced so the last one
    ///   is not a sliver), column blocks of `ncMax` (B block 128 × 512 × 4
    ///   bytes = 256 KB, within Zen 4's 1 MB L2); 512 measured faster than 256
    ///   or 2048 at 1024³.
    /// - Small m with an untransposed B (rollout inference, 8 × 507 · 507 × 64)
    ///   reads B in place instead of packing it: B would be used by only one
    ///   or two row panels, so packing it would cost as much as the product.
    ///   Its k-slices are 64 deep so that the rows of B being read (64 × 256
    ///   bytes for n = 64) stay in L1 next to the A panel.
    ///
    /// Packing buffers are per-thread and reused (BLAS+Scratch.swift), so a
    /// call allocates nothing in steady state.
    enum SwiftGEMM {
        static let mr = 12
        static let nr = 4
        static let kcMax = 128
        static let ncMax = 512  // a multiple of nr
        /// B is read in place (not packed) when it is untransposed and m is at most this.
        static let directBMaxRows = 2 * mr
        /// Shorter k-slices on the direct-B path, so that the slice of B
        /// being read in place stays in L1 next to the A panel.
        static let directKcMax = 64

        typealias Quad = SIMD4<Float>

        static func gemm(
            transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
            alpha: Float, a: UnsafePointer<Float>, lda: Int,
            b: UnsafePointer<Float>, ldb: Int,
            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
        ) {
            if m == 0 || n == 0 { return }
            if k == 0 || alpha == 0 {
                scale(m: m, n: n, beta: beta, c: c, ldc: ldc)
                return
            }
            let directB = !transposeB && m <= directBMaxRows
            let kcLimit = directB ? directKcMax : kcMax
            let kcBlocks = (k + kcLimit - 1) / kcLimit
            let kcTile = (k + kcBlocks - 1) / kcBlocks
            let ncTile = Swift.min(ncMax, roundUp(n, nr))
            let aCount = mr * kcTile * 4  // one pre-broadcast panel
            let bCount = directB ? kcTile * nr : kcTile * ncTile

            let aPack = Scratch.buffer(count: aCount + bCount)
            let bPack = aPack + aCount
            var jc = 0
            while jc < n {
                let nc = Swift.min(ncTile, n - jc)
                var pc = 0
                while pc < k {
                    let kc = Swift.min(kcTile, k - pc)
                    let blockBeta: Float = pc == 0 ? beta : 1
                    if !directB {
                        var jr = 0
                        while jr < nc {
                            packB(
                                transposed: transposeB, b: b, ldb: ldb, k0: pc, kc: kc, j0: jc + jr,
                                cols: Swift.min(nr, nc - jr), into: bPack + jr * kc)
                            jr += nr
                        }
                    }
                    var ir = 0
                    while ir < m {
                        let rows = Swift.min(mr, m - ir)
                        packA(transposed: transposeA, a: a, lda: lda, i0: ir, rows: rows, k0: pc, kc: kc, into: aPack)
                        var jr = 0
                        while jr < nc {
                            let cols = Swift.min(nr, nc - jr)
                            let bPanel: UnsafePointer<Float>
                            let bStride: Int
                            if !directB {
                                bPanel = UnsafePointer(bPack + jr * kc)
                                bStride = nr
                            } else if cols == nr {
                                bPanel = b + pc * ldb + jc + jr
                                bStride = ldb
                            } else {
                                packB(
                                    transposed: false, b: b, ldb: ldb, k0: pc, kc: kc, j0: jc + jr, cols: cols,
                                    into: bPack)
                                bPanel = UnsafePointer(bPack)
                                bStride = nr
                            }
                            microKernel(
                                kc: kc, a: UnsafePointer(aPack), b: bPanel, bStride: bStride,
                                c: c + ir * ldc + jc + jr, ldc: ldc,
                                rows: rows, cols: cols, alpha: alpha, beta: blockBeta)
                            jr += nr
                        }
                        ir += mr
                    }
                    pc += kc
                }
                jc += nc
            }
        }

        @inline(__always)
        static func roundUp(_ x: Int, _ multiple: Int) -> Int {
            (x + multiple - 1) / multiple * multiple
        }

        /// C ← β·C (β == 0 writes zeros, ignoring NaNs in C).
        static func scale(m: Int, n: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
            if beta == 1 { return }
            for i in 0..<m {
                let row = c + i * ldc
                if beta == 0 {
                    row.update(repeating: 0, count: n)
                } else {
                    for j in 0..<n { row[j] *= beta }
                }
            }
        }

        /// Copies rows i0..<i0+rows, columns k0..<k0+kc of op(A) into one mr-row
        /// panel, k-major and pre-broadcast: the SIMD4 at float offset
        /// `(p * mr + r) * 4` holds op(A)[i0 + r, k0 + p] four times. Rows past
        /// `rows` (up to the kernel height that will read them) are zero.
        @inline(__always)
        static func packA(
            transposed: Bool, a: UnsafePointer<Float>, lda: Int, i0: Int, rows: Int, k0: Int, kc: Int,
            into dst: UnsafeMutablePointer<Float>
        ) {
            let out = UnsafeMutableRawPointer(dst)
            let quad = MemoryLayout<Quad>.stride
            let kStep = mr &* quad
            let padded = Swift.min(mr, roundUp(rows, 4))  // the rows the kernel will read
            if transposed {
                // op(A)[i, p] = A[p, i]: each k step reads `rows` contiguous floats.
                var src = a + k0 * lda + i0
                var o = out
                for _ in 0..<kc {
                    for r in 0..<padded {
                        o.storeBytes(of: Quad(repeating: r < rows ? src[r] : 0), toByteOffset: r &* quad, as: Quad.self)
                    }
                    src += lda
                    o += kStep
                }
            } else {
                for r in 0..<padded {
                    var o = out + r &* quad
                    if r < rows {
                        let src = a + (i0 + r) * lda + k0
                        for p in 0..<kc {
                            o.storeBytes(of: Quad(repeating: src[p]), as: Quad.self)
                            o += kStep
                        }
                    } else {
                        for _ in 0..<kc {
                            o.storeBytes(of: Quad(), as: Quad.self)
                            o += kStep
                        }
                    }
                }
            }
        }

        /// Copies rows k0..<k0+kc, columns j0..<j0+cols of op(B) into one
        /// nr-column panel: `dst[p * nr + j] = op(B)[k0 + p, j0 + j]`; columns
        /// past `cols` are zero.
        @inline(__always)
        static func packB(
            transposed: Bool, b: UnsafePointer<Float>, ldb: Int, k0: Int, kc: Int, j0: Int, cols: Int,
            into dst: UnsafeMutablePointer<Float>
        ) {
            if transposed {
                // op(B)[p, j] = B[j, p]: each column of the panel is a contiguous row of B.
                for j in 0..<nr {
                    if j < cols {
                        let src = b + (j0 + j) * ldb + k0
                        for p in 0..<kc { dst[p &* nr &+ j] = src[p] }
                    } else {
                        for p in 0..<kc { dst[p &* nr &+ j] = 0 }
                    }
                }
            } else {
                var src = b + k0 * ldb + j0
                var out = UnsafeMutableRawPointer(dst)
                if cols == nr {
                    for _ in 0..<kc {
                        out.storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: Quad.self), as: Quad.self)
                        src += ldb
                        out += MemoryLayout<Quad>.stride
                    }
                } else {
                    for _ in 0..<kc {
                        var v = Quad()
                        for j in 0..<cols { v[j] = src[j] }
                        out.storeBytes(of: v, as: Quad.self)
                        src += ldb
                        out += MemoryLayout<Quad>.stride
                    }
                }
            }
        }

        /// C[0..<rows, 0..<cols] ← α·(Apanel · Bpanel) + β·C for one tile of
        /// at most mr × nr. `a` is a packed, pre-broadcast A panel; `b` points
        /// at nr contiguous floats per k step, `bStride` apart (a packed
        /// panel, or B itself when it is read in place).
        @inline(__always)
        static func microKernel(
            kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, bStride: Int,
            c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, cols: Int, alpha: Float, beta: Float
        ) {
            if rows > 8 {
                microKernel(Height12.self, kc: kc, a: a, b: b, bStride: bStride, c: c, ldc: ldc, rows: rows, cols: cols, alpha: alpha, beta: beta)
            } else if rows > 4 {
                microKernel(Height8.self, kc: kc, a: a, b: b, bStride: bStride, c: c, ldc: ldc, rows: rows, cols: cols, alpha: alpha, beta: beta)
            } else {
                microKernel(Height4.self, kc: kc, a: a, b: b, bStride: bStride, c: c, ldc: ldc, rows: rows, cols: cols, alpha: alpha, beta: beta)
            }
        }

        /// A panel height as a type, so that each height gets its own
        /// specialised kernel with the row count a compile-time constant.
        /// (A plain `height: Int` argument left the `height > 4` tests inside
        /// the k loop whenever the optimiser chose not to inline the kernel.)
        protocol PanelHeight { static var height: Int { get } }
        enum Height12: PanelHeight { static var height: Int { 12 } }
        enum Height8: PanelHeight { static var height: Int { 8 } }
        enum Height4: PanelHeight { static var height: Int { 4 } }

        /// The kernel body for one panel height (12, 8 or 4; the branches on
        /// it fold away in each specialisation).
        @inline(never)
        static func microKernel<H: PanelHeight>(
            _: H.Type, kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, bStride: Int,
            c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, cols: Int, alpha: Float, beta: Float
        ) {
            let height = H.height
            var c0 = Quad(), c1 = Quad(), c2 = Quad(), c3 = Quad()
            var c4 = Quad(), c5 = Quad(), c6 = Quad(), c7 = Quad()
            var c8 = Quad(), c9 = Quad(), c10 = Quad(), c11 = Quad()
            var pa = UnsafeRawPointer(a)
            var pb = UnsafeRawPointer(b)
            let bStep = bStride &* MemoryLayout<Float>.stride
            let aStep = mr &* MemoryLayout<Quad>.stride
            for _ in 0..<kc {
                let bv = pb.loadUnaligned(as: Quad.self)
                c0 += bv * pa.load(fromByteOffset: 0, as: Quad.self)
                c1 += bv * pa.load(fromByteOffset: 16, as: Quad.self)
                c2 += bv * pa.load(fromByteOffset: 32, as: Quad.self)
                c3 += bv * pa.load(fromByteOffset: 48, as: Quad.self)
                if height > 4 {
                    c4 += bv * pa.load(fromByteOffset: 64, as: Quad.self)
                    c5 += bv * pa.load(fromByteOffset: 80, as: Quad.self)
                    c6 += bv * pa.load(fromByteOffset: 96, as: Quad.self)
                    c7 += bv * pa.load(fromByteOffset: 112, as: Quad.self)
                }
                if height > 8 {
                    c8 += bv * pa.load(fromByteOffset: 128, as: Quad.self)
                    c9 += bv * pa.load(fromByteOffset: 144, as: Quad.self)
                    c10 += bv * pa.load(fromByteOffset: 160, as: Quad.self)
                    c11 += bv * pa.load(fromByteOffset: 176, as: Quad.self)
                }
                pa += aStep
                pb += bStep
            }
            if rows == height && cols == nr {
                store(c0, to: c, alpha: alpha, beta: beta)
                store(c1, to: c + ldc, alpha: alpha, beta: beta)
                store(c2, to: c + 2 * ldc, alpha: alpha, beta: beta)
                store(c3, to: c + 3 * ldc, alpha: alpha, beta: beta)
                if height > 4 {
                    store(c4, to: c + 4 * ldc, alpha: alpha, beta: beta)
                    store(c5, to: c + 5 * ldc, alpha: alpha, beta: beta)
                    store(c6, to: c + 6 * ldc, alpha: alpha, beta: beta)
                    store(c7, to: c + 7 * ldc, alpha: alpha, beta: beta)
                }
                if height > 8 {
                    store(c8, to: c + 8 * ldc, alpha: alpha, beta: beta)
                    store(c9, to: c + 9 * ldc, alpha: alpha, beta: beta)
                    store(c10, to: c + 10 * ldc, alpha: alpha, beta: beta)
                    store(c11, to: c + 11 * ldc, alpha: alpha, beta: beta)
                }
            } else {
                var tile = (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11)
                withUnsafeBytes(of: &tile) { raw in
                    let t = raw.baseAddress!.assumingMemoryBound(to: Float.self)
                    for r in 0..<rows {
                        let row = c + r * ldc
                        for j in 0..<cols {
                            let v = alpha * t[r * nr + j]
                            row[j] = beta == 0 ? v : v + beta * row[j]
                        }
                    }
                }
            }
        }

        /// One full row of a tile: C ← α·v + β·C (β == 0 ignores C).
        @inline(__always)
        static func store(_ v: Quad, to p: UnsafeMutablePointer<Float>, alpha: Float, beta: Float) {
            let raw = UnsafeMutableRawPointer(p)
            if beta == 0 {
                raw.storeBytes(of: v * alpha, as: Quad.self)
            } else if beta == 1 {
                raw.storeBytes(of: raw.loadUnaligned(as: Quad.self) + v * alpha, as: Quad.self)
            } else {
                raw.storeBytes(of: raw.loadUnaligned(as: Quad.self) * beta + v * alpha, as: Quad.self)
            }
        }
    }
}
