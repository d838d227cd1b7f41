/*
 * flags.c - "--name VALUE" argument pairs for the hearthctl commands (admin.h).
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"

int hearthctl_parse_flags(int argc, char **argv, const char *const *names, const char **values)
{
	for (int i = 0; i < argc; i++) {
		size_t k = 0;
		while (names[k] && strcmp(argv[i], names[k]) != 0)
			k++;
		if (!names[k]) {
			fprintf(stderr, "hearthctl: unknown option \"%s\"\n", argv[i]);
			return -1;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "hearthctl: option %s needs a value\n", argv[i]);
			return -1;
		}
		values[k] = argv[++i];
	}
	return 0;
}
