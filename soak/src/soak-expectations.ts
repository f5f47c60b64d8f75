/**
 * What the soak expects the journal to say, from what the client saw. A stream that carries an
 * error (the upstream's own error event, or a malformed event a translated stream turns into one)
 * is journaled 502 `upstream_stream_error`. One exception, by design: passthrough streams are
 * byte-faithful and not parsed event by event, so a malformed event reaches the client verbatim and
 * the exchange is journaled as the upstream ended it (200) — `verbatim` below.
 */

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
export type Verdict = 'ok' | 'wrong';

/**
 * Whether the journal's `status` matches what the client saw. A client abort races the end of
 * the exchange: 499, or whatever the gateway had already finished with (`ifNotAborted`, the
 * outcome of the same fault without the abort), are both right. `verbatim`: a passthrough stream
 * whose malformed event was passed on unparsed (journaled 200).
 */
export function judgeStatus(
  outcome: ClientOutcome,
  journalStatus: number,
  ifNotAborted: ReadonlyArray<number> = [],
  verbatim = false,
): Verdict {
  switch (outcome.kind) {
    case 'status':
      return journalStatus === outcome.status ? 'ok' : 'wrong';
    case 'complete':
      return journalStatus === 200 ? 'ok' : 'wrong';
    case 'failed-stream':
      return journalStatus >= 500 || (verbatim && journalStatus === 200) ? 'ok' : 'wrong';
    case 'truncated':
      return journalStatus >= 500 ? 'ok' : 'wrong';
    case 'aborted':
      return journalStatus === 499 || ifNotAborted.includes(journalStatus) || (verbatim && journalStatus === 200) ? 'ok' : 'wrong';
  }
}
