package dev.patient360.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** A transaction is all or nothing: one bad entry and none of the others are stored. */
class TransactionAtomicityIT extends HubIntegrationTest {

	@Test
	void aTransactionWithOneBadEntryLeavesNothingBehind() {
		String mrn = UUID.randomUUID().toString();
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Patient p = new Patient();
		p.addIdentifier().setSystem("urn:test:atomic").setValue(mrn);
		String patientUrn = "urn:uuid:" + UUID.randomUUID();
		tx.addEntry().setFullUrl(patientUrn).setResource(p).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		Observation good = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		good.getCode().setText("good");
		good.setSubject(new Reference(patientUrn));
		tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(good)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		Observation bad = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		bad.getCode().setText("bad");
		// The target does not exist: the whole transaction must fail.
		bad.setSubject(new Reference("Patient/no-such-patient-" + mrn));
		tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(bad)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		HttpResponse<String> response = http("POST", "", json(tx));

		assertThat(response.statusCode()).isBetween(400, 422);
		OperationOutcome outcome = parse(OperationOutcome.class, response.body());
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("no-such-patient-" + mrn);
		Bundle patients = parse(Bundle.class, http("GET", "/Patient?identifier=urn:test:atomic|" + mrn, null).body());
		assertThat(patients.getEntry()).isEmpty();
	}
}
