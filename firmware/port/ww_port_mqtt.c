/*
 * esp-mqtt as the core's MQTT HAL. The core is single-threaded and runs on the main task; esp-mqtt calls its event
 * handler on its own task while holding its API lock, and the core's publishes need that lock. So the handler never
 * calls the core: it records connection changes (a generation counter) and parses acks (a pure function) into a
 * bounded queue, and wakes the main task, which applies both in ww_port_mqtt_dispatch. An ack split over several
 * MQTT_EVENT_DATA fragments is reassembled (at most WW_ACK_MAX_PAYLOAD bytes). Queue full or payload too long:
 * the ack is logged and dropped, and the resend after the ack timeout repairs it (SPEC.md 6.2).
 */
#include "ww_port.h"

#include "esp_log.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"
#include "mqtt_client.h"

#include <string.h>

static const char *TAG = "ww";
#define ACK_QUEUE_LENGTH 4

static struct {
    esp_mqtt_client_handle_t client;
    const ww_device *dev; /* read-only here: the ack topic */
    TaskHandle_t main_task;
    QueueHandle_t acks;
    volatile uint32_t generation; /* incremented on every connection change */
    volatile bool up;
    uint32_t seen_generation; /* main task only */
    bool seen_up;             /* main task only */
    char topic[WW_TOPIC_MAX];
    char payload[WW_ACK_MAX_PAYLOAD + 1];
    int expected;
    bool skipping;
    ww_ack parsed; /* esp-mqtt task scratch */
} m;

static int publish(void *ctx, const char *topic, const void *payload, size_t len, int qos, bool retain)
{
    (void)ctx;
    /* Non-blocking: the message joins esp-mqtt's own queue, bounded by the window W of the core. */
    return esp_mqtt_client_enqueue(m.client, topic, payload, (int)len, qos, retain, true) >= 0 ? 0 : -1;
}

static int subscribe(void *ctx, const char *topic, int qos)
{
    (void)ctx;
    return esp_mqtt_client_subscribe(m.client, topic, qos) >= 0 ? 0 : -1;
}

static void on_data(esp_mqtt_event_handle_t e)
{
    if (e->current_data_offset == 0) {
        m.skipping = e->total_data_len > WW_ACK_MAX_PAYLOAD || e->topic_len >= (int)sizeof m.topic;
        if (m.skipping) {
            ESP_LOGW(TAG, "mqtt: message of %d bytes dropped (larger than an ack may be)", e->total_data_len);
            return;
        }
        memcpy(m.topic, e->topic, (size_t)e->topic_len);
        m.topic[e->topic_len] = '\0';
        m.expected = e->total_data_len;
    }
    if (m.skipping || e->current_data_offset + e->data_len > m.expected) {
        return;
    }
    memcpy(m.payload + e->current_data_offset, e->data, (size_t)e->data_len);
    if (e->current_data_offset + e->data_len != m.expected) {
        return;
    }
    const char *error;
    if (strcmp(m.topic, m.dev->topic_ack) != 0) {
        ESP_LOGW(TAG, "mqtt: message on unexpected topic %s ignored", m.topic);
    } else if (!ww_ack_parse(m.payload, (size_t)m.expected, &m.parsed, &error)) {
        ESP_LOGW(TAG, "ack rejected: invalid %s", error);
    } else if (xQueueSend(m.acks, &m.parsed, 0) != pdTRUE) {
        ESP_LOGW(TAG, "ack of boot %lu dropped: %d acks already waiting", (unsigned long)m.parsed.boot,
                 ACK_QUEUE_LENGTH);
    } else {
        xTaskNotifyGive(m.main_task);
    }
}

static void on_event(void *arg, esp_event_base_t base, int32_t id, void *data)
{
    (void)arg;
    (void)base;
    esp_mqtt_event_handle_t e = data;
    switch ((esp_mqtt_event_id_t)id) {
    case MQTT_EVENT_CONNECTED:
    case MQTT_EVENT_DISCONNECTED:
        m.up = id == MQTT_EVENT_CONNECTED;
        m.generation++;
        xTaskNotifyGive(m.main_task);
        break;
    case MQTT_EVENT_DATA:
        on_data(e);
        break;
    case MQTT_EVENT_ERROR:
        ESP_LOGW(TAG, "mqtt: error (type %d)", e->error_handle ? (int)e->error_handle->error_type : -1);
        break;
    default:
        break;
    }
}

void ww_port_mqtt_dispatch(ww_device *dev)
{
    uint32_t generation = m.generation;
    bool up = m.up;
    if (generation != m.seen_generation) {
        /* Whatever happened in between, end the old session before starting a new one. */
        if (m.seen_up || !up) {
            ww_device_on_disconnected(dev);
        }
        if (up) {
            ww_device_on_connected(dev, ww_port_monotonic_ms());
        }
        m.seen_generation = generation;
        m.seen_up = up;
    }
    static ww_ack ack;
    while (xQueueReceive(m.acks, &ack, 0) == pdTRUE) {
        ww_device_apply_ack(dev, &ack, ww_port_monotonic_ms());
    }
}

int ww_port_mqtt_start(ww_device *dev, ww_mqtt *mqtt, const char *uri, const char *username, const char *password)
{
    static char will[64];
    int will_len = ww_device_will(dev, will, sizeof will);
    m.dev = dev;
    m.main_task = xTaskGetCurrentTaskHandle();
    m.acks = xQueueCreate(ACK_QUEUE_LENGTH, sizeof(ww_ack));
    if (!m.acks) {
        ESP_LOGE(TAG, "mqtt: no memory for the ack queue");
        return -1;
    }
    esp_mqtt_client_config_t cfg = {
        .broker.address.uri = uri,
        .credentials.client_id = dev->id_hex,
        .credentials.username = username,
        .credentials.authentication.password = password,
        .session.keepalive = 30,
        .session.last_will = {.topic = dev->topic_status, .msg = will, .msg_len = will_len, .qos = 1, .retain = 1},
        .network.reconnect_timeout_ms = 5000,
    };
    m.client = esp_mqtt_client_init(&cfg);
    if (!m.client) {
        ESP_LOGE(TAG, "mqtt: client init failed");
        return -2;
    }
    mqtt->ctx = NULL;
    mqtt->publish = publish;
    mqtt->subscribe = subscribe;
    if (esp_mqtt_client_register_event(m.client, ESP_EVENT_ANY_ID, on_event, NULL) != ESP_OK ||
        esp_mqtt_client_start(m.client) != ESP_OK) {
        ESP_LOGE(TAG, "mqtt: start failed");
        return -3;
    }
    return 0;
}
