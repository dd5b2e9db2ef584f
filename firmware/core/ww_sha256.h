/* SHA-256 (FIPS 180-4), compact and allocation-free: the digest of a reading and the device id (SPEC.md §3). */
#ifndef WW_SHA256_H
#define WW_SHA256_H

#include <stddef.h>
#include <stdint.h>

/** Streaming state; 104 bytes, lives on the caller's stack. */
typedef struct {
    uint32_t h[8];
    uint64_t length;   /* bytes hashed so far */
    uint8_t block[64]; /* pending input */
    size_t used;       /* bytes pending in block */
} ww_sha256_ctx;

void ww_sha256_init(ww_sha256_ctx *ctx);
void ww_sha256_update(ww_sha256_ctx *ctx, const void *data, size_t len);
/** Writes the 32-byte digest; the context must be initialised again before reuse. */
void ww_sha256_final(ww_sha256_ctx *ctx, uint8_t out[32]);
/** One-shot digest of len bytes into out[32]. */
void ww_sha256(const void *data, size_t len, uint8_t out[32]);

#endif
