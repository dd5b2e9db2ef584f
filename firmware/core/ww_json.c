#include "ww_json.h"

#include <string.h>

const char *ww_json_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
        p++;
    }
    return p;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* p at the opening quote; returns the byte after the closing quote. */
static const char *skip_string(const char *p, const char *end)
{
    if (p >= end || *p != '"') {
        return NULL;
    }
    p++;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            return p + 1;
        }
        if (c < 0x20) {
            return NULL;
        }
        if (c == '\\') {
            p++;
            if (p >= end) {
                return NULL;
            }
            if (*p == 'u') {
                if (end - p < 5 || !is_hex(p[1]) || !is_hex(p[2]) || !is_hex(p[3]) || !is_hex(p[4])) {
                    return NULL;
                }
                p += 4;
            } else if (!strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
        p++;
    }
    return NULL;
}

static const char *skip_number(const char *p, const char *end)
{
    if (p < end && *p == '-') {
        p++;
    }
    if (p >= end || !is_digit(*p)) {
        return NULL;
    }
    if (*p == '0') {
        p++;
    } else {
        while (p < end && is_digit(*p)) {
            p++;
        }
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !is_digit(*p)) {
            return NULL;
        }
        while (p < end && is_digit(*p)) {
            p++;
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) {
            p++;
        }
        if (p >= end || !is_digit(*p)) {
            return NULL;
        }
        while (p < end && is_digit(*p)) {
            p++;
        }
    }
    return p;
}

static const char *skip_literal(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - p) < n || memcmp(p, word, n) != 0) {
        return NULL;
    }
    return p + n;
}

static const char *skip_depth(const char *p, const char *end, int depth)
{
    p = ww_json_ws(p, end);
    if (p >= end || depth > WW_JSON_MAX_DEPTH) {
        return NULL;
    }
    switch (*p) {
    case '"':
        return skip_string(p, end);
    case 't':
        return skip_literal(p, end, "true");
    case 'f':
        return skip_literal(p, end, "false");
    case 'n':
        return skip_literal(p, end, "null");
    case '[':
    case '{': {
        char close = *p == '[' ? ']' : '}';
        bool object = *p == '{';
        p = ww_json_ws(p + 1, end);
        if (p < end && *p == close) {
            return p + 1;
        }
        for (;;) {
            if (object) {
                p = skip_string(ww_json_ws(p, end), end);
                p = p ? ww_json_ws(p, end) : NULL;
                if (!p || p >= end || *p != ':') {
                    return NULL;
                }
                p++;
            }
            p = skip_depth(p, end, depth + 1);
            if (!p) {
                return NULL;
            }
            p = ww_json_ws(p, end);
            if (p >= end) {
                return NULL;
            }
            if (*p == close) {
                return p + 1;
            }
            if (*p != ',') {
                return NULL;
            }
            p++;
        }
    }
    default:
        return skip_number(p, end);
    }
}

const char *ww_json_skip_value(const char *p, const char *end) { return skip_depth(p, end, 0); }

static ww_json_lookup member(const char *obj, const char *end, const char *key, const char **value, bool validate)
{
    const char *p = ww_json_ws(obj, end);
    if (p >= end || *p != '{' || (validate && !ww_json_skip_value(p, end))) {
        return WW_JSON_MALFORMED;
    }
    size_t key_len = strlen(key);
    const char *found = NULL;
    p = ww_json_ws(p + 1, end);
    if (*p == '}') {
        return WW_JSON_ABSENT;
    }
    for (;;) {
        const char *k = ww_json_ws(p, end);
        const char *after = skip_string(k, end);
        /* The whole object was validated above, so the structure below holds. */
        bool match = (size_t)(after - k) == key_len + 2 && memcmp(k + 1, key, key_len) == 0;
        p = ww_json_ws(after, end) + 1; /* past ':' */
        const char *v = ww_json_ws(p, end);
        if (match) {
            if (found) {
                return WW_JSON_MALFORMED;
            }
            found = v;
        }
        p = ww_json_ws(ww_json_skip_value(v, end), end);
        if (*p == '}') {
            break;
        }
        p++; /* ',' */
    }
    if (!found) {
        return WW_JSON_ABSENT;
    }
    *value = found;
    return WW_JSON_FOUND;
}

ww_json_lookup ww_json_member(const char *obj, const char *end, const char *key, const char **value)
{
    return member(obj, end, key, value, true);
}

ww_json_lookup ww_json_member_trusted(const char *obj, const char *end, const char *key, const char **value)
{
    return member(obj, end, key, value, false);
}

static ww_json_lookup element(const char *arr, const char *end, size_t index, const char **value, bool validate)
{
    const char *p = ww_json_ws(arr, end);
    if (p >= end || *p != '[' || (validate && !ww_json_skip_value(p, end))) {
        return WW_JSON_MALFORMED;
    }
    p = ww_json_ws(p + 1, end);
    if (*p == ']') {
        return WW_JSON_ABSENT;
    }
    for (size_t i = 0;; i++) {
        const char *v = ww_json_ws(p, end);
        if (i == index) {
            *value = v;
            return WW_JSON_FOUND;
        }
        p = ww_json_ws(ww_json_skip_value(v, end), end);
        if (*p == ']') {
            return WW_JSON_ABSENT;
        }
        p++;
    }
}

