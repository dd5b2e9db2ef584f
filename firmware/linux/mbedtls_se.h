/*
 * A software secure element on mbedtls (Linux build and host tests): a P-256 key from a PEM file or from a 32-byte
 * seed (reduced into [1, n-1] as the reading-format vectors do), deterministic ECDSA (RFC 6979) on the digest, and
 * a boot counter kept in a file (or in memory).
 */
#ifndef WW_MBEDTLS_SE_H
#define WW_MBEDTLS_SE_H

#include "ww_hal.h"

#include <mbedtls/ecp.h>

typedef struct {
    mbedtls_ecp_group grp;
    mbedtls_mpi d;
    mbedtls_ecp_point q;
    uint32_t counter;         /* in-memory counter when counter_path is NULL */
    const char *counter_path; /* file holding the counter as decimal text, replaced atomically */
    ww_se hal;
} ww_mbedtls_se;

/** Key d = seed mod (n-1) + 1; in-memory counter starting at counter. 0 or an mbedtls error. */
int ww_mbedtls_se_from_seed(ww_mbedtls_se *se, const uint8_t seed[32], uint32_t counter);

/** Key from an unencrypted PEM (SEC1 or PKCS#8) P-256 private key; counter in counter_path. 0 or negative. */
int ww_mbedtls_se_from_pem(ww_mbedtls_se *se, const char *pem_path, const char *counter_path);

void ww_mbedtls_se_free(ww_mbedtls_se *se);

#endif
