import Autograd
import XCTest

@testable import GAN

final class EvaluationTranslationTests: XCTestCase {
    func testShiftMovesPixelsAndFillsTheBorderWithTheBackground() {
        // One 3×3 image with background −1 and values 1...4 in the top-left 2×2 block.
        let image = Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, -1, 3, 4, -1, -1, -1, -1])
        let moved = RandomTranslation.apply(image, shifts: [(dx: 1, dy: 1)])
        XCTAssertEqual(moved.scalars, [-1, -1, -1, -1, 1, 2, -1, 3, 4])
        let back = RandomTranslation.apply(moved, shifts: [(dx: -1, dy: -1)])
        XCTAssertEqual(back.scalars, image.scalars)
        XCTAssertEqual(RandomTranslation.apply(image, shifts: [(dx: 0, dy: 0)]).scalars, image.scalars)
    }

    func testShiftsStayInRangeAndRepeatForTheSameKey() {
        let a = RandomTranslation.shifts(maxShift: 2, seed: 1, epoch: 3, positions: 0..<500)
        let b = RandomTranslation.shifts(maxShift: 2, seed: 1, epoch: 3, positions: 100..<200)
        XCTAssertTrue(a.allSatisfy { (-2...2).contains($0.dx) && (-2...2).contains($0.dy) })
        XCTAssertEqual(Set(a.map { "\($0.dx),\($0.dy)" }).count, 25)
        XCTAssertEqual(a[100..<200].map(\.dx), b.map(\.dx))
        XCTAssertEqual(a[100..<200].map(\.dy), b.map(\.dy))
    }
}
