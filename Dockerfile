FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY . .
# Static files are collected into the image, never written by a running process: collectstatic needs the
# settings, not the secrets, hence a placeholder key.
RUN pip install . \
    && SECRET_KEY=collectstatic-only DEBUG=0 ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && useradd --system --no-create-home --home-dir /app catalog
# The processes write nothing to the image's files, so they run as a user who may not.
USER catalog
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=10s --start-period=20s --retries=3 CMD ["python", "-m", "config.healthcheck", "web"]
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
