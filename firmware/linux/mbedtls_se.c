#define _POSIX_C_SOURCE 200809L
#include "mbedtls_se.h"

#include <mbedtls/ecdsa.h>
#include <mbedtls/pk.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Blinding randomness for the scalar multiplications; it never changes a result (RFC 6979 fixes the nonce). */
static int blinding_rng(void *ctx, unsigned char *out, size_t len)
{
    FILE *f = fopen("/dev/urandom", "rb");
    (void)ctx;
    if (!f) {
        return -1;
    }
    size_t got = fread(out, 1, len, f);
    fclose(f);
    return got == len ? 0 : -1;
}

static int se_public_key(void *ctx, uint8_t out[64])
{
    ww_mbedtls_se *se = ctx;
    if (mbedtls_mpi_write_binary(&se->q.X, out, 32) != 0 || mbedtls_mpi_write_binary(&se->q.Y, out + 32, 32) != 0) {
        return -1;
    }
    return 0;
}

static int se_sign(void *ctx, const uint8_t digest[32], uint8_t sig[64])
{
    ww_mbedtls_se *se = ctx;
    mbedtls_mpi r;
    mbedtls_mpi s;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    int rc = mbedtls_ecdsa_sign_det_ext(&se->grp, &r, &s, &se->d, digest, 32, MBEDTLS_MD_SHA256, blinding_rng, NULL);
    if (rc == 0) {
        rc = mbedtls_mpi_write_binary(&r, sig, 32);
    }
    if (rc == 0) {
        rc = mbedtls_mpi_write_binary(&s, sig + 32, 32);
    }
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    return rc == 0 ? 0 : -1;
}

static int se_counter(void *ctx, uint32_t *value)
{
    ww_mbedtls_se *se = ctx;
    if (!se->counter_path) {
        *value = ++se->counter;
        return 0;
    }
    unsigned long current = 0;
    FILE *f = fopen(se->counter_path, "r");
    if (f) {
        if (fscanf(f, "%lu", &current) != 1) {
            fclose(f);
            return -1; /* a damaged counter must not silently restart at 0 */
        }
        fclose(f);
    } else if (errno != ENOENT) {
        return -1;
    }
    if (current >= UINT32_MAX) {
        return -1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", se->counter_path);
    f = fopen(tmp, "w");
    if (!f) {
        return -1;
    }
    fprintf(f, "%lu\n", current + 1);
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        fclose(f);
        return -1;
    }
    fclose(f);
    if (rename(tmp, se->counter_path) != 0) {
        return -1;
    }
    /* The rename is durable only once the directory entry is: otherwise a host crash could bring back the old
       value and repeat a boot number. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", se->counter_path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *(slash == dir ? slash + 1 : slash) = '\0';
    } else {
        snprintf(dir, sizeof dir, ".");
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || fsync(dfd) != 0) {
        if (dfd >= 0) {
            close(dfd);
        }
        return -1;
    }
    close(dfd);
    *value = (uint32_t)(current + 1);
    return 0;
}

static void init(ww_mbedtls_se *se)
{
    memset(se, 0, sizeof *se);
    mbedtls_ecp_group_init(&se->grp);
    mbedtls_mpi_init(&se->d);
    mbedtls_ecp_point_init(&se->q);
    se->hal.ctx = se;
    se->hal.public_key = se_public_key;
    se->hal.sign_digest = se_sign;
    se->hal.increment_counter = se_counter;
}

int ww_mbedtls_se_from_seed(ww_mbedtls_se *se, const uint8_t seed[32], uint32_t counter)
{
    init(se);
    se->counter = counter;
    mbedtls_mpi n_minus_1;
    mbedtls_mpi_init(&n_minus_1);
    int rc = mbedtls_ecp_group_load(&se->grp, MBEDTLS_ECP_DP_SECP256R1);
    rc = rc ? rc : mbedtls_mpi_read_binary(&se->d, seed, 32);
    rc = rc ? rc : mbedtls_mpi_sub_int(&n_minus_1, &se->grp.N, 1);
    rc = rc ? rc : mbedtls_mpi_mod_mpi(&se->d, &se->d, &n_minus_1);
    rc = rc ? rc : mbedtls_mpi_add_int(&se->d, &se->d, 1);
    rc = rc ? rc : mbedtls_ecp_mul(&se->grp, &se->q, &se->d, &se->grp.G, blinding_rng, NULL);
    mbedtls_mpi_free(&n_minus_1);
    return rc;
}

int ww_mbedtls_se_from_pem(ww_mbedtls_se *se, const char *pem_path, const char *counter_path)
{
    init(se);
    se->counter_path = counter_path;
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int rc = mbedtls_pk_parse_keyfile(&pk, pem_path, NULL);
    if (rc == 0 && mbedtls_pk_get_type(&pk) != MBEDTLS_PK_ECKEY) {
        rc = -1;
    }
    if (rc == 0) {
        mbedtls_ecp_keypair *ec = mbedtls_pk_ec(pk);
        if (ec->grp.id != MBEDTLS_ECP_DP_SECP256R1) {
            rc = -2;
        } else {
            rc = mbedtls_ecp_group_load(&se->grp, MBEDTLS_ECP_DP_SECP256R1);
            rc = rc ? rc : mbedtls_mpi_copy(&se->d, &ec->d);
            rc = rc ? rc : mbedtls_ecp_mul(&se->grp, &se->q, &se->d, &se->grp.G, blinding_rng, NULL);
        }
    }
    mbedtls_pk_free(&pk);
    return rc;
}

void ww_mbedtls_se_free(ww_mbedtls_se *se)
{
    mbedtls_ecp_group_free(&se->grp);
    mbedtls_mpi_free(&se->d);
    mbedtls_ecp_point_free(&se->q);
}
