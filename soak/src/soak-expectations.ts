/**
 * What the soak expects the journal to say, from what the client saw. One place, so a known gap
 * can be flipped in one line when it is fixed.
 */

/**
 * Issue #14 item 2 (open when the soak was written): a stream whose client got an error event
 * (the upstream's own error event, or a malformed event the gateway turned into one) or a
 * malformed event is journaled `status: 200, error: null` by the gateway of that time. While this
 * is `true`, such lines are counted and printed as "failed streams journaled as 200 (known gap:
 * issue #14 item 2)" and do not fail the run; set it to `false` once item 2 lands, and every
 * failed stream must be journaled with a 5xx (502 `upstream_stream_error`).
 */
export const TOLERATE_FAILED_STREAMS_JOURNALED_AS_200 = true;

/** How one exchange ended, as the client saw it. */
export type ClientOutcome =
  /** A non-200 HTTP status (the error envelope of the client's protocol). */
  | { kind: 'status'; status: number }
  /** 200 and the stream's own terminal event ([DONE], message_stop, response.completed). */
  | { kind: 'complete' }
  /** 200, then an error event (or a malformed event) in the stream. */
  | { kind: 'failed-stream'; detail: string }
  /** 200, then the body ended without a terminal event and without an error event. */
  | { kind: 'truncated' }
  /** The client aborted before the end (after the response headers: the gateway had the request). */
  | { kind: 'aborted' };

/** The verdict on one journal line. */
export type Verdict = 'ok' | 'known-gap' | 'wrong';

/**
 * Whether the journal's `status` matches what the client saw. A client abort races the end of
 * the exchange: 499, or whatever the gateway had already finished with (`ifNotAborted`, the
 * outcome of the same fault without the abort), are both right.
 */
export function judgeStatus(outcome: ClientOutcome, journalStatus: number, ifNotAborted: ReadonlyArray<number> = []): Verdict {
  switch (outcome.kind) {
    case 'status':
      return journalStatus === outcome.status ? 'ok' : 'wrong';
    case 'complete':
      return journalStatus === 200 ? 'ok' : 'wrong';
    case 'failed-stream':
      if (journalStatus >= 500) return 'ok';
      return journalStatus === 200 && TOLERATE_FAILED_STREAMS_JOURNALED_AS_200 ? 'known-gap' : 'wrong';
    case 'truncated':
      return journalStatus >= 500 ? 'ok' : 'wrong';
    case 'aborted':
      if (journalStatus === 499 || ifNotAborted.includes(journalStatus)) return 'ok';
      return journalStatus === 200 && TOLERATE_FAILED_STREAMS_JOURNALED_AS_200 ? 'known-gap' : 'wrong';
  }
}
