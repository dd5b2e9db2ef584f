package io.wattwitness.query.service;

import io.wattwitness.query.config.QueryConfig;
import io.wattwitness.query.rest.model.ChainView;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Chain information for the dashboard's in-browser verification, from configuration. */
@ApplicationScoped
public class ChainService {

    private final QueryConfig config;

    /**
     * @param config chain settings ({@code CHAIN_RPC_URL}, {@code CHAIN_ID}, {@code ANCHOR_CONTRACT_ADDRESS})
     */
    public ChainService(QueryConfig config) {
        this.config = config;
    }

    /** @return the chain id, public RPC URL, contract address and explorer template */
    public ChainView info() {
        QueryConfig.Chain chain = config.chain();
        return new ChainView(chain.chainId(), chain.rpcUrl(), chain.contractAddress().filter(a -> !a.isBlank()).orElse(null),
                explorerTemplate(chain.explorerTxUrlTemplate()));
    }

    /**
     * @param configured the configured explorer template, e.g. {@code https://testnet.snowtrace.io/tx/{tx}}
     * @return the template, or null when it is absent or has no {@code {tx}} placeholder (a chain without an
     *     explorer, such as the local anvil chain, is configured as {@code none})
     */
    static String explorerTemplate(Optional<String> configured) {
        return configured.map(String::trim).filter(t -> t.contains("{tx}")).orElse(null);
    }
}
