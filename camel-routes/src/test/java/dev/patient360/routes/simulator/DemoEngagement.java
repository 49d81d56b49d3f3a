package dev.patient360.routes.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeMessage;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.Codes.ContactChannel;
import dev.patient360.profiles.Codes.ContactPurpose;
import dev.patient360.profiles.ConsentCodes;
import dev.patient360.profiles.PatientEngagement;
import dev.patient360.profiles.PatientEngagement.ContactPreference;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * The demo's engagement side, so that reminders really go out while the demo runs. Reminders need
 * a contact Consent that exists before the Appointment is written, and an appointment close enough
 * that its reminder is due now; the Synthea data has neither. So, for the first few bookable
 * patients, once the scheduling connector has brought their Patient into the hub, this plays:
 *
 * <ol>
 * <li>the practice's front desk (writing as {@code demo-admin}, the only demo party that may write
 * Consents): it records the patient's mobile number and a {@code contact-preference} for
 * appointment reminders (SMS or e-mail, English, any time of day) on that Patient, and a contact
 * Consent permitting appointment reminders on that channel;</li>
 * <li>the patient: books a follow-up visit starting within the lead time, in the bookings API;</li>
 * <li>later, the patients' answers: one clicks the tracked link of the SMS, one replies to the
 * e-mail, so delivery receipts, clicks and replies all reach the analytics.</li>
 * </ol>
 * Everything goes through the hub's FHIR API, the bookings API, the mail server and the link, like
 * the real thing; nothing is written for the hub that it would not get from these.
 */
final class DemoEngagement {

	/** How many patients consent: the first of every bookable patient, alternating SMS and e-mail. */
	static final int CONSENTING_PATIENTS = 4;
	/** The scheduling connector's identifier of a Cal.com attendee (its default prefix, source demo-scheduling). */
	static final String ATTENDEE_SYSTEM = "https://fhir.patient360.dev/source/demo-scheduling/attendee-email";
	/** Identifies the demo's Consents, so a second run over the same hub data does not add another. */
	static final String CONSENT_SYSTEM = "https://fhir.patient360.dev/sid/demo-front-desk-consent";

	private static final Pattern TRACKED_LINK = Pattern.compile("https?://\\S+/t/[0-9]+\\.[A-Za-z0-9_-]+");
	private static final ObjectMapper JSON = new ObjectMapper();

	/** One consenting patient: who, on which channel, with which mobile number. */
	record Consenting(SyntheaPeople.Person person, ContactChannel channel, String mobile) {
	}

	/** Where the hub is and who the front desk writes as; a null token URL = the hub runs without security. */
	record Hub(String fhirBase, String tokenUrl, String clientId, String clientSecret) {
	}

	private final Hub hub;
	private final CalComSimulator calcom;
	private final DemoMailServer mail;
	private final SmsGatewaySimulator sms;
	private final Clock clock;
	private final FhirContext fhir = FhirContext.forR4Cached();
	private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
	private final List<Consenting> consenting;
	private boolean clicked;
	private boolean replied;

	DemoEngagement(Hub hub, List<SyntheaPeople.Person> people, CalComSimulator calcom, DemoMailServer mail,
			SmsGatewaySimulator sms, Clock clock) {
		this.hub = hub;
		this.calcom = calcom;
		this.mail = mail;
		this.sms = sms;
		this.clock = clock;
		this.consenting = consenting(people);
	}

	/** The first {@link #CONSENTING_PATIENTS} people: even ones by SMS, odd ones by e-mail. */
	static List<Consenting> consenting(List<SyntheaPeople.Person> people) {
		List<Consenting> out = new ArrayList<>();
		for (int i = 0; i < Math.min(CONSENTING_PATIENTS, people.size()); i++) {
			ContactChannel channel = i % 2 == 0 ? ContactChannel.SMS : ContactChannel.EMAIL;
			// Made-up numbers; none ends in 99, which the SMS simulator reports undelivered.
			out.add(new Consenting(people.get(i), channel, String.format("+491570000%03d", 100 + i)));
		}
		return out;
	}

