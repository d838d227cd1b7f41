// Validate rendered Kubernetes manifests and hold them to the compose file.
//   node validate.mjs <rendered.yaml> <docker-compose.yml> <services.txt> [--base]
// Every object must validate against its Kubernetes (or CloudNativePG) schema;
// every service of services.txt must have its Deployment, Service, autoscaler,
// disruption budget and network policy, on the port compose gives it; every
// pod must meet the hardening the README promises. With --base, the image must
// be compose's default image. Prints one line per failure and
// "N passed, N failed" for the test runner; exits 1 on any failure.
import { readFileSync } from "node:fs";
import { parseAllDocuments, parse } from "yaml";

import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Service } from "kubernetes-models/v1/Service";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { Cluster } from "@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster";

const models = {
  "apps/v1 Deployment": Deployment,
  "batch/v1 Job": Job,
  "v1 Service": Service,
  "v1 ConfigMap": ConfigMap,
  "v1 Namespace": Namespace,
  "autoscaling/v2 HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1 PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1 NetworkPolicy": NetworkPolicy,
  "networking.k8s.io/v1 Ingress": Ingress,
  "postgresql.cnpg.io/v1 Cluster": Cluster,
};

const [renderedPath, composePath, servicesPath, ...flags] = process.argv.slice(2);
const isBase = flags.includes("--base");
let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${what}`);
  }
}

const objects = parseAllDocuments(readFileSync(renderedPath, "utf8"))
  .map((d) => d.toJS())
  .filter((o) => o);
const compose = parse(readFileSync(composePath, "utf8"), { merge: true });
const services = readFileSync(servicesPath, "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"))
  .map((l) => {
    const [name, port] = l.split(/\s+/);
    return { name, port: Number(port) };
  });

// 1. Every object against its schema.
for (const o of objects) {
  const key = `${o.apiVersion} ${o.kind}`;
  const Model = models[key];
  const name = `${o.kind}/${o.metadata?.name}`;
  if (!Model) {
    check(false, `${name}: no schema known for ${key}`);
    continue;
  }
  try {
    new Model(o).validate();
    check(true, name);
  } catch (e) {
    check(false, `${name}: ${e.message}`);
  }
}

const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
const podSpec = (o) => o.spec?.template?.spec;
const composeImageDefault = String(compose["x-hearth-image"]?.image ?? "").replace(
  /^\$\{[A-Z_]+:-(.*)\}$/,
  "$1",
);

// 2. Every service: its objects, on compose's port.
for (const { name, port } of services) {
  const dep = find("Deployment", name);
  check(dep, `${name}: a Deployment`);
  check(find("Service", name)?.spec?.ports?.[0]?.port === port, `${name}: Service on port ${port}`);
  check(find("HorizontalPodAutoscaler", name)?.spec?.minReplicas >= 2, `${name}: an autoscaler of 2 or more`);
  check(find("PodDisruptionBudget", name), `${name}: a disruption budget`);
  const policy = find("NetworkPolicy", `${name}-from-gateway`);
  check(
    policy?.spec?.ingress?.[0]?.from?.[0]?.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "gateway",
    `${name}: reachable from the gateway only`,
  );
  const composed = compose.services?.[name];
  check(composed, `${name}: in docker-compose.yml`);
  if (!dep || !composed) continue;
  const container = podSpec(dep).containers[0];
  check(
    container.ports?.[0]?.containerPort === port && String(composed.expose?.[0]) === String(port),
    `${name}: container port ${port} as compose exposes`,
  );
  check(JSON.stringify(container.args) === JSON.stringify(composed.command), `${name}: the command compose runs`);
  const items = podSpec(dep).volumes.find((v) => v.name === "secrets")?.secret?.items?.map((i) => i.key) ?? [];
  check(
    items.includes(`db_password_${name}`) && !items.some((k) => k.startsWith("db_password_") && k !== `db_password_${name}`),
    `${name}: mounts its own database password and no other`,
  );
  check(
    container.volumeMounts?.some((m) => m.name === "secrets" && m.mountPath === "/run/hearth/secrets" && m.readOnly),
    `${name}: secrets as read-only files at /run/hearth/secrets, as in compose`,
  );
}
for (const name of Object.keys(compose.services ?? {})) {
  if (["postgres", "migrate", "gateway"].includes(name)) continue;
  check(services.some((s) => s.name === name), `compose service ${name} is in services.txt`);
}

// 3. Every workload: probes, resources, hardening, one image.
const images = new Set();
for (const o of objects.filter((x) => ["Deployment", "Job"].includes(x.kind))) {
  const name = `${o.kind}/${o.metadata.name}`;
  const spec = podSpec(o);
  check(spec.securityContext?.runAsNonRoot === true, `${name}: runs as non-root`);
  check(spec.automountServiceAccountToken === false, `${name}: no service account token`);
  check(o.spec.template.metadata?.labels?.["app.kubernetes.io/part-of"] === "hearth", `${name}: under the default-deny policy`);
  for (const c of spec.containers) {
    images.add(c.image);
    check(c.securityContext?.readOnlyRootFilesystem === true, `${name}: read-only root filesystem`);
    check(c.securityContext?.allowPrivilegeEscalation === false, `${name}: no privilege escalation`);
    check(c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory, `${name}: resource requests and limits`);
    if (o.kind === "Deployment") {
      check(o.spec.replicas >= 2, `${name}: two replicas or more`);
      check(c.readinessProbe?.httpGet?.path === "/readyz", `${name}: readiness on /readyz`);
      check(c.livenessProbe?.httpGet?.path === "/healthz", `${name}: liveness on /healthz`);
    }
  }
}
check(images.size === 1, `one image for every workload (found ${[...images].join(", ")})`);
if (isBase) {
  check(images.has(composeImageDefault), `the image is compose's default ${composeImageDefault}`);
}
const gatewayPort = podSpec(find("Deployment", "gateway") ?? {})?.containers?.[0]?.ports?.[0]?.containerPort;
check(
  (compose.services?.gateway?.ports ?? []).some((p) => String(p).endsWith(`:${gatewayPort}`)),
  `gateway: container port ${gatewayPort} as compose publishes`,
);
check(find("Job", "hearth-migrate")?.spec?.template?.spec?.containers?.[0]?.args?.join(" ") === "hearthctl migrate", "the migrate Job");
check(find("Cluster", "hearth-db")?.spec?.instances >= 2, "PostgreSQL with a replica");
check(find("NetworkPolicy", "hearth-default-deny")?.spec?.policyTypes?.length === 2, "a default-deny network policy");

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
