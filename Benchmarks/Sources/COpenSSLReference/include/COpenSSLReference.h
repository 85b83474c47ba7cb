#ifndef C_OPENSSL_REFERENCE_H
#define C_OPENSSL_REFERENCE_H

#include <stddef.h>

/// OpenSSL (libssl) measured the way tlskit-bench measures TLSKit: TLS 1.3, X25519,
/// TLS_AES_128_GCM_SHA256, an ECDSA P-256 leaf for "localhost" signed by an ECDSA P-256
/// root, the client verifying chain and host name; client and server in one thread,
/// joined by an in-memory BIO pair.
typedef struct osslref osslref;
typedef struct osslref_connection osslref_connection;

/// Contexts for both sides. `leaf_der`/`root_der` are DER certificates, `key_pem` the
/// leaf's private key in PEM. The server sends `ticket_count` tickets after a full
/// handshake. Returns NULL and fills `error` on failure.
osslref *osslref_create(const unsigned char *leaf_der, size_t leaf_length,
                        const char *key_pem,
                        const unsigned char *root_der, size_t root_length,
                        int ticket_count, char *error, size_t error_length);
void osslref_free(osslref *reference);

/// The OpenSSL version string.
const char *osslref_version(void);

/// A new client and server and a full handshake, tickets read by the client.
/// Returns the number of tickets the client received, or -1 on failure.
int osslref_full_handshake(osslref *reference);

/// A new client and server resuming with the last ticket the client received.
/// Returns the number of new tickets if the connection resumed, -2 if it did not, -1 on failure.
int osslref_resumed_handshake(osslref *reference);

/// An established connection for bulk transfer (NULL on failure).
osslref_connection *osslref_connect(osslref *reference);
/// The client writes `count` × `chunk`; the server reads it all. Returns 0 on success.
int osslref_transfer(osslref_connection *connection, const unsigned char *chunk, size_t chunk_length, int count);
void osslref_close(osslref_connection *connection);

#endif
