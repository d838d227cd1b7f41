/*
 * test_webhook_url.c - which URLs and addresses webhooks may reach
 * (services/alerts/webhook_url.c): the SSRF rules.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "webhook_url.h"

static struct webhook_allow allow;

static void setup(void)
{
	ck_assert_int_eq(webhook_allow_parse("127.0.0.1, localhost,[::1],Hooks.Example", &allow), 0);
}

static int check(const char *url, const char **why)
{
	struct webhook_target t;
	*why = NULL;
	return webhook_url_check(url, &allow, &t, why);
}

START_TEST(https_urls_pass_and_name_their_host_and_port)
{
	struct webhook_target t;
	const char *why = NULL;

	ck_assert_int_eq(webhook_url_check("https://Receiver.example.com/hooks?x=1", &allow, &t,
					   &why),
			 0);
	ck_assert_int_eq(t.https, 1);
	ck_assert_int_eq(t.allowed, 0);
	ck_assert_str_eq(t.host, "receiver.example.com");
	ck_assert_int_eq(t.port, 443);
	ck_assert_int_eq(webhook_url_check("https://[2a00:1450::1]:8443/", &allow, &t, &why), 0);
	ck_assert_str_eq(t.host, "2a00:1450::1");
	ck_assert_int_eq(t.port, 8443);
}
END_TEST

START_TEST(http_only_to_allowed_hosts)
{
	struct webhook_target t;
	const char *why = NULL;

	ck_assert_int_eq(webhook_url_check("http://127.0.0.1:9000/hook", &allow, &t, &why), 0);
	ck_assert_int_eq(t.allowed, 1);
	ck_assert_int_eq(t.port, 9000);
	ck_assert_int_eq(webhook_url_check("http://LOCALHOST/hook", &allow, &t, &why), 0);
	ck_assert_int_eq(webhook_url_check("http://[::1]:81/", &allow, &t, &why), 0);
	ck_assert_int_eq(webhook_url_check("http://hooks.example/", &allow, &t, &why), 0);
	ck_assert_int_eq(check("http://receiver.example.com/hook", &why), -1);
	ck_assert_str_eq(why, "must use https; http only to a host the operator allows");
	ck_assert_int_eq(check("http://10.0.0.1/", &why), -1);
	/* 2130706433 is 127.0.0.1 spelled as one number: normalised, so allowed
	 * for http and recognised as loopback by address. */
	ck_assert_int_eq(webhook_url_check("http://2130706433/", &allow, &t, &why), 0);
	ck_assert_str_eq(t.host, "127.0.0.1");
}
END_TEST

START_TEST(other_schemes_credentials_and_junk_are_refused)
{
	const char *why = NULL;
	const char *bad[] = {
		"ftp://example.com/",
		"file:///etc/passwd",
		"gopher://example.com/",
		"javascript:alert(1)",
		"https://user:pw@example.com/",
		"https://user@example.com/",
		"https://example.com/#frag",
		"https://exa mple.com/",
		"https://example.com/\r\nX: y",
		"https://ex\xc3\xa4mple.com/",
		"/relative/path",
		"example.com/hook",
		"https://",
		"https://example.com:0/",
		"https://example.com:99999/",
		"",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(check(bad[i], &why) == -1, "%s passed", bad[i]);
		ck_assert_ptr_nonnull(why);
	}
	ck_assert_int_eq(check("ftp://example.com/", &why), -1);
	ck_assert_str_eq(why, "must use https (or http to a host the operator allows)");
	ck_assert_int_eq(check(NULL, &why), -1);
}
END_TEST

START_TEST(over_long_urls_are_refused)
{
	char url[WEBHOOK_URL_MAX + 64];
	const char *why = NULL;

	memset(url, 'a', sizeof(url) - 1);
	url[sizeof(url) - 1] = '\0';
	memcpy(url, "https://example.com/", 20);
	ck_assert_int_eq(check(url, &why), -1);
	ck_assert_str_eq(why, "must be a URL of at most 2048 characters");
}
END_TEST

static int v4(const char *text)
{
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, text, &sa.sin_addr), 1);
	return webhook_addr_is_public((struct sockaddr *)&sa);
}

static int v6(const char *text)
{
	struct sockaddr_in6 sa;
	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, text, &sa.sin6_addr), 1);
	return webhook_addr_is_public((struct sockaddr *)&sa);
}

