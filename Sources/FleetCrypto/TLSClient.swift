import CCrypto
#if canImport(Glibc)
import Glibc
#endif

/// A TLS client connection over a connected, blocking TCP socket, through the system's OpenSSL:
/// the peer's certificate is verified against the system's trust store and its host name.
/// The socket's own timeouts (SO_RCVTIMEO, SO_SNDTIMEO) bound every read and write.
public final class TLSClient {
    private let context: OpaquePointer
    private let ssl: OpaquePointer

    /// Performs the handshake with `host` on `fd` (which stays owned by the caller).
    public init(fd: Int32, host: String) throws(CryptoError) {
        guard let method = TLS_client_method(), let context = SSL_CTX_new(method) else {
            throw CryptoError.openSSL("SSL_CTX_new", kind: .tls)
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard SSL_CTX_set_default_verify_paths(context) == 1, let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw CryptoError.openSSL("loading the system's trust store", kind: .tls)
        }
        self.context = context
        self.ssl = ssl
        guard SSL_set_fd(ssl, fd) == 1, fleet_ssl_set_sni(ssl, host) == 1, SSL_set1_host(ssl, host) == 1 else {
            throw CryptoError.openSSL("configuring TLS for \(host)", kind: .tls)
        }
        guard SSL_connect(ssl) == 1 else {
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                let reason = X509_verify_cert_error_string(verify).map { String(cString: $0) } ?? "unknown"
                throw CryptoError(.tls, "TLS certificate of \(host) not trusted: \(reason)")
            }
            throw CryptoError.openSSL("TLS handshake with \(host)", kind: .tls)
        }
    }

    deinit {
        SSL_shutdown(ssl)
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// Writes every byte.
    public func write(_ bytes: [UInt8]) throws(CryptoError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            guard n > 0 else { throw CryptoError.openSSL("TLS write", kind: .tls) }
            offset += Int(n)
        }
    }

    /// Reads until the peer closes (or `limit` bytes, or the socket's timeout).
    public func readAll(limit: Int = 1 << 20) throws(CryptoError) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while out.count < limit {
            let n = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if n > 0 {
                out += buffer[0..<Int(n)]
                continue
            }
            let error = SSL_get_error(ssl, n)
            if error == SSL_ERROR_ZERO_RETURN || (error == SSL_ERROR_SYSCALL && !out.isEmpty) { break }
            if out.isEmpty { throw CryptoError.openSSL("TLS read", kind: .tls) }
            break
        }
        return out
    }
}
