# rnnviz app image: CPU-only torch, non-root, health check on Streamlit's /_stcore/health.
#   docker build -t rnnviz . && docker run -p 8501:8501 rnnviz     (one replica)
#   docker compose up -d --build                                  (N replicas behind Caddy, see compose.yaml)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first (a layer that survives code changes). torch==2.13.0 from the PyTorch CPU
# index: torch-2.13.0+cpu (about 200 MB) instead of PyPI's CUDA build (about 2.7 GB).
COPY requirements.txt .
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.txt

COPY . .
RUN useradd --create-home --uid 10001 rnnviz
USER rnnviz

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.headless=true", "--server.address=0.0.0.0", "--server.port=8501"]
