# The one GridCare image: every country API, every country's workers and the gateway.
# The command picks the process (ENTRYPOINT is `gridcare`):
#   docker run gridcare                                            # country API, ls, on 8101
#   docker run -e PORT=8000 gridcare serve gateway --host 0.0.0.0 --port 8000
#   docker run -e PORT=9100 gridcare worker --country ls --port 9100
#   docker run gridcare db upgrade --country ls                    # one-off migration
# PORT only tells the HEALTHCHECK where the command listens; keep the two equal.
# tests/infra/test_image.py runs the same install and start commands outside Docker.

ARG PYTHON_IMAGE=python:3.11-slim

# 1. The portal's static build (frontend/dist), served by the gateway at /.
FROM node:20-slim AS portal
WORKDIR /src/frontend
# Dependencies first, so this layer is reused until the lock file changes.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npx vite build --logLevel warn

# 2. The project and its locked dependencies, installed into /opt/venv.
FROM ${PYTHON_IMAGE} AS builder
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv
# Byte-compile now: the running container's root filesystem is read-only.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv
WORKDIR /src
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project
COPY README.md hatch_build.py ./
COPY gridcare/ gridcare/
COPY country_api/ country_api/
COPY federation_gateway/ federation_gateway/
COPY config/countries/ config/countries/
COPY data/ data/
COPY --from=portal /src/frontend/dist/ frontend/dist/
# Not editable: the project is built as a wheel whose build hook (hatch_build.py) ships the
# country files, data and portal inside the package, so /src is not needed at run time.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable

# 3. What runs: the virtual environment only, as an unprivileged user.
FROM ${PYTHON_IMAGE}
# uid 1000 is what the ECS task definitions run as (infra/terraform/modules/service).
RUN groupadd --gid 1000 gridcare \
    && useradd --uid 1000 --gid gridcare --create-home --shell /usr/sbin/nologin gridcare
COPY --from=builder /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORT=8101
WORKDIR /home/gridcare
USER 1000:1000
EXPOSE 8101
# Python, not curl: the slim image has no curl. Any answer but 200 (503: database down) fails.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ['PORT'], timeout=4)"]
ENTRYPOINT ["gridcare"]
CMD ["serve", "country", "--country", "ls", "--host", "0.0.0.0"]
