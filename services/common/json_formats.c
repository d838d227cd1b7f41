/*
 * json_formats.c - the string formats Hearth accepts: UUID, date, month,
 * RFC 3339 timestamp, UK postcode, email.
 *
 * Hand-written scanners rather than regular expressions or strptime: they run on
 * untrusted input, must not depend on the locale, and check calendar validity.
 */
#include "hearth/json_input.h"

#include <string.h>
#include <strings.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Value of n digits at s, or -1 if any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int hearth_is_uuid(const char *s)
{
	int i;

	if (!s || strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!is_hex(s[i])) {
			return 0;
		}
	}
	return 1;
}

/* Years outside 1900-2200 are typing mistakes in this domain, not history. */
static int year_month(const char *s, int *y, int *m)
{
	*y = digits(s, 4);
	if (*y < 1900 || *y > 2200 || s[4] != '-')
		return 0;
	*m = digits(s + 5, 2);
	return *m >= 1 && *m <= 12;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* The 10 characters at s form a valid date. */
static int date_prefix(const char *s)
{
	int y, m, d;

	if (!year_month(s, &y, &m) || s[7] != '-')
		return 0;
	d = digits(s + 8, 2);
	return d >= 1 && d <= days_in_month(y, m);
}

int hearth_is_date(const char *s)
{
	return s && strlen(s) == 10 && date_prefix(s);
}

int hearth_is_month(const char *s)
{
	int y, m;

	return s && strlen(s) == 7 && year_month(s, &y, &m);
}

/* RFC 3339 date-time: full-date "T" hh:mm:ss[.frac] (Z | +hh:mm | -hh:mm).
 * Second 60 is allowed for leap seconds, as the RFC does. */
int hearth_is_timestamp(const char *s)
{
	const char *t;
	int hh, mm, ss;

	if (!s || strlen(s) < 20 || !date_prefix(s))
		return 0;
	if (s[10] != 'T' && s[10] != 't')
		return 0;
	t = s + 11;
	hh = digits(t, 2);
	mm = digits(t + 3, 2);
	ss = digits(t + 6, 2);
	if (t[2] != ':' || t[5] != ':' || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
	    ss < 0 || ss > 60)
		return 0;
	t += 8;
	if (*t == '.') {
		int n = 0;

		for (t++; is_digit(*t); t++)
			n++;
		if (n == 0 || n > 9)
			return 0;
	}
	if (*t == 'Z' || *t == 'z')
		return t[1] == '\0';
	if ((*t != '+' && *t != '-') || strlen(t) != 6)
		return 0;
	hh = digits(t + 1, 2);
	mm = digits(t + 4, 2);
	return t[3] == ':' && hh >= 0 && hh <= 23 && mm >= 0 && mm <= 59;
}

/* Outward code shapes: A9, A99, AA9, AA99, A9A, AA9A. */
static int outward_ok(const char *o, size_t n)
{
	if (n < 2 || n > 4 || !is_alpha(o[0]))
		return 0;
	switch (n) {
	case 2:
		return is_digit(o[1]);
	case 3:
		return (is_digit(o[1]) && is_digit(o[2])) ||
		       (is_alpha(o[1]) && is_digit(o[2])) ||
		       (is_digit(o[1]) && is_alpha(o[2]));
	default:
		return is_alpha(o[1]) && is_digit(o[2]) && (is_digit(o[3]) || is_alpha(o[3]));
	}
}

int hearth_is_uk_postcode(const char *s)
{
	size_t n, out_len;
	const char *in;

	if (!s)
		return 0;
	n = strlen(s);
	if (n < 5 || n > 8)
		return 0;
	in = s + n - 3;
	if (!is_digit(in[0]) || !is_alpha(in[1]) || !is_alpha(in[2]))
		return 0;
	out_len = n - 3;
	if (s[out_len - 1] == ' ')
		out_len--;
	/* GIR 0AA (Girobank) predates the standard shape but is still issued. */
	if (out_len == 3 && strncasecmp(s, "GIR", 3) == 0 && strncasecmp(in, "0AA", 3) == 0)
		return 1;
	return outward_ok(s, out_len);
}

static int email_local_char(unsigned char c)
{
	return c > 0x20 && c != 0x7F && !strchr("@\"(),:;<>[\\]", c);
}

static int email_domain_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '.';
}

/* A sanity check, not RFC 5322: one @, a plausible local part, a dotted domain
 * of letters, digits and hyphens without empty labels. Length limits follow
 * RFC 5321 (64 for the local part, 254 in all). */
int hearth_is_email(const char *s)
{
	const char *at, *d;
	size_t n, i;

	if (!s)
		return 0;
	n = strlen(s);
	at = strchr(s, '@');
	if (n > 254 || !at || at == s || (size_t)(at - s) > 64 || strchr(at + 1, '@'))
		return 0;
	for (i = 0; s + i < at; i++)
		if (!email_local_char((unsigned char)s[i]))
			return 0;
	d = at + 1;
	if (*d == '\0' || *d == '.' || *d == '-' || !strchr(d, '.') || d[strlen(d) - 1] == '.' ||
	    strstr(d, "..") || strstr(d, ".-") || strstr(d, "-."))
		return 0;
	for (; *d; d++)
		if (!email_domain_char(*d))
			return 0;
	return 1;
}
