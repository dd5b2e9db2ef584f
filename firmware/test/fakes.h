/* Test doubles of the HAL: NOR flash with power cuts, MQTT, HTTP, clock, a portable secure element, a log. */
#ifndef WW_FAKES_H
#define WW_FAKES_H

#include "ww_hal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAKE_FLASH_MAX (32u * 1024u)

/** NOR flash: erase sets 0xFF, program ANDs; after `budget` programmed bytes the power fails mid-byte. */
typedef struct {
    uint8_t mem[FAKE_FLASH_MAX];
    uint32_t erases[64];
    long budget;    /* bytes that may still be programmed; < 0 = unlimited */
    bool dead;      /* the power is off: every operation fails */
    bool cut_erase; /* the next erase stops half-way through its sector and the power fails */
    int fail_reads; /* reads still to fail (a transient bus error; the contents stay intact) */
    ww_flash hal;
} fake_flash;

void fake_flash_init(fake_flash *f, uint32_t sector_size, uint32_t sector_count);

#define FAKE_MQTT_LOG 64
typedef struct {
    char topic[FAKE_MQTT_LOG][96];
    char payload[FAKE_MQTT_LOG][320];
    bool retain[FAKE_MQTT_LOG];
    int count;
    int fail; /* publishes still to fail */
    char subscribed[96];
    ww_mqtt hal;
} fake_mqtt;

void fake_mqtt_init(fake_mqtt *m);
/** Seq of the reading published as log entry i (decodes the envelope), or -1 when it is not a reading. */
long fake_mqtt_seq(const fake_mqtt *m, int i);
uint32_t fake_mqtt_boot(const fake_mqtt *m, int i);

typedef struct {
    const char *body;
    int fail;
    ww_http hal;
} fake_http;

void fake_http_init(fake_http *h, const char *body);

typedef struct {
    int64_t now_ms;
    bool synced;
    ww_clock hal;
} fake_clock;

void fake_clock_init(fake_clock *c, int64_t now_ms, bool synced);

/** A secure element without ECDSA (portable to the target): a fixed key, a deterministic r||s, a counter. */
typedef struct {
    uint8_t public_key[64];
    uint32_t counter;
    int fail_sign;
    ww_se hal;
} fake_se;

void fake_se_init(fake_se *s, const uint8_t public_key[64], uint32_t counter);

typedef struct {
    int lines;
    char last[160];
    ww_log hal;
} fake_log;

void fake_log_init(fake_log *l);

#endif
