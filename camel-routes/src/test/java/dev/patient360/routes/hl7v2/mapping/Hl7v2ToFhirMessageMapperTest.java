package dev.patient360.routes.hl7v2.mapping;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.profiles.SourceRecord;
import dev.patient360.routes.testsupport.Golden;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Golden files: each supported sample message of {@code ../shared/data/hl7v2/msft-fhir-converter}
 * maps to exactly the transaction in {@code src/test/resources/hl7v2/golden/<message>.json}.
 * Regenerate after a deliberate mapping change with {@code -Dhl7v2.golden.update=true} and review the diff.
 */
class Hl7v2ToFhirMessageMapperTest {

	private static final Path MESSAGES = Path.of("../../shared/data/hl7v2/msft-fhir-converter/messages");
	private static final Path GOLDEN = Path.of("src/test/resources/hl7v2/golden");
	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final Hl7v2ToFhirMessageMapper.Context CTX =
			new Hl7v2ToFhirMessageMapper.Context("demo-ehr", "hl7v2-mllp", "ADTApp|GHHSFacility", new Date(1_700_000_000_000L));

	private static Bundle map(String file) throws Exception {
		String er7 = Files.readString(MESSAGES.resolve(file), StandardCharsets.UTF_8).replace("\r\n", "\r").replace('\n', '\r');
		return Hl7v2ToFhirMessageMapper.map(new Hl7v2Parser().parse(er7), CTX);
	}

	@ParameterizedTest
	@ValueSource(strings = {"ADT-A01-01.hl7", "ADT-A01-02.hl7", "ADT-A03-01.hl7", "ADT-A04-01.hl7", "ADT-A08-01.hl7",
			"ADT-A11-01.hl7", "ADT-A28-01.hl7", "ADT-A40-01.hl7", "SIU-S12-01.hl7", "SIU-S15-01.hl7", "SIU-S17-01.hl7",
			"SIU-S26-01.hl7", "DFT-P03-01.hl7", "ADT-A02-01.hl7"})
	void sampleMessageMapsToItsGoldenTransaction(String file) throws Exception {
		String actual = FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(map(file)) + "\n";
		Path golden = GOLDEN.resolve(file.replace(".hl7", ".json"));
		if (Boolean.getBoolean("hl7v2.golden.update") || !Files.exists(golden)) {
			Files.writeString(golden, actual);
		}
		assertThat(actual).isEqualTo(Files.readString(golden));
		assertThat(Golden.validationErrors(map(file))).as("Patients against engagement-patient, the rest against R4").isEmpty();
	}

