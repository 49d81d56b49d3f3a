package dev.patient360.hub.fhir;

import java.lang.reflect.Field;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a per-value cost from HAPI's JSON encoder. HAPI writes every primitive through
 * {@code JsonGenerator.writeObjectField}, which hands it to its private ObjectMapper; that mapper
 * creates a serializer context per value and, with Jackson's default
 * {@code FLUSH_AFTER_WRITE_VALUE}, flushes the writer after each one. On a servlet response each
 * flush is a separate chunk on the socket: a 400 kB bundle went out in some twenty thousand writes.
 * Without the codec the generator writes strings, numbers and booleans itself, with identical
 * output (a test compares it), and flushes once at the end.
 */
final class HapiJsonEncodingTuning {

	private static final Logger log = LoggerFactory.getLogger(HapiJsonEncodingTuning.class);
	static final String HAPI_JSON_STRUCTURE = "ca.uhn.fhir.parser.json.jackson.JacksonStructure";

	private HapiJsonEncodingTuning() {
	}

	/** Applies the tuning; if HAPI's internals changed, logs it and leaves HAPI as it is. */
	static boolean apply() {
		try {
			Field field = Class.forName(HAPI_JSON_STRUCTURE).getDeclaredField("OBJECT_MAPPER");
			field.setAccessible(true);
			ObjectMapper mapper = (ObjectMapper) field.get(null);
			mapper.disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
			mapper.getFactory().setCodec(null);
			return true;
		}
		catch (ReflectiveOperationException | RuntimeException e) {
			log.warn("HAPI's JSON encoder internals changed ({}); JSON encoding stays untuned", e.toString());
			return false;
		}
	}
}
