#include "ww_device.h"

#include "ww_json.h"
#include "ww_sha256.h"

#include <string.h>

static void logf_(const ww_device *dev, ww_log_level level, const char *a, uint64_t n1, const char *b, uint64_t n2,
                  const char *c)
{
    if (!dev->log || !dev->log->line) {
        return;
    }
    char line[160];
    ww_out o;
    ww_out_init(&o, line, sizeof line);
    ww_out_str(&o, a);
    if (b) {
        ww_out_u64(&o, n1);
        ww_out_str(&o, b);
    }
    if (c) {
        ww_out_u64(&o, n2);
        ww_out_str(&o, c);
    }
    if (ww_out_end(&o) < 0) {
        dev->log->line(dev->log->ctx, level, a); /* too long for the line buffer: the fixed part only */
        return;
    }
    dev->log->line(dev->log->ctx, level, line);
}

#define LOG0(dev, lvl, text)            logf_(dev, lvl, text, 0, NULL, 0, NULL)
#define LOG1(dev, lvl, a, n, b)         logf_(dev, lvl, a, n, b, 0, NULL)
#define LOG2(dev, lvl, a, n1, b, n2, c) logf_(dev, lvl, a, n1, b, n2, c)

static bool topic(char *out, const char *root, const char *id, const char *leaf)
{
    ww_out o;
    ww_out_init(&o, out, WW_TOPIC_MAX);
    ww_out_str(&o, root);
    ww_out_str(&o, "/");
    ww_out_str(&o, id);
    ww_out_str(&o, "/");
    ww_out_str(&o, leaf);
    return ww_out_end(&o) >= 0;
}

int ww_envelope_json(const uint8_t msg[WW_MESSAGE_LEN], const uint8_t sig[WW_SIGNATURE_LEN], char *buf, size_t cap)
{
    ww_out o;
    ww_out_init(&o, buf, cap);
    ww_out_str(&o, "{\"message\":\"");
    ww_out_hex(&o, msg, WW_MESSAGE_LEN);
    ww_out_str(&o, "\",\"signature\":\"");
    ww_out_hex(&o, sig, WW_SIGNATURE_LEN);
    ww_out_str(&o, "\"}");
    return ww_out_end(&o);
}

static void out_safe(ww_out *o, const char *text)
{
    for (const char *c = text; *c; c++) {
        char one[2] = {(*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) ? '_' : *c, '\0'};
        ww_out_str(o, one);
    }
}

int ww_registration_json(const char *name, const uint8_t mac[6], const uint8_t public_key[WW_PUBKEY_LEN], char *buf,
                         size_t cap)
{
    ww_out o;
    ww_out_init(&o, buf, cap);
    ww_out_str(&o, "{\"name\":\"");
    out_safe(&o, name);
    ww_out_str(&o, "\",\"shelly_mac\":\"");
    ww_out_hex(&o, mac, 6);
    ww_out_str(&o, "\",\"public_key\":\"");
    ww_out_hex(&o, public_key, WW_PUBKEY_LEN);
    ww_out_str(&o, "\"}");
    return ww_out_end(&o);
}

int ww_provisioning_registration(const ww_http *http, const ww_device_config *cfg,
                                 const uint8_t public_key[WW_PUBKEY_LEN], const char *name, char *scratch,
                                 size_t scratch_cap, char *buf, size_t cap)
{
    size_t len = 0;
    ww_shelly_sample sample;
    if (http->get(http->ctx, ww_shelly_path(cfg->shelly_gen), scratch, scratch_cap, &len) != 0 ||
        ww_shelly_parse(cfg->shelly_gen, cfg->shelly_channel, scratch, len, &sample) != NULL) {
        return -1;
    }
    return ww_registration_json(name, sample.has_mac ? sample.mac : cfg->meter_mac, public_key, buf, cap);
}

int ww_device_registration(ww_device *dev, const char *name, char *buf, size_t cap)
{
    int len = ww_provisioning_registration(dev->http, &dev->cfg, dev->public_key, name, dev->http_body,
                                           sizeof dev->http_body, buf, cap);
    if (len < 0) {
        LOG0(dev, WW_LOG_ERROR, "registration: the meter could not be read for its MAC");
    }
    return len;
}

