/* cmocka runner of the portable core tests (core_cases.c) on the host. */
#include "check.h"
#include "core_cases.h"

#define WW_CMOCKA_ENTRY(name) cmocka_unit_test(name),

int main(void)
{
    const struct CMUnitTest tests[] = {WW_CORE_TESTS(WW_CMOCKA_ENTRY)};
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
