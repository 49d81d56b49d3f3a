package dev.patient360.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Secure by default: the hub's security settings decide whether it starts, and say so when they are off. */
@ExtendWith(OutputCaptureExtension.class)
class HubSecurityPropertiesTest {

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(HubSecurityProperties.class)
	@Import(SecurityDisabledWarning.class)
	static class SecuritySettings {
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
			.withUserConfiguration(SecuritySettings.class);

	@Test
	void withoutAnIssuerTheHubDoesNotStartAndSaysWhy() {
		runner.run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("HUB-2000")
					.hasMessageContaining("HUB_OIDC_ISSUER")
					.hasMessageContaining("HUB_SECURITY=disabled");
		});
	}

	@Test
	void aBlankIssuerCountsAsNone() {
		runner.withPropertyValues("hub.security.oidc-issuer=  ").run(context -> assertThat(context).hasFailed());
	}

	@Test
	void withAnIssuerTheHubStartsSecuredWithDefaults() {
		runner.withPropertyValues("hub.security.oidc-issuer=http://127.0.0.1:8180/realms/patient360").run(context -> {
			assertThat(context).hasNotFailed();
			HubSecurityProperties props = context.getBean(HubSecurityProperties.class);
			assertThat(props.enabled()).isTrue();
			assertThat(props.oidcAudience()).isEqualTo("patient360-hub");
			assertThat(props.clockSkew()).hasSeconds(30);
		});
	}

	@Test
	void disabledExplicitlyTheHubStartsWithoutIssuerAndWarnsLoudly(CapturedOutput output) {
		runner.withPropertyValues("hub.security.mode=disabled").run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(HubSecurityProperties.class).enabled()).isFalse();
		});
		assertThat(output.getOut()).contains("SECURITY IS DISABLED (HUB_SECURITY=disabled)");
	}

	@Test
	void anUnknownModeIsRefused() {
		runner.withPropertyValues("hub.security.mode=off", "hub.security.oidc-issuer=http://x")
				.run(context -> assertThat(context).hasFailed());
	}
}
