import Tensor

/// Weight initialisers.
public enum Initialization {
    /// A [rows, columns] matrix with orthonormal rows or columns (whichever
    /// are fewer) scaled by `gain` — PyTorch's `orthogonal_`, the init CleanRL
    /// uses: Gram–Schmidt on a Gaussian matrix in Float64, which yields the QR
    /// factor with a positive diagonal in R, hence a uniformly random
    /// orthogonal matrix.
    public static func orthogonal<G: RandomNumberGenerator>(
        rows: Int, columns: Int, gain: Double, rng: inout G
    ) -> Tensor {
        let tall = rows >= columns
        let n = tall ? rows : columns  // length of each orthonormal vector
        let k = tall ? columns : rows  // how many of them
        var q = [Double](repeating: 0, count: n * k)  // vector j at q[j*n ..< (j+1)*n]
        for i in q.indices { q[i] = gaussian(&rng) }
        for j in 0..<k {
            for p in 0..<j {
                var dot = 0.0
                for i in 0..<n { dot += q[j * n + i] * q[p * n + i] }
                for i in 0..<n { q[j * n + i] -= dot * q[p * n + i] }
            }
            var norm = 0.0
            for i in 0..<n { norm += q[j * n + i] * q[j * n + i] }
            norm = norm.squareRoot()
            for i in 0..<n { q[j * n + i] /= norm }
        }
        var w = Tensor(zeros: [rows, columns])
        for r in 0..<rows {
            for c in 0..<columns {
                // Tall: vectors are columns; wide: vectors are rows.
                w[r, c] = Float(gain * (tall ? q[c * n + r] : q[r * n + c]))
            }
        }
        return w
    }

    /// A standard normal draw (Box–Muller), from the generator's raw bits so
    /// that the sequence is fixed by the generator alone.
    static func gaussian<G: RandomNumberGenerator>(_ rng: inout G) -> Double {
        let u1 = (Double(rng.next() >> 11) + 1) * 0x1p-53  // (0, 1]
        let u2 = Double(rng.next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

import Foundation
