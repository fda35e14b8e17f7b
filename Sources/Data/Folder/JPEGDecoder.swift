import CJPEG
#if canImport(Glibc)
    import Glibc
#endif

/// JPEG files through libjpeg-turbo: grayscale files stay grayscale, every other
/// colour space comes out as RGB. Corrupt or truncated data (which libjpeg only
/// warns about, filling the missing rows) counts as a failure.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8]) throws(ImageDecodeError) -> DecodedImage {
        var pixels: UnsafeMutablePointer<UInt8>?
        var (width, height, channels): (Int32, Int32, Int32) = (0, 0, 0)
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { data in
            tandem_jpeg_decode(
                data.baseAddress, UInt(data.count), UInt(DecodedImage.maximumPixels), &pixels, &width, &height, &channels,
                &message, message.count)
        }
        guard status == 0, let pixels else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageDecodeError("JPEG: " + (text.isEmpty ? "libjpeg could not read the file" : text))
        }
        defer { free(pixels) }
        let count = Int(width) * Int(height) * Int(channels)
        return DecodedImage(
            width: Int(width), height: Int(height), channels: Int(channels), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }
}
