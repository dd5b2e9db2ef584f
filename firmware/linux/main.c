/*
 * wattwitness-meter: the firmware's core as a Linux process. The Shelly is read over HTTP, readings are signed
 * with a software key (PEM), kept in a file-backed flash outbox and sent over MQTT (libmosquitto); the boot number
 * comes from a counter file next to the outbox. One thread: the MQTT callbacks run inside mosquitto_loop().
 */
#define _POSIX_C_SOURCE 200809L
#include "linux_hal.h"
#include "mbedtls_se.h"
#include "ww_device.h"

#include <mosquitto.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIRMWARE_VERSION "wattwitness-meter-linux-0.1"

typedef struct {
    const char *mqtt_host;
    int mqtt_port;
    const char *username;
    const char *password;
    const char *shelly;
    const char *key;
    const char *counter;
    const char *flash;
    uint32_t flash_sectors;
    uint32_t max_readings;         /* 0 = run until stopped */
    const char *registration_name; /* --print-registration: print the body and exit */
    ww_device_config cfg;
    ww_log_level log_level;
    bool clock_synced;
} options;

static volatile sig_atomic_t stopping;
static ww_device dev;
static ww_outbox box;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: wattwitness-meter --mqtt mqtt://HOST:PORT --shelly http://HOST:PORT --gen 1|2 --key KEY.pem\n"
                 "                         --flash OUTBOX.bin [options]\n"
                 "  --mqtt URL              broker, mqtt://host:port or host:port (port 1883 by default)\n"
                 "  --username NAME         MQTT username (the device id when omitted: SPEC.md 6.3)\n"
                 "  --password SECRET       MQTT password (or the environment variable WW_MQTT_PASSWORD)\n"
                 "  --shelly URL            the Shelly EM, http://host[:port]\n"
                 "  --gen 1|2               Shelly generation: 1 = GET /status, 2 = GET /rpc/Shelly.GetStatus\n"
                 "  --channel N             meter channel, 0-based (default 0)\n"
                 "  --meter-mac HEX12       meter id when the Shelly payload carries no MAC (default 000000000000)\n"
                 "  --key FILE              P-256 private key, PEM (SEC1 or PKCS#8, unencrypted)\n"
                 "  --counter FILE          boot counter file (default: FLASH.boot)\n"
                 "  --flash FILE            outbox file (created erased; 4096-byte sectors)\n"
                 "  --flash-sectors N       outbox sectors (default 64 = 2048 readings, at most 64)\n"
                 "  --interval-ms N         reading interval (default 10000)\n"
                 "  --window N              readings in flight W (default 100, at most 100)\n"
                 "  --ack-timeout-ms N      ack timeout T (default 30000)\n"
                 "  --ack-timeout-max-ms N  back-off ceiling T_max (default 600000)\n"
                 "  --topic-root ROOT       topic root (default wattwitness/v1/devices)\n"
                 "  --clock-unsynced        clear the clock-synced flag (the host clock is not NTP-disciplined)\n"
                 "  --max-readings N        stop after N readings (default: run until SIGINT/SIGTERM)\n"
                 "  --print-registration NAME  print the installation registration body (POST /api/v1/installations/)\n"
                 "                          for this key and the Shelly's MAC, then exit (no boot is counted)\n"
                 "  --verbose               debug log lines\n");
}

