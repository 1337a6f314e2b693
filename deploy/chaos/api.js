'use strict';
// The gateway's public API as the chaos load and checker use it: every request and its answer go to the
// journal (.run/chaos/journal.jsonl), and a request whose answer says "try again" (no connection, 5xx, 429)
// is retried with the same Idempotency-Key until its deadline, as a careful client would.
const fs = require('node:fs');
const { createHmac } = require('node:crypto');
const { sleep } = require('./util');

/** Bounds the requests in flight, so polling never crowds out new orders or the faults' own calls. */
class Limit {
  constructor(max) {
    this.max = max;
    this.active = 0;
    this.waiting = [];
  }

  async run(task) {
    if (this.active >= this.max) await new Promise((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

class Journal {
  constructor(file) {
    this.stream = fs.createWriteStream(file, { flags: 'w' });
    this.requests = 0;
  }

  write(entry) {
    this.requests++;
    this.stream.write(`${JSON.stringify(entry)}\n`);
  }

  close() {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}

// A 409 "Request In Progress" is the gateway saying the first request with this Idempotency-Key still runs
// (its answer was lost to the client's timeout): retry later, as its detail says.
const retryable = (status, body) => status === 0 || status === 429 || status >= 500 || (status === 409 && body?.title === 'Request In Progress');

class Api {
  constructor({ url, key, journal, concurrency = 48, timeoutMs = 15000 }) {
    this.url = url;
    this.key = key;
    this.journal = journal;
    // New orders have a lane of their own: the drivers' polling must not hold back the load's steady rate.
    this.lanes = { default: new Limit(concurrency), intake: new Limit(512) };
    this.timeoutMs = timeoutMs;
  }

  /** One attempt: `{ status, body, ms }`; status 0 when no answer came (refused, reset, timed out). */
  async once(method, path, { body, headers = {}, raw, note } = {}) {
    const started = Date.now();
    let status = 0;
    let answer;
    let error;
    try {
      const res = await fetch(this.url + path, {
        method,
        headers: {
          ...(raw ? {} : { authorization: `Bearer ${this.key}` }),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      const text = await res.text();
      try {
        answer = text ? JSON.parse(text) : undefined;
      } catch {
        answer = text.slice(0, 200);
      }
    } catch (err) {
      error = err.cause?.code || err.name || err.message;
    }
    const ms = Date.now() - started;
    this.journal?.write({
      at: new Date(started).toISOString(),
      method,
      path,
      ...note,
      status,
      ms,
      ...(error ? { error } : {}),
      answer: summary(status, answer),
    });
    return { status, body: answer, ms, error };
  }

  /**
   * Retried while the answer is retryable, until `untilMs` (absolute time). POSTs carry an Idempotency-Key
   * so a retry after a lost answer is the same request, not a second one. `note` goes into the journal
   * beside the request (e.g. the channel and external id of an order).
   */
  async call(method, path, { body, headers = {}, untilMs = Date.now() + 60000, idempotencyKey, raw, note, lane = 'default' } = {}) {
    const allHeaders = { ...headers, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) };
    let wait = 500;
    for (let attempt = 1; ; attempt++) {
      const res = await this.lanes[lane].run(() => this.once(method, path, { body, headers: allHeaders, raw, note }));
      res.attempts = attempt;
      if (!retryable(res.status, res.body) || Date.now() + wait > untilMs) return res;
      await sleep(wait);
      wait = Math.min(wait * 2, 5000);
    }
  }

  get(path, options) {
    return this.call('GET', path, options);
  }

  post(path, body, options = {}) {
    return this.call('POST', path, { ...options, body });
  }

  put(path, body, options = {}) {
    return this.call('PUT', path, { ...options, body });
  }
}

/** What the journal keeps of an answer: ids and statuses, the title of a problem; not whole documents. */
function summary(status, body) {
  if (!body || typeof body !== 'object') return body;
  if (status >= 400) return { title: body.title, detail: typeof body.detail === 'string' ? body.detail.slice(0, 300) : undefined };
  if (Array.isArray(body)) return { items: body.length };
  const { id, status: state, externalId, channel } = body;
  return { id, status: state, externalId, channel };
}

/** The carrier webhook's signature header: `t=<unix seconds>,v1=<HMAC-SHA256 of "t.body">`. */
function signTracking(secret, body, t = Math.floor(Date.now() / 1000)) {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

module.exports = { Api, Journal, Limit, signTracking };
