# The tubewarehouse runtime: Python (extract, dbt, Prefect) plus Node for the Evidence build.
# Used by docker-compose.yml's runner (ytw serve); runs as an unprivileged user.
# An exact Python release (README, "Production: docker compose": how to move it and pin its
# digest). .dockerignore keeps .env, keys and local state out of `COPY . .` below.
FROM python:3.11.11-slim-bookworm

ENV DO_NOT_TRACK=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    SEND_ANONYMOUS_USAGE_STATS=no \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1 \
    TUBEWAREHOUSE_HOME=/data

RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 tubewarehouse \
    && mkdir -p /data /srv/site \
    && chown tubewarehouse:tubewarehouse /data /srv/site

WORKDIR /app
# Exactly the locked versions (requirements.lock, hashes checked), then the project itself.
COPY pyproject.toml requirements.lock README.md ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock && pip check
COPY extract ./extract
COPY emulator ./emulator
COPY flows ./flows
COPY ytw ./ytw
RUN pip install --no-cache-dir --no-deps -e .
COPY . .
# Evidence's locked packages (see reports/README.md); the build writes under reports/.
RUN cd reports && npm ci --no-audit --no-fund \
    && chown -R tubewarehouse:tubewarehouse /app

USER tubewarehouse
ENTRYPOINT ["ytw"]
CMD ["serve"]
