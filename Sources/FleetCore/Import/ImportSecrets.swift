/// Secret values on their way from an imported OpenClaw config into manifests.
public enum ImportSecrets {
    /// The encryption seam of `fleet import`: every secret the importer writes into a manifest
    /// (channel tokens, app tokens, signing secrets) passes through this one function, and the
    /// manifest holds exactly what it returns.
    ///
    /// It returns `value` unchanged for now, so imported manifests hold plaintext credentials;
    /// once fleet's secrets support lands, this function returns the encrypted envelope instead
    /// and no other importer code changes.
    ///
    /// - Parameters:
    ///   - bot: the bot (agent id) the secret belongs to.
    ///   - field: the manifest path of the value, e.g. `channels.telegram.default.botToken`
    ///     (the same form as ``SecretFile/field`` and the renderer's `openSecret`).
    ///   - value: the plaintext from the OpenClaw config.
    public static func seal(bot: String, field: String, value: String) -> String {
        value
    }
}
