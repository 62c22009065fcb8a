#ifndef FLEET_CCRYPTO_SHIM_H
#define FLEET_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>

/// SSL_set_tlsext_host_name is a macro; Swift calls this instead (SNI).
static inline long fleet_ssl_set_sni(SSL *ssl, const char *host) {
    return SSL_set_tlsext_host_name(ssl, host);
}
#endif
