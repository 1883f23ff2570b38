import Foundation

/// Progress for a person: on a terminal one line rewritten in place; when
/// stdout is a file or a pipe, a plain line every so often.
public struct Console: Sendable {
    public let isTerminal: Bool
    public let quiet: Bool

    public init(quiet: Bool = false) {
        isTerminal = isatty(STDOUT_FILENO) == 1
        self.quiet = quiet
    }

    public func line(_ text: String) {
        guard !quiet else { return }
        write((isTerminal ? "\r\u{1B}[2K" : "") + text + "\n")
    }

    /// One line on stderr, `--quiet` or not: something the user should know
    /// about a result that is still produced.
    public func warning(_ text: String) {
        FileHandle.standardError.write(Data("rltrain: warning: \(text)\n".utf8))
    }

    /// Unbuffered, so that progress shows at once even through a pipe.
    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// A status line: rewritten in place on a terminal, printed when `persist`
    /// is true otherwise.
    public func status(_ text: String, persist: Bool) {
        guard !quiet else { return }
        if isTerminal {
            write("\r\u{1B}[2K" + text)
        } else if persist {
            write(text + "\n")
        }
    }

    /// Ends a status line on a terminal.
    public func finishStatus() {
        if isTerminal && !quiet { write("\n") }
    }

    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    public static func count(_ n: Int) -> String {
        switch n {
        case 1_000_000...: String(format: "%.2fM", Double(n) / 1e6)
        case 10_000...: String(format: "%.0fk", Double(n) / 1e3)
        default: String(n)
        }
    }

    /// Right-aligns `text` in `width` characters (String(format:) cannot pad `%@`).
    public static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    public static func percent(_ x: Double) -> String { x.isFinite ? String(format: "%.1f%%", 100 * x) : "–" }
}
