/*
 * esp-mqtt as the core's MQTT HAL. Events arrive on the esp-mqtt task and are handed to the core under the
 * caller's lock. An ack split over several MQTT_EVENT_DATA fragments is reassembled (at most WW_ACK_MAX_PAYLOAD
 * bytes; a longer one is logged and dropped, the resend after the ack timeout repairs it).
 */
#include "ww_port.h"

#include "esp_log.h"
#include "mqtt_client.h"

#include <string.h>

static const char *TAG = "ww";

static struct {
    esp_mqtt_client_handle_t client;
    ww_device *dev;
    void (*lock)(void);
    void (*unlock)(void);
    char topic[WW_TOPIC_MAX];
    char payload[WW_ACK_MAX_PAYLOAD + 1];
    int expected;
    bool skipping;
} m;

static int publish(void *ctx, const char *topic, const void *payload, size_t len, int qos, bool retain)
{
    (void)ctx;
    /* Enqueue (non-blocking, callable from the esp-mqtt task during on_connected) */
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
    if (e->current_data_offset + e->data_len == m.expected) {
        m.lock();
        ww_device_on_message(m.dev, m.topic, m.payload, (size_t)m.expected, ww_port_monotonic_ms());
        m.unlock();
    }
}

static void on_event(void *arg, esp_event_base_t base, int32_t id, void *data)
{
    (void)arg;
    (void)base;
    esp_mqtt_event_handle_t e = data;
    switch ((esp_mqtt_event_id_t)id) {
    case MQTT_EVENT_CONNECTED:
        m.lock();
        ww_device_on_connected(m.dev, ww_port_monotonic_ms());
        m.unlock();
        break;
    case MQTT_EVENT_DISCONNECTED:
        m.lock();
        ww_device_on_disconnected(m.dev);
        m.unlock();
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

int ww_port_mqtt_start(ww_device *dev, ww_mqtt *mqtt, const char *uri, const char *username, const char *password,
                       void (*lock)(void), void (*unlock)(void))
{
    static char will[64];
    int will_len = ww_device_will(dev, will, sizeof will);
    m.dev = dev;
    m.lock = lock;
    m.unlock = unlock;
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
        return -1;
    }
    mqtt->ctx = NULL;
    mqtt->publish = publish;
    mqtt->subscribe = subscribe;
    if (esp_mqtt_client_register_event(m.client, ESP_EVENT_ANY_ID, on_event, NULL) != ESP_OK ||
        esp_mqtt_client_start(m.client) != ESP_OK) {
        ESP_LOGE(TAG, "mqtt: start failed");
        return -2;
    }
    return 0;
}
