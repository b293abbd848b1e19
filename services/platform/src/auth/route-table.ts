import {
  RequestMethod,
  type DynamicModule,
  type ForwardReference,
  type INestApplicationContext,
  type Type,
} from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { policyOf, type RoutePolicy } from './route-policy';

/** One HTTP route of a service, with the access policy its handler declares. */
export interface Route {
  readonly method: string;
  readonly path: string;
  /** `Controller.handler`, where a missing policy is to be added. */
  readonly handler: string;
  /** The controller and its method's name, to read the handler's other metadata. */
  readonly controller: Type;
  readonly methodName: string;
  readonly policy: RoutePolicy | undefined;
}

const scanner = new MetadataScanner();

/** Every route the controllers declare (one per path, when a decorator lists several). */
export function routesOf(controllers: Iterable<Type>): Route[] {
  const routes: Route[] = [];
  for (const controller of new Set(controllers)) {
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as object;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      for (const base of paths(Reflect.getMetadata(PATH_METADATA, controller)))
        for (const own of paths(Reflect.getMetadata(PATH_METADATA, handler)))
          routes.push({
            method: RequestMethod[method],
            path: joinPath(base, own),
            handler: `${controller.name}.${name}`,
            controller,
            methodName: name,
            policy: policyOf(handler, controller),
          });
    }
  }
  return routes;
}

/** The controllers a module declares, with those of the modules it imports (read statically). */
export function controllersOf(
  module: Type | DynamicModule | ForwardReference | Promise<DynamicModule>,
  seen = new Set<unknown>(),
): Type[] {
  if (module instanceof Promise || 'forwardRef' in module) return []; // none in Readmit
  if (seen.has(module)) return [];
  seen.add(module);
  const type = 'module' in module ? module.module : module;
  const dynamic = 'module' in module ? module : undefined;
  const metadata = <T>(key: string): T[] =>
    (Reflect.getMetadata(key, type) as T[] | undefined) ?? [];
  const imports = [...metadata<Type>(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])];
  return [
    ...metadata<Type>(MODULE_METADATA.CONTROLLERS),
    ...(dynamic?.controllers ?? []),
    ...imports.flatMap((imported) => controllersOf(imported, seen)),
  ];
}

/** The routes of a running application: every controller Nest registered. */
export function applicationRoutes(app: INestApplicationContext): Route[] {
  return routesOf(registeredControllers(app.get(ModulesContainer)));
}

export function registeredControllers(container: ModulesContainer): Type[] {
  return [...container.values()].flatMap((module) =>
    [...module.controllers.values()].flatMap((wrapper) =>
      wrapper.metatype ? [wrapper.metatype as Type] : [],
    ),
  );
}

function paths(declared: unknown): string[] {
  if (Array.isArray(declared)) return declared.map(String);
  return [typeof declared === 'string' ? declared : ''];
}

function joinPath(base: string, own: string): string {
  const joined = `/${base}/${own}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
