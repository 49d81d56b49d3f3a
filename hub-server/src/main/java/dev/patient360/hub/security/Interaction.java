package dev.patient360.hub.security;

/**
 * The five SMART v2 permission letters. Every FHIR interaction the hub serves maps onto exactly one
 * of them (read and vread → {@link #READ}, search and history listings → {@link #SEARCH}, update
 * and patch → {@link #UPDATE}).
 */
public enum Interaction {
	CREATE('c'), READ('r'), UPDATE('u'), DELETE('d'), SEARCH('s');

	private final char letter;

	Interaction(char letter) {
		this.letter = letter;
	}

	public char letter() {
		return letter;
	}
}
