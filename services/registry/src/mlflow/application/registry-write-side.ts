import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ModelRegistry } from '../../application/model-registry';
import { ModelRegistryProvider } from '../../application/model-registry.provider';

/**
 * The registry's write side for the alias commands: the ModelRegistry that RegistryModule's
 * provider holds (one per service: it also runs the policy loop), looked up in the application
 * rather than injected, because RegistryModule imports this module and the two would otherwise
 * have to import each other.
 */
@Injectable()
export class RegistryWriteSide {
  constructor(@Inject(ModuleRef) private readonly modules: ModuleRef) {}

  get registry(): ModelRegistry {
    return this.modules.get(ModelRegistryProvider, { strict: false }).registry;
  }
}
