package dev.patient360.hub.identity;

import static dev.patient360.hub.identity.PatientMatchingCohortIT.part;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import dev.patient360.profiles.Canonicals;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/** Merge, unmerge, the A40-style $merge and the review queue, over FHIR REST. */
class PatientIndexStewardshipIT extends HubIntegrationTest {

	@Test
	void mergeThenUnmergeRestoresEveryLinkExactly() {
		String a = goldenOf(create("clinic-a", "Mergetest", "Anton", "1961-01-11", "11111", "M-1"));
		create("clinic-b", "Mergetest", "Anton", "1961-01-11", "11111", "M-2");
		String b = goldenOf(create("clinic-a", "Mergetest", "Bertha", "1972-02-22", "22222", "M-3"));
		create("insurer-c", "Mergetest", "Bertha", "1972-02-22", "22222", "M-4");
		assertThat(a).isNotEqualTo(b);
		Set<String> before = links(a);
		before.addAll(links(b));
		assertThat(before).hasSize(4);

		Patient survivor = (Patient) client().operation().onType(Patient.class).named("$mdm-merge-golden-resources")
				.withParameter(Parameters.class, "fromGoldenResourceId", new StringType(a))
				.andParameter("toGoldenResourceId", new StringType(b)).returnResourceType(Patient.class).execute();
		assertThat(survivor.getIdElement().toUnqualifiedVersionless().getValue()).isEqualTo(b);
		assertThat(links(b)).hasSize(4).filteredOn(l -> l.contains("|MATCH|MANUAL|")).as("the moved links").hasSize(2);
		assertThat(links(a)).isEmpty();
		Patient retired = client().read().resource(Patient.class).withId(a).execute();
		assertThat(retired.getActive()).isFalse();
		assertThat(retired.getLinkFirstRep().getOther().getReference()).isEqualTo(b);

		client().operation().onType(Patient.class).named("$mdm-unmerge")
				.withParameter(Parameters.class, "goldenResourceId", new StringType(a)).execute();
		Set<String> after = links(a);
		after.addAll(links(b));
		assertThat(after).isEqualTo(before);
		assertThat(client().read().resource(Patient.class).withId(a).execute().getActive()).isTrue();
	}

