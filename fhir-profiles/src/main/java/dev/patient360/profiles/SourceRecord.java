package dev.patient360.profiles;

import java.util.Date;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

import static dev.patient360.profiles.Extensions.part;
import static dev.patient360.profiles.Extensions.value;

/**
 * Where a resource came from, carried as the {@code source-record} extension on Resource.meta so
 * every read shows it. {@link #set} also puts the same source-system Coding into meta.tag, which is
 * what security narrows and checks writes by ({@code _tag}).
 *
 * @param sourceSystem code of the source system (system {@link Canonicals#CS_SOURCE_SYSTEM}), e.g. {@code demo-ehr}
 * @param recordId id of the record at the source
 * @param connector connector instance that delivered it; may be null
 * @param received when the hub received it; may be null
 */
public record SourceRecord(String sourceSystem, String recordId, String connector, Date received) {

	public SourceRecord {
		if (sourceSystem == null || sourceSystem.isBlank() || recordId == null || recordId.isBlank()) {
			throw new IllegalArgumentException("source system and record id are required");
		}
	}

	/** The meta.tag (and extension) Coding of a source system. */
	public static Coding tag(String sourceSystem) {
		return new Coding(Canonicals.CS_SOURCE_SYSTEM, sourceSystem, null);
	}

	/** The source record of a resource, or null when it has none. */
	public static SourceRecord get(Resource resource) {
		Extension e = resource.hasMeta() ? resource.getMeta().getExtensionByUrl(Canonicals.EXT_SOURCE_RECORD) : null;
		if (e == null || !(value(e, "source") instanceof Coding source) || !(value(e, "record-id") instanceof StringType id)) {
			return null;
		}
		return new SourceRecord(source.getCode(), id.getValue(),
				value(e, "connector") instanceof StringType c ? c.getValue() : null,
				value(e, "received") instanceof InstantType i ? i.getValue() : null);
	}

	/** Replaces the resource's source record and makes sure meta.tag carries this source system. */
	public void set(Resource resource) {
		Meta meta = resource.getMeta();
		Extensions.removeAll(meta, Canonicals.EXT_SOURCE_RECORD);
		Extension e = meta.addExtension().setUrl(Canonicals.EXT_SOURCE_RECORD);
		part(e, "source", tag(sourceSystem));
		part(e, "record-id", new StringType(recordId));
		part(e, "connector", connector == null ? null : new StringType(connector));
		part(e, "received", received == null ? null : new InstantType(received));
		if (meta.getTag(Canonicals.CS_SOURCE_SYSTEM, sourceSystem) == null) {
			meta.addTag(tag(sourceSystem));
		}
	}
}
