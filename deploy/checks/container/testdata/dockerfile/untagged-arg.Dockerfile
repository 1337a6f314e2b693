# syntax=docker/dockerfile:1
# check=error=true;experimental=all

# Bad: base image without a tag, through an ARG (good.Dockerfile otherwise).
ARG BASE=node
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY main.js ./
USER node
HEALTHCHECK CMD ["node", "-e", "process.exit(0)"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "main.js"]
