#include "COpenSSLReference.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct osslref {
    SSL_CTX *server;
    SSL_CTX *client;
    SSL_SESSION *last_session; /* the newest ticket the client received */
    int tickets_received;      /* during the current connection */
};

struct osslref_connection {
    SSL *client;
    SSL *server;
    unsigned char *buffer;
    size_t buffer_length;
};

static const char *server_name = "localhost";
static int reference_index = -1;

static void set_error(char *error, size_t length, const char *what) {
    unsigned long code = ERR_get_error();
    char detail[256] = "";
    if (code != 0) ERR_error_string_n(code, detail, sizeof detail);
    snprintf(error, length, "%s%s%s", what, code ? ": " : "", detail);
}

/* The client's new-session callback: keep the newest ticket, count each one. */
static int new_session(SSL *ssl, SSL_SESSION *session) {
    osslref *reference = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), reference_index);
    reference->tickets_received += 1;
    if (reference->last_session) SSL_SESSION_free(reference->last_session);
    reference->last_session = session;
    return 1; /* we own it now */
}

static int common_settings(SSL_CTX *context) {
    return SSL_CTX_set_min_proto_version(context, TLS1_3_VERSION) == 1
        && SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION) == 1
        && SSL_CTX_set_ciphersuites(context, "TLS_AES_128_GCM_SHA256") == 1
        && SSL_CTX_set1_groups_list(context, "X25519") == 1;
}

const char *osslref_version(void) { return OpenSSL_version(OPENSSL_VERSION); }

