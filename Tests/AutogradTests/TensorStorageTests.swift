import XCTest

@testable import Autograd

/// Which ways of making a tensor share memory and which copy it: the promises
/// an optimizer and a flat gradient buffer rely on.
final class TensorStorageTests: XCTestCase {
    func testCopyAndRequiringGradOwnTheirValues() {
        let x = Tensor([1, 2, 3])
        let copied = x.copy()
        let parameter = x.requiringGrad()
        x.withMutableScalars { $0[0] = 9 }
        XCTAssertEqual(copied.scalars, [1, 2, 3])
        XCTAssertEqual(parameter.scalars, [1, 2, 3])
        XCTAssertTrue(parameter.requiresGrad)
        XCTAssertFalse(copied.requiresGrad)
    }

    func testViewsWriteThroughToTheirBuffer() {
        let flat = Tensor.zeros([10])
        let first = flat.view(offset: 0, shape: [2, 2])
        let second = flat.view(offset: 4, shape: [3, 2])
        first.assign(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
        second.withMutableScalars { $0[5] = 7 }
        XCTAssertEqual(flat.scalars, [1, 2, 3, 4, 0, 0, 0, 0, 0, 7])
        XCTAssertEqual(second.view(offset: 5, shape: []).item, 7)
        XCTAssertFalse(first.requiresGrad)
    }

    func testFillingAnUninitializedTensor() {
        let t = Tensor.uninitialized([2, 3])
        t.withMutableScalars { for i in $0.indices { $0[i] = Float(i) } }
        XCTAssertEqual(t.scalars, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(Tensor(repeating: 2.5, shape: [2, 2]).scalars, [2.5, 2.5, 2.5, 2.5])
        XCTAssertEqual(Tensor(3).shape, [])
        XCTAssertEqual(Tensor(3).item, 3)
        XCTAssertEqual(Tensor.ones([2, 1, 2]).count, 4)
        XCTAssertEqual(Tensor.ones([2, 1, 2]).rank, 3)
    }

    func testAnOptimizerStyleInPlaceUpdateIsSeenByTheNextForwardPass() {
        let w = Tensor([1, 2]).requiringGrad()
        let x = Tensor([3, 4])
        XCTAssertEqual((w * x).sum().item, 11)
        w.withMutableScalars { $0[1] = 0 }
        XCTAssertEqual((w * x).sum().item, 3)
    }
}