	@Test
	void admitUpsertsPatientAndEncounterByTheirSourceIdentifiersAndRecordsProvenance() throws Exception {
		Bundle tx = map("ADT-A01-01.hl7");
		List<String> urls = tx.getEntry().stream().map(e -> e.getRequest().getUrl()).toList();
		assertThat(urls.get(0)).startsWith("Patient?identifier=").contains("PATID1234");
		assertThat(urls).anyMatch(u -> u.startsWith("Encounter?identifier="));
		Patient p = (Patient) tx.getEntryFirstRep().getResource();
		assertThat(p.getNameFirstRep().getFamily()).isEqualTo("EVERYMAN");
		assertThat(p.getBirthDateElement().getValueAsString()).isEqualTo("1988-08-18");
		assertThat(p.getMeta().getTag()).anyMatch(t -> "demo-ehr".equals(t.getCode()));
		Provenance prov = (Provenance) tx.getEntry().get(tx.getEntry().size() - 1).getResource();
		assertThat(prov.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo("MSG00001");
		assertThat(prov.getTarget()).hasSize(tx.getEntry().size() - 1);
	}

	@Test
	void cancelAdmitCancelsTheEncounter() throws Exception {
		Encounter e = resources(map("ADT-A11-01.hl7"), Encounter.class).get(0);
		assertThat(e.getStatus()).isEqualTo(Encounter.EncounterStatus.CANCELLED);
	}

	@Test
	void appointmentStatusFollowsTheTriggerEvent() throws Exception {
		assertThat(resources(map("SIU-S12-01.hl7"), Appointment.class).get(0).getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
		assertThat(resources(map("SIU-S15-01.hl7"), Appointment.class).get(0).getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
		assertThat(resources(map("SIU-S26-01.hl7"), Appointment.class).get(0).getStatus()).isEqualTo(Appointment.AppointmentStatus.NOSHOW);
	}

	@Test
	void visitPractitionersAndLocationAreUpsertedByIdentifierAndReferencedFromTheEncounter() throws Exception {
		Bundle tx = map("ADT-A01-01.hl7");
		List<String> urls = tx.getEntry().stream().map(e -> e.getRequest().getUrl()).toList();
		assertThat(urls).anyMatch(u -> u.startsWith("Practitioner?identifier=")).anyMatch(u -> u.startsWith("Location?identifier="));
		Encounter e = resources(tx, Encounter.class).get(0);
		List<String> fullUrls = tx.getEntry().stream().map(Bundle.BundleEntryComponent::getFullUrl).toList();
		assertThat(e.getParticipant()).isNotEmpty()
				.allSatisfy(p -> assertThat(fullUrls).contains(p.getIndividual().getReference()));
		assertThat(fullUrls).contains(e.getLocationFirstRep().getLocation().getReference());
		assertThat(resources(tx, Practitioner.class)).allSatisfy(p -> {
			assertThat(p.getIdentifierFirstRep().getValue()).isNotBlank();
			assertThat(SourceRecord.get(p)).isNotNull();
		});
		assertThat(resources(tx, Location.class)).allSatisfy(l -> assertThat(SourceRecord.get(l)).isNotNull());
	}

	@Test
	void appointmentPersonAndLocationBecomePractitionerAndLocationParticipants() throws Exception {
		Bundle tx = map("SIU-S12-01.hl7");
		Appointment a = resources(tx, Appointment.class).get(0);
		assertThat(a.getParticipant()).extracting(p -> p.getActor().getReference().substring(0, 9)).containsOnly("urn:uuid:");
		Practitioner gastro = resources(tx, Practitioner.class).stream()
				.filter(p -> "1210".equals(p.getIdentifierFirstRep().getValue())).findFirst().orElseThrow();
		assertThat(gastro.getNameFirstRep().getFamily()).isEqualTo("GE");
		assertThat(resources(tx, Location.class)).extracting(Location::getName).contains("GH Clinic / 055 / Room01");
	}

	@Test
	void deleteAppointmentMarksItEnteredInError() throws Exception {
		assertThat(resources(map("SIU-S17-01.hl7"), Appointment.class)).singleElement()
				.satisfies(a -> assertThat(a.getStatus()).isEqualTo(Appointment.AppointmentStatus.ENTEREDINERROR));
	}

	@Test
	void mergeUpsertsTheSurvivorAndNeverOverwritesTheRetiredRecord() throws Exception {
		Bundle tx = map("ADT-A40-01.hl7");
		List<Bundle.BundleEntryComponent> patients = tx.getEntry().stream()
				.filter(e -> e.getResource() instanceof Patient).toList();
		assertThat(patients).hasSize(2);
		assertThat(patients.get(0).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
		assertThat(patients.get(0).getRequest().getUrl()).contains("12345");
		assertThat(((Patient) patients.get(0).getResource()).hasLink()).isFalse();
		// Created only if the hub has never seen it; an existing record keeps its data.
		assertThat(patients.get(1).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
		assertThat(patients.get(1).getRequest().getIfNoneExist()).startsWith("identifier=").contains("56789");
	}

	@Test
	void mergeBecomesPatientMergeFromTheRetiredToTheSurvivingIdentifier() throws Exception {
		String er7 = Files.readString(MESSAGES.resolve("ADT-A40-01.hl7"), StandardCharsets.UTF_8).replace("\r\n", "\r")
				.replace('\n', '\r');
		org.hl7.fhir.r4.model.Parameters merge = Hl7v2ToFhirMergeMapper.map(new Hl7v2Parser().parse(er7)).orElseThrow();
		assertThat(((org.hl7.fhir.r4.model.Identifier) merge.getParameter("source-patient-identifier").getValue()).getValue())
				.isEqualTo("56789");
		assertThat(((org.hl7.fhir.r4.model.Identifier) merge.getParameter("target-patient-identifier").getValue()).getValue())
				.isEqualTo("12345");
		String admit = Files.readString(MESSAGES.resolve("ADT-A01-01.hl7"), StandardCharsets.UTF_8).replace("\r\n", "\r")
				.replace('\n', '\r');
		assertThat(Hl7v2ToFhirMergeMapper.map(new Hl7v2Parser().parse(admit))).isEmpty();
	}

	@Test
	void detailedFinancialTransactionBecomesOneChargeItemPerFt1() throws Exception {
		assertThat(resources(map("DFT-P03-01.hl7"), ChargeItem.class)).isNotEmpty()
				.allSatisfy(c -> assertThat(c.getSubject().getReference()).startsWith("urn:uuid:"));
	}

	@Test
	void unsupportedTypeIsRefused() {
		assertThatThrownBy(() -> map("ORU-R01-01.hl7")).isInstanceOf(Hl7v2MappingException.class).hasMessageContaining("HUB-4010");
	}

	private static <T> List<T> resources(Bundle b, Class<T> type) {
		return b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance).map(type::cast).toList();
	}
}
