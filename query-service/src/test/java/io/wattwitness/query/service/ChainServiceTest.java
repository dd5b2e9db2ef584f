package io.wattwitness.query.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChainServiceTest {

    @Test
    void anExplorerTemplateNeedsItsTransactionPlaceholder() {
        assertEquals("https://testnet.snowtrace.io/tx/{tx}",
                ChainService.explorerTemplate(Optional.of(" https://testnet.snowtrace.io/tx/{tx} ")));
        assertNull(ChainService.explorerTemplate(Optional.of("none")), "the local stack's chain has no explorer");
        assertNull(ChainService.explorerTemplate(Optional.of("   ")));
        assertNull(ChainService.explorerTemplate(Optional.empty()));
    }
}
