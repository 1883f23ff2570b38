/// RFC 4180 record splitting over raw bytes, shared by `CSVTable` (reading)
/// and `CSVWriter` (resuming, which must know where each record ends in
/// bytes in order to truncate the file there).
///
/// A record ends at a newline outside quotes; bytes after the last such
/// newline are an incomplete record — what a kill in the middle of a write
/// leaves — and are reported separately instead of being parsed.
enum CSVParser {
    struct Result {
        /// Complete records, header included.
        var records: [[String]] = []
        /// `recordEnds[i]` is the byte offset just past record i's newline.
        var recordEnds: [Int] = []
        /// Byte count of the incomplete last line (0 when the data ends with a newline).
        var trailingBytes = 0
    }

    static func parse(_ bytes: [UInt8]) -> Result {
        var result = Result()
        var record: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var wasQuoted = false
        var i = 0
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf: UInt8 = 10, cr: UInt8 = 13

        func endField() {
            if !wasQuoted, field.last == cr { field.removeLast() } // tolerate CRLF
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }

        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == quote {
                    if i + 1 < bytes.count, bytes[i + 1] == quote {
                        field.append(quote)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(b)
                }
            } else if b == quote, field.isEmpty, !wasQuoted {
                inQuotes = true
                wasQuoted = true
            } else if b == comma {
                endField()
            } else if b == lf {
                endField()
                result.records.append(record)
                result.recordEnds.append(i + 1)
                record.removeAll(keepingCapacity: true)
            } else {
                // Lenient: a stray quote inside an unquoted field is kept as text.
                field.append(b)
            }
            i += 1
        }
        result.trailingBytes = bytes.count - (result.recordEnds.last ?? 0)
        return result
    }
}
