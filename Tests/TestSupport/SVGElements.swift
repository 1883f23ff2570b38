import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// Parses an SVG with Foundation's XMLParser: fails the test if the text is
/// not well-formed XML, otherwise returns every element with its attributes.
public final class SVGElements: NSObject, XMLParserDelegate {
    public private(set) var elements: [(name: String, attributes: [String: String])] = []
    public private(set) var text = ""

    public static func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> SVGElements {
        let collector = SVGElements()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        let ok = parser.parse()
        XCTAssertTrue(ok, "not well-formed: \(String(describing: parser.parserError))", file: file, line: line)
        return collector
    }

    public func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                       qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append((elementName, attributeDict))
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    public func count(_ name: String, class className: String? = nil) -> Int {
        elements.filter { $0.name == name && (className == nil || $0.attributes["class"] == className) }.count
    }

    public func all(_ name: String, class className: String) -> [[String: String]] {
        elements.filter { $0.name == name && $0.attributes["class"] == className }.map(\.attributes)
    }
}