int ww_birth_json(uint32_t boot, const char *firmware, int64_t ts_ms, uint64_t dropped, char *buf, size_t cap)
{
    ww_out o;
    ww_out_init(&o, buf, cap);
    ww_out_str(&o, "{\"state\":\"online\",\"boot\":");
    ww_out_u64(&o, boot);
    ww_out_str(&o, ",\"firmware\":\"");
    out_safe(&o, firmware);
    ww_out_str(&o, "\",\"ts\":");
    ww_out_i64(&o, ts_ms);
    ww_out_str(&o, ",\"dropped\":");
    ww_out_u64(&o, dropped);
    ww_out_str(&o, "}");
    return ww_out_end(&o);
}

int ww_device_will(const ww_device *dev, char *buf, size_t cap)
{
    ww_out o;
    ww_out_init(&o, buf, cap);
    ww_out_str(&o, "{\"state\":\"offline\",\"boot\":");
    ww_out_u64(&o, dev->boot);
    ww_out_str(&o, "}");
    return ww_out_end(&o);
}

int ww_device_start(ww_device *dev, const ww_device_config *cfg, const ww_se *se, const ww_mqtt *mqtt,
                    const ww_http *http, const ww_clock *clock, const ww_log *log, ww_outbox *outbox)
{
    memset(dev, 0, offsetof(ww_device, http_body));
    dev->cfg = *cfg;
    if (dev->cfg.window == 0 || dev->cfg.window > WW_WINDOW_MAX) {
        dev->cfg.window = WW_WINDOW_MAX;
    }
    if (dev->cfg.ack_timeout_ms < WW_ACK_TIMEOUT_MIN) {
        dev->cfg.ack_timeout_ms = WW_ACK_TIMEOUT_MIN;
    }
    if (dev->cfg.ack_timeout_max < dev->cfg.ack_timeout_ms) {
        dev->cfg.ack_timeout_max = dev->cfg.ack_timeout_ms;
    }
    dev->se = se;
    dev->mqtt = mqtt;
    dev->http = http;
    dev->clock = clock;
    dev->log = log;
    dev->outbox = outbox;
    dev->timeout_ms = dev->cfg.ack_timeout_ms;
    if (se->public_key(se->ctx, dev->public_key) != 0) {
        LOG0(dev, WW_LOG_ERROR, "secure element: reading the public key failed");
        return -1;
    }
    if (se->increment_counter(se->ctx, &dev->boot) != 0) {
        LOG0(dev, WW_LOG_ERROR, "secure element: incrementing the boot counter failed");
        return -2;
    }
    ww_device_id(dev->public_key, dev->device_id);
    ww_hex(dev->device_id, WW_DEVICE_ID_LEN, dev->id_hex);
    if (!topic(dev->topic_readings, cfg->topic_root, dev->id_hex, "readings") ||
        !topic(dev->topic_status, cfg->topic_root, dev->id_hex, "status") ||
        !topic(dev->topic_ack, cfg->topic_root, dev->id_hex, "ack")) {
        LOG0(dev, WW_LOG_ERROR, "topic root too long");
        return -3;
    }
    uint32_t newest;
    uint8_t msg[WW_MESSAGE_LEN];
    uint8_t sig[WW_SIGNATURE_LEN];
    ww_reading last;
    if (ww_outbox_newest(outbox, &newest) && ww_outbox_read(outbox, newest, msg, sig) == 0 &&
        ww_reading_decode(msg, sizeof msg, &last) == WW_OK) {
        dev->have_previous_energy = true;
        dev->previous_energy_mwh = last.energy_mwh;
    }
    dev->cursor = outbox->tail;
    LOG2(dev, WW_LOG_INFO, "boot ", dev->boot, ", outbox pending ", outbox->pending, "");
    return 0;
}

static void publish_record(ww_device *dev, uint32_t index, bool resend, uint64_t now_ms, bool *ok)
{
    uint8_t msg[WW_MESSAGE_LEN];
    uint8_t sig[WW_SIGNATURE_LEN];
    char envelope[16 + 2 * WW_MESSAGE_LEN + 2 * WW_SIGNATURE_LEN + 16];
    *ok = false;
    int rc = ww_outbox_read(dev->outbox, index, msg, sig);
    if (rc == -2) {
        /* The flash did not answer: the record stays pending and is read again later. */
        dev->stats.flash_errors++;
        LOG1(dev, WW_LOG_WARN, "outbox: reading record ", index, " failed, retrying later");
        return;
    }
    if (rc != 0) {
        /* The record no longer checks (CRC or index): it can never be sent. It leaves the outbox counted as
           dropped, so the next birth message reports it (§6.2: never silently). */
        dev->stats.corrupt++;
        dev->outbox->dropped++;
        LOG2(dev, WW_LOG_ERROR, "outbox: record ", index, " is corrupt, dropped (", dev->outbox->dropped,
             " dropped so far)");
        ww_outbox_ack(dev->outbox, index);
        return;
    }
    int len = ww_envelope_json(msg, sig, envelope, sizeof envelope);
    if (dev->mqtt->publish(dev->mqtt->ctx, dev->topic_readings, envelope, (size_t)len, 1, false) != 0) {
        dev->stats.publish_errors++;
        LOG1(dev, WW_LOG_WARN, "mqtt: publish of outbox record ", index, " failed, retrying later");
        return;
    }
    if (resend) {
        dev->stats.resent++;
    } else {
        dev->stats.sent++;
    }
    (void)now_ms;
    *ok = true;
}

