package io.wattwitness.verifier.service;

import io.wattwitness.reading.Hex;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Bytes8;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * {@link AnchorChain} over JSON-RPC {@code eth_call} at the latest block (web3j), for a {@code WattWitnessAnchor}
 * at the address the user gave. Return data is decoded word by word from the contract's ABI
 * (contracts/src/WattWitnessAnchor.sol): {@code Batch} and {@code DeviceKey} are static structs.
 */
public final class Web3jAnchorChain implements AnchorChain, AutoCloseable {

    /** Selector of {@code BatchNotAnchored(uint64)}, the revert of getBatch for an unknown batch. */
    static final String BATCH_NOT_ANCHORED = Numeric.toHexString(
            Arrays.copyOf(Hash.sha3("BatchNotAnchored(uint64)".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                    4));

    private final Web3j web3j;
    private final String contract;

    /**
     * @param rpcUrl JSON-RPC URL (http or https)
     * @param contract anchor contract address, 0x + 40 hex
     */
    public Web3jAnchorChain(String rpcUrl, String contract) {
        this.web3j = Web3j.build(new HttpService(rpcUrl));
        this.contract = contract;
    }

    /**
     * Checks that the address holds code ({@code eth_getCode}).
     *
     * @throws ChainException the JSON-RPC failed
     * @throws InputException no contract at the address on this chain
     */
    public void requireContract() throws ChainException, InputException {
        try {
            var code = web3j.ethGetCode(contract, DefaultBlockParameterName.LATEST).send();
            if (code.hasError()) {
                throw new ChainException("eth_getCode failed: " + code.getError().getMessage(), null);
            }
            String hex = code.getCode();
            if (hex == null || hex.equals("0x") || hex.isEmpty()) {
                throw new InputException("no contract at " + contract + " on this chain (check --contract and --rpc)");
            }
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new ChainException("cannot reach the JSON-RPC endpoint: " + describe(e), e);
        } catch (ClientConnectionException e) {
            // web3j's HttpService: the endpoint answered with an HTTP error status
            throw new ChainException("the JSON-RPC endpoint refused the call: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<AnchoredBatch> batch(long batchId) throws ChainException, InputException {
        EthCall call = call(new Function("getBatch", List.of(new Uint64(batchId)), List.of()));
        if (call.hasError()) {
            if (revertData(call).startsWith(BATCH_NOT_ANCHORED)) {
                return Optional.empty();
            }
            throw new ChainException("getBatch(" + batchId + ") failed: " + call.getError().getMessage(), null);
        }
        byte[] data = data(call, "getBatch", 160);
        return Optional.of(new AnchoredBatch(Arrays.copyOfRange(data, 0, 32), longWord(data, 1, "getBatch"),
                longWord(data, 4, "getBatch")));
    }

    @Override
    public Optional<RegisteredKey> deviceKey(long deviceId) throws ChainException, InputException {
        byte[] id = Numeric.toBytesPadded(BigInteger.valueOf(deviceId).and(BigInteger.ONE.shiftLeft(64)
                .subtract(BigInteger.ONE)), 8);
        EthCall call = call(new Function("getDeviceKeys",
                List.of(new DynamicArray<>(Bytes8.class, List.of(new Bytes8(id)))), List.of()));
        if (call.hasError()) {
            throw new ChainException("getDeviceKeys failed: " + call.getError().getMessage(), null);
        }
        // words: 0 offset, 1 length (1), then the static struct: 2 x, 3 y, 4 installationId, 5 meterId,
        // 6 registeredAt, 7 retiredAt
        byte[] data = data(call, "getDeviceKeys", 64 + 6 * 32);
        long installation = longWord(data, 4, "getDeviceKeys");
        if (installation == 0) {
            return Optional.empty();
        }
        byte[] key = Arrays.copyOfRange(data, 64, 128);
        return Optional.of(new RegisteredKey(key, installation, longWord(data, 6, "getDeviceKeys"),
                longWord(data, 7, "getDeviceKeys")));
    }

    @Override
    public ContractStatus checkReading(byte[] message, byte[] signature, long batchId, List<byte[]> proof)
            throws ChainException, InputException {
        EthCall call = call(new Function("checkReading", readingArgs(message, signature, batchId, proof), List.of()));
        if (call.hasError()) {
            throw new ChainException("checkReading failed: " + call.getError().getMessage(), null);
        }
        long status = longWord(data(call, "checkReading", 32), 0, "checkReading");
        return ContractStatus.of((int) Math.min(Integer.MAX_VALUE, status));
    }

    @Override
    public boolean verifyReading(byte[] message, byte[] signature, long batchId, List<byte[]> proof)
            throws ChainException, InputException {
        EthCall call = call(new Function("verifyReading", readingArgs(message, signature, batchId, proof),
                List.of()));
        if (call.hasError()) {
            throw new ChainException("verifyReading failed: " + call.getError().getMessage(), null);
        }
        return word(data(call, "verifyReading", 32), 0).signum() != 0;
    }

    @Override
    public void close() {
        web3j.shutdown();
    }

    @SuppressWarnings("rawtypes")
    private static List<Type> readingArgs(byte[] message, byte[] signature, long batchId, List<byte[]> proof) {
        List<Bytes32> siblings = proof.stream().map(Bytes32::new).toList();
        return List.of(new DynamicBytes(message), new DynamicBytes(signature), new Uint64(batchId),
                new DynamicArray<>(Bytes32.class, siblings));
    }

    private EthCall call(Function function) throws ChainException {
        try {
            return web3j.ethCall(Transaction.createEthCallTransaction(null, contract, FunctionEncoder.encode(function)),
                    DefaultBlockParameterName.LATEST).send();
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new ChainException("cannot reach the JSON-RPC endpoint: " + describe(e), e);
        } catch (ClientConnectionException e) {
            // web3j's HttpService: the endpoint answered with an HTTP error status
            throw new ChainException("the JSON-RPC endpoint refused the call: " + e.getMessage(), e);
        }
    }

    private byte[] data(EthCall call, String function, int minLength) throws ChainException, InputException {
        String value = call.getValue();
        byte[] data;
        try {
            data = value == null ? new byte[0] : Hex.decode(ProofBundle.strip0x(value));
        } catch (IllegalArgumentException e) {
            throw new ChainException("malformed answer from the JSON-RPC endpoint: " + function + " returned "
                    + "a result that is not hex (" + e.getMessage() + ")", e);
        }
        if (data.length < minLength) {
            throw new InputException(function + " at " + contract + " returned " + data.length
                    + " bytes instead of at least " + minLength + ": not a WattWitnessAnchor");
        }
        return data;
    }

    private static String revertData(EthCall call) {
        Response.Error error = call.getError();
        Object data = error == null ? null : error.getData();
        return data == null ? "" : data.toString().replace("\"", "").toLowerCase();
    }

    /** A word that must fit a uint64 (every integer the contract returns here); else a malformed answer. */
    private static long longWord(byte[] data, int index, String function) throws ChainException {
        BigInteger value = word(data, index);
        if (value.bitLength() > 63) {
            throw new ChainException("malformed answer from the JSON-RPC endpoint: " + function + " returned word "
                    + index + " = " + value + ", out of range", null);
        }
        return value.longValue();
    }

    private static BigInteger word(byte[] data, int index) {
        return new BigInteger(1, Arrays.copyOfRange(data, index * 32, index * 32 + 32));
    }

    private static ChainException malformed(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        return new ChainException("malformed answer from the JSON-RPC endpoint (not JSON-RPC): " + message, e);
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
