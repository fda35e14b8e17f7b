import Autograd
import Foundation
import MPI
import XCTest

@testable import Training

/// The 16-bit wire formats: conversions agree with IEEE rounding, and a compressed sum
/// across ranks is each rank's rounded gradient added in float32, bitwise the same on
/// every rank.
final class GradientCompressionTests: XCTestCase {
    func testHalfPrecisionWideningIsExactForEveryBitPattern() {
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let got = HalfFloat.widen(bits)
            XCTAssertTrue(got.bitPattern == expected.bitPattern || (got.isNaN && expected.isNaN), "0x\(String(bits, radix: 16))")
        }
    }

    func testHalfPrecisionNarrowingRoundsToNearestEvenLikeFloat16() {
        var values: [Float] = [0, -0.0, 1, -1, 65504, 65519.99, 65520, 1e6, 6.1035156e-5, 6.0e-5, 5.9604645e-8, 2.9802322e-8, 2.9802326e-8, 1e-10,
                               .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 1 + 1.0 / 2048, 1 + 3.0 / 2048]
        var state: UInt32 = 12345
        for _ in 0..<200_000 {
            state = state &* 1_664_525 &+ 1_013_904_223
            values.append(Float(bitPattern: state))
        }
        for value in values where !value.isNaN {
            XCTAssertEqual(HalfFloat.float16(value), Float16(value).bitPattern, "\(value)")
        }
        let nan = HalfFloat.float16(.nan)
        XCTAssertTrue(Float16(bitPattern: nan).isNaN)
    }

    func testBFloat16KeepsTheTopBitsRoundedToNearestEven() {
        XCTAssertEqual(HalfFloat.bfloat16(1), 0x3F80)
        XCTAssertEqual(HalfFloat.bfloat16(Float(bitPattern: 0x3F80_8000)), 0x3F80, "a tie rounds to the even neighbour")
        XCTAssertEqual(HalfFloat.bfloat16(Float(bitPattern: 0x3F81_8000)), 0x3F82, "a tie rounds to the even neighbour")
        XCTAssertEqual(HalfFloat.bfloat16(Float(bitPattern: 0x3F80_8001)), 0x3F81)
        XCTAssertEqual(HalfFloat.bfloat16(-.infinity), 0xFF80)
        XCTAssertEqual(HalfFloat.bfloat16(.greatestFiniteMagnitude), 0x7F80, "rounds up to infinity")
        XCTAssertTrue(Float(bitPattern: UInt32(HalfFloat.bfloat16(.nan)) << 16).isNaN)
    }

    private static let shapes: [[Int]] = [[40], [7, 3], [13]]

    private static func gradient(_ rank: Int, _ index: Int) -> Tensor {
        let count = shapes[index].reduce(1, *)
        return Tensor(shape: shapes[index], scalars: (0..<count).map { Float(sin(Double($0 * 13 + index * 7 + rank * 101))) * 3.7e-3 })
    }

    func testACompressedSumIsEveryRanksRoundedGradientAddedInFloat32OnEveryRank() throws {
        let (shapes, gradient, total) = (Self.shapes, Self.gradient, 74)
        for compression in [GradientCompression.fp16, .bf16] {
            for split in UpdateSplit.allCases {
                let results = try ThreadGroup.run(ranks: 3) { comm -> [Float] in
                    let network = try parameterNetwork(shapes, comm: comm)
                    let updater = try makeUpdater(comm, CommunicationSettings(bucketBytes: 64, compression: compression, split: split))
                    let gradients = shapes.indices.map { gradient(comm.rank, $0) }
                    try updater.sumGradients(of: linearLoss(network.parameters.named, gradients: gradients, order: [0, 1, 2]), networks: [network])
                    return network.parameters.gradients.scalars
                }
                // Each rank's gradient rounded to 16 bits, widened, added in rank order in float32.
                func roundTrip(_ values: [Float]) -> [Float] {
                    var halves = [UInt16](repeating: 0, count: total)
                    var back = [Float](repeating: 0, count: total)
                    compression.narrow(values, into: &halves, count: total)
                    compression.widen(halves, into: &back, count: total)
                    return back
                }
                let rounded = (0..<3).map { rank in roundTrip(shapes.indices.flatMap { gradient(rank, $0).scalars }) }
                let sums = (0..<total).map { i in (rounded[0][i] + rounded[1][i]) + rounded[2][i] }
                XCTAssertNotEqual(roundTrip(sums), sums, "the test needs sums that 16 bits cannot hold")
                let shares = BalancedSplit.ranges(parts: 3, total: total)
                for rank in 0..<3 {
                    if split == .sharded {
                        XCTAssertEqual(Array(results[rank][shares[rank]]), Array(sums[shares[rank]]), "\(compression) sharded rank \(rank)")
                    } else {
                        // The owner of each part rounds its float32 sum to 16 bits once more for the allgather.
                        XCTAssertEqual(results[rank], roundTrip(sums), "\(compression) replicated rank \(rank)")
                    }
                }
            }
        }
    }
}
