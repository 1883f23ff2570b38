import RunStorage
import Foundation

/// A single `index.html` that presents a run's or a sweep's figures with the
/// settings that produced them, so results can be read (and shared) without
/// any tooling: plain HTML and inline CSS, no scripts, nothing fetched from
/// the network. Figures are referenced as `<img>` files next to the page,
/// so the SVGs stay usable on their own (papers, slides).
public struct HTMLReport: Sendable {
    /// One figure: an SVG file in the same directory as the page.
    public struct FigureEntry: Sendable {
        public var title: String
        /// Relative path of the SVG, e.g. `return-vs-steps.svg`.
        public var file: String
        public var caption: String

        public init(title: String, file: String, caption: String = "") {
            self.title = title
            self.file = file
            self.caption = caption
        }
    }

    public var title: String
    /// Shown as a two-column table, in this order.
    public var settings: [(key: String, value: String)]
    public var figures: [FigureEntry]

    public init(title: String, settings: [(key: String, value: String)] = [], figures: [FigureEntry] = []) {
        self.title = title
        self.settings = settings
        self.figures = figures
    }

    /// The page as HTML5 text.
    public func html() -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(xmlEscaped(title))</title>
        <style>
        body { font-family: Helvetica, Arial, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.4; }
        table { border-collapse: collapse; margin-bottom: 2em; }
        th, td { text-align: left; padding: 0.25em 1em 0.25em 0; border-bottom: 1px solid #ddd; vertical-align: top; }
        td.value { font-family: Menlo, Consolas, monospace; }
        figure { margin: 0 0 2.5em 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
        figcaption { color: #555; margin-top: 0.4em; }
        </style>
        </head>
        <body>
        <h1>\(xmlEscaped(title))</h1>

        """
        if !settings.isEmpty {
            out += "<h2>Settings</h2>\n<table>\n"
            for (key, value) in settings {
                out += "<tr><th scope=\"row\">\(xmlEscaped(key))</th><td class=\"value\">\(xmlEscaped(value))</td></tr>\n"
            }
            out += "</table>\n"
        }
        for figure in figures {
            let source = figure.file.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? figure.file
            out += "<figure>\n<h2>\(xmlEscaped(figure.title))</h2>\n"
            out += "<a href=\"\(xmlEscaped(source))\"><img src=\"\(xmlEscaped(source))\" alt=\"\(xmlEscaped(figure.title))\"></a>\n"
            if !figure.caption.isEmpty {
                out += "<figcaption>\(xmlEscaped(figure.caption))</figcaption>\n"
            }
            out += "</figure>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    /// Writes `index.html` into `directory`, atomically; returns its path.
    @discardableResult
    public func write(toDirectory directory: String) throws(FileError) -> String {
        let path = directory.hasSuffix("/") ? directory + "index.html" : directory + "/index.html"
        try AtomicFile.write(html(), to: path)
        return path
    }
}
