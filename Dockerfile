# cairn's container image: the single executable on Debian slim, with the PostgreSQL and MariaDB
# dump clients, run as an unprivileged user. Build the executable first, for the image's platform:
#   npm ci && npm run package
#   docker build -t cairn .
# docs/container.md says how to run it.
FROM debian:bookworm-slim

# ca-certificates for GCS and Dropbox over TLS; tzdata for jobs' timeZone; the dump clients for the
# postgres and mysql sources (their versions must be at least the servers': see docs/container.md).
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates tzdata postgresql-client mariadb-client \
  && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 cairn \
  && useradd --system --uid 10001 --gid cairn --home-dir /var/lib/cairn --create-home cairn \
  && mkdir /config /data /backups && chown cairn:cairn /backups

COPY --chmod=755 apps/cli/dist-sea/cairn /usr/local/bin/cairn
COPY --chmod=755 container/entrypoint.sh /usr/local/bin/cairn-entrypoint

USER cairn
WORKDIR /var/lib/cairn
# Locks and run state live here; a volume keeps them across container restarts.
ENV XDG_STATE_HOME=/var/lib/cairn/state
VOLUME ["/var/lib/cairn"]

# A stale or failing job makes `cairn status` exit 1: the container reports unhealthy.
HEALTHCHECK --interval=5m --timeout=1m CMD ["cairn-entrypoint", "status", "--quiet"]
ENTRYPOINT ["cairn-entrypoint"]
CMD ["run"]
