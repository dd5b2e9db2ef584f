/* CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320; check value of "123456789" is 0xCBF43926). */
#ifndef WW_CRC32_H
#define WW_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t ww_crc32(const void *data, size_t len);

#endif
