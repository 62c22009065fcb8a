/// Manifest texts the tests start from.
public enum ManifestText {
    /// A minimal valid bot manifest (one Telegram channel); `spec` lines are appended under `spec:`.
    public static func bot(_ name: String, spec: String = "") -> String {
        """
        apiVersion: fleet/v1
        kind: Bot
        metadata:
          name: \(name)
        spec:
          channels:
            - type: telegram
              credentials: {botToken: "t-\(name)"}
        \(spec)
        """
    }
}
