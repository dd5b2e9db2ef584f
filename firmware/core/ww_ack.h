/* The backend's application-level ack (SPEC.md §6.1), parsed strictly into a fixed-size structure. */
#ifndef WW_ACK_H
#define WW_ACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WW_ACK_MAX_RANGES  256
#define WW_ACK_MAX_PAYLOAD 16384

typedef struct {
    uint32_t first;
    uint32_t last;
} ww_seq_range;

/** A parsed ack: ranges[0 .. stored_count) are stored, the next refused_count are refused. About 2 KiB. */
typedef struct {
    uint32_t boot;
    uint16_t stored_count;
    uint16_t refused_count;
    ww_seq_range ranges[WW_ACK_MAX_RANGES];
} ww_ack;

/**
 * Parses an ack payload. Rejects (naming the member in *error: "json", "boot", "stored" or "refused"): text that is
 * not one JSON object (duplicate members, trailing bytes, more than WW_ACK_MAX_PAYLOAD bytes included); a boot that
 * is missing or not an integer in uint32; a list that is missing, not an array of [first, last] uint32 pairs with
 * first <= last, not ascending and non-overlapping; more than 256 ranges in all. Unknown members are ignored.
 * @return true and *ack filled, or false and *error set
 */
bool ww_ack_parse(const char *payload, size_t len, ww_ack *ack, const char **error);

/** Whether the ack names seq (stored or refused); binary search. */
bool ww_ack_names(const ww_ack *ack, uint32_t seq);

#endif
