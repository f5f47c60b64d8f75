import { Injectable } from '@nestjs/common';

/** Whether the gateway is draining for shutdown (readiness fails first). */
@Injectable()
export class LifecycleState {
  shuttingDown = false;
}
