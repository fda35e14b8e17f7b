import CPNG

/// PNG files through libpng's simplified API: any bit depth, palette or colour type
/// comes out as 8-bit grayscale (files without colour) or RGB; transparent pixels
/// are composited on white.
enum PNGDecoder {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func decode(_ bytes: [UInt8]) throws(ImageDecodeError) -> DecodedImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw ImageDecodeError("PNG: " + message(image)) }
        let (width, height) = (Int(image.width), Int(image.height))
        guard width * height <= DecodedImage.maximumPixels else {
            png_image_free(&image)
            throw ImageDecodeError("PNG: \(width)x\(height) pixels, more than the \(DecodedImage.maximumPixels) allowed")
        }
        let color = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        image.format = color ? UInt32(PNG_FORMAT_RGB) : UInt32(PNG_FORMAT_GRAY)
        let channels = color ? 3 : 1
        var pixels = [UInt8](repeating: 255, count: width * height * channels)
        var white = png_color(red: 255, green: 255, blue: 255)
        // finish_read frees libpng's state whether it succeeds or not.
        let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, &white, $0.baseAddress, 0, nil) }
        guard finished != 0 else { throw ImageDecodeError("PNG: " + message(image)) }
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// libpng's message for a failed read (a fixed-size C string inside the structure).
    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            let text = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            return text.isEmpty ? "libpng could not read the file" : text
        }
    }
}
