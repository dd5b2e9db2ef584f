// Turns rendered manifests (kubectl kustomize output, standard input) into what `podman kube play` 4.3 runs
// (standard output), after validating every object against its Kubernetes schema (kubernetes-models):
// - kept: ConfigMaps and Deployments as rendered;
// - a StatefulSet becomes a Deployment of the same pod template (podman plays no StatefulSet; the stable pod name is
//   what the services use, and podman names the pod after the workload anyway);
// - on the host's network, the containers' ports are left out: the container port is the host port already, and
//   podman refuses port mappings there;
// - an emptyDir is named after its workload (<workload>-<volume>): podman 4.3 makes a named volume of each emptyDir,
//   which pods with the same volume name (every service's "tmp") would share;
// - the probes are left out: podman turns a liveness probe into a healthcheck run by a systemd timer, which a
//   machine without systemd cannot start; test/podman.sh asks each pod's /q/health/ready itself;
// - secretKeyRef values are resolved from the rendered Secrets into the container's env, and the Secrets dropped:
//   podman 4.3 stores a played Secret in a form its own secretKeyRef lookup cannot read;
// - dropped, with a line on standard error: what podman does not emulate (Namespace, Service, Ingress,
//   NetworkPolicy, PodDisruptionBudget); the offline checks (manifests.test.mjs) check those.
// Fails on any other kind, so that nothing rendered is silently left out.
import { readFileSync } from "node:fs";
import { parseAllDocuments, stringify } from "yaml";

const NOT_EMULATED = new Set(["Namespace", "Service", "Ingress", "NetworkPolicy", "PodDisruptionBudget"]);

async function validate(obj) {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [null, obj.apiVersion];
  const modulePath = group
    ? `kubernetes-models/${group}/${version}/${obj.kind}`
    : `kubernetes-models/${version}/${obj.kind}`;
  const Model = (await import(modulePath))[obj.kind];
  if (!Model) throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
  new Model(obj).validate();
}

const customTags = (tags) => tags.filter((t) => t.format !== "HEX"); // 0x… addresses stay strings
const objects = parseAllDocuments(readFileSync(0, "utf8"), { customTags })
  .map((d) => {
    if (d.errors.length) throw d.errors[0];
    return d.toJS();
  })
  .filter(Boolean);

for (const obj of objects) await validate(obj);

const secrets = new Map(
  objects
    .filter((o) => o.kind === "Secret")
    .map((s) => [
      s.metadata.name,
      {
        ...Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()])),
        ...(s.stringData ?? {}),
      },
    ]),
);

function forPodman(workload) {
  const pod = workload.spec.template.spec;
  const renamed = new Map();
  for (const volume of pod.volumes ?? []) {
    if (volume.emptyDir) {
      renamed.set(volume.name, `${workload.metadata.name}-${volume.name}`);
      volume.name = renamed.get(volume.name);
    }
  }
  for (const container of [
    ...(workload.spec.template.spec.initContainers ?? []),
    ...workload.spec.template.spec.containers,
  ]) {
    const env = [];
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom?.secretKeyRef;
      if (!ref) {
        env.push(variable);
        continue;
      }
      const value = secrets.get(ref.name)?.[ref.key];
      if (value === undefined) {
        if (ref.optional) continue;
        throw new Error(`${workload.metadata.name}: ${variable.name} from missing ${ref.name}/${ref.key}`);
      }
      env.push({ name: variable.name, value });
    }
    container.env = env;
    for (const mount of container.volumeMounts ?? []) mount.name = renamed.get(mount.name) ?? mount.name;
    if (workload.spec.template.spec.hostNetwork) delete container.ports;
    delete container.startupProbe;
    delete container.livenessProbe;
    delete container.readinessProbe;
  }
  return workload;
}

const out = [];
for (const obj of objects) {
  const name = `${obj.kind}/${obj.metadata.name}`;
  if (obj.kind === "ConfigMap") {
    out.push(obj);
  } else if (obj.kind === "Deployment") {
    out.push(forPodman(obj));
  } else if (obj.kind === "StatefulSet") {
    const { serviceName, podManagementPolicy, updateStrategy, volumeClaimTemplates, ...spec } = obj.spec;
    if (volumeClaimTemplates?.length) throw new Error(`${name}: volume claim templates are not played`);
    out.push(forPodman({ apiVersion: "apps/v1", kind: "Deployment", metadata: obj.metadata, spec }));
    console.error(`${name}: played as a Deployment`);
  } else if (obj.kind === "Secret") {
    console.error(`${name}: resolved into the containers' env`);
  } else if (NOT_EMULATED.has(obj.kind)) {
    console.error(`${name}: not emulated by podman (checked offline)`);
  } else {
    throw new Error(`${name}: podman kube play does not run this kind`);
  }
}
process.stdout.write(out.map((o) => stringify(o)).join("---\n"));
