# The relay as a container image: built with the pinned toolchain, run as an unprivileged user
# in a slim Debian image. See docs/deploy.md ("Container image").
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p bugcap-relay \
 && cp target/release/bugcap-relay /usr/local/bin/bugcap-relay

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data bugcap \
 && mkdir /data && chown bugcap:bugcap /data
COPY --from=build /usr/local/bin/bugcap-relay /usr/local/bin/bugcap-relay
USER bugcap
ENV BUGCAP_DATA_DIR=/data \
    BUGCAP_LISTEN=0.0.0.0:8787
VOLUME /data
EXPOSE 8787
ENTRYPOINT ["bugcap-relay"]
CMD ["serve"]
