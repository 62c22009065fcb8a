import CCrypto

/// AES-256-GCM and randomness through the system's OpenSSL libcrypto (EVP).
public enum FleetCrypto {}
