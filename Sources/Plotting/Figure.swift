/// Several plots in one SVG, laid out in a grid (small multiples), e.g.
/// return and success rate against env steps side by side, so related
/// curves are read together and at the same scale of attention.
public struct Figure: Sendable {
    public var title: String?
    public var panels: [LinePlot]
    /// Panels per row; rows fill left to right, top to bottom.
    public var columns: Int

    /// `columns` defaults to all panels in one row, up to three.
    public init(title: String? = nil, panels: [LinePlot], columns: Int? = nil) {
        self.title = title
        self.panels = panels
        self.columns = max(1, columns ?? min(3, max(1, panels.count)))
    }

    /// A standalone SVG 1.1 document. Each grid cell is as large as the
    /// largest panel.
    public func svg() -> String {
        let cellWidth = panels.map(\.width).max() ?? 560
        let cellHeight = panels.map(\.height).max() ?? 360
        let rows = max(1, (panels.count + columns - 1) / columns)
        let titleHeight = title == nil ? 0.0 : 30.0
        let width = cellWidth * Double(min(columns, max(1, panels.count)))
        let height = titleHeight + cellHeight * Double(rows)

        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\" viewBox=\"0 0 \(svgNumber(width)) \(svgNumber(height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        if let title {
            out += "<text class=\"figure-title\" x=\"\(svgNumber(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\(xmlEscaped(title))</text>\n"
        }
        for (i, panel) in panels.enumerated() {
            let x = cellWidth * Double(i % columns)
            let y = titleHeight + cellHeight * Double(i / columns)
            out += panel.svgGroup(x: x, y: y, id: "p\(i)")
        }
        out += "</svg>\n"
        return out
    }
}
