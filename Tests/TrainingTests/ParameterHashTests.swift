import Autograd
import XCTest

@testable import Training

final class ParameterHashTests: XCTestCase {
    func testEqualTensorsHashEqually() {
        let a = [Tensor(shape: [2, 2], scalars: [1, -2, 3.5, 0]), Tensor([0.25])]
        let b = [Tensor(shape: [2, 2], scalars: [1, -2, 3.5, 0]), Tensor([0.25])]
        XCTAssertEqual(parameterHash(a), parameterHash(b))
    }

    func testOneFlippedBitChangesTheHash() {
        let values: [Float] = [1, -2, 3.5, 0, 0.1]
        let reference = parameterHash([Tensor(values)])
        for index in values.indices {
            for bit in [0, 22, 31] {
                var flipped = values
                flipped[index] = Float(bitPattern: values[index].bitPattern ^ (1 << UInt32(bit)))
                XCTAssertNotEqual(parameterHash([Tensor(flipped)]), reference, "element \(index), bit \(bit)")
            }
        }
    }

    func testNegativeZeroDiffersFromZero() {
        XCTAssertNotEqual(parameterHash([Tensor([0])]), parameterHash([Tensor([-0.0])]))
    }

    /// FNV-1a 64 over the little-endian float bytes, values from a Python implementation.
    func testHashMatchesFNV1aOverTheFloatBytes() {
        XCTAssertEqual(parameterHash([]), -3_750_763_034_362_895_579)
        XCTAssertEqual(parameterHash([Tensor([1])]), 5_436_486_313_599_315_864)
        XCTAssertEqual(parameterHash([Tensor([1]), Tensor(shape: [1, 2], scalars: [-2.5, 0])]), 68_584_691_790_581_624)
    }
}
