/// A figure of a report: the SVG file it is written to, and the title and
/// caption the HTML page shows with it.
public struct ReportFigure: Sendable {
    public var file: String
    public var title: String
    public var caption: String
    public var figure: Figure

    public init(file: String, title: String, caption: String, figure: Figure) {
        self.file = file
        self.title = title
        self.caption = caption
        self.figure = figure
    }
}
