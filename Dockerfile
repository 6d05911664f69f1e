# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN useradd --create-home --uid 1000 factcheck
COPY pyproject.toml README.md ./
COPY factcheck ./factcheck
COPY claims ./claims
COPY sources ./sources
COPY manage.py ./
RUN pip install --no-cache-dir . && \
    DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
USER factcheck
EXPOSE 8000
