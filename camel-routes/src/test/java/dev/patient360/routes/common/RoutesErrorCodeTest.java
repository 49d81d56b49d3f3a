package dev.patient360.routes.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RoutesErrorCodeTest {

	@Test
	void everyCodeUsedInTheSourcesIsRegisteredOnceAndInTheConnectorRange() throws IOException {
		Set<String> registered = Arrays.stream(RoutesErrorCode.values()).map(RoutesErrorCode::code).collect(Collectors.toSet());
		assertThat(registered).hasSize(RoutesErrorCode.values().length).allMatch(c -> c.matches("HUB-(40|50|60)\\d\\d"));
		Set<String> used = new TreeSet<>();
		Pattern code = Pattern.compile("HUB-\\d{4}");
		try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
			for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
				Matcher m = code.matcher(Files.readString(f));
				while (m.find()) {
					used.add(m.group());
				}
			}
		}
		assertThat(used).isNotEmpty().allMatch(registered::contains);
	}
}
