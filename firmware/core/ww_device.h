/*
 * The meter's protocol state machine (SPEC.md §6.2): boot from the secure element's counter, one reading per
 * interval (Shelly -> message -> SHA-256 -> sign -> low-S -> outbox), the window of W readings in flight, resend
 * of everything unacknowledged oldest first after every (re)connection, resend on ack timeout with a doubling
 * back-off up to T_max, acks that name in-flight readings reset the timeout. Single-threaded: the port calls every
 * function from one task. No allocation; the struct is large (about 25 KiB with the default outbox) and meant to be
 * static.
 */
#ifndef WW_DEVICE_H
#define WW_DEVICE_H

#include "ww_ack.h"
#include "ww_hal.h"
#include "ww_outbox.h"
#include "ww_reading.h"
#include "ww_shelly.h"

#define WW_WINDOW_MAX    100u
#define WW_HTTP_BODY_MAX 4096u
#define WW_TOPIC_MAX     96u
/** Smallest ack timeout T the core accepts (ms); a smaller configured T is raised to it. */
#define WW_ACK_TIMEOUT_MIN 1000u
/**
 * Earliest wall-clock time (Unix ms, 2025-01-01T00:00:00Z) a reading may carry when the clock is not synced. Before
 * the first SNTP sync after a power cut the clock counts from 1970; such a reading would be refused as too old
 * (SPEC §8), so none is taken: the energy register carries the energy to the first reading after the sync.
 */
#define WW_CLOCK_FLOOR_MS INT64_C(1735689600000)

typedef struct {
    const char *topic_root; /* "wattwitness/v1/devices" */
    const char *firmware;   /* announced in the birth message */
    ww_shelly_gen shelly_gen;
    unsigned shelly_channel;
    uint8_t meter_mac[6];     /* used when the Shelly payload carries no MAC */
    uint32_t interval_ms;     /* 10000 */
    uint32_t window;          /* W, 1 .. WW_WINDOW_MAX */
    uint32_t ack_timeout_ms;  /* T, 30000 */
    uint32_t ack_timeout_max; /* T_max, 600000 */
} ww_device_config;

/** Counters, for logs and tests. */
typedef struct {
    uint32_t readings;       /* readings signed and stored */
    uint32_t reading_errors; /* meter, signing or flash failures */
    uint32_t sent;           /* first sends */
    uint32_t resent;         /* sends after a reconnection or a timeout */
    uint32_t publish_errors;
    uint32_t acks;         /* valid acks of our topic */
    uint32_t acks_invalid; /* payloads that are not an ack */
    uint32_t acks_stale;   /* valid acks naming nothing pending */
    uint32_t acked;        /* readings removed from the outbox by an ack */
    uint32_t timeouts;
    uint32_t clock_unset;  /* readings not taken: clock not synced and before WW_CLOCK_FLOOR_MS */
    uint32_t flash_errors; /* outbox reads that failed (the record stays pending, retried) */
    uint32_t corrupt;      /* pending records whose CRC or index no longer checks: counted in the outbox's dropped */
} ww_device_stats;

typedef struct {
    ww_device_config cfg;
    const ww_se *se;
    const ww_mqtt *mqtt;
    const ww_http *http;
    const ww_clock *clock;
    const ww_log *log;
    ww_outbox *outbox;

    uint8_t public_key[WW_PUBKEY_LEN];
    uint8_t device_id[WW_DEVICE_ID_LEN];
    char id_hex[2 * WW_DEVICE_ID_LEN + 1];
    char topic_readings[WW_TOPIC_MAX];
    char topic_status[WW_TOPIC_MAX];
    char topic_ack[WW_TOPIC_MAX];
    uint32_t boot;
    uint32_t seq;
    bool connected;
    bool have_previous_energy;
    uint64_t previous_energy_mwh;
    bool reading_due_set;
    uint64_t next_reading_ms; /* monotonic */

    uint32_t inflight[WW_WINDOW_MAX]; /* write indexes, oldest first */
    uint64_t sent_at[WW_WINDOW_MAX];  /* monotonic ms of the last send */
    uint32_t inflight_count;
    uint32_t cursor;     /* next outbox index not yet sent in this connection */
    uint32_t timeout_ms; /* current ack timeout */

    ww_device_stats stats;
    char http_body[WW_HTTP_BODY_MAX];
    ww_ack ack; /* scratch for parsing */
} ww_device;

