#include "ww_outbox.h"

#include "ww_crc32.h"

#include <string.h>

enum { SLOT_EMPTY = 0, SLOT_PENDING = 1, SLOT_ACKED = 2 };

#define OFF_INDEX     0u
#define OFF_MESSAGE   4u
#define OFF_SIGNATURE 56u
#define OFF_CRC       120u
#define OFF_MARK      124u

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t addr_of(const ww_outbox *ob, uint32_t slot)
{
    (void)ob;
    return slot * WW_RECORD_SIZE;
}

static bool intact(const uint8_t *rec) { return ww_crc32(rec, OFF_CRC) == be32(rec + OFF_CRC); }

static void index_record(ww_outbox *ob, uint32_t slot, const uint8_t *rec)
{
    ob->boot[slot] = be32(rec + OFF_MESSAGE + 18);
    ob->seq[slot] = be32(rec + OFF_MESSAGE + 22);
    ob->state[slot] = be32(rec + OFF_MARK) == 0xFFFFFFFFu ? SLOT_PENDING : SLOT_ACKED;
}

static void advance_tail(ww_outbox *ob)
{
    while (ob->tail != ob->head && ob->state[ob->tail % ob->slots] != SLOT_PENDING) {
        ob->tail++;
    }
}

int ww_outbox_mount(ww_outbox *ob, const ww_flash *flash)
{
    if (flash->sector_size < WW_RECORD_SIZE || flash->sector_size % WW_RECORD_SIZE || flash->sector_count < 2 ||
        (uint64_t)flash->sector_count * (flash->sector_size / WW_RECORD_SIZE) > WW_OUTBOX_MAX_SLOTS) {
        return -1;
    }
    ob->flash = flash;
    ob->slots_per_sector = flash->sector_size / WW_RECORD_SIZE;
    ob->slots = flash->sector_count * ob->slots_per_sector;
    ob->pending = 0;
    ob->torn = 0;
    ob->dropped = 0;
    bool any = false;
    uint32_t newest = 0;
    uint8_t rec[WW_RECORD_SIZE];
    /* First pass: the newest intact record fixes the lap. */
    for (uint32_t slot = 0; slot < ob->slots; slot++) {
        ob->state[slot] = SLOT_EMPTY;
        if (flash->read(flash->ctx, addr_of(ob, slot), rec, sizeof rec) != 0) {
            return -2;
        }
        uint32_t index = be32(rec + OFF_INDEX);
        if (intact(rec) && index % ob->slots == slot) {
            if (!any || (int32_t)(index - newest) > 0) {
                newest = index;
            }
            any = true;
        } else {
            bool erased = true;
            for (unsigned i = 0; i < WW_RECORD_SIZE; i++) {
                erased = erased && rec[i] == 0xFF;
            }
            ob->torn += erased ? 0u : 1u;
        }
    }
    ob->head = any ? newest + 1 : 0;
    ob->tail = any && ob->head >= ob->slots ? ob->head - ob->slots : 0;
    /* Second pass: index the records of the current lap [head - slots, head). */
    for (uint32_t slot = 0; slot < ob->slots && any; slot++) {
        if (flash->read(flash->ctx, addr_of(ob, slot), rec, sizeof rec) != 0) {
            return -2;
        }
        uint32_t index = be32(rec + OFF_INDEX);
        if (intact(rec) && index % ob->slots == slot && ob->head - index <= ob->slots) {
            index_record(ob, slot, rec);
            ob->pending += ob->state[slot] == SLOT_PENDING ? 1u : 0u;
        }
    }
    advance_tail(ob);
    return 0;
}

static int slot_blank(const ww_outbox *ob, uint32_t slot, bool *blank)
{
    uint8_t rec[WW_RECORD_SIZE];
    if (ob->flash->read(ob->flash->ctx, addr_of(ob, slot), rec, sizeof rec) != 0) {
        return -2;
    }
    *blank = true;
    for (unsigned i = 0; i < WW_RECORD_SIZE; i++) {
        *blank = *blank && rec[i] == 0xFF;
    }
    return 0;
}

