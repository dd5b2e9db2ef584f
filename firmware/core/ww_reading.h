/* The 52-byte reading message (SPEC.md §2), device id (§3.1), signature range check and low-S form (§3.2). */
#ifndef WW_READING_H
#define WW_READING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WW_MESSAGE_LEN   52
#define WW_SIGNATURE_LEN 64
#define WW_PUBKEY_LEN    64
#define WW_DEVICE_ID_LEN 8

#define WW_FLAG_CLOCK_SYNCED       0x0001u
#define WW_FLAG_REGISTER_RESTARTED 0x0002u
#define WW_FLAG_FIRST_AFTER_BOOT   0x0004u
#define WW_FLAGS_DEFINED           0x0007u

/** Decoded fields of a message v1; units as on the wire (ms, mW, mWh). */
typedef struct {
    uint8_t device_id[WW_DEVICE_ID_LEN];
    uint8_t meter_id[6]; /* meter MAC */
    uint32_t boot;
    uint32_t seq;
    int64_t timestamp_ms;
    int64_t power_mw;
    uint64_t energy_mwh; /* 0 .. 2^63-1 */
    uint16_t flags;
} ww_reading;

/** Result codes; the names of SPEC.md §2/§3 where one exists. */
typedef enum {
    WW_OK = 0,
    WW_ERR_MESSAGE_LENGTH,
    WW_ERR_MAGIC,
    WW_ERR_VERSION,
    WW_ERR_ENERGY_RANGE,
    WW_ERR_RESERVED_FLAGS,
    WW_ERR_SIGNATURE_RANGE,
} ww_status;

/** Name of a status, e.g. "energy_range". */
const char *ww_status_name(ww_status status);

/**
 * Encodes r into out[52] (big-endian, SPEC.md §2).
 * @return WW_OK, WW_ERR_ENERGY_RANGE (top bit of energy set) or WW_ERR_RESERVED_FLAGS; out untouched on error
 */
ww_status ww_reading_encode(const ww_reading *r, uint8_t out[WW_MESSAGE_LEN]);

/** Strict decode of len bytes (§2); the first failing check in the order of the SPEC. */
ww_status ww_reading_decode(const uint8_t *msg, size_t len, ww_reading *out);

/** Device id: the first 8 bytes of SHA-256(X||Y) (§3.1). */
void ww_device_id(const uint8_t pubkey[WW_PUBKEY_LEN], uint8_t id[WW_DEVICE_ID_LEN]);

/**
 * Checks r and s of a raw r||s signature lie in [1, n-1] and rewrites s as n-s when s > n/2 (§3.2 low-S).
 * @return WW_OK or WW_ERR_SIGNATURE_RANGE (sig untouched)
 */
ww_status ww_signature_normalize(uint8_t sig[WW_SIGNATURE_LEN]);

/** Lowercase hex of len bytes into out (2*len chars + NUL). */
void ww_hex(const uint8_t *bytes, size_t len, char *out);

/** Parses exactly 2*len hex digits (either case) into out; false on any other character. */
bool ww_unhex(const char *hex, size_t len, uint8_t *out);

#endif
