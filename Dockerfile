FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend ./backend
RUN pip install --no-cache-dir .
COPY alembic.ini ./
COPY migrations ./migrations
COPY templates ./templates
COPY seeds ./seeds
# Run from the source tree so templates, seeds and migrations are found beside the package.
RUN pip uninstall -y lockstep && useradd --system lockstep
USER lockstep
EXPOSE 8000
CMD ["uvicorn", "backend.app:app", "--host", "0.0.0.0", "--port", "8000", "--timeout-graceful-shutdown", "5"]
