import Autograd
import NN
import XCTest

final class LayerNormTests: XCTestCase {
    private func makeLayerNorm() -> LayerNorm {
        let layer = LayerNorm(shape: [3])
        layer.weight.assign(Tensor([1, 2, 0.5]))
        layer.bias.assign(Tensor([0, 0.1, -0.1]))
        return layer
    }

    func testForwardMatchesPyTorch() {
        let y = makeLayerNorm()(Tensor(shape: [2, 3], scalars: [1, 2, 4, -1, 0, 3]))
        // Reference: torch.nn.LayerNorm([3]) with the same weight and bias.
        assertClose(y.scalars, [-1.0690414, -0.43452057, 0.56815088, -0.98057896, -0.68446308, 0.58640528], "LayerNorm")
        XCTAssertEqual(namesAndShapes(makeLayerNorm().stateDictionary()), ["weight [3]", "bias [3]"])
    }

    func testGradientsMatchFiniteDifferences() {
        ModuleGradientCheck().verify(makeLayerNorm(), input: normalTensor([2, 3], salt: 30))
    }
}
