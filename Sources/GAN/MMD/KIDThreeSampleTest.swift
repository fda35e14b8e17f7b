import Foundation

/// The relative test of Bińkowski et al. (2018): is generated set Y closer to the real
/// features X than an earlier generated set Z? It estimates MMD²(X, Y) − MMD²(X, Z)
/// (the X-X term cancels) and the variance of that estimate from U-statistics of
/// the kernel sums, and reports their ratio: very negative when Y is clearly closer.
public enum KIDThreeSampleTest {
    /// The estimated difference MMD²(X, Y) − MMD²(X, Z) and its ratio to the estimated
    /// standard deviation (the variance floored at 1e-5, as the reference does).
    public static func compare(newer y: KIDSums, older z: KIDSums) -> (difference: Double, statistic: Double) {
        let m = Double(y.count)
        let (ty, tz) = (Terms(y), Terms(z))
        let muYY = ty.sumYY / (m * (m - 1)), muZZ = tz.sumYY / (m * (m - 1))
        let muXY = ty.sumXY / (m * m), muXZ = tz.sumXY / (m * m)
        let crossY = dot(y.offDiagonalRowSumsYY, y.sumsOverRealXY) / (m * m * (m - 1))
        let crossZ = dot(z.offDiagonalRowSumsYY, z.sumsOverRealXY) / (m * m * (m - 1))
        let sharedX = dot(y.sumsOverGeneratedXY, z.sumsOverGeneratedXY) / (m * m * m)
        let difference = muYY - 2 * muXY - muZZ + 2 * muXZ
        let firstOrder = 4 * (m - 2) / (m * (m - 1)) * (
            ty.rowSquares(m) - muYY * muYY + ty.realRowSquares(m) - muXY * muXY + ty.generatedRowSquares(m) - muXY * muXY
            + tz.rowSquares(m) - muZZ * muZZ + tz.realRowSquares(m) - muXZ * muXZ + tz.generatedRowSquares(m) - muXZ * muXZ
            - 2 * crossY + 2 * muYY * muXY - 2 * sharedX + 2 * muXY * muXZ - 2 * crossZ + 2 * muZZ * muXZ)
        let secondOrder = 2 / (m * (m - 1)) * (
            y.offDiagonalSquaresYY / (m * (m - 1)) - muYY * muYY + 2 * y.squaresXY / (m * m) - 2 * muXY * muXY
            + z.offDiagonalSquaresYY / (m * (m - 1)) - muZZ * muZZ + 2 * z.squaresXY / (m * m) - 2 * muXZ * muXZ
            - 4 * crossY + 4 * muYY * muXY - 4 * sharedX + 4 * muXY * muXZ - 4 * crossZ + 4 * muZZ * muXZ)
        let variance = firstOrder + secondOrder
        return (difference, difference / max(variance, 1e-5).squareRoot())
    }

    /// Φ(statistic), the standard normal CDF: above the threshold the newer set is not
    /// confidently better than the older.
    public static func pValue(_ statistic: Double) -> Double {
        0.5 * erfc(-statistic / 2.0.squareRoot())
    }

    /// The per-set pieces of the variance estimate.
    private struct Terms {
        let sums: KIDSums
        let sumYY: Double
        let sumXY: Double

        init(_ sums: KIDSums) {
            self.sums = sums
            sumYY = sums.offDiagonalRowSumsYY.reduce(0, +)
            sumXY = sums.sumsOverRealXY.reduce(0, +)
        }

        /// E over y of (mean over other y' of k(y, y'))², without the i = j terms.
        func rowSquares(_ m: Double) -> Double {
            (dot(sums.offDiagonalRowSumsYY, sums.offDiagonalRowSumsYY) - sums.offDiagonalSquaresYY) / (m * (m - 1) * (m - 2))
        }

        /// E over x of (mean over y of k(x, y))².
        func realRowSquares(_ m: Double) -> Double {
            (dot(sums.sumsOverGeneratedXY, sums.sumsOverGeneratedXY) - sums.squaresXY) / (m * m * (m - 1))
        }

        /// E over y of (mean over x of k(x, y))².
        func generatedRowSquares(_ m: Double) -> Double {
            (dot(sums.sumsOverRealXY, sums.sumsOverRealXY) - sums.squaresXY) / (m * m * (m - 1))
        }
    }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
}
