import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import TestSupport
@testable import Plotting

final class HTMLReportTests: XCTestCase {
    func testWritesSelfContainedPage() throws {
        let dir = try TemporaryDirectory()
        let report = HTMLReport(
            title: "Sweep <width> & seeds",
            settings: [("env", "fourrooms"), ("hidden", "64,64"), ("note", "a < b")],
            figures: [
                .init(title: "Return vs env steps", file: "return-vs-steps.svg", caption: "mean over 3 seeds, band = min–max"),
                .init(title: "Success", file: "success rate.svg"),
            ])
        let path = try report.write(toDirectory: dir.path)
        XCTAssertEqual(path, dir.file("index.html"))
        let html = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("<title>Sweep &lt;width&gt; &amp; seeds</title>"))
        XCTAssertTrue(html.contains("<img src=\"return-vs-steps.svg\""))
        XCTAssertTrue(html.contains("<img src=\"success%20rate.svg\""))
        XCTAssertTrue(html.contains("<td class=\"value\">a &lt; b</td>"))
        XCTAssertTrue(html.contains("mean over 3 seeds, band = min–max"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("http://") || html.contains("https://"))
        // Everything but the doctype is well-formed XML as written.
        let body = html.replacingOccurrences(of: "<!DOCTYPE html>", with: "")
            .replacingOccurrences(of: "<meta charset=\"utf-8\">", with: "<meta charset=\"utf-8\"/>")
            .replacingOccurrences(of: "initial-scale=1\">", with: "initial-scale=1\"/>")
            .replacingOccurrences(of: "\"></a>", with: "\"/></a>")
        XCTAssertTrue(XMLParser(data: Data(body.utf8)).parse())
        XCTAssertEqual(try dir.contents(), ["index.html"])
    }
}
