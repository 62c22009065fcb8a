/// Charts drawn on the server as SVG (no script, no library).
enum Charts {
    /// A 24-point sparkline.
    static func sparkline(_ values: [Int], label: String) -> String {
        let width = 96.0, height = 20.0
        let top = Double(max(values.max() ?? 0, 1))
        let step = values.count > 1 ? width / Double(values.count - 1) : width
        let points = values.enumerated().map { i, v in
            "\(fmt(Double(i) * step)),\(fmt(height - 1 - Double(v) / top * (height - 2)))"
        }.joined(separator: " ")
        return "<svg class=\"spark\" width=\"96\" height=\"20\" viewBox=\"0 0 96 20\" role=\"img\" aria-label=\"\(esc(label))\"><polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"\(points)\"/></svg>"
    }

    /// Bars per hour over 24 hours, with the largest value on the axis.
    static func bars(_ values: [Int], title: String, cssClass: String) -> String {
        let width = 480.0, height = 120.0, left = 30.0, bottom = 18.0
        let top = max(values.max() ?? 0, 1)
        let slot = (width - left) / Double(max(values.count, 1))
        var out = "<figure class=\"chart\"><figcaption>\(esc(title))</figcaption>"
        let total = values.reduce(0, +)
        out += "<svg viewBox=\"0 0 480 120\" role=\"img\" aria-label=\"\(esc(title)): \(total) in 24 hours, at most \(values.max() ?? 0) in one hour\">"
        out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(height - bottom))\" x2=\"480\" y2=\"\(fmt(height - bottom))\" class=\"axis\"/>"
        out += "<text x=\"0\" y=\"10\" class=\"tick\">\(top)</text><text x=\"0\" y=\"\(fmt(height - bottom))\" class=\"tick\">0</text>"
        out += "<text x=\"\(fmt(left))\" y=\"118\" class=\"tick\">-24h</text><text x=\"440\" y=\"118\" class=\"tick\">now</text>"
        for (i, v) in values.enumerated() where v > 0 {
            let h = Double(v) / Double(top) * (height - bottom - 6)
            out += "<rect class=\"\(cssClass)\" x=\"\(fmt(left + Double(i) * slot + 1))\" y=\"\(fmt(height - bottom - h))\" width=\"\(fmt(slot - 2))\" height=\"\(fmt(h))\"><title>\(v) in hour \(i - 23 == 0 ? "now" : "\(i - 23)h")</title></rect>"
        }
        return out + "</svg></figure>"
    }

    static func fmt(_ v: Double) -> String {
        let scaled = (v * 10).rounded() / 10
        return scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
    }
}