/* Drops in-flight entries that are no longer pending (acked, or dropped by a full outbox). */
static bool compact_inflight(ww_device *dev)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < dev->inflight_count; i++) {
        if (ww_outbox_is_pending(dev->outbox, dev->inflight[i], NULL, NULL)) {
            dev->inflight[kept] = dev->inflight[i];
            dev->sent_at[kept] = dev->sent_at[i];
            kept++;
        }
    }
    bool removed = kept != dev->inflight_count;
    dev->inflight_count = kept;
    return removed;
}

/* Sends pending records not yet in flight, oldest first, while the window has room. */
static void pump(ww_device *dev, uint64_t now_ms)
{
    while (dev->connected && dev->inflight_count < dev->cfg.window) {
        uint32_t index = ww_outbox_next_pending(dev->outbox, dev->cursor);
        if (index == dev->outbox->head) {
            dev->cursor = index;
            return;
        }
        bool ok;
        publish_record(dev, index, false, now_ms, &ok);
        if (!ok) {
            if (ww_outbox_is_pending(dev->outbox, index, NULL, NULL)) {
                return; /* publish failed: try again at the next poll */
            }
            continue; /* unreadable record acknowledged locally */
        }
        dev->cursor = index + 1;
        dev->inflight[dev->inflight_count] = index;
        dev->sent_at[dev->inflight_count] = now_ms;
        dev->inflight_count++;
    }
}

void ww_device_on_connected(ww_device *dev, uint64_t now_ms)
{
    char birth[160];
    bool synced;
    dev->connected = true;
    dev->inflight_count = 0;
    dev->cursor = dev->outbox->tail;
    dev->timeout_ms = dev->cfg.ack_timeout_ms;
    if (dev->mqtt->subscribe(dev->mqtt->ctx, dev->topic_ack, 1) != 0) {
        LOG0(dev, WW_LOG_ERROR, "mqtt: subscribing to the ack topic failed");
    }
    int len = ww_birth_json(dev->boot, dev->cfg.firmware, dev->clock->unix_ms(dev->clock->ctx, &synced),
                            dev->outbox->dropped, birth, sizeof birth);
    if (len < 0 || dev->mqtt->publish(dev->mqtt->ctx, dev->topic_status, birth, (size_t)len, 1, true) != 0) {
        LOG0(dev, WW_LOG_WARN, "mqtt: publishing the birth message failed");
    }
    LOG2(dev, WW_LOG_INFO, "mqtt: connected, resending ", dev->outbox->pending, " pending readings (dropped so far ",
         dev->outbox->dropped, ")");
    /* Everything unacknowledged goes again, oldest first, before any new reading (§6.2 Order). */
    uint32_t first_new = dev->outbox->head;
    while (dev->connected && dev->inflight_count < dev->cfg.window) {
        uint32_t index = ww_outbox_next_pending(dev->outbox, dev->cursor);
        if (index == dev->outbox->head) {
            break;
        }
        bool ok;
        publish_record(dev, index, index < first_new, now_ms, &ok);
        if (!ok) {
            if (ww_outbox_is_pending(dev->outbox, index, NULL, NULL)) {
                break;
            }
            continue;
        }
        dev->cursor = index + 1;
        dev->inflight[dev->inflight_count] = index;
        dev->sent_at[dev->inflight_count] = now_ms;
        dev->inflight_count++;
    }
}

void ww_device_on_disconnected(ww_device *dev)
{
    if (dev->connected) {
        LOG1(dev, WW_LOG_WARN, "mqtt: disconnected with ", dev->inflight_count, " readings in flight");
    }
    dev->connected = false;
    dev->inflight_count = 0;
    dev->cursor = dev->outbox->tail;
}