ww_json_lookup ww_json_element(const char *arr, const char *end, size_t index, const char **value)
{
    return element(arr, end, index, value, true);
}

ww_json_lookup ww_json_element_trusted(const char *arr, const char *end, size_t index, const char **value)
{
    return element(arr, end, index, value, false);
}

const char *ww_json_next_element(const char *value, const char *end)
{
    const char *p = ww_json_ws(ww_json_skip_value(value, end), end);
    return *p == ',' ? ww_json_ws(p + 1, end) : NULL;
}

const char *ww_json_uint(const char *p, const char *end, uint64_t max, uint64_t *out)
{
    p = ww_json_ws(p, end);
    const char *after = skip_number(p, end);
    if (!after || *p == '-') {
        return NULL;
    }
    uint64_t v = 0;
    for (const char *q = p; q < after; q++) {
        if (!is_digit(*q)) {
            return NULL; /* fraction or exponent: not an integer */
        }
        unsigned d = (unsigned)(*q - '0');
        if (d > max || v > (max - d) / 10) {
            return NULL;
        }
        v = v * 10 + d;
    }
    *out = v;
    return after;
}

const char *ww_json_milli(const char *p, const char *end, int64_t *out)
{
    p = ww_json_ws(p, end);
    const char *after = skip_number(p, end);
    if (!after) {
        return NULL;
    }
    bool negative = *p == '-';
    if (negative) {
        p++;
    }
    /* Significant digits as an integer, with the position of the decimal point. */
    uint64_t mantissa = 0;
    int scale = 0; /* value = mantissa * 10^scale */
    bool seen_point = false;
    unsigned dropped = 0; /* first digit that did not fit in the mantissa, for rounding */
    bool dropped_any = false;
    const char *q = p;
    for (; q < after && *q != 'e' && *q != 'E'; q++) {
        if (*q == '.') {
            seen_point = true;
            continue;
        }
        unsigned d = (unsigned)(*q - '0');
        if (mantissa <= (UINT64_MAX - 9) / 10) {
            mantissa = mantissa * 10 + d;
            if (seen_point) {
                scale--;
            }
        } else {
            if (!dropped_any) {
                dropped = d;
                dropped_any = true;
            }
            if (!seen_point) {
                scale++;
            }
        }
    }
    if (q < after) {
        q++;
        bool exp_negative = *q == '-';
        if (*q == '+' || *q == '-') {
            q++;
        }
        int e = 0;
        for (; q < after; q++) {
            if (e < 10000) {
                e = e * 10 + (*q - '0');
            }
        }
        scale += exp_negative ? -e : e;
    }
    scale += 3; /* thousandths */
    if (mantissa == 0) {
        *out = 0;
        return after;
    }
    while (scale > 0) {
        if (mantissa > UINT64_MAX / 10) {
            return NULL;
        }
        mantissa *= 10;
        scale--;
    }
    unsigned round_digit = dropped_any && scale == 0 ? dropped : 0;
    while (scale < 0) {
        if (mantissa == 0) {
            round_digit = 0;
            break;
        }
        round_digit = (unsigned)(mantissa % 10);
        mantissa /= 10;
        scale++;
    }
    if (round_digit >= 5) {
        mantissa++;
    }
    if (mantissa > (uint64_t)INT64_MAX) {
        return NULL;
    }
    *out = negative ? -(int64_t)mantissa : (int64_t)mantissa;
    return after;
}

const char *ww_json_plain_string(const char *p, const char *end, char *out, size_t cap)
{
    p = ww_json_ws(p, end);
    const char *after = skip_string(p, end);
    if (!after) {
        return NULL;
    }
    size_t n = (size_t)(after - p) - 2;
    if (n + 1 > cap || memchr(p + 1, '\\', n)) {
        return NULL;
    }
    memcpy(out, p + 1, n);
    out[n] = '\0';
    return after;
}

void ww_out_init(ww_out *o, char *buf, size_t cap)
{
    o->buf = buf;
    o->cap = cap;
    o->len = 0;
    o->ok = cap > 0;
}

static void put(ww_out *o, const char *s, size_t n)
{
    if (!o->ok || o->len + n + 1 > o->cap) {
        o->ok = false;
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

void ww_out_str(ww_out *o, const char *s) { put(o, s, strlen(s)); }

void ww_out_u64(ww_out *o, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(o, tmp + sizeof tmp - n, n);
}

void ww_out_i64(ww_out *o, int64_t v)
{
    if (v < 0) {
        put(o, "-", 1);
        ww_out_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        ww_out_u64(o, (uint64_t)v);
    }
}

void ww_out_hex(ww_out *o, const uint8_t *bytes, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        char pair[2] = {digits[bytes[i] >> 4], digits[bytes[i] & 15]};
        put(o, pair, 2);
    }
}

int ww_out_end(ww_out *o)
{
    if (!o->ok) {
        if (o->cap) {
            o->buf[0] = '\0';
        }
        return -1;
    }
    o->buf[o->len] = '\0';
    return (int)o->len;
}
