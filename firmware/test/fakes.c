#include "fakes.h"

#include "ww_reading.h"
#include "ww_sha256.h"

#include <stdio.h>
#include <string.h>

static int flash_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    fake_flash *f = ctx;
    if (f->dead || addr + len > f->hal.sector_size * f->hal.sector_count) {
        return -1;
    }
    if (f->fail_reads > 0) {
        f->fail_reads--;
        return -1;
    }
    memcpy(buf, f->mem + addr, len);
    return 0;
}

static int flash_program(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    fake_flash *f = ctx;
    const uint8_t *p = buf;
    if (f->dead || addr + len > f->hal.sector_size * f->hal.sector_count) {
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (f->budget == 0) {
            /* The cut lands inside this byte: only some of its bits got cleared. */
            f->mem[addr + i] &= (uint8_t)(p[i] | 0x0F);
            f->dead = true;
            return -1;
        }
        if (f->budget > 0) {
            f->budget--;
        }
        f->mem[addr + i] &= p[i];
    }
    return 0;
}

static int flash_erase(void *ctx, uint32_t sector)
{
    fake_flash *f = ctx;
    if (f->dead || sector >= f->hal.sector_count) {
        return -1;
    }
    if (f->cut_erase) {
        memset(f->mem + sector * f->hal.sector_size, 0xFF, f->hal.sector_size / 2);
        f->cut_erase = false;
        f->dead = true;
        return -1;
    }
    memset(f->mem + sector * f->hal.sector_size, 0xFF, f->hal.sector_size);
    f->erases[sector]++;
    return 0;
}

void fake_flash_init(fake_flash *f, uint32_t sector_size, uint32_t sector_count)
{
    memset(f, 0, sizeof *f);
    memset(f->mem, 0xFF, sizeof f->mem);
    f->budget = -1;
    f->hal.ctx = f;
    f->hal.sector_size = sector_size;
    f->hal.sector_count = sector_count;
    f->hal.read = flash_read;
    f->hal.program = flash_program;
    f->hal.erase_sector = flash_erase;
}

static int mqtt_publish(void *ctx, const char *topic, const void *payload, size_t len, int qos, bool retain)
{
    fake_mqtt *m = ctx;
    (void)qos;
    if (m->fail > 0) {
        m->fail--;
        return -1;
    }
    if (m->count >= FAKE_MQTT_LOG || len >= sizeof m->payload[0]) {
        return -1;
    }
    snprintf(m->topic[m->count], sizeof m->topic[0], "%s", topic);
    memcpy(m->payload[m->count], payload, len);
    m->payload[m->count][len] = '\0';
    m->retain[m->count] = retain;
    m->count++;
    return 0;
}

static int mqtt_subscribe(void *ctx, const char *topic, int qos)
{
    fake_mqtt *m = ctx;
    (void)qos;
    snprintf(m->subscribed, sizeof m->subscribed, "%s", topic);
    return 0;
}

void fake_mqtt_init(fake_mqtt *m)
{
    memset(m, 0, sizeof *m);
    m->hal.ctx = m;
    m->hal.publish = mqtt_publish;
    m->hal.subscribe = mqtt_subscribe;
}

static bool envelope_message(const fake_mqtt *m, int i, ww_reading *r)
{
    const char *p = strstr(m->payload[i], "{\"message\":\"");
    uint8_t msg[WW_MESSAGE_LEN];
    return p && ww_unhex(p + 12, WW_MESSAGE_LEN, msg) && ww_reading_decode(msg, sizeof msg, r) == WW_OK;
}

long fake_mqtt_seq(const fake_mqtt *m, int i)
{
    ww_reading r;
    return envelope_message(m, i, &r) ? (long)r.seq : -1;
}

uint32_t fake_mqtt_boot(const fake_mqtt *m, int i)
{
    ww_reading r;
    return envelope_message(m, i, &r) ? r.boot : 0;
}

static int http_get(void *ctx, const char *path, char *body, size_t cap, size_t *len)
{
    fake_http *h = ctx;
    (void)path;
    if (h->fail > 0) {
        h->fail--;
        return -1;
    }
    size_t n = strlen(h->body);
    if (n + 1 > cap) {
        return -1;
    }
    memcpy(body, h->body, n + 1);
    *len = n;
    return 0;
}

void fake_http_init(fake_http *h, const char *body)
{
    memset(h, 0, sizeof *h);
    h->body = body;
    h->hal.ctx = h;
    h->hal.get = http_get;
}

static int64_t clock_now(void *ctx, bool *synced)
{
    fake_clock *c = ctx;
    *synced = c->synced;
    return c->now_ms;
}

void fake_clock_init(fake_clock *c, int64_t now_ms, bool synced)
{
    c->now_ms = now_ms;
    c->synced = synced;
    c->hal.ctx = c;
    c->hal.unix_ms = clock_now;
}

static int se_public_key(void *ctx, uint8_t out[64])
{
    memcpy(out, ((fake_se *)ctx)->public_key, 64);
    return 0;
}

static int se_sign(void *ctx, const uint8_t digest[32], uint8_t sig[64])
{
    fake_se *s = ctx;
    if (s->fail_sign > 0) {
        s->fail_sign--;
        return -1;
    }
    ww_sha256(digest, 32, sig);
    ww_sha256(sig, 32, sig + 32);
    sig[0] = 0x11;  /* r and s within [1, n-1] */
    sig[32] = 0xF0; /* high S: the core must normalise it */
    return 0;
}

static int se_counter(void *ctx, uint32_t *value)
{
    fake_se *s = ctx;
    *value = ++s->counter;
    return 0;
}

void fake_se_init(fake_se *s, const uint8_t public_key[64], uint32_t counter)
{
    memset(s, 0, sizeof *s);
    memcpy(s->public_key, public_key, 64);
    s->counter = counter;
    s->hal.ctx = s;
    s->hal.public_key = se_public_key;
    s->hal.sign_digest = se_sign;
    s->hal.increment_counter = se_counter;
}

static void log_line(void *ctx, ww_log_level level, const char *text)
{
    fake_log *l = ctx;
    (void)level;
    l->lines++;
    snprintf(l->last, sizeof l->last, "%s", text);
}

void fake_log_init(fake_log *l)
{
    memset(l, 0, sizeof *l);
    l->hal.ctx = l;
    l->hal.line = log_line;
}
