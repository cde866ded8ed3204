import { type CanActivate, Injectable } from '@nestjs/common';
import { TemporalAvailability } from './temporal-availability.js';

/** On a controller whose routes need Temporal: 503 + Retry-After at once while it is unreachable. */
@Injectable()
export class TemporalAvailableGuard implements CanActivate {
  constructor(private readonly availability: TemporalAvailability) {}

  canActivate(): boolean {
    this.availability.assertReachable();
    return true;
  }
}
