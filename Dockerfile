# ReadNext as one image for every process: the web app (default command), workers (`npm run worker`),
# migrations (`npm run db:migrate`) and the HL7 listener (`npm run hl7`). See "Running on many
# machines" in the README; deploy/compose.yaml runs them as separate services.
# Not built on the development machine (it reaches no container registry): see the README.
FROM node:20-bookworm-slim

WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1

# Dependencies first, for the layer cache. .npmrc keeps onnxruntime-node's CPU build (bundled in
# the package); for GPU scoring build with --build-arg ORT_INSTALL=cuda12 (fetches the CUDA
# execution provider from NuGet) on a CUDA 12 + cuDNN 9 base image.
ARG ORT_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
COPY scripts/prisma-generate.mjs scripts/prisma-generate.mjs
COPY prisma prisma
RUN npm ci --onnxruntime-node-install=${ORT_INSTALL}

COPY . .
RUN npm run build

ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
EXPOSE 3000
RUN chown -R node:node /app/.next
USER node
# Stateless: sessions, jobs and live events are all in Postgres, so any number of these can run
# behind a load balancer without sticky sessions.
CMD ["sh", "-c", "exec node node_modules/next/dist/bin/next start -H \"$HOST\" -p \"$PORT\""]
