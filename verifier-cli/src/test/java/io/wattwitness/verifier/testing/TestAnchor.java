package io.wattwitness.verifier.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes10;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Bytes6;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.utils.Numeric;

/**
 * WattWitnessAnchor deployed on anvil with anvil's first account as owner, workflow owner and forwarder, so that the
 * test delivers reports by calling {@code onReport} itself (metadata: workflow id, bytes10 name, owner; report:
 * abi.encode(uint64, bytes32, uint32, uint64, uint64), contracts/README.md "Report").
 */
public final class TestAnchor {

    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(15_000_000);
    private static final byte[] WORKFLOW_NAME = "4b1c5c1d2e".getBytes(StandardCharsets.US_ASCII);

    private final Web3j web3j;
    private final Credentials owner;
    private final RawTransactionManager transactions;
    private final String address;

    private TestAnchor(Web3j web3j, Credentials owner, RawTransactionManager transactions, String address) {
        this.web3j = web3j;
        this.owner = owner;
        this.transactions = transactions;
        this.address = address;
    }

    /** Deploys the anchor from the forge artifact. */
    public static TestAnchor deploy(Anvil anvil) throws IOException, InterruptedException {
        Credentials owner = Credentials.create(Anvil.DEV_KEY);
        RawTransactionManager transactions = new RawTransactionManager(anvil.web3j(), owner, Anvil.CHAIN_ID);
        Address self = new Address(owner.getAddress());
        String code = ContractArtifacts.bytecode("WattWitnessAnchor")
                + FunctionEncoder.encodeConstructor(List.of(self, self, self, new Bytes10(WORKFLOW_NAME)));
        TransactionReceipt receipt = send(anvil.web3j(), transactions, null, code);
        return new TestAnchor(anvil.web3j(), owner, transactions, receipt.getContractAddress());
    }

    /** @return the contract address */
    public String address() {
        return address;
    }

    /** registerInstallation(installationId, meterId, x, y). */
    public void registerInstallation(long installationId, byte[] meterId, byte[] publicKey)
            throws IOException, InterruptedException {
        send(web3j, transactions, address, FunctionEncoder.encode(new Function("registerInstallation", List.of(
                new Uint64(installationId), new Bytes6(meterId), new Bytes32(Arrays.copyOfRange(publicKey, 0, 32)),
                new Bytes32(Arrays.copyOfRange(publicKey, 32, 64))), List.of())));
    }

    /**
     * rotateDeviceKey(installationId, meterId, x, y): the installation's current key is retired at the block's time.
     *
     * @return that block's timestamp, Unix s (the retired key's retiredAt)
     */
    public long rotateDeviceKey(long installationId, byte[] meterId, byte[] publicKey)
            throws IOException, InterruptedException {
        TransactionReceipt receipt = send(web3j, transactions, address, FunctionEncoder.encode(new Function(
                "rotateDeviceKey", List.of(new Uint64(installationId), new Bytes6(meterId),
                        new Bytes32(Arrays.copyOfRange(publicKey, 0, 32)),
                        new Bytes32(Arrays.copyOfRange(publicKey, 32, 64))), List.of())));
        return web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(receipt.getBlockNumber()), false).send()
                .getBlock().getTimestamp().longValueExact();
    }

    /** onReport for one batch, times in Unix s. */
    public void anchor(long batchId, byte[] root, int readingCount, long firstTime, long lastTime)
            throws IOException, InterruptedException {
        ByteBuffer metadata = ByteBuffer.allocate(62);
        metadata.put(Hash.sha3("wattwitness-verifier-test".getBytes(StandardCharsets.UTF_8)));
        metadata.put(WORKFLOW_NAME);
        metadata.put(Numeric.hexStringToByteArray(owner.getAddress()));
        byte[] report = Numeric.hexStringToByteArray(FunctionEncoder.encodeConstructor(List.of(new Uint64(batchId),
                new Bytes32(root), new Uint32(readingCount), new Uint64(firstTime), new Uint64(lastTime))));
        send(web3j, transactions, address, FunctionEncoder.encode(new Function("onReport", List.of(
                new DynamicBytes(metadata.array()), new DynamicBytes(report)), List.of())));
    }

    private static TransactionReceipt send(Web3j web3j, RawTransactionManager transactions, String to, String data)
            throws IOException, InterruptedException {
        BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice().multiply(BigInteger.TWO);
        EthSendTransaction sent = to == null
                ? transactions.sendTransaction(gasPrice, GAS_LIMIT, null, data, BigInteger.ZERO, true)
                : transactions.sendTransaction(gasPrice, GAS_LIMIT, to, data, BigInteger.ZERO);
        if (sent.hasError()) {
            throw new IllegalStateException("transaction refused: " + sent.getError().getMessage());
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            Optional<TransactionReceipt> receipt = web3j.ethGetTransactionReceipt(sent.getTransactionHash()).send()
                    .getTransactionReceipt();
            if (receipt.isPresent()) {
                if (!receipt.get().isStatusOK()) {
                    throw new IllegalStateException("transaction " + sent.getTransactionHash() + " reverted");
                }
                return receipt.get();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no receipt for " + sent.getTransactionHash());
    }
}
