# Hearth build. `make` builds every binary; `make run` starts the local stack;
# `make test` runs every test tier; `make bench` prints performance figures.
#
# Sources are found by wildcard, so adding a module means adding a .c file:
#   services/common/*.c      -> build/lib/libhearth.a
#   services/<svc>/*.c       -> build/bin/hearth-<svc>
#   services/admin/*.c       -> build/bin/hearthctl
#   tests/unit/**/test_*.c   -> build/tests/test_* (Check)
#   tests/fuzz/fuzz_*.c      -> build/fuzz/fuzz_* (clang, libFuzzer)

SHELL      := /bin/bash
CC         ?= cc
BUILD      ?= build
SANITIZE   ?=
PKGS       := libulfius jansson libpq libjwt openssl libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lorcania -lmicrohttpd -lpthread -lm

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla \
           -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
           -fno-strict-aliasing -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
           -Iinclude $(PKG_CFLAGS)
DEPFLAGS = -MMD -MP
ifneq ($(SANITIZE),)
  CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -U_FORTIFY_SOURCE
  LDFLAGS += -fsanitize=$(SANITIZE)
  BUILD   := build/san
endif

# The services of the stack: deploy/services.txt is the one list.
SERVICES    := $(shell awk '!/^\#/ && NF {print $$1}' deploy/services.txt)
COMMON_SRC  := $(wildcard services/common/*.c)
COMMON_OBJ  := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
LIBHEARTH   := $(BUILD)/lib/libhearth.a
# hearthctl's import checks judgements with the QA service's own vocabulary.
ADMIN_SRC   := $(wildcard services/admin/*.c) services/qa/judgements.c
ADMIN_OBJ   := $(ADMIN_SRC:%.c=$(BUILD)/obj/%.o)
SERVICE_BINS:= $(SERVICES:%=$(BUILD)/bin/hearth-%)
UNIT_SRC    := $(shell find tests/unit -name 'test_*.c' 2>/dev/null)
UNIT_BINS   := $(patsubst %.c,$(BUILD)/tests/%,$(notdir $(UNIT_SRC)))
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS   := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

.PHONY: all deps run stop forget test unit-test api-test api-test-sanitize fuzz fuzz-short lint-openapi \
        compose-check k8s-check docs image-test bench clean
.DEFAULT_GOAL := all

all: $(SERVICE_BINS) $(BUILD)/bin/hearthctl

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(LIBHEARTH): $(COMMON_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

define service_rule
$(BUILD)/bin/hearth-$(1): $$(patsubst %.c,$(BUILD)/obj/%.o,$$(wildcard services/$(1)/*.c)) $(LIBHEARTH)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $(PKG_LIBS)
endef
$(foreach s,$(SERVICES),$(eval $(call service_rule,$(s))))

$(BUILD)/bin/hearthctl: $(ADMIN_OBJ) $(LIBHEARTH)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Unit tests: one Check binary per tests/unit/<dir>/test_<module>.c. A test under
# tests/unit/common links libhearth.a; one under tests/unit/<program> (a service,
# or admin for hearthctl) also links that program's objects without main.c and
# sees its private headers, so its pure functions are tested directly.
UNIT_DIRS := $(sort $(patsubst tests/unit/%/,%,$(dir $(UNIT_SRC))))
program_src = $(if $(filter admin,$(1)),$(ADMIN_SRC),$(wildcard services/$(1)/*.c))
unit_objs  = $(if $(filter common,$(1)),,$(filter-out %/main.o,\
               $(patsubst %.c,$(BUILD)/obj/%.o,$(call program_src,$(1)))))
# tests/unit/<dir>/support_*.c (fixtures several suites share) go into every
# test binary of that directory.
unit_support = $(wildcard tests/unit/$(1)/support_*.c)
define unit_rule
$(patsubst tests/unit/$(1)/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/$(1)/test_*.c)): \
  $(BUILD)/tests/%: tests/unit/$(1)/%.c $(call unit_support,$(1)) $(call unit_objs,$(1)) $(LIBHEARTH)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) -Iservices/$(1) -Itests/unit/$(1) $$(DEPFLAGS) -MF $$@.d $$(LDFLAGS) -o $$@ \
	    $$< $(call unit_support,$(1)) $(call unit_objs,$(1)) $(LIBHEARTH) \
	    $$(shell pkg-config --libs check) $(PKG_LIBS)
endef
$(foreach d,$(UNIT_DIRS),$(eval $(call unit_rule,$(d))))

# Fuzz harnesses: clang with libFuzzer and ASan/UBSan over the common sources.
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude $(PKG_CFLAGS)
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(COMMON_SRC)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $^ $(PKG_LIBS)

deps:
	@deploy/local/deps.sh

run: deps all docs
	@deploy/local/run.sh

stop:
	@deploy/local/stop.sh

# Stop the stack and delete .run/ with its PostgreSQL data (a fresh start).
forget:
	@deploy/local/forget.sh

test: deps
	@tests/run-all.sh

unit-test: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

api-test: all docs
	@tests/api/run.sh

# The API tests against services built with AddressSanitizer and UBSan.
api-test-sanitize: docs
	@$(MAKE) -s SANITIZE=address,undefined all
	@HEARTH_BIN_DIR=build/san/bin HEARTH_TEST_STACK_DIR=$(CURDIR)/build/test-stack-san \
	    UBSAN_OPTIONS=print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 tests/api/run.sh

fuzz: $(FUZZ_BINS)
	@tests/fuzz/run.sh 300 $(FUZZ_BINS)

fuzz-short: $(FUZZ_BINS)
	@tests/fuzz/run.sh 20 $(FUZZ_BINS)

lint-openapi:
	@tests/lint-openapi.sh

compose-check:
	@docker-compose -f docker-compose.yml config -q && echo "docker-compose config: ok"

# The API reference the gateway serves at /docs (Swagger UI from npm, installed
# here at build time, and the OpenAPI files).
docs: $(BUILD)/docs/index.html

$(BUILD)/docs/index.html: deploy/docs/build.sh $(wildcard deploy/docs/*.html deploy/docs/*.js deploy/docs/*.css) $(wildcard openapi/*.yaml) deploy/services.txt
	@deploy/docs/build.sh $(BUILD)/docs

k8s-check:
	@tests/k8s/check.sh

# The image built with podman and run as docker-compose.yml declares it, with
# the smoke tests through its gateway (skipped where podman cannot run).
image-test: docs
	@tests/image/run.sh

bench: deps all
	@tests/bench/run.sh

# The throwaway stacks of the tests and benches under build/ keep their
# PostgreSQL data outside it when run as root (/var/lib/hearth/<hash>/).
clean:
	@deploy/local/forget.sh $(patsubst %/shared.id,%,$(wildcard build/*/shared.id)) >/dev/null
	rm -rf build

-include $(shell find $(BUILD) -type f -name '*.d' 2>/dev/null)