START_TEST(private_and_special_addresses_are_not_public)
{
	const char *refused4[] = {
		"0.0.0.0", "10.1.2.3", "100.64.0.1", "127.0.0.1", "127.255.255.254",
		"169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1",
		"192.168.1.1", "198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1",
		"239.255.255.250", "240.0.0.1", "255.255.255.255",
	};
	const char *public4[] = { "8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1",
				  "100.63.255.255", "100.128.0.1", "192.169.0.1", "81.2.69.142" };
	const char *refused6[] = {
		"::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1",
		"2001:db8::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe",
		"2002:c0a8:0101::1", "::127.0.0.1",
	};
	const char *public6[] = { "2a00:1450:4009:80b::200e", "2606:4700::1111",
				  "::ffff:8.8.8.8", "2002:0808:0808::1" };
	size_t i;

	for (i = 0; i < sizeof(refused4) / sizeof(refused4[0]); i++)
		ck_assert_msg(v4(refused4[i]) == 0, "%s counted as public", refused4[i]);
	for (i = 0; i < sizeof(public4) / sizeof(public4[0]); i++)
		ck_assert_msg(v4(public4[i]) == 1, "%s counted as private", public4[i]);
	for (i = 0; i < sizeof(refused6) / sizeof(refused6[0]); i++)
		ck_assert_msg(v6(refused6[i]) == 0, "%s counted as public", refused6[i]);
	for (i = 0; i < sizeof(public6) / sizeof(public6[0]); i++)
		ck_assert_msg(v6(public6[i]) == 1, "%s counted as private", public6[i]);
	ck_assert_int_eq(webhook_addr_is_public(NULL), 0);
}
END_TEST

START_TEST(literal_private_addresses_fail_the_resolve_check_unless_allowed)
{
	struct webhook_target t;
	const char *why = NULL;

	ck_assert_int_eq(webhook_url_check("https://10.0.0.5/hook", &allow, &t, &why), 0);
	ck_assert_int_eq(webhook_url_resolve_check(&t, &why), -1);
	ck_assert_str_eq(why, "resolves to a private, loopback, link-local or reserved address");
	ck_assert_int_eq(webhook_url_check("https://[::ffff:169.254.169.254]/", &allow, &t, &why),
			 0);
	ck_assert_int_eq(webhook_url_resolve_check(&t, &why), -1);
	ck_assert_int_eq(webhook_url_check("https://8.8.8.8/", &allow, &t, &why), 0);
	ck_assert_int_eq(webhook_url_resolve_check(&t, &why), 0);
	ck_assert_int_eq(webhook_url_check("http://127.0.0.1:1/", &allow, &t, &why), 0);
	ck_assert_int_eq(webhook_url_resolve_check(&t, &why), 0);
	/* localhost is a name that resolves to loopback: refused when not allowed. */
	ck_assert_int_eq(webhook_allow_parse("", &allow), 0);
	ck_assert_int_eq(webhook_url_check("https://localhost/", &allow, &t, &why), 0);
	ck_assert_int_eq(webhook_url_resolve_check(&t, &why), -1);
	ck_assert_int_eq(webhook_url_check("https://no-such-host.invalid/", &allow, &t, &why), 0);
	ck_assert_int_eq(webhook_url_resolve_check(&t, &why), -1);
	ck_assert_str_eq(why, "names a host that does not resolve");
}
END_TEST

START_TEST(allow_lists_parse_strictly)
{
	struct webhook_allow a;

	ck_assert_int_eq(webhook_allow_parse("", &a), 0);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_int_eq(webhook_allow_parse(NULL, &a), 0);
	ck_assert_int_eq(webhook_allow_parse("a.example", &a), 0);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_int_eq(webhook_allow_parse("a,,b", &a), -1);
	ck_assert_int_eq(webhook_allow_parse("a,", &a), -1);
	ck_assert_int_eq(webhook_allow_parse("a b", &a), -1);
	ck_assert_int_eq(webhook_allow_parse("a/b", &a), -1);
	ck_assert_int_eq(webhook_host_allowed(&allow, "LocalHost"), 1);
	ck_assert_int_eq(webhook_host_allowed(&allow, "[::1]"), 1);
	ck_assert_int_eq(webhook_host_allowed(&allow, "127.0.0.2"), 0);
	ck_assert_int_eq(webhook_host_allowed(&allow, "localhost.evil.example"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webhook_url");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, https_urls_pass_and_name_their_host_and_port);
	tcase_add_test(tc, http_only_to_allowed_hosts);
	tcase_add_test(tc, other_schemes_credentials_and_junk_are_refused);
	tcase_add_test(tc, over_long_urls_are_refused);
	tcase_add_test(tc, private_and_special_addresses_are_not_public);
	tcase_add_test(tc, literal_private_addresses_fail_the_resolve_check_unless_allowed);
	tcase_add_test(tc, allow_lists_parse_strictly);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
