import Foundation

/// A .npy file of `count` 28x28 uint8 images: blurry strokes, different per index.
func writeSyntheticDigits(count: Int, to url: URL) throws {
    var pixels = [UInt8](repeating: 0, count: count * 28 * 28)
    for i in 0..<count {
        for y in 0..<28 {
            for x in 0..<28 {
                let stroke = sin(Double(x) * 0.3 + Double(i)) * 6 + 14 - Double(y)
                pixels[i * 784 + y * 28 + x] = UInt8(max(0, min(255, 255 - abs(stroke) * 60)))
            }
        }
    }
    var header = "{'descr': '|u1', 'fortran_order': False, 'shape': (\(count), 28, 28), }"
    while (10 + header.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    data.append(contentsOf: withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian, Array.init))
    data.append(contentsOf: Array(header.utf8))
    data.append(contentsOf: pixels)
    try data.write(to: url)
}