int ww_outbox_append(ww_outbox *ob, const uint8_t msg[WW_MESSAGE_LEN], const uint8_t sig[WW_SIGNATURE_LEN],
                     uint32_t *index, uint32_t *dropped_now)
{
    *dropped_now = 0;
    for (uint32_t attempt = 0; attempt <= ob->slots_per_sector; attempt++) {
        uint32_t slot = ob->head % ob->slots;
        if (slot % ob->slots_per_sector == 0) {
            for (uint32_t s = slot; s < slot + ob->slots_per_sector; s++) {
                if (ob->state[s] == SLOT_PENDING) {
                    ob->pending--;
                    ob->dropped++;
                    (*dropped_now)++;
                }
                ob->state[s] = SLOT_EMPTY;
            }
            if (ob->tail < ob->head) {
                advance_tail(ob);
            }
            if (ob->flash->erase_sector(ob->flash->ctx, slot / ob->slots_per_sector) != 0) {
                return -3;
            }
        } else {
            bool blank;
            if (slot_blank(ob, slot, &blank) != 0) {
                return -2;
            }
            if (!blank) {
                /* A torn write from before a power cut: skip the slot until its sector is erased. */
                ob->state[slot] = SLOT_EMPTY;
                ob->head++;
                advance_tail(ob);
                continue;
            }
        }
        uint8_t rec[WW_RECORD_SIZE];
        put32(rec + OFF_INDEX, ob->head);
        memcpy(rec + OFF_MESSAGE, msg, WW_MESSAGE_LEN);
        memcpy(rec + OFF_SIGNATURE, sig, WW_SIGNATURE_LEN);
        put32(rec + OFF_CRC, ww_crc32(rec, OFF_CRC));
        uint32_t i = ob->head++;
        if (ob->flash->program(ob->flash->ctx, addr_of(ob, slot), rec, OFF_MARK) != 0) {
            ob->torn++;
            advance_tail(ob);
            return -4;
        }
        index_record(ob, slot, rec); /* the mark bytes were never written: reads as pending */
        ob->state[slot] = SLOT_PENDING;
        ob->pending++;
        if (ob->tail == i || ob->pending == 1) {
            advance_tail(ob);
        }
        *index = i;
        return 0;
    }
    return -5;
}

int ww_outbox_read(const ww_outbox *ob, uint32_t index, uint8_t msg[WW_MESSAGE_LEN], uint8_t sig[WW_SIGNATURE_LEN])
{
    uint8_t rec[WW_RECORD_SIZE];
    uint32_t slot = index % ob->slots;
    if (ob->state[slot] == SLOT_EMPTY || ob->head - index > ob->slots || index >= ob->head) {
        return -1;
    }
    if (ob->flash->read(ob->flash->ctx, addr_of(ob, slot), rec, sizeof rec) != 0) {
        return -2;
    }
    if (!intact(rec) || be32(rec + OFF_INDEX) != index) {
        return -3;
    }
    memcpy(msg, rec + OFF_MESSAGE, WW_MESSAGE_LEN);
    memcpy(sig, rec + OFF_SIGNATURE, WW_SIGNATURE_LEN);
    return 0;
}

uint32_t ww_outbox_next_pending(const ww_outbox *ob, uint32_t from)
{
    uint32_t i = (int32_t)(from - ob->tail) < 0 ? ob->tail : from;
    while (i != ob->head && ob->state[i % ob->slots] != SLOT_PENDING) {
        i++;
    }
    return i;
}

bool ww_outbox_is_pending(const ww_outbox *ob, uint32_t index, uint32_t *boot, uint32_t *seq)
{
    if ((int32_t)(index - ob->tail) < 0 || (int32_t)(index - ob->head) >= 0) {
        return false;
    }
    uint32_t slot = index % ob->slots;
    if (ob->state[slot] != SLOT_PENDING) {
        return false;
    }
    if (boot) {
        *boot = ob->boot[slot];
    }
    if (seq) {
        *seq = ob->seq[slot];
    }
    return true;
}

int ww_outbox_ack(ww_outbox *ob, uint32_t index)
{
    if (!ww_outbox_is_pending(ob, index, NULL, NULL)) {
        return -1;
    }
    uint32_t slot = index % ob->slots;
    ob->state[slot] = SLOT_ACKED;
    ob->pending--;
    advance_tail(ob);
    static const uint8_t zero[4] = {0, 0, 0, 0};
    return ob->flash->program(ob->flash->ctx, addr_of(ob, slot) + OFF_MARK, zero, sizeof zero) == 0 ? 0 : -2;
}

bool ww_outbox_newest(const ww_outbox *ob, uint32_t *index)
{
    for (uint32_t back = 1; back <= ob->slots && back <= ob->head; back++) {
        if (ob->state[(ob->head - back) % ob->slots] != SLOT_EMPTY) {
            *index = ob->head - back;
            return true;
        }
    }
    return false;
}
