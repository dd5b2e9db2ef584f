/* Tests of the portable core; see core_cases.h. Fixtures: the committed vectors (generated header) and inline
 * Shelly payloads. */
#include "core_cases.h"

#include "check.h"
#include "fakes.h"
#include "vectors.h"
#include "ww_ack.h"
#include "ww_crc32.h"
#include "ww_device.h"
#include "ww_json.h"
#include "ww_outbox.h"
#include "ww_reading.h"
#include "ww_sha256.h"
#include "ww_shelly.h"

#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void unhex(const char *hex, uint8_t *out, size_t len) { CHECK(ww_unhex(hex, len, out)); }

void test_sha256_known_answers(void **state)
{
    (void)state;
    uint8_t d[32];
    uint8_t want[32];
    ww_sha256("abc", 3, d);
    unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want, 32);
    CHECK_MEM(d, want, 32);
    ww_sha256("", 0, d);
    unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want, 32);
    CHECK_MEM(d, want, 32);
    /* 56 bytes: padding spills into a second block; streamed in odd pieces. */
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    ww_sha256_ctx ctx;
    ww_sha256_init(&ctx);
    ww_sha256_update(&ctx, two, 7);
    ww_sha256_update(&ctx, two + 7, 49);
    ww_sha256_final(&ctx, d);
    unhex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", want, 32);
    CHECK_MEM(d, want, 32);
    CHECK_INT(ww_crc32("123456789", 9), 0xCBF43926u); /* the CRC-32 check value */
    CHECK_INT(ww_crc32("", 0), 0);
}

void test_valid_vectors_encode_byte_for_byte(void **state)
{
    (void)state;
    int encoded = 0;
    for (size_t i = 0; i < COUNT(READING_VECTORS); i++) {
        const reading_vector *v = &READING_VECTORS[i];
        if (!v->valid) {
            continue;
        }
        ww_reading r;
        unhex(v->device_id, r.device_id, 8);
        unhex(v->meter_id, r.meter_id, 6);
        r.boot = v->boot;
        r.seq = v->seq;
        r.timestamp_ms = v->timestamp_ms;
        r.power_mw = v->power_mw;
        r.energy_mwh = v->energy_mwh;
        r.flags = v->flags;
        uint8_t msg[WW_MESSAGE_LEN];
        uint8_t want[WW_MESSAGE_LEN];
        CHECK_INT(ww_reading_encode(&r, msg), WW_OK);
        unhex(v->message, want, WW_MESSAGE_LEN);
        CHECK_MEM(msg, want, WW_MESSAGE_LEN);
        ww_reading back;
        CHECK_INT(ww_reading_decode(msg, sizeof msg, &back), WW_OK);
        CHECK_INT(back.power_mw, v->power_mw);
        CHECK(back.energy_mwh == v->energy_mwh);
        encoded++;
    }
    CHECK(encoded >= 8);
}

void test_vectors_digest_and_device_id(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(READING_VECTORS); i++) {
        const reading_vector *v = &READING_VECTORS[i];
        if (!v->valid) {
            continue;
        }
        uint8_t msg[WW_MESSAGE_LEN];
        uint8_t digest[32];
        uint8_t want[32];
        uint8_t key[64];
        uint8_t id[8];
        unhex(v->message, msg, sizeof msg);
        ww_sha256(msg, sizeof msg, digest);
        unhex(v->digest, want, 32);
        CHECK_MEM(digest, want, 32);
        unhex(v->public_key, key, 64);
        ww_device_id(key, id);
        CHECK_MEM(id, msg + 4, 8);
    }
}

void test_decode_errors_name_the_field(void **state)
{
    (void)state;
    int checked = 0;
    for (size_t i = 0; i < COUNT(READING_VECTORS); i++) {
        const reading_vector *v = &READING_VECTORS[i];
        const char *e = v->error;
        if (strcmp(e, "message_length") && strcmp(e, "magic") && strcmp(e, "version") && strcmp(e, "energy_range") &&
            strcmp(e, "reserved_flags")) {
            continue;
        }
        uint8_t msg[64];
        size_t len = strlen(v->message) / 2;
        CHECK(len <= sizeof msg);
        unhex(v->message, msg, len);
        ww_reading r;
        CHECK_STR(ww_status_name(ww_reading_decode(msg, len, &r)), e);
        checked++;
    }
    CHECK(checked >= 5);
    ww_reading r;
    memset(&r, 0, sizeof r);
    uint8_t msg[WW_MESSAGE_LEN];
    r.energy_mwh = UINT64_C(1) << 63;
    CHECK_INT(ww_reading_encode(&r, msg), WW_ERR_ENERGY_RANGE);
    r.energy_mwh = 0;
    r.flags = 8;
    CHECK_INT(ww_reading_encode(&r, msg), WW_ERR_RESERVED_FLAGS);
}

void test_low_s_normalisation_matches_vectors(void **state)
{
    (void)state;
    int high = 0;
    for (size_t i = 0; i < COUNT(READING_VECTORS); i++) {
        const reading_vector *v = &READING_VECTORS[i];
        if (!v->valid) {
            continue;
        }
        uint8_t sig[64];
        uint8_t want[64];
        unhex(v->signature, sig, 64);
        unhex(v->low_s_signature, want, 64);
        high += memcmp(sig, want, 64) != 0;
        CHECK_INT(ww_signature_normalize(sig), WW_OK);
        CHECK_MEM(sig, want, 64);
        CHECK_INT(ww_signature_normalize(sig), WW_OK); /* idempotent */
        CHECK_MEM(sig, want, 64);
    }
    CHECK(high >= 1); /* valid-high-s */
}

void test_signature_range_checks(void **state)
{
    (void)state;
    int checked = 0;
    for (size_t i = 0; i < COUNT(READING_VECTORS); i++) {
        const reading_vector *v = &READING_VECTORS[i];
        if (strcmp(v->error, "signature_range") != 0) {
            continue;
        }
        uint8_t sig[64];
        uint8_t copy[64];
        unhex(v->signature, sig, 64);
        memcpy(copy, sig, 64);
        CHECK_INT(ww_signature_normalize(sig), WW_ERR_SIGNATURE_RANGE);
        CHECK_MEM(sig, copy, 64);
        checked++;
    }
    CHECK_INT(checked, 4);
}

