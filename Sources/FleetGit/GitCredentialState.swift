import CGit2
import FoundationEssentials
import Glibc

/// What the credentials callback of one fetch has tried so far (passed to libgit2 as the payload).
///
/// libgit2 calls the callback again after each rejected credential; this state makes it try the
/// ssh agent once, then each default key file once, then give up with a clear error.
final class GitCredentialState {
    /// How many ssh credentials were offered.
    var sshAttempts = 0
    /// Default private key files that exist, in the order they are tried.
    let keyFiles: [String]

    init() {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        keyFiles = ["id_ed25519", "id_ecdsa", "id_rsa"]
            .map { "\(home)/.ssh/\($0)" }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// The `git_credential_acquire_cb` body.
    static func acquire(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?, url: UnsafePointer<CChar>?,
        username: UnsafePointer<CChar>?, allowed: UInt32, payload: UnsafeMutableRawPointer?
    ) -> Int32 {
        guard let out, let payload else { return GIT_PASSTHROUGH.rawValue }
        let state = Unmanaged<GitCredentialState>.fromOpaque(payload).takeUnretainedValue()
        let user = username.map { String(cString: $0) } ?? "git"
        let remoteURL = url.map { String(cString: $0) } ?? "the remote"

        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            return git_credential_username_new(out, user)
        }
        if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
            let attempt = state.sshAttempts
            state.sshAttempts += 1
            if attempt == 0, ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"] != nil {
                return git_credential_ssh_key_from_agent(out, user)
            }
            let keyIndex = ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"] != nil ? attempt - 1 : attempt
            if keyIndex >= 0, keyIndex < state.keyFiles.count {
                let key = state.keyFiles[keyIndex]
                let publicKey = FileManager.default.fileExists(atPath: key + ".pub") ? key + ".pub" : nil
                return git_credential_ssh_key_new(out, user, publicKey, key, nil)
            }
            git_error_set_str(
                Int32(GIT_ERROR_SSH.rawValue),
                "ssh authentication to \(remoteURL) as '\(user)' failed: tried the ssh agent and "
                    + "\(state.keyFiles.isEmpty ? "no default keys (none in ~/.ssh)" : state.keyFiles.joined(separator: ", "))")
            return GIT_EAUTH.rawValue
        }
        git_error_set_str(
            Int32(GIT_ERROR_NET.rawValue),
            "\(remoteURL) asks for credentials fleet does not send (only ssh keys are supported); "
                + "use a public https URL or an ssh URL")
        return GIT_EAUTH.rawValue
    }
}
