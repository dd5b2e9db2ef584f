#include "ww_ack.h"

#include "ww_json.h"

/* v: a validated value; one pass over the array. */
static bool parse_ranges(const char *v, const char *end, ww_seq_range *out, size_t room, uint16_t *count)
{
    v = ww_json_ws(v, end);
    if (v >= end || *v != '[') {
        return false;
    }
    size_t n = 0;
    const char *elem = NULL;
    if (ww_json_element_trusted(v, end, 0, &elem) != WW_JSON_FOUND) {
        elem = NULL; /* empty list */
    }
    for (; elem; elem = ww_json_next_element(elem, end), n++) {
        const char *a;
        const char *b;
        const char *extra;
        uint64_t first;
        uint64_t last;
        if (n >= room || *elem != '[' || ww_json_element_trusted(elem, end, 0, &a) != WW_JSON_FOUND ||
            ww_json_element_trusted(elem, end, 1, &b) != WW_JSON_FOUND ||
            ww_json_element_trusted(elem, end, 2, &extra) != WW_JSON_ABSENT) {
            return false;
        }
        /* The numbers must be the whole elements: an integer, then ',' or ']'. */
        const char *after_a = ww_json_uint(a, end, UINT32_MAX, &first);
        const char *after_b = ww_json_uint(b, end, UINT32_MAX, &last);
        if (!after_a || !after_b || *ww_json_ws(after_a, end) != ',' || *ww_json_ws(after_b, end) != ']') {
            return false;
        }
        if (first > last || (n > 0 && first <= out[n - 1].last)) {
            return false;
        }
        out[n].first = (uint32_t)first;
        out[n].last = (uint32_t)last;
    }
    *count = (uint16_t)n;
    return true;
}

bool ww_ack_parse(const char *payload, size_t len, ww_ack *ack, const char **error)
{
    const char *end = payload + len;
    const char *after = len <= WW_ACK_MAX_PAYLOAD ? ww_json_skip_value(payload, end) : NULL;
    const char *v;
    *error = "json";
    if (!after || ww_json_ws(after, end) != end || *ww_json_ws(payload, end) != '{') {
        return false;
    }
    ww_json_lookup found = ww_json_member_trusted(payload, end, "boot", &v);
    if (found == WW_JSON_MALFORMED) {
        return false;
    }
    uint64_t boot;
    *error = "boot";
    if (found != WW_JSON_FOUND || !ww_json_uint(v, end, UINT32_MAX, &boot)) {
        return false;
    }
    ack->boot = (uint32_t)boot;
    *error = "stored";
    if (ww_json_member_trusted(payload, end, "stored", &v) != WW_JSON_FOUND ||
        !parse_ranges(v, end, ack->ranges, WW_ACK_MAX_RANGES, &ack->stored_count)) {
        return false;
    }
    *error = "refused";
    if (ww_json_member_trusted(payload, end, "refused", &v) != WW_JSON_FOUND ||
        !parse_ranges(v, end, ack->ranges + ack->stored_count, WW_ACK_MAX_RANGES - ack->stored_count,
                      &ack->refused_count)) {
        return false;
    }
    *error = NULL;
    return true;
}

static bool search(const ww_seq_range *r, size_t n, uint32_t seq)
{
    size_t low = 0;
    size_t high = n;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (seq < r[mid].first) {
            high = mid;
        } else if (seq > r[mid].last) {
            low = mid + 1;
        } else {
            return true;
        }
    }
    return false;
}

bool ww_ack_names(const ww_ack *ack, uint32_t seq)
{
    return search(ack->ranges, ack->stored_count, seq) ||
           search(ack->ranges + ack->stored_count, ack->refused_count, seq);
}
