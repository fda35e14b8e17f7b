import Data
import XCTest

final class SquareResamplingTests: XCTestCase {
    func testAWideImageIsCroppedToItsCentreThenBlockAveraged() {
        // 6 x 4 gray: the centred 4 x 4 square is columns 1...4; halving averages 2 x 2 blocks.
        let pixels: [UInt8] = (0..<24).map { UInt8($0 * 10) }
        let out = SquareResampling.centerCropResized(DecodedImage(width: 6, height: 4, channels: 1, pixels: pixels), side: 2)
        // Block (0,0): pixels (row 0: 10, 20; row 1: 70, 80) -> 45; (0,1): 30, 40, 90, 100 -> 65.
        XCTAssertEqual(out, [45, 65, 165, 185])
    }

    func testThreeToTwoWeighsPartialOverlapsByTheirArea() {
        // Output (0,0) covers source [0, 1.5) x [0, 1.5): weights 1, 0.5 per axis, divided by 2.25.
        let pixels: [UInt8] = [0, 90, 180, 30, 120, 210, 60, 150, 240]
        let out = SquareResampling.centerCropResized(DecodedImage(width: 3, height: 3, channels: 1, pixels: pixels), side: 2)
        let first = (0.0 * 1 + 90 * 0.5 + 30 * 0.5 + 120 * 0.25) / 2.25  // 40
        let last = (120.0 * 0.25 + 210 * 0.5 + 150 * 0.5 + 240 * 1) / 2.25  // 200
        XCTAssertEqual(out[0], UInt8(first.rounded()))
        XCTAssertEqual(out[3], UInt8(last.rounded()))
        XCTAssertEqual(out, [40, 160, 80, 200])
    }

    func testTallRGBImagesGivePlanarChannelsAndEnlargingRepeatsPixels() {
        // 2 x 4 RGB: the centred 2 x 2 square is rows 1...2; enlarged to 4 x 4 each pixel becomes a 2 x 2 block.
        var pixels: [UInt8] = []
        for k in 0..<8 { pixels += [UInt8(k), UInt8(100 + k), UInt8(200 + k)] }
        let out = SquareResampling.centerCropResized(DecodedImage(width: 2, height: 4, channels: 3, pixels: pixels), side: 4)
        XCTAssertEqual(out.count, 3 * 16)
        XCTAssertEqual(Array(out[0..<8]), [2, 2, 3, 3, 2, 2, 3, 3])
        XCTAssertEqual(Array(out[16..<20]), [102, 102, 103, 103])
        XCTAssertEqual(Array(out[44..<48]), [204, 204, 205, 205])
    }

    func testOverlapWeightsCoverEverySourcePixelOnce() {
        for (source, target) in [(3, 2), (64, 32), (100, 64), (17, 64), (5, 5)] {
            let weights = SquareResampling.overlapWeights(source: source, target: target)
            var total = [Int](repeating: 0, count: source)
            for taps in weights {
                XCTAssertEqual(taps.reduce(0) { $0 + $1.weight }, source)
                for (index, weight) in taps { total[index] += weight }
            }
            XCTAssertEqual(total, [Int](repeating: target, count: source), "\(source) -> \(target)")
        }
    }

    func testGrayAndRGBConversions() {
        // Luma with BT.601 weights: (299·R + 587·G + 114·B) / 1000, rounded.
        XCTAssertEqual(ChannelConversion.gray(fromRGB: [255, 0, 10, 0, 255, 20, 0, 0, 30]), [76, 150, 18])
        XCTAssertEqual(ChannelConversion.rgb(fromGray: [1, 2]), [1, 2, 1, 2, 1, 2])
        XCTAssertEqual(ChannelConversion.convert([7, 8], from: 1, to: 1), [7, 8])
    }
}
