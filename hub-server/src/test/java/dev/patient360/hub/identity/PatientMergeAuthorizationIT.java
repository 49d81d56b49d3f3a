package dev.patient360.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.patient360.hub.testsupport.SecuredHubIntegrationTest;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The contract the HL7 v2 connector relies on for ADT^A40, with real Keycloak tokens: an
 * {@code ehr-source} may call Patient/$merge on two Patients that both carry its own source tag —
 * repeatably — and on nothing else; partners may not merge at all.
 */
class PatientMergeAuthorizationIT extends SecuredHubIntegrationTest {

	private static final String MRN = "https://demo-ehr.example/mrn";

	@Test
	void anEhrSourceMergesTwoOfItsOwnPatientsAndARepeatedMergeAnswersTheSame() {
		String retired = createAs("demo-ehr", "demo-ehr", "Mergeauth", "Rolf", "1944-04-04", "MA-OLD");
		String surviving = createAs("demo-ehr", "demo-ehr", "Mergeauth", "Sabine", "1955-05-05", "MA-NEW");

		HttpResponse<String> first = merge("demo-ehr", "MA-OLD", "MA-NEW");
		assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
		Parameters answer = parse(Parameters.class, first.body());
		String outcome = ((OperationOutcome) answer.getParameter("outcome").getResource()).getIssueFirstRep().getDiagnostics();
		assertThat(outcome).isEqualTo("merged " + retired + " into " + surviving);
		Patient result = (Patient) answer.getParameter("result").getResource();
		assertThat(result.getIdElement().toUnqualifiedVersionless().getValue()).isEqualTo(surviving);
		assertThat(result.getLink()).anyMatch(l -> l.getType() == Patient.LinkType.REPLACES
				&& retired.equals(l.getOther().getReference()));
		assertThat(answer.getParameter("input").getResource()).isInstanceOf(Parameters.class);

		Patient old = parse(Patient.class, httpAs("demo-ehr", "GET", "/" + retired, null).body());
		assertThat(old.getActive()).isFalse();
		assertThat(old.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
		assertThat(old.getLinkFirstRep().getOther().getReference()).isEqualTo(surviving);
		String versionAfterMerge = old.getMeta().getVersionId();

		HttpResponse<String> again = merge("demo-ehr", "MA-OLD", "MA-NEW");
		assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
		assertThat(((OperationOutcome) parse(Parameters.class, again.body()).getParameter("outcome").getResource())
				.getIssueFirstRep().getDiagnostics()).isEqualTo(outcome);
		assertThat(parse(Patient.class, httpAs("demo-ehr", "GET", "/" + retired, null).body()).getMeta().getVersionId())
				.as("a repeated merge changes nothing").isEqualTo(versionAfterMerge);

		HttpResponse<String> links = httpAs("demo-admin", "GET",
				"/Patient/$mdm-query-links?matchResult=MATCH&resourceId=" + retired, null);
		HttpResponse<String> survivorLinks = httpAs("demo-admin", "GET",
				"/Patient/$mdm-query-links?matchResult=MATCH&resourceId=" + surviving, null);
		assertThat(golden(links)).as("one person in the index").isEqualTo(golden(survivorLinks));
	}

	@Test
	void anEhrSourceCannotMergeAnotherSourcesPatientAndPartnersCannotMergeAtAll() {
		createAs("demo-ehr", "demo-ehr", "Fremdmerge", "Theo", "1966-06-06", "MA-OWN");
		createAs("demo-admin", "other-ehr", "Fremdmerge", "Ulla", "1967-07-07", "MA-FOREIGN");

		HttpResponse<String> foreign = merge("demo-ehr", "MA-FOREIGN", "MA-OWN");
		assertThat(foreign.statusCode()).as(foreign.body()).isIn(403, 422);
		assertThat(foreign.body()).contains("OperationOutcome").doesNotContain("Ulla");

		HttpResponse<String> partner = merge("demo-clinic", "MA-OWN", "MA-FOREIGN");
		assertThat(partner.statusCode()).isEqualTo(403);
		assertThat(partner.body()).contains("HUB-2050");
	}

	private HttpResponse<String> merge(String clientId, String sourceMrn, String targetMrn) {
		Parameters in = new Parameters();
		in.addParameter().setName("source-patient-identifier").setValue(new Identifier().setSystem(MRN).setValue(sourceMrn));
		in.addParameter().setName("target-patient-identifier").setValue(new Identifier().setSystem(MRN).setValue(targetMrn));
		return httpAs(clientId, "POST", "/Patient/$merge", json(in), "Content-Type", "application/fhir+json",
				"Accept", "application/fhir+json");
	}

	private String createAs(String clientId, String source, String family, String given, String birthDate, String mrn) {
		Patient p = PatientIndexStewardshipIT.patient(source, family, given, birthDate, "10115", mrn);
		p.getIdentifierFirstRep().setSystem(MRN);
		HttpResponse<String> created = httpAs(clientId, "POST", "/Patient", json(p), "Content-Type",
				"application/fhir+json", "Accept", "application/fhir+json");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		return parse(Patient.class, created.body()).getIdElement().toUnqualifiedVersionless().getValue();
	}

	private String golden(HttpResponse<String> links) {
		assertThat(links.statusCode()).as(links.body()).isEqualTo(200);
		Parameters p = parse(Parameters.class, links.body());
		assertThat(p.getParameter()).hasSize(1);
		return PatientMatchingCohortIT.part(p.getParameter().get(0), "goldenResourceId");
	}
}
