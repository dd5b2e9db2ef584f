/*
 * The reading outbox in flash (SPEC.md §6.2): fixed 128-byte records in a ring of erase sectors.
 *
 * Record (big-endian): [0,4) write index, [4,56) message, [56,120) signature, [120,124) CRC-32 of [0,120),
 * [124,128) ack mark (0xFFFFFFFF pending; programmed to 0 when acked, no erase). The record of write index i lives
 * in slot i mod slots. A sector is erased when the ring enters its first slot; unacknowledged records still in it
 * are the oldest and are dropped and counted (the outbox is full). A power cut at any byte leaves either a
 * complete record, a torn one (CRC mismatch: skipped for good, its slot is not reused before the next erase), or a
 * torn ack mark (any bit cleared counts as acked: the ack had arrived).
 * RAM: 9 bytes per slot, static; no allocation.
 */
#ifndef WW_OUTBOX_H
#define WW_OUTBOX_H

#include "ww_hal.h"
#include "ww_reading.h"

#include <stdbool.h>
#include <stdint.h>

#define WW_RECORD_SIZE 128u
#ifndef WW_OUTBOX_MAX_SLOTS
#define WW_OUTBOX_MAX_SLOTS 2048u
#endif

typedef struct {
    const ww_flash *flash;
    uint32_t slots;            /* records in the ring */
    uint32_t slots_per_sector; /* records per erase sector */
    uint32_t head;             /* next write index */
    uint32_t tail;             /* no pending record below this write index */
    uint32_t pending;          /* unacknowledged records */
    uint32_t torn;             /* torn records found at mount or left by a failed write */
    uint64_t dropped;          /* unacknowledged records dropped because the outbox was full */
    uint8_t state[WW_OUTBOX_MAX_SLOTS];
    uint32_t boot[WW_OUTBOX_MAX_SLOTS];
    uint32_t seq[WW_OUTBOX_MAX_SLOTS];
} ww_outbox;

/**
 * Scans the flash and rebuilds the RAM index. Needs sector_size a multiple of 128 and at most
 * WW_OUTBOX_MAX_SLOTS records in all, and at least 2 sectors.
 * @return 0, -1 for a bad geometry, -2 for a flash read error
 */
int ww_outbox_mount(ww_outbox *ob, const ww_flash *flash);

/**
 * Appends a signed reading (erasing the next sector first when the ring enters it).
 * @param dropped_now set to the number of unacknowledged readings dropped to make room (usually 0)
 * @return 0 and *index its write index, or a negative value on a flash error (the reading is not stored)
 */
int ww_outbox_append(ww_outbox *ob, const uint8_t msg[WW_MESSAGE_LEN], const uint8_t sig[WW_SIGNATURE_LEN],
                     uint32_t *index, uint32_t *dropped_now);

/** Reads the record of write index (must be pending or acked) and checks its CRC; 0 or negative. */
int ww_outbox_read(const ww_outbox *ob, uint32_t index, uint8_t msg[WW_MESSAGE_LEN], uint8_t sig[WW_SIGNATURE_LEN]);

/** The first pending write index >= from, or ob->head when there is none. */
uint32_t ww_outbox_next_pending(const ww_outbox *ob, uint32_t from);

/** Whether write index is pending; *boot and *seq (may be NULL) get its identity. */
bool ww_outbox_is_pending(const ww_outbox *ob, uint32_t index, uint32_t *boot, uint32_t *seq);

/** Marks a pending record acknowledged in flash; 0, or negative on a flash error (still marked in RAM). */
int ww_outbox_ack(ww_outbox *ob, uint32_t index);

/** The write index of the newest intact record (pending or acked); false when the outbox is empty. */
bool ww_outbox_newest(const ww_outbox *ob, uint32_t *index);

#endif
