# One image for the web, worker and beat services of docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN pip install --no-cache-dir uv

WORKDIR /app
COPY pyproject.toml README.md ./
RUN uv sync --no-dev --no-install-project
COPY . .

# Static files are collected at build time with throwaway settings; WhiteNoise serves them.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput

RUN useradd --system --create-home tracker && mkdir -p /app/var && chown tracker /app/var
USER tracker

EXPOSE 8000
CMD ["gunicorn", "itutracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
