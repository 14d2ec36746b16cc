# One image for every Decision Tracker process (see compose.yaml): `tracker serve` (the default),
# `tracker migrate`, and the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TRACKER_DATA_DIR=/data \
    PYTHONPATH=/app

RUN useradd --system --uid 10001 --user-group --create-home tracker \
    && mkdir /data \
    && chown tracker:tracker /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY tracker/ tracker/
COPY workers/ workers/
COPY migrations/ migrations/
COPY templates/ templates/
# `pip install .` brings the dependencies and the `tracker` command. The code itself runs from
# /app (PYTHONPATH): it finds templates/ and migrations/ beside the tracker package, at the
# root of the repository, where they are kept.
RUN pip install .

USER tracker
EXPOSE 8000
CMD ["tracker", "serve", "--host", "0.0.0.0", "--port", "8000"]