osslref *osslref_create(const unsigned char *leaf_der, size_t leaf_length, const char *key_pem,
                        const unsigned char *root_der, size_t root_length, int ticket_count,
                        char *error, size_t error_length) {
    if (reference_index < 0) reference_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    osslref *reference = calloc(1, sizeof *reference);
    X509 *leaf = NULL, *root = NULL;
    EVP_PKEY *key = NULL;
    BIO *key_bio = NULL;
    if (!reference) { snprintf(error, error_length, "out of memory"); return NULL; }

    const unsigned char *cursor = leaf_der;
    leaf = d2i_X509(NULL, &cursor, (long)leaf_length);
    cursor = root_der;
    root = d2i_X509(NULL, &cursor, (long)root_length);
    key_bio = BIO_new_mem_buf(key_pem, -1);
    key = key_bio ? PEM_read_bio_PrivateKey(key_bio, NULL, NULL, NULL) : NULL;
    if (!leaf || !root || !key) { set_error(error, error_length, "reading the certificates or key"); goto fail; }

    reference->server = SSL_CTX_new(TLS_server_method());
    reference->client = SSL_CTX_new(TLS_client_method());
    if (!reference->server || !reference->client) { set_error(error, error_length, "SSL_CTX_new"); goto fail; }
    if (!common_settings(reference->server) || !common_settings(reference->client)) {
        set_error(error, error_length, "protocol settings"); goto fail;
    }
    /* Server: the leaf and its key; stateless tickets (OpenSSL's default), no session cache. */
    if (SSL_CTX_use_certificate(reference->server, leaf) != 1 || SSL_CTX_use_PrivateKey(reference->server, key) != 1
        || SSL_CTX_set_num_tickets(reference->server, (size_t)ticket_count) != 1) {
        set_error(error, error_length, "server certificate, key or tickets"); goto fail;
    }
    SSL_CTX_set_session_cache_mode(reference->server, SSL_SESS_CACHE_OFF);
    /* Client: trusts the root, verifies the chain and host name, keeps tickets itself. */
    if (X509_STORE_add_cert(SSL_CTX_get_cert_store(reference->client), root) != 1) {
        set_error(error, error_length, "trusting the root"); goto fail;
    }
    SSL_CTX_set_verify(reference->client, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_session_cache_mode(reference->client, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(reference->client, new_session);
    SSL_CTX_set_ex_data(reference->client, reference_index, reference);

    X509_free(leaf);
    X509_free(root);
    EVP_PKEY_free(key);
    BIO_free(key_bio);
    return reference;
fail:
    X509_free(leaf);
    X509_free(root);
    EVP_PKEY_free(key);
    BIO_free(key_bio);
    osslref_free(reference);
    return NULL;
}

void osslref_free(osslref *reference) {
    if (!reference) return;
    if (reference->last_session) SSL_SESSION_free(reference->last_session);
    SSL_CTX_free(reference->server);
    SSL_CTX_free(reference->client);
    free(reference);
}

/* Both ends of a BIO pair large enough for full-size records. */
static int new_pair(osslref *reference, SSL **client, SSL **server) {
    BIO *client_bio = NULL, *server_bio = NULL;
    *client = SSL_new(reference->client);
    *server = SSL_new(reference->server);
    if (!*client || !*server || BIO_new_bio_pair(&client_bio, 1 << 17, &server_bio, 1 << 17) != 1) goto fail;
    SSL_set_bio(*client, client_bio, client_bio);
    SSL_set_bio(*server, server_bio, server_bio);
    SSL_set_connect_state(*client);
    SSL_set_accept_state(*server);
    if (SSL_set_tlsext_host_name(*client, server_name) != 1 || SSL_set1_host(*client, server_name) != 1) goto fail;
    return 0;
fail:
    SSL_free(*client);
    SSL_free(*server);
    *client = *server = NULL;
    return -1;
}

static int wants_io(SSL *ssl, int result) {
    int error = SSL_get_error(ssl, result);
    return error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE;
}

/* Drives both handshakes to completion, then lets the client read the tickets. */
static int handshake(SSL *client, SSL *server) {
    int client_done = 0, server_done = 0;
    for (int round = 0; round < 16 && !(client_done && server_done); round++) {
        if (!client_done) {
            int result = SSL_do_handshake(client);
            if (result == 1) client_done = 1;
            else if (!wants_io(client, result)) return -1;
        }
        if (!server_done) {
            int result = SSL_do_handshake(server);
            if (result == 1) server_done = 1;
            else if (!wants_io(server, result)) return -1;
        }
    }
    if (!(client_done && server_done)) return -1;
    /* The tickets follow the server's handshake; reading processes them. */
    unsigned char byte;
    int result = SSL_read(client, &byte, 1);
    if (result > 0 || !wants_io(client, result)) return -1;
    return 0;
}

static int connect_once(osslref *reference, int resume) {
    SSL *client, *server;
    int outcome = -1;
    reference->tickets_received = 0;
    if (new_pair(reference, &client, &server) != 0) return -1;
    if (resume) {
        if (!reference->last_session || SSL_set_session(client, reference->last_session) != 1) goto done;
    }
    if (handshake(client, server) != 0) goto done;
    if (SSL_get_verify_result(client) != X509_V_OK) goto done;
    if (resume && !SSL_session_reused(client)) { outcome = -2; goto done; }
    outcome = reference->tickets_received;
done:
    ERR_clear_error();
    /* Freed without a shutdown, a connection marks its session not resumable; the TLSKit
       figures send no close_notify either. */
    SSL_set_shutdown(client, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_set_shutdown(server, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(client);
    SSL_free(server);
    return outcome;
}

int osslref_full_handshake(osslref *reference) { return connect_once(reference, 0); }

int osslref_resumed_handshake(osslref *reference) { return connect_once(reference, 1); }

osslref_connection *osslref_connect(osslref *reference) {
    osslref_connection *connection = calloc(1, sizeof *connection);
    if (!connection) return NULL;
    connection->buffer_length = 1 << 16;
    connection->buffer = malloc(connection->buffer_length);
    if (!connection->buffer || new_pair(reference, &connection->client, &connection->server) != 0
        || handshake(connection->client, connection->server) != 0) {
        osslref_close(connection);
        return NULL;
    }
    return connection;
}

int osslref_transfer(osslref_connection *connection, const unsigned char *chunk, size_t chunk_length, int count) {
    for (int index = 0; index < count; index++) {
        if (SSL_write(connection->client, chunk, (int)chunk_length) != (int)chunk_length) return -1;
        size_t received = 0;
        while (received < chunk_length) {
            int result = SSL_read(connection->server, connection->buffer, (int)connection->buffer_length);
            if (result <= 0) return -1;
            received += (size_t)result;
        }
        if (received != chunk_length) return -1;
    }
    return 0;
}

void osslref_close(osslref_connection *connection) {
    if (!connection) return;
    SSL_free(connection->client);
    SSL_free(connection->server);
    free(connection->buffer);
    free(connection);
}
