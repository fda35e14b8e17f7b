import Formats
import Plot
import Data
import Foundation
import Training
import XCTest

final class TensorBoardTests: XCTestCase {
    private var directory: URL!
    private let start = Date(timeIntervalSince1970: 1_700_000_000)

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-tensorboard-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testCRC32CGivesTheStandardCheckValueAndMasksAsTFRecordDoes() {
        let check = Array("123456789".utf8)
        XCTAssertEqual(TensorBoardTestCRC.crc32c(check), 0xE306_9283, "the test's own bitwise CRC-32C")
        XCTAssertEqual(CRC32C.checksum(check), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum(check.suffix(5), continuing: CRC32C.checksum(check.prefix(4))), 0xE306_9283, "in pieces")
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
        XCTAssertEqual(CRC32C.masked(0xE306_9283), 0xC78A_B0E5)
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        XCTAssertEqual(CRC32C.checksum(bytes), TensorBoardTestCRC.crc32c(bytes))
    }

    func testTFRecordFrameIsLengthThenMaskedChecksumsAroundTheData() {
        // Masked checksums of the length and of [1, 2, 3], computed with a Python CRC-32C.
        XCTAssertEqual(TFRecord.frame([1, 2, 3]), [
            3, 0, 0, 0, 0, 0, 0, 0, 0xB0, 0x99, 0x49, 0x0E,
            1, 2, 3, 0x39, 0xCD, 0xC0, 0x86,
        ])
    }

    func testEventFileStartsWithTheFileVersionRecordAndHoldsScalarsWithTagsValuesAndSteps() throws {
        let writer = try TensorBoardWriter(directory: directory.appendingPathComponent("tensorboard"), now: start, hostname: "node7")
        XCTAssertEqual(writer.file.lastPathComponent, "events.out.tfevents.1700000000.node7")
        XCTAssertEqual(writer.file.deletingLastPathComponent().lastPathComponent, "tensorboard", "the directory is created")
        try writer.addScalar(tag: "loss", value: 0.25, step: 3, wallTime: Date(timeIntervalSince1970: 1.5))
        try writer.addScalar(tag: "loss/generator", value: -1.75, step: 3, wallTime: start)
        try writer.addScalar(tag: "loss/critic", value: 1e-3, step: 40_000, wallTime: start)
        try writer.addScalar(tag: "before_start", value: 7, step: -1, wallTime: start)
        try writer.flush()

        let events = try TensorBoardTestEvent.readAll(writer.file)
        XCTAssertEqual(events.count, 5)
        XCTAssertEqual(events[0].fileVersion, "brain.Event:2")
        XCTAssertEqual(events[0].wallTime, 1_700_000_000)
        XCTAssertTrue(events[0].values.isEmpty)
        // Byte for byte what Python's protobuf serializes for these two events (tensorboard.compat.proto.event_pb2).
        XCTAssertEqual(events[0].raw, [9, 0, 0, 0, 64, 252, 84, 217, 65, 26, 13] + Array("brain.Event:2".utf8))
        XCTAssertEqual(events[1].raw, [9, 0, 0, 0, 0, 0, 0, 248, 63, 16, 3, 42, 13, 10, 11, 10, 4, 108, 111, 115, 115, 21, 0, 0, 128, 62])

        XCTAssertEqual(events.dropFirst().map(\.step), [3, 3, 40_000, -1])
        XCTAssertEqual(events.dropFirst().map { $0.values.first?.tag }, ["loss", "loss/generator", "loss/critic", "before_start"])
        XCTAssertEqual(events.dropFirst().map { $0.values.first?.scalar }, [0.25, -1.75, 1e-3, 7])
        XCTAssertEqual(events[1].wallTime, 1.5)
        XCTAssertEqual(events[2].wallTime, 1_700_000_000)
        XCTAssertTrue(events.dropFirst().allSatisfy { $0.fileVersion == nil && $0.values.count == 1 && $0.values[0].image == nil })
    }

