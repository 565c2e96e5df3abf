# Production image: gunicorn for web, the same image runs the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt .

COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput \
    && useradd --system --home /app itsm && mkdir -p /app/var/media && chown -R itsm /app/var
USER itsm

EXPOSE 8000
# Workers: one per core, or WEB_CONCURRENCY (gunicorn.conf.py).
CMD ["gunicorn", "itsm.wsgi:application", "--bind", "0.0.0.0:8000"]
