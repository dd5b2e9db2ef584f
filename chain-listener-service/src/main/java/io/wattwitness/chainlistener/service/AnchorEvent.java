package io.wattwitness.chainlistener.service;

/** An event of the WattWitnessAnchor contract the listener acts on (contracts/src/WattWitnessAnchor.sol). */
public sealed interface AnchorEvent permits BatchAnchoredEvent, InstallationKeyEvent {

    /** Where the event was emitted. */
    EventPosition position();
}
