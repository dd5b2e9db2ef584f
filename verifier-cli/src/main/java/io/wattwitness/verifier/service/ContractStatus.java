package io.wattwitness.verifier.service;

/** {@code WattWitnessAnchor.ReadingStatus}, in the contract's declaration order (the ABI's uint8 value). */
public enum ContractStatus {
    Valid, UnknownBatch, MessageLength, MagicOrVersion, ReservedFlags, EnergyRange, UnknownDevice, KeyRetired,
    SignatureLength, SignatureRange, HighS, NotInBatch, BadSignature;

    /**
     * @param value the uint8 returned by {@code checkReading}
     * @return the status
     * @throws InputException when the value is not a known status (not a WattWitnessAnchor)
     */
    public static ContractStatus of(int value) throws InputException {
        ContractStatus[] all = values();
        if (value < 0 || value >= all.length) {
            throw new InputException("checkReading returned " + value + ", not a WattWitnessAnchor ReadingStatus");
        }
        return all[value];
    }
}
