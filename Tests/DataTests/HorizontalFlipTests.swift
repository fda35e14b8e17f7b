import Autograd
import Data
import XCTest

final class HorizontalFlipTests: XCTestCase {
    /// Sample i is [2, 2, 3]: values 100·i + position.
    private final class Ramp: ImageDataset {
        let name = "ramp"
        let count: Int? = 64
        let sampleShape = [2, 2, 3]
        let labels: [Int]? = nil
        let pixelRange = PixelRange.unit
        func batch(at indices: [Int]) -> Tensor {
            Tensor(shape: [indices.count, 2, 2, 3], scalars: indices.flatMap { i in (0..<12).map { Float(100 * i + $0) } })
        }
    }

    func testRowsAreMirroredOrNotByStepAndGlobalRowWhicheverRankDrawsThem() {
        let flipped = HorizontallyFlipped(Ramp(), seed: 5)
        let indices = Array(10..<42)
        let whole = flipped.trainingBatch(at: indices, step: 3, firstRow: 0).scalars
        // Split as three ranks split a batch of 32: 11, 11 and 10 rows.
        var pieces: [Float] = []
        for (start, end) in [(0, 11), (11, 22), (22, 32)] {
            pieces += flipped.trainingBatch(at: Array(indices[start..<end]), step: 3, firstRow: start).scalars
        }
        XCTAssertEqual(pieces, whole)

        let plain = Ramp().batch(at: indices).scalars
        var mirrored = 0
        for row in 0..<32 {
            let got = Array(whole[(row * 12)..<((row + 1) * 12)])
            let original = Array(plain[(row * 12)..<((row + 1) * 12)])
            let reversedRows = stride(from: 0, to: 12, by: 3).flatMap { original[$0..<($0 + 3)].reversed() }
            if got == reversedRows { mirrored += 1 } else { XCTAssertEqual(got, original, "row \(row) is either mirrored or unchanged") }
        }
        XCTAssertGreaterThan(mirrored, 8)
        XCTAssertLessThan(mirrored, 24)
        XCTAssertNotEqual(flipped.trainingBatch(at: indices, step: 4, firstRow: 0).scalars, whole, "another step, other coins")
        XCTAssertEqual(flipped.batch(at: indices).scalars, plain, "evaluation batches are not flipped")
        XCTAssertEqual(Ramp().trainingBatch(at: indices, step: 3, firstRow: 0).scalars, plain, "no augmentation by default")
    }
}
