package io.wattwitness.chainlistener.service;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * {@link ChainReader} over web3j JSON-RPC calls (blocking; run it on a worker thread). Logs are read with
 * {@code eth_getLogs} over explicit block numbers, never with filter subscriptions, which are lost when a node
 * restarts.
 */
public final class Web3jChainReader implements ChainReader {

    private final Web3j web3j;
    private final String contractAddress;
    private final AnchorEventDecoder decoder;

    /**
     * @param web3j           client of the node
     * @param contractAddress WattWitnessAnchor address, "0x" + 40 hex
     */
    public Web3jChainReader(Web3j web3j, String contractAddress) {
        this.web3j = web3j;
        this.contractAddress = contractAddress;
        this.decoder = new AnchorEventDecoder();
    }

    @Override
    public long chainId() {
        return send("eth_chainId", () -> web3j.ethChainId().send()).getChainId().longValueExact();
    }

    @Override
    public BlockRef head() {
        return blockAt(DefaultBlockParameterName.LATEST)
                .orElseThrow(() -> new TransientFailure("node returned no latest block"));
    }

    @Override
    public Optional<BlockRef> finalized() {
        EthBlock response;
        try {
            response = web3j.ethGetBlockByNumber(DefaultBlockParameterName.FINALIZED, false).send();
        } catch (IOException | RuntimeException e) {
            throw new TransientFailure("RPC eth_getBlockByNumber(finalized) failed: " + e.getMessage(), e);
        }
        if (response.hasError() || response.getBlock() == null) {
            return Optional.empty();
        }
        return Optional.of(toRef(response.getBlock()));
    }

    @Override
    public Optional<BlockRef> block(long number) {
        return blockAt(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)));
    }

    @Override
    public List<AnchorEvent> events(BlockRange range) {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(range.from())),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(range.to())), contractAddress);
        filter.addOptionalTopics(AnchorEventDecoder.topics().toArray(String[]::new));
        EthLog response = send("eth_getLogs", () -> web3j.ethGetLogs(filter).send());
        List<Log> logs = new ArrayList<>();
        for (EthLog.LogResult<?> result : response.getLogs()) {
            if (!(result.get() instanceof Log log)) {
                throw new TransientFailure("eth_getLogs returned a hash instead of a log object");
            }
            if (log.isRemoved()) {
                continue;
            }
            logs.add(log);
        }
        logs.sort(Comparator.comparing(Log::getBlockNumber).thenComparing(Log::getLogIndex));
        List<AnchorEvent> events = new ArrayList<>(logs.size());
        for (Log log : logs) {
            decoder.decode(log).ifPresent(events::add);
        }
        return events;
    }

    private Optional<BlockRef> blockAt(DefaultBlockParameter parameter) {
        EthBlock response = send("eth_getBlockByNumber", () -> web3j.ethGetBlockByNumber(parameter, false).send());
        return Optional.ofNullable(response.getBlock()).map(Web3jChainReader::toRef);
    }

    private static BlockRef toRef(EthBlock.Block block) {
        return new BlockRef(block.getNumber().longValueExact(), block.getHash(), block.getParentHash());
    }

    private static <T extends Response<?>> T send(String method, RpcCall<T> call) {
        T response;
        try {
            response = call.send();
        } catch (IOException | RuntimeException e) {
            throw new TransientFailure("RPC " + method + " failed: " + e.getMessage(), e);
        }
        if (response.hasError()) {
            throw new TransientFailure("RPC " + method + " error " + response.getError().getCode() + ": "
                    + response.getError().getMessage());
        }
        return response;
    }

    @FunctionalInterface
    private interface RpcCall<T> {
        T send() throws IOException;
    }
}
