/*
 * WattWitness meter on ESP32 / ESP32-C3: wires the ESP-IDF port (port/) to the portable core (core/) and runs the
 * core's loop on the main task under the task watchdog (the only task that calls the core). Any failure to start
 * (secure element, outbox, network stack) is logged and retried by a restart after a pause, so a transient fault never
 * leaves a silent device.
 */
#include "esp_log.h"
#include "esp_system.h"
#include "esp_task_wdt.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "nvs_flash.h"
#include "sdkconfig.h"
#include "ww_device.h"
#include "ww_port.h"

#include <string.h>

static const char *TAG = "ww";
#define FIRMWARE_VERSION "wattwitness-esp-0.1"

static ww_device dev;
static ww_outbox box;
static ww_se se;
static ww_flash flash;
static ww_mqtt mqtt;
static ww_http http;
static ww_clock clk;
static ww_log logger;
static void restart_later(const char *why)
{
    ESP_LOGE(TAG, "%s: restarting in 30 s", why);
    vTaskDelay(pdMS_TO_TICKS(30000));
    esp_restart();
}

#if CONFIG_WW_PROVISIONING_MODE
/* Prints what an operator registers for this meter, every 30 s, and never signs a reading. */
static void provisioning_loop(const ww_device_config *cfg)
{
    static char scratch[WW_HTTP_BODY_MAX];
    static char registration[300];
    uint8_t public_key[WW_PUBKEY_LEN];
    uint8_t id[WW_DEVICE_ID_LEN];
    char id_hex[2 * WW_DEVICE_ID_LEN + 1];
    if (se.public_key(se.ctx, public_key) != 0) {
        restart_later("secure element: reading the public key failed");
    }
    ww_device_id(public_key, id);
    ww_hex(id, WW_DEVICE_ID_LEN, id_hex);
    for (;;) {
        ESP_LOGI(TAG, "provisioning mode: device id %s (zones locked, key read)", id_hex);
        if (ww_provisioning_registration(&http, cfg, public_key, id_hex, scratch, sizeof scratch, registration,
                                         sizeof registration) > 0) {
            ESP_LOGI(TAG, "registration body (POST /api/v1/installations/): %s", registration);
        } else {
            ESP_LOGW(TAG, "provisioning mode: the Shelly at %s did not answer; retrying in 30 s",
                     CONFIG_WW_SHELLY_HOST);
        }
#if CONFIG_WW_ATECC_TRUST_AND_GO
        ww_port_se_log_certificates();
#endif
        vTaskDelay(pdMS_TO_TICKS(30000));
    }
}
#endif

void app_main(void)
{
    esp_err_t err = nvs_flash_init();
    if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
        nvs_flash_erase();
        err = nvs_flash_init();
    }
    if (err != ESP_OK) {
        restart_later("nvs init failed");
    }
    ww_port_log_init(&logger);
    if (ww_port_se_init(&se, CONFIG_WW_ATECC_I2C_ADDRESS, CONFIG_WW_ATECC_KEY_SLOT, CONFIG_WW_ATECC_COUNTER) != 0) {
        restart_later("secure element unavailable");
    }
    if (ww_port_flash_init(&flash) != 0 || ww_outbox_mount(&box, &flash) != 0) {
        restart_later("outbox partition unavailable");
    }
    ESP_LOGI(TAG, "outbox: %lu records, %lu pending, %lu torn skipped", (unsigned long)box.slots,
             (unsigned long)box.pending, (unsigned long)box.torn);
    if (ww_port_wifi_start(CONFIG_WW_WIFI_SSID, CONFIG_WW_WIFI_PASSWORD) != 0) {
        restart_later("wifi start failed");
    }
    ww_port_sntp_start(CONFIG_WW_SNTP_SERVER, &clk);
    ww_port_http_init(&http, CONFIG_WW_SHELLY_HOST);

    ww_device_config cfg = {
        .topic_root = CONFIG_WW_TOPIC_ROOT,
        .firmware = FIRMWARE_VERSION,
        .shelly_gen = (ww_shelly_gen)CONFIG_WW_SHELLY_GEN,
        .shelly_channel = CONFIG_WW_SHELLY_CHANNEL,
        .interval_ms = CONFIG_WW_READING_INTERVAL_MS,
        .window = CONFIG_WW_WINDOW,
        .ack_timeout_ms = CONFIG_WW_ACK_TIMEOUT_MS,
        .ack_timeout_max = CONFIG_WW_ACK_TIMEOUT_MAX_MS,
    };
#if CONFIG_WW_PROVISIONING_MODE
    provisioning_loop(&cfg);
#endif
    /* The boot counter is incremented here, once per start (SPEC.md 6.2 Boot). */
    if (ww_device_start(&dev, &cfg, &se, &mqtt, &http, &clk, &logger, &box) != 0) {
        restart_later("device start failed");
    }
    char key_hex[2 * WW_PUBKEY_LEN + 1];
    ww_hex(dev.public_key, WW_PUBKEY_LEN, key_hex);
    /* Provisioning information on every boot: what an operator registers for this device. */
    ESP_LOGI(TAG, "device id %s, boot %lu, public key %s", dev.id_hex, (unsigned long)dev.boot, key_hex);
#if CONFIG_WW_ATECC_TRUST_AND_GO
    /* Trust&GO: the certificate chain that lets query-service attest the key (logged, never fatal). */
    ww_port_se_log_certificates();
#endif

    const char *username = strlen(CONFIG_WW_MQTT_USERNAME) ? CONFIG_WW_MQTT_USERNAME : dev.id_hex;
    if (ww_port_mqtt_start(&dev, &mqtt, CONFIG_WW_MQTT_URI, username, CONFIG_WW_MQTT_PASSWORD) != 0) {
        restart_later("mqtt start failed");
    }

    esp_task_wdt_add(NULL);
    bool registration_logged = false;
    uint32_t registration_tried_at = 0;
    for (;;) {
        /* All core calls happen on this task: MQTT events are queued by the port and applied here. */
        ww_port_mqtt_dispatch(&dev);
        uint32_t wait = ww_device_poll(&dev, ww_port_monotonic_ms());
        if (!registration_logged && dev.stats.readings != registration_tried_at) {
            /* Once per boot, when the meter has answered (one try per new reading, never a tight retry loop):
               what an operator registers for this device. */
            static char registration[300];
            registration_tried_at = dev.stats.readings;
            registration_logged = ww_device_registration(&dev, dev.id_hex, registration, sizeof registration) > 0;
            if (registration_logged) {
                ESP_LOGI(TAG, "registration body (POST /api/v1/installations/): %s", registration);
            }
        }
        esp_task_wdt_reset();
        /* Sleep until the next thing to do, an MQTT event, or 1 s (the watchdog is fed at least every second); at
           least one tick, so that a short wait never becomes a busy loop at a coarse tick rate. */
        TickType_t ticks = pdMS_TO_TICKS(wait < 1000 ? wait : 1000);
        ulTaskNotifyTake(pdTRUE, ticks > 0 ? ticks : 1);
    }
}