	/** The front desk's record of the patient's wishes: a mobile number and a reminder preference. */
	static Patient withPreference(Patient patient, Consenting c) {
		ContactPoint mobile = new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE)
				.setUse(ContactPoint.ContactPointUse.MOBILE).setValue(c.mobile());
		if (patient.getTelecom().stream().noneMatch(t -> c.mobile().equals(t.getValue()))) {
			patient.addTelecom(mobile.copy());
		}
		ContactPoint address = c.channel() == ContactChannel.SMS ? mobile
				: new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(c.person().email());
		List<ContactPreference> preferences = new ArrayList<>(PatientEngagement.getContactPreferences(patient));
		preferences.removeIf(p -> p.purpose() == ContactPurpose.APPOINTMENT_REMINDER);
		// Equal contact hours mean any time of day (docs/engagement.md), so the demo sends whenever it runs.
		preferences.add(new ContactPreference(ContactPurpose.APPOINTMENT_REMINDER, c.channel(), address,
				LocalTime.MIDNIGHT, LocalTime.MIDNIGHT, "en", false));
		PatientEngagement.setContactPreferences(patient, preferences);
		return patient;
	}

	/** An active contact Consent permitting appointment reminders on the patient's channel. */
	static Consent contactConsent(String patientId, Consenting c, Date signed) {
		Consent consent = new Consent();
		consent.getMeta().addProfile(Canonicals.PROFILE_CONSENT);
		consent.addIdentifier().setSystem(CONSENT_SYSTEM).setValue(consentKey(c));
		consent.setStatus(Consent.ConsentState.ACTIVE);
		consent.setScope(new CodeableConcept(ConsentCodes.scopePatientPrivacy()));
		consent.addCategory(new CodeableConcept(ConsentCodes.contact()));
		consent.setPatient(new Reference(patientId));
		consent.setDateTime(signed);
		consent.setPolicyRule(new CodeableConcept(new Coding(ConsentCodes.POLICY_RULE_SYSTEM, ConsentCodes.POLICY_OPT_IN, null)));
		Consent.ProvisionComponent provision = consent.getProvision().setType(Consent.ConsentProvisionType.PERMIT);
		provision.addPurpose(ContactPurpose.APPOINTMENT_REMINDER.coding());
		ConsentCodes.addChannel(provision, c.channel());
		return consent;
	}

	static String consentKey(Consenting c) {
		return c.person().email() + "-" + ContactPurpose.APPOINTMENT_REMINDER.code();
	}

	/**
	 * The start of the {@code n}-th consenting patient's visit: two hours from now and later, on the
	 * quarter hour. Within the 24 h lead time, so its reminder is due at once.
	 */
	static Instant soon(Instant now, int n) {
		Instant inTwoHours = now.plus(Duration.ofHours(2).plusMinutes(15L * n));
		long quarter = Duration.ofMinutes(15).toSeconds();
		long seconds = inTwoHours.getEpochSecond();
		return Instant.ofEpochSecond((seconds + quarter - 1) / quarter * quarter);
	}

	/** The tracked link in a reminder's text, if any. */
	static Optional<String> trackedLink(String text) {
		Matcher m = TRACKED_LINK.matcher(text == null ? "" : text);
		return m.find() ? Optional.of(m.group()) : Optional.empty();
	}

	/**
	 * Records each consenting patient's preference and Consent as soon as the scheduling connector
	 * has brought the Patient in, then books their visit. Returns how many were done before
	 * {@code patience} ran out.
	 */
	int recordConsentsAndBook(Duration patience) throws InterruptedException {
		Instant deadline = clock.instant().plus(patience);
		List<Consenting> waiting = new ArrayList<>(consenting);
		int done = 0;
		while (!waiting.isEmpty() && clock.instant().isBefore(deadline)) {
			IGenericClient client = client();
			for (var it = waiting.iterator(); it.hasNext();) {
				Consenting c = it.next();
				Optional<Patient> patient = findPatient(client, c);
				if (patient.isEmpty()) {
					continue;
				}
				String patientId = "Patient/" + patient.get().getIdElement().getIdPart();
				recordPreference(client, patientId, c);
				client.create().resource(contactConsent(patientId, c, Date.from(clock.instant())))
						.conditionalByUrl("Consent?identifier=" + CONSENT_SYSTEM + "|" + consentKey(c)).execute();
				calcom.book(c.person(), soon(clock.instant(), done), "Main Street Clinic, Room 4");
				it.remove();
				done++;
			}
			if (!waiting.isEmpty()) {
				Thread.sleep(2000);
			}
		}
		return done;
	}

	/**
	 * What the patients do with their reminders: the first SMS patient clicks the link, the first
	 * e-mail patient replies. Called on every tick; each happens once, when the message has arrived.
	 */
	void patientsRespond() {
		for (Consenting c : consenting) {
			if (!clicked && c.channel() == ContactChannel.SMS) {
				for (JsonNode m : sms.messagesTo(c.mobile())) {
					Optional<String> link = trackedLink(m.path("text").asText());
					if (link.isPresent() && open(link.get())) {
						clicked = true;
						break;
					}
				}
			}
			if (!replied && c.channel() == ContactChannel.EMAIL) {
				MimeMessage[] received = mail.receivedBy(c.person().email());
				if (received.length > 0) {
					try {
						mail.reply(received[0], "Thank you for the reminder, I will be there.");
						replied = true;
					}
					catch (jakarta.mail.MessagingException e) {
						System.err.println("demo reply not sent: " + e.getMessage());
					}
				}
			}
		}
	}

	private boolean open(String link) {
		try {
			int status = http.send(HttpRequest.newBuilder(URI.create(link)).GET().build(),
					HttpResponse.BodyHandlers.discarding()).statusCode();
			return status / 100 == 3;
		}
		catch (java.io.IOException e) {
			return false;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private Optional<Patient> findPatient(IGenericClient client, Consenting c) {
		Bundle found = client.search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndCode(ATTENDEE_SYSTEM, c.person().email()))
				.returnBundle(Bundle.class).execute();
		return found.getEntry().stream().map(e -> (Patient) e.getResource()).findFirst();
	}

	/** Read, add, write with the version read; the hub's own engagement writes may come in between. */
	private void recordPreference(IGenericClient client, String patientId, Consenting c) {
		for (int attempt = 1;; attempt++) {
			Patient current = client.read().resource(Patient.class).withUrl(patientId).execute();
			Patient updated = withPreference(current.copy(), c);
			if (updated.equalsDeep(current)) {
				return;
			}
			try {
				client.update().resource(updated).withId(current.getIdElement()).execute();
				return;
			}
			catch (PreconditionFailedException | ResourceVersionConflictException e) {
				if (attempt >= 5) {
					throw e;
				}
			}
		}
	}

	private IGenericClient client() {
		IGenericClient client = fhir.newRestfulGenericClient(hub.fhirBase());
		if (hub.tokenUrl() != null) {
			client.registerInterceptor(new BearerTokenAuthInterceptor(token()));
		}
		return client;
	}

	private String token() {
		String basic = Base64.getEncoder().encodeToString((hub.clientId() + ":" + hub.clientSecret())
				.getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(URI.create(hub.tokenUrl()))
				.header("Authorization", "Basic " + basic)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
		try {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("token endpoint answered " + response.statusCode());
			}
			return JSON.readTree(response.body()).path("access_token").asText();
		}
		catch (java.io.IOException e) {
			throw new IllegalStateException("token endpoint not reachable: " + e.getMessage(), e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", e);
		}
	}
}
