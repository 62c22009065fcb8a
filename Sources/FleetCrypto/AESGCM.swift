import CCrypto

/// AES-256-GCM through OpenSSL's EVP interface. One instance owns one `EVP_CIPHER_CTX` (freed in
/// `deinit`) and may be reused for many operations; it is not thread-safe, so give each thread
/// its own (or use the static helpers, which make one per call).
public final class AES256GCM {
    /// Key length in bytes.
    public static let keySize = 32
    /// Nonce length in bytes (96 bits, the size GCM is designed for).
    public static let nonceSize = 12
    /// Tag length in bytes.
    public static let tagSize = 16

    private let context: OpaquePointer

    /// Creates a cipher context.
    public init() throws(CryptoError) {
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.openSSL("EVP_CIPHER_CTX_new") }
        context = ctx
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// Encrypts `plaintext` under `key` with `nonce`, authenticating `aad` too.
    /// Returns the ciphertext (same length as the plaintext) and the 16-byte tag.
    public func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = [])
        throws(CryptoError) -> (ciphertext: [UInt8], tag: [UInt8])
    {
        try check(key: key, nonce: nonce)
        defer { EVP_CIPHER_CTX_reset(context) }
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1 else {
            throw CryptoError.openSSL("EVP_EncryptInit_ex")
        }
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1 else {
            throw CryptoError.openSSL("EVP_CTRL_GCM_SET_IVLEN")
        }
        guard EVP_EncryptInit_ex(context, nil, nil, key, nonce) == 1 else { throw CryptoError.openSSL("EVP_EncryptInit_ex") }
        var length: Int32 = 0
        if !aad.isEmpty {
            guard EVP_EncryptUpdate(context, nil, &length, aad, Int32(aad.count)) == 1 else {
                throw CryptoError.openSSL("EVP_EncryptUpdate (AAD)")
            }
        }
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        var total = 0
        if !plaintext.isEmpty {
            let rc = out.withUnsafeMutableBufferPointer { EVP_EncryptUpdate(context, $0.baseAddress, &length, plaintext, Int32(plaintext.count)) }
            guard rc == 1 else { throw CryptoError.openSSL("EVP_EncryptUpdate") }
            total = Int(length)
        }
        let rc = out.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { EVP_EncryptFinal_ex(context, $0 + total, &length) } ?? 0 }
        guard rc == 1 else { throw CryptoError.openSSL("EVP_EncryptFinal_ex") }
        total += Int(length)
        var tag = [UInt8](repeating: 0, count: Self.tagSize)
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagSize), &tag) == 1 else {
            throw CryptoError.openSSL("EVP_CTRL_GCM_GET_TAG")
        }
        return (Array(out.prefix(total)), tag)
    }

    /// Decrypts and authenticates; throws `.authenticationFailed` when the tag does not match
    /// (wrong key or AAD, or a changed ciphertext, nonce or tag). No plaintext is returned then.
    public func open(_ ciphertext: [UInt8], key: [UInt8], nonce: [UInt8], tag: [UInt8], aad: [UInt8] = [])
        throws(CryptoError) -> [UInt8]
    {
        try check(key: key, nonce: nonce)
        guard tag.count == Self.tagSize else {
            throw CryptoError(.invalidTag, "AES-256-GCM needs a \(Self.tagSize)-byte tag, got \(tag.count) bytes")
        }
        defer { EVP_CIPHER_CTX_reset(context) }
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1 else {
            throw CryptoError.openSSL("EVP_DecryptInit_ex")
        }
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1 else {
            throw CryptoError.openSSL("EVP_CTRL_GCM_SET_IVLEN")
        }
        guard EVP_DecryptInit_ex(context, nil, nil, key, nonce) == 1 else { throw CryptoError.openSSL("EVP_DecryptInit_ex") }
        var length: Int32 = 0
        if !aad.isEmpty {
            guard EVP_DecryptUpdate(context, nil, &length, aad, Int32(aad.count)) == 1 else {
                throw CryptoError.openSSL("EVP_DecryptUpdate (AAD)")
            }
        }
        var out = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var total = 0
        if !ciphertext.isEmpty {
            let rc = out.withUnsafeMutableBufferPointer { EVP_DecryptUpdate(context, $0.baseAddress, &length, ciphertext, Int32(ciphertext.count)) }
            guard rc == 1 else { throw CryptoError.openSSL("EVP_DecryptUpdate") }
            total = Int(length)
        }
        var tagCopy = tag
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagSize), &tagCopy) == 1 else {
            throw CryptoError.openSSL("EVP_CTRL_GCM_SET_TAG")
        }
        let rc = out.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { EVP_DecryptFinal_ex(context, $0 + total, &length) } ?? 0 }
        guard rc == 1 else {
            // Clear the partial plaintext and OpenSSL's queue (a tag mismatch queues nothing useful).
            for i in out.indices { out[i] = 0 }
            ERR_clear_error()
            throw CryptoError(.authenticationFailed, "authentication failed: wrong key, or the value, nonce, tag or its bot/field binding was changed")
        }
        total += Int(length)
        return Array(out.prefix(total))
    }

    private func check(key: [UInt8], nonce: [UInt8]) throws(CryptoError) {
        guard key.count == Self.keySize else {
            throw CryptoError(.invalidKey, "AES-256-GCM needs a \(Self.keySize)-byte key, got \(key.count) bytes")
        }
        guard nonce.count == Self.nonceSize else {
            throw CryptoError(.invalidNonce, "fleet uses \(Self.nonceSize)-byte (96-bit) GCM nonces, got \(nonce.count) bytes")
        }
    }

    /// Encrypts with a fresh random 96-bit nonce; returns (nonce, ciphertext, tag).
    public static func seal(_ plaintext: [UInt8], key: [UInt8], aad: [UInt8]) throws(CryptoError)
        -> (nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8])
    {
        let nonce = try SecureRandom.bytes(nonceSize)
        let (ciphertext, tag) = try AES256GCM().seal(plaintext, key: key, nonce: nonce, aad: aad)
        return (nonce, ciphertext, tag)
    }

    /// Decrypts with a context made for the call.
    public static func open(_ ciphertext: [UInt8], key: [UInt8], nonce: [UInt8], tag: [UInt8], aad: [UInt8])
        throws(CryptoError) -> [UInt8]
    {
        try AES256GCM().open(ciphertext, key: key, nonce: nonce, tag: tag, aad: aad)
    }
}