/**
 * Starts a boot: increments the secure element's counter (the boot number), reads the public key, derives the
 * device id and topics, mounts the outbox (outbox->flash must be set up by the caller via ww_outbox_mount).
 * @return 0, or negative when the secure element fails (the port retries and resets through its watchdog)
 */
int ww_device_start(ww_device *dev, const ww_device_config *cfg, const ww_se *se, const ww_mqtt *mqtt,
                    const ww_http *http, const ww_clock *clock, const ww_log *log, ww_outbox *outbox);

/** The last-will payload {"state":"offline","boot":N} (set before connecting); length or -1. */
int ww_device_will(const ww_device *dev, char *buf, size_t cap);

/** The MQTT session is up: subscribe to the ack topic, publish the birth, resend everything pending. */
void ww_device_on_connected(ww_device *dev, uint64_t now_ms);

/** The MQTT session is down: nothing is in flight any more. */
void ww_device_on_disconnected(ww_device *dev);

/** A message arrived on a subscribed topic (acks on the own ack topic; anything else is logged and ignored). */
void ww_device_on_message(ww_device *dev, const char *topic, const char *payload, size_t len, uint64_t now_ms);

/**
 * Applies a parsed, valid ack of this device (for ports that parse on another task): readings it names leave the
 * outbox; naming an in-flight reading resets the ack timeout; the window is refilled.
 */
void ww_device_apply_ack(ww_device *dev, const ww_ack *ack, uint64_t now_ms);

/**
 * Takes one reading now (meter, sign, outbox, send); 0 or negative (logged, retried at the next interval): -1 meter
 * HTTP, -2 meter payload, -3 register out of range, -4 signing, -5 outbox, -6 clock not set (see WW_CLOCK_FLOOR_MS).
 */
int ww_device_take_reading(ww_device *dev, uint64_t now_ms);

/**
 * Call often (e.g. every 100 ms) with the monotonic time: takes a reading when the interval has elapsed, resends on
 * ack timeout and fills the window.
 * @return milliseconds until the next thing to do (at most the interval)
 */
uint32_t ww_device_poll(ww_device *dev, uint64_t now_ms);

/** Builds the §4 envelope of a message and signature into buf; length or -1. */
int ww_envelope_json(const uint8_t msg[WW_MESSAGE_LEN], const uint8_t sig[WW_SIGNATURE_LEN], char *buf, size_t cap);

/** Builds the birth {"state":"online","boot":N,"firmware":"…","ts":ms,"dropped":D}; length or -1. */
int ww_birth_json(uint32_t boot, const char *firmware, int64_t ts_ms, uint64_t dropped, char *buf, size_t cap);

/**
 * Builds the installation registration body of the query API (POST /api/v1/installations/):
 * {"name":"…","shelly_mac":"<12 hex>","public_key":"<128 hex>"} (name: quotes, backslashes and control characters
 * replaced by '_'); length or -1.
 */
int ww_registration_json(const char *name, const uint8_t mac[6], const uint8_t public_key[WW_PUBKEY_LEN], char *buf,
                         size_t cap);

/**
 * Reads the meter once for its MAC (falling back to cfg.meter_mac when the payload has none) and builds the
 * registration body of this device; length, or -1 when the meter cannot be read or the buffer is too small.
 */
int ww_device_registration(ww_device *dev, const char *name, char *buf, size_t cap);

/**
 * The same registration body without a started device (the provisioning mode: no boot counter spent, no MQTT):
 * reads the meter through http into scratch (at least WW_HTTP_BODY_MAX bytes), takes its MAC (or cfg->meter_mac)
 * and the secure element's public key; length, or -1 when the meter cannot be read or a buffer is too small.
 */
int ww_provisioning_registration(const ww_http *http, const ww_device_config *cfg,
                                 const uint8_t public_key[WW_PUBKEY_LEN], const char *name, char *scratch,
                                 size_t scratch_cap, char *buf, size_t cap);

#endif
