/// The range 8-bit pixels are mapped onto, chosen to match the generator's output activation.
public enum PixelRange: String, Sendable, CaseIterable {
    /// [0, 1]: v / 255, for sigmoid outputs.
    case unit
    /// [-1, 1]: v / 127.5 - 1, for tanh outputs.
    case symmetric

    /// Lowest and highest value a pixel can take.
    public var bounds: ClosedRange<Float> {
        switch self {
        case .unit: return 0...1
        case .symmetric: return -1...1
        }
    }

    /// The value of 8-bit pixel `byte`.
    @inline(__always)
    public func value(_ byte: UInt8) -> Float {
        switch self {
        case .unit: return Float(byte) / 255
        case .symmetric: return Float(byte) / 127.5 - 1
        }
    }

    /// All 256 pixel values, so conversions are one table lookup per byte.
    var table: [Float] { (0...255).map { value(UInt8($0)) } }
}