    func testImageEventCarriesThePNGBytesWithItsSizeAndColorspace() throws {
        let writer = try TensorBoardWriter(directory: directory, now: start, hostname: "host")
        let rgb = PNGEncoder(width: 3, height: 2, colorType: .rgb, pixels: (0..<18).map { UInt8($0 * 10) })
        let gray = PNGEncoder(width: 4, height: 1, colorType: .gray, pixels: [0, 80, 160, 240])
        try writer.addImage(tag: "samples", image: rgb, step: 100, wallTime: start)
        try writer.addImage(tag: "img", png: [9, 8, 7], width: 3, height: 2, colorspace: .rgb, step: -1, wallTime: Date(timeIntervalSince1970: 2))
        try writer.addImage(tag: "gray", image: gray, step: 101, wallTime: start)
        try writer.flush()

        let events = try TensorBoardTestEvent.readAll(writer.file)
        XCTAssertEqual(events.count, 4)
        let first = try XCTUnwrap(events[1].values.first?.image)
        XCTAssertEqual(events[1].values.first?.tag, "samples")
        XCTAssertEqual(events[1].step, 100)
        XCTAssertEqual([first.height, first.width, first.colorspace], [2, 3, 3])
        XCTAssertEqual(first.png, rgb.encoded())
        XCTAssertEqual(Array(first.png.prefix(8)), PNGEncoder.signature)
        // Byte for byte what Python's protobuf serializes for this event.
        XCTAssertEqual(events[2].raw, [
            9, 0, 0, 0, 0, 0, 0, 0, 64, 16, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1,
            42, 20, 10, 18, 10, 3, 105, 109, 103, 34, 11, 8, 2, 16, 3, 24, 3, 34, 3, 9, 8, 7,
        ])
        let grayImage = try XCTUnwrap(events[3].values.first?.image)
        XCTAssertEqual([grayImage.height, grayImage.width, grayImage.colorspace], [1, 4, 1])
        XCTAssertNil(events[3].values.first?.scalar)
    }

    func testRecordsReachTheFileOnFlushAndWhenTheWriterGoesAway() throws {
        var writer: TensorBoardWriter? = try TensorBoardWriter(directory: directory, now: start, hostname: "host")
        let file = try XCTUnwrap(writer?.file)
        XCTAssertEqual(try TensorBoardTestEvent.readAll(file).count, 1, "the file-version record is written at once")
        try writer?.addScalar(tag: "a", value: 1, step: 1)
        XCTAssertEqual(try TensorBoardTestEvent.readAll(file).count, 1, "scalars wait in the buffer")
        try writer?.flush()
        XCTAssertEqual(try TensorBoardTestEvent.readAll(file).count, 2)
        try writer?.addScalar(tag: "a", value: 2, step: 2)
        writer = nil
        let events = try TensorBoardTestEvent.readAll(file)
        XCTAssertEqual(events.count, 3, "deinit flushes")
        XCTAssertEqual(events[2].values.first?.scalar, 2)
    }

    func testBufferPastTheThresholdIsWrittenWithoutAFlush() throws {
        let writer = try TensorBoardWriter(directory: directory, now: start, hostname: "host")
        writer.flushThreshold = 200
        // Each of these records is 42 bytes: the fifth passes the threshold and the buffer is written.
        for step in 0..<7 { try writer.addScalar(tag: "loss", value: Double(step), step: step) }
        XCTAssertEqual(try TensorBoardTestEvent.readAll(writer.file).count, 1 + 5)
        try writer.flush()
        XCTAssertEqual(try TensorBoardTestEvent.readAll(writer.file).count, 1 + 7)
    }

    func testSecondFileInTheSameSecondGetsASuffixInsteadOfReplacingTheFirst() throws {
        let first = try TensorBoardWriter(directory: directory, now: start, hostname: "host")
        try first.addScalar(tag: "kept", value: 1, step: 1)
        try first.flush()
        let second = try TensorBoardWriter(directory: directory, now: start, hostname: "host")
        XCTAssertEqual(second.file.lastPathComponent, "events.out.tfevents.1700000000.host.1")
        XCTAssertEqual(try TensorBoardTestEvent.readAll(first.file).count, 2)
    }

    func testUncreatableDirectoryIsAOneLineErrorNamingIt() throws {
        let blocker = directory.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let target = blocker.appendingPathComponent("tensorboard")
        XCTAssertThrowsError(try TensorBoardWriter(directory: target, now: start)) { error in
            guard case let .cannotCreate(path, _)? = error as? TensorBoardError else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(path, target.path)
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("cannot create TensorBoard event file \(target.path): "), text)
            XCTAssertFalse(text.contains("\n"))
        }
    }
}
