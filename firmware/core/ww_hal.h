/*
 * The hardware abstraction the core runs on: small structs of function pointers, each with an opaque context.
 * Every function returns 0 on success and a negative value on failure unless stated otherwise. The ESP-IDF port
 * (port/), the Linux build (linux/) and the test fakes (test/) implement them.
 */
#ifndef WW_HAL_H
#define WW_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Secure element (ATECC608A): key slot 0, ECDSA P-256 signing of a digest, a monotonic counter. */
typedef struct {
    void *ctx;
    /** Writes the raw public key X||Y (64 bytes, big-endian). */
    int (*public_key)(void *ctx, uint8_t out[64]);
    /** Signs a 32-byte SHA-256 digest; writes raw r||s (64 bytes, big-endian; high-S allowed). */
    int (*sign_digest)(void *ctx, const uint8_t digest[32], uint8_t sig[64]);
    /** Increments the monotonic counter and writes its new value. */
    int (*increment_counter)(void *ctx, uint32_t *value);
} ww_se;

/** NOR flash region of sector_count erase sectors: erase sets bytes to 0xFF, programming only clears bits. */
typedef struct {
    void *ctx;
    uint32_t sector_size;
    uint32_t sector_count;
    int (*read)(void *ctx, uint32_t addr, void *buf, size_t len);
    int (*program)(void *ctx, uint32_t addr, const void *buf, size_t len);
    int (*erase_sector)(void *ctx, uint32_t sector);
} ww_flash;

/** An MQTT client session; connection events reach the core through ww_device_on_connected and friends. */
typedef struct {
    void *ctx;
    int (*publish)(void *ctx, const char *topic, const void *payload, size_t len, int qos, bool retain);
    int (*subscribe)(void *ctx, const char *topic, int qos);
} ww_mqtt;

/** HTTP GET of a path on the meter; writes at most cap-1 body bytes and a NUL, *len the body length. */
typedef struct {
    void *ctx;
    int (*get)(void *ctx, const char *path, char *body, size_t cap, size_t *len);
} ww_http;

/** Wall clock (Unix ms, synced when SNTP or equivalent has set it). */
typedef struct {
    void *ctx;
    int64_t (*unix_ms)(void *ctx, bool *synced);
} ww_clock;

typedef enum { WW_LOG_ERROR = 0, WW_LOG_WARN = 1, WW_LOG_INFO = 2, WW_LOG_DEBUG = 3 } ww_log_level;

/** Log sink: one line without its newline. */
typedef struct {
    void *ctx;
    void (*line)(void *ctx, ww_log_level level, const char *text);
} ww_log;

#endif
