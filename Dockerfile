# The tubewarehouse runtime: Python (extract, dbt, Prefect) plus Node for the Evidence build.
FROM python:3.11-slim

ENV DO_NOT_TRACK=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    SEND_ANONYMOUS_USAGE_STATS=no \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY extract ./extract
COPY flows ./flows
RUN pip install --no-cache-dir -e .
COPY . .
RUN cd reports && npm install --no-audit --no-fund

ENTRYPOINT ["ytw"]
CMD ["serve"]
