# Lockstep's image. Two targets:
#   docker build -t lockstep .                  the app (the default: the last stage)
#   docker build -t lockstep-pdf --target pdf .  the app plus Debian's chromium, for the
#                                                server-side PDF export
# Dependencies come from requirements.lock, every file checked against its hash, in a layer
# of their own before any code: a code change rebuilds only the small layers after it.
# The app runs from /app as a source tree (`python -m backend ...`); it is not installed.
# tests/test_image.py checks that everything the app reads at run time is copied here.

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOME=/tmp \
    LOG_FORMAT=json \
    DATABASE_URL=sqlite:////data/lockstep.db
WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent lockstep \
    && mkdir /data && chown lockstep /data
VOLUME /data
EXPOSE 8000
# Alone (SQLite in /data): migrates, makes the demo board, serves. docker-compose.yml runs
# the production shape instead (PostgreSQL, a migration step, several workers).
CMD ["python", "-m", "backend", "serve", "--host", "0.0.0.0", "--port", "8000"]

# Everything the app reads at run time, and nothing else (owned by root: read-only to
# the app's user).
FROM scratch AS source
COPY alembic.ini /app/
COPY backend /app/backend
COPY migrations /app/migrations
COPY schemas /app/schemas
COPY seeds /app/seeds
COPY templates /app/templates

FROM runtime AS pdf
# Docker's default seccomp profile leaves Chromium no sandbox for an unprivileged user, so
# it runs without one; it only ever prints Lockstep's own print page from a temporary folder.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium \
    && rm -rf /var/lib/apt/lists/* \
    && echo 'export CHROMIUM_FLAGS="$CHROMIUM_FLAGS --no-sandbox"' > /etc/chromium.d/lockstep
COPY --from=source /app /app
USER lockstep

FROM runtime AS app
COPY --from=source /app /app
USER lockstep
