import { Injectable } from '@nestjs/common';

/** Whether the gateway is draining for shutdown (readiness fails first), and how many requests are in flight. */
@Injectable()
export class LifecycleState {
  shuttingDown = false;
  /** HTTP requests whose response has not closed yet. */
  inFlight = 0;
}
