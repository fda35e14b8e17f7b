import CJPEG
#if canImport(Glibc)
    import Glibc
#endif

/// Encodes an 8-bit grayscale or RGB image as a baseline JPEG with libjpeg-turbo
/// (the tests make their JPEG files with it).
public enum JPEGEncoder {
    /// The JPEG file's bytes; `pixels` are rows top to bottom, channels side by side.
    public static func encode(_ image: DecodedImage, quality: Int = 90) throws(ImageDecodeError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tandem_jpeg_encode(
                pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(image.channels), Int32(min(max(quality, 1), 100)),
                &output, &size, &message, message.count)
        }
        guard status == 0, let output else {
            throw ImageDecodeError("JPEG encoding failed: " + String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { free(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
