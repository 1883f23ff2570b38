/// The `tensorflow.Event` messages a `TensorBoardWriter` writes, and the
/// little it needs to read back. From TensorFlow's `event.proto` and
/// `summary.proto`:
///
///     message Event   { double wall_time = 1; int64 step = 2;
///                       oneof what { string file_version = 3; Summary summary = 5; ... } }
///     message Summary { repeated Value value = 1; }
///     message Summary.Value { string tag = 1; oneof value { float simple_value = 2; ... } }
enum TensorBoardEvent {
    /// What the first event of every file says; TensorBoard reads version 2
    /// as "restarts are marked by SessionLog.START, not by steps going back".
    static let fileVersion = "brain.Event:2"

    /// The event that opens a file.
    static func header(wallTime: Double) -> [UInt8] {
        var event = ProtobufEncoder()
        event.append(field: 1, double: wallTime)
        event.append(field: 3, string: fileVersion)
        return event.bytes
    }

    /// One step's scalars in one Summary (TensorBoard files each under its tag).
    static func scalars(step: Int64, wallTime: Double, _ values: [(tag: String, value: Float)]) -> [UInt8] {
        var summary = ProtobufEncoder()
        for (tag, value) in values {
            var entry = ProtobufEncoder()
            entry.append(field: 1, string: tag)
            entry.append(field: 2, float: value)
            summary.append(field: 1, message: entry)
        }
        var event = ProtobufEncoder()
        event.append(field: 1, double: wallTime)
        event.append(field: 2, int64: step)
        event.append(field: 5, message: summary)
        return event.bytes
    }

    /// An event's step (0 when absent, as in protobuf) and whether it is a
    /// file-version header; nil for bytes that are not a well-formed message.
    static func stepAndKind(_ data: ArraySlice<UInt8>) -> (step: Int64, isHeader: Bool)? {
        var reader = ProtobufReader(data)
        var step: Int64 = 0
        var isHeader = false
        while let (field, value) = reader.next() {
            switch (field, value) {
            case let (2, .varint(raw)): step = Int64(bitPattern: raw)
            case (3, .lengthDelimited): isHeader = true
            default: break
            }
        }
        return reader.isMalformed ? nil : (step, isHeader)
    }
}
