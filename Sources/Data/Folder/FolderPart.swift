/// What one rank decoded of a folder: for each of its files, the square image at the
/// dataset's resolution in the file's own channels, or why it failed. Parts travel
/// between ranks as bytes (`encoded`), so every rank can assemble the whole dataset.
public struct FolderPart: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Planar [channels, side, side] bytes.
        case image(channels: Int, planes: [UInt8])
        case failed(reason: String)
    }

    /// Index of the file in the folder's listing, and its outcome.
    public var files: [(index: Int, outcome: Outcome)]

    public init(files: [(index: Int, outcome: Outcome)] = []) {
        self.files = files
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.files.count == b.files.count && zip(a.files, b.files).allSatisfy { $0.index == $1.index && $0.outcome == $1.outcome }
    }

    /// Per file: index (8 bytes), kind (0 image, 1 failure), channels or message length (8 bytes), payload.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, outcome) in files {
            bytes += littleEndian(index)
            switch outcome {
            case let .image(channels, planes):
                bytes += [0] + littleEndian(channels) + planes
            case let .failed(reason):
                let text = Array(reason.utf8)
                bytes += [1] + littleEndian(text.count) + text
            }
        }
        return bytes
    }

    /// Reads `encoded()` bytes back; `side` is the dataset's resolution.
    public init(encoded bytes: [UInt8], side: Int) {
        var files: [(index: Int, outcome: Outcome)] = []
        var offset = 0
        func integer() -> Int {
            defer { offset += 8 }
            return (0..<8).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        while offset < bytes.count {
            let index = integer()
            let kind = bytes[offset]
            offset += 1
            let number = integer()
            let length = kind == 0 ? number * side * side : number
            let payload = Array(bytes[offset..<(offset + length)])
            offset += length
            files.append((index, kind == 0 ? .image(channels: number, planes: payload) : .failed(reason: String(decoding: payload, as: UTF8.self))))
        }
        self.files = files
    }

    private func littleEndian(_ value: Int) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