static bool parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end || end == text || v < min || v > max || text[0] == '-') {
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longs[] = {
        {"mqtt", required_argument, 0, 'm'},
        {"username", required_argument, 0, 'u'},
        {"password", required_argument, 0, 'p'},
        {"shelly", required_argument, 0, 's'},
        {"gen", required_argument, 0, 'g'},
        {"channel", required_argument, 0, 'c'},
        {"meter-mac", required_argument, 0, 'M'},
        {"key", required_argument, 0, 'k'},
        {"counter", required_argument, 0, 'C'},
        {"flash", required_argument, 0, 'f'},
        {"flash-sectors", required_argument, 0, 'F'},
        {"interval-ms", required_argument, 0, 'i'},
        {"window", required_argument, 0, 'w'},
        {"ack-timeout-ms", required_argument, 0, 't'},
        {"ack-timeout-max-ms", required_argument, 0, 'T'},
        {"topic-root", required_argument, 0, 'r'},
        {"clock-unsynced", no_argument, 0, 'U'},
        {"max-readings", required_argument, 0, 'n'},
        {"verbose", no_argument, 0, 'v'},
        {"print-registration", required_argument, 0, 'R'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->mqtt_port = 1883;
    o->flash_sectors = 64;
    o->cfg.topic_root = "wattwitness/v1/devices";
    o->cfg.firmware = FIRMWARE_VERSION;
    o->cfg.interval_ms = 10000;
    o->cfg.window = 100;
    o->cfg.ack_timeout_ms = 30000;
    o->cfg.ack_timeout_max = 600000;
    o->log_level = WW_LOG_INFO;
    o->clock_synced = true;
    o->password = getenv("WW_MQTT_PASSWORD");
    uint32_t v;
    int opt;
    static char host[256];
    while ((opt = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (opt) {
        case 'm': {
            const char *h = strncmp(optarg, "mqtt://", 7) == 0 ? optarg + 7 : optarg;
            snprintf(host, sizeof host, "%s", h);
            char *colon = strrchr(host, ':');
            if (colon) {
                *colon = '\0';
                if (!parse_u32(colon + 1, 1, 65535, &v)) {
                    fprintf(stderr, "--mqtt: bad port in %s\n", optarg);
                    return -1;
                }
                o->mqtt_port = (int)v;
            }
            o->mqtt_host = host;
            break;
        }
        case 'u':
            o->username = optarg;
            break;
        case 'p':
            o->password = optarg;
            break;
        case 's':
            o->shelly = optarg;
            break;
        case 'g':
            if (!parse_u32(optarg, 1, 2, &v)) {
                fprintf(stderr, "--gen: 1 or 2, not %s\n", optarg);
                return -1;
            }
            o->cfg.shelly_gen = (ww_shelly_gen)v;
            break;
        case 'c':
            if (!parse_u32(optarg, 0, 15, &v)) {
                fprintf(stderr, "--channel: 0 to 15, not %s\n", optarg);
                return -1;
            }
            o->cfg.shelly_channel = v;
            break;
        case 'M':
            if (strlen(optarg) != 12 || !ww_unhex(optarg, 6, o->cfg.meter_mac)) {
                fprintf(stderr, "--meter-mac: 12 hex digits, not %s\n", optarg);
                return -1;
            }
            break;
        case 'k':
            o->key = optarg;
            break;
        case 'C':
            o->counter = optarg;
            break;
        case 'f':
            o->flash = optarg;
            break;
        case 'F':
            if (!parse_u32(optarg, 2, WW_OUTBOX_MAX_SLOTS / 32, &o->flash_sectors)) {
                fprintf(stderr, "--flash-sectors: 2 to %u, not %s\n", WW_OUTBOX_MAX_SLOTS / 32, optarg);
                return -1;
            }
            break;
        case 'i':
            if (!parse_u32(optarg, 100, 86400000, &o->cfg.interval_ms)) {
                fprintf(stderr, "--interval-ms: 100 to 86400000, not %s\n", optarg);
                return -1;
            }
            break;
        case 'w':
            if (!parse_u32(optarg, 1, WW_WINDOW_MAX, &o->cfg.window)) {
                fprintf(stderr, "--window: 1 to %u, not %s\n", WW_WINDOW_MAX, optarg);
                return -1;
            }
            break;
        case 't':
            if (!parse_u32(optarg, 100, 86400000, &o->cfg.ack_timeout_ms)) {
                fprintf(stderr, "--ack-timeout-ms: 100 to 86400000, not %s\n", optarg);
                return -1;
            }
            break;
        case 'T':
            if (!parse_u32(optarg, 100, 86400000, &o->cfg.ack_timeout_max)) {
                fprintf(stderr, "--ack-timeout-max-ms: 100 to 86400000, not %s\n", optarg);
                return -1;
            }
            break;
        case 'r':
            o->cfg.topic_root = optarg;
            break;
        case 'U':
            o->clock_synced = false;
            break;
        case 'n':
            if (!parse_u32(optarg, 1, UINT32_MAX, &o->max_readings)) {
                fprintf(stderr, "--max-readings: a positive number, not %s\n", optarg);
                return -1;
            }
            break;
        case 'v':
            o->log_level = WW_LOG_DEBUG;
            break;
        case 'R':
            o->registration_name = optarg;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    if (o->registration_name && o->shelly && o->cfg.shelly_gen && o->key) {
        return 0;
    }
    if (optind != argc || !o->mqtt_host || !o->shelly || !o->cfg.shelly_gen || !o->key || !o->flash) {
        fprintf(stderr, "--mqtt, --shelly, --gen, --key and --flash are required\n");
        usage(stderr);
        return -1;
    }
    if (o->cfg.ack_timeout_max < o->cfg.ack_timeout_ms) {
        fprintf(stderr, "--ack-timeout-max-ms must be at least --ack-timeout-ms\n");
        return -1;
    }
    return 0;
}

static int mqtt_publish(void *ctx, const char *topic, const void *payload, size_t len, int qos, bool retain)
{
    return mosquitto_publish(ctx, NULL, topic, (int)len, payload, qos, retain) == MOSQ_ERR_SUCCESS ? 0 : -1;
}

static int mqtt_subscribe(void *ctx, const char *topic, int qos)
{
    return mosquitto_subscribe(ctx, NULL, topic, qos) == MOSQ_ERR_SUCCESS ? 0 : -1;
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
    const ww_log *log = obj;
    (void)mosq;
    if (rc != 0) {
        char line[96];
        snprintf(line, sizeof line, "mqtt: connection refused: %s", mosquitto_connack_string(rc));
        log->line(log->ctx, WW_LOG_ERROR, line);
        return;
    }
    ww_device_on_connected(&dev, ww_monotonic_ms());
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
    (void)mosq;
    (void)obj;
    (void)rc;
    ww_device_on_disconnected(&dev);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
    (void)mosq;
    (void)obj;
    ww_device_on_message(&dev, msg->topic, msg->payload, (size_t)msg->payloadlen, ww_monotonic_ms());
}

/* The registration body for this key and the meter's MAC; reads the Shelly once, counts no boot. */
static int print_registration(const options *o, ww_mbedtls_se *se, ww_http_client *http)
{
    static char body[WW_HTTP_BODY_MAX];
    uint8_t key[WW_PUBKEY_LEN];
    size_t len = 0;
    ww_shelly_sample sample;
    const char *error = "http";
    if (se->hal.public_key(se->hal.ctx, key) != 0 ||
        http->hal.get(http->hal.ctx, ww_shelly_path(o->cfg.shelly_gen), body, sizeof body, &len) != 0 ||
        (error = ww_shelly_parse(o->cfg.shelly_gen, o->cfg.shelly_channel, body, len, &sample)) != NULL) {
        fprintf(stderr, "registration: reading the meter at %s failed (%s)\n", o->shelly, error);
        return 1;
    }
    char json[512];
    if (ww_registration_json(o->registration_name, sample.has_mac ? sample.mac : o->cfg.meter_mac, key, json,
                             sizeof json) < 0) {
        fprintf(stderr, "registration: name too long\n");
        return 2;
    }
    printf("%s\n", json);
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_options(argc, argv, &o) != 0) {
        return 2;
    }
    static ww_stderr_log log;
    static ww_file_flash flash;
    static ww_http_client http;
    static ww_system_clock clk;
    static ww_mbedtls_se se;
    static char counter_path[4096];
    ww_stderr_log_init(&log, o.log_level);
    ww_system_clock_init(&clk, o.clock_synced);
    if (ww_http_client_init(&http, o.shelly, 5000) != 0) {
        fprintf(stderr, "--shelly: expected http://host[:port], got %s\n", o.shelly);
        return 2;
    }
    if (o.registration_name) {
        if (ww_mbedtls_se_from_pem(&se, o.key, NULL) != 0) {
            fprintf(stderr, "--key %s: not an unencrypted P-256 private key in PEM\n", o.key);
            return 1;
        }
        return print_registration(&o, &se, &http);
    }
    if (ww_file_flash_open(&flash, o.flash, 4096, o.flash_sectors) != 0) {
        fprintf(stderr, "--flash %s: %s (an existing file must be %u bytes)\n", o.flash, strerror(errno),
                4096u * o.flash_sectors);
        return 1;
    }
    int rc = ww_outbox_mount(&box, &flash.hal);
    if (rc != 0) {
        fprintf(stderr, "outbox %s: mount failed (%d)\n", o.flash, rc);
        return 1;
    }
    snprintf(counter_path, sizeof counter_path, "%s.boot", o.flash);
    rc = ww_mbedtls_se_from_pem(&se, o.key, o.counter ? o.counter : counter_path);
    if (rc != 0) {
        fprintf(stderr, "--key %s: not an unencrypted P-256 private key in PEM (%d)\n", o.key, rc);
        return 1;
    }
    mosquitto_lib_init();
    struct mosquitto *mosq = mosquitto_new(NULL, true, (void *)&log.hal);
    if (!mosq) {
        fprintf(stderr, "mosquitto_new failed\n");
        return 1;
    }
    ww_mqtt mqtt = {.ctx = mosq, .publish = mqtt_publish, .subscribe = mqtt_subscribe};
    if (ww_device_start(&dev, &o.cfg, &se.hal, &mqtt, &http.hal, &clk.hal, &log.hal, &box) != 0) {
        return 1;
    }
    char will[64];
    ww_device_will(&dev, will, sizeof will);
    mosquitto_reinitialise(mosq, dev.id_hex, true, (void *)&log.hal);
    mosquitto_username_pw_set(mosq, o.username ? o.username : dev.id_hex, o.password);
    mosquitto_will_set(mosq, dev.topic_status, (int)strlen(will), will, 1, true);
    mosquitto_connect_callback_set(mosq, on_connect);
    mosquitto_disconnect_callback_set(mosq, on_disconnect);
    mosquitto_message_callback_set(mosq, on_message);
    fprintf(stderr, "device %s boot %u, outbox %s (%u pending), broker %s:%d, meter %s gen %d\n", dev.id_hex,
            (unsigned)dev.boot, o.flash, (unsigned)box.pending, o.mqtt_host, o.mqtt_port, o.shelly,
            (int)o.cfg.shelly_gen);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    bool session = false;
    uint64_t reconnect_at = 0;
    uint32_t reconnect_delay = 1000;
    uint32_t readings_logged = 0;
    while (!stopping) {
        uint64_t now = ww_monotonic_ms();
        if (!session && now >= reconnect_at) {
            rc = mosquitto_connect(mosq, o.mqtt_host, o.mqtt_port, 30);
            if (rc == MOSQ_ERR_SUCCESS) {
                session = true;
                reconnect_delay = 1000;
            } else {
                char line[160];
                snprintf(line, sizeof line, "mqtt: connecting to %s:%d failed (%s), retrying in %u ms", o.mqtt_host,
                         o.mqtt_port, mosquitto_strerror(rc), (unsigned)reconnect_delay);
                log.hal.line(log.hal.ctx, WW_LOG_WARN, line);
                reconnect_at = now + reconnect_delay;
                reconnect_delay = reconnect_delay >= 30000 ? 30000 : reconnect_delay * 2;
            }
        }
        uint32_t wait = ww_device_poll(&dev, ww_monotonic_ms());
        if (dev.stats.readings != readings_logged) {
            /* At most one reading per poll: it took the seq before the current one, and is on flash now. */
            readings_logged = dev.stats.readings;
            char line[96];
            snprintf(line, sizeof line, "reading boot %u seq %u stored (outbox pending %u)", (unsigned)dev.boot,
                     (unsigned)(dev.seq - 1), (unsigned)box.pending);
            log.hal.line(log.hal.ctx, WW_LOG_INFO, line);
        }
        if (o.max_readings && dev.stats.readings + dev.stats.reading_errors >= o.max_readings &&
            (box.pending == 0 || !dev.connected)) {
            break;
        }
        if (wait > 200) {
            wait = 200;
        }
        if (session) {
            rc = mosquitto_loop(mosq, (int)wait, 1);
            if (rc != MOSQ_ERR_SUCCESS) {
                session = false;
                ww_device_on_disconnected(&dev);
                reconnect_at = ww_monotonic_ms() + reconnect_delay;
            }
        } else {
            struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)wait * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    if (session) {
        /* A clean stop: say offline ourselves (the will only fires on an unclean loss). */
        mosquitto_publish(mosq, NULL, dev.topic_status, (int)strlen(will), will, 1, true);
        for (int i = 0; i < 10; i++) {
            mosquitto_loop(mosq, 50, 1);
        }
        mosquitto_disconnect(mosq);
    }
    fprintf(stderr, "stopped: %u readings, %u sent, %u resent, %u acked, %u pending, %llu dropped\n",
            (unsigned)dev.stats.readings, (unsigned)dev.stats.sent, (unsigned)dev.stats.resent,
            (unsigned)dev.stats.acked, (unsigned)box.pending, (unsigned long long)box.dropped);
    mosquitto_destroy(mosq);
    mosquitto_lib_cleanup();
    ww_mbedtls_se_free(&se);
    ww_file_flash_close(&flash);
    return 0;
}
