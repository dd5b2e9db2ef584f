#!/usr/bin/env bash
# Builds and runs every firmware test: clang-format check, the host build (core tests and secure-element tests on
# cmocka, Linux HAL tests, the Linux meter) and the core tests cross-compiled for rv32imc (ESP32-C3) under
# qemu-riscv32, with the core's code size for rv32imc. Needs: gcc, cmake, libcmocka-dev, libmbedtls-dev,
# libmosquitto-dev, clang-format, gcc-riscv64-unknown-elf, picolibc-riscv64-unknown-elf, qemu-user (.ci/run installs
# them). Build output goes to firmware/build/.
set -euo pipefail
FW=$(cd "$(dirname "$0")" && pwd)
BUILD=$FW/build
mkdir -p "$BUILD"
cd "$FW"

echo "--- clang-format"
sources=$(find core test linux main port -name '*.[ch]' | sort)
# shellcheck disable=SC2086
clang-format --dry-run --Werror $sources
echo "clang-format: $(echo "$sources" | wc -l) files clean"

echo "--- host build"
cmake -S linux -B "$BUILD/host" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$BUILD/host" -j 2 >/dev/null
SAMPLES=$FW/../../shared/data/shelly
if [ -d "$SAMPLES" ]; then
    export WW_SHELLY_SAMPLES=$SAMPLES
else
    echo "note: $SAMPLES is absent: the shared Shelly samples test skips (the inline fixtures still run)"
fi
"$BUILD/host/core_tests"
"$BUILD/host/se_tests"
"$BUILD/host/linux_hal_tests"
# The Linux meter as a process: its own Mosquitto on a free port, a fake Shelly, kill -9 and restart.
python3 test/meter_process_test.py "$BUILD/host/wattwitness-meter"

echo "--- rv32imc (ESP32-C3 ISA) under qemu-riscv32"
RV="riscv64-unknown-elf-gcc -march=rv32imc -mabi=ilp32 --specs=picolibc.specs"
RVFLAGS="-std=c11 -Os -Wall -Wextra -Werror -ffunction-sections -fdata-sections"
mkdir -p "$BUILD/rv32"
objects=()
for c in core/*.c; do
    o=$BUILD/rv32/$(basename "${c%.c}").o
    $RV $RVFLAGS -c "$c" -o "$o"
    objects+=("$o")
done
echo "core code size for rv32imc (-Os; text = code + constants; no data or bss: the caller owns the state structs):"
riscv64-unknown-elf-size -t "${objects[@]}" | sed "s|$BUILD/rv32/||"
# The core must stay free of the heap, stdio and floating point: what it takes from outside is string/memory
# functions and libgcc's 64-bit integer helpers, nothing else.
defined=$(riscv64-unknown-elf-nm --defined-only "${objects[@]}" | awk 'NF == 3 {print $3}' | sort -u)
external=$(riscv64-unknown-elf-nm -u "${objects[@]}" | awk 'NF == 2 {print $2}' | sort -u |
    comm -23 - <(echo "$defined"))
allowed='^(mem(chr|cmp|cpy|move|set)|str(chr|cmp|len|ncmp)|__(lshr|ashl|ashr|udiv|umod|div|mod|mul)di3)$'
unexpected=$(echo "$external" | grep -Ev "$allowed" || true)
if [ -n "$unexpected" ]; then
    echo "the core references symbols outside its allowance (heap, stdio, floating point?): $unexpected"
    exit 1
fi
echo "core external symbols: $(echo "$external" | tr '\n' ' ')(no heap, no stdio, no floating point)"
# shellcheck disable=SC2086
$RV --crt0=hosted --oslib=semihost $RVFLAGS -DWW_TINY_HARNESS -Icore -Itest -I"$BUILD/host" \
    "${objects[@]}" test/core_cases.c test/fakes.c test/target_runner.c \
    -T"$FW/qemu/qemu-riscv32.ld" -Wl,--gc-sections -Wl,--defsym=__flash_size=0x100000 \
    -Wl,--defsym=__ram_size=0x200000 -Wl,--defsym=__stack_size=0x10000 -o "$BUILD/rv32/core_tests.elf"
qemu-riscv32 "$BUILD/rv32/core_tests.elf" 2>&1 | tee "$BUILD/rv32/core_tests.log"
grep -Eq '^[0-9]+ passed, 0 failed$' "$BUILD/rv32/core_tests.log"
