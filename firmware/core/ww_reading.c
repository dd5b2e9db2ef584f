#include "ww_reading.h"

#include "ww_sha256.h"

#include <string.h>

/* The P-256 group order n and n/2 (rounded down), big-endian (SEC 2 §2.4.2). */
static const uint8_t P256_N[32] = {0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
                                   0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};
static const uint8_t P256_HALF_N[32] = {0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xff, 0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b,
                                        0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8};

const char *ww_status_name(ww_status status)
{
    switch (status) {
    case WW_OK:
        return "ok";
    case WW_ERR_MESSAGE_LENGTH:
        return "message_length";
    case WW_ERR_MAGIC:
        return "magic";
    case WW_ERR_VERSION:
        return "version";
    case WW_ERR_ENERGY_RANGE:
        return "energy_range";
    case WW_ERR_RESERVED_FLAGS:
        return "reserved_flags";
    case WW_ERR_SIGNATURE_RANGE:
        return "signature_range";
    }
    return "unknown";
}

static void put_be(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    }
}

static uint64_t get_be(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

ww_status ww_reading_encode(const ww_reading *r, uint8_t out[WW_MESSAGE_LEN])
{
    if (r->energy_mwh >> 63) {
        return WW_ERR_ENERGY_RANGE;
    }
    if (r->flags & ~WW_FLAGS_DEFINED) {
        return WW_ERR_RESERVED_FLAGS;
    }
    out[0] = 'W';
    out[1] = 'W';
    out[2] = 'R';
    out[3] = 1;
    memcpy(out + 4, r->device_id, 8);
    memcpy(out + 12, r->meter_id, 6);
    put_be(out + 18, r->boot, 4);
    put_be(out + 22, r->seq, 4);
    put_be(out + 26, (uint64_t)r->timestamp_ms, 8);
    put_be(out + 34, (uint64_t)r->power_mw, 8);
    put_be(out + 42, r->energy_mwh, 8);
    put_be(out + 50, r->flags, 2);
    return WW_OK;
}

ww_status ww_reading_decode(const uint8_t *msg, size_t len, ww_reading *out)
{
    if (len != WW_MESSAGE_LEN) {
        return WW_ERR_MESSAGE_LENGTH;
    }
    if (msg[0] != 'W' || msg[1] != 'W' || msg[2] != 'R') {
        return WW_ERR_MAGIC;
    }
    if (msg[3] != 1) {
        return WW_ERR_VERSION;
    }
    uint64_t energy = get_be(msg + 42, 8);
    if (energy >> 63) {
        return WW_ERR_ENERGY_RANGE;
    }
    uint16_t flags = (uint16_t)get_be(msg + 50, 2);
    if (flags & ~WW_FLAGS_DEFINED) {
        return WW_ERR_RESERVED_FLAGS;
    }
    memcpy(out->device_id, msg + 4, 8);
    memcpy(out->meter_id, msg + 12, 6);
    out->boot = (uint32_t)get_be(msg + 18, 4);
    out->seq = (uint32_t)get_be(msg + 22, 4);
    out->timestamp_ms = (int64_t)get_be(msg + 26, 8);
    out->power_mw = (int64_t)get_be(msg + 34, 8);
    out->energy_mwh = energy;
    out->flags = flags;
    return WW_OK;
}

void ww_device_id(const uint8_t pubkey[WW_PUBKEY_LEN], uint8_t id[WW_DEVICE_ID_LEN])
{
    uint8_t digest[32];
    ww_sha256(pubkey, WW_PUBKEY_LEN, digest);
    memcpy(id, digest, WW_DEVICE_ID_LEN);
}

/* Unsigned big-endian compare of two 32-byte numbers: <0, 0, >0. */
static int cmp256(const uint8_t *a, const uint8_t *b)
{
    for (unsigned i = 0; i < 32; i++) {
        if (a[i] != b[i]) {
            return a[i] < b[i] ? -1 : 1;
        }
    }
    return 0;
}

static bool in_range(const uint8_t *v)
{
    uint8_t acc = 0;
    for (unsigned i = 0; i < 32; i++) {
        acc |= v[i];
    }
    return acc != 0 && cmp256(v, P256_N) < 0;
}

ww_status ww_signature_normalize(uint8_t sig[WW_SIGNATURE_LEN])
{
    uint8_t *s = sig + 32;
    if (!in_range(sig) || !in_range(s)) {
        return WW_ERR_SIGNATURE_RANGE;
    }
    if (cmp256(s, P256_HALF_N) > 0) {
        unsigned borrow = 0;
        for (int i = 31; i >= 0; i--) {
            unsigned d = (unsigned)P256_N[i] - s[i] - borrow;
            s[i] = (uint8_t)d;
            borrow = (d >> 8) & 1u;
        }
    }
    return WW_OK;
}

void ww_hex(const uint8_t *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool ww_unhex(const char *hex, size_t len, uint8_t *out)
{
    for (size_t i = 0; i < len; i++) {
        int hi = nibble(hex[2 * i]);
        int lo = hi < 0 ? -1 : nibble(hex[2 * i + 1]);
        if (lo < 0) {
            return false;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}
