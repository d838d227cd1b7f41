# Hearth image: every service binary, hearthctl and the nginx gateway in one
# image; the command picks the role (see deploy/docker/entrypoint.sh).
#   docker build -t hearth .

# ---- build ----
FROM debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential pkg-config \
      libulfius-dev libjansson-dev libpq-dev libjwt-dev libssl-dev \
      curl ca-certificates openssl \
      libcurl4-gnutls-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The Makefile builds a binary for each service that deploy/services.txt lists.
COPY Makefile ./
COPY deploy/services.txt deploy/
COPY include/ include/
COPY services/ services/
COPY openapi/ openapi/
COPY deploy/docs/ deploy/docs/
RUN make -j"$(nproc)" all \
 && deploy/docs/build.sh /out/share/docs \
 && mkdir -p /out/share \
 && for d in services/*/migrations services/*/seed; do \
      if [ -d "$d" ]; then cp -r --parents "$d" /out/share/; fi; \
    done

# ---- runtime ----
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libulfius2.7 libjansson4 libpq5 libjwt0 libssl3 libcurl3-gnutls \
      nginx-light gettext-base curl ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 hearth \
 && useradd --system --uid 10001 --gid hearth --home-dir /nonexistent \
      --no-create-home --shell /usr/sbin/nologin hearth

COPY --from=build /src/build/bin/ /usr/local/bin/
# Migrations and demo seeds: /usr/share/hearth/services/<svc>/{migrations,seed}
COPY --from=build /out/share/ /usr/share/hearth/
COPY deploy/services.txt /usr/share/hearth/services.txt
COPY deploy/gateway/ /usr/share/hearth/gateway/
COPY deploy/docker/entrypoint.sh /usr/local/bin/hearth-entrypoint

# hearthctl finds services/*/migrations under HEARTH_HOME.
ENV HEARTH_HOME=/usr/share/hearth
WORKDIR /usr/share/hearth
USER 10001:10001
# The gateway; each service listens on its port in services.txt.
EXPOSE 8080 8443
# tini reaps children and forwards signals, so services drain on stop.
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/hearth-entrypoint"]
CMD ["help"]