void test_envelope_birth_will_json(void **state)
{
    (void)state;
    const reading_vector *v = &READING_VECTORS[0];
    uint8_t msg[52];
    uint8_t sig[64];
    char buf[300];
    char want[300];
    unhex(v->message, msg, 52);
    unhex(v->low_s_signature, sig, 64);
    int len = ww_envelope_json(msg, sig, buf, sizeof buf);
    snprintf(want, sizeof want, "{\"message\":\"%s\",\"signature\":\"%s\"}", v->message, v->low_s_signature);
    CHECK_STR(buf, want);
    CHECK_INT(len, 12 + 104 + 15 + 128 + 2);
    CHECK_INT(ww_envelope_json(msg, sig, buf, 200), -1);
    ww_birth_json(7, "ww-0.1", INT64_C(1767225642000), 3, buf, sizeof buf);
    CHECK_STR(buf, "{\"state\":\"online\",\"boot\":7,\"firmware\":\"ww-0.1\",\"ts\":1767225642000,\"dropped\":3}");
}

void test_ack_vectors(void **state)
{
    (void)state;
    static ww_ack ack;
    for (size_t i = 0; i < COUNT(ACK_VECTORS); i++) {
        const ack_vector *v = &ACK_VECTORS[i];
        const char *error = NULL;
        bool ok = ww_ack_parse(v->json, strlen(v->json), &ack, &error);
        if (!v->valid) {
            CHECK(!ok);
            CHECK_STR(error, v->error);
            continue;
        }
        CHECK(ok);
        CHECK_INT(ack.boot, v->boot);
        CHECK_INT(ack.stored_count, v->stored);
        CHECK_INT(ack.refused_count, v->refused);
        for (int k = 0; k < v->stored + v->refused; k++) {
            CHECK_INT(ack.ranges[k].first, v->ranges[k][0]);
            CHECK_INT(ack.ranges[k].last, v->ranges[k][1]);
        }
        for (int k = 0; k < v->named_count; k++) {
            CHECK(ww_ack_names(&ack, v->named[k]));
        }
        for (int k = 0; k < v->not_named_count; k++) {
            CHECK(!ww_ack_names(&ack, v->not_named[k]));
        }
    }
}

static const char *ack_error(const char *json)
{
    static ww_ack ack;
    const char *error = NULL;
    return ww_ack_parse(json, strlen(json), &ack, &error) ? "ok" : error;
}

void test_ack_strictness_beyond_vectors(void **state)
{
    (void)state;
    CHECK_STR(ack_error("{\"boot\":1,\"boot\":2,\"stored\":[],\"refused\":[]}"), "json");
    CHECK_STR(ack_error("{\"boot\":1,\"stored\":[],\"refused\":[]} x"), "json");
    CHECK_STR(ack_error("[1]"), "json");
    CHECK_STR(ack_error(""), "json");
    CHECK_STR(ack_error("{\"boot\":1.0,\"stored\":[],\"refused\":[]}"), "boot");
    CHECK_STR(ack_error("{\"boot\":\"1\",\"stored\":[],\"refused\":[]}"), "boot");
    CHECK_STR(ack_error("{\"boot\":1,\"stored\":[[1,2,3]],\"refused\":[]}"), "stored");
    CHECK_STR(ack_error("{\"boot\":1,\"stored\":[[1]],\"refused\":[]}"), "stored");
    CHECK_STR(ack_error("{\"boot\":1,\"stored\":[[-1,2]],\"refused\":[]}"), "stored");
    CHECK_STR(ack_error("{\"boot\":1,\"stored\":[[1,2]]}"), "refused");
    CHECK_STR(ack_error("{\"boot\":1,\"stored\":[],\"refused\":[[1,1e3]]}"), "refused");
    CHECK_STR(ack_error(" {\"refused\":[],\"x\":{\"y\":[null,true]},\"stored\":[[3,3]],\"boot\":0} "), "ok");
    /* 256 ranges in all are allowed, 257 are not. */
    static char big[8192];
    ww_out o;
    for (int n = 256; n <= 257; n++) {
        ww_out_init(&o, big, sizeof big);
        ww_out_str(&o, "{\"boot\":1,\"stored\":[");
        for (int k = 0; k < n - 1; k++) {
            ww_out_str(&o, k ? ",[" : "[");
            ww_out_u64(&o, (uint64_t)k * 2);
            ww_out_str(&o, ",");
            ww_out_u64(&o, (uint64_t)k * 2);
            ww_out_str(&o, "]");
        }
        ww_out_str(&o, "],\"refused\":[[9999,9999]]}");
        CHECK(ww_out_end(&o) > 0);
        CHECK_STR(ack_error(big), n == 256 ? "ok" : "refused");
    }
}

static int64_t milli(const char *text)
{
    int64_t v = -12345;
    CHECK(ww_json_milli(text, text + strlen(text), &v) == text + strlen(text));
    return v;
}

void test_json_milli_exact(void **state)
{
    (void)state;
    CHECK_INT(milli("1616.61"), 1616610);
    CHECK_INT(milli("21700.0"), 21700000);
    CHECK_INT(milli("0.00"), 0);
    CHECK_INT(milli("-112.34"), -112340);
    CHECK_INT(milli("6644.90"), 6644900);
    CHECK_INT(milli("0.0005"), 1);
    CHECK_INT(milli("0.0004"), 0);
    CHECK_INT(milli("-0.0015"), -2);
    CHECK_INT(milli("1.2345e2"), 123450);
    CHECK_INT(milli("5E-3"), 5);
    CHECK_INT(milli("9223372036854775.807"), INT64_MAX);
    CHECK_INT(milli("123456789012.345678"), INT64_C(123456789012346));
    int64_t v;
    const char *big = "9223372036854775.808";
    CHECK(ww_json_milli(big, big + strlen(big), &v) == NULL);
    const char *bad = "1.";
    CHECK(ww_json_milli(bad, bad + 2, &v) == NULL);
    bad = "+1";
    CHECK(ww_json_milli(bad, bad + 2, &v) == NULL);
}

