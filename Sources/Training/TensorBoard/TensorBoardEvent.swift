import Formats
/// The encoded `tensorflow.Event` messages Tandem writes (field numbers from
/// tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto).
enum TensorBoardEvent {
    /// The version string TensorBoard expects in a file's first event.
    static let fileVersion = "brain.Event:2"

    /// Event { wall_time = 1, file_version = 3 }: the first record of every event file.
    static func fileVersion(wallTime: Double) -> [UInt8] {
        var event = ProtobufEncoder()
        event.double(1, wallTime)
        event.string(3, fileVersion)
        return event.bytes
    }

    /// Event { wall_time, step, summary = 5 { value = 1 { tag = 1, simple_value = 2 } } }.
    static func scalar(tag: String, value: Float, step: Int, wallTime: Double) -> [UInt8] {
        var summaryValue = ProtobufEncoder()
        summaryValue.string(1, tag)
        summaryValue.float(2, value)
        return summary(summaryValue, step: step, wallTime: wallTime)
    }

    /// Event { wall_time, step, summary { value { tag, image = 4 { height = 1, width = 2, colorspace = 3, encoded_image_string = 4 } } } }.
    static func image(tag: String, png: [UInt8], width: Int, height: Int, colorspace: Int, step: Int, wallTime: Double) -> [UInt8] {
        var image = ProtobufEncoder()
        image.integer(1, height)
        image.integer(2, width)
        image.integer(3, colorspace)
        image.bytes(4, png)
        var summaryValue = ProtobufEncoder()
        summaryValue.string(1, tag)
        summaryValue.message(4, image)
        return summary(summaryValue, step: step, wallTime: wallTime)
    }

    private static func summary(_ value: ProtobufEncoder, step: Int, wallTime: Double) -> [UInt8] {
        var summary = ProtobufEncoder()
        summary.message(1, value)
        var event = ProtobufEncoder()
        event.double(1, wallTime)
        event.integer(2, step)
        event.message(5, summary)
        return event.bytes
    }
}
