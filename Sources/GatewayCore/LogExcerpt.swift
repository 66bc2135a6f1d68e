extension String {
    /// The first `limit` bytes of text a client or peer chose, cut at a character and marked
    /// with how many bytes were left out, so that one value cannot fill the log. (The log
    /// formats escape control characters themselves.)
    func logExcerpt(limit: Int = 256) -> String {
        let utf8 = self.utf8
        guard utf8.count > limit else { return self }
        var end = utf8.index(utf8.startIndex, offsetBy: limit)
        // Back to the first byte of the character the limit falls in.
        while end > utf8.startIndex, utf8[end] & 0xC0 == 0x80 {
            end = utf8.index(before: end)
        }
        let kept = String(self[..<end])
        return "\(kept)…(+\(utf8.count - kept.utf8.count) bytes)"
    }
}