static const char GEN1[] =
    "{\"mac\":\"AABBCCDDEEFF\",\"emeters\":[{\"power\":1616.61,\"reactive\":-112.34,\"total\":21700.0},"
    "{\"power\":-35.25,\"total\":0.1}],\"uptime\":86417}";
static const char GEN2[] = "{\"em1:0\":{\"id\":0,\"act_power\":0.0},\"em1:1\":{\"id\":1,\"act_power\":5080.3},"
                           "\"em1data:0\":{\"total_act_energy\":0.00},\"em1data:1\":{\"total_act_energy\":6644.90},"
                           "\"sys\":{\"mac\":\"AABBCCDDEEF0\",\"uptime\":28980}}";

void test_shelly_inline_fixtures(void **state)
{
    (void)state;
    ww_shelly_sample s;
    static const uint8_t mac1[6] = {0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
    static const uint8_t mac2[6] = {0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xF0};
    CHECK(ww_shelly_parse(WW_SHELLY_GEN1, 0, GEN1, strlen(GEN1), &s) == NULL);
    CHECK_INT(s.power_mw, 1616610);
    CHECK(s.energy_mwh == 21700000u);
    CHECK(s.has_mac);
    CHECK_MEM(s.mac, mac1, 6);
    CHECK(ww_shelly_parse(WW_SHELLY_GEN1, 1, GEN1, strlen(GEN1), &s) == NULL);
    CHECK_INT(s.power_mw, -35250);
    CHECK(s.energy_mwh == 100u);
    CHECK(ww_shelly_parse(WW_SHELLY_GEN2, 1, GEN2, strlen(GEN2), &s) == NULL);
    CHECK_INT(s.power_mw, 5080300);
    CHECK(s.energy_mwh == 6644900u);
    CHECK_MEM(s.mac, mac2, 6);
    CHECK(ww_shelly_parse(WW_SHELLY_GEN2, 0, GEN2, strlen(GEN2), &s) == NULL);
    CHECK_INT(s.power_mw, 0);
    CHECK(s.energy_mwh == 0u);
    CHECK_STR(ww_shelly_path(WW_SHELLY_GEN1), "/status");
    CHECK_STR(ww_shelly_path(WW_SHELLY_GEN2), "/rpc/Shelly.GetStatus");
    CHECK(ww_shelly_register_restarted(true, 100, 99));
    CHECK(!ww_shelly_register_restarted(true, 100, 100));
    CHECK(!ww_shelly_register_restarted(false, 100, 0));
}

static const char *shelly_error(ww_shelly_gen gen, unsigned channel, const char *json)
{
    ww_shelly_sample s;
    const char *e = ww_shelly_parse(gen, channel, json, strlen(json), &s);
    return e ? e : "ok";
}

void test_shelly_rejects_bad_payloads(void **state)
{
    (void)state;
    CHECK_STR(shelly_error(WW_SHELLY_GEN1, 2, GEN1), "channel");
    CHECK_STR(shelly_error(WW_SHELLY_GEN2, 2, GEN2), "channel");
    CHECK_STR(shelly_error(WW_SHELLY_GEN1, 0, "{\"emeters\":[{\"power\":1,\"total\":-1}]}"), "energy");
    CHECK_STR(shelly_error(WW_SHELLY_GEN1, 0, "{\"emeters\":[{\"power\":\"1\",\"total\":1}]}"), "power");
    CHECK_STR(shelly_error(WW_SHELLY_GEN1, 0, "{\"emeters\":[{\"power\":1,\"total\":1}]"), "json");
    CHECK_STR(shelly_error(WW_SHELLY_GEN1, 0, "<html>"), "json");
    CHECK_STR(shelly_error(WW_SHELLY_GEN1, 0, "{\"emeters\":[{\"power\":1,\"total\":1}]}"), "ok");
}

/* ---- outbox ---- */

static fake_flash flash;
static ww_outbox box;

static void record_of(uint32_t seq, uint8_t msg[52], uint8_t sig[64])
{
    ww_reading r;
    memset(&r, 0, sizeof r);
    r.boot = 3;
    r.seq = seq;
    r.energy_mwh = seq;
    ww_reading_encode(&r, msg);
    memset(sig, (int)(seq & 0xFF), 64);
}

static void append_seq(uint32_t seq)
{
    uint8_t msg[52];
    uint8_t sig[64];
    uint32_t index;
    uint32_t dropped;
    record_of(seq, msg, sig);
    CHECK_INT(ww_outbox_append(&box, msg, sig, &index, &dropped), 0);
}

/* The seqs of the pending records, oldest first. */
static int pending_seqs(uint32_t *out, int cap)
{
    int n = 0;
    for (uint32_t i = ww_outbox_next_pending(&box, box.tail); i != box.head; i = ww_outbox_next_pending(&box, i + 1)) {
        uint32_t boot;
        uint32_t seq;
        uint8_t msg[52];
        uint8_t sig[64];
        uint8_t want_msg[52];
        uint8_t want_sig[64];
        CHECK(ww_outbox_is_pending(&box, i, &boot, &seq));
        CHECK_INT(ww_outbox_read(&box, i, msg, sig), 0);
        record_of(seq, want_msg, want_sig);
        CHECK_MEM(msg, want_msg, 52);
        CHECK_MEM(sig, want_sig, 64);
        CHECK(n < cap);
        out[n++] = seq;
    }
    CHECK_INT(n, box.pending);
    return n;
}

void test_outbox_append_ack_remount(void **state)
{
    (void)state;
    fake_flash_init(&flash, 512, 4); /* 4 records per sector, 16 in all */
    CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
    CHECK_INT(box.slots, 16);
    CHECK_INT(box.pending, 0);
    for (uint32_t s = 0; s < 6; s++) {
        append_seq(s);
    }
    CHECK_INT(ww_outbox_ack(&box, 0), 0);
    CHECK_INT(ww_outbox_ack(&box, 3), 0);
    CHECK(ww_outbox_ack(&box, 3) != 0); /* already acked */
    uint32_t seqs[16];
    CHECK_INT(pending_seqs(seqs, 16), 4);
    CHECK_INT(seqs[0], 1);
    CHECK_INT(seqs[3], 5);
    CHECK_INT(flash.erases[0], 1);
    CHECK_INT(flash.erases[1], 1);
    /* Reboot: the same state comes back from flash. */
    CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
    CHECK_INT(box.head, 6);
    CHECK_INT(box.tail, 1);
    CHECK_INT(pending_seqs(seqs, 16), 4);
    CHECK_INT(seqs[0], 1);
    CHECK_INT(seqs[1], 2);
    CHECK_INT(seqs[2], 4);
    uint32_t newest;
    CHECK(ww_outbox_newest(&box, &newest));
    CHECK_INT(newest, 5);
    /* Bad geometry is refused. */
    fake_flash odd;
    fake_flash_init(&odd, 100, 4);
    CHECK_INT(ww_outbox_mount(&box, &odd.hal), -1);
}

void test_outbox_full_drops_oldest_with_counter(void **state)
{
    (void)state;
    fake_flash_init(&flash, 512, 4);
    CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
    for (uint32_t s = 0; s < 16; s++) {
        append_seq(s);
    }
    CHECK_INT(box.pending, 16);
    CHECK_INT(box.dropped, 0);
    uint8_t msg[52];
    uint8_t sig[64];
    uint32_t index;
    uint32_t dropped;
    record_of(16, msg, sig);
    CHECK_INT(ww_outbox_append(&box, msg, sig, &index, &dropped), 0);
    CHECK_INT(dropped, 4); /* the oldest sector, seqs 0-3 */
    CHECK_INT(box.dropped, 4);
    uint32_t seqs[16];
    CHECK_INT(pending_seqs(seqs, 16), 13);
    CHECK_INT(seqs[0], 4);
    CHECK_INT(seqs[12], 16);
    /* Acked records are reclaimed without counting a drop. */
    uint32_t oldest = box.tail;
    for (uint32_t i = oldest; i < oldest + 4; i++) {
        CHECK_INT(ww_outbox_ack(&box, i), 0);
    }
    for (uint32_t s = 17; s < 20; s++) {
        append_seq(s);
    }
    CHECK_INT(box.dropped, 4);
    CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
    CHECK_INT(box.head, 20);
    CHECK_INT(pending_seqs(seqs, 16), 12);
    CHECK_INT(seqs[0], 8);
}

/* The power fails half-way through the erase that makes room in a full ring: what survived is still there after the
 * reboot, and the next append erases the sector again, dropping (and counting) only what it held. */
void test_outbox_power_cut_during_erase(void **state)
{
    (void)state;
    fake_flash_init(&flash, 512, 4);
    CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
    for (uint32_t s = 0; s < 16; s++) {
        append_seq(s);
    }
    flash.cut_erase = true;
    uint8_t msg[52];
    uint8_t sig[64];
    uint32_t index;
    uint32_t dropped;
    record_of(16, msg, sig);
    CHECK(ww_outbox_append(&box, msg, sig, &index, &dropped) != 0);
    flash.dead = false;
    CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
    uint32_t seqs[16];
    CHECK_INT(pending_seqs(seqs, 16), 14); /* records 0 and 1 were in the erased half */
    CHECK_INT(seqs[0], 2);
    CHECK_INT(box.head, 16);
    record_of(16, msg, sig);
    CHECK_INT(ww_outbox_append(&box, msg, sig, &index, &dropped), 0);
    CHECK_INT(dropped, 2);
    CHECK_INT(box.dropped, 2);
    CHECK_INT(pending_seqs(seqs, 16), 13);
    CHECK_INT(seqs[0], 4);
    CHECK_INT(seqs[12], 16);
}

/* Many laps of the ring with a remount (a reboot) every 7 appends: indexes continue, acked records never return. */
void test_outbox_many_laps_with_remounts(void **state)
{
    (void)state;
    fake_flash_init(&flash, 512, 4);
    CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
    uint32_t seqs[16];
    for (uint32_t s = 0; s < 200; s++) {
        append_seq(s);
        CHECK_INT(box.head, s + 1);
        if (s >= 3) {
            CHECK_INT(ww_outbox_ack(&box, s - 3), 0); /* the newest 3 stay pending */
        }
        if (s % 7 == 6) {
            CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
            CHECK_INT(box.head, s + 1);
        }
        int n = pending_seqs(seqs, 16);
        CHECK_INT(n, s >= 3 ? 3 : s + 1);
        CHECK_INT(seqs[n - 1], s);
    }
    CHECK_INT(box.dropped, 0);
    CHECK_INT(flash.erases[0], 13); /* 200 records over 4 sectors of 4: sector 0 entered 13 times */
}

/*
 * Three records are stored, then a fourth write is cut at every byte (and mid-byte). After each cut the outbox is
 * mounted again: the three are intact and pending, the torn fourth never appears, and the next append works.
 */
void test_outbox_power_cut_at_every_byte(void **state)
{
    (void)state;
    uint32_t seqs[16];
    for (long cut = 0; cut <= (long)WW_RECORD_SIZE - 4; cut++) {
        fake_flash_init(&flash, 512, 4);
        CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
        append_seq(0);
        append_seq(1);
        append_seq(2);
        CHECK_INT(ww_outbox_ack(&box, 1), 0);
        flash.budget = cut;
        uint8_t msg[52];
        uint8_t sig[64];
        uint32_t index;
        uint32_t dropped;
        record_of(3, msg, sig);
        int rc = ww_outbox_append(&box, msg, sig, &index, &dropped);
        CHECK((rc == 0) == (cut == (long)WW_RECORD_SIZE - 4));
        /* Power back: a new boot mounts the flash. */
        flash.dead = false;
        flash.budget = -1;
        CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
        int n = pending_seqs(seqs, 16);
        CHECK_INT(seqs[0], 0);
        CHECK_INT(seqs[1], 2);
        if (rc == 0) {
            CHECK_INT(n, 3);
            CHECK_INT(seqs[2], 3);
        } else {
            CHECK_INT(n, 2);
            CHECK_INT(box.torn, cut == 0 && flash.mem[3 * WW_RECORD_SIZE] == 0xFF ? 0 : 1);
        }
        append_seq(4);
        n = pending_seqs(seqs, 16);
        CHECK_INT(seqs[n - 1], 4);
        CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
        CHECK_INT(pending_seqs(seqs, 16), n);
    }
}

void test_outbox_power_cut_during_ack_mark(void **state)
{
    (void)state;
    uint32_t seqs[16];
    for (long cut = 0; cut <= 4; cut++) {
        fake_flash_init(&flash, 512, 4);
        CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
        append_seq(0);
        append_seq(1);
        flash.budget = cut;
        int rc = ww_outbox_ack(&box, 0);
        CHECK((rc == 0) == (cut == 4));
        flash.dead = false;
        flash.budget = -1;
        CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
        int n = pending_seqs(seqs, 16);
        /* Any bit of the mark cleared counts as acked (the ack had arrived); the other record is untouched. */
        CHECK_INT(n, 1);
        CHECK_INT(seqs[n - 1], 1);
    }
}

/* ---- device ---- */

static fake_se se;
static fake_mqtt mqtt;
static fake_http http;
static fake_clock clk;
static fake_log logger;
static ww_device dev;
static const char *ROOT = "wattwitness/v1/devices";

static ww_device_config config(uint32_t window)
{
    ww_device_config c;
    memset(&c, 0, sizeof c);
    c.topic_root = ROOT;
    c.firmware = "test-1";
    c.shelly_gen = WW_SHELLY_GEN1;
    c.shelly_channel = 0;
    c.interval_ms = 10000;
    c.window = window;
    c.ack_timeout_ms = 1000;
    c.ack_timeout_max = 4000;
    return c;
}

static void boot_device(uint32_t window, bool fresh_flash)
{
    uint8_t key[64];
    unhex(READING_VECTORS[0].public_key, key, 64);
    if (fresh_flash) {
        fake_flash_init(&flash, 512, 8);
        fake_se_init(&se, key, 6);
    }
    fake_mqtt_init(&mqtt);
    fake_http_init(&http, GEN1);
    fake_clock_init(&clk, INT64_C(1767225600000), true);
    fake_log_init(&logger);
    CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
    ww_device_config c = config(window);
    CHECK_INT(ww_device_start(&dev, &c, &se.hal, &mqtt.hal, &http.hal, &clk.hal, &logger.hal, &box), 0);
}

static void ack(uint32_t boot, const char *stored, uint64_t now)
{
    char json[200];
    snprintf(json, sizeof json, "{\"boot\":%u,\"stored\":%s,\"refused\":[]}", (unsigned)boot, stored);
    ww_device_on_message(&dev, dev.topic_ack, json, strlen(json), now);
}

void test_device_first_reading_and_birth(void **state)
{
    (void)state;
    boot_device(100, true);
    CHECK_INT(dev.boot, 7);
    CHECK_STR(dev.id_hex, "39bbdb115a7d41cb");
    CHECK_STR(dev.topic_readings, "wattwitness/v1/devices/39bbdb115a7d41cb/readings");
    char will[64];
    ww_device_will(&dev, will, sizeof will);
    CHECK_STR(will, "{\"state\":\"offline\",\"boot\":7}");
    char body[300];
    char want[300];
    snprintf(want, sizeof want, "{\"name\":\"Roof _A_\",\"shelly_mac\":\"aabbccddeeff\",\"public_key\":\"%s\"}",
             READING_VECTORS[0].public_key);
    CHECK_INT(ww_device_registration(&dev, "Roof \"A\"", body, sizeof body), (int)strlen(want));
    CHECK_STR(body, want);
    http.fail = 1;
    CHECK_INT(ww_device_registration(&dev, "x", body, sizeof body), -1);
    ww_device_on_connected(&dev, 0);
    CHECK_STR(mqtt.subscribed, "wattwitness/v1/devices/39bbdb115a7d41cb/ack");
    CHECK_INT(mqtt.count, 1);
    CHECK_STR(mqtt.topic[0], "wattwitness/v1/devices/39bbdb115a7d41cb/status");
    CHECK(mqtt.retain[0]);
    CHECK_STR(mqtt.payload[0],
              "{\"state\":\"online\",\"boot\":7,\"firmware\":\"test-1\",\"ts\":1767225600000,\"dropped\":0}");
    CHECK_INT(ww_device_poll(&dev, 0), 1000); /* reading taken; next: the ack timeout */
    CHECK_INT(mqtt.count, 2);
    CHECK_STR(mqtt.topic[1], dev.topic_readings);
    uint8_t msg[52];
    uint8_t sig[64];
    ww_reading r;
    CHECK(ww_unhex(mqtt.payload[1] + 12, 52, msg));
    CHECK(ww_unhex(strstr(mqtt.payload[1], "signature") + 12, 64, sig));
    CHECK_INT(ww_reading_decode(msg, 52, &r), WW_OK);
    CHECK_INT(r.boot, 7);
    CHECK_INT(r.seq, 0);
    CHECK_INT(r.flags, WW_FLAG_CLOCK_SYNCED | WW_FLAG_FIRST_AFTER_BOOT);
    CHECK_INT(r.power_mw, 1616610);
    CHECK(r.energy_mwh == 21700000u);
    CHECK_INT(r.timestamp_ms, INT64_C(1767225600000));
    CHECK(sig[32] < 0x80); /* the fake SE's high S came out low */
    clk.synced = false;
    ww_device_poll(&dev, 10000);
    CHECK_INT(fake_mqtt_seq(&mqtt, 2), 1);
    CHECK(ww_unhex(mqtt.payload[2] + 12, 52, msg));
    ww_reading_decode(msg, 52, &r);
    CHECK_INT(r.flags, 0);
}

void test_device_reconnect_resends_oldest_first(void **state)
{
    (void)state;
    boot_device(100, true);
    for (int i = 0; i < 3; i++) {
        CHECK_INT(ww_device_take_reading(&dev, (uint64_t)i * 10000), 0);
    }
    CHECK_INT(mqtt.count, 0); /* offline: stored only */
    ww_device_on_connected(&dev, 30000);
    CHECK_INT(mqtt.count, 4);
    CHECK_INT(fake_mqtt_seq(&mqtt, 1), 0);
    CHECK_INT(fake_mqtt_seq(&mqtt, 2), 1);
    CHECK_INT(fake_mqtt_seq(&mqtt, 3), 2);
    ack(7, "[[0,0]]", 30100);
    CHECK_INT(box.pending, 2);
    ww_device_on_disconnected(&dev);
    ww_device_take_reading(&dev, 40000); /* seq 3 while offline */
    mqtt.count = 0;
    ww_device_on_connected(&dev, 41000);
    CHECK_INT(mqtt.count, 4); /* birth, then 1, 2, 3 */
    CHECK_INT(fake_mqtt_seq(&mqtt, 1), 1);
    CHECK_INT(fake_mqtt_seq(&mqtt, 2), 2);
    CHECK_INT(fake_mqtt_seq(&mqtt, 3), 3);
    CHECK_INT(dev.stats.resent, 3 + 3); /* every send at a (re)connection counts as a resend */
    /* A publish failing mid-way stops the resend; the next poll continues in order. */
    ww_device_on_disconnected(&dev);
    mqtt.count = 0;
    mqtt.fail = 2; /* birth and seq 1 */
    ww_device_on_connected(&dev, 42000);
    CHECK_INT(mqtt.count, 0);
    dev.reading_due_set = true; /* no reading due in this poll */
    dev.next_reading_ms = 50000;
    ww_device_poll(&dev, 42100);
    CHECK_INT(mqtt.count, 3);
    CHECK_INT(fake_mqtt_seq(&mqtt, 0), 1);
    CHECK_INT(fake_mqtt_seq(&mqtt, 2), 3);
}

void test_device_window_bounds_in_flight(void **state)
{
    (void)state;
    boot_device(2, true);
    ww_device_on_connected(&dev, 0);
    for (int i = 0; i < 5; i++) {
        ww_device_take_reading(&dev, 0);
    }
    CHECK_INT(mqtt.count, 3); /* birth + W = 2 */
    CHECK_INT(dev.inflight_count, 2);
    ack(7, "[[1,1]]", 10);
    CHECK_INT(mqtt.count, 4);
    CHECK_INT(fake_mqtt_seq(&mqtt, 3), 2);
    ack(7, "[[0,0],[2,2]]", 20);
    CHECK_INT(mqtt.count, 6);
    CHECK_INT(fake_mqtt_seq(&mqtt, 4), 3);
    CHECK_INT(fake_mqtt_seq(&mqtt, 5), 4);
    CHECK_INT(dev.inflight_count, 2);
}

void test_device_forged_stale_duplicate_out_of_order_acks(void **state)
{
    (void)state;
    boot_device(100, true);
    ww_device_on_connected(&dev, 0);
    for (int i = 0; i < 4; i++) {
        ww_device_take_reading(&dev, 0);
    }
    CHECK_INT(box.pending, 4);
    /* Another device's topic, a malformed payload, another boot: nothing changes. */
    const char *other = "{\"boot\":7,\"stored\":[[0,3]],\"refused\":[]}";
    ww_device_on_message(&dev, "wattwitness/v1/devices/0000000000000000/ack", other, strlen(other), 1);
    ww_device_on_message(&dev, dev.topic_ack, "{\"boot\":7,\"seq\":3}", 19, 1);
    ack(6, "[[0,3]]", 1);
    CHECK_INT(box.pending, 4);
    CHECK_INT(dev.stats.acks_invalid, 1);
    CHECK_INT(dev.stats.acks_stale, 1);
    /* Out of order: 3 first, then 0-1 (refused counts the same), then duplicates. */
    ack(7, "[[3,3]]", 2);
    CHECK_INT(box.pending, 3);
    const char *refused = "{\"boot\":7,\"stored\":[[0,0]],\"refused\":[[1,1]]}";
    ww_device_on_message(&dev, dev.topic_ack, refused, strlen(refused), 3);
    CHECK_INT(box.pending, 1);
    ack(7, "[[3,3]]", 4);
    ack(7, "[[0,1]]", 4);
    CHECK_INT(box.pending, 1);
    CHECK_INT(dev.stats.acks_stale, 3);
    CHECK_INT(dev.inflight_count, 1);
    CHECK_INT(dev.inflight[0], 2);
    CHECK_INT(dev.stats.acked, 3);
}

void test_device_timeout_backoff_and_reset(void **state)
{
    (void)state;
    boot_device(100, true);
    ww_device_on_connected(&dev, 0);
    ww_device_poll(&dev, 0);         /* the first poll takes seq 0 at t=0; the next reading is due at 10 s */
    ww_device_take_reading(&dev, 0); /* seq 1 at t=0 */
    CHECK_INT(mqtt.count, 3);
    ww_device_poll(&dev, 999);
    CHECK_INT(mqtt.count, 3);
    ww_device_poll(&dev, 1000); /* T = 1 s elapsed: both again, oldest first */
    CHECK_INT(mqtt.count, 5);
    CHECK_INT(fake_mqtt_seq(&mqtt, 3), 0);
    CHECK_INT(fake_mqtt_seq(&mqtt, 4), 1);
    CHECK_INT(dev.timeout_ms, 2000);
    ww_device_poll(&dev, 2999);
    CHECK_INT(mqtt.count, 5);
    ww_device_poll(&dev, 3000);
    CHECK_INT(mqtt.count, 7);
    CHECK_INT(dev.timeout_ms, 4000);
    ww_device_poll(&dev, 7000);
    CHECK_INT(mqtt.count, 9);
    CHECK_INT(dev.timeout_ms, 4000); /* T_max */
    /* An ack naming an in-flight reading resets T; the other one keeps its own timer. */
    ack(7, "[[1,1]]", 7500);
    CHECK_INT(dev.timeout_ms, 1000);
    ww_device_poll(&dev, 7999);
    CHECK_INT(mqtt.count, 9);
    ww_device_poll(&dev, 8000);
    CHECK_INT(mqtt.count, 10);
    CHECK_INT(fake_mqtt_seq(&mqtt, 9), 0);
    CHECK_INT(dev.stats.timeouts, 4);
    /* A stale ack does not reset the back-off. */
    CHECK_INT(dev.timeout_ms, 2000);
    ack(7, "[[1,1]]", 8100);
    CHECK_INT(dev.timeout_ms, 2000);
    /* Disconnected: no timeouts; reconnecting resends and restarts at T. */
    ww_device_on_disconnected(&dev);
    ww_device_poll(&dev, 20000); /* takes the reading of the interval (seq 2), sends nothing */
    CHECK_INT(mqtt.count, 10);
    ww_device_on_connected(&dev, 20001);
    CHECK_INT(mqtt.count, 13);
    CHECK_INT(fake_mqtt_seq(&mqtt, 11), 0);
    CHECK_INT(fake_mqtt_seq(&mqtt, 12), 2);
    CHECK_INT(dev.timeout_ms, 1000);
}

void test_device_reboot_boot_plus_one_seq_zero(void **state)
{
    (void)state;
    boot_device(100, true);
    ww_device_on_connected(&dev, 0);
    for (int i = 0; i < 3; i++) {
        ww_device_take_reading(&dev, 0);
    }
    ack(7, "[[0,0]]", 1);
    /* Power cut; the next start keeps the flash and the secure element's counter. */
    boot_device(100, false);
    CHECK_INT(dev.boot, 8);
    CHECK_INT(dev.seq, 0);
    CHECK_INT(box.pending, 2);
    ww_device_on_connected(&dev, 0);
    ww_device_take_reading(&dev, 0);
    CHECK_INT(mqtt.count, 4);
    CHECK_STR(mqtt.payload[0], "{\"state\":\"online\",\"boot\":8,\"firmware\":\"test-1\",\"ts\":1767225600000,"
                               "\"dropped\":0}");
    CHECK_INT(fake_mqtt_boot(&mqtt, 1), 7); /* earlier boot's readings as they are */
    CHECK_INT(fake_mqtt_seq(&mqtt, 1), 1);
    CHECK_INT(fake_mqtt_seq(&mqtt, 2), 2);
    CHECK_INT(fake_mqtt_boot(&mqtt, 3), 8);
    CHECK_INT(fake_mqtt_seq(&mqtt, 3), 0);
    ack(8, "[[0,0]]", 2); /* boot 8's ack leaves boot 7's seq 1, 2 pending */
    CHECK_INT(box.pending, 2);
    ack(7, "[[1,2]]", 3);
    CHECK_INT(box.pending, 0);
}

void test_device_register_restart_and_errors(void **state)
{
    (void)state;
    boot_device(100, true);
    ww_device_on_connected(&dev, 0);
    ww_device_take_reading(&dev, 0);
    http.body = "{\"emeters\":[{\"power\":1.5,\"total\":2.0}]}";
    ww_device_take_reading(&dev, 10);
    uint8_t msg[52];
    ww_reading r;
    CHECK(ww_unhex(mqtt.payload[2] + 12, 52, msg));
    ww_reading_decode(msg, 52, &r);
    CHECK_INT(r.flags, WW_FLAG_CLOCK_SYNCED | WW_FLAG_REGISTER_RESTARTED);
    CHECK(r.energy_mwh == 2000u);
    CHECK(memcmp(r.meter_id, "\0\0\0\0\0\0", 6) == 0); /* no MAC in the payload: the configured one */
    /* Errors: logged, no reading, no seq used; signing failure burns no seq either. */
    http.fail = 1;
    CHECK(ww_device_take_reading(&dev, 20) < 0);
    http.body = "{\"emeters\":[]}";
    CHECK(ww_device_take_reading(&dev, 30) < 0);
    CHECK_STR(logger.last, "meter: status payload rejected: channel");
    http.body = GEN1;
    se.fail_sign = 1;
    CHECK(ww_device_take_reading(&dev, 40) < 0);
    CHECK_INT(ww_device_take_reading(&dev, 50), 0);
    CHECK_INT(fake_mqtt_seq(&mqtt, 3), 2);
    CHECK_INT(dev.stats.reading_errors, 3);
    /* A reboot remembers the register of the newest stored reading. */
    http.body = "{\"emeters\":[{\"power\":1.5,\"total\":2.0}]}";
    boot_device(100, false);
    http.body = "{\"emeters\":[{\"power\":1.5,\"total\":2.0}]}";
    ww_device_on_connected(&dev, 0);
    ww_device_take_reading(&dev, 0);
    CHECK(ww_unhex(mqtt.payload[mqtt.count - 1] + 12, 52, msg));
    ww_reading_decode(msg, 52, &r);
    CHECK_INT(r.flags, WW_FLAG_CLOCK_SYNCED | WW_FLAG_FIRST_AFTER_BOOT | WW_FLAG_REGISTER_RESTARTED);
}

void test_device_flash_read_error_keeps_the_reading(void **state)
{
    (void)state;
    boot_device(100, true);
    for (int i = 0; i < 3; i++) {
        CHECK_INT(ww_device_take_reading(&dev, (uint64_t)i * 10000), 0); /* offline: stored, not sent */
    }
    CHECK_INT(box.pending, 3);
    flash.fail_reads = 1; /* the first record's read fails once during the resend */
    ww_device_on_connected(&dev, 30000);
    CHECK_INT(dev.stats.flash_errors, 1);
    CHECK_INT(box.pending, 3); /* nothing left the outbox without an ack */
    CHECK_INT((long)box.dropped, 0);
    CHECK_INT(mqtt.count, 1);    /* the birth only: sending stopped at the record it could not read */
    ww_device_poll(&dev, 30001); /* read again: the three go, oldest first, then the poll's new reading (seq 3) */
    CHECK_INT(mqtt.count, 5);
    CHECK_INT(fake_mqtt_seq(&mqtt, 1), 0);
    CHECK_INT(fake_mqtt_seq(&mqtt, 3), 2);
    CHECK_INT(fake_mqtt_seq(&mqtt, 4), 3);
    /* Remounted from flash: all four pending until the backend acks them. */
    CHECK_INT(ww_outbox_mount(&box, &flash.hal), 0);
    CHECK_INT(box.pending, 4);
}

void test_device_corrupt_record_counted_as_dropped(void **state)
{
    (void)state;
    boot_device(100, true);
    for (int i = 0; i < 2; i++) {
        CHECK_INT(ww_device_take_reading(&dev, (uint64_t)i * 10000), 0);
    }
    /* A bit of the first record's signature rots after it was written (programming can only clear bits). */
    flash.mem[box.tail % box.slots * WW_RECORD_SIZE + 60] = 0x00;
    flash.mem[box.tail % box.slots * WW_RECORD_SIZE + 61] = 0x00;
    ww_device_on_connected(&dev, 20000);
    CHECK_INT(dev.stats.corrupt, 1);
    CHECK_INT((long)box.dropped, 1); /* counted, reported in the next birth */
    CHECK_INT(box.pending, 1);
    CHECK_INT(mqtt.count, 2); /* birth + seq 1 */
    CHECK_INT(fake_mqtt_seq(&mqtt, 1), 1);
    ww_device_on_disconnected(&dev);
    ww_device_on_connected(&dev, 20001);
    CHECK(strstr(mqtt.payload[2], "\"dropped\":1") != NULL);
}

void test_device_publish_failing_at_t_max_does_not_spin(void **state)
{
    (void)state;
    boot_device(100, true); /* T = 1 s, T_max = 4 s */
    ww_device_on_connected(&dev, 0);
    ww_device_poll(&dev, 0); /* seq 0 sent at t=0 */
    CHECK_INT(mqtt.count, 2);
    mqtt.fail = 1000000; /* the connection is still up but every publish fails */
    uint32_t polls_with_work = 0;
    for (uint64_t t = 1; t <= 9000; t++) {
        uint32_t wait = ww_device_poll(&dev, t);
        CHECK(wait > 0);
        polls_with_work += logger.lines > 0 ? 1u : 0u;
        logger.lines = 0;
    }
    /* Timeouts at 1, 3 and 7 s (T doubling to T_max), then one every T_max: never on every poll. */
    CHECK_INT(dev.stats.timeouts, 3);
    CHECK_INT(dev.timeout_ms, 4000);
    CHECK(polls_with_work <= 8);
    CHECK_INT(box.pending, 1); /* still there, sent once the broker takes it */
    mqtt.fail = 0;
    ww_device_poll(&dev, 11000);
    CHECK_INT(fake_mqtt_seq(&mqtt, mqtt.count - 1), 0);
}

void test_device_clock_not_set_skips_the_reading(void **state)
{
    (void)state;
    boot_device(100, true);
    clk.now_ms = 1000; /* power-up, no SNTP yet: the clock counts from 1970 */
    clk.synced = false;
    CHECK_INT(ww_device_take_reading(&dev, 0), -6);
    CHECK_INT(dev.stats.clock_unset, 1);
    CHECK_INT(box.pending, 0);
    CHECK_INT(dev.seq, 0); /* no (boot, seq) spent */
    /* A clock that holds a plausible time without a sync (an RTC kept across a reset) is used, flag cleared. */
    clk.now_ms = INT64_C(1767225600000);
    CHECK_INT(ww_device_take_reading(&dev, 10000), 0);
    CHECK_INT(box.pending, 1);
    clk.synced = true;
    CHECK_INT(ww_device_take_reading(&dev, 20000), 0);
    CHECK_INT(dev.seq, 2);
}

void test_provisioning_registration_without_start(void **state)
{
    (void)state;
    boot_device(100, true);
    char started[300];
    CHECK(ww_device_registration(&dev, "Roof 1", started, sizeof started) > 0);
    uint32_t counter = se.counter;
    uint8_t key[64];
    unhex(READING_VECTORS[0].public_key, key, 64);
    ww_device_config c = config(100);
    static char scratch[WW_HTTP_BODY_MAX];
    char body[300];
    CHECK_INT(ww_provisioning_registration(&http.hal, &c, key, "Roof 1", scratch, sizeof scratch, body, sizeof body),
              (int)strlen(started));
    CHECK_STR(body, started);
    CHECK_INT(se.counter, counter); /* no boot number spent */
    http.fail = 1;
    CHECK_INT(ww_provisioning_registration(&http.hal, &c, key, "Roof 1", scratch, sizeof scratch, body, sizeof body),
              -1);
    CHECK_INT(ww_provisioning_registration(&http.hal, &c, key, "Roof 1", scratch, sizeof scratch, body, 20), -1);
}

void test_json_uint_below_a_small_max(void **state)
{
    (void)state;
    uint64_t v = 99;
    const char *text = "5]";
    CHECK(ww_json_uint(text, text + 2, 3, &v) == NULL); /* 5 > max 3: refused, no wrap-around */
    CHECK_INT((long)v, 99);
    CHECK(ww_json_uint(text, text + 2, 5, &v) == text + 1);
    CHECK_INT((long)v, 5);
    const char *big = "4294967296,";
    CHECK(ww_json_uint(big, big + 11, UINT32_MAX, &v) == NULL);
}