void ww_device_on_message(ww_device *dev, const char *topic_name, const char *payload, size_t len, uint64_t now_ms)
{
    if (strcmp(topic_name, dev->topic_ack) != 0) {
        LOG0(dev, WW_LOG_WARN, "mqtt: message on an unexpected topic ignored");
        return;
    }
    const char *error;
    if (!ww_ack_parse(payload, len, &dev->ack, &error)) {
        dev->stats.acks_invalid++;
        char line[64];
        ww_out o;
        ww_out_init(&o, line, sizeof line);
        ww_out_str(&o, "ack rejected: invalid ");
        ww_out_str(&o, error);
        ww_out_end(&o);
        LOG0(dev, WW_LOG_WARN, line);
        return;
    }
    ww_device_apply_ack(dev, &dev->ack, now_ms);
}

void ww_device_apply_ack(ww_device *dev, const ww_ack *ack, uint64_t now_ms)
{
    dev->stats.acks++;
    uint32_t named = 0;
    bool named_inflight = false;
    ww_outbox *ob = dev->outbox;
    for (uint32_t i = ww_outbox_next_pending(ob, ob->tail); i != ob->head; i = ww_outbox_next_pending(ob, i + 1)) {
        uint32_t boot;
        uint32_t seq;
        if (ww_outbox_is_pending(ob, i, &boot, &seq) && boot == ack->boot && ww_ack_names(ack, seq)) {
            for (uint32_t k = 0; k < dev->inflight_count; k++) {
                named_inflight = named_inflight || dev->inflight[k] == i;
            }
            if (ww_outbox_ack(ob, i) != 0) {
                LOG1(dev, WW_LOG_ERROR, "outbox: writing the ack mark of record ", i, " failed");
            }
            named++;
        }
    }
    dev->stats.acked += named;
    if (named == 0) {
        dev->stats.acks_stale++;
        LOG1(dev, WW_LOG_DEBUG, "ack of boot ", ack->boot, " names nothing pending (duplicate or stale)");
        return;
    }
    compact_inflight(dev);
    if (named_inflight) {
        /* Each reading keeps its own timer from its last send: a lost one is resent by itself (§6.2 Timeout). */
        dev->timeout_ms = dev->cfg.ack_timeout_ms;
    }
    pump(dev, now_ms);
}

int ww_device_take_reading(ww_device *dev, uint64_t now_ms)
{
    size_t len = 0;
    ww_shelly_sample sample;
    if (dev->http->get(dev->http->ctx, ww_shelly_path(dev->cfg.shelly_gen), dev->http_body, sizeof dev->http_body,
                       &len) != 0) {
        dev->stats.reading_errors++;
        LOG0(dev, WW_LOG_WARN, "meter: HTTP request failed, retrying at the next interval");
        return -1;
    }
    const char *error = ww_shelly_parse(dev->cfg.shelly_gen, dev->cfg.shelly_channel, dev->http_body, len, &sample);
    if (error) {
        dev->stats.reading_errors++;
        char line[64];
        ww_out o;
        ww_out_init(&o, line, sizeof line);
        ww_out_str(&o, "meter: status payload rejected: ");
        ww_out_str(&o, error);
        ww_out_end(&o);
        LOG0(dev, WW_LOG_WARN, line);
        return -2;
    }
    bool synced = false;
    int64_t now_unix_ms = dev->clock->unix_ms(dev->clock->ctx, &synced);
    if (!synced && now_unix_ms < WW_CLOCK_FLOOR_MS) {
        dev->stats.clock_unset++;
        LOG0(dev, WW_LOG_WARN,
             "clock: not set yet (no SNTP sync since power-up), reading skipped; the energy "
             "register carries its energy to the first reading after the sync");
        return -6;
    }
    ww_reading r;
    memcpy(r.device_id, dev->device_id, WW_DEVICE_ID_LEN);
    memcpy(r.meter_id, sample.has_mac ? sample.mac : dev->cfg.meter_mac, 6);
    r.boot = dev->boot;
    r.seq = dev->seq;
    r.timestamp_ms = now_unix_ms;
    r.power_mw = sample.power_mw;
    r.energy_mwh = sample.energy_mwh;
    r.flags =
        (uint16_t)((synced ? WW_FLAG_CLOCK_SYNCED : 0u) | (dev->seq == 0 ? WW_FLAG_FIRST_AFTER_BOOT : 0u) |
                   (ww_shelly_register_restarted(dev->have_previous_energy, dev->previous_energy_mwh, sample.energy_mwh)
                        ? WW_FLAG_REGISTER_RESTARTED
                        : 0u));
    uint8_t msg[WW_MESSAGE_LEN];
    uint8_t digest[32];
    uint8_t sig[WW_SIGNATURE_LEN];
    if (ww_reading_encode(&r, msg) != WW_OK) {
        dev->stats.reading_errors++;
        LOG0(dev, WW_LOG_ERROR, "reading: energy register out of range");
        return -3;
    }
    ww_sha256(msg, sizeof msg, digest);
    if (dev->se->sign_digest(dev->se->ctx, digest, sig) != 0 || ww_signature_normalize(sig) != WW_OK) {
        dev->stats.reading_errors++;
        LOG0(dev, WW_LOG_ERROR, "secure element: signing failed, retrying at the next interval");
        return -4;
    }
    /* (boot, seq) is now bound to this content: never reuse it for another message (§3.3). */
    dev->seq++;
    uint32_t index;
    uint32_t dropped;
    int rc = ww_outbox_append(dev->outbox, msg, sig, &index, &dropped);
    if (dropped) {
        LOG2(dev, WW_LOG_WARN, "outbox full: dropped ", dropped, " oldest unacknowledged readings (",
             dev->outbox->dropped, " dropped so far)");
        compact_inflight(dev);
    }
    if (rc != 0) {
        dev->stats.reading_errors++;
        LOG1(dev, WW_LOG_ERROR, "outbox: storing reading seq ", r.seq, " failed");
        return -5;
    }
    dev->have_previous_energy = true;
    dev->previous_energy_mwh = r.energy_mwh;
    dev->stats.readings++;
    pump(dev, now_ms);
    return 0;
}