	@Test
	void a40StyleMergeByIdentifiersMakesTwoRecordsOnePerson() {
		String first = create("clinic-a", "Adtmerge", "Carla", "1983-03-03", "33333", "A40-OLD");
		String second = create("clinic-a", "Adtmerge-Neu", "Dora", "1984-04-04", "44444", "A40-NEW");
		assertThat(goldenOf(first)).isNotEqualTo(goldenOf(second));

		Parameters answer = client().operation().onType(Patient.class).named("$merge")
				.withParameter(Parameters.class, "source-patient-identifier",
						new Identifier().setSystem("https://clinic-a.example/mrn").setValue("A40-OLD"))
				.andParameter("target-patient-identifier",
						new Identifier().setSystem("https://clinic-a.example/mrn").setValue("A40-NEW"))
				.execute();
		assertThat(answer.getParameter("result").getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.isEqualTo(second);
		assertThat(goldenOf(first)).isEqualTo(goldenOf(second));
		Patient retired = client().read().resource(Patient.class).withId(first).execute();
		assertThat(retired.getActive()).isFalse();
		assertThat(retired.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
		assertThat(retired.getNameFirstRep().getFamily()).as("the retired record keeps its data").isEqualTo("Adtmerge");
	}

	@Test
	void possibleMatchesWaitInTheReviewQueueAndAStewardAcceptsOrRejectsThem() {
		String klaus = create("clinic-a", "Zimmermann", "Klaus", "1950-06-01", null, "R-1");
		String typo = create("clinic-b", "Zimermann", "Klaus", "1950-06-11", null, "R-2");
		String golden = goldenOf(klaus);
		assertThat(goldenOf(typo)).isNotEqualTo(golden);
		assertThat(queue(typo)).containsExactly(golden);

		update(typo, "R-2");
		assertThat(queue(typo)).as("an update does not decide for the steward").containsExactly(golden);

		client().operation().onType(Patient.class).named("$mdm-update-link")
				.withParameter(Parameters.class, "goldenResourceId", new StringType(golden))
				.andParameter("resourceId", new StringType(typo))
				.andParameter("matchResult", new StringType("NO_MATCH")).execute();
		assertThat(queue(typo)).isEmpty();
		assertThat(goldenOf(typo)).isNotEqualTo(golden);

		String ute = create("clinic-a", "Zimmermann", "Ute", "1951-07-02", null, "R-3");
		String uteTypo = create("clinic-b", "Zimermann", "Ute", "1951-07-12", null, "R-4");
		String uteGolden = goldenOf(ute);
		String uteTypoGolden = goldenOf(uteTypo);
		assertThat(queue(uteTypo)).containsExactly(uteGolden);
		client().operation().onType(Patient.class).named("$mdm-update-link")
				.withParameter(Parameters.class, "goldenResourceId", new StringType(uteGolden))
				.andParameter("resourceId", new StringType(uteTypo))
				.andParameter("matchResult", new StringType("MATCH")).execute();
		assertThat(goldenOf(uteTypo)).isEqualTo(uteGolden);
		assertThat(queue(uteTypo)).isEmpty();
		assertThat(client().read().resource(Patient.class).withId(uteTypoGolden).execute().getActive()).isFalse();
	}

	@Test
	void unknownOrSelfMergesAreRefusedWithAnOperationOutcome() {
		String golden = goldenOf(create("clinic-a", "Refusetest", "Emil", "1990-09-09", "99999", "X-1"));
		HttpResponse<String> unknown = http("POST", "/Patient/$mdm-merge-golden-resources", json(new Parameters()
				.addParameter("fromGoldenResourceId", "Patient/999999999").addParameter("toGoldenResourceId", golden)));
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(unknown.body()).contains("OperationOutcome").contains("HUB-3002");
		HttpResponse<String> self = http("POST", "/Patient/$mdm-merge-golden-resources", json(new Parameters()
				.addParameter("fromGoldenResourceId", golden).addParameter("toGoldenResourceId", golden)));
		assertThat(self.statusCode()).isEqualTo(422);
		assertThat(self.body()).contains("HUB-3003");
		HttpResponse<String> badResult = http("GET", "/Patient/$mdm-query-links?matchResult=MAYBE", null);
		assertThat(badResult.statusCode()).isEqualTo(400);
		assertThat(badResult.body()).contains("HUB-3001");
	}

	private String create(String source, String family, String given, String birthDate, String postal, String mrn) {
		return client().create().resource(patient(source, family, given, birthDate, postal, mrn)).execute().getId()
				.toUnqualifiedVersionless().getValue();
	}

	private void update(String id, String mrn) {
		Patient p = client().read().resource(Patient.class).withId(id).execute();
		p.addTelecom().setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.EMAIL).setValue(mrn + "@example.org");
		client().update().resource(p).execute();
	}

	static Patient patient(String source, String family, String given, String birthDate, String postal, String mrn) {
		Patient p = new Patient();
		p.getMeta().addTag(Canonicals.CS_SOURCE_SYSTEM, source, null);
		p.addIdentifier().setSystem("https://" + source + ".example/mrn").setValue(mrn);
		p.addName().setFamily(family).addGiven(given);
		p.setBirthDateElement(new DateType(birthDate));
		p.setGender(AdministrativeGender.UNKNOWN);
		if (postal != null) {
			p.addAddress().setPostalCode(postal);
		}
		return p;
	}

	private List<Parameters.ParametersParameterComponent> query(String name, String value, String matchResult) {
		Parameters in = new Parameters();
		in.addParameter(name, new StringType(value));
		if (matchResult != null) {
			in.addParameter("matchResult", new StringType(matchResult));
		}
		in.addParameter("_count", new org.hl7.fhir.r4.model.IntegerType(100));
		return client().operation().onType(Patient.class).named("$mdm-query-links").withParameters(in).useHttpGet()
				.execute().getParameter();
	}

	String goldenOf(String source) {
		List<Parameters.ParametersParameterComponent> links = query("resourceId", source, "MATCH");
		assertThat(links).hasSize(1);
		return part(links.get(0), "goldenResourceId");
	}

	private List<String> queue(String source) {
		return query("resourceId", source, "POSSIBLE_MATCH").stream().map(l -> part(l, "goldenResourceId")).toList();
	}

	private Set<String> links(String golden) {
		Set<String> out = new TreeSet<>();
		for (Parameters.ParametersParameterComponent l : query("goldenResourceId", golden, null)) {
			out.add(String.join("|", part(l, "goldenResourceId"), part(l, "sourceResourceId"), part(l, "matchResult"),
					part(l, "linkSource"), part(l, "score"), part(l, "eidMatch"), part(l, "hadToCreateNewResource")));
		}
		return out;
	}
}
