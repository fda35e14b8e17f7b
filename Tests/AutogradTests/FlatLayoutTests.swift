import Autograd
import XCTest

/// The flat layout against a hand-computed case: offsets, rank shares that cut
/// through tensors with uneven sizes, the tensor owning each element, and segments.
final class FlatLayoutTests: XCTestCase {
    // Tensors of 6, 4, 0, 3 and 1 elements: offsets 0, 6, 10, 10, 13; 14 in all.
    private let layout = FlatLayout(names: ["w", "b", "empty", "v", "s"], shapes: [[2, 3], [4], [0, 5], [3], []])

    func testOffsetsAndCount() {
        XCTAssertEqual(layout.offsets, [0, 6, 10, 10, 13])
        XCTAssertEqual(layout.count, 14)
        XCTAssertEqual(layout.elements(of: 1), 6..<10)
        XCTAssertEqual(layout.elements(of: 2), 10..<10)
    }

    func testSharesAreContiguousAndDifferByAtMostOne() {
        // 14 = 5 + 5 + 4 on three ranks; 4 + 4 + 3 + 3 on four.
        XCTAssertEqual(layout.shares(ranks: 3), [0..<5, 5..<10, 10..<14])
        XCTAssertEqual(layout.shares(ranks: 4), [0..<4, 4..<8, 8..<11, 11..<14])
        XCTAssertEqual(layout.share(rank: 1, of: 4), 4..<8)
        XCTAssertEqual(layout.shares(ranks: 1), [0..<14])
    }

    func testEveryElementBelongsToTheTensorThatHoldsIt() {
        let owners = (0..<14).map { layout.names[layout.index(ofElement: $0)] }
        XCTAssertEqual(owners, ["w", "w", "w", "w", "w", "w", "b", "b", "b", "b", "v", "v", "v", "s"])
    }

    func testSegmentsOfAShareCutThroughTensors() {
        let segments = layout.segments(in: 4..<11)
        XCTAssertEqual(segments.map(\.index), [0, 1, 3])
        XCTAssertEqual(segments.map(\.local), [4..<6, 0..<4, 0..<1])
        XCTAssertEqual(segments.map(\.flat), [4..<6, 6..<10, 10..<11])
    }

    func testBalancedSplitMatchesTheSamplerShards() {
        XCTAssertEqual(BalancedSplit.ranges(parts: 3, total: 64), [0..<22, 22..<43, 43..<64])
        XCTAssertEqual(BalancedSplit.ranges(parts: 5, total: 3), [0..<1, 1..<2, 2..<3, 3..<3, 3..<3])
    }

    func testRelocatedTensorsBecomeViewsOfTheBufferAndKeepTheirValues() {
        let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]).requiringGrad()
        let b = Tensor([5, 6]).requiringGrad()
        let buffer = Tensor.zeros([6])
        a.relocate(into: buffer, at: 0)
        b.relocate(into: buffer, at: 4)
        XCTAssertEqual(buffer.scalars, [1, 2, 3, 4, 5, 6])
        XCTAssertTrue(a.isView(of: buffer) && b.isView(of: buffer))
        XCTAssertTrue(a.requiresGrad)
        buffer.withMutableScalars { $0[5] = 60 }
        XCTAssertEqual(b.scalars, [5, 60], "a write to the buffer is a write to the tensor")
        b.withMutableScalars { $0[0] = 50 }
        XCTAssertEqual(buffer.scalars, [1, 2, 3, 4, 50, 60], "and the other way round")
    }
}
