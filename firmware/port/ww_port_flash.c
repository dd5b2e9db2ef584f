/* The "outbox" partition (type 0x40) as the core's NOR flash (esp_partition: raw read, write, sector erase). */
#include "ww_port.h"

#include "esp_log.h"
#include "esp_partition.h"
#include "ww_outbox.h"

static const char *TAG = "ww";
#define SECTOR 4096u

static int flash_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    esp_err_t err = esp_partition_read(ctx, addr, buf, len);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "outbox read at 0x%lx: %s", (unsigned long)addr, esp_err_to_name(err));
    }
    return err == ESP_OK ? 0 : -1;
}

static int flash_program(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    esp_err_t err = esp_partition_write_raw(ctx, addr, buf, len);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "outbox write at 0x%lx: %s", (unsigned long)addr, esp_err_to_name(err));
    }
    return err == ESP_OK ? 0 : -1;
}

static int flash_erase(void *ctx, uint32_t sector)
{
    esp_err_t err = esp_partition_erase_range(ctx, sector * SECTOR, SECTOR);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "outbox erase of sector %lu: %s", (unsigned long)sector, esp_err_to_name(err));
    }
    return err == ESP_OK ? 0 : -1;
}

int ww_port_flash_init(ww_flash *flash)
{
    const esp_partition_t *part =
        esp_partition_find_first((esp_partition_type_t)0x40, (esp_partition_subtype_t)0x00, "outbox");
    if (!part) {
        ESP_LOGE(TAG, "no \"outbox\" partition (type 0x40, subtype 0x00): flash partitions.csv");
        return -1;
    }
    uint32_t sectors = part->size / SECTOR;
    uint32_t max_sectors = WW_OUTBOX_MAX_SLOTS / (SECTOR / WW_RECORD_SIZE);
    if (sectors > max_sectors) {
        ESP_LOGW(TAG, "outbox partition has %lu sectors, using %lu", (unsigned long)sectors,
                 (unsigned long)max_sectors);
        sectors = max_sectors;
    }
    flash->ctx = (void *)part;
    flash->sector_size = SECTOR;
    flash->sector_count = sectors;
    flash->read = flash_read;
    flash->program = flash_program;
    flash->erase_sector = flash_erase;
    return 0;
}
