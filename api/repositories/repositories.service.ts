import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { ConfiguredRepository, RepositoryVerificationResult } from '../../src/models/configured-repository.js';
import type { AddRepositoryRequest, UpdateRepositoryRequest } from '../../src/repositories/configured-repository.js';
import {
  DuplicateRepositoryError,
  type RepositoryCatalog,
  RepositoryNotAccessibleError,
  RepositoryNotFoundError,
} from '../../src/repositories/repository-catalog.js';
import { SecretDecryptionError } from '../../src/settings/secret-box.js';
import { DependencyUnavailableError, RequestValidationError } from '../core/api-errors.js';
import { REPOSITORY_CATALOG } from '../settings/configuration-store.module.js';

/** Configured repositories over HTTP: the catalog decides, this maps its errors to the API's. */
@Injectable()
export class RepositoriesService {
  constructor(@Inject(REPOSITORY_CATALOG) private readonly catalog: RepositoryCatalog) {}

  list(): Promise<ConfiguredRepository[]> {
    return this.catalog.list();
  }

  add(request: AddRepositoryRequest): Promise<ConfiguredRepository> {
    return answer(() => this.catalog.add(request));
  }

  update(id: string, update: UpdateRepositoryRequest): Promise<ConfiguredRepository> {
    return answer(() => this.catalog.update(id, update));
  }

  remove(id: string): Promise<void> {
    return answer(() => this.catalog.remove(id));
  }

  verify(id: string): Promise<RepositoryVerificationResult> {
    return answer(() => this.catalog.verify(id));
  }
}

/** The catalog's errors as the HTTP answers the contract names: 404 unknown, 409 duplicate, 422 not accessible. */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RepositoryNotFoundError) throw new NotFoundException(error.message);
    if (error instanceof DuplicateRepositoryError) throw new ConflictException(error.message);
    if (error instanceof RepositoryNotAccessibleError) {
      throw new RequestValidationError([{ field: 'repository_url', message: `${error.message}; check the URL and the GitHub token, or add it with "verify": false`, rule: 'not_accessible' }]);
    }
    // The token is needed to ask GitHub and cannot be read: an operator must fix the key, the request is fine.
    if (error instanceof SecretDecryptionError) throw new DependencyUnavailableError('settings', error.message);
    throw error;
  }
}
