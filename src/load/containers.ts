/**
 * Finds the container a trigger names inside an object's pod spec, following
 * OpenShift's lookup (library-go trigger/annotations.go): a name selector
 * searches initContainers first, then containers, whatever list the path
 * names; an index selects from the named list. Pure.
 */
import type { ContainerList, FieldPath } from "../model/field-path.ts";
import type { ContainerTarget } from "../model/repository.ts";
import { isObject } from "./objects.ts";
import { formatPointer } from "./pointer.ts";

/** A pod spec's containers, by list. */
export interface PodContainers {
  readonly pointer: string;
  readonly path: readonly string[];
  readonly lists: Readonly<Record<ContainerList, readonly unknown[]>>;
}

/** The pod spec at the dotted `podSpecPath` of `value`, if it is there. */
export function podContainers(value: unknown, podSpecPath: string): PodContainers | undefined {
  const segments = podSpecPath.split(".");
  let node: unknown = value;
  for (const segment of segments) node = isObject(node) ? node[segment] : undefined;
  if (!isObject(node)) return undefined;
  const list = (key: ContainerList): unknown[] => {
    const items = node[key];
    return Array.isArray(items) ? items : [];
  };
  return {
    pointer: formatPointer(segments),
    path: segments,
    lists: { initContainers: list("initContainers"), containers: list("containers") },
  };
}

/** The container `path` selects, or undefined when there is none. */
export function findContainer(pod: PodContainers, path: FieldPath): ContainerTarget | undefined {
  if (path.index !== undefined) return targetAt(pod, path.list, path.index);
  for (const list of ["initContainers", "containers"] as const) {
    const index = pod.lists[list].findIndex((c) => isObject(c) && c["name"] === path.name);
    if (index >= 0) return targetAt(pod, list, index);
  }
  return undefined;
}

/** The container named `name` (DeploymentConfig containerNames: both lists). */
export function findContainerByName(pod: PodContainers, name: string): ContainerTarget | undefined {
  return findContainer(pod, { list: "containers", form: "canonical", name });
}

function targetAt(
  pod: PodContainers,
  list: ContainerList,
  index: number,
): ContainerTarget | undefined {
  const container = pod.lists[list][index];
  if (!isObject(container)) return undefined;
  const { name, image } = container;
  return {
    list,
    index,
    name: typeof name === "string" ? name : undefined,
    imagePointer: `${pod.pointer}/${list}/${index}/image`,
    imagePath: [...pod.path, list, index, "image"],
    image: typeof image === "string" ? image : undefined,
  };
}
