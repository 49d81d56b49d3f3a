package dev.patient360.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;

import ca.uhn.fhir.context.FhirContext;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;

class HapiJsonEncodingTuningTest {

	private static final FhirContext CTX = FhirContext.forR4Cached();

	/** Counts flushes reaching the underlying writer, as a servlet response would see them. */
	static final class CountingWriter extends StringWriter {
		int flushes;

		@Override
		public void flush() {
			flushes++;
			super.flush();
		}
	}

	private static Bundle sample() {
		Patient p = new Patient();
		p.setId("p1");
		p.addName().setFamily("Müller").addGiven("Anna").addGiven("\"quoted\" \\ and ünïcödé");
		p.setActive(true);
		p.setMultipleBirth(new org.hl7.fhir.r4.model.IntegerType(2));
		Observation o = new Observation();
		o.setId("o1");
		o.setValue(new Quantity().setValue(new java.math.BigDecimal("72.50")).setUnit("kg"));
		Bundle b = new Bundle().setType(Bundle.BundleType.COLLECTION);
		b.addEntry().setResource(p);
		b.addEntry().setResource(o);
		b.setTotal(2);
		return b;
	}

	private static CountingWriter encode(Bundle b) throws IOException {
		CountingWriter w = new CountingWriter();
		CTX.newJsonParser().encodeResourceToWriter(b, (Writer) w);
		return w;
	}

	@Test
	void afterTuningTheEncoderWritesTheSameJsonWithoutAFlushPerValue() throws IOException {
		Bundle b = sample();
		CountingWriter before = encode(b);
		assertThat(HapiJsonEncodingTuning.apply()).isTrue();
		CountingWriter after = encode(b);

		assertThat(after.toString()).isEqualTo(before.toString());
		assertThat(after.toString()).contains("72.50").contains("\"active\":true").contains("\"multipleBirthInteger\":2");
		assertThat(after.flushes).isLessThan(before.flushes).isLessThanOrEqualTo(2);
		Bundle reparsed = CTX.newJsonParser().parseResource(Bundle.class, after.toString());
		assertThat(((Patient) reparsed.getEntryFirstRep().getResource()).getNameFirstRep().getGiven().get(1).getValue())
				.isEqualTo("\"quoted\" \\ and ünïcödé");
	}
}
