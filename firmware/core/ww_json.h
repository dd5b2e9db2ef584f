/*
 * A small strict JSON reader (RFC 8259) working in place on a byte span, and the writers of the device's JSON
 * (envelope SPEC.md §4, birth and last will §6). No allocation; nesting depth bounded by WW_JSON_MAX_DEPTH.
 */
#ifndef WW_JSON_H
#define WW_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WW_JSON_MAX_DEPTH 16

/** Skips whitespace, then one complete, valid value; returns the byte after it, or NULL when malformed. */
const char *ww_json_skip_value(const char *p, const char *end);
/** Skips JSON whitespace. */
const char *ww_json_ws(const char *p, const char *end);

/** Result of a member or element lookup. */
typedef enum { WW_JSON_FOUND = 1, WW_JSON_ABSENT = 0, WW_JSON_MALFORMED = -1 } ww_json_lookup;

/**
 * Finds member key of the object starting at obj (whitespace allowed before it). Keys are compared byte for byte
 * with their raw text (keys with escapes never match). A key present twice makes the object MALFORMED.
 * On FOUND, *value is the first byte of the member's value.
 */
ww_json_lookup ww_json_member(const char *obj, const char *end, const char *key, const char **value);

/** Finds element index of the array starting at arr; on FOUND *value is its first byte. */
ww_json_lookup ww_json_element(const char *arr, const char *end, size_t index, const char **value);

/**
 * The same lookups for a value already validated as a whole by ww_json_skip_value: no second validation, so a
 * payload is scanned once (SPEC-sized inputs: one pass instead of one per lookup). Undefined on unvalidated text.
 */
ww_json_lookup ww_json_member_trusted(const char *obj, const char *end, const char *key, const char **value);
ww_json_lookup ww_json_element_trusted(const char *arr, const char *end, size_t index, const char **value);

/** In a validated array, the first byte of the element after the one at value, or NULL after the last one. */
const char *ww_json_next_element(const char *value, const char *end);

/**
 * Reads a JSON integer (no sign, fraction or exponent) at p into *out when it is at most max.
 * @return the byte after the number, or NULL when it is not such an integer or is above max
 */
const char *ww_json_uint(const char *p, const char *end, uint64_t max, uint64_t *out);

/**
 * Reads a JSON number at p as an exact count of thousandths (e.g. "1616.61" -> 1616610, "-0.5e1" -> -5000), without
 * floating point: digits past the third decimal are rounded half away from zero.
 * @return the byte after the number, or NULL when p holds no JSON number or the result does not fit in int64
 */
const char *ww_json_milli(const char *p, const char *end, int64_t *out);

/**
 * Reads a JSON string without escapes at p into out (cap bytes including NUL).
 * @return the byte after the closing quote, or NULL
 */
const char *ww_json_plain_string(const char *p, const char *end, char *out, size_t cap);

/** A bounded output buffer: appends never overflow; ok turns false once something did not fit. */
typedef struct {
    char *buf;
    size_t cap;
    size_t len;
    bool ok;
} ww_out;

void ww_out_init(ww_out *o, char *buf, size_t cap);
void ww_out_str(ww_out *o, const char *s);
void ww_out_u64(ww_out *o, uint64_t v);
void ww_out_i64(ww_out *o, int64_t v);
void ww_out_hex(ww_out *o, const uint8_t *bytes, size_t len);
/** NUL-terminates and returns the length, or -1 when the buffer was too small. */
int ww_out_end(ww_out *o);

#endif
