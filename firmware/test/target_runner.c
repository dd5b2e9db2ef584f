/*
 * The small test harness of the rv32 build (cmocka is not built for rv32): runs every core test of core_cases.h,
 * prints one line per failure and the summary line "N passed, M failed".
 */
#include "check.h"
#include "core_cases.h"

#include <setjmp.h>
#include <stdio.h>

jmp_buf ww_check_jump;

void ww_check_fail(const char *file, int line, const char *what) { printf("FAIL %s:%d: %s\n", file, line, what); }

typedef struct {
    const char *name;
    void (*run)(void **state);
} test_case;

#define WW_TINY_ENTRY(name) {#name, name},

int main(void)
{
    static const test_case tests[] = {WW_CORE_TESTS(WW_TINY_ENTRY)};
    static int passed;
    static int failed;
    static unsigned i;
    for (i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (setjmp(ww_check_jump) == 0) {
            tests[i].run(NULL);
            printf("ok %s\n", tests[i].name);
            passed++;
        } else {
            printf("FAILED %s\n", tests[i].name);
            failed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
