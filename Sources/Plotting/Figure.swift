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

    /// The panels drawn: a panel whose points take a single x or y value
    /// (`LinePlot.isDegenerate`) carries no information and is left out.
    public var drawnPanels: [LinePlot] { leavesOutDegenerate ? panels.filter { !$0.isDegenerate } : panels }
    /// False only for a lone `LinePlot.svg()`, which draws what it is given.
    var leavesOutDegenerate = true

    /// The figure title's lines: wrapped at the figure's width (16 px bold,
    /// ~0.64 em a character), so that it stays inside the canvas.
    func titleLines(width: Double) -> [String] {
        guard let title else { return [] }
        let chars = max(20, Int((width - 16) / (16 * 0.64)))
        var lines: [String] = [], current = ""
        for word in title.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > chars {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        return current.isEmpty ? lines : lines + [current]
    }

    /// The size of the document and each panel's origin in it.
    public func layout() -> (width: Double, height: Double, origins: [(x: Double, y: Double)], titleLines: [String]) {
        let shown = drawnPanels
        let sizes = shown.map(\.drawnSize)
        let cellWidth = sizes.map(\.width).max() ?? 560
        let cellHeight = sizes.map(\.height).max() ?? 360
        let columns = min(self.columns, max(1, shown.count))
        let rows = max(1, (shown.count + columns - 1) / columns)
        let width = cellWidth * Double(columns)
        let lines = titleLines(width: width)
        let titleHeight = lines.isEmpty ? 0.0 : 10 + 22 * Double(lines.count)
        let origins = shown.indices.map { i in (x: cellWidth * Double(i % columns), y: titleHeight + cellHeight * Double(i / columns)) }
        return (width, titleHeight + cellHeight * Double(rows), origins, lines)
    }

    /// Every text of the figure in document coordinates: the title's lines
    /// and each drawn panel's `textBoxes()`.
    public func textBoxes() -> [TextBox] {
        let l = layout()
        var boxes: [TextBox] = []
        for (i, line) in l.titleLines.enumerated() {
            let w = TextBox.width(line, fontSize: 16, bold: true)
            let baseline = 24 + 22 * Double(i)
            boxes.append(TextBox(text: line, role: "figure-title", minX: l.width / 2 - w / 2, minY: baseline - 13, maxX: l.width / 2 + w / 2, maxY: baseline + 4))
        }
        for (panel, origin) in zip(drawnPanels, l.origins) {
            boxes += panel.textBoxes().map { b in
                TextBox(text: b.text, role: b.role, minX: b.minX + origin.x, minY: b.minY + origin.y, maxX: b.maxX + origin.x, maxY: b.maxY + origin.y)
            }
        }
        return boxes
    }

    /// A standalone SVG 1.1 document. Each grid cell is as large as the
    /// largest panel.
    public func svg() -> String {
        let l = layout()
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(svgNumber(l.width))\" height=\"\(svgNumber(l.height))\" viewBox=\"0 0 \(svgNumber(l.width)) \(svgNumber(l.height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        for (i, line) in l.titleLines.enumerated() {
            out += "<text class=\"figure-title\" x=\"\(svgNumber(l.width / 2))\" y=\"\(svgNumber(24 + 22 * Double(i)))\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\(xmlEscaped(line))</text>\n"
        }
        for (i, (panel, origin)) in zip(drawnPanels, l.origins).enumerated() {
            out += panel.svgGroup(x: origin.x, y: origin.y, id: "p\(i)")
        }
        out += "</svg>\n"
        return out
    }
}
