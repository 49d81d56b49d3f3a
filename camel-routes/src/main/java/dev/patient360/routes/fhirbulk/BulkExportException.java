package dev.patient360.routes.fhirbulk;

import java.io.IOException;

/** A bulk export that cannot go on in this run; the message starts with its HUB code. */
final class BulkExportException extends IOException {

	BulkExportException(String message) {
		super(message);
	}
}