static uint64_t oldest_send(const ww_device *dev)
{
    uint64_t oldest = dev->sent_at[0];
    for (uint32_t k = 1; k < dev->inflight_count; k++) {
        oldest = dev->sent_at[k] < oldest ? dev->sent_at[k] : oldest;
    }
    return oldest;
}

static void check_timeouts(ww_device *dev, uint64_t now_ms)
{
    if (!dev->connected || dev->inflight_count == 0 || now_ms - oldest_send(dev) < dev->timeout_ms) {
        return;
    }
    uint32_t timeout = dev->timeout_ms;
    dev->stats.timeouts++;
    uint32_t resent = 0;
    bool publishing = true;
    for (uint32_t k = 0; k < dev->inflight_count; k++) {
        if (now_ms - dev->sent_at[k] >= timeout) {
            if (publishing) {
                bool ok;
                publish_record(dev, dev->inflight[k], true, now_ms, &ok);
                resent += ok ? 1u : 0u;
                /* After a failed publish the rest wait for the next timeout, not for the next poll. */
                publishing = ok || !ww_outbox_is_pending(dev->outbox, dev->inflight[k], NULL, NULL);
            }
            dev->sent_at[k] = now_ms;
        }
    }
    dev->timeout_ms = timeout >= dev->cfg.ack_timeout_max / 2 ? dev->cfg.ack_timeout_max : timeout * 2;
    compact_inflight(dev);
    LOG2(dev, WW_LOG_WARN, "ack timeout: resent ", resent, " readings, next timeout ", dev->timeout_ms, " ms");
}

uint32_t ww_device_poll(ww_device *dev, uint64_t now_ms)
{
    if (!dev->reading_due_set) {
        dev->reading_due_set = true;
        dev->next_reading_ms = now_ms;
    }
    if (now_ms >= dev->next_reading_ms) {
        /* Fixed cadence; after a long stall the next reading is one interval from now, not a burst. */
        dev->next_reading_ms += dev->cfg.interval_ms;
        if (dev->next_reading_ms <= now_ms) {
            dev->next_reading_ms = now_ms + dev->cfg.interval_ms;
        }
        ww_device_take_reading(dev, now_ms);
    }
    check_timeouts(dev, now_ms);
    pump(dev, now_ms);
    uint64_t wait = dev->next_reading_ms - now_ms;
    if (dev->connected && dev->inflight_count > 0) {
        uint64_t due = oldest_send(dev) + dev->timeout_ms;
        uint64_t until = due > now_ms ? due - now_ms : 0;
        wait = until < wait ? until : wait;
    }
    return (uint32_t)wait;
}
