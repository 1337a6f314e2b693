# syntax=docker/dockerfile:1
# check=error=true;experimental=all

# Bad: COPY without a destination, which no build accepts (good.Dockerfile otherwise).
FROM node:26-trixie-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY main.js
USER node
HEALTHCHECK CMD ["node", "-e", "process.exit(0)"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "main.js"]
