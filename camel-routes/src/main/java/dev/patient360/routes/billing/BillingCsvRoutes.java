package dev.patient360.routes.billing;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.patient360.routes.kit.ConnectorsProperties;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Route template {@code billing-csv}: a file consumer per instance on its drop folder. It picks up
 * only {@code *.csv} (writers write another name and rename, which is atomic) whose size and time
 * have stopped changing ({@code readLock=changed}); {@link BillingCsvLoader} moves each file to
 * {@code .done/} or {@code .error/} itself (so the consumer runs with {@code noop}), and a file left
 * in place because the hub was unavailable is read again on the next poll.
 */
@Component
class BillingCsvRoutes extends RouteBuilder {

	private final ConnectorsProperties props;
	private final BillingCsvLoader loader;

	BillingCsvRoutes(ConnectorsProperties props, BillingCsvLoader loader) {
		this.props = props;
		this.loader = loader;
	}

	@Override
	public void configure() throws Exception {
		routeTemplate(BillingCsvLoader.TYPE)
				.templateParameter("instance")
				.templateParameter("folder")
				.templateParameter("period")
				.from("file:{{folder}}?include=.*\\.csv&noop=true&idempotent=false&readLock=changed"
						+ "&readLockCheckInterval=500&readLockTimeout=60000&delay={{period}}&sortBy=file:modified")
				.setHeader("p360Connector", constant("{{instance}}"))
				.process(exchange -> loader.load(exchange.getMessage().getHeader("p360Connector", String.class),
						Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class))));
		for (ConnectorsProperties.Instance i : props.instances()) {
			if (BillingCsvLoader.TYPE.equals(i.type())) {
				Path folder = Files.createDirectories(BillingCsvLoader.folder(i));
				templatedRoute(BillingCsvLoader.TYPE).routeId("connector-" + i.id())
						.parameter("instance", i.id())
						.parameter("folder", folder.toAbsolutePath().toString())
						.parameter("period", String.valueOf(i.schedule().toMillis()));
			}
		}
	}
}
