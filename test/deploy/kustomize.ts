// The small part of kustomize that deploy/k8s uses, to render the base and overlays without a kustomize binary:
// resources (files and directories), namespace, images, and patches (strategic merge for built-in kinds,
// JSON merge for custom resources). Any other kustomization field is an error, so that nobody adds one that
// this helper would silently ignore.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
};

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches']);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
]);
/** Kinds whose patches kustomize applies as strategic merge (lists of named items merge by name). */
const BUILT_IN_GROUPS = new Set(['v1', 'apps/v1', 'batch/v1', 'policy/v1', 'autoscaling/v2', 'networking.k8s.io/v1']);

export function readYamlDocuments(file: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: K8sObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as K8sObject | null;
    if (value === null) continue;
    if (!value.apiVersion || !value.kind || !value.metadata?.name)
      throw new Error(`${file}: a document without apiVersion, kind or metadata.name`);
    out.push(value);
  }
  return out;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Lists of objects that all carry a string "name" merge by name under strategic merge (containers, env, ports…). */
function namedList(list: Json[]): boolean {
  return list.every((item) => isObject(item) && typeof item.name === 'string');
}

export function mergePatch(target: Json, patch: Json, strategic: boolean): Json {
  if (!isObject(patch)) return patch;
  const base: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue;
    if (value === null) {
      delete base[key];
      continue;
    }
    const current = base[key];
    if (strategic && Array.isArray(value) && Array.isArray(current) && namedList(value) && namedList(current)) {
      const merged = [...current];
      for (const item of value as JsonObject[]) {
        const at = merged.findIndex((m) => (m as JsonObject).name === item.name);
        if (item.$patch === 'delete') {
          if (at >= 0) merged.splice(at, 1);
        } else if (at >= 0) merged[at] = mergePatch(merged[at]!, item, strategic);
        else merged.push(item);
      }
      base[key] = merged;
    } else {
      base[key] = isObject(value) ? mergePatch(current ?? {}, value, strategic) : value;
    }
  }
  return base;
}

function podSpecs(obj: K8sObject): JsonObject[] {
  const spec = obj.spec as JsonObject | undefined;
  const template = spec?.template as JsonObject | undefined;
  const pod = template?.spec;
  if (isObject(pod)) return [pod];
  const jobTemplate = (spec?.jobTemplate as JsonObject | undefined)?.spec as JsonObject | undefined;
  const cronPod = (jobTemplate?.template as JsonObject | undefined)?.spec;
  return isObject(cronPod) ? [cronPod] : [];
}

interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

function applyImages(objects: K8sObject[], rules: ImageRule[]): void {
  for (const obj of objects) {
    for (const pod of podSpecs(obj)) {
      for (const list of ['containers', 'initContainers'] as const) {
        for (const c of (pod[list] as JsonObject[] | undefined) ?? []) {
          const image = String(c.image);
          const name = image.split('@')[0]!.replace(/:[^/:]+$/, '');
          const rule = rules.find((r) => r.name === name);
          if (!rule) continue;
          const tag = rule.digest ? `@${rule.digest}` : rule.newTag ? `:${rule.newTag}` : image.slice(name.length);
          c.image = `${rule.newName ?? name}${tag}`;
        }
      }
    }
  }
}

/** Renders a kustomization directory to its list of objects. */
export function build(dir: string): K8sObject[] {
  const file = path.join(dir, 'kustomization.yaml');
  const k = readYamlDocumentsRaw(file);
  const unknown = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unknown.length) throw new Error(`${file}: fields this helper does not implement: ${unknown.join(', ')}`);

  let objects: K8sObject[] = [];
  for (const res of (k.resources as string[] | undefined) ?? []) {
    const p = path.resolve(dir, res);
    objects.push(...(statSync(p).isDirectory() ? build(p) : readYamlDocuments(p)));
  }
  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata.name}`;
    if (seen.has(id)) throw new Error(`${file}: ${id} is defined twice`);
    seen.add(id);
  }

  for (const entry of (k.patches as { path?: string; patch?: string; target?: unknown }[] | undefined) ?? []) {
    if (entry.target)
      throw new Error(`${file}: patch targets are not implemented; name the object in the patch itself`);
    const patches = entry.path
      ? readYamlDocuments(path.resolve(dir, entry.path))
      : parseAllDocuments(entry.patch ?? '').map((d) => d.toJS() as K8sObject);
    for (const patch of patches) {
      const at = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (at < 0) throw new Error(`${file}: patch for ${patch.kind}/${patch.metadata.name}, which no resource defines`);
      if ((patch as { $patch?: string }).$patch === 'delete') {
        objects.splice(at, 1);
        continue;
      }
      const strategic = BUILT_IN_GROUPS.has(patch.apiVersion);
      objects[at] = mergePatch(
        objects[at] as unknown as Json,
        patch as unknown as Json,
        strategic,
      ) as unknown as K8sObject;
    }
  }

  if (k.namespace) {
    objects = objects.map((o) =>
      CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: String(k.namespace) } },
    );
  }
  if (k.images) applyImages(objects, k.images as ImageRule[]);
  return objects;
}

function readYamlDocumentsRaw(file: string): Record<string, unknown> {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  if (docs.length !== 1 || docs[0]!.errors.length) throw new Error(`${file}: expected one valid YAML document`);
  return docs[0]!.toJS() as Record<string, unknown>;
}
